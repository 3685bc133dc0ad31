"""World i has the same history however the ensemble was run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.core.model import CrisisModel
from sim.folders.results import outcome_hash, per_tick_tables
from sim.run.ensemble import run_ensemble
from sim.spec.loading import load_scenario

from conftest import SCENARIOS, make_scenario


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(SCENARIOS / "baseline-may-2021.yaml").scenario


@pytest.fixture(scope="module")
def large_batch(baseline):
    """The outcomes of 5,000 baseline worlds in one batch: above 4,096 worlds a block draws
    with the compiled kernels (sim.core.rng), alone a world draws with numpy."""
    return CrisisModel(baseline, worlds=5000).run().outcomes()


@pytest.mark.parametrize("world", [0, 17, 4217])
def test_a_world_alone_equals_the_same_world_in_a_large_batch(baseline, large_batch, world):
    batch = large_batch
    alone = CrisisModel(baseline, worlds=1, first_world=world).run().outcomes()
    pd.testing.assert_frame_equal(
        alone.reset_index(drop=True), batch.iloc[[world]].reset_index(drop=True)
    )


def test_a_block_that_records_nothing_has_the_same_worlds(baseline, large_batch):
    """Sets' blocks count no aggregates (record=False): the worlds are the batch's."""
    quiet = CrisisModel(baseline, worlds=5000, record=False)
    assert quiet.recorder is None
    pd.testing.assert_frame_equal(quiet.run().outcomes(), large_batch)


def test_every_world_of_the_exercise_alone_equals_it_in_the_batch(exercise_data):
    """In the exercise scenario every mechanism fires; check whole trajectories too."""
    scenario = make_scenario(exercise_data)
    batch = CrisisModel(scenario, worlds=40, sample_stride=1).run()
    for world in (0, 13, 39):
        alone = CrisisModel(scenario, worlds=1, first_world=world, sample_stride=1).run()
        pd.testing.assert_frame_equal(
            alone.outcomes().reset_index(drop=True),
            batch.outcomes().iloc[[world]].reset_index(drop=True),
        )
        sectors = list(scenario.sectors)
        mine = alone.recorder.trajectories(sectors, scenario.tick_hours)
        theirs = batch.recorder.trajectories(sectors, scenario.tick_hours)
        theirs = theirs[theirs["world"] == world].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, theirs)


@pytest.fixture(scope="module")
def exercise_whole(exercise_data):
    """The exercise's 120 worlds in one chunk, for each chunk size to be compared with."""
    scenario = make_scenario(exercise_data)
    return scenario, run_ensemble(scenario, worlds=120, chunk_size=10_000)


@pytest.mark.slow
@pytest.mark.parametrize("chunk_size", [1, 37, 10_000])
def test_chunk_size_changes_nothing(exercise_whole, chunk_size):
    scenario, whole = exercise_whole
    split = run_ensemble(scenario, worlds=120, chunk_size=chunk_size)
    assert outcome_hash(split.outcomes) == outcome_hash(whole.outcomes)
    tables_whole = per_tick_tables(whole.recorder, scenario.tick_hours)
    tables_split = per_tick_tables(split.recorder, scenario.tick_hours)
    for name in tables_whole:
        pd.testing.assert_frame_equal(tables_split[name], tables_whole[name])
    pd.testing.assert_frame_equal(
        split.recorder.trajectories(list(scenario.sectors), scenario.tick_hours),
        whole.recorder.trajectories(list(scenario.sectors), scenario.tick_hours),
    )


def test_seed_changes_the_worlds(baseline):
    a = CrisisModel(baseline, worlds=100, seed=1).run().outcomes()
    b = CrisisModel(baseline, worlds=100, seed=2).run().outcomes()
    assert outcome_hash(a) != outcome_hash(b)


def test_absorbed_worlds_stop_changing(exercise_data):
    scenario = make_scenario(exercise_data)
    model = CrisisModel(scenario, worlds=300)
    frozen_at: dict[int, tuple] = {}
    while model.running:
        model.step()
        ended = np.flatnonzero(~model.world.active)
        for world in ended:
            snapshot = (
                model.world.depth_km[world].copy(),
                model.world.alarm[world],
                model.world.casualties_defender[world],
                model.world.talks[world],
            )
            if world in frozen_at:
                before = frozen_at[world]
                assert np.array_equal(before[0], snapshot[0]) and before[1:] == snapshot[1:]
            else:
                frozen_at[world] = snapshot
    assert frozen_at, "the exercise scenario should absorb some worlds"


@pytest.mark.slow
def test_small_and_large_blocks_keep_the_same_numbers(baseline):
    # Blocks of at most 4,096 worlds draw a tick's streams together and count its measures
    # as one table (sim.core.rng, sim.run.record); larger blocks do both one by one. Chunks of
    # 1,000 and one chunk of 6,000 must agree on every world and every aggregate.
    large = run_ensemble(baseline, worlds=6000, chunk_size=6000)
    small = run_ensemble(baseline, worlds=6000, chunk_size=1000)
    assert outcome_hash(small.outcomes) == outcome_hash(large.outcomes)
    small_arrays, large_arrays = small.recorder.to_arrays(), large.recorder.to_arrays()
    assert small_arrays.keys() == large_arrays.keys()
    for key in ("histogram.depth_km", "sum.alarm", "min.cost_of_defiance", "category.rung"):
        assert key in small_arrays  # the aggregates the folder's tables are made of
    for key, values in large_arrays.items():
        if not key.startswith(("row.", "sampled")):  # chunks' own bookkeeping; see below
            assert np.array_equal(small_arrays[key], values), key
    sectors = list(baseline.sectors)
    pd.testing.assert_frame_equal(
        small.recorder.trajectories(sectors, baseline.tick_hours),
        large.recorder.trajectories(sectors, baseline.tick_hours),
    )
