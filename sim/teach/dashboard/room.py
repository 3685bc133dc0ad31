"""The workshop room: one game shared by the facilitator's page and every team's page.

Each browser tab is its own Solara session, so the game lives here, in the server
process, behind a lock. Pages read a snapshot and watch :attr:`Room.version`, which
every change increments, to redraw when another page has moved.

Who may do what (:mod:`sim.teach.dashboard.access`): the facilitator's page holds the
key; a team's page that presents the team's code claims the team for its browser, and
only that browser moves for it until the facilitator frees it. Teams talk through
:mod:`sim.teach.negotiation`: messages, public statements, proposals whose acceptance
makes both teams' move for the day, and the facilitator's news.

Every change is a record applied by :meth:`Room._apply`, which also writes it to the
game's journal (:mod:`sim.teach.dashboard.journal`) when the room has one. Resuming a
game replays the journal's records through the same method, so a resumed room is the
room that crashed: the same world, claims, pending moves and messages.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.spec.loading import load_scenario, scenario_hash
from sim.teach.dashboard.access import Access
from sim.teach.dashboard.journal import GameJournal
from sim.teach.dashboard.talks import Talks
from sim.teach.game import Debrief, Game, GameError
from sim.teach.negotiation import EVERYONE, FACILITATOR, Channel, Post, checked_text

DEBRIEF_WORLDS = 2000
#: Seconds a resumed game's timer gives the teams when it ran out while the server was down.
RESUME_GRACE = 30.0


def browser_id(session: str) -> str:
    """Return the name a claim keeps for a browser session: a hash, never the cookie.

    A Solara session id is the browser's cookie, a credential; the journal and the room
    keep only its hash.
    """
    return hashlib.sha256(session.encode()).hexdigest()[:24]


class Room(Talks):
    """The game of one dashboard server, shared by all its pages.

    Args:
        scenario_file: the scenario the games play.
        debrief_worlds: worlds of the ensemble the debrief compares the game with.
        access: the facilitator's key and the teams' codes (fresh ones by default).
        journal: where every change is written as it happens (None: memory only).
    """

    def __init__(
        self,
        scenario_file: str | Path,
        debrief_worlds: int = DEBRIEF_WORLDS,
        access: Access | None = None,
        journal: GameJournal | None = None,
    ) -> None:
        self.scenario_file = str(scenario_file)
        self.scenario = load_scenario(scenario_file).scenario
        # The states a team may play: the cast's and the outside powers.
        self.states = [*self.scenario.cast.states, *self.scenario.actors.third_parties]
        self.access = access or Access.new(self.states)
        self.journal = journal
        self.debrief_worlds = debrief_worlds
        self.lock = threading.RLock()
        # Notified at each change: the pages' watchers wait on it (pages.use_room).
        self.changed = threading.Condition(self.lock)
        self.game: Game | None = None
        self.claims: dict[str, str] = {}  # team -> browser_id of the browser playing it
        self.posts: list[Post] = []
        self.agreed: dict[str, int] = {}  # team -> the proposal that fixed today's move
        self.released: set[int] = set()  # the scenario's prepared injects sent so far
        self.deadline: float | None = None
        self.debrief: Debrief | None = None
        self.saved: Path | None = None
        # The day closes as soon as every team has moved (the facilitator may turn this
        # off to hold the day open for discussion, and close it by hand).
        self.close_when_all_moved = True
        self.version = 0
        self._replaying = False
        self._maps: dict[Any, tuple[tuple[int, int], bytes | None]] = {}
        self._drawing = threading.Lock()  # not the room's: moves go on while a map is drawn
        self._maps_lock = threading.Lock()  # the drawn maps; held for a look-up, never a draw

    # -- a game folder: a new one, or one resumed after a crash --------------------------
    @classmethod
    def create(cls, scenario_file: str | Path, folder: Path, debrief_worlds: int = DEBRIEF_WORLDS):
        """Return a room whose changes are journaled in the new folder ``folder``."""
        room = cls(scenario_file, debrief_worlds)
        room.journal = GameJournal.create(folder, str(scenario_file), scenario_hash(room.scenario))
        room.access.save(folder)
        return room

    @classmethod
    def resume(
        cls,
        scenario_file: str | Path,
        folder: Path,
        debrief_worlds: int = DEBRIEF_WORLDS,
        read_only: bool = False,
    ):
        """Return the room of ``folder`` as its journal left it (raises UserError if foreign).

        ``read_only``: to read the game (its transcript), not to play on: nothing is
        written to the folder and no timer runs.
        """
        room = cls(scenario_file, debrief_worlds)
        room.journal, records = GameJournal.reopen(
            folder, str(scenario_file), scenario_hash(room.scenario), repair=not read_only
        )
        room.access = Access.load(folder, room.states)
        room._replaying = True
        try:
            for record in records:
                room._apply(record)
        finally:
            room._replaying = False
        if read_only:
            room.journal = None
        else:
            room._start_timer()
        return room

    def prepare_debrief(self) -> None:
        """Start the debrief of a finished game resumed without one, in the background."""
        game = self.game
        if game is not None and game.finished and self.debrief is None:
            threading.Thread(target=self._finish, args=(game,), daemon=True).start()

    # -- every change goes through here ---------------------------------------------------
    def _apply(self, record: dict[str, Any]) -> Any:
        """Apply one change to the room, and journal it (under the lock).

        A record names its team under the key ``"role"``: the journal's format, kept so
        that games journaled before the team was called a team still resume.
        """
        with self.lock:
            kind = record["kind"]
            result = getattr(self, f"_do_{kind}")(record)
            if self.journal is not None and not self._replaying:
                self.journal.append(record)
            self._bump()
            return result

    def _bump(self) -> None:
        """Count a change and wake every page that waits for one (under the lock)."""
        with self.lock:
            self.version += 1
            self.changed.notify_all()

    def _do_start(self, record: dict) -> Game:
        self.game = Game(self.scenario, record["teams"], record.get("seed"))
        # Teams keep their browsers for a new round; teams no longer played are freed.
        self.claims = {t: b for t, b in self.claims.items() if t in record["teams"]}
        self.posts, self.agreed, self.released = [], {}, set()
        self.deadline = self.debrief = self.saved = None
        return self.game

    def _do_claim(self, record: dict) -> None:
        self.claims[record["role"]] = record["browser"]

    def _do_release(self, record: dict) -> None:
        self.claims.pop(record["role"], None)

    def _do_setting(self, record: dict) -> None:
        self.close_when_all_moved = bool(record["close_when_all_moved"])

    def _do_move(self, record: dict) -> str:
        game = self._game()
        move = game.submit(
            record["role"], record["action"], record.get("sector"), day=record["day"]
        )
        return move.text(game.sector_names)

    def _do_close(self, record: dict) -> None:
        game = self._game()
        if record["day"] != game.day:
            raise GameError(f"Day {record['day'] + 1} is already closed.")
        game.advance_day()
        self.agreed = {}
        self.deadline = None

    def _do_timer(self, record: dict) -> None:
        if record["day"] != self._game().day:
            raise GameError(f"Day {record['day'] + 1} is already closed.")
        if record["until"] is None:
            self.deadline = None
            return
        if self._replaying:  # resumed: the time it runs out, or a little time to finish
            left = max(record["until"] - time.time(), RESUME_GRACE)
        else:
            left = record["seconds"]
        self.deadline = time.monotonic() + left
        if not self._replaying:
            self._start_timer()

    def _start_timer(self) -> None:
        """Close the day when its timer runs out, whichever pages are open."""
        left = self.seconds_left()
        if left is not None:
            timer = threading.Timer(left + 0.01, self.tick_timer)
            timer.daemon = True
            timer.start()

    def _do_event(self, record: dict) -> str:
        game = self._game()
        if record["day"] != game.day:
            raise GameError(f"Day {record['day'] + 1} is already closed.")
        return game.fire_event(record["event"], record.get("actor")).kind.value

    def _do_prepared(self, record: dict) -> str:
        game, index = self._game(), record["index"]
        if index in self.released:
            raise GameError(
                f"{self.scenario.workshop_injects[index].title!r} was released already."
            )
        prepared = self.scenario.workshop_injects[index]
        if prepared.event is not None:
            game.fire_event(prepared.event.value, prepared.actor)
        if prepared.news:
            audience = tuple(prepared.to) or (EVERYONE,)
            news = Post(
                len(self.posts), game.day, Channel.NEWS, FACILITATOR, audience, prepared.news
            )
            self.posts.append(news)
        self.released.add(index)
        return prepared.title

    def _do_post(self, record: dict) -> Post:
        post = Post.from_record(record["post"])
        self.posts.append(post)
        if post.channel is Channel.ANSWER and post.accepted:
            proposal = self.posts[post.answers]
            for team, proposer in ((proposal.sender, True), (post.sender, False)):
                action = proposal.kind.move(self._game().role_of(team), proposer)
                sector = proposal.sector if action.info.targets_sector else None
                self._game().submit(team, action.name.lower(), sector, day=post.day)
                self.agreed[team] = proposal.number
        return post

    # -- the facilitator (its page has checked the key) ------------------------------------
    def start(self, teams: list[str], seed: int | None = None) -> Game:
        """Start a new game with these teams (any game under way is dropped)."""
        return self._apply({"kind": "start", "teams": list(teams), "seed": seed})

    def set_timer(self, seconds: float | None) -> None:
        """Close the day ``seconds`` from now whoever has chosen (None: no timer).

        Journaled with the time it runs out, so that a resumed game keeps its timer.
        """
        with self.lock:
            day = self._game().day
            until = None if seconds is None else time.time() + seconds
            self._apply({"kind": "timer", "day": day, "seconds": seconds, "until": until})

    def set_close_when_all_moved(self, on: bool) -> None:
        """Close each day as soon as every team has moved (on), or only by hand or timer."""
        self._apply({"kind": "setting", "close_when_all_moved": bool(on)})
        self._close_if_all_moved()

    def _close_if_all_moved(self, finish: bool = True) -> bool:
        return self._close_day_if(
            lambda game: self.close_when_all_moved and not game.waiting_for(), finish
        )

    def seconds_left(self) -> float | None:
        """Return the seconds until the timer closes the day, or None without a timer."""
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def advance(self, day: int | None = None) -> None:
        """Close the day and play it; at the end, prepare the debrief.

        ``day``: the day the facilitator's page showed; refused if it is already closed
        (a press that arrives after the timer closed it must not close the next one).
        """
        if not self._close_day_if(lambda game: day is None or day == game.day):
            game = self._game()  # raises when no game has started
            if game.finished:
                raise GameError("The game is over.")
            raise GameError(
                f"Day {day + 1} had already closed; it is now day {game.day + 1}, still open."
            )

    def tick_timer(self) -> None:
        """Close the day if its timer has run out (called by the facilitator's page)."""
        self._close_day_if(
            lambda game: self.deadline is not None and time.monotonic() >= self.deadline
        )

    def _close_day_if(self, due: Callable[[Game], bool], finish: bool = True) -> bool:
        """Close the day if ``due(game)`` holds, checked and done under the lock.

        Two teams' last moves, the timer and the facilitator's button can race to close
        the same day; deciding and closing under one lock closes it once. ``finish``:
        prepare the debrief if that was the last day (False: the caller will, once it has
        let the lock go, with :meth:`_finish_if_over`).
        """
        with self.lock:
            game = self.game
            if game is None or game.finished or not due(game):
                return False
            self._apply({"kind": "close", "day": game.day})
        if finish:
            self._finish_if_over()
        return True

    def _finish_if_over(self) -> None:
        """Prepare the debrief of a game that has just ended (an ensemble: not under the lock)."""
        game = self.game
        if game is not None and game.finished and self.debrief is None:
            self._finish(game)

    def _finish(self, game: Game) -> None:
        debrief = game.debrief(self.debrief_worlds)
        with self.lock:
            if self.game is game:
                self.debrief = debrief
                self._bump()

    def save(self, out: Path) -> Path:
        """Write the finished game as a results folder."""
        with self.lock:
            self.saved = self._game().save(out)
            self._bump()
            return self.saved

    def release(self, team: str) -> None:
        """Free a team so another browser with its code may claim it (the facilitator)."""
        self._apply({"kind": "release", "role": team})

    def news(self, text: str, to: list[str] | None = None) -> Post:
        """Send the facilitator's news to every team (``to`` None) or to some."""
        game = self._game()
        audience = tuple(to) if to else (EVERYONE,)
        self._teams_in_game(game, [t for t in audience if t != EVERYONE])
        return self._post(Channel.NEWS, FACILITATOR, audience, checked_text(text))

    def fire_event(self, kind: str, actor: str | None = None) -> str:
        """Fire one of the model's events today (a rumour, a ministerial visit...)."""
        with self.lock:
            day = self._game().day
            return self._apply({"kind": "event", "event": kind, "actor": actor, "day": day})

    def release_inject(self, index: int) -> str:
        """Release the scenario's prepared inject ``index``: its news, its event, or both."""
        with self.lock:
            game = self._game()
            if not 0 <= index < len(self.scenario.workshop_injects):
                raise GameError(f"There is no prepared inject {index + 1}.")
            absent = [t for t in self.scenario.workshop_injects[index].to if t not in game.teams]
            if absent:
                raise GameError(
                    f"Its news is for {', '.join(absent)}, not a team in this game: send it "
                    "from the news box to the teams you choose."
                )
            return self._apply({"kind": "prepared", "index": index, "day": game.day})

    def seen_by(self, team: str | None) -> tuple:
        """Return what a page of ``team`` shows of the room (None: the class screen).

        Its pages redraw only when this changes (:func:`~.pages.use_room`): the day, the
        timer, the posts that reach the team (the public ones for the class screen), the
        team's own move and browser, and for the class screen who has moved.
        """
        with self.lock:
            game = self.game
            if game is None:
                return (None, self.claims.get(team or ""))
            posts = tuple(
                p.number
                for p in self.posts
                if (EVERYONE in p.to if team is None else p.reaches(team))
            )
            seen = (id(game), game.day, game.finished, self.debrief is None, self.deadline, posts)
            if team is None:
                return (*seen, tuple(game.waiting_for()))
            mine = (game.pending.get(team), team in self.agreed, self.claims.get(team))
            return (*seen, *mine)

    # -- the maps the pages show, drawn once a day ------------------------------------------
    def cached_map(self, which: Any) -> bytes | None:
        """Return the last map drawn as ``which`` (e.g. ``(team, narrow)``), of any day."""
        with self._maps_lock:  # not the drawing's lock: a page's render never waits for a draw
            return self._maps.get(which, (None, None))[1]

    def day_map(self, which: Any, draw: Callable[[], bytes | None]) -> bytes | None:
        """Return today's map ``which``, drawn by ``draw`` unless a page already has."""
        today = (id(self.game), self.game.day if self.game else -1)
        with self._drawing:  # one map at a time, so two pages of one team draw it once
            with self._maps_lock:
                drawn = self._maps.get(which)
            if drawn is not None and drawn[0] == today:
                return drawn[1]
            png = draw()
            with self._maps_lock:
                self._maps[which] = (today, png)
            return png

    # -- the teams (each call names the browser; claims need the team's code) -------------
    def _game(self) -> Game:
        if self.game is None:
            raise GameError("No game has started yet: the facilitator starts it from /game.")
        return self.game

    def holds(self, team: str, session: str) -> bool:
        """Whether the browser of ``session`` plays ``team``."""
        return self.claims.get(team) == browser_id(session)

    def claim(self, team: str, session: str, code: str | None) -> str | None:
        """Claim ``team`` for a browser with the team's code; return why not, or None."""
        with self.lock:
            game = self._game()
            if team not in game.teams:
                return f"{team!r} is not a team in this game. Teams: {', '.join(game.teams)}."
            if not self.access.opens(team, code):
                return (
                    f"This page has no valid code for {team}: it shows the game but cannot "
                    "move. Open the join link the facilitator gave your team."
                )
            holder = self.claims.get(team)
            if holder is None:
                self._apply({"kind": "claim", "role": team, "browser": browser_id(session)})
                return None
            return self.held_elsewhere(team) if holder != browser_id(session) else None

    @staticmethod
    def held_elsewhere(team: str) -> str:
        """Return what a page is told when another browser plays its team."""
        return (
            f"{team} is already played from another browser. This page shows the game but "
            "cannot move; ask the facilitator to free the team if that is wrong."
        )

    def _player(self, team: str, session: str) -> Game:
        game = self._game()
        if not self.holds(team, session):
            raise GameError(f"This browser does not play {team}: it cannot act for it.")
        if game.finished:
            raise GameError("The game is over.")
        return game

    def submit(self, team: str, session: str, action: str, sector: str | None, day: int) -> str:
        """Record a team's move; return the move in words (raises GameError if refused)."""
        with self.lock:
            game = self._player(team, session)
            if team in self.agreed and game.day == day:
                proposal = self.posts[self.agreed[team]]
                raise GameError(
                    f"Today's move is fixed by the agreement on {proposal.kind.label} "
                    f"(proposal {self.proposal_number(proposal)}); it cannot be changed "
                    "until the day closes."
                )
            said = self._apply(
                {"kind": "move", "role": team, "day": day, "action": action, "sector": sector}
            )
            # Still under the lock: the pages wake once, to the move and the closed day.
            closed = self._close_if_all_moved(finish=False)
        if closed:
            self._finish_if_over()
        return said
