"""Ceasefire: one is offered, accepted by both governments, holds, or breaks.

Anyone but the alliance may offer one (the patron, an outside power, either
government); it holds once both governments have accepted the open offer (an offer by a
government is its own acceptance), and firing stops at once. Fire or a step forward
ordered by either side breaks it, and an attacker's breach adds ``ceasefire_breach_cost``
to the cost of defiance. Karabakh, October 2020: three humanitarian ceasefires,
brokered by Russia, France and the United States, broke within hours;
Kyrgyzstan-Tajikistan, April 2021: the governments agreed one within a day, it was
broken, and a second held (docs/model.md, section 7).
"""

from __future__ import annotations

import numpy as np

from sim.catalogue.roles import Role
from sim.core.actions import BREACHES, Action, is_one_of
from sim.core.facts import TickFacts
from sim.core.setting import Setting
from sim.core.world import NEVER, WorldState


def close_offer(w: WorldState, mask: np.ndarray) -> None:
    """Close the open offer of a ceasefire where ``mask``: taken up or lapsed."""
    w.ceasefire_offer_tick = np.where(mask, NEVER, w.ceasefire_offer_tick)
    w.attacker_accepts = w.attacker_accepts & ~mask
    w.defender_accepts = w.defender_accepts & ~mask


def ceasefire(w: WorldState, facts: TickFacts, setting: Setting) -> None:
    """Offer, accept, hold or break a ceasefire; write who broke one, ``ceasefire_held``."""
    attacker, defender, tick = facts.attacker.action, facts.defender.action, facts.tick
    offered = np.zeros(len(w.outcome), bool)
    for decision in facts.decisions.values():
        offered |= decision.action == Action.OFFER_CEASEFIRE
    if not (offered.any() or w.ceasefire.any() or w.offer_open.any()):
        return  # most worlds of most scenarios: nothing to do
    attacker_hostile = is_one_of(attacker, *BREACHES[Role.ATTACKER])
    defender_hostile = is_one_of(defender, *BREACHES[Role.DEFENDER])
    broken = w.ceasefire & (attacker_hostile | defender_hostile)
    facts.broken_by_attacker = broken & attacker_hostile
    facts.broken_by_defender = broken & defender_hostile
    w.ceasefire = w.ceasefire & ~broken
    w.ceasefires_broken = (w.ceasefires_broken + broken).astype(np.int16)
    w.cost_of_defiance = w.cost_of_defiance + setting.dyn.ceasefire_breach_cost * (
        broken & attacker_hostile
    )
    expired = w.offer_open & (tick - w.ceasefire_offer_tick >= setting.offer_ticks)
    close_offer(w, expired)
    opened = offered & ~w.ceasefire & ~w.offer_open
    w.ceasefire_offer_tick = np.where(opened, tick, w.ceasefire_offer_tick)
    open_offer = w.offer_open
    for accepts, action, hostile in (
        ("attacker_accepts", attacker, attacker_hostile),
        ("defender_accepts", defender, defender_hostile),
    ):
        agrees = is_one_of(action, Action.OFFER_CEASEFIRE, Action.ACCEPT_CEASEFIRE)
        # Fire or a step forward takes back a side's acceptance of the open offer.
        setattr(w, accepts, open_offer & ~hostile & (getattr(w, accepts) | agrees))
    holds = open_offer & w.attacker_accepts & w.defender_accepts
    facts.ceasefire_held = holds
    w.ceasefire = w.ceasefire | holds
    w.ceasefire_tick = np.where(holds & (w.ceasefire_tick == NEVER), tick, w.ceasefire_tick)
    close_offer(w, holds)
    w.clash_intensity = np.where(holds, 0.0, w.clash_intensity)
    w.fighting_ticks = np.where(holds, 0, w.fighting_ticks).astype(np.int16)
