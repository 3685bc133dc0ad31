"""A chunk's large temporary arrays reuse memory, also on a worker Dask's nanny started.

Without ``sim.run.allocator``, glibc maps a tick's large arrays afresh, or gives the heap
back, on every tick; Dask's nanny (``MALLOC_TRIM_THRESHOLD_=65536``) makes it map every
one. Fresh pages show as minor page faults: counted, not timed, so the test does not
depend on how busy the machine is.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest

from sim.run import allocator

from conftest import SCENARIOS

PAGE = resource.getpagesize()
WORLDS = 20_000

pytestmark = pytest.mark.skipif(allocator.glibc() is None, reason="glibc's allocator only")

FAULTS_PER_TICK = """
import contextlib, resource, sys
from sim.core.model import CrisisModel
from sim.run.allocator import arrays_reused
from sim.spec.loading import load_scenario

scenario = load_scenario(sys.argv[1]).scenario
model = CrisisModel(scenario, worlds=int(sys.argv[3]), seed=1, collect=False)
with arrays_reused() if sys.argv[2] == "reused" else contextlib.nullcontext():
    for _ in range(3):  # warm up: the first ticks make what later ticks reuse
        model.step()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        model.step()
    print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20)
"""


def _faults_per_tick(tmp_path, reused: bool, pinned: bool) -> float:
    script = tmp_path / "faults.py"
    script.write_text(FAULTS_PER_TICK)
    env = {k: v for k, v in os.environ.items() if k not in allocator.TUNING_VARIABLES}
    if pinned:
        env["MALLOC_TRIM_THRESHOLD_"] = "65536"  # as Dask's nanny sets it
    done = subprocess.run(
        [
            sys.executable,
            str(script),
            str(SCENARIOS / "baseline-may-2021.yaml"),
            "reused" if reused else "as-is",
            str(WORLDS),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return float(done.stdout)


@pytest.mark.parametrize("pinned", [False, True], ids=["plain process", "Dask's nanny"])
def test_a_chunk_s_ticks_reuse_their_arrays_memory(tmp_path, pinned):
    reused = _faults_per_tick(tmp_path, reused=True, pinned=pinned)
    # The figure bench/allocations.py prints: fresh memory per world and tick, after
    # warm-up. About 8 bytes now, against 30-70 for glibc left alone and 1,100-1,600
    # on a worker Dask's nanny started. It must not grow.
    assert reused * PAGE / WORLDS < 20, reused
    if pinned:
        assert _faults_per_tick(tmp_path, reused=False, pinned=True) > 10 * reused


def test_the_environment_s_settings_are_put_back(monkeypatch):
    calls = []

    class Libc:
        def mallopt(self, parameter, value):
            calls.append((parameter, value))

        def malloc_trim(self, pad):
            calls.append(("trim", pad))

    monkeypatch.setattr(allocator, "glibc", lambda: Libc())
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")  # as Dask's nanny sets it
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    with allocator.arrays_reused():
        assert calls[-1] == (allocator.M_TRIM_THRESHOLD, allocator.TRIM_WHILE_RUNNING)
    assert calls[-3:] == [
        (allocator.M_MMAP_THRESHOLD, allocator.LARGEST_HEAP_BLOCK),
        (allocator.M_TRIM_THRESHOLD, 65536),
        ("trim", 0),  # and the freed memory goes back to the system, as Dask asks
    ]
