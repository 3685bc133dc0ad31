"""What the workshop's pages share: the room's updates, the map, the countdown, the debrief.

- ``/game?key=…``: the facilitator. Without the key it only asks for it. Starts a game,
  hands out the teams' join links (and a sheet of QR codes), watches who has moved,
  sends news, reads every channel, closes the days, debriefs.
- ``/team/STATE?code=…``: a team, named by the id of the state it plays
  (``/team/armenia``). Without its code it shows the public state of the game and asks
  for the code; with it, the team's view, its moves, its inbox, messages and proposals
  to the other teams.
- ``/sheet?key=…``: one card per team with its join link as a QR code, to print.

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

import solara

from sim.catalogue.roles import Role
from sim.teach.dashboard.config import workshop_room
from sim.teach.dashboard.drawing import MapState, draw_map, figure_png
from sim.teach.dashboard.widgets import Grid, Para
from sim.teach.game import Debrief, GameError

POLL_SECONDS = 0.3


def use_room(ticking: bool = False, facilitator: bool = False) -> None:
    """Redraw the page whenever the room changes (another page moved, a day closed).

    A thread polls :attr:`Room.version` and pokes the page until a render has shown the
    latest version: a poke that arrives while the page is rendering for another reason
    can be absorbed by that render, so "changed once, poked once" may leave a page stale.
    ``ticking``: also redraw each second while a timer runs (the countdown). The
    facilitator's page also closes the day when its timer runs out.
    """
    room = workshop_room()
    shown = solara.use_ref(-1)
    _, set_pokes = solara.use_state(0)

    def watch(cancel: threading.Event) -> None:
        last_second = None
        while not cancel.wait(POLL_SECONDS):
            if facilitator:
                room.tick_timer()
            if ticking:
                left = room.seconds_left()
                second = None if left is None else int(left)
                if second != last_second:
                    last_second = second
                    set_pokes(lambda n: n + 1)
            if room.version != shown.current:
                set_pokes(lambda n: n + 1)

    solara.use_thread(watch, dependencies=[])
    shown.current = room.version  # read before the page reads the room: never newer


def date_of_day(day: int) -> str:
    """Return the calendar date of a game's day (0 is the scenario's start date)."""
    room = workshop_room()
    start = dt.datetime.combine(room.scenario.start_date, dt.time())
    return (start + dt.timedelta(days=day)).strftime("%-d %B %Y")


def SituationMap(team: str | None = None) -> None:
    """Show the border map: the world as it is, or as ``team``'s government perceives it.

    The defender's depths are its estimates (late and noisy), drawn pale and marked "≈";
    an outside power, which sees only the total, gets no map.
    """
    room = workshop_room()
    game = room.game
    if team is None:
        state = MapState.of_world(game.model.world)
    else:
        name = room.scenario.cast.label(team)
        defender = game.role_of(team) is Role.DEFENDER
        state = MapState.of_view(game.perception(team), name, defender)
        if state is None:
            return
    figure = draw_map(state, room.scenario, day=game.day + 1)
    solara.Image(figure_png(figure), width="100%", classes=["situation-map"])


def Countdown():
    """Return the day's countdown, or nothing without a timer."""
    room = workshop_room()
    left = room.seconds_left()
    if left is None:
        return solara.Text("No timer is running.", classes=["quiet"])
    minutes, seconds = divmod(int(left), 60)
    return solara.HTML(
        tag="p",
        unsafe_innerHTML=f"The day closes in <strong>{minutes}:{seconds:02d}</strong>.",
        classes=["countdown"],
    )


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
    with solara.Card("Debrief", classes=["debrief"]):
        Para(
            f"In {debrief.worlds:,} simulated worlds of the same scenario, with every "
            f"government on its usual policy, {debrief.outcome_share:.1%} ended that way.",
            strong=f"The crisis ended in: {debrief.outcome.replace('_', ' ')}.",
        )
        Grid(
            ["measure", "your game", "median world", "percentile"],
            [
                [r.measure, f"{r.game:.2f}", f"{r.ensemble_median:.2f}", f"{r.percentile:.0f}"]
                for r in debrief.percentiles.itertuples()
            ],
        )
        Grid(
            ["simulated worlds ended in", "share"],
            [[r.outcome.replace("_", " "), f"{r.share:.1%}"] for r in debrief.shares.itertuples()],
        )
        shown = [d for d in debrief.divergences if team in (None, d.team)]
        if shown:
            Para("Where teams did not do what their government's usual policy would have done:")
            Grid(
                ["day", "team", "chose", "the policy would have chosen", "because"],
                [[str(d.day + 1), d.team, d.chosen, d.default, d.default_reason] for d in shown],
            )
        else:
            solara.Text("Every team did what its government's usual policy would have done.")
    Timeline(team)


def Timeline(team: str | None = None) -> None:
    """Show the game day by day: the teams' moves beside what was said that day.

    ``team``: what that team was told (None: the facilitator, everything).
    """
    room = workshop_room()
    game = room.game
    if game is None:
        return
    rows = []
    for day in range(game.day + (0 if game.finished else 1)):
        moves = [
            f"{m.team}: {m.text(game.sector_names)}"
            for m in game.moves
            if m.day == day and m.action.name != "HOLD"
        ]
        said = [p.line() for p in room.feed(team) if p.day == day]
        rows.append([str(day + 1), "; ".join(moves) or "all held", "\n".join(said) or "-"])
    with solara.Card("Timeline: the moves and what was said, day by day"):
        Grid(["day", "moves", "what was said"], rows)


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
