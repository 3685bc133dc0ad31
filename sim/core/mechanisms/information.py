"""Information: rumours outrun official word; a statement calms them; alarm follows both.

On 12 May 2021 reports of clashes around Goris spread in Armenia before any official
word, and were false; Prime Minister Pashinyan's statements that evening and the next
day calmed the public more than the facts on the ground did. Until the government
speaks, forces in contact breed false reports; ground taken, growing fighting and
rhetoric feed the rumour; the public's alarm moves toward rumour plus the facts
(docs/model.md, section 7).
"""

from __future__ import annotations

import numpy as np

from sim.core.actions import Action
from sim.core.facts import TickFacts
from sim.core.rowwise import row_any
from sim.core.setting import Setting
from sim.core.world import NEVER, WorldState


def information(w: WorldState, facts: TickFacts, setting: Setting) -> None:
    """Move rumour and alarm on; write ``false_report``."""
    dyn, tick, attacker, defender = setting.dyn, facts.tick, facts.attacker, facts.defender
    statement = ((defender.action == Action.OFFICIAL_STATEMENT) | facts.forced_statement) & (
        w.statement_tick == NEVER
    )
    w.statement_tick = np.where(statement, tick, w.statement_tick)
    w.rumour = np.where(statement, w.rumour * (1.0 - dyn.statement_calming), w.rumour)
    spoken = w.statement_tick != NEVER
    contact = row_any(facts.in_contact)
    false_report = (
        contact
        & ~spoken
        & (setting.rng.uniform("false_report", tick) < dyn.false_report_probability)
    )
    facts.false_report = false_report
    w.rumour = np.minimum(
        1.0,
        w.rumour
        + dyn.false_report_size * false_report
        + dyn.rumour_per_km * facts.new_km
        + dyn.clash_rumour * (w.clash_intensity > facts.clash_before)
        + dyn.rhetoric_rumour * (attacker.action == Action.RHETORIC),
    )
    facts_alarm = np.minimum(1.0, dyn.alarm_per_km * w.total_depth_km + w.clash_intensity)
    calmed = 1.0 - dyn.statement_facts_calming * dyn.statement_calming
    facts_alarm = np.where(spoken, facts_alarm * calmed, facts_alarm)
    target = np.minimum(1.0, w.rumour + facts_alarm)
    w.alarm = w.alarm + dyn.alarm_response * (target - w.alarm)
    w.peak_alarm_tick = np.where(w.alarm > w.peak_alarm, tick, w.peak_alarm_tick)
    w.peak_alarm = np.maximum(w.peak_alarm, w.alarm)
