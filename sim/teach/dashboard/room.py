"""The workshop room: one game shared by the facilitator's page and every team's page.

Each browser tab is its own Solara session, so the game lives here, in the server
process, behind a lock. Pages read a snapshot and watch :attr:`Room.version`, which
every change increments, to redraw when another page has moved. A role is claimed by
the first browser that opens its page; another browser opening it is told so and sees
the page read-only, and the game goes on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim.spec.loading import load_scenario
from sim.teach.game import Debrief, Game, GameError

DEBRIEF_WORLDS = 2000


@dataclass(frozen=True)
class Claim:
    """Which browser session plays a role."""

    role: str
    session: str


class Room:
    """The game of one dashboard server, shared by all its pages."""

    def __init__(self, scenario_file: str | Path, debrief_worlds: int = DEBRIEF_WORLDS) -> None:
        self.scenario_file = str(scenario_file)
        self.scenario = load_scenario(scenario_file).scenario
        self.debrief_worlds = debrief_worlds
        self.lock = threading.RLock()
        self.game: Game | None = None
        self.claims: dict[str, str] = {}
        self.deadline: float | None = None
        self.debrief: Debrief | None = None
        self.saved: Path | None = None
        # The day closes as soon as every team has moved (the facilitator may turn this
        # off to hold the day open for discussion, and close it by hand).
        self.close_when_all_moved = True
        self.version = 0

    def _changed(self) -> None:
        self.version += 1

    # -- the facilitator -------------------------------------------------------------------
    def start(self, teams: list[str], seed: int | None = None) -> Game:
        """Start a new game with these teams (any game under way is dropped)."""
        with self.lock:
            self.game = Game(self.scenario, teams, seed)
            # Teams keep their pages for a new round; roles no longer played are freed.
            self.claims = {r: page for r, page in self.claims.items() if r in teams}
            self.deadline = None
            self.debrief = None
            self.saved = None
            self._changed()
            return self.game

    def set_timer(self, seconds: float | None) -> None:
        """Close the day ``seconds`` from now whoever has chosen (None: no timer)."""
        with self.lock:
            self.deadline = None if seconds is None else time.monotonic() + seconds
            self._changed()

    def set_close_when_all_moved(self, on: bool) -> None:
        """Close each day as soon as every team has moved (on), or only by hand or timer."""
        with self.lock:
            self.close_when_all_moved = on
            self._changed()
        self._close_if_all_moved()

    def _close_if_all_moved(self) -> None:
        self._close_day_if(lambda game: self.close_when_all_moved and not game.waiting_for())

    def seconds_left(self) -> float | None:
        """Return the seconds until the timer closes the day, or None without a timer."""
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def advance(self) -> None:
        """Close the day and play it; at the end, prepare the debrief."""
        if not self._close_day_if(lambda game: True):
            self._game()  # raises when no game has started
            raise GameError("The game is over.")

    def tick_timer(self) -> None:
        """Close the day if its timer has run out (called by the facilitator's page)."""
        self._close_day_if(
            lambda game: self.deadline is not None and time.monotonic() >= self.deadline
        )

    def _close_day_if(self, due: Callable[[Game], bool]) -> bool:
        """Close the day if ``due(game)`` holds, checked and done under the lock.

        Two teams' last moves, the timer and the facilitator's button can race to close
        the same day; deciding and closing under one lock closes it once.
        """
        with self.lock:
            game = self.game
            if game is None or game.finished or not due(game):
                return False
            game.advance_day()
            self.deadline = None
            self._changed()
        if game.finished:
            self._finish(game)  # an ensemble: outside the lock, so pages stay live
        return True

    def _finish(self, game: Game) -> None:
        debrief = game.debrief(self.debrief_worlds)
        with self.lock:
            if self.game is game:
                self.debrief = debrief
                self._changed()

    def save(self, out: Path) -> Path:
        """Write the finished game as a results folder."""
        with self.lock:
            self.saved = self._game().save(out)
            self._changed()
            return self.saved

    # -- the teams -----------------------------------------------------------------------
    def _game(self) -> Game:
        if self.game is None:
            raise GameError("No game has started yet: the facilitator starts it from /game.")
        return self.game

    def claim(self, role: str, session: str) -> str | None:
        """Claim ``role`` for a browser session; return why not, or None when it is yours."""
        with self.lock:
            game = self._game()
            if role not in game.teams:
                return f"{role!r} is not a team in this game. Teams: {', '.join(game.teams)}."
            holder = self.claims.get(role)
            if holder is None:
                self.claims[role] = session
                self._changed()
                return None
            if holder != session:
                return (
                    f"{role} is already played from another browser. This page shows the "
                    "game but cannot move; ask the facilitator if that is wrong."
                )
            return None

    def release(self, role: str) -> None:
        """Free a role so another browser may claim it (the facilitator's page)."""
        with self.lock:
            self.claims.pop(role, None)
            self._changed()

    def submit(self, role: str, session: str, action: str, sector: str | None, day: int) -> str:
        """Record a team's move; return the move in words (raises GameError if refused)."""
        with self.lock:
            if self.claims.get(role) != session:
                raise GameError(f"This browser does not play {role}: it cannot move for it.")
            move = self._game().submit(role, action, sector, day=day)
            self._changed()
            said = move.text(self._game().sector_names)
        self._close_if_all_moved()
        return said
