"""Signals and costs: what every voice adds to (or takes from) the cost of defiance.

Baku weighed what defiance would cost: Russia's calls to both capitals and its line of
restraint in May 2021, a CSTO statement had it made one, the United States' and
France's demands to withdraw; Turkey's backing and Baku's own justification (the
unagreed border, the Soviet maps, the spring weather) lowered it. Each signal is
weighted by its sender's influence; the attention the crisis draws grows with ground
taken, growing fighting and rhetoric (docs/model.md, section 7).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from sim.core.actions import Action, is_one_of
from sim.core.border import held_ambiguity
from sim.core.facts import TickFacts
from sim.core.setting import Setting
from sim.core.world import WorldState


def patron_signals(w: WorldState, facts: TickFacts, setting: Setting) -> np.ndarray:
    """Record the patron's line; return the cost its signals add, by its influence."""
    if facts.patron is None:  # a crisis with no patron: no line, no cost
        return np.zeros(len(w.outcome))
    dyn, patron = setting.dyn, facts.patron.action
    restraint_calls = is_one_of(patron, Action.URGE_RESTRAINT, Action.PHONE_BOTH)
    w.patron_urged_restraint |= restraint_calls
    w.patron_backs_defender |= is_one_of(patron, Action.PRESSURE_ATTACKER, Action.DEFEND_ALLY)
    mediates, defends = patron == Action.OFFER_MEDIATION, patron == Action.DEFEND_ALLY
    return setting.patron_influence * (
        dyn.restraint_call_cost * restraint_calls
        + dyn.mediation_offer_share * dyn.restraint_call_cost * mediates
        + dyn.demand_cost * (patron == Action.PRESSURE_ATTACKER)
        + dyn.patron_force_cost_multiplier * dyn.demand_cost * defends
    )


def alliance_signal(facts: TickFacts, setting: Setting) -> np.ndarray:
    """Return the cost a statement or a fact-finding mission of the alliance adds."""
    if facts.alliance is None:  # a crisis with no alliance
        return np.zeros(len(facts.live))
    spoke = is_one_of(facts.alliance.action, Action.ALLIANCE_STATEMENT, Action.FACT_FINDING)
    return setting.alliance_influence * setting.dyn.alliance_cost * spoke


def outside_signals(facts: TickFacts, setting: Setting) -> Iterator[np.ndarray]:
    """Yield the cost each outside power's call, demand or backing adds, by its influence."""
    dyn = setting.dyn
    for name in setting.third_parties:
        action = facts.decisions[name].action
        yield setting.influence[name] * (
            dyn.restraint_call_cost * (action == Action.CALL_FOR_RESTRAINT)
            + dyn.mediation_offer_share
            * dyn.restraint_call_cost
            * (action == Action.OFFER_MEDIATION)
            + dyn.demand_cost * (action == Action.DEMAND_WITHDRAWAL)
            - dyn.demand_cost * (action == Action.BACK_ATTACKER)
        )


def signals_and_costs(w: WorldState, facts: TickFacts, setting: Setting) -> None:
    """Add the tick's signals to the cost of defiance, and the tick's news to attention."""
    dyn, attacker = setting.dyn, facts.attacker.action
    # One sum, in this order, added once: the patron, the alliance, outside powers, less
    # the attacker's justification.
    cost = patron_signals(w, facts, setting)
    cost += alliance_signal(facts, setting)
    for outside in outside_signals(facts, setting):
        cost += outside
    held = held_ambiguity(w.depth_km, setting.border.ambiguity, w.total_depth_km)
    cost -= dyn.justify_relief * held * (attacker == Action.JUSTIFY)
    w.cost_of_defiance = w.cost_of_defiance + cost
    w.attention = np.minimum(
        1.0,
        w.attention
        + dyn.attention_per_km * facts.new_km
        + dyn.clash_attention * (w.clash_intensity > facts.clash_before)
        + dyn.rhetoric_attention * (attacker == Action.RHETORIC),
    )
