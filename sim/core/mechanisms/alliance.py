"""The alliance's ladder and its members' consent.

Armenia's appeal of 13 May 2021 went to the CSTO's Permanent Council, which held
consultations and stopped there: its members read the crisis as a border dispute on
unclear maps, not an attack on a member. The alliance climbs a ladder (appeal received,
consultations, a statement, a fact-finding mission, collective measures) only after an
appeal and never back down; each member consents to collective measures if the attack
looks clear enough to it, as its ties, the patron's line and its own situation move it;
and a treaty of mutual defence does not act against a member (Kyrgyzstan and Tajikistan,
April 2021; docs/model.md, section 7).
"""

from __future__ import annotations

import numpy as np

from sim.core.actions import Action
from sim.core.columns import per_world
from sim.core.facts import TickFacts
from sim.core.setting import Setting
from sim.core.world import AllianceState, WorldState

#: The alliance's own steps, and the stage each takes it to.
LADDER = (
    (Action.CONSULTATIONS, AllianceState.CONSULTATIONS),
    (Action.ALLIANCE_STATEMENT, AllianceState.STATEMENT),
    (Action.FACT_FINDING, AllianceState.FACT_FINDING),
    (Action.COLLECTIVE_MEASURES, AllianceState.COLLECTIVE_MEASURES),
)


def move_alliance(w: WorldState, mask: np.ndarray, state: AllianceState, tick: int) -> None:
    """Put the alliance at ``state`` where ``mask``, stamped with the tick."""
    if not np.count_nonzero(mask):  # most ticks: no world moves (and nothing changes)
        return
    w.alliance_state = np.where(mask, state, w.alliance_state).astype(np.int8)
    w.alliance_state_tick = np.where(mask, tick, w.alliance_state_tick)


def climb_ladder(w: WorldState, facts: TickFacts, setting: Setting) -> None:
    """Take an appeal to the alliance, then the alliance's own step where it may."""
    tick = facts.tick
    appealed = (facts.defender.action == Action.APPEAL_ALLIANCE) & (
        w.alliance_state == AllianceState.NO_APPEAL
    )
    move_alliance(w, appealed, AllianceState.APPEAL_RECEIVED, tick)
    for action, state in LADDER:
        # The alliance acts on an appeal only; it never steps back down its ladder.
        taken = facts.alliance.action == action
        if not np.count_nonzero(taken):
            continue
        if state is AllianceState.COLLECTIVE_MEASURES and setting.attacker_is_member:
            continue  # a treaty of mutual defence does not act against a member
        moves = taken & (w.alliance_state >= AllianceState.APPEAL_RECEIVED)
        move_alliance(w, moves & (w.alliance_state < state), state, tick)


def members_consent(w: WorldState, facts: TickFacts, setting: Setting) -> None:
    """Each member consents to collective measures if the attack looks clear enough.

    Clarity is 1 minus the map ambiguity of the ground taken; the patron's backing of
    the defender lowers what a member needs by its ``follows_patron``, and its line of
    restraint alone raises it by ``heeds_restraint``; the member's ties to each side and
    its own situation move it too (``AllianceMember.interests``).
    """
    taken = w.total_depth_km > 0
    appealed = w.alliance_state >= AllianceState.APPEAL_RECEIVED
    if not (taken & appealed).any():  # nothing to judge: skip the draws (keyed, so no
        w.member_consent[:] = False  # other draw shifts)
        return
    clarity = setting.border.clarity(w.depth_km, w.total_depth_km)
    noise = per_world(setting.scenario.perception.alliance_clarity_noise) * setting.rng.symmetric(
        setting.members_stream, facts.tick, slots=len(setting.clarity_needed)
    )
    reading = (
        clarity[:, None]
        + noise
        + setting.follows_patron[None, :] * w.patron_backs_defender[:, None]
    )
    if setting.members_have_interests:  # ties, the patron's line, the member's own situation
        restraint_only = w.patron_urged_restraint & ~w.patron_backs_defender
        reading = (
            reading
            + setting.interests[None, :]
            - setting.heeds_restraint[None, :] * restraint_only[:, None]
        )
    w.member_consent = (reading >= setting.clarity_needed[None, :]) & (taken & appealed)[:, None]


def alliance_and_members(w: WorldState, facts: TickFacts, setting: Setting) -> None:
    """Move the alliance up its ladder, then ask its members (nothing, with no alliance)."""
    if not setting.has_alliance:
        return
    climb_ladder(w, facts, setting)
    members_consent(w, facts, setting)
