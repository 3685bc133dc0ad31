"""A workshop game: teams play governments in one world of a scenario, day by day.

Each team controls one actor (Armenia, Azerbaijan, Russia, the CSTO or a third party);
the others follow their scenario policies. A team sees only its actor's view (Yerevan
learns of the advance late and with error; Baku reads the cost of defiance with error)
and may take only its actor's actions. Moves are simultaneous: every team chooses for
the day, then the day is played. A team's move is taken in the first tick of the day;
for the rest of the day it holds. A team that has not chosen when the day closes holds.

The game is one world of an ordinary :class:`~sim.core.model.CrisisModel` (world 0, the
scenario's seed unless another is given), whose human-played actors follow a scripted
policy that is written as the teams move. So the game's record *is* a scenario, the
original with each team's moves as a timeline (:meth:`Game.record`): replaying it gives
the same world exactly, and a saved game is a results folder that ``crisis-sim explain``
and ``crisis-sim report`` read like any run.

For the debrief, each team's default policy is consulted on the same view and the same
random numbers every tick, without acting, so the game can say where a team did what
its policy would not have done; and an ensemble of the original scenario places the
game's world in the distribution of thousands of simulated ones (:meth:`Game.debrief`).
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pandas as pd

from sim.catalogue.roles import Role
from sim.core.actions import CALLS_ON, Action, Rung, actions_in, described
from sim.core.model import CrisisModel
from sim.core.world import Decision
from sim.errors import UserError
from sim.policies.base import Policy
from sim.policies.scripted import Scripted, ScriptedParams, resolve_action
from sim.readers.narration import Event, tick_events
from sim.readers.phrases import stamp, with_cast_names
from sim.spec.schema import FACILITATOR_EVENTS, Inject, InjectKind, Scenario
from sim.teach.debrief import Debrief, debrief_of
from sim.teach.views import event_line, view_lines


class GameError(UserError):
    """A move or request the game refuses; the game goes on."""


class TeamPolicy(Scripted):
    """A team's choices, written into a scripted timeline as the team makes them."""

    reasons: ClassVar = ("the team holds", "the team's choice")

    def play(self, tick: int, action: Action, sector: int) -> None:
        """Take ``action`` (aimed at sector index ``sector``, or -1) at ``tick``."""
        self._by_tick[tick] = (action, sector)


@dataclass(frozen=True)
class Choice:
    """One action a team may take."""

    action: Action
    needs_sector: bool
    description: str  # what the action does, with the game's cast (sim.core.actions.described)

    @property
    def name(self) -> str:
        """The action's name as a move takes it, e.g. ``send_border_guards``."""
        return self.action.name.lower()

    @property
    def label(self) -> str:
        """The action in plain words."""
        return self.action.label


@dataclass(frozen=True)
class Move:
    """A team's move for one day."""

    team: str
    day: int
    action: Action
    sector: str | None = None

    def text(self, sector_names: dict[str, str]) -> str:
        """Return the move in plain words, e.g. ``"send border guards (Sev Lake)"``."""
        where = f" ({sector_names[self.sector]})" if self.sector else ""
        return self.action.label + where


@dataclass(frozen=True)
class Divergence:
    """A day on which a team did something its default policy would not have done."""

    team: str
    day: int
    chosen: str
    default: str
    default_reason: str


# Who knows of what (Game.known_to): the sides and the patron see the fighting.
_WITNESSES = (Role.ATTACKER, Role.DEFENDER, Role.PATRON)
_FIGHTING = {"first shot", "exchange of fire", "sustained fighting", "casualties"}
_FALSE_REPORTS = {"rumour", "false reports"}
_ACTION_BY_LABEL = {action.label: action for action in Action}


class Game:
    """One world of a scenario with some actors played by teams.

    Args:
        scenario: the scenario to play.
        teams: the states the teams play (state ids: ``armenia``, ``azerbaijan``,
            ``russia``, ``csto`` or a third party's id).
        seed: the seed of the world's random numbers (default: the scenario's).
    """

    def __init__(self, scenario: Scenario, teams: list[str], seed: int | None = None) -> None:
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else seed
        self.model = CrisisModel(scenario, worlds=1, seed=self.seed)
        known = list(self.model.actors)
        unknown = [t for t in teams if t not in known]
        if unknown or not teams or len(set(teams)) < len(teams):
            raise GameError(
                f"A game needs one team per role, each a role of the scenario: got "
                f"{', '.join(teams) or 'none'}. Roles in {scenario.name}: {', '.join(known)}."
            )
        self.teams = list(teams)
        self.defaults: dict[str, Policy] = {}
        for team in self.teams:
            actor = self.model.actors[team]
            self.defaults[team] = actor.policy
            actor.policy = TeamPolicy(ScriptedParams(), actor.policy.context)
            actor.policy.reset(1)
        self.ticks_per_day = max(1, round(24 / scenario.tick_hours))
        self.days = -(-scenario.ticks // self.ticks_per_day)
        self.sector_ids = list(scenario.sectors)
        self.sector_names = {sid: s.name for sid, s in scenario.sectors.items()}
        self.pending: dict[str, Move] = {}
        self.moves: list[Move] = []
        self.divergences: list[Divergence] = []
        self.log: list[Event] = []
        self.fired: list[Inject] = []  # the facilitator's events, in order
        self.lock = threading.RLock()  # a dashboard serves several team pages at once
        tick_events(self.model)  # start following the world for the event log

    # -- what a team sees and may do ---------------------------------------------------
    @property
    def day(self) -> int:
        """The day being chosen (0 is the scenario's first day)."""
        return self.model.tick // self.ticks_per_day

    @property
    def finished(self) -> bool:
        """Whether the world has reached its horizon or an absorbing outcome."""
        return not self.model.running

    def role_of(self, state: str) -> Role:
        """Return the role (attacker, defender...) that ``state`` plays, a team's or not."""
        return self.model.actors[self._state(state)].role

    def choices(self, team: str) -> list[Choice]:
        """Return the actions the team's government may take, in catalogue order."""
        return [
            Choice(action, action.info.targets_sector, described(action, self.scenario.cast))
            for action in actions_in(self.role_of(team), self.scenario.cast)
        ]

    def perception(self, team: str):
        """Return how the team's government sees the world now (late and noisy estimates)."""
        return self.model.actors[self._state(team)].perceive()

    def view(self, team: str) -> list[tuple[str, str]]:
        """Return what the team's government sees now, as (label, value) lines in plain words."""
        return view_lines(self.perception(team), self.scenario)

    def known_to(self, event: Event, team: str) -> bool:
        """Whether ``team``'s government would know of ``event`` (the team's news feed).

        Words are public: statements, appeals, calls, offers, visits. Fire is known to
        those who exchange it or watch the ground: the two sides and the patron, whose
        troops are in the region. A move on the ground is seen by the patron, and by the
        attacker when the defender makes it (Baku watched Armenia's positions); the
        defender learns of the attacker's moves from its own late, noisy reports (its
        map), not from the feed. Reports of clashes reach the defender's feed as
        reports; that they were false is known to nobody playing: only the
        facilitator's log says so.
        """
        role = self.role_of(team)
        if event.actor == team:
            return True
        if event.action in _FALSE_REPORTS:  # the defender hears them, not that they are false
            return role is Role.DEFENDER
        witnesses = role in _WITNESSES
        if event.kind == "state":
            return witnesses if event.action in _FIGHTING else True
        if event.kind == "inject":
            if event.action == "advance order":
                return role in (Role.ATTACKER, Role.PATRON)
            return witnesses if event.action == "clash" else True
        action = _ACTION_BY_LABEL.get(event.action)
        if action is None:
            return True
        if action.info.rung >= Rung.USE_OF_FORCE:
            return witnesses
        if action.info.targets_sector or action.info.rung >= Rung.DISPLAY_OF_FORCE:
            mover = self.role_of(event.actor) if event.actor in self.model.actors else None
            return role is Role.PATRON or (role is Role.ATTACKER and mover is Role.DEFENDER)
        return True

    def news_for(self, team: str) -> list[str]:
        """Return what ``team``'s government would know has happened, oldest first.

        Its own moves come with its reasons; of others' it learns what, not why.
        """
        lines = []
        for event in self.log:
            if not self.known_to(event, team):
                continue
            if event.action in _FALSE_REPORTS:
                where = self.scenario.cast.label(self.scenario.cast.state(Role.DEFENDER))
                text = f"Reports of clashes and wounded spread in {where}; none is confirmed"
                day = event.tick // self.ticks_per_day + 1
                lines.append(f"Day {day}, {stamp(event.date)} — {text}")
            else:
                lines.append(event_line(event, self.ticks_per_day, event.actor == team))
        return lines

    def waiting_for(self) -> list[str]:
        """Return the teams that have not chosen for the day."""
        return [team for team in self.teams if team not in self.pending]

    # -- moves and days -----------------------------------------------------------------
    def _state(self, state: str) -> str:
        if state not in self.model.actors:
            raise GameError(
                f"{state!r} is not a role in this game. Roles: {', '.join(self.model.actors)}."
            )
        return state

    def submit(
        self, team: str, action: str, sector: str | None = None, day: int | None = None
    ) -> Move:
        """Record ``team``'s move for the day (a later move that day replaces it).

        Args:
            team: the team, named by the state it plays (``armenia``...).
            action: the action's name (``send_border_guards``, ``appeal_alliance``...).
            sector: the sector's id or name, for actions aimed at a sector.
            day: the day the team chose for; a move for a day already played is refused.
        """
        with self.lock:
            if self._state(team) not in self.teams:
                raise GameError(f"{team} is played by its policy in this game, not by a team.")
            if self.finished:
                raise GameError("The game is over: no more moves.")
            if day is not None and day != self.day:
                raise GameError(
                    f"The move for day {day + 1} came after that day closed; it is now day "
                    f"{self.day + 1}. Choose again for this day."
                )
            chosen = resolve_action(action, self.role_of(team))
            if chosen in CALLS_ON and not self.scenario.cast.has(CALLS_ON[chosen]):
                names = ", ".join(c.name for c in self.choices(team))
                raise GameError(
                    f"{action!r} calls on the {CALLS_ON[chosen].value}, and this crisis has "
                    f"none. Choose: {names}."
                )
            if chosen is None:
                names = ", ".join(c.name for c in self.choices(team))
                raise GameError(f"{action!r} is not an action {team} can take. Choose: {names}.")
            target = None
            if chosen.info.targets_sector:
                target = self._sector(sector, chosen)
            move = Move(team, self.day, chosen, target)
            self.pending[team] = move
            return move

    def _sector(self, sector: str | None, action: Action) -> str:
        for sid, name in self.sector_names.items():
            if sector in (sid, name):
                return sid
        raise GameError(
            f"{action.label} needs a sector: one of "
            + ", ".join(f"{sid} ({name})" for sid, name in self.sector_names.items())
            + "."
        )

    def fire_event(self, kind: str, actor: str | None = None) -> Inject:
        """Fire one of the model's own events today, as the facilitator's inject.

        The event joins the scenario's injects at the day's first tick, so the model
        applies it with this day's moves, ``explain`` narrates it, and the game's record
        (:meth:`record`) replays it. Events a facilitator may fire: :data:`FACILITATOR_EVENTS`.
        """
        with self.lock:
            if self.finished:
                raise GameError("The game is over: no more events.")
            try:
                chosen = InjectKind(kind)
            except ValueError:
                chosen = None
            if chosen not in FACILITATOR_EVENTS:
                names = ", ".join(k.value for k in FACILITATOR_EVENTS)
                raise GameError(f"{kind!r} is not an event the facilitator can fire: {names}.")
            speakers = list(self.scenario.actors.third_parties)
            if chosen is InjectKind.THIRD_PARTY_STATEMENT and actor not in speakers:
                raise GameError(
                    f"{actor!r} is not an outside power of this scenario: "
                    f"{', '.join(speakers) or 'it has none'}."
                )
            event = Inject(
                day=self.day,
                kind=chosen,
                actor=actor if chosen is InjectKind.THIRD_PARTY_STATEMENT else None,
            )
            self.fired.append(event)
            self.model.schedule(event, tick=self.model.tick)  # the open day's first tick
            return event

    def advance_day(self) -> list[Event]:
        """Play the day: every team's move (or hold) in its first tick, then the rest.

        Returns the day's events. Teams that have not chosen hold.
        """
        with self.lock:
            if self.finished:
                raise GameError("The game is over.")
            day = self.day
            first_tick = self.model.tick
            for team in self.teams:
                move = self.pending.pop(team, None) or Move(team, day, Action.HOLD)
                self.moves.append(move)
                sector = self.sector_ids.index(move.sector) if move.sector else -1
                self.model.actors[team].policy.play(first_tick, move.action, sector)
            events: list[Event] = []
            while self.model.running and self.model.tick < first_tick + self.ticks_per_day:
                self._consult_defaults(first=self.model.tick == first_tick, day=day)
                self.model.step()
                events += tick_events(self.model)
            self.log += events
            return events

    def _default_decision(self, team: str, policy: Policy) -> Decision:
        """Return what ``policy`` decides for ``team`` now: its government's view and draws."""
        actor = self.model.actors[team]
        return policy.decide(actor.perceive(), actor.draw)

    def suggestion(self, team: str) -> tuple[Move, str]:
        """Return the move the team's default policy would make now, and its reason.

        Asked of a copy, so asking changes nothing: a team that always takes the
        suggestion plays the simulated world (with one tick a day, exactly).
        """
        with self.lock:
            if self._state(team) not in self.teams:
                raise GameError(f"{team} is played by its policy in this game, not by a team.")
            policy = copy.deepcopy(self.defaults[team])
            decision = self._default_decision(team, policy)
            index = int(decision.sector[0])
            move = Move(
                team,
                self.day,
                Action(int(decision.action[0])),
                self.sector_ids[index] if index >= 0 else None,
            )
            return move, with_cast_names(policy.reasons[int(decision.reason[0])], self.scenario)

    def _consult_defaults(self, first: bool, day: int) -> None:
        """Ask each team's default policy what it would do now (same view, same draws)."""
        for team in self.teams:
            decision = self._default_decision(team, self.defaults[team])
            if not first:
                continue
            move = self.moves[-len(self.teams) + self.teams.index(team)]
            would = Action(int(decision.action[0]))
            sector_index = int(decision.sector[0])
            would_sector = self.sector_ids[sector_index] if sector_index >= 0 else None
            if (would, would_sector) != (move.action, move.sector):
                reason = with_cast_names(
                    self.defaults[team].reasons[int(decision.reason[0])], self.scenario
                )
                default_move = Move(team, day, would, would_sector)
                self.divergences.append(
                    Divergence(
                        team,
                        day,
                        move.text(self.sector_names),
                        default_move.text(self.sector_names),
                        reason,
                    )
                )

    def play_to_end(self) -> None:
        """Play every remaining day (teams that do not choose hold)."""
        while not self.finished:
            self.advance_day()

    # -- the record, the folder and the debrief ---------------------------------------
    def outcome(self) -> pd.Series:
        """Return the world's row of outcomes (as in worlds.parquet) once the game is over."""
        if not self.finished:
            raise GameError("The game is not over yet.")
        return self.model.outcomes().iloc[0]

    def record(self) -> Scenario:
        """Return the scenario as played: each team's state scripted with its moves."""
        from sim.spec.validation import validate_data

        data = self.scenario.model_dump(mode="json", exclude_none=True)
        data["name"] = f"{self.scenario.name}-game"[:80]
        data["title"] = f"{self.scenario.title} (as played)"[:120]
        data["uncertainties"], data["levers"] = {}, {}
        data["injects"] = data.get("injects", []) + [
            event.model_dump(mode="json", exclude_none=True) for event in self.fired
        ]
        for team in self.teams:
            timeline = [
                {"day": m.day, "action": m.action.name.lower(), "sector": m.sector}
                for m in self.moves
                if m.team == team and m.action is not Action.HOLD
            ]
            for move in timeline:
                if move["sector"] is None:
                    del move["sector"]
            spec = {"policy": "scripted", "params": {"timeline": timeline}}
            if team in data["actors"]:
                data["actors"][team] = {**data["actors"][team], **spec}
            else:
                data["actors"]["third_parties"][team].update(spec)
        return validate_data(data, Path(f"<{self.scenario.name} as played>"))

    def save(self, out: Path, replace: bool = False) -> Path:
        """Write the played world as a results folder (``explain`` and ``report`` read it)."""
        from sim.run.service import plan_run, run_to_folder

        if not self.finished:
            raise GameError("The game is not over yet: finish it before saving.")

        def same_world(replay) -> None:
            if not replay.outcomes.iloc[0].equals(self.outcome()):  # pragma: no cover - a bug
                raise GameError("The game's record does not replay to the same world; not saved.")

        plan = plan_run(
            self.record(), out, worlds=1, seed=self.seed, command="crisis-sim game", replace=replace
        )
        return run_to_folder(plan, verify=same_world)[1]

    def debrief(self, worlds: int = 2000) -> Debrief:
        """Place the game's world in an ensemble of the original scenario (see :mod:`.debrief`)."""
        return debrief_of(self, worlds)
