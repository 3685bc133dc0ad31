"""Public alarm presses the defending government's choices, and incidents read the line.

Issue 17 measured that with no rumours the baseline's outcome shares were the same to
the tenth of a point: only the ``rumour_driven`` policy read alarm. Now each defender
policy has parameters for how far alarm presses its appeal, its talks, its concessions
and the forces it sends; and incidents depend on entrenchment and alarm as well as on
who holds the line. Each is switched on here and must move what docs/model.md says.
"""

from __future__ import annotations

import pytest

from sim.core.model import CrisisModel, with_overrides
from sim.spec.loading import load_scenario

from conftest import SCENARIOS

WORLDS = 2000

pytestmark = pytest.mark.slow  # three to six ensembles of 2,000 worlds a test


@pytest.fixture(scope="module")
def scenarios():
    return {
        name: load_scenario(SCENARIOS / f"{name}.yaml").scenario
        for name in ("baseline-may-2021", "response-no-rumours")
    }


def _outcomes(scenario, **overrides):
    if overrides:
        scenario = with_overrides(scenario, overrides)
    return CrisisModel(scenario, worlds=WORLDS, seed=4).run().outcomes()


def _share(outcomes, outcome):
    return float((outcomes["outcome"] == outcome).mean())


def _rumours_effect(scenarios, outcome, **overrides) -> float:
    """How many points the baseline's rumours move ``outcome``'s share."""
    with_rumours = _outcomes(scenarios["baseline-may-2021"], **overrides)
    without = _outcomes(scenarios["response-no-rumours"], **overrides)
    return _share(with_rumours, outcome) - _share(without, outcome)


#: Alarm pressing on nothing: the model as it was before issue 17.
DEAF = {"actors.armenia.params.alarm_army_at": 1.0, "dynamics.incident_alarm_gain": 0.0}


def test_an_alarmed_public_that_demands_the_army_makes_rumours_matter(scenarios):
    assert abs(_rumours_effect(scenarios, "clash_contained", **DEAF)) < 0.01
    army_at = {**DEAF, "actors.armenia.params.alarm_army_at": 0.7}
    assert _rumours_effect(scenarios, "clash_contained", **army_at) > 0.15


def test_alarm_hurries_the_appeal_and_holds_back_talks(scenarios):
    baseline = scenarios["baseline-may-2021"]
    calm = _outcomes(baseline)
    hurried = _outcomes(baseline, **{"actors.armenia.params.alarm_appeal_gain": 1.0})
    braked = _outcomes(baseline, **{"actors.armenia.params.alarm_talks_brake": 1.0})
    assert hurried["appeal_day"].mean() < calm["appeal_day"].mean() - 0.1
    assert braked["talks_day"].mean() > calm["talks_day"].mean() + 0.1


def test_a_government_concedes_the_line_less_the_more_alarmed_its_public(scenarios):
    baseline = scenarios["baseline-may-2021"]
    concede = {"actors.armenia.params.concede_probability": 0.05}
    never = _outcomes(baseline)
    concedes = _outcomes(baseline, **concede)
    braked = _outcomes(baseline, **concede, **{"actors.armenia.params.alarm_concession_brake": 1.0})
    assert _share(concedes, "frozen_gain") > _share(never, "frozen_gain") + 0.1
    assert _share(braked, "frozen_gain") < _share(concedes, "frozen_gain") - 0.01


def test_incidents_are_likelier_where_units_dug_in_and_where_the_public_is_alarmed(scenarios):
    baseline = scenarios["baseline-may-2021"]
    plain = {"dynamics.incident_entrenched_multiplier": 1.0, "dynamics.incident_alarm_gain": 0.0}
    before = _share(_outcomes(baseline, **plain), "clash_contained")
    dug_in = _outcomes(baseline, **{**plain, "dynamics.incident_entrenched_multiplier": 5.0})
    assert _share(dug_in, "clash_contained") > before + 0.05
    alarmed = {**plain, "dynamics.incident_alarm_gain": 3.0}
    assert _share(_outcomes(baseline, **alarmed), "clash_contained") > before + 0.05
