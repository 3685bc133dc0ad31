"""A Dask cluster started the ordinary way: ``dask scheduler`` and ``dask worker``.

Users who outgrow one machine start clusters with Dask's own command line and its
default settings (a nanny per worker, which sets ``MALLOC_TRIM_THRESHOLD_``), not with
our ``start_local_cluster``. ``bench/engines.py`` times such a cluster against the
process engine, and ``tests/test_engines.py`` checks it gives identical worlds.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

DASK = str(Path(sys.executable).with_name("dask"))


def _address_once_written(file: Path, scheduler: subprocess.Popen, deadline: float) -> str:
    """Wait for the scheduler to write its file (its sign that it listens); return the address."""
    while True:
        with contextlib.suppress(FileNotFoundError, json.JSONDecodeError, KeyError):
            return json.loads(file.read_text())["address"]
        if scheduler.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"`dask scheduler` did not start (exit {scheduler.poll()})")
        time.sleep(0.05)


def _stop(process: subprocess.Popen) -> None:
    """Stop a process and everything it started (its own session), politely, then not."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def command_line_cluster(workers: int, folder: Path) -> Iterator[str]:
    """Start a scheduler and ``workers`` one-thread workers on 127.0.0.1; yield its address.

    Dask's defaults otherwise (nanny included); no dashboards, so nothing else listens.
    Every process is stopped on the way out, whatever happens.
    """
    from distributed import Client

    file = Path(folder) / "scheduler.json"
    started: list[subprocess.Popen] = []
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    try:
        scheduler = subprocess.Popen(
            [
                *(DASK, "scheduler", "--host", "127.0.0.1", "--port", "0"),
                *("--no-dashboard", "--scheduler-file", str(file)),
            ],
            start_new_session=True,
            **quiet,
        )
        started.append(scheduler)
        address = _address_once_written(file, scheduler, time.monotonic() + 120)
        started.append(
            subprocess.Popen(
                [
                    *(DASK, "worker", address, "--nworkers", str(workers), "--nthreads", "1"),
                    *("--host", "127.0.0.1", "--no-dashboard"),
                ],
                start_new_session=True,
                **quiet,
            )
        )
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=120)  # the scheduler says when they joined
        yield address
    finally:
        for process in reversed(started):
            _stop(process)
