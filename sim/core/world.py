"""The state of R worlds in lockstep: every variable that differs between worlds.

Every field is a numpy array with one entry per world, or shape (R, k) for the k
border sectors, (R, m) for the m members of the alliance. Each field is declared once
below, with its type, its value when the crisis starts and its meaning; the submodels
that move the state on each tick are in :mod:`sim.core.mechanisms`, run in their
order by :class:`sim.core.resolver.Resolver`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from enum import IntEnum
from typing import Any

import numpy as np

from sim.catalogue.outcomes import Outcome
from sim.core.border import (
    FORCE_RANK,
    Border,
    held_ambiguity,
    incident_by_force,
    resistance_by_force,
)
from sim.core.rowwise import row_sum
from sim.spec.schema import Scenario

__all__ = [
    "FORCE_RANK",
    "NEVER",
    "AllianceState",
    "Decision",
    "Talks",
    "WorldState",
    "held_ambiguity",
    "incident_by_force",
    "resistance_by_force",
]


class Talks(IntEnum):
    """Where negotiation stands in a world."""

    NONE = 0
    LOCAL = 1
    MEDIATED = 2
    AGREEMENT = 3


class AllianceState(IntEnum):
    """The CSTO's progress from appeal to collective measures."""

    NO_APPEAL = 0
    APPEAL_RECEIVED = 1
    CONSULTATIONS = 2
    STATEMENT = 3
    FACT_FINDING = 4
    COLLECTIVE_MEASURES = 5


NEVER = -1  # tick value meaning "has not happened"


@dataclass(slots=True)
class Decision:
    """One actor's choice in every world for one tick.

    Attributes:
        action: (R,) int16 action codes.
        sector: (R,) int8 target sector index (-1 where the action has none).
        reason: (R,) int8 code of the policy's reason (why it chose so), an index into
            its ``reasons``.
    """

    action: np.ndarray
    sector: np.ndarray
    reason: np.ndarray

    @classmethod
    def hold(cls, worlds: int) -> Decision:
        """Return a decision to hold in every world."""
        return cls(
            np.zeros(worlds, np.int16), np.full(worlds, -1, np.int8), np.zeros(worlds, np.int8)
        )

    def copy(self) -> Decision:
        """Return a copy that later ticks cannot change."""
        return Decision(self.action.copy(), self.sector.copy(), self.reason.copy())


# -- how a field starts ------------------------------------------------------------------
Start = float | Callable[[Border], Any]


def _state(dtype: type = np.float64, start: Start = 0, members: bool = False) -> Any:
    """Declare a field of the world state: its dtype and its value when the crisis starts.

    ``start`` is a number every world starts at, or a function of the scenario's
    :class:`~sim.core.border.Border` giving either one number or one value per sector
    (then the field is (R, k)). ``members`` makes a field (R, m), one column per alliance
    member, starting at 0.
    """
    return field(metadata={"dtype": dtype, "start": start, "members": members})


def _held(border: Border) -> np.ndarray:
    return border.held_km


def _held_total(border: Border) -> float:
    return border.held_km.sum()


def _dug_in(border: Border) -> np.ndarray:
    return border.held_km > 0  # ground held before the crisis is dug in


def _force(border: Border) -> np.ndarray:
    return border.defender_force


def _presence(border: Border) -> np.ndarray:
    return border.patron_presence


@dataclass(slots=True)
class WorldState:
    """Everything that varies between worlds. ``(R,)`` unless marked ``(R, k)``."""

    depth_km: np.ndarray = _state(start=_held)  # (R, k) advance past the pre-crisis line
    total_depth_km: np.ndarray = _state(start=_held_total)  # depth_km summed over sectors
    defender_force: np.ndarray = _state(np.int8, _force)  # (R, k) FORCE_RANK
    patron_presence: np.ndarray = _state(bool, _presence)  # (R, k) the patron's troops
    entrenched: np.ndarray = _state(bool, _dug_in)  # (R, k) the advanced units dug in
    clash_intensity: np.ndarray = _state()
    fighting_ticks: np.ndarray = _state(np.int16)  # consecutive ticks at war intensity
    combat_ticks: np.ndarray = _state(np.int16)  # ticks of fighting so far, never reset
    killed_defender: np.ndarray = _state(np.int32)
    killed_attacker: np.ndarray = _state(np.int32)
    wounded_defender: np.ndarray = _state(np.int32)
    wounded_attacker: np.ndarray = _state(np.int32)
    fatigue: np.ndarray = _state(start=1.0)  # share of the clash's persistence left
    ceasefire_pressure: np.ndarray = _state()  # the brokers' and governments' pressure to stop
    first_shot_tick: np.ndarray = _state(np.int32, NEVER)
    war_tick: np.ndarray = _state(np.int32, NEVER)  # the fighting crossed the war line
    rumour: np.ndarray = _state()
    alarm: np.ndarray = _state()
    peak_alarm: np.ndarray = _state()
    peak_alarm_tick: np.ndarray = _state(np.int32, NEVER)  # when alarm last peaked
    statement_tick: np.ndarray = _state(np.int32, NEVER)
    attention: np.ndarray = _state()
    cost_of_defiance: np.ndarray = _state()
    talks: np.ndarray = _state(np.int8)  # Talks
    talks_tick: np.ndarray = _state(np.int32, NEVER)
    appeal_alliance_tick: np.ndarray = _state(np.int32, NEVER)
    appeal_patron_tick: np.ndarray = _state(np.int32, NEVER)
    appeal_west_tick: np.ndarray = _state(np.int32, NEVER)
    alliance_state: np.ndarray = _state(np.int8)  # AllianceState
    alliance_state_tick: np.ndarray = _state(np.int32, NEVER)  # entered its current state
    member_consent: np.ndarray = _state(bool, members=True)  # (R, m) each member's stance
    patron_backs_defender: np.ndarray = _state(bool)  # the patron warned or used force
    patron_urged_restraint: np.ndarray = _state(bool)  # the patron urged restraint
    ceasefire: np.ndarray = _state(bool)  # a ceasefire holds
    ceasefire_offer_tick: np.ndarray = _state(np.int32, NEVER)  # the open offer's tick
    attacker_accepts: np.ndarray = _state(bool)  # the attacker accepted the open offer
    defender_accepts: np.ndarray = _state(bool)  # the defender accepted the open offer
    ceasefire_tick: np.ndarray = _state(np.int32, NEVER)  # a ceasefire first took hold
    ceasefires_broken: np.ndarray = _state(np.int16)
    max_depth_km: np.ndarray = _state(start=_held_total)
    rung: np.ndarray = _state(np.int8, 1)  # highest rung of this tick's actions
    max_rung: np.ndarray = _state(np.int8, 1)
    goldstein_total: np.ndarray = _state()  # every action's Goldstein score so far
    outcome: np.ndarray = _state(np.int8, Outcome.ONGOING)  # until absorbed or the horizon
    end_tick: np.ndarray = _state(np.int32, NEVER)

    @classmethod
    def initial(cls, scenario: Scenario, worlds: int, border: Border | None = None) -> WorldState:
        """Return R worlds as the scenario sets them: at the pre-crisis line, or past it."""
        border = Border.of(scenario) if border is None else border
        members = len(scenario.alliance_members)
        values = {}
        for f in fields(cls):
            dtype, start = f.metadata["dtype"], f.metadata["start"]
            if f.metadata["members"]:
                values[f.name] = np.zeros((worlds, members), dtype)
                continue
            start = np.asarray(start(border) if callable(start) else start)
            values[f.name] = (
                np.full(worlds, start, dtype)
                if start.ndim == 0
                else np.tile(start.astype(dtype, copy=False), (worlds, 1))
            )
        return cls(**values)

    def update_total_depth(self) -> None:
        """Recompute ``total_depth_km`` after ``depth_km`` changed (read often, so stored)."""
        self.total_depth_km = row_sum(self.depth_km)

    @property
    def killed(self) -> np.ndarray:
        """Soldiers killed so far, both sides together: what the war line reads."""
        return self.killed_defender + self.killed_attacker

    @property
    def casualties_defender(self) -> np.ndarray:
        """The defender's killed and wounded so far (what its appeal reads)."""
        return self.killed_defender + self.wounded_defender

    @property
    def offer_open(self) -> np.ndarray:
        """Worlds where an offer of a ceasefire is open."""
        return self.ceasefire_offer_tick != NEVER

    @property
    def active(self) -> np.ndarray:
        """Worlds that have not reached an absorbing outcome."""
        return self.outcome == Outcome.ONGOING

    def copy(self) -> WorldState:
        """Return a deep copy (used to freeze absorbed worlds)."""
        return WorldState(**{f.name: getattr(self, f.name).copy() for f in fields(self)})

    def rows(self, worlds: np.ndarray) -> WorldState:
        """Return a copy of the state of ``worlds`` (a mask) only: the worlds to freeze."""
        return WorldState(**{f.name: getattr(self, f.name)[worlds] for f in fields(self)})

    def restore(self, frozen: WorldState, worlds: np.ndarray) -> None:
        """Put back the state ``frozen`` (taken by :meth:`rows`) in ``worlds``."""
        for f in fields(self):
            getattr(self, f.name)[worlds] = getattr(frozen, f.name)
