"""Compiled draws for large blocks of worlds: the same numbers as :mod:`sim.core.rng`.

numpy draws a block's uniforms in a dozen passes over memory: SplitMix64's finaliser is
nine array operations, the slots' second finaliser nine more over an array ``slots``
times as large, and turning keys into doubles three. Here each number is made in one
pass, in registers, by the same arithmetic on 64-bit unsigned integers (which wrap, as
numpy's do) and the same conversion to a double, so every number is bit for bit the
one numpy makes (``tests/test_rng.py`` compares them). At 100,000 worlds a draw with
five slots took 5.1 ms in numpy and 0.9 ms here.

Compiled by numba on first use and cached beside this file, so only the first run on a
machine pays for compiling. Imported only for large blocks (``sim.core.rng``): a small
run does not import numba at all.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from sim.core.splitmix import (
    MANTISSA_SHIFT,
    TO_UNIT,
    UGOLDEN,
    UMIX1,
    UMIX2,
    USHIFT1,
    USHIFT2,
    USHIFT3,
)


@njit(cache=True, nogil=True, inline="always")
def _splitmix64(z: np.uint64) -> np.uint64:
    z = z + UGOLDEN
    z = (z ^ (z >> USHIFT1)) * UMIX1
    z = (z ^ (z >> USHIFT2)) * UMIX2
    return z ^ (z >> USHIFT3)


@njit(cache=True, nogil=True)
def uniform_per_world(hashed_worlds: np.ndarray, tick_key: np.uint64) -> np.ndarray:
    """One uniform per world: ``unit(mix(hashed_world ^ tick_key))``, shape (R,)."""
    out = np.empty(hashed_worlds.shape[0])
    for world in range(hashed_worlds.shape[0]):
        out[world] = (_splitmix64(hashed_worlds[world] ^ tick_key) >> MANTISSA_SHIFT) * TO_UNIT
    return out


@njit(cache=True, nogil=True)
def uniform_per_slot(
    hashed_worlds: np.ndarray, tick_key: np.uint64, slot_keys: np.ndarray
) -> np.ndarray:
    """Uniforms per world and slot: ``unit(mix(mix(hashed_world ^ tick_key) ^ slot_key))``.

    Shape (slots, R), slot-major as numpy lays them out; the caller returns its transpose.
    """
    out = np.empty((slot_keys.shape[0], hashed_worlds.shape[0]))
    for world in range(hashed_worlds.shape[0]):
        keyed = _splitmix64(hashed_worlds[world] ^ tick_key)
        for slot in range(slot_keys.shape[0]):
            mixed = _splitmix64(keyed ^ slot_keys[slot])
            out[slot, world] = (mixed >> MANTISSA_SHIFT) * TO_UNIT
    return out


# -- per-world reductions over a few columns (sim.core.rowwise), row by row ------------


@njit(cache=True, nogil=True)
def row_sum(a: np.ndarray) -> np.ndarray:
    """``a.sum(axis=1)`` added left to right, as numpy does for fewer than eight columns.

    From +0.0, as numpy's reduction starts: a row of -0.0 sums to +0.0 there too.
    """
    out = np.empty(a.shape[0], a.dtype)
    for row in range(a.shape[0]):
        total = a.dtype.type(0.0)
        for column in range(a.shape[1]):
            total += a[row, column]
        out[row] = total
    return out


@njit(cache=True, nogil=True)
def row_any(a: np.ndarray) -> np.ndarray:
    """``a.any(axis=1)`` for a boolean array with at least one column."""
    out = np.zeros(a.shape[0], np.bool_)
    for row in range(a.shape[0]):
        for column in range(a.shape[1]):
            if a[row, column]:
                out[row] = True
                break
    return out


@njit(cache=True, nogil=True)
def row_argmax(a: np.ndarray) -> np.ndarray:
    """``np.argmax(a, axis=1)`` as int8: the first of equal maxima; a NaN stops the search.

    As :func:`sim.core.rowwise.row_argmax` does it: a column counts if it is greater
    than the largest so far, and a NaN makes the largest so far NaN, which nothing beats.
    """
    out = np.zeros(a.shape[0], np.int8)
    for row in range(a.shape[0]):
        top = a[row, 0]
        for column in range(1, a.shape[1]):
            value = a[row, column]
            if value > top:
                out[row] = column
            if value != value or top != top:  # NaN, as np.maximum propagates it
                top = value if value != value else top
            elif value > top:
                top = value
    return out


@njit(cache=True, nogil=True)
def c_exp(x: np.ndarray) -> np.ndarray:
    """Return ``math.exp`` of each value: numba calls the C library's ``exp``."""
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = math.exp(x[i])
    return out


@njit(cache=True, nogil=True)
def c_pow(base: np.ndarray, exponent: np.ndarray) -> np.ndarray:
    """Return ``base ** exponent`` of doubles, by the C library's ``pow``."""
    out = np.empty_like(base)
    for i in range(base.size):
        out[i] = base[i] ** exponent[i]
    return out


@njit(cache=True, nogil=True)
def poisson_by_summing(
    u: np.ndarray, lam: np.ndarray, summed_below: float, near_a_step: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return the Poisson quantiles of ``poisson_quantile`` where the summed CDF is sure.

    For ``lam`` below ``summed_below`` the CDF is summed term by term from 0,
    ``e^-lam (1 + lam + lam^2/2 + ...)``, until it reaches ``u``: a multiplication a
    term (by ``lam`` times 1/j from a table, so that no division waits on the one
    before) where ``pdtr`` costs some 80 ns. The sum's error (about 1e-14) is far below
    ``near_a_step``, so where neither the CDF at the answer nor the one below it comes
    that close to ``u`` the answer is the one ``pdtr`` gives; the rest (larger ``lam``,
    and a value within the band of a step, about one in a billion) are returned as
    ``unsure`` for ``pdtr`` to decide.
    """
    k = np.empty(u.shape[0])
    unsure = np.zeros(u.shape[0], np.bool_)
    most = int(summed_below) * 8  # terms summed at most: far past any quantile below it
    reciprocal = 1.0 / np.arange(1.0, most + 1.0)
    for i in range(u.shape[0]):
        if u[i] == 0.0:
            k[i] = -1.0
            continue
        if not lam[i] < summed_below:
            unsure[i] = True
            continue
        term = math.exp(-lam[i])
        cdf = term
        reach = u[i] - near_a_step
        j = 0
        while cdf < reach and j < most:
            term *= lam[i] * reciprocal[j]
            j += 1
            cdf += term
        k[i] = j
        if cdf - u[i] < near_a_step or cdf - term > reach:
            unsure[i] = True  # too near a step (or never reached) to tell without pdtr
    return k, unsure
