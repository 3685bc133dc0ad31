"""Appeals and talks: the defender asks for help; the sides talk and may agree.

On 13 May 2021 Armenia appealed to the CSTO under the Collective Security Treaty and
asked Russia for help; local commanders of both sides met on the line, and Russia
offered to mediate. An appeal records its first tick and draws attention; talks start
when either side asks and the attacker is not moving; while they run an agreement comes
with a chance that mediation and the cost of defiance raise, and gives back part of the
ground taken (docs/model.md, section 7).
"""

from __future__ import annotations

import numpy as np

from sim.core.actions import STEPS_FORWARD, Action, is_one_of
from sim.core.columns import of_worlds, per_world
from sim.core.facts import TickFacts
from sim.core.setting import Setting
from sim.core.world import NEVER, Talks, WorldState

#: Each appeal, and the field that keeps the tick it was first made.
APPEALS = (
    (Action.APPEAL_ALLIANCE, "appeal_alliance_tick"),
    (Action.APPEAL_PATRON, "appeal_patron_tick"),
    (Action.APPEAL_WEST, "appeal_west_tick"),
)


def appeals(w: WorldState, facts: TickFacts, setting: Setting) -> None:
    """Record each appeal's first tick; an appeal to the West or the alliance draws attention."""
    defender, tick, dyn = facts.defender, facts.tick, setting.dyn
    for action, name in APPEALS:
        if not _can_be_asked(action, setting):
            continue  # no one to appeal to: never recorded
        asked = defender.action == action
        if not np.count_nonzero(asked):  # most ticks: no appeal of this kind
            continue
        made = asked & (getattr(w, name) == NEVER)
        setattr(w, name, np.where(made, tick, getattr(w, name)))
    to_west = defender.action == Action.APPEAL_WEST
    to_alliance = (defender.action == Action.APPEAL_ALLIANCE) & setting.has_alliance
    w.attention += dyn.appeal_west_attention * to_west + dyn.appeal_alliance_attention * to_alliance


def _can_be_asked(action: Action, setting: Setting) -> bool:
    """Whether the crisis has the role an appeal goes to (a patron, an alliance)."""
    if action is Action.APPEAL_ALLIANCE:
        return setting.has_alliance
    return setting.has_patron or action is not Action.APPEAL_PATRON


def offers_mediation(facts: TickFacts) -> np.ndarray:
    """Where the patron or an outside power offers to mediate this tick.

    An outside power or organisation may mediate where a crisis has no patron (ASEAN's
    chair, Indonesia, between Thailand and Cambodia in 2011).
    """
    offered = np.zeros(len(facts.live), bool)
    for decision in facts.decisions.values():
        offered |= decision.action == Action.OFFER_MEDIATION
    return offered


def negotiate(w: WorldState, facts: TickFacts, setting: Setting) -> None:
    """Start, mediate and conclude talks; write ``pullback_agreed`` and ``line_accepted``."""
    dyn, tick = setting.dyn, facts.tick
    attacker, defender = facts.attacker, facts.defender
    wants_talks = (defender.action == Action.LOCAL_TALKS) | (
        attacker.action == Action.PROPOSE_TALKS
    )
    start_local = (
        wants_talks & (w.talks == Talks.NONE) & ~is_one_of(attacker.action, *STEPS_FORWARD)
    )
    mediation = offers_mediation(facts) & (w.talks < Talks.MEDIATED)
    w.talks = np.where(start_local, Talks.LOCAL, w.talks).astype(np.int8)
    w.talks = np.where(mediation, Talks.MEDIATED, w.talks).astype(np.int8)
    w.talks_tick = np.where((start_local | mediation) & (w.talks_tick == NEVER), tick, w.talks_tick)
    talking = (w.talks == Talks.LOCAL) | (w.talks == Talks.MEDIATED)
    p_agree = (
        dyn.talks_agreement_probability
        * np.where(w.talks == Talks.MEDIATED, dyn.mediation_multiplier, 1.0)
        * (1.0 + w.cost_of_defiance)
    )
    agreed = talking & (setting.rng.uniform("talks", tick) < p_agree) & (w.total_depth_km > 0)
    facts.pullback_agreed = agreed
    w.talks = np.where(agreed, Talks.AGREEMENT, w.talks).astype(np.int8)
    w.depth_km[agreed] *= per_world(1.0 - of_worlds(dyn.agreement_pullback_share, agreed))
    w.update_total_depth()
    w.entrenched[agreed] = False
    if (defender.action == Action.ACCEPT_LINE).any():
        accepted = (defender.action == Action.ACCEPT_LINE) & talking
        facts.line_accepted = accepted
        w.talks = np.where(accepted, Talks.AGREEMENT, w.talks).astype(np.int8)


def appeals_and_talks(w: WorldState, facts: TickFacts, setting: Setting) -> None:
    """Apply the tick's appeals, then its talks."""
    appeals(w, facts, setting)
    negotiate(w, facts, setting)
