"""Commands that check the model against the record: check-patterns, check-directions, cases.

A run against the case's patterns, the single-lever variants against the directions the
case's analysts expect, and every real case against its recorded outcome class
(docs/validation.md).
"""

from __future__ import annotations

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
    SchedulerOption,
    WorkersOption,
    command_line,
    err,
    out,
    stoppable,
)
from sim.run.engine import EngineKind, make_engine
from sim.wording import counted

PatternsOption = Annotated[
    Path | None,
    typer.Option(
        "--patterns",
        metavar="FILE.py",
        help="Check another crisis's patterns: a Python file defining PATTERNS, a tuple of "
        "sim.readers.patterns.Pattern (default: the May 2021 case's; docs/authoring.md).",
    ),
]


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
