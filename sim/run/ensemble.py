"""Running an ensemble: many worlds of one scenario, in chunks of world indices, on an engine.

``run_ensemble`` is a pure function of the scenario, the number of worlds and the seed.
The work is split into chunks of consecutive world indices; an engine runs the chunks
(in this process, in local worker processes, or on a Dask cluster) and the results are
merged in world order. Chunking, the engine and the number of workers change speed and
memory, never results, because every random draw is keyed by the world index (see
:mod:`sim.core.rng`) and the per-tick aggregates are mergeable counts (see :mod:`sim.run.record`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd
from tqdm import tqdm

from sim.core.model import CrisisModel
from sim.errors import UserError
from sim.interrupts import raise_if_interrupted
from sim.run.allocator import arrays_reused
from sim.run.engine import Engine, EngineKind, InProcess
from sim.run.record import Recorder, sample_stride
from sim.spec.schema import Scenario

DEFAULT_CHUNK = 50_000
#: Bytes one world's row of outcomes takes in memory, measured on the baseline
#: (pandas, including the string columns); used to refuse runs that cannot fit.
OUTCOME_BYTES_PER_WORLD = 400
#: Bytes one world takes while its chunk is simulated (state, draws, outcome rows),
#: measured on the baseline's 4 sectors: 1.2 KB at 50,000 worlds, 2.1 KB at 10,000.
WORKING_BYTES_PER_WORLD = 2_500
#: Bytes one sampled world's row of history takes per tick, as stored and when assembled.
HISTORY_BYTES_PER_ROW = 600


@dataclass
class EnsembleResult:
    """What an ensemble run produced, before it is written to a results folder."""

    scenario: Scenario
    seed: int
    worlds: int
    outcomes: pd.DataFrame
    recorder: Recorder
    timings: dict[str, float] = field(default_factory=dict)
    engine: dict[str, str | int] = field(default_factory=dict)

    def outcome_shares(self) -> pd.Series:
        """Return the share of worlds in each outcome class (classes with none omitted)."""
        return self.outcomes["outcome"].value_counts(normalize=True)


@dataclass(frozen=True)
class Chunk:
    """A block of consecutive worlds: indices ``first`` to ``first + size - 1``."""

    first: int
    size: int


def default_chunk_size(worlds: int, engine: Engine | None = None) -> int:
    """Return the chunk size a run uses unless told.

    At most 50,000 worlds; on worker engines, small enough for four chunks per worker.
    """
    if engine is None or engine.kind is EngineKind.INPROCESS:
        return max(1, min(DEFAULT_CHUNK, worlds))
    spread = -(-worlds // (4 * engine.workers_for(worlds)))
    return max(1, min(DEFAULT_CHUNK, spread))


class Checkpoint(Protocol):
    """Keeps finished chunks so that an interrupted run can go on (see sim.run.journal)."""

    def done(self) -> dict[int, tuple[pd.DataFrame, Recorder]]:
        """Return the chunks finished so far, by first world."""
        ...

    def save(self, chunk: Chunk, outcomes: pd.DataFrame, recorder: Recorder) -> None:
        """Keep a chunk that has just finished."""
        ...


def chunks_of(worlds: int, chunk_size: int) -> list[Chunk]:
    """Split ``worlds`` worlds into chunks of at most ``chunk_size``."""
    return [Chunk(first, min(chunk_size, worlds - first)) for first in range(0, worlds, chunk_size)]


def simulate_chunk(
    scenario: Scenario,
    chunk: Chunk,
    seed: int,
    stride: int | None,
    on_tick: Callable[[int], None] | None = None,
) -> tuple[pd.DataFrame, Recorder]:
    """Run one chunk of worlds to the horizon; return its outcomes and aggregates."""
    with arrays_reused():  # on a Dask worker, whose allocator the nanny pinned
        return _simulated(scenario, chunk, seed, stride, on_tick)


def _simulated(scenario, chunk, seed, stride, on_tick) -> tuple[pd.DataFrame, Recorder]:
    model = CrisisModel(
        scenario,
        worlds=chunk.size,
        first_world=chunk.first,
        seed=seed,
        sample_stride=stride,
        collect=False,
    )
    while model.running:
        model.step()
        if on_tick is not None:
            on_tick(chunk.size)
    return model.outcomes(), model.recorder


def _simulate_chunks(scenario, chunks, seed, stride, engine: Engine, workers, bar) -> Iterator:
    """Yield ``(chunk, (outcomes, recorder))`` as each chunk finishes, advancing ``bar``."""
    if not chunks:  # a resumed run whose chunks are all kept: no engine to start
        return
    if engine.kind is EngineKind.INPROCESS:  # tick by tick: one big chunk still shows progress
        for chunk in chunks:
            yield chunk, simulate_chunk(scenario, chunk, seed, stride, bar.update)
        return
    tasks = [(scenario, chunk, seed, stride) for chunk in chunks]
    with contextlib.closing(engine.map(simulate_chunk, tasks, workers)) as done:
        for index, result in done:
            bar.update(chunks[index].size * scenario.ticks)
            yield chunks[index], result


def check_request(
    worlds: int,
    engine: Engine,
    chunk_size: int,
    scenario: Scenario | None = None,
) -> None:
    """Refuse, before any work starts, a run that cannot be done as asked."""
    workers = engine.workers_for(worlds)
    if worlds < 1:
        raise UserError(f"The number of worlds must be at least 1 (got {worlds}).")
    if chunk_size < 1:
        raise UserError(f"The chunk size must be at least 1 (got {chunk_size}).")
    if workers < 1:
        raise UserError(f"The number of workers must be at least 1 (got {workers}).")
    if engine.kind is not EngineKind.INPROCESS and workers > worlds:
        raise UserError(
            f"{workers} workers for {worlds} worlds would leave workers idle: use at most "
            f"--workers {worlds}, or run more worlds."
        )
    parts = memory_need(worlds, engine, chunk_size, scenario)
    need, available = sum(parts.values()), _available_memory()
    if available is None or need <= 0.8 * available:
        return
    gib = {name: f"{size / 2**30:.1f} GiB" for name, size in parts.items()}
    largest = max(parts, key=parts.__getitem__)
    remedy = {
        "outcomes": "Run fewer worlds (--worlds), or several runs with different --seed values.",
        "chunks": "Simulate fewer worlds at once with --chunk-size (it changes memory and "
        "speed, never results), or use fewer --workers.",
        "histories": "Keep fewer sampled histories: --set trajectory_sample=20.",
    }[largest]
    raise UserError(
        f"This run needs about {need / 2**30:.1f} GiB ({gib['outcomes']} for the outcome "
        f"table of {worlds:,} worlds, {gib['chunks']} for the chunks simulated at once, "
        f"{gib['histories']} for sampled histories), and this machine has "
        f"{available / 2**30:.1f} GiB available. {remedy}"
    )


def memory_need(
    worlds: int,
    engine: Engine,
    chunk_size: int,
    scenario: Scenario | None = None,
) -> dict[str, int]:
    """Estimate a run's peak memory in bytes: outcome table, chunks in flight, histories.

    The per-world figures were measured on the baseline (docs/reliability.md) and scale
    with the number of sectors; they err on the high side.
    """
    sectors = len(scenario.sectors) if scenario is not None else 4
    ticks = scenario.ticks if scenario is not None else 120
    sample = min(worlds, scenario.trajectory_sample) if scenario is not None else 20
    parallel = engine.kind is not EngineKind.INPROCESS
    in_flight = min(-(-worlds // chunk_size), engine.workers_for(worlds) if parallel else 1)
    per_world = WORKING_BYTES_PER_WORLD * max(1.0, sectors / 4)
    return {
        "outcomes": worlds * OUTCOME_BYTES_PER_WORLD,
        "chunks": int(in_flight * min(chunk_size, worlds) * per_world),
        "histories": sample * ticks * HISTORY_BYTES_PER_ROW,
    }


def _available_memory() -> int | None:
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except ImportError:  # pragma: no cover - psutil is a dependency
        return None


def run_ensemble(
    scenario: Scenario,
    worlds: int | None = None,
    seed: int | None = None,
    chunk_size: int | None = None,
    progress: bool = False,
    engine: Engine | None = None,
    checkpoint: Checkpoint | None = None,
) -> EnsembleResult:
    """Run ``worlds`` worlds of ``scenario`` and return their outcomes and aggregates.

    Args:
        scenario: a validated scenario (see :func:`sim.spec.loading.load_scenario`).
        worlds: number of worlds (default: the scenario's ``worlds``).
        seed: overrides the scenario's seed.
        chunk_size: worlds simulated at once; bounds memory, never changes results
            (default: 50,000 in-process; enough chunks to keep every worker busy otherwise).
        progress: show a progress bar (it appears only if the run takes over a second).
        engine: where the chunks run (:mod:`sim.run.engine`: :class:`InProcess`, the
            default, :class:`Processes` or :class:`Dask`); inside the engine's with-block
            its workers serve many runs.
        checkpoint: where finished chunks are kept (a run's journal,
            :class:`sim.run.journal.Journal`); chunks it holds already are not simulated again.
    """
    engine = InProcess() if engine is None else engine
    worlds = scenario.worlds if worlds is None else worlds
    seed = scenario.seed if seed is None else seed
    if chunk_size is None:
        chunk_size = default_chunk_size(worlds, engine)
    check_request(worlds, engine, chunk_size, scenario)
    workers = engine.workers_for(worlds)
    stride = sample_stride(worlds, scenario.trajectory_sample)
    chunks = chunks_of(worlds, chunk_size)
    started = time.perf_counter()
    # Aggregates merge as chunks arrive (counts add in any order; sampled histories are
    # sorted when read), so memory holds one recorder and the outcome rows, not a
    # recorder per chunk. Outcome rows are put in world order at the end.
    frames: dict[int, pd.DataFrame] = {}
    recorder: Recorder | None = None
    done = checkpoint.done() if checkpoint is not None else {}
    if set(done) - {chunk.first for chunk in chunks}:
        raise UserError(
            "The journal's chunks do not line up with this run's chunks of "
            f"{chunk_size:,} worlds: resume with the chunk size the run started with."
        )
    for first in sorted(done):
        frames[first], chunk_recorder = done[first]
        if recorder is None:
            recorder = chunk_recorder
        else:
            recorder.merge(chunk_recorder)
    todo = [chunk for chunk in chunks if chunk.first not in done]
    with tqdm(
        total=worlds * scenario.ticks,
        unit=" world-ticks",
        unit_scale=True,
        delay=1.0,
        disable=not progress,
        desc=f"{scenario.name} ({engine.kind.value})",
        leave=False,
        initial=(worlds - sum(chunk.size for chunk in todo)) * scenario.ticks,
    ) as bar:
        finishing = _simulate_chunks(scenario, todo, seed, stride, engine, workers, bar)
        # Closed on the way out, whatever happens: an engine stops its workers then, not
        # when the interrupted frame is collected (at exit, waiting on running chunks).
        with contextlib.closing(finishing):
            for chunk, result in finishing:
                if checkpoint is not None:
                    checkpoint.save(chunk, *result)
                frames[chunk.first], chunk_recorder = result
                if recorder is None:
                    recorder = chunk_recorder
                else:
                    recorder.merge(chunk_recorder)
                raise_if_interrupted()  # one a finalizer swallowed: stop, this chunk kept
    del bar  # its finalizer runs now, before the check below (it can swallow a Ctrl-C)
    raise_if_interrupted()
    assert recorder is not None
    outcomes = pd.concat([frames[chunk.first] for chunk in chunks], ignore_index=True)
    return EnsembleResult(
        scenario,
        seed,
        worlds,
        outcomes,
        recorder,
        timings={"simulate_s": round(time.perf_counter() - started, 3)},
        engine={
            "name": engine.kind.value,
            "workers": workers,
            "chunks": len(chunks),
            "chunk_size": chunk_size,
        },
    )
