"""The column-by-column reductions give numpy's answers bit for bit (sim/core/rowwise.py)."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.core.compiled import LARGE_BLOCK, kernels_for
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
@example(np.array([[-0.0, -0.0], [-0.0, 2.0]]))  # numpy's sum starts from +0.0
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


def _large(a: np.ndarray) -> np.ndarray:
    """``a``'s rows repeated past LARGE_BLOCK, read-only and strided, as views come."""
    rows = LARGE_BLOCK // len(a) + 2
    big = np.tile(a, (rows, 2))[:, ::2]  # every other column: a strided view of a copy
    big.setflags(write=False)
    return big


@settings(max_examples=30, deadline=None)
@given(tables(np.float64, VALUES, max_columns=7))
@example(np.array([[-0.0]]))  # numpy's sum starts from +0.0: the sign of zero is lost
@example(np.array([[-0.0, -0.0, 1.5], [0.0, -0.0, -0.0]]))
def test_large_blocks_reduce_compiled_with_numpy_s_bits(a):
    big = _large(a)
    assert kernels_for(len(big)) is not None, "numba is a dependency: the kernels must load"
    assert row_sum(big).tobytes() == big.sum(axis=1).tobytes()
    assert np.array_equal(row_argmax(big), np.argmax(big, axis=1))
    assert row_argmax(big).dtype == np.int8


@settings(max_examples=20, deadline=None)
@given(tables(np.bool_, st.booleans()))
def test_large_boolean_blocks_match_numpy(a):
    big = _large(a)
    assert np.array_equal(row_any(big), big.any(axis=1))


def test_a_nan_stops_argmax_compiled_as_in_numpy_s_loop():
    a = np.tile(np.array([[1.0, np.nan, 5.0], [np.nan, 2.0, 3.0], [4.0, 4.0, 1.0]]), (2000, 1))
    assert len(a) > LARGE_BLOCK
    small = np.array([[1.0, np.nan, 5.0], [np.nan, 2.0, 3.0], [4.0, 4.0, 1.0]])
    assert np.array_equal(row_argmax(a)[:3], row_argmax(small))  # the numpy route
