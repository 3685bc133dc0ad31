"""A run to a results folder: the ensemble, its journal, the folder, in one place.

``crisis-sim run`` and ``rerun --out``, the dashboard's ensemble button and a saved game
all do the same thing: run an ensemble of one scenario, then write it as a results
folder. :func:`run_to_folder` is that sequence, with what a long run needs around it: a
journal of finished chunks (:mod:`sim.run.journal`) so that a stopped run resumes
(:func:`resumed_plan`), and no journal left behind by a run refused before any work.

This module is the application's step above :mod:`sim.folders` (it writes the folder);
the rest of :mod:`sim.run` never imports a folder module. Messages to the user stay with
the command line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sim.errors import UserError
from sim.folders.results import versions, write_run
from sim.folders.runfolder import check_target
from sim.run.engine import Engine, InProcess
from sim.run.ensemble import EnsembleResult, check_request, default_chunk_size, run_ensemble
from sim.run.journal import Journal, journal_path
from sim.spec.schema import Scenario
from sim.spec.validation import validate_data


@dataclass(frozen=True)
class RunPlan:
    """A run to a folder, settled before any world runs; its journal keeps it to resume.

    ``chunk_size`` ``None`` is the engine's default; ``journal`` is the journal of a run
    being resumed.
    """

    scenario: Scenario
    out: Path
    worlds: int
    seed: int
    chunk_size: int | None = None
    source: Path | None = None
    command: str = ""
    csv: bool = False
    replace: bool = False
    plots: bool = True
    journal: Journal | None = None

    def request(self) -> dict[str, Any]:
        """Return what the journal keeps of the run (sim.run.journal.REQUIRED, and versions)."""
        return {
            "scenario": self.scenario.model_dump(mode="json", exclude_none=True),
            "seed": self.seed,
            "worlds": self.worlds,
            "chunk_size": self.chunk_size,
            "source": str(self.source),
            "command": self.command,
            "replace": self.replace,
            "csv": self.csv,
            "plots": self.plots,
            "versions": versions(),
        }


def plan_run(
    scenario: Scenario,
    out: Path,
    *,
    worlds: int | None = None,
    seed: int | None = None,
    **options: Any,
) -> RunPlan:
    """Settle a new run (the scenario's worlds and seed unless told) and check ``out``.

    ``out`` is checked now, before any world runs, not after. ``options`` are the other
    fields of :class:`RunPlan`.
    """
    plan = RunPlan(
        scenario,
        Path(out),
        scenario.worlds if worlds is None else worlds,
        scenario.seed if seed is None else seed,
        **options,
    )
    check_target(plan.out, plan.replace)
    return plan


def resumed_plan(folder: Path, command: str) -> RunPlan | Path:
    """Return the plan of the stopped run kept at ``folder`` (its --out, or DIR.incomplete).

    If that run had finished (killed after its folder was written, before its journal
    was removed), remove the leftover journal and return the results folder instead.
    """
    journal = Journal.open(folder)
    finished = journal.finished_run()
    if finished is not None:
        journal.finish()
        return finished
    request = journal.request
    plan = RunPlan(
        _scenario_of(journal),
        journal.out,
        request["worlds"],
        request["seed"],
        chunk_size=request["chunk_size"],
        source=Path(request["source"]) if request.get("source") else None,
        command=f"{request['command']}  (resumed: {command})",
        csv=request["csv"],
        replace=request["replace"],
        plots=request["plots"],
        journal=journal,
    )
    check_target(plan.out, plan.replace)
    return plan


def _scenario_of(journal: Journal) -> Scenario:
    """Return the scenario a journal's run was started with, checked as a file would be."""
    try:
        return validate_data(journal.request["scenario"], journal.folder / "request.json")
    except (UserError, KeyError, TypeError) as error:
        raise UserError(
            f"The journal in {journal.folder} does not hold a valid scenario ({error}). "
            f"Delete {journal.folder} and run the scenario again."
        ) from None


def run_to_folder(
    plan: RunPlan,
    engine: Engine | None = None,
    *,
    progress: bool = False,
    journal: bool = False,
    verify: Callable[[EnsembleResult], None] | None = None,
) -> tuple[EnsembleResult, Path]:
    """Run the plan's ensemble and write its results folder; return both.

    ``journal``: keep finished chunks in ``OUT.incomplete/`` while the run goes, so that a
    stopped run resumes (a resumed plan always keeps its own). A run refused before any
    work leaves no journal behind; one stopped later keeps its chunks. ``verify`` may
    refuse the result before it is written (a game checks its replay).
    """
    engine = InProcess() if engine is None else engine
    kept = plan.journal
    started_here = False
    try:
        if kept is None and journal:
            # The journal's chunks must line up on resume, whatever engine finishes the run.
            if plan.chunk_size is None:
                plan = replace(plan, chunk_size=default_chunk_size(plan.worlds, engine))
            check_request(plan.worlds, engine, plan.chunk_size, plan.scenario)
            kept, started_here = Journal.start(plan.out, plan.request()), True
        result = run_ensemble(
            plan.scenario,
            worlds=plan.worlds,
            seed=plan.seed,
            chunk_size=plan.chunk_size,
            progress=progress,
            engine=engine,
            checkpoint=kept,
        )
    except UserError:
        if started_here and not kept.has_chunks():
            kept.finish()  # refused before any work: leave nothing behind
        raise  # otherwise finished chunks stay for a resume
    if verify is not None:
        verify(result)
    written = write_run(
        result,
        plan.out,
        source=plan.source,
        command=plan.command,
        csv=plan.csv,
        replace=plan.replace,
        plots=plan.plots,
    )
    if kept is not None:
        kept.finish()
    return result, written


def journal_after_interrupt(out: Path) -> Journal | Path | None:
    """Tidy up after a Ctrl-C stopped the run bound for ``out``; say what is left.

    Returns the journal worth resuming, the results folder if the run had in fact
    finished (stopped between writing it and removing the journal), or ``None`` when
    nothing was kept (a journal with no finished chunk is removed).
    """
    if not (journal_path(out) / "request.json").exists():
        return None
    journal = Journal.open(out)
    finished = journal.finished_run()
    if finished is not None or not journal.has_chunks():  # nothing (more) worth keeping
        journal.finish()
        return Path(out) if finished is not None else None
    return journal
