"""Fighting that culminates: a clash is not a war (docs/model.md, sections 7.4, 7.5, 7.11).

Each effect on a small hand-built world state with known draws, checked exactly after
one tick or a few: a heavy clash that a ceasefire ends is a contained clash while the
same clash with no broker runs on past the war line; fatigue wears a clash down;
pressure raises the odds of a ceasefire; each broken ceasefire quiets the next; an
assault breaks through and costs more; an attacker with limited aims stops once its
objectives are taken.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_mechanisms import WORLDS, _facts, _sector, _setting

from sim.catalogue.outcomes import Outcome
from sim.core.actions import Action
from sim.core.mechanisms.ceasefire import ceasefire
from sim.core.mechanisms.culmination import culmination, pressed
from sim.core.mechanisms.decay import decay
from sim.core.mechanisms.ground import ground
from sim.core.mechanisms.outcomes import classify_at_horizon, outcomes
from sim.core.mechanisms.violence import incident_probability, violence
from sim.core.model import CrisisModel
from sim.core.world import NEVER, WorldState
from sim.spec.loading import load_scenario

from conftest import ROOT, make_scenario


@pytest.fixture
def scenario(exercise_data):
    return make_scenario(exercise_data)


FIGHTING = (decay, violence, culmination, ceasefire, outcomes)
MEDIAN = [0.5] * WORLDS  # every casualty draw at the median


def _known(scenario):
    """The exercise's setting with every casualty draw at the median."""
    return _setting(
        scenario, killed__am=MEDIAN, wounded__am=MEDIAN, killed__az=MEDIAN, wounded__az=MEDIAN
    )


def test_a_heavy_clash_with_a_ceasefire_ends_contained_and_without_a_broker_runs_to_war(
    scenario,
):
    setting = _known(scenario)
    w = WorldState.initial(scenario, WORLDS)
    w.clash_intensity[:] = 1.0
    w.first_shot_tick[:] = 0
    w.ceasefire_offer_tick[:] = [0, NEVER, NEVER]  # a broker's offer, open in world 0 only
    w.attacker_accepts[:] = [True, False, False]
    assault, fire, hold = Action.ASSAULT, Action.DEFENDER_FIRE, Action.HOLD
    ticks = 0
    while w.war_tick[1] == NEVER and ticks < 400:
        ticks += 1
        # World 0: the defender accepts on the first tick, then both hold. Worlds 1 and 2:
        # an offensive every tick and fire in reply; world 2 has no fire in reply.
        defender = [Action.ACCEPT_CEASEFIRE if ticks == 1 else hold, fire, hold]
        facts = _facts(
            w, setting, tick=ticks, attacker=([hold, assault, assault], 0), defender=(defender, -1)
        )
        for submodel in FIGHTING:
            submodel(w, facts, setting)
    assert w.ceasefire[0] and w.clash_intensity[0] == 0.0 and w.war_tick[0] == NEVER
    assert w.killed[1] >= scenario.thresholds.war_battle_deaths and w.war_tick[1] == ticks
    classify_at_horizon(w, setting, tick=ticks)
    assert w.outcome[0] == Outcome.CLASH_CONTAINED and w.outcome[1] == Outcome.WAR


def test_fatigue_wears_a_clash_down_with_its_days_and_its_dead(scenario):
    setting = _known(scenario)
    w = WorldState.initial(scenario, WORLDS)
    w.clash_intensity[:] = 0.5
    w.combat_ticks[:] = [0, 20, 20]
    w.killed_defender[:] = [0, 0, 300]
    facts = _facts(w, setting)
    culmination(w, facts, setting)
    d, days = scenario.dynamics, 21 / scenario.ticks_per_day
    assert w.combat_ticks.tolist() == [1, 21, 21]
    expected = [
        math.exp(-d.fatigue_per_combat_day / scenario.ticks_per_day),
        math.exp(-d.fatigue_per_combat_day * days),
        math.exp(-(d.fatigue_per_combat_day * days + d.fatigue_per_killed * 300)),
    ]
    assert w.fatigue.tolist() == pytest.approx(expected, rel=1e-12)
    decay(w, _facts(w, setting), setting)
    assert w.clash_intensity.tolist() == pytest.approx(
        [0.5 * d.clash_persistence * f for f in expected], rel=1e-12
    )
    assert w.clash_intensity[0] > w.clash_intensity[1] > w.clash_intensity[2]


def test_pressure_rises_with_the_killed_and_attention_and_raises_the_odds(scenario):
    setting = _known(scenario)
    w = WorldState.initial(scenario, WORLDS)
    w.killed_attacker[:] = [0, 100, 100]
    w.attention[:] = [0.0, 0.0, 0.5]
    culmination(w, _facts(w, setting), setting)
    d = scenario.dynamics
    assert w.ceasefire_pressure.tolist() == pytest.approx(
        [
            0.0,
            100 * d.ceasefire_pressure_per_killed,
            100 * d.ceasefire_pressure_per_killed + 0.5 * d.ceasefire_pressure_per_attention,
        ]
    )
    assert pressed(0.2, np.array([1.0]))[0] == pytest.approx(0.2 * 2 / 1.2)
    assert pressed(0.0, np.array([5.0]))[0] == 0.0  # a broker that never offers does not
    assert pressed(1.0, np.array([5.0]))[0] == 1.0
    assert pressed(0.3, np.zeros(1))[0] == 0.3  # no pressure: the chance to the bit


def test_each_broken_ceasefire_quiets_the_next(scenario):
    setting = _known(scenario)
    heights = _sector(scenario, "heights")
    w = WorldState.initial(scenario, WORLDS)
    w.depth_km[:, heights] = 0.5
    w.ceasefire[:] = True
    w.ceasefires_broken[:] = [0, 1, 2]
    p = incident_probability(w, setting, w.depth_km > 0)[:, heights]
    settling = scenario.dynamics.ceasefire_settling
    assert p.tolist() == pytest.approx([p[0], p[0] * settling, p[0] * settling**2])
    assert p[0] > 0


def test_an_assault_breaks_through_and_costs_more_than_a_step(scenario):
    setting = _known(scenario)
    heights = _sector(scenario, "heights")  # held by the army
    w = WorldState.initial(scenario, WORLDS)
    moves = [Action.ADVANCE, Action.ASSAULT, Action.HOLD]
    facts = _facts(w, setting, attacker=(moves, heights))
    ground(w, facts, setting)
    d = scenario.dynamics
    step, army = d.advance_step_km, d.resistance_army
    assert w.depth_km[:, heights].tolist() == pytest.approx(
        [step * (1 - army), step * (1 - army * (1 - d.assault_breakthrough)), 0.0]
    )
    w.clash_intensity[:] = 0.5
    violence(w, facts, setting)
    assert w.killed_defender[1] > w.killed_defender[0]


def test_an_attacker_with_limited_aims_stops_once_its_objectives_are_taken():
    scenario = load_scenario(ROOT / "scenarios/cases/karabakh-april-2016/scenario.yaml").scenario
    model = CrisisModel(scenario, worlds=60, seed=3)
    attacker = model.actors["azerbaijan"]
    met_seen = pushed_after = 0
    while model.running:
        view = model.perceiver.attacker(model.world, model.tick)
        met = attacker.policy.aims_met(view)
        model.step()
        action = attacker.last_decision.action
        met_seen += int(met.sum())
        pushed_after += int((met & np.isin(action, [Action.ADVANCE, Action.ASSAULT])).sum())
    assert met_seen > 0 and pushed_after == 0
    # Its objectives only: the centre of the line, which it does not seek, is never entered.
    centre = list(scenario.sectors).index("martuni")
    assert (model.world.depth_km[:, centre] == 0).all()


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        (
            "extends: {root}/scenarios/baseline-may-2021.yaml\nthresholds:\n"
            "  war_intensity: 0.01\n",
            2,
            "at or below the clash line",
        ),
        (
            "extends: {root}/scenarios/baseline-may-2021.yaml\nthresholds:\n"
            "  war_battle_deaths: -5\n",
            3,
            "greater than or equal to 1",
        ),
        (
            "extends: {root}/scenarios/cases/karabakh-april-2016/scenario.yaml\nactors:\n"
            "  attacker:\n    params:\n      objectives: [lele_tepe, the_moon]\n",
            5,
            "objective 'the_moon' is not a sector of this scenario",
        ),
    ],
    ids=["war-line-below-the-clash-line", "negative-war-line", "objective-not-a-sector"],
)
def test_bad_war_lines_and_objectives_are_refused_with_the_line(tmp_path, text, line, says):
    from conftest import run_main

    file = tmp_path / "bad.yaml"
    file.write_text(text.format(root=ROOT), encoding="utf-8")
    result = run_main(tmp_path, "validate", file)
    assert result.returncode == 2
    assert f"bad.yaml:{line}:" in result.stdout + result.stderr
    assert says in result.stdout + result.stderr and "Fix:" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
