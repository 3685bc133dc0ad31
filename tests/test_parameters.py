"""The parameter catalogue (sim/spec/parameters.py) and scenarios' declared ranges."""

from __future__ import annotations

import pytest
from test_scenario_errors import MINIMAL, only, problems, write

from sim.core.model import with_overrides
from sim.errors import UserError
from sim.spec.loading import load_scenario
from sim.spec.parameters import CATEGORY, INTEGER, REAL, parameter, scenario_parameters

from conftest import SCENARIOS


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(SCENARIOS / "baseline-may-2021.yaml").scenario


def test_the_catalogue_has_the_schema_and_the_policies_bounds(baseline):
    found = scenario_parameters(baseline)
    step = found["dynamics.advance_step_km"]
    assert (step.kind, step.low, step.low_open, step.high, step.high_open) == (
        REAL,
        0.0,
        True,
        5.0,
        False,
    )
    assert found["perception.defender_lag_ticks"].kind == INTEGER
    assert found["sectors.sev_lake.defender_force"].options == (
        "none",
        "border_guards",
        "army",
        "army_and_border_guards",
    )
    russia = found["actors.russia.policy"]
    assert russia.kind == CATEGORY and "protector" in russia.options
    assert "scripted" not in russia.options  # needs moves written out: not a sweep choice
    # Policy parameters come from the policy the scenario names, with its bounds.
    assert found["actors.azerbaijan.params.halt_cost"].value == pytest.approx(0.35)
    assert "actors.third_parties.france.params.demand_depth_km" in found
    assert "seed" not in found and "worlds" not in found


def test_every_value_in_every_shipped_scenario_is_admitted_by_its_own_bounds():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = load_scenario(path).scenario
        for found in scenario_parameters(scenario).values():
            assert found.admits(found.value), (path.name, found.path, found.value)


def test_bounds_are_checked_as_the_schema_would(baseline):
    step = parameter(baseline, "dynamics.advance_step_km")
    assert not step.admits(0.0)  # gt=0
    assert step.admits(5.0) and not step.admits(5.01)
    assert not step.admits(float("nan")) and not step.admits(True)
    lag = parameter(baseline, "perception.defender_lag_ticks")
    assert lag.admits(3) and not lag.admits(2.5)
    with pytest.raises(UserError, match=r"outside what dynamics\.advance_step_km accepts"):
        step.check(7, "--param")


def test_an_unknown_path_says_did_you_mean(baseline):
    with pytest.raises(UserError, match=r"Did you mean dynamics\.advance_step_km"):
        parameter(baseline, "dynamics.advance_stp_km")


def test_a_new_policy_drops_the_old_ones_parameters(baseline):
    scenario = with_overrides(baseline, {"actors.third_parties.france.policy": "backer"})
    assert scenario.actors.third_parties["france"].params == {}
    scenario = with_overrides(
        baseline,
        {
            "actors.third_parties.france.params.response_probability": 0.2,
            "actors.third_parties.france.policy": "backer",
        },
    )
    assert scenario.actors.third_parties["france"].params == {"response_probability": 0.2}


DECLARED = """\
uncertainties:
  dynamics.advance_step_km: [0.3, 1.2]
  actors.azerbaijan.params.halt_cost: [0.1, 1.0]
levers:
  actors.russia.policy: [broker, protector]
  sectors.lake.defender_force: [border_guards, army]
"""


def test_declared_ranges_load(tmp_path):
    scenario = load_scenario(write(tmp_path, MINIMAL + DECLARED)).scenario
    assert scenario.uncertainties["dynamics.advance_step_km"] == (0.3, 1.2)
    assert scenario.levers["actors.russia.policy"] == ["broker", "protector"]


@pytest.mark.parametrize(
    ("edit", "line", "message", "fix"),
    [
        (("advance_step_km:", "advance_stp_km:"), 17, "is not a parameter", "advance_step_km"),
        (("[0.3, 1.2]", "[0.3, 7.0]"), 17, "7.0 is outside", "(0, 5]"),
        (("[0.3, 1.2]", "[1.2, 0.3]"), 17, "low < high", ""),
        (("[broker, protector]", "[broker, guardian]"), 20, "'guardian' is outside", "protector"),
        (("sectors.lake.defender_force:", "sectors.lake.ambiguity:"), 21, "outside", "[0, 1]"),
    ],
)
def test_declared_range_problems_name_line_and_fix(tmp_path, edit, line, message, fix):
    problem = only(write(tmp_path, MINIMAL + DECLARED.replace(*edit)))
    assert problem.line == line, str(problem)
    assert message in str(problem)
    assert fix in problem.hint or fix in problem.message


def test_a_switch_is_not_a_range(tmp_path):
    text = MINIMAL + "uncertainties:\n  sectors.lake.defender_force: [0, 1]\n"
    found = problems(write(tmp_path, text))
    assert "not a range" in str(found[0]) and "levers" in found[0].hint
