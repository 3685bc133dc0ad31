"""The EMA Workbench adapter: the scenario's declared ranges as an exploratory model."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from sim.errors import UserError
from sim.experiments.ema import ema_model, ema_name, path_of
from sim.experiments.sweep import evaluate_point
from sim.spec.loading import load_scenario

from conftest import SCENARIOS

MEASURES = ["p_frozen_gain", "p_negotiated_withdrawal", "mean_max_rung"]

pytestmark = pytest.mark.slow  # EMA alone takes two seconds to import


def _ema():
    """EMA, imported when a test needs it rather than when the module is collected.

    It takes a second or more to import, which every run of the suite paid, even one
    that deselects these tests (make quick, and each worker of a parallel run).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "ipyparallel not installed"
        import ema_workbench
    return ema_workbench


def _perform(model, **options):
    """EMA's perform_experiments, one experiment after another in this process."""
    ema = _ema()
    return ema.perform_experiments(model, evaluator=ema.SequentialEvaluator(model), **options)


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
    experiments, outcomes = _perform(model, scenarios=2, policies=2)
    assert len(experiments) == 4
    paths = list(baseline.uncertainties) + list(baseline.levers)
    names = [ema_name(path) for path in paths]
    for row, experiment in enumerate(experiments[names].to_dict(orient="records")):
        overrides = {path_of(name): value for name, value in experiment.items()}
        alone = evaluate_point(baseline, overrides, worlds=80, seed=baseline.seed)
        assert {m: outcomes[m][row] for m in MEASURES} == {m: alone[m] for m in MEASURES}
    # The two policies differ (a protector Russia and the army at Sev Lake, or not).
    rungs = experiments.assign(rung=outcomes["mean_max_rung"])
    by_policy = rungs.groupby("policy", observed=True)["rung"]
    assert by_policy.mean().nunique() == 2


def test_a_scenario_with_nothing_declared_is_refused():
    scripted = load_scenario(SCENARIOS / "scripted-may-2021.yaml").scenario
    with pytest.raises(UserError, match="declares no uncertainties or levers"):
        ema_model(scripted)


def test_an_unknown_measure_is_refused(baseline):
    with pytest.raises(UserError, match="Unknown measure p_peace"):
        ema_model(baseline, measures=["p_peace"])


@pytest.fixture(scope="module")
def discovery(baseline):
    """Experiments over the baseline's uncertainties and levers, seeded, through the adapter."""
    model = ema_model(baseline, worlds=30, measures=MEASURES)
    experiments, outcomes = _perform(
        model,
        scenarios=12,
        policies=4,
        uncertainty_sampling_kwargs={"rng": 1},
        lever_sampling_kwargs={"rng": 2},
    )
    return experiments.drop(columns=["scenario", "policy", "model"]), outcomes


# EMA 3.0 writes a lever's options into a float table: pandas 2 warns, pandas 3 refuses
# (hence the ema extra's pandas<3).
@pytest.mark.filterwarnings("ignore:Setting an item of incompatible dtype:FutureWarning")
def test_prim_inspects_a_box_that_restricts_a_lever(discovery, baseline):
    import matplotlib

    matplotlib.use("Agg")
    from ema_workbench.analysis import prim

    x, outcomes = discovery
    high_rung = outcomes["mean_max_rung"] > np.median(outcomes["mean_max_rung"])
    box = prim.Prim(x, high_rung).find_box()
    limits = box.box_lims[box._cur_box]
    restricted = {
        path_of(name): limits[name][0]
        for name in (ema_name(path) for path in baseline.levers)
        if len(limits[name][0]) < len(baseline.levers[path_of(name)])
    }
    assert restricted, "the box should restrict at least one lever"
    stats, table = box.inspect(style="data")[0]
    for path, options in restricted.items():
        row = table.loc[ema_name(path)]
        assert set(row.iloc[0]) == set(options) == set(row.iloc[1])
    box.inspect()  # the table an analyst prints
    box.inspect(style="graph")
    box.show_tradeoff()
    assert 0 < stats["coverage"] <= 1 and 0 < stats["density"] <= 1


def test_cart_and_feature_scoring_read_the_levers(discovery, baseline):
    from ema_workbench.analysis import cart, feature_scoring

    x, outcomes = discovery
    high_rung = outcomes["mean_max_rung"] > np.median(outcomes["mean_max_rung"])
    tree = cart.CART(x, high_rung)
    tree.build_tree()
    assert tree.boxes and len(tree.stats) == len(tree.boxes)
    scores = feature_scoring.get_feature_scores_all(x, outcomes)
    # A lever (Armenia's policy, or the army at Sev Lake) drives the highest rung.
    assert scores["mean_max_rung"].idxmax() in {ema_name(path) for path in baseline.levers}


def test_a_lever_value_outside_its_options_is_refused(baseline):
    model = ema_model(baseline, worlds=10, measures=MEASURES)
    odd = _ema().Sample(
        "odd",
        actors__russia__policy="gatekeeper",  # a real policy, but not among the lever's options
        actors__armenia__policy="restraint",
        sectors__sev_lake__defender_force="army",
    )
    from ema_workbench.util.ema_exceptions import EMAError  # a BaseException, in EMA 3.0

    with pytest.raises(EMAError) as caught:
        _perform(model, scenarios=1, policies=[odd])
    assert "UserError: EMA experiment: lever actors__russia__policy" in str(caught.value)
    assert "= 'gatekeeper' is not one of its options (broker, protector)" in str(caught.value)


def test_the_block_evaluator_gives_each_experiment_its_ensemble_alone(baseline):
    from sim.experiments.ema_blocks import BlockEvaluator
    from sim.run.engine import Processes

    model = ema_model(baseline, worlds=60, measures=MEASURES)
    options = dict(
        scenarios=6,
        policies=2,
        uncertainty_sampling_kwargs={"rng": 1},
        lever_sampling_kwargs={"rng": 2},
    )
    experiments, one_by_one = _perform(model, **options)
    with BlockEvaluator(model, engine=Processes(workers=2)) as evaluator:
        blocked, together = _ema().perform_experiments(model, evaluator=evaluator, **options)
    assert model.function._prepared == {}  # every prepared experiment was asked for
    names = [ema_name(path) for path in [*baseline.uncertainties, *baseline.levers]]
    assert blocked[names].equals(experiments[names])  # EMA numbers its samples anew
    for measure in MEASURES:
        assert np.array_equal(together[measure], one_by_one[measure]), measure


def test_the_block_evaluator_refuses_a_lever_value_before_any_world_runs(baseline):
    from sim.experiments.ema_blocks import BlockEvaluator

    model = ema_model(baseline, worlds=10, measures=MEASURES)
    odd = _ema().Sample(
        "odd",
        actors__russia__policy="gatekeeper",
        actors__armenia__policy="restraint",
        sectors__sev_lake__defender_force="army",
    )
    with pytest.raises(UserError, match="lever actors__russia__policy"):
        _ema().perform_experiments(
            model, scenarios=1, policies=[odd], evaluator=BlockEvaluator(model)
        )
