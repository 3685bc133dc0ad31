"""The ``crisis-sim`` command line: run, analyse and explain crisis scenarios.

Every error a user can fix ends in one clear paragraph and exit status 2, never a
traceback.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sim.core.actions import ActorKind
from sim.errors import UserError
from sim.interrupts import remember_interrupts
from sim.run.engine import Engine
from sim.wording import counted

app = typer.Typer(
    name="crisis-sim",
    help="Simulate border-crisis escalation, from the May 2021 Sev Lake crisis onwards.\n\n"
    "Start with: crisis-sim run scenarios/baseline-may-2021.yaml",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
# Paths, titles and messages are the user's text: printed with rich's markup escaped, so
# `[/b]` in a title or `[red]` in a folder name is shown as written (never a crash), and
# on one line however long (soft_wrap), so `file:line` stays whole for editors and grep.
out = Console()
err = Console(stderr=True)

RESULTS_ROOT = Path("results")
#: The schema's limits (sim/spec/schema.py), so the command line cannot pass what a file cannot.
MAX_WORLDS = 100_000_000
MAX_SEED = 2**63 - 1

# Options shared by the commands that run worlds (run, sweep, sensitivity).
ScenarioFile = Annotated[
    Path, typer.Argument(help="The scenario file (YAML).", show_default=False, metavar="FILE")
]
RunDir = Annotated[
    Path, typer.Argument(help="A results folder.", show_default=False, metavar="RUN_DIR")
]
SeedOption = Annotated[
    int | None,
    typer.Option(min=0, max=MAX_SEED, help="Seed of every draw (default: the scenario's)."),
]
ReplaceOption = Annotated[
    bool, typer.Option("--replace", help="Replace --out if it holds an earlier result.")
]
PlotsOption = Annotated[bool, typer.Option("--plots/--no-plots", help="Draw the plots.")]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Change a scenario field for this run, e.g. --set horizon_days=90 or "
        "--set dynamics.advance_step_km=0.5 (repeatable; validated like the file).",
    ),
]
EngineOption = Annotated[
    Engine,
    typer.Option(
        case_sensitive=False,
        help="Where the worlds run: this process, local worker processes, or Dask. "
        "Every engine gives identical worlds.",
    ),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        help="Worker processes for --engine processes or a local Dask cluster "
        "(default: the machine's cores)."
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        help="Address of a running Dask scheduler, e.g. tcp://127.0.0.1:8786 "
        "(--engine dask; default: start a local cluster)."
    ),
]


@app.command()
def validate(
    files: Annotated[
        list[Path],
        typer.Argument(help="Scenario files to check.", show_default=False, metavar="FILE"),
    ],
) -> None:
    """Check scenario files against the schema and the policies, reporting every problem.

    Exits 0 when every file is valid, 2 otherwise. Nothing is run.
    """
    from sim.spec.loading import load_scenario

    failed = 0
    for file in files:
        try:
            loaded = load_scenario(file)
        except UserError as error:
            failed += 1
            err.print(f"[red]✗[/red] {escape(str(error))}", highlight=False, soft_wrap=True)
            continue
        s = loaded.scenario
        actors = ", ".join(
            f"{name}={getattr(s.actors, name).policy}"
            for name in ("azerbaijan", "armenia", "russia", "csto")
        )
        out.print(
            f"[green]✓[/green] {escape(str(file))}: {s.name}, {len(s.sectors)} sectors, "
            f"{s.ticks} ticks of {s.tick_hours} h; {actors}",
            highlight=False,
            soft_wrap=True,
        )
    if failed:
        raise typer.Exit(2)


@app.command()
def run(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="The scenario file (YAML); not needed with --resume.",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    worlds: Annotated[
        int | None,
        typer.Option(
            "--worlds",
            "-n",
            min=1,
            max=MAX_WORLDS,
            help="Worlds in the ensemble (default: the scenario's).",
        ),
    ] = None,
    seed: SeedOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Results folder to create (default: results/SCENARIO-TIME-seedSEED).",
        ),
    ] = None,
    csv: Annotated[bool, typer.Option("--csv", help="Also write worlds.csv.")] = False,
    replace: ReplaceOption = False,
    plots: PlotsOption = True,
    chunk_size: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Worlds simulated at once: memory and speed, never results "
            "(default: 50,000, or enough chunks to keep every worker busy).",
        ),
    ] = None,
    overrides: SetOption = None,
    engine: EngineOption = Engine.INPROCESS,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    resume: Annotated[
        Path | None,
        typer.Option(
            "--resume",
            metavar="DIR",
            help="Finish a run that was stopped (killed, a laptop asleep, Ctrl-C): its --out "
            "folder, or DIR.incomplete. Only the missing chunks are simulated; the outcomes "
            "are the same, to the byte, as an uninterrupted run's.",
        ),
    ] = None,
) -> None:
    """Run an ensemble of worlds and write a results folder with tables and plots.

    Prints the share of worlds ending in each outcome class and where the results are.
    While it runs, finished chunks of worlds are kept in OUT.incomplete/; if the run is
    stopped, `crisis-sim run --resume OUT` goes on from there.
    """
    from sim.folders.results import default_run_dir, versions, write_run
    from sim.folders.runfolder import check_target
    from sim.run.ensemble import default_chunk_size, default_workers, run_ensemble
    from sim.run.journal import Journal

    _check_scheduler(engine, scheduler)
    if resume is not None:
        if file is not None or overrides or worlds is not None or seed is not None:
            raise UserError(
                "--resume finishes a run as it was started: give only the folder (and, if "
                "you like, --engine, --workers or --scheduler), not a FILE, --worlds, --seed "
                "or --set."
            )
        journal = Journal.open(resume)
        finished = journal.finished_run()
        if finished is not None:  # killed after the folder was written, before tidying up
            journal.finish()
            out.print(
                f"The run had finished: its results are in {escape(str(finished))}/. "
                "Its leftover journal was removed.",
                highlight=False,
                soft_wrap=True,
            )
            return
        request = journal.request
        scenario = _scenario_of(journal)
        seed, n, target = request["seed"], request["worlds"], journal.out
        source = Path(request["source"]) if request.get("source") else None
        replace, csv, plots = request["replace"], request["csv"], request["plots"]
        chunk_size, command = request["chunk_size"], request["command"]
        command += f"  (resumed: {_command_line()})"
        check_target(target, replace)
        err.print(
            f"Resuming {escape(scenario.title)}: {journal.progress()} done, seed {seed}",
            highlight=False,
            soft_wrap=True,
        )
    else:
        if file is None:
            raise UserError(
                "Missing scenario FILE: e.g. crisis-sim run scenarios/baseline-may-2021.yaml"
            )
        scenario = _load_with_overrides(file, overrides)
        seed = scenario.seed if seed is None else seed
        target = out_dir or default_run_dir(RESULTS_ROOT, scenario.name, seed)
        check_target(target, replace)  # before simulating, not after
        n = scenario.worlds if worlds is None else worlds
        # The journal's chunks must line up on resume, whatever engine finishes the run.
        chunk_size = chunk_size or default_chunk_size(n, engine, workers)
        source, command = file, _command_line()
        journal = None
        err.print(
            f"Running {escape(scenario.title)}: {counted(n, 'world')} x "
            f"{scenario.ticks} ticks, seed {seed}",
            highlight=False,
            soft_wrap=True,
        )
    with _stoppable("run", "results folder", journal_of=target):
        try:
            if journal is None:
                from sim.run.ensemble import check_request

                check_request(n, engine, default_workers(n, engine, workers), chunk_size, scenario)
                journal = Journal.start(
                    target,
                    {
                        "scenario": scenario.model_dump(mode="json", exclude_none=True),
                        "seed": seed,
                        "worlds": n,
                        "chunk_size": chunk_size,
                        "source": str(source),
                        "command": command,
                        "replace": replace,
                        "csv": csv,
                        "plots": plots,
                        "versions": versions(),
                    },
                )
            result = run_ensemble(
                scenario,
                worlds=n,
                seed=seed,
                chunk_size=chunk_size,
                progress=True,
                engine=engine,
                workers=workers,
                scheduler=scheduler,
                checkpoint=journal,
            )
        except UserError:
            if journal is not None and resume is None and not journal.has_chunks():
                journal.finish()  # refused before any work: leave nothing behind
            raise  # otherwise finished chunks stay for --resume
        written = write_run(
            result,
            target,
            source=source,
            command=command,
            csv=csv,
            replace=replace,
            plots=plots,
        )
        journal.finish()
    _print_shares(result.outcomes, scenario.title, n)
    out.print(f"Results: {escape(str(written))}/", highlight=False, soft_wrap=True)
    if plots:
        out.print(f"Plots:   {escape(str(written / 'plots'))}/", highlight=False, soft_wrap=True)


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
    engine: Engine,
    scheduler: str | None,
    kind: str,
):
    """Load an analysis's scenario and settle its seed and folder before any world runs."""
    from sim.folders.results import default_run_dir
    from sim.folders.runfolder import check_target

    _check_scheduler(engine, scheduler)
    scenario = _load_with_overrides(file, overrides)
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
PerPointWorlds = Annotated[
    int,
    typer.Option(
        "--worlds",
        min=1,
        max=MAX_WORLDS,
        help="Worlds in each point's ensemble (the same worlds and seed at every point).",
    ),
]


def _default_workers(engine: Engine, workers: int | None) -> int:
    if workers is not None:
        return workers
    return 1 if engine is Engine.INPROCESS else (os.cpu_count() or 1)


@app.command()
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
    engine: EngineOption = Engine.INPROCESS,
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
    scenario, seed, target = _analysis_setup(
        file, overrides, seed, out_dir, replace, engine, scheduler, "sweep"
    )
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
    with _stoppable("sweep"):
        result = run_sweep(
            scenario,
            design,
            method,
            worlds,
            seed,
            engine,
            _default_workers(engine, workers),
            scheduler,
            progress=True,
        )
        written = write_sweep(result, target, command=_command_line(), replace=replace, plots=plots)
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


@app.command()
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
    engine: EngineOption = Engine.INPROCESS,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Rank the scenario's declared uncertainties by how much of each measure they explain.

    Uses SALib over the `uncertainties:` section of the file; writes indices.csv (with
    95% intervals), the sample and its measures, and one ranked bar plot per measure.
    """
    from sim.experiments.sensitivity import points_needed, run_sensitivity, write_sensitivity

    scenario, seed, target = _analysis_setup(
        file, overrides, seed, out_dir, replace, engine, scheduler, "sensitivity"
    )
    if scenario.uncertainties:
        err.print(
            f"{method.value.capitalize()} over {len(scenario.uncertainties)} uncertainties of "
            f"{escape(scenario.title)}: {points_needed(scenario, method.value, n):,} ensembles "
            f"of {counted(worlds, 'world')}, seed {seed}",
            highlight=False,
            soft_wrap=True,
        )
    with _stoppable("analysis"):
        result = run_sensitivity(
            scenario,
            method.value,
            n,
            worlds,
            measures,
            seed,
            engine,
            _default_workers(engine, workers),
            scheduler,
            progress=True,
        )
        written = write_sensitivity(
            result, target, command=_command_line(), replace=replace, plots=plots
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


@app.command()
def play(
    file: ScenarioFile,
    roles: Annotated[
        list[str],
        typer.Option(
            "--as",
            metavar="ROLE",
            help="The government you play: armenia, azerbaijan, russia, csto or a third "
            "party's name (repeat to take turns at one keyboard).",
        ),
    ],
    seed: SeedOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Where to save the game (default: results/game-SCENARIO-TIME)."),
    ] = None,
    debrief_worlds: Annotated[
        int,
        typer.Option(
            min=1, max=1_000_000, help="Simulated worlds the debrief compares your game with."
        ),
    ] = 2000,
) -> None:
    """Play a government in the terminal, day by day, against the others' policies.

    Each day: what your government sees, the actions it may take; answer with a number
    or a name (and a sector where needed, e.g. `3 sev_lake`). Enter holds, `?` shows what
    your government's usual policy would do, `q` holds to the end. The debrief compares
    your world with thousands of simulated ones; the game is saved as a results folder.
    """
    from sim.folders.results import default_run_dir
    from sim.folders.runfolder import check_target
    from sim.spec.loading import load_scenario
    from sim.teach.game import Game
    from sim.teach.terminal import play as play_game

    scenario = load_scenario(file).scenario
    game = Game(scenario, roles, seed)
    target = out_dir or default_run_dir(RESULTS_ROOT, f"game-{scenario.name}", game.seed)
    check_target(target, replace=False)
    out.print(
        f"[bold]{escape(scenario.title)}[/bold]: you play {', '.join(map(escape, roles))}; "
        f"{game.days} days. {escape(scenario.description)}",
        highlight=False,
    )
    with _stoppable("game"):
        play_game(game, lambda prompt: input(prompt), out, target, debrief_worlds)


@app.command("check-patterns")
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


@app.command()
def calibrate(
    file: ScenarioFile,
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
    engine: EngineOption = Engine.INPROCESS,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    patterns_file: PatternsOption = None,
) -> None:
    """Find the parameter values that reproduce the case's patterns (ABC by rejection).

    Draws --sets parameter sets from the `uncertainties:` ranges, runs an ensemble at
    each, and accepts a set when every pattern of `check-patterns` holds in most of its
    worlds. Prints, per parameter, whether the case pins it down, narrows it or leaves it
    open, and how the outcome shares vary across the accepted sets. Writes sets.csv,
    region.csv, conclusions.csv and plots. See docs/validation.md.
    """
    from sim.experiments.calibration import run_calibration, write_calibration

    scenario, seed, target = _analysis_setup(
        file, overrides, seed, out_dir, replace, engine, scheduler, "calibration"
    )
    err.print(
        f"Calibrating {escape(scenario.title)} against the case's patterns: {sets:,} "
        f"parameter sets x {worlds:,} worlds, seed {seed}",
        highlight=False,
        soft_wrap=True,
    )
    with _stoppable("analysis"):
        result = run_calibration(
            scenario,
            sets,
            worlds,
            seed,
            engine,
            _default_workers(engine, workers),
            scheduler,
            progress=True,
            patterns_file=patterns_file,
        )
        written = write_calibration(
            result, target, command=_command_line(), replace=replace, plots=plots
        )
    _print_calibration(result)
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


@app.command("check-directions")
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
    import pandas as pd

    from sim.experiments.directions import (
        BASELINE,
        check_directions,
        load_variants,
        spread_sets,
        summarise_directions,
        write_directions,
    )
    from sim.folders.runfolder import check_target, read_manifest
    from sim.spec.loading import load_scenario, scenario_hash

    manifest = read_manifest(calibration_dir)
    table_path = Path(calibration_dir) / "sets.parquet"
    if manifest.get("kind") != "calibration" or not table_path.is_file():
        raise UserError(
            f"{calibration_dir} is not a calibration folder (no sets.parquet, or its manifest "
            "says otherwise). Make one with `crisis-sim calibrate FILE`."
        )
    baseline = load_scenario(scenarios / f"{BASELINE}.yaml").scenario
    if manifest.get("scenario_hash") != scenario_hash(baseline):
        raise UserError(
            f"{calibration_dir} calibrated another version of {BASELINE} than "
            f"{scenarios / (BASELINE + '.yaml')} (the file changed, or --set was used). "
            "Calibrate the file as it is now, then check the directions."
        )
    if out_dir is not None:
        check_target(out_dir, replace)
    accepted = pd.read_parquet(table_path).query("accepted")
    chosen = spread_sets(accepted, sets)
    variants = load_variants(scenarios)
    err.print(
        f"Checking {len(variants)} directions at {len(chosen)} of {len(accepted):,} accepted "
        f"sets, {worlds:,} worlds each",
        highlight=False,
    )
    with _stoppable("analysis"):
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
            command=_command_line(),
            replace=replace,
        )
        out.print(f"Directions: {escape(str(out_dir))}/", highlight=False, soft_wrap=True)
    if (summary["held_in"] < 1).any():
        raise typer.Exit(1)


@app.command()
def rerun(
    run_dir: RunDir,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", metavar="DIR", help="Also write the rerun as a results folder."),
    ] = None,
    engine: EngineOption = Engine.INPROCESS,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Repeat a run from its manifest alone and check that its outcomes are the same.

    The scenario, seed and number of worlds come from RUN_DIR/manifest.json; the outcome
    hash of the rerun is compared with the recorded one. Exits 0 when they match and 1
    when they differ, and warns when Python or a library differs from the versions the
    run recorded (the likeliest reason for a difference).
    """
    from sim.folders.results import outcome_hash, versions, write_run
    from sim.folders.runfolder import check_target, read_manifest
    from sim.run.ensemble import run_ensemble
    from sim.spec.validation import validate_data

    _check_scheduler(engine, scheduler)
    manifest = read_manifest(run_dir)
    if "outcome_hash" not in manifest or "scenario" not in manifest:
        raise UserError(
            f"{run_dir} is a {manifest.get('kind', 'results')} folder, not a run: rerun "
            "repeats folders written by `crisis-sim run` (or a saved game)."
        )
    scenario = validate_data(manifest["scenario"], Path(run_dir) / "manifest.json")
    if out_dir is not None:
        check_target(out_dir, False)
    then, now = manifest.get("versions", {}), versions()
    changed = [f"{name} {then[name]} → {now.get(name, 'missing')}" for name in then
               if now.get(name) != then[name]]  # fmt: skip
    if changed:
        err.print(
            "warning: this run was made with other versions than these: "
            + "; ".join(changed)
            + ". Outcomes may differ for that reason alone.",
            highlight=False,
            soft_wrap=True,
        )
    worlds, seed = manifest["worlds"], manifest["seed"]
    err.print(
        f"Rerunning {escape(scenario.title)}: {worlds:,} worlds, seed {seed}",
        highlight=False,
        soft_wrap=True,
    )
    with _stoppable("rerun", "results folder"):
        result = run_ensemble(
            scenario,
            worlds=worlds,
            seed=seed,
            progress=True,
            engine=engine,
            workers=workers,
            scheduler=scheduler,
        )
        if out_dir is not None:
            write_run(result, out_dir, command=_command_line())
    recorded, found = manifest["outcome_hash"], outcome_hash(result.outcomes)
    if found == recorded:
        out.print(
            f"[green]✓[/green] Same outcomes as recorded in {escape(str(run_dir))}: "
            f"hash {found[:16]}… over {worlds:,} worlds.",
            highlight=False,
            soft_wrap=True,
        )
        return
    differing = (result.outcomes["outcome"] != _recorded_classes(run_dir)).sum()
    err.print(
        f"[red]✗[/red] The rerun's outcomes differ from those recorded in "
        f"{escape(str(run_dir))}: hash {found[:16]}… instead of {recorded[:16]}…; "
        f"{differing:,} of {worlds:,} worlds end in another class. "
        + (
            "The versions above differ: rerun under the recorded ones to check."
            if changed
            else "The versions are the same: please report this as a bug."
        ),
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(1)


def _recorded_classes(run_dir: Path):
    """Return the recorded outcome class of each world, in world order."""
    from sim.folders.runfolder import open_run

    table = open_run(run_dir).worlds
    return table.sort_values("world")["outcome"].to_numpy()


@app.command()
def briefs(
    out_dir: Annotated[
        Path,
        typer.Option("--out", metavar="DIR", help="Where to write the briefs (a new folder)."),
    ] = RESULTS_ROOT / "briefs",
    roles: Annotated[
        list[str] | None,
        typer.Option(
            "--role",
            metavar="ROLE",
            help="A team's role; repeat for several (default: armenia, azerbaijan, russia, "
            "csto). A third party (e.g. france) gets the Western capital's brief.",
        ),
    ] = None,
    replace: ReplaceOption = False,
) -> None:
    """Write the workshop's printable briefs: one HTML page per team, and an index.

    Each says what its government could know on 11 May 2021, what it wants and fears,
    and the moves it may make. Open them in a browser and print; see docs/workshop.md.
    """
    from sim.teach.workshop import ROLES, write_briefs

    chosen = tuple(roles) if roles else ROLES
    for role in chosen:
        if not role.replace("_", "").isalnum() or role != role.lower():
            raise UserError(
                f"{role!r} is not a role: use a lower-case name such as armenia or "
                "united_states (--role may be repeated)."
            )
    pages = write_briefs(out_dir, chosen, replace=replace)
    out.print(
        f"Briefs: {escape(str(out_dir))}/ ({', '.join(p.name for p in pages)}, index.html)",
        highlight=False,
        soft_wrap=True,
    )


@app.command()
def dashboard(
    file: Annotated[
        Path,
        typer.Argument(help="The scenario file (YAML).", show_default=False, metavar="FILE"),
    ] = Path("scenarios/baseline-may-2021.yaml"),
    host: Annotated[
        str,
        typer.Option(
            help="Address to serve on. 127.0.0.1 keeps it on this machine; 0.0.0.0 lets "
            "students' laptops on the room's network open their team pages."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 8765,
    ensemble_worlds: Annotated[
        int,
        typer.Option(min=1, max=1_000_000, help="Worlds the ensemble button and debrief run."),
    ] = 2000,
) -> None:
    """Serve the workshop dashboard: one world step by step, team pages, the debrief.

    Pages: / (the dashboard of one world), /game (the facilitator), /team/ROLE (a team,
    e.g. /team/armenia). Stop it with Ctrl-C.
    """
    import socket

    from sim.spec.loading import load_scenario
    from sim.teach.dashboard.serve import Stopped, serve

    load_scenario(file)  # a bad file is reported here, not in the browser
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the server binds (asyncio sets SO_REUSEADDR on POSIX): a port whose last
        # dashboard closed browsers' connections a minute ago is free; a listening one is not.
        # (On Windows the option would let us share a port in use.)
        if os.name == "posix":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UserError(
                f"Cannot serve on {host}:{port} ({error.strerror or error}): another program "
                f"(perhaps another dashboard) is using that port. Stop it, or choose another "
                f"with --port, e.g. --port {port + 1}."
            ) from None
    environ = {
        **os.environ,
        "CRISIS_SIM_SCENARIO": str(file.resolve()),
        "CRISIS_SIM_RESULTS": str(RESULTS_ROOT.resolve()),
        "CRISIS_SIM_ENSEMBLE_WORLDS": str(ensemble_worlds),
        "CRISIS_SIM_DEBRIEF_WORLDS": str(ensemble_worlds),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",  # no calls home from a classroom
        # Solara warns that plain http cannot set samesite=none cookies; it falls back to
        # samesite=lax, which is right for a dashboard that is not embedded in a frame.
        "PYTHONWARNINGS": "ignore:Cookies with samesite=none require https:UserWarning",
        # A closed tab's session ends (and frees its team's role) 20 s after it goes.
        "SOLARA_KERNEL_CULL_TIMEOUT": "20s",
    }
    shown = "localhost" if host == "127.0.0.1" else host
    err.print(
        f"Serving {escape(str(file))} on http://{shown}:{port}/ (facilitator: /game, teams: "
        "/team/armenia, /team/azerbaijan, /team/russia, /team/csto). Ctrl-C stops it.",
        highlight=False,
        soft_wrap=True,
    )
    command = [sys.executable, "-m", "solara", "run", "sim.teach.dashboard.app", "--host", host]
    command += ["--port", str(port), "--production", "--no-open", "--log-level", "warning"]
    command += ["--no-check-version"]  # solara is pinned (see pyproject.toml): no upgrade advice
    # The server runs in a child that stops with this process: on Ctrl-C (then _stoppable
    # says so and exits 130), on SIGTERM or SIGHUP (exit 128 + the signal), and on Linux even
    # on SIGKILL; otherwise it would keep the port (see sim/teach/dashboard/serve.py).
    with _stoppable("dashboard", "file"):
        try:
            status = serve(command, env=environ)
        except Stopped as stopped:
            err.print(f"stopped: the dashboard was stopped ({stopped.name}).")
            raise typer.Exit(128 + stopped.signum) from None
    if status:  # the server failed by itself (its own message is above)
        raise typer.Exit(status if status > 0 else 128 - status)


class Interrupted(typer.Exit):
    """Exit 130 after a Ctrl-C that has been reported (by :func:`_stoppable`)."""

    def __init__(self) -> None:
        super().__init__(130)


@contextlib.contextmanager
def _stoppable(what: str, folder: str = "folder", journal_of: Path | None = None) -> Iterator[None]:
    """On Ctrl-C, say what state the disk is in and exit 130 (Click would print "Aborted!").

    ``journal_of``: the --out of a run that keeps a journal, to say how to resume it.
    """
    try:
        yield
    except KeyboardInterrupt:
        from sim.run.journal import Journal, journal_path

        journal = None
        if journal_of is not None and (journal_path(journal_of) / "request.json").exists():
            journal = Journal.open(journal_of)
            finished = journal.finished_run() is not None
            if finished or not journal.has_chunks():  # nothing (more) worth keeping
                journal.finish()
                journal = None
            if finished:  # stopped between writing the folder and removing the journal
                err.print(
                    f"interrupted: the run had finished; its results are in "
                    f"{escape(str(journal_of))}/.",
                    highlight=False,
                    soft_wrap=True,
                )
                raise Interrupted from None
        if journal is not None:
            err.print(
                f"interrupted: {journal.progress()} were kept in {escape(str(journal.folder))}/."
                f" Finish the run with: crisis-sim run --resume {escape(str(journal_of))}",
                highlight=False,
                soft_wrap=True,
            )
        else:
            err.print(f"interrupted: the {what} was stopped and no {folder} was written.")
        raise Interrupted from None


def _scenario_of(journal) -> Any:
    """Return the scenario a journal's run was started with, checked as a file would be."""
    from sim.spec.validation import validate_data

    try:
        return validate_data(journal.request["scenario"], journal.folder / "request.json")
    except (UserError, KeyError, TypeError) as error:
        raise UserError(
            f"The journal in {journal.folder} does not hold a valid scenario ({error}). "
            f"Delete {journal.folder} and run the scenario again."
        ) from None


def _check_scheduler(engine: Engine, scheduler: str | None) -> None:
    if scheduler and engine is not Engine.DASK:
        raise UserError("--scheduler is the address of a Dask scheduler: add --engine dask.")


def _command_line() -> str:
    return "crisis-sim " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def _load_with_overrides(file: Path, overrides: list[str] | None):
    from sim.core.model import with_overrides
    from sim.spec.loading import load_scenario

    scenario = load_scenario(file).scenario
    return with_overrides(scenario, parse_overrides(overrides)) if overrides else scenario


def parse_overrides(items: list[str]) -> dict[str, object]:
    """Turn ``PATH=VALUE`` strings into overrides, reading each value as YAML."""
    from ruamel.yaml import YAML

    parsed = {}
    for item in items:
        path, sep, text = item.partition("=")
        if not sep or not path.strip():
            raise UserError(f"--set {item!r} is not PATH=VALUE. Write e.g. --set horizon_days=90.")
        parsed[path.strip()] = YAML(typ="safe", pure=True).load(text) if text.strip() else None
    return parsed


def _print_shares(outcomes, title: str, worlds: int) -> None:
    from sim.catalogue.outcomes import OUTCOME_CLASSES

    counts = outcomes["outcome"].value_counts()
    out.print(
        f"\n[bold]{escape(title)}[/bold]: outcomes of {counted(worlds, 'world')}",
        highlight=False,
        soft_wrap=True,
    )
    table = Table()
    table.add_column("outcome")
    table.add_column("worlds", justify="right")
    table.add_column("share", justify="right")
    for outcome in OUTCOME_CLASSES:
        count = int(counts.get(outcome.name.lower(), 0))
        table.add_row(outcome.label, f"{count:,}", f"{count / worlds:6.1%}")
    out.print(table)


@app.command()
def plot(
    run_dir: RunDir,
) -> None:
    """Redraw a run's plots from its results folder alone (no rerun)."""
    from sim.folders.runfolder import read_manifest
    from sim.plots.run import draw_all

    read_manifest(run_dir)
    for path in draw_all(run_dir):
        out.print(f"wrote {escape(str(path))}", highlight=False, soft_wrap=True)


@app.command()
def policies(
    actor: Annotated[
        ActorKind | None,
        typer.Option(help="Only this actor kind's policies.", case_sensitive=False),
    ] = None,
) -> None:
    """List every policy with its parameters (range, default, meaning)."""
    from sim.policies import REGISTRY

    for (kind, name), cls in sorted(REGISTRY.items()):
        if actor is not None and kind != actor:
            continue
        out.print(f"\n[bold]{kind.value} / {name}[/bold]  {cls.describe()}", highlight=False)
        table = Table(show_header=True, header_style="dim", box=None, pad_edge=False)
        for column in ("parameter", "range", "default", "meaning"):
            table.add_column(column, overflow="fold")
        for field_name, info in cls.Params.model_fields.items():
            low = high = None
            for meta in info.metadata:
                low = getattr(meta, "ge", low)
                high = getattr(meta, "le", high)
            span = (
                f"{low}-{high}"
                if low is not None
                else info.annotation.__name__
                if hasattr(info.annotation, "__name__")
                else "list"
            )
            default = info.get_default(call_default_factory=True)
            table.add_row(
                field_name, span, str(default if default != [] else "[]"), info.description or ""
            )
        out.print(table)


@app.command()
def parameters(
    file: Annotated[
        Path, typer.Argument(help="A scenario file.", show_default=False, metavar="FILE")
    ],
    match: Annotated[
        str | None,
        typer.Option(help="Only paths containing this text, e.g. dynamics or russia."),
    ] = None,
) -> None:
    """List the parameters a sweep, sensitivity analysis or --set can vary, with their bounds.

    Paths are as in the scenario file; policy parameters are those of the policy the file
    names. The scenario's declared uncertainties and levers are marked.
    """
    from sim.spec.loading import load_scenario
    from sim.spec.parameters import scenario_parameters

    scenario = load_scenario(file).scenario
    table = Table(show_header=True, header_style="dim", box=None, pad_edge=False)
    for column in ("path", "kind", "value", "allowed", "declared"):
        table.add_column(column, no_wrap=True)  # paths stay whole, to copy into --set
    table.add_column("meaning", overflow="fold", min_width=20)
    for path, found in scenario_parameters(scenario).items():
        if match and match not in path:
            continue
        declared = ""
        if path in scenario.uncertainties:
            low, high = scenario.uncertainties[path]
            declared = f"uncertain {low:g}-{high:g}"
        elif path in scenario.levers:
            declared = "lever: " + ", ".join(map(str, scenario.levers[path]))
        table.add_row(
            escape(path),
            found.kind,
            escape(str(found.value)),
            escape(found.bounds_text()),
            escape(declared),
            escape(found.description),
        )
    out.print(table)


@app.command()
def report(
    run_dir: RunDir,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Where to write the report (default: RUN_DIR/report.html; replaced if there).",
        ),
    ] = None,
) -> None:
    """Write a run's report: one self-contained HTML page to send or project.

    Outcome shares, key measures, policies, the manifest and the plots; it loads nothing else.
    """
    from sim.readers.report import write_report

    path = write_report(run_dir, out_file)
    out.print(f"Report: {escape(str(path))}", highlight=False, soft_wrap=True)


@app.command()
def explain(
    run_dir: RunDir,
    world: Annotated[
        int | None,
        typer.Option("--world", metavar="N", help="The world to narrate (0 is the first)."),
    ] = None,
    typical: Annotated[
        str | None,
        typer.Option(
            "--typical",
            metavar="CLASS",
            help="Narrate the typical world of this outcome class, e.g. war or "
            "clash_contained: the one closest to the class's medians.",
        ),
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out", metavar="FILE", help="Write the narration to FILE as Markdown (replaced)."
        ),
    ] = None,
) -> None:
    """Tell one world of a run day by day: who did what, why, and how it ended.

    The world is replayed alone from the run's manifest and checked against the run.
    Give --world N, or --typical CLASS for a representative world of an outcome class.
    """
    from sim.readers.explain import narrate, replay_world, typical_story

    if world is not None and typical is not None:
        raise UserError("Give either --world N or --typical CLASS, not both.")
    if world is None and typical is None:
        raise UserError(
            "Say which world to explain: give --world N (a world's number) or "
            "--typical CLASS (an outcome class, e.g. war)."
        )
    if typical is not None:
        story = typical_story(run_dir, typical)
        err.print(
            f"World {story.world}: the typical {escape(story.typical_of or '')} world of "
            f"{escape(str(run_dir))}",
            highlight=False,
            soft_wrap=True,
        )
    else:
        story = replay_world(run_dir, world)
    text = narrate(story)
    if out_file is None:
        out.print(escape(text), highlight=False, soft_wrap=True, end="")
        return
    try:
        out_file.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(
            f"Cannot write {out_file} ({error.strerror or error}). Check that its folder "
            "exists and can be written to."
        ) from None
    out.print(f"wrote {escape(str(out_file))}", highlight=False, soft_wrap=True)


@app.command()
def compare(
    run_dirs: Annotated[
        list[Path],
        typer.Argument(
            help="Results folders (two or more): the reference first, then the runs to "
            "compare with it.",
            show_default=False,
            metavar="RUN_DIR",
        ),
    ],
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="DIR",
            help="Comparison folder to create: tables, summary and plots "
            "(default: results/compare-A-vs-B-TIME).",
        ),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace --out if it holds an earlier comparison.")
    ] = False,
) -> None:
    """Compare runs: how their outcome shares and measures differ, and by how much.

    Each run is compared with the first: outcome shares with differences in percentage
    points and 95% intervals, the measures' distributions and tests, and a plain-language
    summary. Runs must share a horizon; seeds and world counts may differ.
    """
    from sim.readers.compare.comparison import compare_runs
    from sim.readers.compare.folder import (
        check_comparison_target,
        default_comparison_dir,
        write_comparison,
    )

    comparison = compare_runs(run_dirs)
    target = out_dir or default_comparison_dir(RESULTS_ROOT, comparison)
    check_comparison_target(target, replace)
    letters = [chr(ord("A") + i) for i in range(len(comparison.labels))]
    names = zip(letters, comparison.labels, strict=False)
    runs = "; ".join(f"{letter}: {escape(label)}" for letter, label in names)
    table = Table(caption=f"{runs}. Differences in points (95% interval).", box=box.SIMPLE_HEAD)
    table.add_column("outcome", min_width=13)
    for letter in letters:
        table.add_column(letter, justify="right", no_wrap=True)
        if letter != "A":
            table.add_column(f"{letter} − A", justify="right", no_wrap=True)
    gap = " " if len(letters) == 2 else "\n"  # more runs: the interval under the difference
    shares = comparison.shares
    for outcome in comparison.reference.manifest["outcome_classes"]:
        cells = [escape(outcome.replace("_", " "))]
        for index, label in enumerate(comparison.labels):
            row = shares[(shares["run"] == label) & (shares["outcome"] == outcome)].iloc[0]
            cells.append(f"{row['share']:.1%}")
            if index:
                text = (
                    f"{row['diff_pts']:+.1f}{gap}({row['diff_low_pts']:+.1f}, "
                    f"{row['diff_high_pts']:+.1f})"
                ).replace("-", "−")
                cells.append(f"[bold]{text}[/bold]" if row["changed"] else f"[dim]{text}[/dim]")
        table.add_row(*cells)
    out.print(table)
    out.print("\n" + escape(comparison.summary), highlight=False, soft_wrap=True)
    written = write_comparison(comparison, target, replace=replace)
    out.print(f"\nComparison: {escape(str(written))}/", highlight=False, soft_wrap=True)
    out.print(f"Plots:      {escape(str(written / 'plots'))}/", highlight=False, soft_wrap=True)


#: The line for a Ctrl-C that no command reported itself (see main).
INTERRUPTED = "interrupted: crisis-sim was stopped before it wrote anything."


def main() -> None:
    """Entry point: run the app; user errors exit 2 with a message, Ctrl-C 130 with one line."""
    remember_interrupts()  # a Ctrl-C that a finalizer swallows is still honoured
    try:
        app()
    except UserError as error:
        err.print(f"error: {escape(str(error))}", highlight=False, soft_wrap=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:  # outside the command, e.g. while Typer reads the options
        err.print(INTERRUPTED)
        sys.exit(130)
    except SystemExit as leaving:
        # Typer turns a Ctrl-C it meets into a silent exit 130; a command's own report of
        # one (_stoppable) leaves as Interrupted. Anything else still deserves its line.
        if leaving.code == 130 and not isinstance(leaving.__context__, Interrupted):
            err.print(INTERRUPTED)
        raise


if __name__ == "__main__":
    main()
