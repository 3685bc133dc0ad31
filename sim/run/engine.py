"""Where tasks run: in this process, in local worker processes, or on a Dask cluster.

An engine is one object, in the spirit of the EMA Workbench's evaluators: it knows where
work goes and how many workers it may use, and owns what it starts there (a process pool,
a Dask client and perhaps a local cluster). Used as a context manager, it keeps them for
the whole block, so a sweep, a calibration or a script's many ensembles start their
workers once::

    with Processes(workers=4) as engine:
        for scenario in scenarios:
            run_ensemble(scenario, worlds=10_000, engine=engine)

Outside a ``with`` block an engine starts what it needs for each :meth:`Engine.map` and
stops it after, as a single run needs. The engine changes speed, never results: every
draw is keyed by the world index (:mod:`sim.core.rng`).

A light module (the command line builds an engine from its options before any heavy
import): the pool's modules are the standard library's; Dask is imported only when a
Dask engine starts.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from enum import StrEnum
from typing import Any, ClassVar

from sim.errors import UserError
from sim.interrupts import born_ignoring_interrupts, deferred_interrupts, ignore_interrupts


class EngineKind(StrEnum):
    """The engines by name, as ``--engine`` and a manifest's ``engine.name`` spell them."""

    INPROCESS = "inprocess"
    PROCESSES = "processes"
    DASK = "dask"


class Engine:
    """Runs ``function(*task)`` for many tasks somewhere; the base of the three engines.

    ``workers`` is the number asked for; ``None`` leaves it to :meth:`workers_for`.
    """

    kind: ClassVar[EngineKind]

    def __init__(self, workers: int | None = None) -> None:
        if workers is not None and workers < 1:
            raise UserError(f"The number of workers must be at least 1 (got {workers}).")
        self.workers = workers
        self._held = 0  # depth of the with-blocks that keep this engine's workers

    def workers_for(self, tasks: int | None = None) -> int:
        """Return the workers used for ``tasks`` tasks (or worlds): as asked, or one per core.

        One per core, but no more than there are tasks; 1 in this process.
        """
        if self.workers is not None:
            return self.workers
        cores = os.cpu_count() or 1
        return cores if tasks is None else min(cores, max(tasks, 1))

    def map(
        self, function: Callable, tasks: list[tuple], workers: int | None = None
    ) -> Iterator[tuple[int, Any]]:
        """Run ``function(*task)`` for every task; yield ``(index, result)`` as each ends.

        Results arrive in completion order; callers that need task order sort by index.
        ``function`` must be importable by name (a module-level function, or a
        ``functools.partial`` of one) for the process and Dask engines. ``workers``: how
        many to start if none are running yet (default: :meth:`workers_for` the tasks).
        """
        raise NotImplementedError

    def describe(self, tasks: int | None = None) -> dict[str, Any]:
        """Return what a manifest records of the engine: its name and workers."""
        return {"name": self.kind.value, "workers": self.workers_for(tasks)}

    def close(self) -> None:
        """Stop whatever the engine started (nothing for the in-process engine)."""

    def __enter__(self) -> Engine:
        self._held += 1
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._held -= 1
        if not self._held:
            with deferred_interrupts():
                self.close()

    def _done_with_map(self) -> None:
        """After a map: keep the workers inside a with-block, stop them outside one."""
        if not self._held:
            with deferred_interrupts():
                self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workers={self.workers!r})"


class InProcess(Engine):
    """Everything in this process, one task after another."""

    kind = EngineKind.INPROCESS

    def workers_for(self, tasks: int | None = None) -> int:
        """Return 1, or the number asked for (its tasks run one after another all the same)."""
        return 1 if self.workers is None else self.workers

    def map(self, function, tasks, workers=None):
        """Run the tasks here, in order."""
        for index, task in enumerate(tasks):
            yield index, function(*task)


class Processes(Engine):
    """Local worker processes forked from a preloaded fork server (``concurrent.futures``).

    forkserver, not fork: workers start clean whatever threads this process holds, and
    fork from a server that has imported the simulator once, instead of each paying about
    2 s to import numpy, pandas, scipy and Mesa as spawned interpreters would.
    """

    kind = EngineKind.PROCESSES

    def __init__(self, workers: int | None = None) -> None:
        super().__init__(workers)
        self._pool: ProcessPoolExecutor | None = None

    def map(self, function, tasks, workers=None):
        """Run the tasks on the pool, starting it if none is running (see :meth:`Engine.map`)."""
        # Ctrl-C is held while the server and the workers start (sim.interrupts): a worker
        # cut off half-started prints a traceback of its own. The workers ignore it; on
        # Ctrl-C, an error, or a caller that stops early, this process stops them at once.
        try:
            with deferred_interrupts():  # a Ctrl-C held here is raised as the block ends
                pool = self._started(function, workers or self.workers_for(len(tasks)))
                futures = {pool.submit(function, *t): index for index, t in enumerate(tasks)}
            for future in as_completed(futures):
                yield futures[future], future.result()
        except BaseException:
            with deferred_interrupts():
                self._stop_workers()
            raise
        self._done_with_map()

    def _started(self, function: Callable, workers: int) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["sim.run.ensemble", function.__module__])
            with born_ignoring_interrupts():
                multiprocessing.forkserver.ensure_running()
            self._pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=context, initializer=ignore_interrupts
            )
        return self._pool

    def close(self) -> None:
        """Shut the pool down once its tasks are done."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def _stop_workers(self) -> None:
        """Cancel what has not started and terminate the workers, without waiting for tasks."""
        # ProcessPoolExecutor.shutdown waits for running tasks (a chunk takes seconds) and
        # has no way to stop them; its worker processes are terminated directly. Workers
        # first: once the pool lets go of its queues their locks are removed, and a worker
        # still starting up would fail to open them, and say so.
        pool, self._pool = self._pool, None
        if pool is None:
            return
        workers = list((pool._processes or {}).values())
        for process in workers:
            process.terminate()
        for process in workers:
            process.join(timeout=10)
        pool.shutdown(wait=False, cancel_futures=True)


class Dask(Engine):
    """A Dask cluster: a running scheduler at ``scheduler``, or a local cluster it starts.

    A local cluster takes a few seconds to start: inside a with-block it starts once.
    """

    kind = EngineKind.DASK

    def __init__(self, workers: int | None = None, scheduler: str | None = None) -> None:
        super().__init__(workers)
        self.scheduler = scheduler
        self._client = None
        self._cluster = None

    def map(self, function, tasks, workers=None):
        """Run the tasks on the cluster, connecting first if need be (see :meth:`Engine.map`)."""
        from distributed import as_completed as dask_completed

        client = self._started(workers or self.workers_for(len(tasks)))
        try:
            futures = client.map(function, *zip(*tasks, strict=True), pure=False)
            index = {future.key: number for number, future in enumerate(futures)}
            for future in dask_completed(futures):
                yield index[future.key], future.result()
        except BaseException:
            self.close()
            raise
        self._done_with_map()

    def _started(self, workers: int):
        from distributed import Client

        if self._client is not None:
            return self._client
        if self.scheduler:
            try:
                self._client = Client(self.scheduler, timeout="10s")
            except (OSError, TimeoutError) as error:
                raise UserError(
                    f"No Dask scheduler answered at {self.scheduler} within 10 s ({error}). "
                    "Check the address (e.g. tcp://127.0.0.1:8786) and that `dask scheduler` "
                    "is running, or leave out --scheduler to start a local cluster."
                ) from None
        else:
            self._cluster = start_local_cluster(workers)
            self._client = Client(self._cluster)
        return self._client

    def close(self) -> None:
        """Close the client, and the local cluster if this engine started one."""
        client, cluster, self._client, self._cluster = self._client, self._cluster, None, None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    def __repr__(self) -> str:
        return f"Dask(workers={self.workers!r}, scheduler={self.scheduler!r})"


ENGINES: dict[EngineKind, type[Engine]] = {
    EngineKind.INPROCESS: InProcess,
    EngineKind.PROCESSES: Processes,
    EngineKind.DASK: Dask,
}


def make_engine(
    kind: EngineKind | str = EngineKind.INPROCESS,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Engine:
    """Build the engine that ``--engine``, ``--workers`` and ``--scheduler`` describe."""
    kind = EngineKind(kind)
    if scheduler and kind is not EngineKind.DASK:
        raise UserError("--scheduler is the address of a Dask scheduler: add --engine dask.")
    if kind is EngineKind.DASK:
        return Dask(workers, scheduler)
    return ENGINES[kind](workers)


def start_local_cluster(workers: int):
    """Start a Dask LocalCluster on 127.0.0.1 with ``workers`` one-thread worker processes.

    A :class:`Dask` engine without a scheduler starts one itself (once per with-block);
    to share one between engines or processes, start it here and give its
    ``scheduler_address`` as ``scheduler``. Close it when done. Its workers have Dask's
    default settings, as on any cluster: each chunk sets glibc's allocator for itself
    (:mod:`sim.run.allocator`).
    """
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address="127.0.0.1:0",  # a free port: clusters never collide
        host="127.0.0.1",
    )
