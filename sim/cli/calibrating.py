"""The command that fits a scenario's uncertain parameters to the record: calibrate.

On one case's patterns, or on every real case at once (``--cases``). What a set must
pass is in :mod:`sim.cli.checking` (check-patterns, and check-directions on the sets
a calibration accepts).
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from sim.cli.checking import PatternsOption
from sim.cli.experiments import analysis_setup
from sim.cli.shared import (
    RESULTS_ROOT,
    EngineOption,
    Interrupted,
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
    ctx: typer.Context,
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
    resume: Annotated[
        Path | None,
        typer.Option(
            "--resume",
            metavar="DIR",
            help="Finish a calibration that was stopped (killed, Ctrl-C): its --out folder, "
            "or DIR.incomplete. Only the sets not yet measured are run; the tables are the "
            "same, to the byte, as an uninterrupted calibration's.",
        ),
    ] = None,
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
    the defaults take (best.csv). Measured sets are kept in OUT.incomplete/ as they
    finish; if the calibration is stopped, `crisis-sim calibrate --resume OUT` goes on
    from there. See docs/validation.md.
    """
    from sim.experiments.journal import CalibrationJournal

    if resume is not None:
        flags = {
            p.name: p.opts[0] if p.opts[0].startswith("-") else p.name.upper()
            for p in ctx.command.params
        }
        given = [
            flags[name]
            for name in ctx.params
            if name not in RESUMABLE and ctx.get_parameter_source(name).name != "DEFAULT"
        ]
        if given:
            raise UserError(
                "--resume finishes a calibration as it was started: give only the folder "
                "(and, if you like, --engine, --workers or --scheduler), not "
                f"{', '.join(given)}."
            )
        journal = CalibrationJournal.open(resume)
        asked = journal.request
        if _finished_already(journal):
            return
        err.print(
            f"Resuming the calibration in {escape(str(journal.folder))}: "
            f"{journal.progress()} before it stopped",
            highlight=False,
            soft_wrap=True,
        )
        _calibrate(asked, make_engine(engine_kind, workers, scheduler), journal)
        return
    if (file is None) == (cases_dir is None):
        raise UserError(
            "Give a scenario FILE to calibrate one case, or --cases DIR to calibrate on a "
            "folder of real cases at once (not both)."
        )
    if cases_dir is None and leave_one_out:
        raise UserError("--leave-one-out needs --cases DIR: it leaves out one case at a time.")
    if cases_dir is None and rounds != 1:
        raise UserError("--rounds needs --cases DIR: one case is calibrated in one round.")
    common = {"sets": sets, "worlds": worlds, "seed": seed, "out": out_dir, "replace": replace}
    if cases_dir is not None:
        asked = {"cases": cases_dir, **common, "leave_one_out": leave_one_out, "rounds": rounds}
    else:
        asked = {"file": file, "overrides": overrides, **common}
        asked |= {"plots": plots, "patterns_file": patterns_file}
    _calibrate(asked, make_engine(engine_kind, workers, scheduler))


def _calibrate(asked: dict[str, Any], engine, journal=None) -> None:
    """Run the calibration ``asked`` describes: as given, or as its journal recorded it."""

    def path(key: str) -> Path | None:
        return None if asked.get(key) is None else Path(asked[key])

    if asked.get("cases") is not None:
        _calibrate_cases(
            path("cases"),
            asked["sets"],
            asked["worlds"],
            asked["seed"],
            path("out"),
            asked["replace"],
            asked["leave_one_out"],
            engine,
            asked["rounds"],
            journal=journal,
        )
    else:
        _calibrate_one(
            path("file"),
            asked["overrides"],
            asked["sets"],
            asked["worlds"],
            asked["seed"],
            path("out"),
            asked["replace"],
            asked["plots"],
            engine,
            path("patterns_file"),
            journal=journal,
        )


#: The options --resume may be given with: where the rest runs, not what it computes.
RESUMABLE = {"resume", "engine_kind", "workers", "scheduler"}


def _finished_already(journal) -> bool:
    """Say so, and tidy up, when a calibration was killed after its folder was written."""
    out_folder = journal.out
    started = journal.request.get("started_utc", "")
    manifest = out_folder / "manifest.json"
    if not manifest.is_file() or (journal.folder / "manifest.json").exists():
        return False
    try:
        written = json.loads(manifest.read_text("utf-8")).get("created_utc", "")
    except (OSError, ValueError, AttributeError):
        return False
    if written < started:  # an older folder that this calibration was to replace
        return False
    journal.finish()
    out.print(
        f"The calibration had finished: its results are in {escape(str(out_folder))}/. "
        "Its leftover journal was removed.",
        highlight=False,
        soft_wrap=True,
    )
    return True


@contextmanager
def _journal_kept(journal):
    """On Ctrl-C, say how to resume what the journal kept; with nothing kept, remove it."""
    try:
        yield
    except KeyboardInterrupt:
        if not journal.has_measures():
            journal.finish()
            raise
        err.print(
            f"interrupted: {journal.progress()}, kept in {escape(str(journal.folder))}/. "
            f"Finish the calibration with: crisis-sim calibrate --resume "
            f"{escape(str(journal.out))}",
            highlight=False,
            soft_wrap=True,
        )
        raise Interrupted from None
    except BaseException:
        if not journal.has_measures():
            journal.finish()
        raise
    journal.finish()


def _calibrate_one(
    file: Path,
    overrides: list[str] | None,
    sets: int,
    worlds: int,
    seed: int | None,
    out_dir: Path | None,
    replace: bool,
    plots: bool,
    engine,
    patterns_file: Path | None,
    journal=None,
) -> None:
    """Run and print the calibration of one scenario on its case's patterns."""
    from sim.experiments.calibration import run_calibration, write_calibration
    from sim.experiments.journal import CalibrationJournal, inputs_hash
    from sim.readers.patterns import patterns_digest
    from sim.spec.loading import scenario_hash

    file = file.resolve()
    scenario, seed, target = analysis_setup(file, overrides, seed, out_dir, replace, "calibration")
    patterns = None if patterns_file is None else str(Path(patterns_file).resolve())
    inputs = inputs_hash([scenario_hash(scenario), patterns_digest(patterns)])
    if journal is None:
        journal = CalibrationJournal.start(
            target,
            {
                "file": str(file),
                "overrides": list(overrides or []),
                "sets": sets,
                "worlds": worlds,
                "seed": seed,
                "out": str(Path(target).resolve()),
                "replace": replace,
                "plots": plots,
                "patterns_file": patterns,
                "inputs": inputs,
            },
        )
    else:
        journal.check_inputs(inputs, f"The scenario {file} (or its patterns file)")
    err.print(
        f"Calibrating {escape(scenario.title)} against the case's patterns: {sets:,} "
        f"parameter sets x {worlds:,} worlds, seed {seed}",
        highlight=False,
        soft_wrap=True,
    )
    with stoppable("analysis"), engine, _journal_kept(journal):
        result = run_calibration(
            scenario,
            sets,
            worlds,
            seed,
            engine,
            progress=True,
            patterns_file=patterns,
            journal=journal,
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
    journal=None,
) -> None:
    """Run and print the joint calibration of `calibrate --cases` (sim.experiments.joint)."""
    from sim.experiments.cases import load_cases
    from sim.experiments.joint import (
        cases_inputs,
        run_joint_calibration,
        write_joint_calibration,
    )
    from sim.experiments.journal import CalibrationJournal
    from sim.folders.runfolder import check_target, stamped_folder

    directory = directory.resolve()
    found = load_cases(directory)
    target = out_dir or stamped_folder(RESULTS_ROOT, "calibration-cases", "")
    check_target(target, replace)
    inputs = cases_inputs(directory, found)
    if journal is None:
        journal = CalibrationJournal.start(
            target,
            {
                "cases": str(directory),
                "sets": sets,
                "worlds": worlds,
                "seed": seed,
                "rounds": rounds,
                "leave_one_out": leave_one_out,
                "out": str(Path(target).resolve()),
                "replace": replace,
                "inputs": inputs,
            },
        )
    else:
        journal.check_inputs(inputs, f"A case of {directory} (its set-up, record or patterns)")
    per_round = f" per round, up to {rounds} rounds" if rounds > 1 else ""
    err.print(
        f"Calibrating on {counted(len(found), 'case')} at once: {sets:,} parameter sets"
        f"{per_round} x {counted(len(found), 'case')} x {counted(worlds, 'world')}",
        highlight=False,
        soft_wrap=True,
    )
    with stoppable("analysis"), engine, _journal_kept(journal):
        result = run_joint_calibration(
            directory, found, sets, worlds, seed, engine, True, rounds=rounds, journal=journal
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
