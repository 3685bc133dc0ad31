"""CrisisModel runs under mesa.batch_run, one world per model, with identical worlds."""

from __future__ import annotations

import mesa
import pytest

from sim.ensemble import run_ensemble
from sim.errors import ScenarioError, UserError
from sim.model import CrisisModel
from sim.scenario import load_scenario
from sim.world import OUTCOME_CLASSES

from conftest import SCENARIOS

BASELINE = SCENARIOS / "baseline-may-2021.yaml"


def test_world_i_from_batch_run_equals_world_i_from_the_ensemble():
    scenario = load_scenario(BASELINE).scenario
    worlds = 12
    rows = mesa.batch_run(
        CrisisModel,
        parameters={"scenario": [scenario], "worlds": [1], "first_world": range(worlds)},
        rng=[777],
        max_steps=scenario.ticks,
        data_collection_period=-1,
        display_progress=False,
    )
    ensemble = run_ensemble(scenario, worlds=worlds, seed=777).outcomes
    assert len(rows) == worlds
    for row in rows:
        expected = ensemble.iloc[row["first_world"]]
        shares = {o.name.lower(): row[f"share_{o.name.lower()}"] for o in OUTCOME_CLASSES}
        assert shares[expected.outcome] == 1.0 and sum(shares.values()) == 1.0
        assert row["mean_depth_km"] == pytest.approx(expected.final_depth_km)


def test_overrides_sweep_scenario_fields():
    rows = mesa.batch_run(
        CrisisModel,
        parameters={
            "scenario": [str(BASELINE)],
            "worlds": [300],
            "dynamics.advance_step_km": [0.2, 1.5],
        },
        rng=[1],
        max_steps=200,
        data_collection_period=-1,
        display_progress=False,
    )
    slow, fast = sorted(rows, key=lambda r: r["dynamics.advance_step_km"])
    assert slow["mean_depth_km"] != fast["mean_depth_km"]


def test_bad_overrides_are_clear_errors():
    with pytest.raises(ScenarioError, match="advance_step_km"):
        CrisisModel(BASELINE, worlds=1, **{"dynamics.advance_step_km": -3})
    with pytest.raises(UserError, match="not a section"):
        CrisisModel(BASELINE, worlds=1, **{"nowhere.thing": 1})
