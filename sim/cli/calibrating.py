"""The command that fits a scenario's uncertain parameters to the record: calibrate.

On one case's patterns, or on every real case at once (``--cases``). What a set must
pass is in :mod:`sim.cli.checking` (check-patterns, and check-directions on the sets
a calibration accepts).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from sim.cli.checking import PatternsOption
from sim.cli.experiments import analysis_setup
from sim.cli.shared import (
    RESULTS_ROOT,
    EngineOption,
    PerPointWorlds,
    PlotsOption,
    ReplaceOption,
    SchedulerOption,
    SeedOption,
    SetOption,
    WorkersOption,
    command_line,
    err,
    out,
    stoppable,
)
from sim.errors import UserError
from sim.run.engine import EngineKind, make_engine
from sim.wording import counted


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
    scenario, seed, target = analysis_setup(file, overrides, seed, out_dir, replace, "calibration")
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
