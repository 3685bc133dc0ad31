"""Ground: the attacker moves, the defender reinforces, the patron places troops.

On 12 May 2021 Azerbaijani units advanced up to 3.5 km past their positions near Sev
Lake and Black Lake, meeting "little resistance" from Armenia's NSS border guards, and
dug in; Armenia sent border guards and, later, army units; Russian border troops
already stood on parts of the line. An advance step is resisted by whoever holds the
sector (docs/model.md, section 7) and stops where the patron's troops stand.
"""

from __future__ import annotations

import numpy as np

from sim.core.actions import STEPS_FORWARD, Action, is_one_of
from sim.core.border import FORCE_RANK
from sim.core.columns import any_world, of_worlds
from sim.core.facts import TickFacts
from sim.core.setting import Setting
from sim.core.world import WorldState
from sim.spec.schema import ForceKind


def advance(
    w: WorldState,
    setting: Setting,
    mask: np.ndarray,
    sector: np.ndarray,
    assault: np.ndarray | None = None,
) -> np.ndarray:
    """Advance one step in ``sector`` where ``mask``; return the km gained per world.

    A step is ``advance_step_km`` less the share the sector's defenders stop (less by
    ``assault_breakthrough`` where ``assault``: an advance under fire), never past the
    sector's ``max_advance_km``, and none where the patron's troops stand.
    """
    rows = np.flatnonzero(mask & (sector >= 0))
    gained = np.zeros(len(w.outcome))
    if rows.size == 0:
        return gained
    cols = sector[rows].astype(np.intp)
    resistance = setting.border.by_force(setting.border.resistance, w.defender_force, rows, cols)
    if assault is not None and assault[rows].any():
        broken = of_worlds(setting.dyn.assault_breakthrough, rows)
        resistance = np.where(assault[rows], resistance * (1.0 - broken), resistance)
    blocked = w.patron_presence[rows, cols]
    room = setting.border.max_advance_km[cols] - w.depth_km[rows, cols]
    step_km = of_worlds(setting.dyn.advance_step_km, rows)
    step = np.where(blocked, 0.0, step_km * (1.0 - resistance))
    step = np.clip(np.minimum(step, room), 0.0, None)
    w.depth_km[rows, cols] += step
    gained[rows] = step
    return gained


def patron_forces_arrive(setting: Setting, tick: int, worlds: int) -> np.ndarray:
    """Worlds where the patron's troops can reach the line this tick (all, if it is free).

    A patron with a share of its forces committed elsewhere (Russia in Ukraine, 2022)
    gets its troops there only with the remaining chance: one draw per world, on a
    stream of its own, made only when the share is above 0.
    """
    elsewhere = setting.patron_committed_elsewhere
    if not any_world(elsewhere != 0.0):  # no draw: a free patron's worlds stay as they were
        return np.ones(worlds, bool)
    return setting.rng.uniform(setting.patron_elsewhere_stream, tick) >= elsewhere


def ground(w: WorldState, facts: TickFacts, setting: Setting) -> None:
    """Apply the moves on the ground; write ``new_km``, ``counter_attack``, ``patron_arrives``."""
    attacker, defender, patron = facts.attacker, facts.defender, facts.patron
    facts.new_km += advance(
        w,
        setting,
        is_one_of(attacker.action, *STEPS_FORWARD),
        attacker.sector,
        attacker.action == Action.ASSAULT,
    )
    rows = np.flatnonzero((attacker.action == Action.ENTRENCH) & (attacker.sector >= 0))
    w.entrenched[rows, attacker.sector[rows]] = True
    rows = np.flatnonzero((attacker.action == Action.WITHDRAW_PARTIAL) & (attacker.sector >= 0))
    kept = 1.0 - of_worlds(setting.dyn.partial_withdrawal_share, rows)
    w.depth_km[rows, attacker.sector[rows]] *= kept
    full = attacker.action == Action.WITHDRAW_FULL
    w.depth_km[full] = 0.0
    w.entrenched[full] = False
    # Reinforcement lifts a sector to the stronger force; army and border guards
    # side by side is a fact of the set-up (Sector.defender_force), not a move.
    for action, rank in (
        (Action.SEND_BORDER_GUARDS, FORCE_RANK[ForceKind.BORDER_GUARDS]),
        (Action.SEND_ARMY, FORCE_RANK[ForceKind.ARMY]),
    ):
        rows = np.flatnonzero((defender.action == action) & (defender.sector >= 0))
        cols = defender.sector[rows]
        w.defender_force[rows, cols] = np.maximum(w.defender_force[rows, cols], rank)
    facts.counter_attack = (defender.action == Action.COUNTER_ATTACK) & (defender.sector >= 0)
    rows = np.flatnonzero(facts.counter_attack)
    cols = defender.sector[rows]
    step_km = of_worlds(setting.dyn.advance_step_km, rows)
    w.depth_km[rows, cols] = np.maximum(0.0, w.depth_km[rows, cols] - step_km)
    if patron is not None:  # a crisis with no patron: no troops to send
        facts.patron_arrives = patron_forces_arrive(setting, facts.tick, len(w.outcome))
        for action in (Action.DEPLOY_TROOPS, Action.DEFEND_ALLY):
            sent = (patron.action == action) & (patron.sector >= 0) & facts.patron_arrives
            rows = np.flatnonzero(sent)
            w.patron_presence[rows, patron.sector[rows]] = True
    w.update_total_depth()
