"""Each submodel of a tick, pinned on a small hand-built world state with known draws.

As Axelrod's ``versus_test`` plays a strategy against a known opponent, each test here
sets up a few worlds by hand, fixes the random draws the submodel reads, runs that one
submodel once and checks exact values: a wrong sign or a missing term fails here even
where an ensemble's shares would still move the right way. The ensembles' tests
(test_setup_facts, test_ceasefire...) check that the mechanisms add up to the case.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from scipy.stats import poisson

from sim.catalogue.outcomes import Outcome
from sim.core.actions import Action
from sim.core.border import FORCE_RANK
from sim.core.facts import TickFacts
from sim.core.mechanisms import SUBMODELS
from sim.core.mechanisms.alliance import alliance_and_members
from sim.core.mechanisms.ceasefire import ceasefire
from sim.core.mechanisms.decay import decay
from sim.core.mechanisms.ground import ground
from sim.core.mechanisms.information import information
from sim.core.mechanisms.injects import injects
from sim.core.mechanisms.outcomes import classify_at_horizon, outcomes
from sim.core.mechanisms.signals import signals_and_costs
from sim.core.mechanisms.talks import appeals_and_talks
from sim.core.mechanisms.violence import violence
from sim.core.model import CrisisModel
from sim.core.setting import Setting
from sim.core.world import NEVER, AllianceState, Decision, Talks, WorldState
from sim.spec.schema import ForceKind, Inject, InjectKind

from conftest import ROOT, make_scenario

WORLDS = 3
NOTHING_HAPPENS = 0.999  # a draw above every chance in these tests


class KnownDraws:
    """Stands in for CounterRNG: each stream gives the draws a test set, else 0.999."""

    def __init__(self, **streams: list) -> None:
        self.streams = {name.replace("__", "."): np.array(v, float) for name, v in streams.items()}
        self.asked: list[str] = []

    def uniform(self, stream: str, tick: int, slots: int | None = None) -> np.ndarray:
        self.asked.append(stream)
        shape = (WORLDS,) if slots is None else (WORLDS, slots)
        given = self.streams.get(stream)
        if given is None:
            return np.full(shape, NOTHING_HAPPENS)
        return np.broadcast_to(given.reshape((WORLDS,) + (1,) * (len(shape) - 1)), shape).copy()

    def symmetric(self, stream: str, tick: int, slots: int | None = None) -> np.ndarray:
        return 2.0 * self.uniform(stream, tick, slots) - 1.0


@pytest.fixture
def scenario(exercise_data):
    return make_scenario(exercise_data)


def _setting(scenario, **draws) -> Setting:
    return Setting.of(scenario, KnownDraws(**draws))


def _facts(w: WorldState, setting: Setting, tick: int = 4, **chosen) -> TickFacts:
    """Everyone holds but the actors given: ``attacker=(actions, sectors)`` by role."""
    actors = [*setting.roles, *setting.third_parties]
    decisions = {name: Decision.hold(WORLDS) for name in actors}
    by_role = dict(zip(("attacker", "defender", "patron", "alliance"), setting.roles, strict=True))
    for who, (actions, sectors) in chosen.items():
        decision = decisions[by_role.get(who, who)]
        decision.action[:] = [int(a) for a in actions]
        decision.sector[:] = sectors
    return TickFacts.begin(w, decisions, tick, setting.roles)


def _sector(scenario, sector_id: str) -> int:
    return list(scenario.sectors).index(sector_id)


def test_decay_multiplies_each_fading_level_by_its_persistence(scenario):
    setting = _setting(scenario)
    w = WorldState.initial(scenario, WORLDS)
    w.clash_intensity[:] = 0.5
    w.rumour[:] = 0.4
    w.attention[:] = 0.2
    w.cost_of_defiance[:] = -0.1
    decay(w, _facts(w, setting), setting)
    d = scenario.dynamics
    assert w.clash_intensity.tolist() == [0.5 * d.clash_persistence] * WORLDS
    assert w.rumour.tolist() == [0.4 * d.rumour_persistence] * WORLDS
    assert w.attention.tolist() == [0.2 * d.attention_persistence] * WORLDS
    assert w.cost_of_defiance.tolist() == [-0.1 * d.defiance_persistence] * WORLDS


def test_an_inject_happens_where_its_draw_is_below_its_chance(scenario):
    setting = _setting(scenario, inject__2=[0.2, 0.7, 0.4])
    setting.injects_by_tick = {}
    rumour = Inject(day=1.0, kind=InjectKind.RUMOUR, magnitude=0.3, probability=0.5)
    for index in range(3):  # the rumour is the third inject scheduled
        setting.schedule(rumour if index == 2 else Inject(day=9, kind=InjectKind.CLASH), index * 9)
    w = WorldState.initial(scenario, WORLDS)
    w.rumour[:] = [0.1, 0.1, 0.9]
    facts = _facts(w, setting, tick=18)
    injects(w, facts, setting)
    assert [f.index for f in facts.injects] == [2]
    assert facts.injects[0].happened.tolist() == [True, False, True]
    assert w.rumour.tolist() == pytest.approx([0.4, 0.1, 1.0])  # capped at 1


def test_an_advance_is_stopped_by_the_defenders_share_and_by_the_patron_s_troops(scenario):
    setting = _setting(scenario)
    w = WorldState.initial(scenario, WORLDS)
    lake = _sector(scenario, "lake")
    w.defender_force[:, lake] = [
        FORCE_RANK[ForceKind.BORDER_GUARDS],
        FORCE_RANK[ForceKind.ARMY],
        FORCE_RANK[ForceKind.NONE],
    ]
    w.patron_presence[2, lake] = True
    facts = _facts(w, setting, attacker=([Action.ADVANCE] * 3, lake))
    ground(w, facts, setting)
    d = scenario.dynamics
    gained = [d.advance_step_km * (1 - d.resistance_border_guards)]
    gained += [d.advance_step_km * (1 - d.resistance_army), 0.0]
    assert w.depth_km[:, lake].tolist() == pytest.approx(gained)
    assert facts.new_km.tolist() == pytest.approx(gained)
    assert w.total_depth_km.tolist() == pytest.approx(gained)
    assert facts.patron_arrives.all()  # a patron with nothing elsewhere always arrives


def test_a_counter_attack_takes_back_one_step_and_is_a_fact_for_the_fire(scenario):
    setting = _setting(scenario)
    w = WorldState.initial(scenario, WORLDS)
    lake = _sector(scenario, "lake")
    w.depth_km[:, lake] = [0.5, 0.05, 0.5]
    facts = _facts(w, setting, defender=([Action.COUNTER_ATTACK] * 2 + [Action.HOLD], lake))
    ground(w, facts, setting)
    step = scenario.dynamics.advance_step_km
    assert w.depth_km[:, lake].tolist() == pytest.approx([max(0, 0.5 - step), 0.0, 0.5])
    assert facts.counter_attack.tolist() == [True, True, False]


def test_an_incident_fires_where_forces_face_each_other_and_its_draw_is_below_the_rate(scenario):
    heights = _sector(scenario, "heights")  # held by the army
    rate = Setting.of(scenario, KnownDraws()).border.incident[FORCE_RANK[ForceKind.ARMY]]
    setting = _setting(
        scenario,
        incident=[rate / 2, rate / 2, rate * 2],
        killed__am=[0.5] * 3,
        wounded__am=[0.5] * 3,
    )
    w = WorldState.initial(scenario, WORLDS)
    w.depth_km[:2, heights] = 0.4  # worlds 0 and 1 face the army; world 2 has no advance
    w.update_total_depth()
    facts = _facts(w, setting, tick=6)
    violence(w, facts, setting)
    d = scenario.dynamics
    assert facts.incidents.tolist() == [True, True, False]
    assert facts.in_contact[:, heights].tolist() == [True, True, False]
    assert w.clash_intensity.tolist() == pytest.approx([d.clash_escalation] * 2 + [0.0])
    assert w.first_shot_tick.tolist() == [6, 6, NEVER]
    mean = d.casualties_per_tick * d.clash_escalation
    killed = poisson.ppf(0.5, mean * d.killed_share)
    wounded = poisson.ppf(0.5, mean * (1 - d.killed_share))
    assert w.killed_defender.tolist() == [killed, killed, 0]
    assert w.wounded_defender.tolist() == [wounded, wounded, 0]


def test_a_ceasefire_holds_once_both_governments_accept_and_the_firing_stops(scenario):
    setting = _setting(scenario)
    w = WorldState.initial(scenario, WORLDS)
    w.clash_intensity[:] = 0.6
    w.fighting_ticks[:] = 2
    w.ceasefire_offer_tick[:] = 3  # the patron offered one last tick
    w.attacker_accepts[:] = [True, True, False]
    accept = [Action.ACCEPT_CEASEFIRE, Action.HOLD, Action.ACCEPT_CEASEFIRE]
    facts = _facts(w, setting, tick=4, defender=(accept, -1))
    ceasefire(w, facts, setting)
    assert facts.ceasefire_held.tolist() == [True, False, False]
    assert w.ceasefire.tolist() == [True, False, False]
    assert w.ceasefire_tick.tolist() == [4, NEVER, NEVER]
    assert w.clash_intensity.tolist() == [0.0, 0.6, 0.6]
    assert w.offer_open.tolist() == [False, True, True]  # taken up; still open in the others


def test_fire_breaks_a_ceasefire_and_the_attacker_s_breach_costs_it(scenario):
    setting = _setting(scenario)
    w = WorldState.initial(scenario, WORLDS)
    w.ceasefire[:] = True
    fire = [Action.ATTACKER_FIRE, Action.HOLD, Action.HOLD]
    facts = _facts(
        w, setting, attacker=(fire, -1), defender=([Action.HOLD] * 2 + [Action.DEFENDER_FIRE], -1)
    )
    ceasefire(w, facts, setting)
    assert facts.broken_by_attacker.tolist() == [True, False, False]
    assert facts.broken_by_defender.tolist() == [False, False, True]
    assert w.ceasefire.tolist() == [False, True, False]
    assert w.ceasefires_broken.tolist() == [1, 0, 1]
    breach = scenario.dynamics.ceasefire_breach_cost
    assert w.cost_of_defiance.tolist() == [breach, 0.0, 0.0]


def test_talks_start_and_an_agreement_gives_back_part_of_the_ground(scenario):
    p = scenario.dynamics.talks_agreement_probability
    setting = _setting(scenario, talks=[p / 2, p * 2, p * 2])
    w = WorldState.initial(scenario, WORLDS)
    lake = _sector(scenario, "lake")
    w.depth_km[:, lake] = 1.0
    w.update_total_depth()
    w.talks[:] = [Talks.LOCAL, Talks.LOCAL, Talks.NONE]
    w.entrenched[:, lake] = True
    appeal = [Action.HOLD, Action.APPEAL_ALLIANCE, Action.LOCAL_TALKS]
    facts = _facts(w, setting, tick=5, defender=(appeal, -1))
    appeals_and_talks(w, facts, setting)
    d = scenario.dynamics
    assert facts.pullback_agreed.tolist() == [True, False, False]
    assert w.talks.tolist() == [Talks.AGREEMENT, Talks.LOCAL, Talks.LOCAL]
    assert w.talks_tick.tolist() == [NEVER, NEVER, 5]  # local talks began in world 2
    assert w.depth_km[:, lake].tolist() == [1.0 - d.agreement_pullback_share, 1.0, 1.0]
    assert w.entrenched[:, lake].tolist() == [False, True, True]
    assert w.appeal_alliance_tick.tolist() == [NEVER, 5, NEVER]
    assert w.attention.tolist() == [0.0, d.appeal_alliance_attention, 0.0]


def test_each_signal_adds_its_cost_by_its_sender_s_influence(scenario):
    setting = _setting(scenario)
    w = WorldState.initial(scenario, WORLDS)
    calls = [Action.PHONE_BOTH, Action.PRESSURE_ATTACKER, Action.HOLD]
    facts = _facts(w, setting, patron=(calls, -1))
    signals_and_costs(w, facts, setting)
    d = scenario.dynamics
    influence = setting.patron_influence
    assert w.cost_of_defiance.tolist() == pytest.approx(
        [influence * d.restraint_call_cost, influence * d.demand_cost, 0.0]
    )
    assert w.patron_urged_restraint.tolist() == [True, False, False]
    assert w.patron_backs_defender.tolist() == [False, True, False]


def test_the_justification_takes_off_relief_by_the_ambiguity_of_the_ground_held(scenario):
    setting = _setting(scenario)
    w = WorldState.initial(scenario, WORLDS)
    valley = _sector(scenario, "open_valley")  # ambiguity 0.7
    w.depth_km[:, valley] = 1.0
    w.update_total_depth()
    facts = _facts(w, setting, attacker=([Action.JUSTIFY, Action.HOLD, Action.HOLD], -1))
    signals_and_costs(w, facts, setting)
    relief = scenario.dynamics.justify_relief * scenario.sectors["open_valley"].ambiguity
    assert w.cost_of_defiance.tolist() == pytest.approx([-relief, 0.0, 0.0])


def test_the_alliance_climbs_only_after_an_appeal_and_members_read_the_attack(scenario):
    setting = _setting(scenario, csto__members=[0.5] * 3)  # no error: symmetric 0
    w = WorldState.initial(scenario, WORLDS)
    pass_ = _sector(scenario, "pass")  # ambiguity 0.2: clarity 0.8
    w.depth_km[:, pass_] = 0.5
    w.update_total_depth()
    w.alliance_state[:] = [AllianceState.APPEAL_RECEIVED, AllianceState.NO_APPEAL, 0]
    facts = _facts(
        w,
        setting,
        tick=7,
        alliance=([Action.CONSULTATIONS, Action.CONSULTATIONS, Action.HOLD], -1),
        defender=([Action.HOLD, Action.HOLD, Action.APPEAL_ALLIANCE], -1),
    )
    alliance_and_members(w, facts, setting)
    assert w.alliance_state.tolist() == [
        AllianceState.CONSULTATIONS,
        AllianceState.NO_APPEAL,  # no appeal: the alliance does not act
        AllianceState.APPEAL_RECEIVED,
    ]
    assert w.alliance_state_tick.tolist() == [7, NEVER, 7]
    # Clarity 0.8 reaches Russia's 0.65 and Belarus's 0.7, not Kazakhstan's 0.8 + nothing.
    needed = setting.clarity_needed
    expected = (1.0 - scenario.sectors["pass"].ambiguity) >= needed
    assert w.member_consent.tolist() == [expected.tolist(), [False] * 3, expected.tolist()]


def test_a_false_report_comes_only_in_contact_and_before_the_government_speaks(scenario):
    p = scenario.dynamics.false_report_probability
    setting = _setting(scenario, false_report=[p / 2, p / 2, p / 2])
    w = WorldState.initial(scenario, WORLDS)
    lake = _sector(scenario, "lake")
    w.depth_km[:2, lake] = 0.3
    w.update_total_depth()
    w.statement_tick[1] = 0  # world 1: the government has spoken
    facts = _facts(w, setting)
    facts.in_contact = w.depth_km > 0
    information(w, facts, setting)
    assert facts.false_report.tolist() == [True, False, False]
    d = scenario.dynamics
    assert w.rumour[0] == pytest.approx(d.false_report_size)
    assert w.rumour[1:].tolist() == [0.0, 0.0]


def test_the_war_line_is_a_thousand_killed_or_days_of_sustained_fighting(scenario):
    setting = _setting(scenario)
    w = WorldState.initial(scenario, WORLDS)
    line = scenario.thresholds.war_battle_deaths
    w.killed_defender[:] = [line // 2, line // 2, 0]
    w.killed_attacker[:] = [line - line // 2, line // 2 - 1, 0]  # one short in world 1
    w.fighting_ticks[:] = [0, setting.war_ticks - 1, setting.war_ticks]
    w.clash_intensity[:] = 0.9
    facts = _facts(w, setting, tick=9)
    outcomes(w, facts, setting)
    assert facts.war.tolist() == [True, False, True]
    assert w.war_tick.tolist() == [9, NEVER, 9]
    assert w.rung.tolist() == [5, 1, 5]  # war where past the line and fighting
    # A war is not absorbing: its fighting goes on being counted, and the horizon classes it.
    assert facts.ended.tolist() == [False, False, False]
    assert w.outcome.tolist() == [Outcome.ONGOING] * 3
    w.first_shot_tick[:] = 2
    classify_at_horizon(w, setting, tick=40)
    assert w.outcome.tolist() == [Outcome.WAR, Outcome.CLASH_CONTAINED, Outcome.WAR]


# -- the order and the facts -------------------------------------------------------------
FACT_FIELDS = [f.name for f in dataclasses.fields(TickFacts)]
DECISION_FIELDS = {"tick", "decisions", "attacker", "defender", "patron", "alliance"}
GIVEN = {*DECISION_FIELDS, "live", "clash_before"}


def _snapshot(facts: TickFacts) -> dict:
    return {
        name: (
            [(f.index, f.happened.copy()) for f in value]
            if name == "injects"
            else np.array(value, copy=True)
        )
        for name in FACT_FIELDS
        if name not in DECISION_FIELDS
        for value in [getattr(facts, name)]
    }


def _same(a, b) -> bool:
    if isinstance(a, list):
        return len(a) == len(b) and all(
            i == j and np.array_equal(x, y) for (i, x), (j, y) in zip(a, b, strict=True)
        )
    return np.array_equal(a, b)


def test_each_submodel_writes_only_the_facts_it_declares(exercise_data):
    model = CrisisModel(make_scenario(exercise_data), worlds=200, seed=3)
    written: set[str] = set()
    for _ in range(model.ticks):
        views = model.agents.map("perceive")
        decisions = {a.name: a.decide(v) for a, v in zip(model.agents, views, strict=True)}
        facts = TickFacts.begin(model.world, decisions, model.tick, model.resolver.setting.roles)
        for submodel in SUBMODELS:
            before = _snapshot(facts)
            submodel.run(model.world, facts, model.resolver.setting)
            changed = {n for n, v in _snapshot(facts).items() if not _same(v, before[n])}
            assert changed <= set(submodel.writes), submodel.name
            written |= changed
        model.perceiver.observe(
            model.world, model.tick, {n: d.action for n, d in decisions.items()}
        )
        model.tick += 1
    declared = {fact for submodel in SUBMODELS for fact in submodel.writes}
    assert declared | GIVEN == set(FACT_FIELDS)  # every fact has a writer
    assert written == declared  # and each was written in some tick of the exercise


def test_docs_model_md_numbers_its_submodels_in_the_resolver_s_order():
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    headings = re.findall(r"^### 7\.(\d+) (.+)$", text, flags=re.MULTILINE)
    named = [(int(number), title) for number, title in headings][: len(SUBMODELS)]
    assert [number for number, _ in named] == list(range(1, len(SUBMODELS) + 1))
    assert [title.lower() for _, title in named] == [s.name.lower() for s in SUBMODELS]


def test_an_advance_order_keeps_the_total_depth_true_at_once(scenario):
    lake = _sector(scenario, "lake")
    setting = _setting(scenario, inject__0=[0.0, 0.0, 0.99])
    setting.injects_by_tick = {}
    order = Inject(day=0, kind=InjectKind.ADVANCE_ORDER, sector="lake", probability=0.5)
    setting.schedule(order, 4)
    w = WorldState.initial(scenario, WORLDS)
    facts = _facts(w, setting, tick=4)
    injects(w, facts, setting)
    assert w.total_depth_km.tolist() == w.depth_km.sum(axis=1).tolist()
    assert w.depth_km[:, lake].tolist()[2] == 0.0 and w.total_depth_km[0] > 0
