"""The EMA Workbench adapter: the scenario's declared ranges as an exploratory model."""

from __future__ import annotations

import warnings

import pytest

from sim.analysis.ema import ema_model, ema_name, path_of
from sim.analysis.sweep import evaluate_point
from sim.errors import UserError
from sim.scenario import load_scenario

from conftest import SCENARIOS

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # "ipyparallel not installed"
    from ema_workbench import SequentialEvaluator, perform_experiments

MEASURES = ["p_frozen_gain", "p_negotiated_withdrawal", "mean_max_rung"]


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(SCENARIOS / "baseline-may-2021.yaml").scenario


def test_uncertainties_levers_and_outcomes_come_from_the_scenario(baseline):
    model = ema_model(baseline, worlds=10, measures=MEASURES)
    uncertainties = {path_of(u.name): (u.lower_bound, u.upper_bound) for u in model.uncertainties}
    assert uncertainties == {path: tuple(r) for path, r in baseline.uncertainties.items()}
    assert all(u.name.isidentifier() for u in [*model.uncertainties, *model.levers])
    levers = {path_of(lever.name): [c.value for c in lever.categories] for lever in model.levers}
    assert levers == baseline.levers
    assert [o.name for o in model.outcomes] == MEASURES


def test_experiments_equal_the_sweeps_points(baseline):
    model = ema_model(baseline, worlds=80, measures=MEASURES)
    experiments, outcomes = perform_experiments(
        model, scenarios=2, policies=2, evaluator=SequentialEvaluator(model)
    )
    assert len(experiments) == 4
    paths = list(baseline.uncertainties) + list(baseline.levers)
    names = [ema_name(path) for path in paths]
    for row, experiment in enumerate(experiments[names].to_dict(orient="records")):
        overrides = {path_of(name): value for name, value in experiment.items()}
        alone = evaluate_point(baseline, overrides, worlds=80, seed=baseline.seed)
        assert {m: outcomes[m][row] for m in MEASURES} == {m: alone[m] for m in MEASURES}
    # The two policies differ (a protector Russia and the army at Sev Lake, or not).
    by_policy = experiments.assign(rung=outcomes["mean_max_rung"]).groupby("policy")["rung"]
    assert by_policy.mean().nunique() == 2


def test_a_scenario_with_nothing_declared_is_refused():
    scripted = load_scenario(SCENARIOS / "scripted-may-2021.yaml").scenario
    with pytest.raises(UserError, match="declares no uncertainties or levers"):
        ema_model(scripted)


def test_an_unknown_measure_is_refused(baseline):
    with pytest.raises(UserError, match="Unknown measure p_peace"):
        ema_model(baseline, measures=["p_peace"])
