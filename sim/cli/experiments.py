"""Commands that run many ensembles.

sweep, sensitivity, calibrate, check-patterns, check-directions and cases.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from sim.cli.shared import (
    RESULTS_ROOT,
    EngineOption,
    PerPointWorlds,
    PlotsOption,
    ReplaceOption,
    RunDir,
    ScenarioFile,
    SchedulerOption,
    SeedOption,
    SetOption,
    WorkersOption,
    command_line,
    err,
    load_with_overrides,
    out,
    stoppable,
)
from sim.errors import UserError
from sim.run.engine import EngineKind, make_engine
from sim.wording import counted


class Sampler(StrEnum):
    """Space-filling samples of a scenario's declared uncertainties."""

    LHS = "lhs"
    SOBOL = "sobol"


class Method(StrEnum):
    """Global sensitivity methods (SALib)."""

    SOBOL = "sobol"
    MORRIS = "morris"


def _analysis_setup(
    file: Path,
    overrides: list[str] | None,
    seed: int | None,
    out_dir: Path | None,
    replace: bool,
    kind: str,
):
    """Load an analysis's scenario and settle its seed and folder before any world runs."""
    from sim.folders.results import default_run_dir
    from sim.folders.runfolder import check_target

    scenario = load_with_overrides(file, overrides)
    seed = scenario.seed if seed is None else seed
    target = out_dir or default_run_dir(RESULTS_ROOT, f"{kind}-{scenario.name}", seed)
    check_target(target, replace)
    return scenario, seed, target


PatternsOption = Annotated[
    Path | None,
    typer.Option(
        "--patterns",
        metavar="FILE.py",
        help="Check another crisis's patterns: a Python file defining PATTERNS, a tuple of "
        "sim.readers.patterns.Pattern (default: the May 2021 case's; docs/authoring.md).",
    ),
]


def sweep(
    file: ScenarioFile,
    params: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            metavar="PATH=LOW:HIGH:STEPS",
            help="A parameter to sweep over evenly spaced values, or listed ones "
            "(PATH=A,B,C); repeat for a grid. `crisis-sim parameters FILE` lists the paths.",
        ),
    ] = None,
    sample: Annotated[
        Sampler | None,
        typer.Option(
            case_sensitive=False,
            help="Instead of a grid, spread --n points over the scenario's declared "
            "uncertainties: a Latin hypercube or a scrambled Sobol' sequence.",
        ),
    ] = None,
    n: Annotated[
        int | None, typer.Option("--n", min=1, help="Points to sample (with --sample).")
    ] = None,
    worlds: PerPointWorlds = 1000,
    seed: SeedOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Folder to create (default: results/sweep-SCENARIO-TIME)."),
    ] = None,
    replace: ReplaceOption = False,
    plots: PlotsOption = True,
    overrides: SetOption = None,
    engine_kind: EngineOption = EngineKind.INPROCESS,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Run an ensemble at every point of a design and tabulate outcome shares by point.

    Writes points.csv (one row per point: parameters, outcome shares and counts, mean
    measures) and plots: shares against one parameter with 95% bands, heatmaps for two.
    """
    from sim.experiments.sweep import grid_design, parse_axis, run_sweep, sample_design, write_sweep

    if bool(params) == (sample is not None):
        raise UserError(
            "Give either --param (a grid, e.g. --param dynamics.advance_step_km=0.2:1.2:6) "
            "or --sample lhs|sobol --n N (points over the scenario's declared uncertainties)."
        )
    if (n is not None) != (sample is not None):
        raise UserError("--n goes with --sample: e.g. --sample lhs --n 64.")
    engine = make_engine(engine_kind, workers, scheduler)
    scenario, seed, target = _analysis_setup(file, overrides, seed, out_dir, replace, "sweep")
    if sample is not None:
        assert n is not None
        design, method = sample_design(scenario, sample.value, n, seed), sample.value
    else:
        design, method = grid_design([parse_axis(scenario, p) for p in params or []]), "grid"
    err.print(
        f"Sweeping {escape(scenario.title)}: {len(design):,} points x {worlds:,} worlds x "
        f"{scenario.ticks} ticks, seed {seed}",
        highlight=False,
        soft_wrap=True,
    )
    with stoppable("sweep"), engine:
        result = run_sweep(
            scenario,
            design,
            method,
            worlds,
            seed,
            engine,
            progress=True,
        )
        written = write_sweep(result, target, command=command_line(), replace=replace, plots=plots)
    _print_points(result.table, result.parameters)
    out.print(f"Sweep:   {escape(str(written))}/", highlight=False, soft_wrap=True)


def _print_points(table, parameters: list[str], limit: int = 30) -> None:
    from sim.plots.sweep import varying_outcomes

    outcomes = varying_outcomes(table) or []
    grid = Table(box=box.SIMPLE_HEAD)
    for path in parameters:  # values whole (a policy name cut short says nothing)
        grid.add_column(escape(path.split(".")[-1]).replace("_", "\n"), no_wrap=True)
    for outcome in outcomes:
        grid.add_column(outcome.replace("_", "\n"), justify="right")
    grid.add_column("mean\nmax\nrung", justify="right")
    shown = table if len(table) <= limit else table.head(limit)
    for _, row in shown.iterrows():
        values = [
            f"{row[p]:.4g}" if isinstance(row[p], float) else escape(str(row[p]))
            for p in parameters
        ]
        shares = [f"{row['p_' + o]:6.1%}" for o in outcomes]
        grid.add_row(*values, *shares, f"{row['mean_max_rung']:.2f}")
    out.print(grid)
    if len(table) > limit:
        out.print(f"... {len(table) - limit:,} more points in points.csv", highlight=False)


def sensitivity(
    file: ScenarioFile,
    method: Annotated[
        Method,
        typer.Option(
            case_sensitive=False,
            help="sobol: first-order and total indices (variance shares); morris: "
            "elementary effects, a cheaper ranking for many parameters.",
        ),
    ] = Method.SOBOL,
    n: Annotated[
        int,
        typer.Option(
            "--n",
            min=2,
            help="Base sample size: Sobol' runs n x (parameters + 2) ensembles (n a power "
            "of two), Morris n x (parameters + 1).",
        ),
    ] = 64,
    measures: Annotated[
        list[str] | None,
        typer.Option(
            "--measure",
            help="An outcome measure to apportion (repeatable; default: p_war, "
            "p_frozen_gain, p_negotiated_withdrawal, mean_max_rung). Any share p_CLASS, "
            "p_shots_fired, p_talks, mean_max_depth_km, mean_peak_alarm, ...",
        ),
    ] = None,
    worlds: PerPointWorlds = 1000,
    seed: SeedOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder to create (default: results/sensitivity-SCENARIO-TIME)."
        ),
    ] = None,
    replace: ReplaceOption = False,
    plots: PlotsOption = True,
    overrides: SetOption = None,
    engine_kind: EngineOption = EngineKind.INPROCESS,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Rank the scenario's declared uncertainties by how much of each measure they explain.

    Uses SALib over the `uncertainties:` section of the file; writes indices.csv (with
    95% intervals), the sample and its measures, and one ranked bar plot per measure.
    """
    from sim.experiments.sensitivity import points_needed, run_sensitivity, write_sensitivity

    engine = make_engine(engine_kind, workers, scheduler)
    scenario, seed, target = _analysis_setup(file, overrides, seed, out_dir, replace, "sensitivity")
    if scenario.uncertainties:
        err.print(
            f"{method.value.capitalize()} over {len(scenario.uncertainties)} uncertainties of "
            f"{escape(scenario.title)}: {points_needed(scenario, method.value, n):,} ensembles "
            f"of {counted(worlds, 'world')}, seed {seed}",
            highlight=False,
            soft_wrap=True,
        )
    with stoppable("analysis"), engine:
        result = run_sensitivity(
            scenario,
            method.value,
            n,
            worlds,
            measures,
            seed,
            engine,
            progress=True,
        )
        written = write_sensitivity(
            result, target, command=command_line(), replace=replace, plots=plots
        )
    _print_indices(result.indices, method)
    out.print(f"Sensitivity: {escape(str(written))}/", highlight=False, soft_wrap=True)


def _print_indices(indices, method: Method) -> None:
    key, columns = (
        ("ST", ("S1", "S1_conf", "ST", "ST_conf"))
        if method is Method.SOBOL
        else ("mu_star", ("mu_star", "mu_star_conf", "sigma"))
    )
    for measure, rows in indices.groupby("measure", sort=False):
        out.print(f"\n[bold]{escape(measure)}[/bold]", highlight=False)
        if rows["constant"].all():
            out.print("  the same at every point: nothing to apportion", highlight=False)
            continue
        table = Table()
        table.add_column("parameter")
        for column in columns:
            table.add_column(column.replace("_conf", " ±95%"), justify="right")
        for _, row in rows.sort_values(key, ascending=False).iterrows():
            table.add_row(escape(row["parameter"]), *(f"{row[c]:.3f}" for c in columns))
        out.print(table)


def check_patterns_command(
    run_dir: RunDir,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Exit 1 unless every pattern holds in most worlds."),
    ] = False,
    patterns_file: PatternsOption = None,
) -> None:
    """Check a run against the patterns of the May 2021 case, world by world.

    Prints each pattern (the advance's depth, no shots, the CSTO's statement, Russia's
    restraint, local talks, the public's alarm), the share of worlds where it holds, and
    whether it holds in most of them. With --patterns, another crisis's patterns instead.
    See docs/validation.md.
    """
    from sim.folders.runfolder import read_manifest
    from sim.readers.patterns import MAJORITY, check_patterns, load_patterns

    table = check_patterns(run_dir, load_patterns(patterns_file))
    manifest = read_manifest(run_dir)
    out.print(
        f"\n[bold]{escape(manifest.get('title', str(run_dir)))}[/bold]: the case's patterns "
        f"in {counted(manifest.get('worlds', 0), 'world')}",
        highlight=False,
        soft_wrap=True,
    )
    grid = Table()
    grid.add_column("pattern")
    grid.add_column("what the case shows")
    grid.add_column("worlds", justify="right")
    grid.add_column("holds", justify="center")
    for row in table.itertuples():
        mark = "[green]✓[/green]" if row.holds else "[red]✗[/red]"
        grid.add_row(row.pattern, escape(row.statement), f"{row.share:6.1%}", mark)
    out.print(grid)
    patterns = table[table.pattern != "all"]
    held = int(patterns.holds.sum())
    out.print(
        f"{held} of {len(patterns)} patterns hold in more than {MAJORITY:.0%} of worlds.",
        highlight=False,
    )
    if strict and held < len(patterns):
        raise typer.Exit(1)


def calibrate(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="The scenario file (YAML); leave it out with --cases.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    sets: Annotated[
        int,
        typer.Option(
            "--sets",
            min=2,
            help="Parameter sets to draw from the scenario's declared uncertainties (a "
            "Latin hypercube); each runs one ensemble of --worlds worlds.",
        ),
    ] = 1000,
    worlds: PerPointWorlds = 1000,
    seed: SeedOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder to create (default: results/calibration-SCENARIO-TIME)."
        ),
    ] = None,
    replace: ReplaceOption = False,
    plots: PlotsOption = True,
    overrides: SetOption = None,
    engine_kind: EngineOption = EngineKind.INPROCESS,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    patterns_file: PatternsOption = None,
    cases_dir: Annotated[
        Path | None,
        typer.Option(
            "--cases",
            metavar="DIR",
            help="Calibrate jointly on a folder of real cases (scenarios/cases): one shared "
            "set of parameters, drawn from the `uncertainties:` of DIR/shared.yaml, "
            "accepted only if every case's patterns hold and its record's class is modal.",
        ),
    ] = None,
    leave_one_out: Annotated[
        bool,
        typer.Option(
            "--leave-one-out",
            help="With --cases: also print, for each case, its record's share at the sets "
            "the other cases accept (the prediction of a case left out).",
        ),
    ] = False,
    rounds: Annotated[
        int,
        typer.Option(
            "--rounds",
            min=1,
            max=10,
            help="With --cases: draw --sets more sets per round from the box (5-95%) of the "
            "previous round's accepted sets. Only round 1 is read for what the cases pin "
            "down and for --leave-one-out.",
        ),
    ] = 1,
) -> None:
    """Find the parameter values that reproduce the case's patterns (ABC by rejection).

    Draws --sets parameter sets from the `uncertainties:` ranges, runs an ensemble at
    each, and accepts a set when every pattern of `check-patterns` holds in most of its
    worlds. Prints, per parameter, whether the case pins it down, narrows it or leaves it
    open, and how the outcome shares vary across the accepted sets. Writes sets.csv,
    region.csv, conclusions.csv and plots. With --cases DIR instead of FILE, one shared
    set of parameters is calibrated on every real case of DIR at once (--leave-one-out
    adds each case's prediction from the others; --rounds draws again where the first
    round accepted), and the best set, where the worst-fitting case fits best, is the one
    the defaults take (best.csv). See docs/validation.md.
    """
    from sim.experiments.calibration import run_calibration, write_calibration

    if (file is None) == (cases_dir is None):
        raise UserError(
            "Give a scenario FILE to calibrate one case, or --cases DIR to calibrate on a "
            "folder of real cases at once (not both)."
        )
    if cases_dir is not None:
        _calibrate_cases(
            cases_dir,
            sets,
            worlds,
            seed,
            out_dir,
            replace,
            leave_one_out,
            make_engine(engine_kind, workers, scheduler),
            rounds,
        )
        return
    if leave_one_out:
        raise UserError("--leave-one-out needs --cases DIR: it leaves out one case at a time.")
    if rounds != 1:
        raise UserError("--rounds needs --cases DIR: one case is calibrated in one round.")
    engine = make_engine(engine_kind, workers, scheduler)
    scenario, seed, target = _analysis_setup(file, overrides, seed, out_dir, replace, "calibration")
    err.print(
        f"Calibrating {escape(scenario.title)} against the case's patterns: {sets:,} "
        f"parameter sets x {worlds:,} worlds, seed {seed}",
        highlight=False,
        soft_wrap=True,
    )
    with stoppable("analysis"), engine:
        result = run_calibration(
            scenario,
            sets,
            worlds,
            seed,
            engine,
            progress=True,
            patterns_file=patterns_file,
        )
        written = write_calibration(
            result, target, command=command_line(), replace=replace, plots=plots
        )
    _print_calibration(result)
    out.print(f"Calibration: {escape(str(written))}/", highlight=False, soft_wrap=True)


def _calibrate_cases(
    directory: Path,
    sets: int,
    worlds: int,
    seed: int | None,
    out_dir: Path | None,
    replace: bool,
    leave_one_out: bool,
    engine,
    rounds: int = 1,
) -> None:
    """Run and print the joint calibration of `calibrate --cases` (sim.experiments.joint)."""
    from sim.experiments.cases import load_cases
    from sim.experiments.joint import run_joint_calibration, write_joint_calibration
    from sim.folders.runfolder import check_target, stamped_folder

    found = load_cases(directory)
    target = out_dir or stamped_folder(RESULTS_ROOT, "calibration-cases", "")
    check_target(target, replace)
    per_round = f" per round, up to {rounds} rounds" if rounds > 1 else ""
    err.print(
        f"Calibrating on {counted(len(found), 'case')} at once: {sets:,} parameter sets"
        f"{per_round} x {counted(len(found), 'case')} x {counted(worlds, 'world')}",
        highlight=False,
        soft_wrap=True,
    )
    with stoppable("analysis"), engine:
        result = run_joint_calibration(
            directory, found, sets, worlds, seed, engine, True, rounds=rounds
        )
        written = write_joint_calibration(result, target, command=command_line(), replace=replace)
    for number, table in result.table.groupby("round"):
        accepted = int(table["accepted"].sum())
        label = f"Round {number}: " if result.table["round"].max() > 1 else "\n"
        out.print(
            f"{label}{accepted:,} of {len(table):,} parameter sets reproduce every pattern of "
            f"every case ({accepted / len(table):.0%}).",
            highlight=False,
        )
    per_case = Table(title="Sets of round 1 each case accepts alone", title_justify="left")
    per_case.add_column("case")
    per_case.add_column("accepts", justify="right")
    best = result.best()
    if best is not None:
        per_case.add_column(
            f"patterns together at the best set ({int(best.name)})", justify="right"
        )
    for case in found:
        share = result.first_round[f"{case.scenario.name}:accepted"].mean()
        cells = [escape(case.key), f"{share:.0%}"]
        if best is not None:
            cells.append(f"{best[f'{case.scenario.name}:patterns_together']:.0%}")
        per_case.add_row(*cells)
    out.print(per_case)
    if best is None:
        out.print("No set is accepted: there is no best set for the defaults.", highlight=False)
    if leave_one_out:
        held = Table(
            title="Leave one out: the record's share at the others' sets", title_justify="left"
        )
        for column in ("left out", "record", "sets", "median share (5-95%)", "30%?"):
            held.add_column(column, justify="left" if column in ("left out", "record") else "right")
        for row in result.leave_one_out().itertuples():
            held.add_row(
                escape(row.held_out),
                row.record.replace("_", " "),
                f"{row.accepted_without_it:,}",
                f"{row.record_share_median:.0%} ({row.record_share_q05:.0%}-"
                f"{row.record_share_q95:.0%})"
                if row.accepted_without_it
                else "no set",
                "yes" if row.at_least_30pct else "no",
            )
        out.print(held)
    out.print(f"Calibration: {escape(str(written))}/", highlight=False, soft_wrap=True)


def _print_calibration(result) -> None:
    accepted = int(result.table["accepted"].sum())
    out.print(
        f"\n{accepted:,} of {len(result.table):,} parameter sets reproduce every pattern "
        f"({accepted / len(result.table):.0%}).",
        highlight=False,
    )
    if accepted == 0:
        out.print(
            "No set is accepted: the patterns that rule sets out are in rejections.png. "
            "Widen the `uncertainties:` ranges or revisit the policies.",
            highlight=False,
        )
        return
    region = Table(title="What the case pins down", title_justify="left", box=box.SIMPLE_HEAD)
    region.add_column("parameter", no_wrap=True)
    for column in ("prior", "accepted 5-95%", "shift", "verdict", "now"):
        region.add_column(column, justify="right", no_wrap=column != "accepted 5-95%")
    for row in result.region().itertuples():
        region.add_row(
            escape(row.parameter),
            f"{row.prior_low:.3g}-{row.prior_high:.3g}",
            f"{row.accepted_q05:.2g}-{row.accepted_q95:.2g}",
            f"{row.shift:.2f}",
            f"{row.verdict} {row.leans}".strip(),
            f"{row.current:.3g}",
        )
    out.print(region)
    outcomes = Table(title="Outcome shares across the accepted sets", title_justify="left")
    for column in ("outcome", "5%", "median", "95%"):
        outcomes.add_column(column, justify="left" if column == "outcome" else "right")
    for row in result.conclusions().itertuples():
        outcomes.add_row(row.outcome, f"{row.q05:.0%}", f"{row.median:.0%}", f"{row.q95:.0%}")
    out.print(outcomes)


def check_directions_command(
    calibration_dir: Annotated[
        Path,
        typer.Argument(
            help="A folder written by `crisis-sim calibrate` on the baseline.",
            show_default=False,
            metavar="CALIBRATION_DIR",
        ),
    ],
    sets: Annotated[
        int,
        typer.Option("--sets", min=1, help="Accepted parameter sets to check at (spread evenly)."),
    ] = 20,
    worlds: PerPointWorlds = 1000,
    scenarios: Annotated[
        Path,
        typer.Option(help="The folder holding the baseline and its variants."),
    ] = Path("scenarios"),
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Also write directions.csv and directions.png here."),
    ] = None,
    replace: ReplaceOption = False,
) -> None:
    """Check that each single-lever variant moves outcomes the way the case's analysts expect.

    At each of --sets accepted parameter sets of a calibration, runs the baseline and six
    variants (army on the line, a protector Russia, a credible CSTO, strong Western
    statements, no rumours, early mediation) on the same worlds, and prints the share of
    sets where each moved its measure in the expected direction. Exits 1 if any did not
    hold at every set. See docs/validation.md.
    """
    from sim.experiments.calibration import calibrated_sets
    from sim.experiments.directions import (
        BASELINE,
        check_directions,
        load_variants,
        spread_sets,
        summarise_directions,
        write_directions,
    )
    from sim.folders.runfolder import check_target

    baseline, accepted = calibrated_sets(calibration_dir, scenarios / f"{BASELINE}.yaml")
    if out_dir is not None:
        check_target(out_dir, replace)
    chosen = spread_sets(accepted, sets)
    variants = load_variants(scenarios)
    err.print(
        f"Checking {len(variants)} directions at {len(chosen)} of {len(accepted):,} accepted "
        f"sets, {worlds:,} worlds each",
        highlight=False,
    )
    with stoppable("analysis"):
        table = check_directions(baseline, variants, chosen, worlds, progress=True)
    summary = summarise_directions(table)
    grid = Table(box=box.SIMPLE_HEAD)
    grid.add_column("variant", no_wrap=True)
    grid.add_column("measure")
    grid.add_column("expected", no_wrap=True)
    grid.add_column("change", justify="right", no_wrap=True)
    grid.add_column("held at", justify="right", no_wrap=True)
    for row in summary.itertuples():
        mark = "green" if row.held_in == 1 else "red"
        grid.add_row(
            row.variant,
            row.measure,
            row.expected.split()[0],
            f"{row.change_min:+.2g} to {row.change_max:+.2g}",
            f"[{mark}]{row.held_in:.0%}[/{mark}]",
        )
    out.print(grid)
    if out_dir is not None:
        write_directions(
            table,
            baseline,
            out_dir,
            calibration=Path(calibration_dir),
            worlds=worlds,
            seed=baseline.seed,
            command=command_line(),
            replace=replace,
        )
        out.print(f"Directions: {escape(str(out_dir))}/", highlight=False, soft_wrap=True)
    if (summary["held_in"] < 1).any():
        raise typer.Exit(1)


def cases(
    directory: Annotated[
        Path,
        typer.Argument(
            help="The folder of cases, one folder each with scenario.yaml, case.yaml and "
            "patterns.py.",
            show_default=True,
        ),
    ] = Path("scenarios/cases"),
    worlds: Annotated[
        int,
        typer.Option("--worlds", min=1, max=10_000_000, help="Worlds in each case's ensemble."),
    ] = 1000,
    seed: Annotated[
        int | None,
        typer.Option(min=0, help="Seed of every case's draws (default: each case's own)."),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Folder to create (default: results/cases-TIME)."),
    ] = None,
    replace: ReplaceOption = False,
    plots: PlotsOption = True,
    engine_kind: EngineOption = EngineKind.INPROCESS,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Run every real case with one shared model and score the record's outcome class.

    Per case: the record's class, its share of worlds (95% interval), whether it is the
    modal class, and the Brier and log scores. Writes cases.csv (with every class's
    share and the share of worlds where the record's patterns hold together) and
    cases.png. See docs/validation.md.
    """
    from sim.experiments.cases import load_cases, score_cases, write_cases
    from sim.folders.runfolder import check_target, stamped_folder

    found = load_cases(directory)
    target = out_dir or stamped_folder(RESULTS_ROOT, "cases", "")
    check_target(target, replace, "cases folder", "cases.csv")
    engine = make_engine(engine_kind, workers, scheduler)
    err.print(
        f"Running {counted(len(found), 'case')} x {counted(worlds, 'world')}",
        highlight=False,
        soft_wrap=True,
    )
    with stoppable("analysis"), engine:
        table = score_cases(found, worlds, seed, engine, progress=True)
        written = write_cases(table, target, replace=replace, plots=plots)
    shown = Table(
        title="Real cases: the record against the worlds",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for column in ("case", "record", "share", "95%", "modal", "Brier", "log"):
        shown.add_column(
            column,
            justify="left" if column in ("case", "record") else "right",
            no_wrap=column in ("case", "95%"),
            min_width=9 if column == "record" else None,
        )
    for row in table.itertuples():
        shown.add_row(
            escape(row.case),
            row.real.replace("_", " "),
            f"{row.real_share:.0%}",
            f"{row.real_low:.0%}-{row.real_high:.0%}",
            "yes" if row.real_is_modal else "no",
            f"{row.brier:.2f}",
            f"{row.log_score:.2f}",
        )
    out.print(shown)
    for row in table[~table["real_is_modal"]].itertuples():
        out.print(
            f"{escape(row.case)}: the worlds' most common class is {row.modal.replace('_', ' ')}.",
            highlight=False,
        )
    modal = int(table["real_is_modal"].sum())
    out.print(
        f"The record's class is modal in {modal} of {counted(len(table), 'case')}. "
        f"Cases: {escape(str(written))}/",
        highlight=False,
        soft_wrap=True,
    )
