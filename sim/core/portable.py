"""``exp`` and ``pow`` with the same bits on every processor.

numpy computes ``np.exp`` and ``np.power`` of doubles with its own vector code where the
processor has AVX-512 (SVML's and numpy's kernels, accurate to an ulp or so) and with
the C library's ``exp`` and ``pow`` elsewhere. The two disagree in the last bit of about
one value in twenty, so the same seed gave other fatigue, other incident chances and,
through them, other per-tick aggregates on an AVX-512 machine than on the one that
recorded ``tests/test_recorded_worlds.py`` (found in December 2026, when a session's
machine had AVX-512; ``NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL"`` made them agree).

Here both always come from the C library: through :mod:`math` for a small block, and
for a large one through compiled loops (:mod:`sim.core.kernels`) that call the same
functions, so a world is the same whichever processor ran it and however its block was
sized. Every transcendental function a submodel applies to world state goes through
this module (``tests/test_portable.py`` scans the model, the policies and the runs for numpy's).
"""

from __future__ import annotations

import math

import numpy as np

from sim.core.compiled import kernels_for


def exp(x: np.ndarray) -> np.ndarray:
    """Return ``e ** x`` elementwise, as the C library's ``exp`` gives it.

    Only the values that are not zero are computed (``exp(0)`` is 1, exactly): in most
    worlds of most crises nobody has fired, and their fatigue stays 1.
    """
    x = np.asarray(x, dtype=float)
    out = np.ones(x.shape)
    where = np.flatnonzero(x)
    if where.size:
        values = np.ascontiguousarray(x.ravel()[where])
        compiled = kernels_for(values.size)
        if compiled is not None:
            out.flat[where] = compiled.c_exp(values)
        else:
            out.flat[where] = np.fromiter(map(math.exp, values.tolist()), float, values.size)
    return out


def power(base: float | np.ndarray, exponent: float | np.ndarray) -> np.ndarray:
    """Return ``base ** exponent`` elementwise, as the C library's ``pow`` gives it.

    A scalar base is raised once to each distinct exponent (a count of ceasefires broken
    takes a handful of values) and the results are looked up: for counts, by the count
    itself (sorting 50,000 counts to find the distinct ones had cost 1.5 ms a tick).
    """
    base, exponent = np.asarray(base, dtype=float), np.asarray(exponent)
    if base.ndim == 0:
        if exponent.dtype.kind in "iu" and exponent.size and exponent.min() >= 0:
            distinct, index = np.arange(exponent.max() + 1), exponent  # counts: 0 .. max
        else:
            distinct, index = np.unique(exponent, return_inverse=True)
        table = np.array([math.pow(float(base), float(e)) for e in distinct.ravel()])
        return table[index].reshape(exponent.shape)
    base, exponent = np.broadcast_arrays(base, exponent.astype(float))
    shape = base.shape
    base, exponent = np.ascontiguousarray(base).ravel(), np.ascontiguousarray(exponent).ravel()
    compiled = kernels_for(base.size)
    if compiled is not None:
        return compiled.c_pow(base, exponent).reshape(shape)
    values = map(math.pow, base.tolist(), exponent.tolist())
    return np.fromiter(values, float, base.size).reshape(shape)
