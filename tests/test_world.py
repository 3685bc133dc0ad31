"""Pieces of the resolve phase: checked against the library code they stand in for, and
free of coefficients that no scenario can set."""

from __future__ import annotations

import ast
import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import special
from scipy.stats import poisson

import sim.core.mechanisms
from sim.core import perception, resolver, setting
from sim.core.compiled import LARGE_BLOCK
from sim.core.mechanisms import SUBMODELS
from sim.core.poisson import SUMMED_BELOW, poisson_quantile, quantile_by_pdtr


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
    war = np.random.default_rng(5).uniform(0.0, 400.0, u.size)  # an offensive's massed fire
    assert np.array_equal(poisson_quantile(u, war), poisson.ppf(u, war))


def test_a_large_block_s_summed_quantiles_are_pdtr_s_even_on_a_step():
    """The summed CDF decides only clear of a step; on one, pdtr decides, as in a small block."""
    rng = np.random.default_rng(6)
    lam = rng.uniform(0.0, 1.5 * SUMMED_BELOW, 30_000)  # both sides of the summing's limit
    k = np.floor(rng.uniform(0.0, 1.0, lam.size) * (lam + 4 * np.sqrt(lam) + 2))
    on_a_step = special.pdtr(k, lam)
    u = np.concatenate([on_a_step, np.nextafter(on_a_step, 0.0), np.nextafter(on_a_step, 1.0)])
    lam = np.tile(lam, 3)
    keep = u < 1.0
    u, lam = u[keep], lam[keep]
    assert u.size > LARGE_BLOCK  # the compiled, summing path
    quantile = poisson_quantile(u, lam)
    assert np.array_equal(quantile, quantile_by_pdtr(u, lam))
    # The smallest k whose CDF reaches u (SciPy's ppf may be one lower, on a step).
    assert (special.pdtr(quantile, lam) >= u).all()
    assert (special.pdtr(quantile - 1.0, lam)[quantile > 0] < u[quantile > 0]).all()


def _numbers_in(code) -> set:
    tree = ast.parse(inspect.getsource(code))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    }


MECHANISM_CODE = [
    *sorted({inspect.getmodule(s.run) for s in SUBMODELS}, key=lambda m: m.__name__),
    sim.core.mechanisms,
    resolver,
    setting,
    perception.Perceiver,
]


@pytest.mark.parametrize("code", MECHANISM_CODE, ids=lambda c: c.__name__)
def test_every_coefficient_of_a_mechanism_is_a_named_parameter(code):
    # A rate, weight, threshold or cap written as a number in the resolve or perceive
    # phase is one `crisis-sim parameters`, sweeps and tests/test_parameters_matter.py
    # cannot see (issue 15 found 17): it belongs in Dynamics (sim/spec/dynamics.py).
    # Only identities are left: 0 and 1 (nothing, everything; a level's cap).
    assert _numbers_in(code) <= {0, 1}
