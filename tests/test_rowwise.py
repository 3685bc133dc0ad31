"""The column-by-column reductions give numpy's answers bit for bit (sim/core/rowwise.py)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.core.rowwise import row_all, row_any, row_argmax, row_count, row_sum

# Depths, weights and scores as the model makes them: finite, with ties and -inf masks.
VALUES = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
    st.sampled_from([0.0, 0.5, 3.5, -np.inf]),
)


def tables(dtype, elements, max_columns=10):
    shapes = st.tuples(st.integers(1, 40), st.integers(1, max_columns))
    return shapes.flatmap(lambda shape: arrays(dtype, shape, elements=elements))


@given(tables(np.float64, st.floats(0, 1e6, allow_nan=False, allow_subnormal=False)))
def test_row_sum_is_numpys_sum_bit_for_bit(a):
    assert row_sum(a).tobytes() == a.sum(axis=1).tobytes()


def test_row_sum_adds_left_to_right_like_numpy_where_order_matters():
    # (1e16 + 1) + 1 == 1e16, but 1e16 + (1 + 1) != 1e16: the order is visible.
    a = np.array([[1e16, 1.0, 1.0]])
    assert row_sum(a)[0] == a.sum(axis=1)[0] == 1e16


@given(tables(np.float64, VALUES))
def test_row_argmax_is_numpys_first_maximum(a):
    assert np.array_equal(row_argmax(a), np.argmax(a, axis=1))


@given(tables(np.bool_, st.booleans()))
def test_row_any_all_and_count_match_numpy(a):
    assert np.array_equal(row_any(a), a.any(axis=1))
    assert np.array_equal(row_all(a), a.all(axis=1))
    assert np.array_equal(row_count(a), a.sum(axis=1))
    assert np.array_equal(2 * row_count(a) > a.shape[1], a.mean(axis=1) > 0.5)
