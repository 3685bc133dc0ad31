"""Commands that run worlds to a results folder and read it back whole: run, rerun, plot."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sim.cli.shared import (
    MAX_WORLDS,
    RESULTS_ROOT,
    EngineOption,
    PlotsOption,
    ReplaceOption,
    RunDir,
    SchedulerOption,
    SeedOption,
    SetOption,
    WorkersOption,
    command_line,
    err,
    load_with_overrides,
    out,
    print_shares,
    stoppable,
)
from sim.errors import UserError
from sim.run.engine import EngineKind, make_engine
from sim.wording import counted


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
    engine_kind: EngineOption = EngineKind.INPROCESS,
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
    from sim.folders.results import default_run_dir
    from sim.run.service import plan_run, resumed_plan, run_to_folder

    engine = make_engine(engine_kind, workers, scheduler)
    if resume is not None:
        if file is not None or overrides or worlds is not None or seed is not None:
            raise UserError(
                "--resume finishes a run as it was started: give only the folder (and, if "
                "you like, --engine, --workers or --scheduler), not a FILE, --worlds, --seed "
                "or --set."
            )
        plan = resumed_plan(resume, command_line())
        if isinstance(plan, Path):  # killed after the folder was written, before tidying up
            out.print(
                f"The run had finished: its results are in {escape(str(plan))}/. "
                "Its leftover journal was removed.",
                highlight=False,
                soft_wrap=True,
            )
            return
        assert plan.journal is not None
        err.print(
            f"Resuming {escape(plan.scenario.title)}: {plan.journal.progress()} done, "
            f"seed {plan.seed}",
            highlight=False,
            soft_wrap=True,
        )
    else:
        if file is None:
            raise UserError(
                "Missing scenario FILE: e.g. crisis-sim run scenarios/baseline-may-2021.yaml"
            )
        scenario = load_with_overrides(file, overrides)
        seed = scenario.seed if seed is None else seed
        plan = plan_run(
            scenario,
            out_dir or default_run_dir(RESULTS_ROOT, scenario.name, seed),
            worlds=worlds,
            seed=seed,
            chunk_size=chunk_size,
            source=file,
            command=command_line(),
            csv=csv,
            replace=replace,
            plots=plots,
        )
        err.print(
            f"Running {escape(scenario.title)}: {counted(plan.worlds, 'world')} x "
            f"{scenario.ticks} ticks, seed {seed}",
            highlight=False,
            soft_wrap=True,
        )
    with stoppable("run", "results folder", journal_of=plan.out):
        result, written = run_to_folder(plan, engine, progress=True, journal=True)
    print_shares(result.outcomes, plan.scenario.title, plan.worlds, plan.scenario.cast)
    out.print(f"Results: {escape(str(written))}/", highlight=False, soft_wrap=True)
    if plan.plots:
        out.print(f"Plots:   {escape(str(written / 'plots'))}/", highlight=False, soft_wrap=True)


def rerun(
    run_dir: RunDir,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", metavar="DIR", help="Also write the rerun as a results folder."),
    ] = None,
    engine_kind: EngineOption = EngineKind.INPROCESS,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Repeat a run from its manifest alone and check that its outcomes are the same.

    The scenario, seed and number of worlds come from RUN_DIR/manifest.json; the outcome
    hash of the rerun is compared with the recorded one. Exits 0 when they match and 1
    when they differ, and warns when Python or a library differs from the versions the
    run recorded (the likeliest reason for a difference).
    """
    from sim.folders.results import outcome_hash, versions
    from sim.folders.runfolder import read_manifest
    from sim.run.ensemble import run_ensemble
    from sim.run.service import plan_run, run_to_folder
    from sim.spec.validation import validate_data

    engine = make_engine(engine_kind, workers, scheduler)
    manifest = read_manifest(run_dir)
    if "outcome_hash" not in manifest or "scenario" not in manifest:
        raise UserError(
            f"{run_dir} is a {manifest.get('kind', 'results')} folder, not a run: rerun "
            "repeats folders written by `crisis-sim run` (or a saved game)."
        )
    scenario = validate_data(manifest["scenario"], Path(run_dir) / "manifest.json")
    worlds, seed = manifest["worlds"], manifest["seed"]
    plan = None  # with --out, the rerun's folder: checked now, written by the service
    if out_dir is not None:
        plan = plan_run(scenario, out_dir, worlds=worlds, seed=seed, command=command_line())
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
    err.print(
        f"Rerunning {escape(scenario.title)}: {worlds:,} worlds, seed {seed}",
        highlight=False,
        soft_wrap=True,
    )
    with stoppable("rerun", "results folder"):
        if plan is None:
            result = run_ensemble(scenario, worlds=worlds, seed=seed, progress=True, engine=engine)
        else:
            result, _ = run_to_folder(plan, engine, progress=True)
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


def plot(
    run_dir: RunDir,
) -> None:
    """Redraw a run's plots from its results folder alone (no rerun)."""
    from sim.folders.runfolder import read_manifest
    from sim.plots.run import draw_all

    read_manifest(run_dir)
    for path in draw_all(run_dir):
        out.print(f"wrote {escape(str(path))}", highlight=False, soft_wrap=True)
