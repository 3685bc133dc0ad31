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
from scipy.stats import poisson

import sim.core.mechanisms
from sim.core import perception, resolver, setting
from sim.core.mechanisms import SUBMODELS
from sim.core.poisson import poisson_quantile


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
