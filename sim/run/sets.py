"""Many parameter sets at the price of one ensemble: the sets as the worlds of one block.

A sweep's points, a calibration's sets, a sensitivity sample and the EMA Workbench's
experiments are each a small ensemble of one scenario with a few values changed.
:func:`run_sets` runs them together: the sets that share a structure (the same policies,
sectors, switches and horizon; :mod:`sim.core.columns`) form one block, whose worlds
carry their set's values as columns, and the block is cut into chunks of whole sets that
run on any engine like an ensemble's chunks. Set ``s``'s worlds keep their indices
``0 ... W-1`` in the block, so they draw the same random numbers as when the set runs
alone (``crisis-sim run FILE --set ... --seed S``) and come out the same, bit for bit,
however the sets are grouped or chunked, on every engine.

Each finished set is measured at once (``measure``: its outcome table to a dict of
numbers), in the worker when the chunk holds the whole set, and its worlds dropped: a
calibration of thousands of sets never holds more than the chunks in flight.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim.core.columns import column_dtype, varies_by_world, with_columns
from sim.core.model import CrisisModel, with_overrides
from sim.errors import UserError
from sim.interrupts import raise_if_interrupted
from sim.run.allocator import arrays_reused
from sim.run.engine import Engine, EngineKind, InProcess
from sim.run.ensemble import default_chunk_size
from sim.spec.parameters import scenario_parameters
from sim.spec.schema import Scenario
from sim.wording import counted

Measure = Callable[[pd.DataFrame], dict[str, Any]]


class Ledger(Protocol):
    """Where a long experiment keeps its measured sets (a calibration's journal)."""

    def finished(self) -> dict[int, Any]:
        """Return the measures of sets finished before, by set number (not run again)."""
        ...

    def keep(self, measured: dict[int, Any]) -> None:
        """Keep the measures of sets just finished, by set number."""
        ...


@dataclass(frozen=True)
class Block:
    """Parameter sets of one structure, to run as the worlds of one block.

    Attributes:
        scenario: the sets' shared scenario: the base with their structural values.
        numbers: (S,) each set's position in the caller's list.
        columns: per varied path, (S,) each set's value.
    """

    scenario: Scenario
    numbers: np.ndarray
    columns: dict[str, np.ndarray]

    @property
    def sets(self) -> int:
        """The number of parameter sets in the block."""
        return len(self.numbers)

    def scenario_of(self, set_of_world: np.ndarray) -> Scenario:
        """Return the block's scenario with each world's values, for worlds of these sets."""
        if not self.columns:
            return self.scenario
        return with_columns(
            self.scenario, {path: values[set_of_world] for path, values in self.columns.items()}
        )


def _is_column(path: str, overrides: dict[str, Any], known: dict) -> bool:
    """Whether ``path`` of one set's ``overrides`` can be a column of its block."""
    if path not in known or not varies_by_world(known[path]):
        return False
    actor, params, _ = path.partition(".params.")
    return not (params and f"{actor}.policy" in overrides)  # a new policy's parameter


def blocks_of(
    scenario: Scenario, sets: Sequence[dict[str, Any]], label: str = "Set {number}"
) -> list[Block]:
    """Group parameter sets (dotted-path overrides of ``scenario``) into blocks.

    Every set is validated as a scenario of its own before any world runs, so a bad set
    is refused with the scenario's own message, as ``"Set N (path=value, ...) is not
    valid: ..."`` (``label`` formats the first words). Sets that differ only in numbers
    that can be columns share a block.
    """
    known = scenario_parameters(scenario)
    # The declarations of what experiments may vary (uncertainties, levers) depend on the
    # structure alone: checked with a block's first set, not with every set (they are most
    # of a validation's cost).
    bare = scenario.model_copy(update={"uncertainties": {}, "levers": {}})
    groups: dict[str, list[int]] = {}
    structure: dict[str, dict[str, Any]] = {}
    for number, overrides in enumerate(sets):
        fixed = {p: v for p, v in overrides.items() if not _is_column(p, overrides, known)}
        key = repr(sorted(fixed.items()))
        try:  # in full for the first set of each structure: the declarations follow it
            with_overrides(bare if key in groups else scenario, overrides)
        except UserError as error:
            raise _invalid(label, number, overrides, error) from None
        groups.setdefault(key, []).append(number)
        structure[key] = fixed
    blocks = []
    for key, numbers in groups.items():
        shared = with_overrides(scenario, structure[key]) if structure[key] else scenario
        own = scenario_parameters(shared) if structure[key] else known
        paths = sorted({p for n in numbers for p in sets[n] if p not in structure[key]})
        columns = {
            path: np.array(
                [own[path].check(sets[n].get(path, own[path].value), path) for n in numbers],
                dtype=column_dtype(own[path]),
            )
            for path in paths
        }
        blocks.append(Block(shared, np.array(numbers, dtype=np.int64), columns))
    return blocks


def _invalid(label: str, number: int, overrides: dict[str, Any], error: UserError) -> UserError:
    shown = ", ".join(f"{k}={v}" for k, v in overrides.items())
    return UserError(f"{label.format(number=number)} ({shown}) is not valid: {error}")


@dataclass(frozen=True)
class SetsChunk:
    """Worlds ``first ... first + size - 1`` of each of the block's sets ``start ... stop - 1``."""

    start: int
    stop: int
    first: int
    size: int

    @property
    def worlds(self) -> int:
        """The worlds the chunk simulates."""
        return (self.stop - self.start) * self.size


def chunks_of_sets(sets: int, worlds: int, chunk_size: int) -> list[SetsChunk]:
    """Cut ``sets`` sets of ``worlds`` worlds into chunks of at most ``chunk_size`` worlds.

    Whole sets where a set fits a chunk, so that a worker measures the sets it ran;
    otherwise each set alone, in chunks of its worlds.
    """
    if worlds <= chunk_size:
        per_chunk = max(1, chunk_size // worlds)
        return [
            SetsChunk(start, min(start + per_chunk, sets), 0, worlds)
            for start in range(0, sets, per_chunk)
        ]
    return [
        SetsChunk(s, s + 1, first, min(chunk_size, worlds - first))
        for s in range(sets)
        for first in range(0, worlds, chunk_size)
    ]


#: A chunk of at least this many worlds retires its ended worlds (see _simulated).
RETIRE_FROM = 2_000


def _simulated(
    block: Block, set_of_world: np.ndarray, world_ids: np.ndarray, seed: int
) -> pd.DataFrame:
    """Run worlds of a block to the horizon; return their outcome rows, in their order.

    A world that has ended is frozen (the resolver restores it every tick), so its row
    is final. An ensemble of one set skips to the horizon once all its worlds have
    ended; a block of many sets would step on for its last few worlds. So once enough
    worlds have ended early enough (:func:`_worth_retiring`), the ended worlds' rows
    are kept and the others start again from the first tick, alone: a world's history
    depends only on its index, its values and the seed, never on the worlds beside it,
    so it comes out the same, and the rerun ticks cost less than the ended worlds would.
    """
    order = np.arange(len(world_ids))
    pieces: list[tuple[np.ndarray, pd.DataFrame]] = []
    while True:
        model = CrisisModel(
            block.scenario_of(set_of_world),
            seed=seed,
            world_ids=world_ids,
            sample_stride=0,
            collect=False,
            record=False,  # a set's measures read its outcome rows only
        )
        retire = len(world_ids) >= RETIRE_FROM
        while model.running:
            model.step()
            if retire and model.running and _worth_retiring(model):
                break
        outcomes = model.outcomes()
        if not model.running:
            pieces.append((order, outcomes))
            break
        ended = ~model.world.active
        pieces.append((order[ended], outcomes[ended]))
        order, set_of_world, world_ids = (a[~ended] for a in (order, set_of_world, world_ids))
    if len(pieces) == 1:
        return pieces[0][1]
    rows = pd.concat([table for _, table in pieces], ignore_index=True)
    return rows.iloc[np.argsort(np.concatenate([o for o, _ in pieces]), kind="stable")].reset_index(
        drop=True
    )


def _worth_retiring(model: CrisisModel) -> bool:
    """Whether restarting a model's running worlds alone saves twice what it costs.

    It costs their ticks so far again; it saves the ended worlds' remaining ticks. At
    least half the worlds must have ended (a new model has a fixed price too).
    """
    running = np.count_nonzero(model.world.active) / len(model.world_ids)
    tick, ticks = model.tick, model.ticks
    return running <= 0.5 and (1.0 - running) * (ticks - tick) > 2.0 * running * tick


def simulate_sets(
    block: Block, chunk: SetsChunk, worlds: int, seed: int, measure: Measure | None
) -> dict[int, Any]:
    """Run a chunk of a block; return, by set (its place in the block), what it produced.

    For a set whose worlds are all in the chunk, its measures (or, with ``measure``
    None, its outcome table); for part of a set, that part's outcome table.
    """
    with arrays_reused():  # on a Dask worker, whose allocator the nanny pinned
        sets = chunk.stop - chunk.start
        set_of_world = np.repeat(np.arange(chunk.start, chunk.stop), chunk.size)
        world_ids = np.tile(np.arange(chunk.first, chunk.first + chunk.size), sets)
        outcomes = _simulated(block, set_of_world, world_ids, seed)
    whole = chunk.size == worlds and measure is not None
    produced = {}
    for offset, s in enumerate(range(chunk.start, chunk.stop)):
        part = outcomes.iloc[offset * chunk.size : (offset + 1) * chunk.size]
        produced[s] = measure(part.reset_index(drop=True)) if whole else part
    return produced


def run_sets(
    scenario: Scenario,
    sets: Sequence[dict[str, Any]],
    worlds: int,
    seed: int | None = None,
    measure: Measure | None = None,
    engine: Engine | None = None,
    progress: bool = False,
    chunk_size: int | None = None,
    label: str = "Set {number}",
    ledger: Ledger | None = None,
) -> list[Any]:
    """Run each parameter set's ensemble of ``worlds`` worlds; return each set's result.

    A set's result is ``measure(outcomes)`` of its worlds, or its outcome table when
    ``measure`` is None; results come in the order of ``sets``. ``measure`` must be a
    module-level function (or a picklable object) for the process and Dask engines.
    The worlds, the measures and their order do not depend on the engine, the chunk size
    or which sets run together (module docstring). With a ``ledger`` (and a
    ``measure``), the sets it has finished are not run again, and each set's measures
    are kept there as its chunk finishes: a stopped experiment resumes.
    """
    job = SetsJob(scenario, sets, worlds, seed, measure, label, ledger)
    return run_jobs([job], engine, progress, chunk_size)[0]


@dataclass(frozen=True)
class SetsJob:
    """The sets of one scenario to run (:func:`run_sets`'s arguments, less the engine)."""

    scenario: Scenario
    sets: Sequence[dict[str, Any]]
    worlds: int
    seed: int | None = None
    measure: Measure | None = None
    label: str = "Set {number}"
    ledger: Ledger | None = None


def run_jobs(
    jobs: Sequence[SetsJob],
    engine: Engine | None = None,
    progress: bool = False,
    chunk_size: int | None = None,
    desc: str | None = None,
) -> list[list[Any]]:
    """Run the sets of several scenarios in one queue; return each job's results.

    As :func:`run_sets` for each job, but every job's chunks wait in one queue for the
    engine's workers, so that no worker idles while another finishes the last chunk of
    one scenario (a joint calibration's cases: :mod:`sim.experiments.joint`). Each job's
    worlds and results are those :func:`run_sets` gives it alone. ``desc`` names the
    progress bar (by default, the scenarios' names and the count of sets).
    """
    if chunk_size is not None and chunk_size < 1:
        raise UserError(f"The chunk size must be at least 1 (got {chunk_size}).")
    engine = InProcess() if engine is None else engine
    tasks: list[tuple[int, tuple]] = []
    results: list[dict[int, Any]] = []
    # Chunks sized on every job's worlds together, as one ensemble's: the jobs share one
    # queue, so a job's few large chunks keep the workers as busy as many small ones,
    # and a large chunk pays a tick's fixed cost over more worlds.
    if chunk_size is None:
        chunk_size = default_chunk_size(sum(len(job.sets) * job.worlds for job in jobs), engine)
    for number, job in enumerate(jobs):
        if job.worlds < 1:
            raise UserError(f"Each set needs at least 1 world (got --worlds {job.worlds}).")
        seed = job.scenario.seed if job.seed is None else job.seed
        blocks = blocks_of(job.scenario, job.sets, job.label)  # every set is checked
        done: dict[int, Any] = {}
        if job.ledger is not None:
            if job.measure is None:
                raise ValueError("a ledger keeps measures: give run_sets a measure")
            done = {n: m for n, m in job.ledger.finished().items() if 0 <= n < len(job.sets)}
            blocks = [b for b in (_without(block, done) for block in blocks) if b.sets]
        results.append(done)
        tasks += [
            (number, (block, chunk, job.worlds, seed, job.measure))
            for block in blocks
            for chunk in chunks_of_sets(block.sets, job.worlds, chunk_size)
        ]
    parts: dict[tuple[int, int], list[pd.DataFrame]] = {}
    if desc is None:
        names = ", ".join(sorted({job.scenario.name for job in jobs}))
        desc = f"{names}: {counted(sum(len(job.sets) for job in jobs), 'set')}"
    with tqdm(
        total=sum(len(job.sets) * job.worlds for job in jobs),
        initial=sum(len(done) * job.worlds for done, job in zip(results, jobs, strict=True)),
        unit=" worlds",
        unit_scale=True,
        delay=1.0,
        disable=not progress,
        desc=desc,
        leave=False,
    ) as bar:
        finishing = _finished([task for _, task in tasks], engine)
        with contextlib.closing(finishing):
            for index, produced in finishing:
                number, (block, chunk, *_) = tasks[index]
                job = jobs[number]
                finished: dict[int, Any] = {}
                for s, result in produced.items():
                    set_number = int(block.numbers[s])
                    if chunk.size == job.worlds and job.measure is not None:
                        finished[set_number] = result
                        continue
                    parts.setdefault((number, set_number), []).append(result)
                    if sum(len(p) for p in parts[(number, set_number)]) == job.worlds:
                        table = pd.concat(parts.pop((number, set_number)), ignore_index=True)
                        table = table.sort_values("world", ignore_index=True)
                        finished[set_number] = table if job.measure is None else job.measure(table)
                if job.ledger is not None and finished:
                    job.ledger.keep(finished)
                results[number].update(finished)
                bar.update(chunk.worlds)
                raise_if_interrupted()
    del bar
    raise_if_interrupted()
    return [
        [done[n] for n in range(len(job.sets))] for done, job in zip(results, jobs, strict=True)
    ]


def _without(block: Block, finished: dict[int, Any]) -> Block:
    """Return the block without its finished sets (the rest keep their numbers, worlds)."""
    keep = np.array([int(n) not in finished for n in block.numbers], dtype=bool)
    if keep.all():
        return block
    columns = {path: values[keep] for path, values in block.columns.items()}
    return Block(block.scenario, block.numbers[keep], columns)


def _finished(tasks: list[tuple], engine: Engine) -> Iterator[tuple[int, dict[int, Any]]]:
    """Yield ``(index, result)`` as each chunk's task finishes, on ``engine``."""
    if engine.kind is EngineKind.INPROCESS:
        for index, task in enumerate(tasks):
            yield index, simulate_sets(*task)
        return
    workers = min(engine.workers_for(), len(tasks)) if tasks else 1
    with contextlib.closing(engine.map(simulate_sets, tasks, workers)) as done:
        yield from done
