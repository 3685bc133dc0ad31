"""Violence: ordered fire, a counter-attack, and incidents nobody ordered.

No shot was fired at Sev Lake in May 2021, though units stood face to face for weeks;
in the Tavush clashes of July 2020 and at Jermuk in September 2022 fire started where
forces faced each other. Incidents happen where an advance stands, likelier where the
army, not border guards, holds, where the advanced units dug in and where the border is
frightened; the killed and the wounded follow the clash's intensity (docs/model.md,
section 7).
"""

from __future__ import annotations

import numpy as np

from sim.core import portable
from sim.core.actions import Action
from sim.core.columns import any_world, of_worlds, per_world
from sim.core.facts import TickFacts
from sim.core.poisson import poisson_quantile
from sim.core.rowwise import row_any
from sim.core.setting import Setting
from sim.core.world import NEVER, WorldState


def fire(w: WorldState, mask: np.ndarray, strength: float, tick: int) -> None:
    """Add ``strength`` to the clash where ``mask`` (capped at 1); stamp a first shot."""
    if not mask.any():  # most ticks, most kinds of fire: nobody fired that way
        return
    w.clash_intensity = np.where(
        mask, np.minimum(1.0, w.clash_intensity + strength), w.clash_intensity
    )
    w.first_shot_tick = np.where(mask & (w.first_shot_tick == NEVER), tick, w.first_shot_tick)


def incident_probability(w: WorldState, setting: Setting, in_contact: np.ndarray) -> np.ndarray:
    """Return the chance of an incident in each world and sector, (R, k).

    ``in_contact`` is (R, k): where an advance stands, forces face each other.
    """
    dyn = setting.dyn
    p = setting.border.by_force(setting.border.incident, w.defender_force) * in_contact
    if any_world(dyn.incident_entrenched_multiplier != 1.0):  # dug in, face to face for good
        p = p * np.where(w.entrenched, per_world(dyn.incident_entrenched_multiplier), 1.0)
    if any_world(dyn.incident_alarm_gain != 0.0):  # nervous troops on a frightened border
        p = p * (1.0 + dyn.incident_alarm_gain * w.alarm)[:, None]
    if w.ceasefire.any():  # a ceasefire quiets the line, the more after each one broken
        quiet = dyn.ceasefire_incidents * portable.power(
            dyn.ceasefire_settling, w.ceasefires_broken
        )
        p = p * np.where(w.ceasefire, quiet, 1.0)[:, None]
    return p


def violence(w: WorldState, facts: TickFacts, setting: Setting) -> None:
    """Resolve the tick's fire; write ``in_contact`` and ``incidents``."""
    dyn, rng, tick = setting.dyn, setting.rng, facts.tick
    attacker, defender, patron = facts.attacker, facts.defender, facts.patron
    facts.in_contact = w.depth_km > 0.0
    incident_p = incident_probability(w, setting, facts.in_contact)
    draws = rng.uniform("incident", tick, slots=incident_p.shape[1])
    facts.incidents = row_any(draws < incident_p)
    escalation = dyn.clash_escalation
    fire(w, attacker.action == Action.ATTACKER_FIRE, escalation, tick)
    fire(w, defender.action == Action.DEFENDER_FIRE, escalation, tick)
    fire(w, facts.counter_attack, dyn.counter_attack_fire_multiplier * escalation, tick)
    assault = attacker.action == Action.ASSAULT
    fire(w, assault, dyn.assault_fire_multiplier * escalation, tick)
    fire(w, facts.incidents, escalation, tick)
    if patron is not None:  # the patron's troops fire in defence of its ally
        defends = (patron.action == Action.DEFEND_ALLY) & facts.patron_arrives
        fire(w, defends, dyn.patron_force_fire_multiplier * escalation, tick)
    burning = w.clash_intensity > dyn.clash_ends_below
    # Casualties are drawn only where a world still runs: an ended world is restored after
    # the tick, and its draws are its own (keyed), so skipping them changes nothing but
    # time (at war, the inverse Poisson CDF was most of a block's tick).
    counted = burning & w.active
    if counted.any():
        # Killed and wounded are two Poisson counts whose sum is the casualties' Poisson
        # (a thinning): the war line reads the killed (docs/model.md, section 7).
        lam = of_worlds(dyn.casualties_per_tick, counted) * w.clash_intensity[counted]
        if assault.any():  # an offensive's massed fire costs more than a clash's
            massed = of_worlds(dyn.assault_casualty_multiplier, counted)
            lam = lam * np.where(assault[counted], massed, 1.0)
        killed = of_worlds(dyn.killed_share, counted)
        for side, stream, share in (
            (w.killed_defender, "killed.am", killed),
            (w.wounded_defender, "wounded.am", 1.0 - killed),
            (w.killed_attacker, "killed.az", killed),
            (w.wounded_attacker, "wounded.az", 1.0 - killed),
        ):
            u = rng.uniform(stream, tick)[counted]
            side[counted] += poisson_quantile(u, lam * share).astype(np.int32)
    w.clash_intensity = np.where(burning, w.clash_intensity, 0.0)
    w.fighting_ticks = np.where(
        w.clash_intensity >= setting.scenario.thresholds.war_intensity, w.fighting_ticks + 1, 0
    ).astype(np.int16)
