"""CrisisModel runs under mesa.batch_run, one world per model, with identical worlds."""

from __future__ import annotations

import mesa
import pytest

from sim.catalogue.outcomes import OUTCOME_CLASSES
from sim.core.model import CrisisModel
from sim.errors import ScenarioError, UserError
from sim.run.ensemble import run_ensemble
from sim.spec.loading import load_scenario

from conftest import SCENARIOS

BASELINE = SCENARIOS / "baseline-may-2021.yaml"
#: Columns of a batch_run row that are bookkeeping, not the world's measures.
BOOKKEEPING = {"RunId", "iteration", "Step", "seed"}


def _batch(parameters: dict, **options) -> list[dict]:
    """Run mesa.batch_run quietly over CrisisModel to the scenario's horizon."""
    options = {"max_steps": 1000, "data_collection_period": -1, **options}
    return mesa.batch_run(CrisisModel, parameters=parameters, display_progress=False, **options)


def _measures(row: dict) -> dict:
    return {key: value for key, value in row.items() if key not in BOOKKEEPING}


def test_world_i_from_batch_run_equals_world_i_from_the_ensemble():
    scenario = load_scenario(BASELINE).scenario
    # Of the first 12 worlds of seed 777, worlds of each of their three classes: a
    # negotiated withdrawal (0, 9), a frozen gain (1) and a contained clash (7).
    worlds = [0, 1, 7, 9]
    rows = _batch({"scenario": [scenario], "first_world": worlds}, rng=[777])
    ensemble = run_ensemble(scenario, worlds=12, seed=777).outcomes
    assert len(rows) == len(worlds)
    assert set(ensemble.outcome.iloc[worlds]) == set(ensemble.outcome)
    for row in rows:
        expected = ensemble.iloc[row["first_world"]]
        shares = {o.name.lower(): row[f"share_{o.name.lower()}"] for o in OUTCOME_CLASSES}
        assert shares[expected.outcome] == 1.0 and sum(shares.values()) == 1.0
        assert row["outcome"] == expected.outcome  # the class by name, as in outcomes.parquet
        assert row["mean_depth_km"] == pytest.approx(expected.final_depth_km)
        assert row["seed"] == 777


def test_outcome_of_several_worlds_is_their_common_class_or_mixed():
    scenario = load_scenario(BASELINE).scenario
    model = CrisisModel(scenario, worlds=40, seed=777).run()
    reported = model.datacollector.get_model_vars_dataframe().outcome.iloc[-1]
    classes = set(model.outcomes().outcome)
    assert len(classes) > 1 and reported == "mixed"
    alone = CrisisModel(scenario, first_world=3, seed=777).run()
    reported = alone.datacollector.get_model_vars_dataframe().outcome.iloc[-1]
    assert reported == model.outcomes().outcome.iloc[3]


def test_seed_none_gives_distinct_worlds_each_repeatable_from_its_recorded_seed():
    rows = _batch({"scenario": [str(BASELINE)]}, rng=[None] * 3)
    seeds = [row["seed"] for row in rows]
    assert len(set(seeds)) == 3 and all(isinstance(seed, int) for seed in seeds)
    measures = [tuple(_measures(row).items()) for row in rows]
    assert len(set(measures)) == 3  # three worlds, not one world three times
    for row in rows:
        again = _batch({"scenario": [str(BASELINE)]}, rng=[row["seed"]])
        assert _measures(again[0]) == _measures(row) and again[0]["seed"] == row["seed"]


def test_iterations_draw_fresh_seeds_as_in_mesa():
    with pytest.warns(DeprecationWarning, match="iterations"):
        rows = _batch({"scenario": [str(BASELINE)]}, iterations=3, max_steps=2)
    assert len({row["seed"] for row in rows}) == 3


def test_seed_omitted_is_the_scenario_s_and_none_is_fresh_entropy():
    scenario = load_scenario(BASELINE).scenario
    assert CrisisModel(scenario).seed == scenario.seed
    fresh = {CrisisModel(scenario, seed=None).seed for _ in range(3)}
    assert len(fresh) == 3 and scenario.seed not in fresh
    assert all(0 <= seed < 2**63 for seed in fresh)
    assert CrisisModel(scenario, seed=5).seed == 5
    with pytest.raises(UserError, match="not a seed"):
        CrisisModel(scenario, seed=1.5)


def test_a_model_is_one_world_unless_asked_for_more():
    assert CrisisModel(BASELINE).n_worlds == 1
    assert CrisisModel(str(BASELINE), worlds=7).n_worlds == 7
    assert CrisisModel(BASELINE, worlds=None).n_worlds == load_scenario(BASELINE).scenario.worlds


def test_an_unwrapped_scenario_object_is_refused_with_what_to_do():
    scenario = load_scenario(BASELINE).scenario
    with pytest.raises(UserError, match=r'"scenario": \[scenario\]') as refused:
        _batch({"scenario": scenario}, rng=[1], max_steps=1)
    assert "path of its file" in str(refused.value)
    # wrapped in a list, or as a path (str or Path), it works
    for given in ([scenario], str(BASELINE), BASELINE):
        (row,) = _batch({"scenario": given}, rng=[1], max_steps=1)
        assert row["seed"] == 1


def test_overrides_sweep_scenario_fields():
    rows = _batch(
        {"scenario": [str(BASELINE)], "worlds": [300], "dynamics.advance_step_km": [0.2, 1.5]},
        rng=[1],
        max_steps=200,
    )
    slow, fast = sorted(rows, key=lambda r: r["dynamics.advance_step_km"])
    assert slow["mean_depth_km"] != fast["mean_depth_km"]


@pytest.mark.parametrize(
    ("given", "suggested"),
    [
        ("dynamics.advance_stepkm", "dynamics.advance_step_km"),  # a typo in the field
        ("dynamic.advance_step_km", "dynamics.advance_step_km"),  # a typo in the section
        ("horizon_dayz", "horizon_days"),  # a plain scenario field
        ("first_wrld", "first_world"),  # one of CrisisModel's own keywords
    ],
)
def test_an_unknown_parameter_gets_the_nearest_names(given, suggested):
    with pytest.raises(UserError, match=rf"(?i)did you mean {suggested}\b"):
        _batch({"scenario": [str(BASELINE)], given: [0.5]}, rng=[1], max_steps=1)


def test_bad_overrides_are_clear_errors():
    with pytest.raises(ScenarioError, match="advance_step_km"):
        CrisisModel(BASELINE, **{"dynamics.advance_step_km": -3})
    with pytest.raises(UserError, match=r"'nowhere\.thing' is not a parameter"):
        CrisisModel(BASELINE, **{"nowhere.thing": 1})
    # a parameter of a policy chosen alongside is judged by that policy, not called unknown
    switched = {"actors.russia.policy": "scripted", "actors.russia.params.timeline": "soon"}
    with pytest.raises(ScenarioError, match="timeline") as refused:
        CrisisModel(BASELINE, **switched)
    assert "is not a parameter" not in str(refused.value)
