"""Pieces of the resolve phase checked against the library code they stand in for."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import poisson

from sim.core.world import poisson_quantile


@settings(max_examples=200, deadline=None)
@given(
    u=arrays(np.float64, 40, elements=st.floats(0.0, 1.0, exclude_max=True)),
    lam=arrays(np.float64, 40, elements=st.floats(0.0, 60.0)),
)
def test_poisson_quantile_is_scipy_s_ppf(u, lam):
    assert np.array_equal(poisson_quantile(u, lam), poisson.ppf(u, lam), equal_nan=True)


def test_poisson_quantile_on_the_draws_a_clash_makes():
    u = np.random.default_rng(3).random(200_000)
    u[:3] = [0.0, 2.0**-53, 1.0 - 2.0**-53]
    lam = np.random.default_rng(4).uniform(0.0, 8.0, u.size)
    assert np.array_equal(poisson_quantile(u, lam), poisson.ppf(u, lam))
