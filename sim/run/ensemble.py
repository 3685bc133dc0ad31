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
import multiprocessing
import multiprocessing.forkserver
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd
from tqdm import tqdm

from sim.core.model import CrisisModel
from sim.errors import UserError
from sim.interrupts import (
    born_ignoring_interrupts,
    deferred_interrupts,
    ignore_interrupts,
    raise_if_interrupted,
)
from sim.run.engine import Engine
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


def default_workers(worlds: int, engine: Engine, workers: int | None) -> int:
    """Return the workers a run uses unless told: 1 in-process, else one per core."""
    if workers is not None:
        return workers
    return 1 if engine is Engine.INPROCESS else min(os.cpu_count() or 1, max(worlds, 1))


def default_chunk_size(worlds: int, engine: Engine | str, workers: int | None = None) -> int:
    """Return the chunk size a run uses unless told.

    At most 50,000 worlds; on worker engines, small enough for four chunks per worker.
    """
    engine = Engine(engine)
    workers = default_workers(worlds, engine, workers)
    spread = -(-worlds // (4 * max(workers, 1))) if engine is not Engine.INPROCESS else worlds
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


def _tasks_inprocess(function, tasks, workers, scheduler) -> Iterator:
    for index, task in enumerate(tasks):
        yield index, function(*task)


def _tasks_processes(function, tasks, workers, scheduler) -> Iterator:
    # forkserver, not fork: workers start clean whatever threads this process holds, and
    # fork from a server that has imported the simulator once, instead of each paying
    # about 2 s to import numpy, pandas, scipy and Mesa as spawned interpreters would.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sim.run.ensemble", function.__module__])
    # Ctrl-C is held while the server and the workers start (sim.interrupts): a worker
    # cut off half-started prints a traceback of its own. The workers ignore it; on
    # Ctrl-C, an error, or a caller that stops early, this process stops them at once.
    with deferred_interrupts():
        with born_ignoring_interrupts():
            multiprocessing.forkserver.ensure_running()
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=ignore_interrupts
        )
        futures = {pool.submit(function, *task): index for index, task in enumerate(tasks)}
    try:
        for future in as_completed(futures):
            yield futures[future], future.result()
    except BaseException:
        with deferred_interrupts():
            _stop_workers(pool)
        raise
    pool.shutdown()


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and terminate the workers, without waiting for chunks."""
    # ProcessPoolExecutor.shutdown waits for running tasks (a chunk takes seconds) and has
    # no way to stop them; its worker processes are terminated directly.
    # Workers first: once the pool lets go of its queues their locks are removed, and a
    # worker still starting up would fail to open them, and say so.
    workers = list((pool._processes or {}).values())
    for process in workers:
        process.terminate()
    for process in workers:
        process.join(timeout=10)
    pool.shutdown(wait=False, cancel_futures=True)


def start_local_cluster(workers: int):
    """Start a Dask LocalCluster on 127.0.0.1 with ``workers`` one-thread worker processes.

    ``run_ensemble(engine="dask")`` starts one per run, which costs a few seconds; to run
    many ensembles (a sweep), start one here and pass its ``scheduler_address`` as
    ``scheduler``. Close it when done.

    Dask's nanny gives workers ``MALLOC_TRIM_THRESHOLD_``, which turns off glibc's
    dynamic mmap threshold: every large temporary array of every tick is then mmapped
    and unmapped afresh, and a 50,000-world chunk ran 3.7x slower than in a plain
    process. These workers keep Dask's other settings but not that one.
    """
    import dask
    from distributed import LocalCluster

    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",  # a free port: clusters never collide
            host="127.0.0.1",
        )


def _tasks_dask(function, tasks, workers, scheduler) -> Iterator:
    from distributed import Client
    from distributed import as_completed as dask_completed

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as error:
            raise UserError(
                f"No Dask scheduler answered at {scheduler} within 10 s ({error}). Check the "
                "address (e.g. tcp://127.0.0.1:8786) and that `dask scheduler` is running, or "
                "leave out --scheduler to start a local cluster."
            ) from None
        cluster = None
    else:
        cluster = start_local_cluster(workers)
        client = Client(cluster)
    try:
        futures = client.map(function, *zip(*tasks, strict=True), pure=False)
        index = {future.key: number for number, future in enumerate(futures)}
        for future in dask_completed(futures):
            yield index[future.key], future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


TASK_RUNNERS = {
    Engine.INPROCESS: _tasks_inprocess,
    Engine.PROCESSES: _tasks_processes,
    Engine.DASK: _tasks_dask,
}


def map_tasks(
    function: Callable,
    tasks: list[tuple],
    engine: Engine | str = Engine.INPROCESS,
    workers: int = 1,
    scheduler: str | None = None,
) -> Iterator[tuple[int, object]]:
    """Run ``function(*task)`` for every task on an engine; yield ``(index, result)`` as each ends.

    Results arrive in completion order; callers that need task order sort by index.
    ``function`` must be importable by name (a module-level function) for the process
    and Dask engines. Ensembles map chunks of worlds; sweeps map points of a design.
    """
    yield from TASK_RUNNERS[Engine(engine)](function, tasks, workers, scheduler)


def _simulate_chunks(scenario, chunks, seed, stride, engine, workers, scheduler, bar) -> Iterator:
    """Yield ``(chunk, (outcomes, recorder))`` as each chunk finishes, advancing ``bar``."""
    if not chunks:  # a resumed run whose chunks are all kept: no engine to start
        return
    if engine is Engine.INPROCESS:  # tick by tick, so one big chunk still shows progress
        for chunk in chunks:
            yield chunk, simulate_chunk(scenario, chunk, seed, stride, bar.update)
        return
    tasks = [(scenario, chunk, seed, stride) for chunk in chunks]
    with contextlib.closing(map_tasks(simulate_chunk, tasks, engine, workers, scheduler)) as done:
        for index, result in done:
            bar.update(chunks[index].size * scenario.ticks)
            yield chunks[index], result


def check_request(
    worlds: int,
    engine: Engine,
    workers: int,
    chunk_size: int,
    scenario: Scenario | None = None,
) -> None:
    """Refuse, before any work starts, a run that cannot be done as asked."""
    if worlds < 1:
        raise UserError(f"The number of worlds must be at least 1 (got {worlds}).")
    if chunk_size < 1:
        raise UserError(f"The chunk size must be at least 1 (got {chunk_size}).")
    if workers < 1:
        raise UserError(f"The number of workers must be at least 1 (got {workers}).")
    if engine is not Engine.INPROCESS and workers > worlds:
        raise UserError(
            f"{workers} workers for {worlds} worlds would leave workers idle: use at most "
            f"--workers {worlds}, or run more worlds."
        )
    parts = memory_need(worlds, engine, workers, chunk_size, scenario)
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
    workers: int,
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
    in_flight = min(-(-worlds // chunk_size), workers if engine is not Engine.INPROCESS else 1)
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
    engine: Engine | str = Engine.INPROCESS,
    workers: int | None = None,
    scheduler: str | None = None,
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
        engine: ``inprocess``, ``processes`` (local worker processes) or ``dask``.
        workers: worker processes for ``processes`` and a local Dask cluster
            (default: the machine's cores).
        scheduler: address of a running Dask scheduler (``dask`` engine only).
        checkpoint: where finished chunks are kept (a run's journal,
            :class:`sim.run.journal.Journal`); chunks it holds already are not simulated again.
    """
    engine = Engine(engine)
    worlds = scenario.worlds if worlds is None else worlds
    seed = scenario.seed if seed is None else seed
    workers = default_workers(worlds, engine, workers)
    if chunk_size is None:
        chunk_size = default_chunk_size(worlds, engine, workers)
    check_request(worlds, engine, workers, chunk_size, scenario)
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
        desc=f"{scenario.name} ({engine.value})",
        leave=False,
        initial=(worlds - sum(chunk.size for chunk in todo)) * scenario.ticks,
    ) as bar:
        finishing = _simulate_chunks(scenario, todo, seed, stride, engine, workers, scheduler, bar)
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
            "name": engine.value,
            "workers": workers,
            "chunks": len(chunks),
            "chunk_size": chunk_size,
        },
    )
