"""Counter-based draws: a pure function of (seed, stream, tick, world, slot)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sim.core.rng import CounterRNG, stream_id


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**63 - 1),
    world=st.integers(0, 10**7),
    tick=st.integers(0, 10**4),
    stream=st.text(min_size=1, max_size=20),
)
def test_a_world_alone_draws_what_it_draws_in_a_batch(seed, world, tick, stream):
    batch = np.arange(max(0, world - 50), world + 50)
    alone = CounterRNG(seed, np.array([world])).uniform(stream, tick)
    among = CounterRNG(seed, batch).uniform(stream, tick)[batch == world]
    assert alone[0] == among[0]
    slots_alone = CounterRNG(seed, np.array([world])).uniform(stream, tick, slots=3)
    slots_among = CounterRNG(seed, batch).uniform(stream, tick, slots=3)[batch == world]
    assert np.array_equal(slots_alone, slots_among)


def test_uniforms_are_uniform_and_independent():
    draws = CounterRNG(42, np.arange(200_000)).uniform("test", 3)
    assert draws.min() >= 0.0 and draws.max() < 1.0
    assert stats.kstest(draws, "uniform").pvalue > 1e-4
    assert abs(np.corrcoef(draws[:-1], draws[1:])[0, 1]) < 0.01
    other_tick = CounterRNG(42, np.arange(200_000)).uniform("test", 4)
    other_stream = CounterRNG(42, np.arange(200_000)).uniform("other", 3)
    other_seed = CounterRNG(43, np.arange(200_000)).uniform("test", 3)
    for other in (other_tick, other_stream, other_seed):
        assert abs(np.corrcoef(draws, other)[0, 1]) < 0.01
    slots = CounterRNG(42, np.arange(50_000)).uniform("test", 3, slots=4)
    assert abs(np.corrcoef(slots[:, 0], slots[:, 1])[0, 1]) < 0.02


def test_drawing_other_streams_changes_nothing():
    # Streams are numbered by a hash of their name, not by order of first use, so a new
    # stream (a new policy, a new mechanism) never shifts the numbers of another.
    fresh = CounterRNG(5, np.arange(100)).uniform("rumour", 9)
    busy = CounterRNG(5, np.arange(100))
    for name in ("incident", "talks", "policy.russia.choice"):
        busy.uniform(name, 9)
    assert np.array_equal(busy.uniform("rumour", 9), fresh)
    assert stream_id("rumour") != stream_id("rumours")


def test_seed_out_of_range_is_refused():
    import pytest

    with pytest.raises(ValueError, match="seed"):
        CounterRNG(-1, np.arange(3))


@settings(max_examples=60, deadline=None)
@given(
    calls=st.lists(
        st.tuples(
            st.integers(0, 5),  # 0-2: the next tick; 3-4: the same tick; 5: one tick back
            st.sampled_from(["incident", "talks", "policy.russia.choice", "rumour"]),
            st.sampled_from([None, 1, 3]),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_drawing_a_tick_s_streams_together_gives_each_stream_s_own_numbers(calls):
    # Small blocks draw the streams the last tick drew in one pass when a tick begins;
    # every call must still get exactly what drawing it alone gives: foreseen or not,
    # asked twice in a tick, with slots, or for a past tick (a narrated replay).
    worlds = np.arange(40, 77)
    together = CounterRNG(9, worlds, batch=True)
    alone = CounterRNG(9, worlds, batch=False)
    tick = 0
    for step, stream, slots in calls:
        tick = max(0, tick - 1) if step == 5 else tick + (step <= 2)
        got = together.uniform(stream, tick, slots)
        expected = alone.uniform(stream, tick, slots)
        assert got.shape == expected.shape and np.array_equal(got, expected)
        got[...] = -1.0  # a caller may write into its draws: no other draw changes


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**64 - 1),
    first=st.integers(0, 10**9),
    tick=st.integers(0, 10**4),
    slots=st.one_of(st.none(), st.integers(1, 7)),
)
def test_compiled_draws_are_numpy_s_numbers_bit_for_bit(seed, first, tick, slots):
    # A large block draws with sim.core.kernels (numba), a small one with numpy:
    # a world must see the same numbers in both, or its history would depend on its block.
    worlds = np.arange(first, first + 300)
    compiled = CounterRNG(seed, worlds, batch=False)
    assert compiled._kernels is not None, "numba is a dependency: the kernels must load"
    numpy_only = CounterRNG(seed, worlds, batch=False, compiled=False)
    mine = compiled.uniform("policy.azerbaijan.advance", tick, slots)
    theirs = numpy_only.uniform("policy.azerbaijan.advance", tick, slots)
    assert mine.shape == theirs.shape  # and laid out alike: slot-major, as reductions expect
    assert (mine.flags.c_contiguous, mine.flags.f_contiguous) == (
        theirs.flags.c_contiguous,
        theirs.flags.f_contiguous,
    )
    assert np.array_equal(mine, theirs)


def test_a_large_block_draws_compiled_and_a_small_one_does_not():
    assert CounterRNG(1, np.arange(100_000))._kernels is not None
    assert CounterRNG(1, np.arange(100))._kernels is None  # no numba import for a small run
