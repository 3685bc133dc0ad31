"""Outcomes: the tick's rung and scores, the war line, and the absorbing outcomes reached.

Each tick's rung is the highest of the actions chosen on the Correlates of War ladder,
an incident counting as use of force and sustained fighting as war; a world that
reaches war, the alliance's collective measures or the patron's troops standing where
an advance stands stops changing. May 2021 reached none of them: the crisis stayed at
threats and displays, and ended in talks (docs/model.md, section 7).
"""

from __future__ import annotations

import numpy as np

from sim.catalogue.outcomes import Outcome
from sim.core.actions import GOLDSTEIN_OF, RUNG_OF, Rung
from sim.core.facts import TickFacts
from sim.core.rowwise import row_any
from sim.core.setting import Setting
from sim.core.world import NEVER, AllianceState, WorldState


def outcomes(w: WorldState, facts: TickFacts, setting: Setting) -> None:
    """Score the tick, mark a war, absorb the worlds that ended; write ``war``, ``ended``.

    War is the record's yardstick (the Correlates of War and UCDP line of 1,000 battle
    deaths, or ``thresholds.war_days`` of sustained combat), read over the whole crisis:
    a world that crossed it ends as a war at the horizon, whatever ceasefire followed
    (the Karabakh war of 2020 ended in the statement of 9-10 November); the fighting
    goes on being counted, so its killed are the war's.
    """
    # np.take, not RUNG_OF[action]: the same values, without the index's cast to intp.
    rung = np.take(RUNG_OF, facts.attacker.action)
    for decision in facts.decisions.values():
        rung = np.maximum(rung, np.take(RUNG_OF, decision.action))
        w.goldstein_total += np.take(GOLDSTEIN_OF, decision.action)
    rung = np.where(facts.incidents, np.maximum(rung, int(Rung.USE_OF_FORCE)), rung)
    w.max_depth_km = np.maximum(w.max_depth_km, w.total_depth_km)
    thresholds = setting.scenario.thresholds
    crossed = (w.killed >= thresholds.war_battle_deaths) | (w.fighting_ticks >= setting.war_ticks)
    facts.war = crossed & (w.war_tick == NEVER)
    w.war_tick = np.where(facts.war, facts.tick, w.war_tick)
    at_war = (w.war_tick != NEVER) & (w.clash_intensity > 0)
    rung = np.where(at_war, int(Rung.WAR), rung).astype(np.int8)
    w.rung = rung
    w.max_rung = np.maximum(w.max_rung, rung)
    contested = w.patron_presence & (w.depth_km > 0)
    # The first that holds: the alliance's measures, then the patron's troops in the way.
    absorbed = np.where(
        w.alliance_state == AllianceState.COLLECTIVE_MEASURES,
        np.int8(Outcome.ALLIANCE_INTERVENTION),
        np.where(
            row_any(contested), np.int8(Outcome.PATRON_INTERPOSITION), np.int8(Outcome.ONGOING)
        ),
    )
    newly = (w.outcome == Outcome.ONGOING) & (absorbed != Outcome.ONGOING)
    facts.ended = newly
    w.outcome = np.where(newly, absorbed, w.outcome).astype(np.int8)
    w.end_tick = np.where(newly, facts.tick, w.end_tick)


def classify_at_horizon(w: WorldState, setting: Setting, tick: int) -> None:
    """Classify the worlds still running at the horizon (docs/model.md, section 7)."""
    running = w.active
    withdrawn = w.total_depth_km <= setting.scenario.thresholds.withdrawn_below_km
    shots = w.first_shot_tick != NEVER
    final = np.select(
        [w.war_tick != NEVER, shots, ~withdrawn, w.max_depth_km > 0],
        [Outcome.WAR, Outcome.CLASH_CONTAINED, Outcome.FROZEN_GAIN, Outcome.NEGOTIATED_WITHDRAWAL],
        Outcome.NO_INCURSION,
    )
    w.outcome = np.where(running, final, w.outcome).astype(np.int8)
    w.end_tick = np.where(running, tick, w.end_tick)
