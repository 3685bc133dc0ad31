"""A chunk's large temporary arrays reuse memory, also on a worker Dask's nanny started.

Without ``sim.run.allocator``, glibc maps a tick's large arrays afresh, or gives the heap
back, on every tick; Dask's nanny (``MALLOC_TRIM_THRESHOLD_=65536``) makes it map every
one. Fresh pages show as minor page faults: counted, not timed, so the test does not
depend on how busy the machine is.
"""

from __future__ import annotations

import sys

import pytest

from sim.run import allocator

from conftest import ROOT

sys.path.append(str(ROOT / "bench"))
from allocations import measure

WORLDS = 20_000

pytestmark = pytest.mark.skipif(allocator.glibc() is None, reason="glibc's allocator only")


@pytest.mark.slow  # three child processes, each running 20,000 worlds
@pytest.mark.parametrize("pinned", [False, True], ids=["plain process", "Dask's nanny"])
def test_a_chunk_s_ticks_reuse_their_arrays_memory(pinned):
    reused = measure(WORLDS, reused=True, pinned=pinned)["fresh_bytes_per_world"]
    # The figure bench/allocations.py prints: fresh memory per world and tick, after
    # warm-up. About 8 bytes now, against 30-70 for glibc left alone and 1,100-1,600
    # on a worker Dask's nanny started. It must not grow.
    assert reused < 20, reused
    if pinned:
        as_is = measure(WORLDS, reused=False, pinned=True)["fresh_bytes_per_world"]
        assert as_is > 10 * reused, (as_is, reused)


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
