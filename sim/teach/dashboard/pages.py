"""What the workshop's pages share: the room's updates, the map, the countdown, the debrief.

- ``/game?key=…``: the facilitator. Without the key it only asks for it. Starts a game,
  hands out the teams' join links (and a sheet of QR codes), watches who has moved,
  sends news, reads every channel, closes the days, debriefs.
- ``/team/STATE?code=…``: a team, named by the id of the state it plays
  (``/team/armenia``). Without its code it shows the public state of the game and asks
  for the code; with it, the team's view, its moves, its inbox, messages and proposals
  to the other teams.
- ``/sheet?key=…``: one card per team with its join link as a QR code, to print.
- ``/class``: the class screen, for the projector: only what the whole room may see
  (:mod:`sim.teach.dashboard.class_screen`).

The pages themselves are in :mod:`sim.teach.dashboard.facilitator` (``/game``,
``/sheet``) and :mod:`sim.teach.dashboard.team` (``/team/STATE``). The room
(:class:`~sim.teach.dashboard.room.Room`) is the game's one copy, shared by all pages
and opened when the first of them asks for it
(:func:`~sim.teach.dashboard.config.workshop_room`); with ``crisis-sim dashboard`` it
journals every change to the game's folder.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable

import solara

from sim.catalogue.roles import Role
from sim.teach.dashboard.config import workshop_room
from sim.teach.dashboard.countdown import Countdown as BrowserCountdown
from sim.teach.dashboard.drawing import MapState, draw_map, figure_png
from sim.teach.dashboard.widgets import Grid, Para
from sim.teach.debrief import (
    Debrief,
    departures_that_mattered,
    draw_debrief,
    grouped,
    note,
    shown_value,
)
from sim.teach.game import GameError
from sim.teach.printout import timeline

#: Seconds a page waits for a change before it checks that it shows the latest.
RECHECK_SECONDS = 0.5
#: Seconds a closed day's map waits, so that the pages show the day's text first.
MAP_AFTER = 1.0


def use_room(shows: Callable[[], Hashable] | None = None) -> int:
    """Redraw the page as soon as the room changes what it shows (another page moved...).

    A thread of the page waits on the room's condition (:attr:`Room.changed`), which
    every change notifies: the page is poked the moment a change is made, not at the next
    poll. ``shows``: what of the room the page shows (:meth:`Room.seen_by`); the page is
    redrawn only when that changes (None: at every change), so that a message between
    two teams redraws their pages and the facilitator's, not every page of the class,
    which all share the server's time. A poke that arrives while the page is rendering
    for another reason can be absorbed by that render, so a page that is still behind
    after ``RECHECK_SECONDS`` is poked again. The countdown ticks in the browser
    (:mod:`.countdown`): no page is redrawn each second. Returns the room's version.
    """
    room = workshop_room()
    look = shows or (lambda: room.version)
    shown = solara.use_ref(None)
    _, set_pokes = solara.use_state(0)

    def watch(cancel: threading.Event) -> None:
        seen = room.version
        while not cancel.is_set():
            with room.changed:
                room.changed.wait_for(
                    lambda seen=seen: room.version != seen, timeout=RECHECK_SECONDS
                )
                seen, now = room.version, look()
            if not cancel.is_set() and now != shown.current:
                set_pokes(lambda n: n + 1)

    # Not cancelled "intrusively": that traces every line the thread runs (sys.settrace).
    solara.use_thread(watch, dependencies=[], intrusive_cancel=False)
    with room.lock:  # read before the page reads the room: never newer than the page
        shown.current = look()
        return room.version


def date_of_day(day: int) -> str:
    """Return the calendar date of a game's day (0 is the scenario's start date)."""
    room = workshop_room()
    start = dt.datetime.combine(room.scenario.start_date, dt.time())
    return (start + dt.timedelta(days=day)).strftime("%-d %B %Y")


def SituationMap(team: str | None = None, narrow: bool = False):
    """Return the border map for the day on: the world, or as ``team``'s government sees it.

    ``narrow``: drawn for a phone (:mod:`sim.teach.dashboard.screen`).
    """
    game = workshop_room().game
    return DayMap(team, id(game), game.day, narrow)


@solara.component
def DayMap(team: str | None, game_id: int, day: int, narrow: bool = False):
    """Show the border map: the world as it is, or as ``team``'s government perceives it.

    The defender's depths are its estimates (late and noisy), drawn pale and marked "≈";
    an outside power, which sees only the total, gets no map. The world moves only when
    a day closes, so each map is drawn once a day (``game_id`` and ``day``) and shared
    by the pages that show it. Drawing it takes a fifth of a second, so it is drawn
    in the background, after ``MAP_AFTER`` seconds: a closed day's text shows first on
    every page (drawing holds Python's lock, which the pages' renders need), with
    yesterday's map until today's is ready.
    """
    room = workshop_room()
    png, set_png = solara.use_state(room.cached_map((team, narrow)))

    def draw(cancel: threading.Event) -> None:
        if png is not None and cancel.wait(MAP_AFTER):
            return  # the page has gone, or moved on to another day
        set_png(room.day_map((team, narrow), lambda: _draw_map(team, narrow)))

    # Not cancelled "intrusively" (a trace of every line): drawing under it is many times
    # slower, and the pages wait for the drawn maps.
    solara.use_thread(draw, dependencies=[team, game_id, day, narrow], intrusive_cancel=False)
    if png is not None:
        solara.Image(png, width="100%", classes=["situation-map"])


def _draw_map(team: str | None, narrow: bool) -> bytes | None:
    room = workshop_room()
    game = room.game
    if team is None:
        state = MapState.of_world(game.model.world)
    else:
        name = room.scenario.cast.label(team)
        defender = game.role_of(team) is Role.DEFENDER
        state = MapState.of_view(game.perception(team), name, defender)
        if state is None:
            return None
    return figure_png(draw_map(state, room.scenario, day=game.day + 1, narrow=narrow))


def Countdown():
    """Return the day's countdown (it ticks in the browser), or "No timer is running"."""
    return BrowserCountdown(workshop_room().seconds_left())


@solara.component
def DebriefView(debrief: Debrief | None, team: str | None = None):
    """Show the game's world against the ensemble (a team sees only its own departures).

    The debrief is an argument, not read from the room: a component re-renders only when
    its arguments or its own state change, so one that read the room would keep showing
    "Preparing…" after the debrief is ready.
    """
    if debrief is None:
        solara.Text("The crisis is over. Preparing the debrief…")
        return
    room = workshop_room()
    defender = room.scenario.cast.label(room.scenario.cast.state(Role.DEFENDER))
    with solara.Card("Debrief", classes=["debrief"]):
        Para(
            f"In {debrief.worlds:,} simulated worlds of the same scenario, with every "
            f"government on its usual policy, {debrief.outcome_share:.1%} ended that way.",
            strong=f"The crisis ended in: {debrief.outcome.replace('_', ' ')}.",
        )
        DebriefPicture(debrief)
        Grid(
            ["measure", "your game", "median world", "percentile", "what it is"],
            [
                [
                    r.measure,
                    shown_value(r.column, r.game),
                    shown_value(r.column, r.ensemble_median),
                    f"{r.percentile:.0f}",
                    note(r.column, defender),
                ]
                for r in debrief.percentiles.itertuples()
            ],
        )
        Para(
            "A percentile of 90 means that nine in ten simulated worlds had less of it; "
            "50, that your world was a usual one."
        )
        shown = [d for d in debrief.divergences if team in (None, d.team)]
        mattered = grouped(departures_that_mattered(shown))
        if mattered:
            Para(
                "Where teams did not do what their government's usual policy would have "
                "done, in ways that change a crisis:"
            )
            Grid(
                ["team", "days", "chose", "the policy would have chosen", "because"],
                [
                    [room.name(t), ", ".join(map(str, days)), d.chosen, d.default, d.default_reason]
                    for t, days, d in mattered
                ],
            )
            left = len(shown) - sum(len(days) for _, days, _ in mattered)
            if left:
                Para(
                    f"And {left} more day{'s' if left > 1 else ''} on which a team spoke or "
                    "waited where its policy would have done something else of the same weight."
                )
        else:
            solara.Text("Every team did what its government's usual policy would have done.")
    Timeline(team)


@solara.component
def DebriefPicture(debrief: Debrief):
    """Show where the class's world falls among the simulated worlds (drawn once)."""
    png = solara.use_memo(lambda: figure_png(draw_debrief(debrief)), [id(debrief)])
    solara.Image(png, width="100%", classes=["debrief-picture"])


def Timeline(team: str | None = None) -> None:
    """Show the game day by day: the teams' moves beside what was said that day.

    ``team``: what that team was told (None: the facilitator, everything).
    """
    room = workshop_room()
    with solara.Card("Timeline: the moves and what was said, day by day"):
        Grid(["day", "moves", "what was said"], timeline(room, room.feed(team)))


def use_attempt():
    """Return ``(attempt, said)``: ``attempt(action)`` runs it and keeps what it said.

    ``action`` returns a sentence for the user, or raises GameError with the refusal;
    :func:`Said` shows the last of either.
    """
    said = solara.use_reactive(("", ""))  # (kind, text)

    def attempt(action) -> None:
        try:
            said.set(("ok", action()))
        except GameError as error:
            said.set(("error", str(error)))

    return attempt, said


def Said(said) -> None:
    """Show what the last attempt said: its success, or its refusal.

    In a column that is always there, so the buttons above keep their place when it shows.
    """
    kind, words = said.value
    with solara.Column():
        if kind == "ok":
            solara.Success(words)
        elif kind == "error":
            solara.Error(words)
