"""glibc's allocator while a chunk runs: a tick's large temporary arrays reuse memory.

A tick of a chunk makes temporary arrays of a few hundred kilobytes to a few megabytes
each, and frees them. Left to itself, glibc's ``malloc`` serves blocks above its mmap
threshold (128 KiB at first, rising as it sees such blocks freed) with fresh mappings,
and hands the top of its heap back to the system whenever more than twice that is
free. Either way the next tick's arrays fault their pages in again: 72 bytes of fresh
pages per world and tick at 100,000 worlds, against 8 with the memory reused
(``bench/allocations.py``).

Worse, setting ``MALLOC_TRIM_THRESHOLD_`` or ``MALLOC_MMAP_THRESHOLD_`` in the
environment freezes the threshold at 128 KiB, and Dask's nanny sets
``MALLOC_TRIM_THRESHOLD_=65536`` for every worker it starts (its setting
``distributed.nanny.pre-spawn-environ``), so that workers give memory back: on a
cluster started with ``dask scheduler`` and ``dask worker`` every large array was
mapped afresh on every tick (1,644 bytes of fresh pages per world and tick), about
1.5 times the process engine's time.

:func:`arrays_reused` therefore raises both thresholds for the length of a chunk, to
glibc's own upper bound for large blocks, and afterwards returns the freed memory to
the system (``malloc_trim``), which is what Dask asks for. Where the environment set the
thresholds, they are put back. Without glibc it does nothing. The results never
depend on it: it changes where memory comes from, not what is computed.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
from collections.abc import Iterator
from functools import cache

M_TRIM_THRESHOLD = -1  # mallopt's parameters, from glibc's malloc.h
M_MMAP_THRESHOLD = -3
LARGEST_HEAP_BLOCK = 32 * 1024 * 1024  # glibc's upper bound for M_MMAP_THRESHOLD (64-bit)
TRIM_WHILE_RUNNING = 512 * 1024 * 1024
TUNING_VARIABLES = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")


@cache
def glibc() -> ctypes.CDLL | None:
    """Return the C library if it is glibc (whose ``mallopt`` this module sets), else None."""
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return None
    except (AttributeError, ValueError, OSError):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def _set_in_environment(name: str) -> int | None:
    try:
        return int(os.environ[name])
    except (KeyError, ValueError):
        return None


@contextlib.contextmanager
def arrays_reused() -> Iterator[None]:
    """Let glibc keep a chunk's large temporary arrays in its heap while the block runs."""
    libc = glibc()
    if libc is None:
        yield
        return
    libc.mallopt(M_MMAP_THRESHOLD, LARGEST_HEAP_BLOCK)
    libc.mallopt(M_TRIM_THRESHOLD, TRIM_WHILE_RUNNING)
    try:
        yield
    finally:
        # Afterwards: the environment's settings where it made them; otherwise the
        # values glibc's own adaptation ends at for blocks this large.
        mmap, trim = (_set_in_environment(name) for name in TUNING_VARIABLES)
        libc.mallopt(M_MMAP_THRESHOLD, LARGEST_HEAP_BLOCK if mmap is None else mmap)
        libc.mallopt(M_TRIM_THRESHOLD, 2 * LARGEST_HEAP_BLOCK if trim is None else trim)
        libc.malloc_trim(0)
