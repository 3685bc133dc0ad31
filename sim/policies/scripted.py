"""The scripted policy: replay a timeline of moves written in the scenario file."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from sim.catalogue.roles import Role
from sim.core.actions import CALLS_ON, Action, actions_for
from sim.core.world import Decision
from sim.policies.base import Draw, Params, Policy, Reason, tick_of_day
from sim.spec.schema import Strict

ALIASES = {"fire": ("ATTACKER_FIRE", "DEFENDER_FIRE"), "statement": ("ALLIANCE_STATEMENT",)}


class Move(Strict):
    """One scripted move."""

    day: float = Field(ge=0.0, le=365.0, description="When, in days from the start.")
    action: str = Field(description="The action's name, e.g. advance, appeal_alliance, phone_both.")
    sector: str | None = Field(None, description="For actions aimed at a sector: which one.")


class ScriptedParams(Params):
    """A timeline of moves."""

    timeline: list[Move] = Field(
        default_factory=list, description="The moves, in any order; holds at other times."
    )


def resolve_action(name: str, kind: Role) -> Action | None:
    """Return the action ``name`` means for an actor of ``kind``, or None."""
    allowed = {a.name: a for a in actions_for(kind)}
    key = name.strip().upper().replace(" ", "_").replace("-", "_")
    for candidate in (key, *ALIASES.get(key.lower(), ())):
        if candidate in allowed:
            return allowed[candidate]
    return None


class ScriptedReason(Reason):
    """Why a scripted actor acts: the timeline says so."""

    NOTHING = "nothing calls for action"
    AS_WRITTEN = "as the timeline has it"


class Scripted(Policy):
    """Replay a timeline from the scenario file, the same in every world.

    For the real May 11-14, 2021 sequence (scenarios/scripted-may-2021.yaml) and for
    injects of a government's choices into an otherwise simulated crisis.
    """

    name = "scripted"
    actors: ClassVar = tuple(Role)
    Params: ClassVar = ScriptedParams
    reasons: ClassVar = ScriptedReason.texts()
    classifier: ClassVar = {"stochastic": False, "reads": []}

    @classmethod
    def needs(cls, params: ScriptedParams, kind: Role) -> list[tuple[Role, tuple | None, str]]:
        """Return each move that calls on a role a crisis may lack (an appeal to it)."""
        found = []
        for index, move in enumerate(params.timeline):
            role = CALLS_ON.get(resolve_action(move.action, kind))
            if role is not None:
                found.append((role, ("timeline", index, "action"), f"the move {move.action!r}"))
        return found

    @classmethod
    def problems(
        cls, params: ScriptedParams, kind: Role, scenario: Any
    ) -> list[tuple[tuple, str, str]]:
        """Return (path, message, hint) for each move that cannot be replayed as written."""
        found = []
        sector_ids = list(scenario.sectors)
        names = ", ".join(a.name.lower() for a in actions_for(kind))
        seen: dict[int, int] = {}
        for index, move in enumerate(params.timeline):
            path = ("timeline", index)
            action = resolve_action(move.action, kind)
            if action is None:
                found.append(
                    (
                        (*path, "action"),
                        f"{move.action!r} is not an action of the {kind.value.replace('_', ' ')}",
                        f"use one of: {names}",
                    )
                )
                continue
            if action.info.targets_sector and move.sector not in sector_ids:
                found.append(
                    (
                        (*path, "sector"),
                        f"{action.name.lower()} needs a sector, got {move.sector!r}",
                        "name one of the scenario's sectors: " + ", ".join(sector_ids),
                    )
                )
            if not action.info.targets_sector and move.sector is not None:
                found.append(
                    (
                        (*path, "sector"),
                        f"{action.name.lower()} is not aimed at a sector, so `sector` does nothing",
                        "remove `sector` from this move",
                    )
                )
            tick = scenario.tick_of_day(move.day)
            if tick >= scenario.ticks:
                found.append(
                    (
                        (*path, "day"),
                        f"day {move.day:g} is at or past the horizon ({scenario.horizon_days:g} "
                        "days), so this move would never be played",
                        "move it earlier, or raise horizon_days",
                    )
                )
            if tick in seen:
                found.append(
                    (
                        (*path, "day"),
                        f"moves {seen[tick]} and {index} fall in the same tick",
                        "an actor takes one action per tick: move one to a later hour",
                    )
                )
            seen[tick] = index
        return found

    def reset(self, worlds: int) -> None:
        """Index the timeline by tick."""
        self._worlds = worlds
        self._by_tick: dict[int, tuple[Action, int]] = {}
        sector_ids = list(self.context.sector_ids)
        for move in self.params.timeline:
            action = resolve_action(move.action, self.context.kind)
            sector = sector_ids.index(move.sector) if move.sector in sector_ids else -1
            self._by_tick[tick_of_day(move.day, self.context.tick_hours)] = (action, sector)

    def decide(self, view: Any, draw: Draw) -> Decision:
        """Take this tick's scripted move in every world, or hold."""
        decision = Decision.hold(view.worlds)
        move = self._by_tick.get(view.tick)
        if move is not None:
            decision.action[:] = move[0]
            decision.sector[:] = move[1]
            decision.reason[:] = ScriptedReason.AS_WRITTEN
        return decision
