"""Injects: events outside any actor's choice, scheduled on the timeline.

A scenario's ``injects`` (and a workshop facilitator's, fired during a game) say what
happens on a given day, in each world with its probability: an advance ordered whatever
Baku's policy, a rumour (the reports of clashes around Goris on 12 May 2021), an
official statement, an outside power's statement (the United States and France on 13-14
May), a clash nobody in the model ordered (Tavush, July 2020), or a ministerial visit
that encourages the attacker (docs/model.md, section 7).
"""

from __future__ import annotations

import numpy as np

from sim.core.facts import FiredInject, TickFacts
from sim.core.mechanisms.ground import advance
from sim.core.mechanisms.violence import fire
from sim.core.setting import Setting
from sim.core.world import WorldState
from sim.spec.schema import InjectKind


def injects(w: WorldState, facts: TickFacts, setting: Setting) -> None:
    """Apply the injects due this tick; write ``injects``, ``new_km``, ``forced_statement``."""
    tick, n = facts.tick, len(w.outcome)
    for index, inject in setting.due(tick):
        happens = setting.rng.uniform(f"inject.{index}", tick) < inject.probability
        facts.injects.append(FiredInject(index, inject, happens))
        if inject.kind is InjectKind.ADVANCE_ORDER:
            sector = np.full(n, setting.border.sector_index(inject.sector), np.int8)
            facts.new_km += advance(w, setting, happens, sector)
            w.update_total_depth()  # never stale between submodels
        elif inject.kind is InjectKind.RUMOUR:
            w.rumour = np.where(happens, np.minimum(1.0, w.rumour + inject.strength), w.rumour)
        elif inject.kind is InjectKind.OFFICIAL_STATEMENT:
            facts.forced_statement |= happens
        elif inject.kind is InjectKind.THIRD_PARTY_STATEMENT:
            weight = setting.influence.get(inject.actor or "", 1.0)
            w.cost_of_defiance += np.where(happens, inject.strength * weight, 0.0)
            w.attention = np.where(
                happens,
                np.minimum(1.0, w.attention + setting.dyn.third_party_statement_attention),
                w.attention,
            )
        elif inject.kind is InjectKind.CLASH:  # fire nobody in the model ordered
            fire(w, happens, inject.strength, tick)
        elif inject.kind is InjectKind.MINISTERIAL_VISIT:
            # Encouragement can outweigh pressure: the balance may go below zero,
            # and later calls for restraint must first use it up.
            w.cost_of_defiance = w.cost_of_defiance - np.where(happens, inject.strength, 0.0)
