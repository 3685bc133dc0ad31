"""The inverse CDF of the Poisson distribution, for the casualties' draws.

A numerical routine, not a mechanism: its numbers are arithmetic (a series' terms), not
coefficients of the model, so it lives outside ``sim/core/mechanisms/``, whose modules
a test keeps free of literals.
"""

from __future__ import annotations

import numpy as np

from sim.core.compiled import kernels_for

#: Below this mean a large block's quantiles are found by summing the CDF's terms
#: (:func:`sim.core.kernels.poisson_by_summing`): up to it the sum costs less than
#: ``pdtr`` (at 100, 103 against 208 ms a million; at 200 they are about even). An
#: offensive's heaviest tick in Karabakh 2020 has a mean of 64.
SUMMED_BELOW = 160.0

#: How close the CDF one below the guess, computed as a difference, may come to ``u``
#: before ``pdtr`` itself decides: far above the error of either (about 1e-14).
NEAR_A_STEP = 1e-9


def poisson_quantile(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Return ``scipy.stats.poisson.ppf(u, lam)`` for ``u`` in [0, 1) and ``lam >= 0``.

    A large block sums the CDF's terms where ``lam`` is small and the answer is clear
    of a step by :data:`NEAR_A_STEP` (:func:`sim.core.kernels.poisson_by_summing`), and
    leaves the rest to :func:`quantile_by_pdtr`; both give ``pdtr``'s answer, so the
    quantiles do not depend on the block's size (``tests/test_world.py``). The summing
    took the casualties' draws of a Karabakh 2020 set from more than half its violence
    (51 of 92 ms) to under a third (docs/performance.md).
    """
    compiled = kernels_for(u.size)
    if compiled is None:
        return quantile_by_pdtr(u, lam)
    k, unsure = compiled.poisson_by_summing(
        np.ascontiguousarray(u, dtype=float),
        np.ascontiguousarray(lam, dtype=float),
        SUMMED_BELOW,
        NEAR_A_STEP,
    )
    unsure = np.flatnonzero(unsure)
    if unsure.size:
        k[unsure] = quantile_by_pdtr(u[unsure], lam[unsure])
    return k


def quantile_by_pdtr(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Return ``scipy.stats.poisson.ppf(u, lam)`` for ``u`` in [0, 1) and ``lam >= 0``.

    The quantile is the smallest ``k >= 0`` whose CDF (SciPy's ``pdtr``) reaches ``u``;
    ``u == 0`` gives -1, as SciPy's does. SciPy finds it by inverting the CDF
    (``pdtrik``, an iterative root search) and stepping down once; here a Cornish-Fisher
    guess, ``lam + sqrt(lam) z + (z^2 - 1) / 6``, is corrected by comparing ``pdtr`` at
    the guess and its neighbour (the neighbour's as the CDF less one probability, and by
    ``pdtr`` only near a step). ``pdtr`` costs a fifteenth of ``pdtrik``, and at war the
    casualties' draws had been three quarters of a tick (bench/joint.py, Karabakh 2020).
    Both compare the same ``pdtr`` with ``u``, so they agree but where ``pdtrik``'s
    tolerance would put its answer one below the smallest such ``k``;
    ``tests/test_world.py`` checks them against each other.

    The probability of one step is numpy's ``exp``, whose last bit differs between
    processors (:mod:`sim.core.portable`); it decides only farther than
    :data:`NEAR_A_STEP` from ``u``, where a bit cannot, so the quantiles do not.
    """
    # Imported on first use: `crisis-sim validate` and the other light commands load this
    # module through the policies, and SciPy's special functions take 0.13 s to import.
    from scipy import special

    z = special.ndtri(u)  # -inf at u == 0
    with np.errstate(invalid="ignore"):  # 0 * -inf where lam == 0 and u == 0
        guess = lam + np.sqrt(lam) * z + (z * z - 1.0) / 6.0
    k = np.maximum(np.ceil(np.nan_to_num(guess, nan=0.0, posinf=0.0, neginf=0.0) - 0.5), 0.0)
    cdf = special.pdtr(k, lam)
    short = np.flatnonzero(cdf < u)
    while short.size:  # the CDF at k is still below u: one up
        k[short] += 1.0
        cdf[short] = special.pdtr(k[short], lam[short])
        short = short[cdf[short] < u[short]]
    # The CDF one below k is the CDF at k less k's probability. Where that difference is
    # clearly below u, k is the answer; only near the step is pdtr itself asked.
    over = np.flatnonzero(k > 0.0)
    mass = np.exp(special.xlogy(k[over], lam[over]) - lam[over] - special.gammaln(k[over] + 1.0))
    over = over[cdf[over] - mass >= u[over] - NEAR_A_STEP]
    over = over[special.pdtr(k[over] - 1.0, lam[over]) >= u[over]]
    while over.size:  # the CDF one below k already reaches u: one down
        k[over] -= 1.0
        over = over[k[over] > 0.0]
        over = over[special.pdtr(k[over] - 1.0, lam[over]) >= u[over]]
    k[u == 0] = -1.0
    return k
