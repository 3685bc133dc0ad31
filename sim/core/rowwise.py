"""Per-world reductions over a few columns (sectors, CSTO members), done column by column.

The world's two-dimensional arrays are (worlds, k) with k small: three sectors in the
baseline, six CSTO members. numpy reduces ``axis=1`` of such an array with an inner loop
of length k per world, about fifteen times slower than k - 1 whole-column operations
(1.1 ms against 0.07 ms for a sum over 100,000 worlds and three sectors). These
functions take the fast route and give the same bits as numpy's: a sum over fewer than
eight columns is added left to right, as numpy's own loop does (for eight or more,
numpy's pairwise sum is used as is), and ``argmax`` keeps the first of equal maxima.
docs/performance.md has the profile that led here. Blocks of more than
:data:`sim.core.compiled.LARGE_BLOCK` worlds go row by row instead, in one compiled
pass (:mod:`sim.core.kernels`), with the same results (``tests/test_rowwise.py``).
"""

from __future__ import annotations

import numpy as np

from sim.core.compiled import kernels_for

_NUMPY_ORDER_FROM = 8  # from this many columns numpy's sum is pairwise; defer to it


def row_sum(a: np.ndarray) -> np.ndarray:
    """Return ``a.sum(axis=1)`` for a (worlds, k) array, bit for bit."""
    k = a.shape[1]
    if k == 0 or k >= _NUMPY_ORDER_FROM or a.dtype == bool:
        return a.sum(axis=1)
    compiled = kernels_for(a.shape[0])
    if compiled is not None:
        return compiled.row_sum(a)
    total = a[:, 0] + 0.0  # from +0.0, as numpy's reduction starts (-0.0 sums to +0.0)
    for j in range(1, k):
        total += a[:, j]
    return total


def row_any(a: np.ndarray) -> np.ndarray:
    """Return ``a.any(axis=1)`` for a (worlds, k) boolean array."""
    if a.shape[1] == 0:
        return np.zeros(a.shape[0], bool)
    compiled = kernels_for(a.shape[0])
    if compiled is not None:
        return compiled.row_any(a)
    found = a[:, 0].copy()
    for j in range(1, a.shape[1]):
        found |= a[:, j]
    return found


def row_all(a: np.ndarray) -> np.ndarray:
    """Return ``a.all(axis=1)`` for a (worlds, k) boolean array."""
    if a.shape[1] == 0:
        return np.ones(a.shape[0], bool)
    every = a[:, 0].copy()
    for j in range(1, a.shape[1]):
        every &= a[:, j]
    return every


def row_count(a: np.ndarray) -> np.ndarray:
    """Return how many entries of each row of a (worlds, k) boolean array are true."""
    count = np.zeros(a.shape[0], np.int64)
    for j in range(a.shape[1]):
        count += a[:, j]
    return count


def row_argmax(a: np.ndarray) -> np.ndarray:
    """Return ``np.argmax(a, axis=1)`` (first of equal maxima) as int8 column indices."""
    compiled = kernels_for(a.shape[0])
    if compiled is not None and a.shape[1] > 0:
        return compiled.row_argmax(a)
    best = np.zeros(a.shape[0], np.int8)
    top = a[:, 0].copy()
    for j in range(1, a.shape[1]):
        column = a[:, j]
        better = column > top
        best[better] = j
        np.maximum(top, column, out=top)
    return best
