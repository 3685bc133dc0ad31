"""The class screen, ``/class``: what the whole room may see, for the projector.

No key and no code: the page shows nothing that is not public. The day and its
countdown; which teams have moved (never what they chose); the border as the public
knows it, from the defender's own reports (late and rough: the public learns of an
advance as the defender's government announces it, not from the ground); the public
statements and the news sent to every team. Private messages, proposals and their
answers, news sent to some teams only, the facilitator's log (which says which reports
were false) and the teams' codes are never on it. Once the game is over: how the crisis
ended, among the simulated worlds, and the moves day by day beside what was said in
public, with "Print the debrief" (``/debrief``, :mod:`.printing`).

Sized for a projector at 1280×720 read from the back of a room: text of 22 px and
more, the day's state above the fold.
"""

from __future__ import annotations

import numpy as np
import solara

from sim.catalogue.roles import Role
from sim.teach import printout
from sim.teach.dashboard.config import workshop_room
from sim.teach.dashboard.drawing import MapState, draw_map, figure_png
from sim.teach.dashboard.pages import Countdown, DebriefPicture, date_of_day, use_room
from sim.teach.dashboard.printing import PrintButton
from sim.teach.dashboard.widgets import Grid, Heading, Lines, Para
from sim.teach.game import Debrief

CSS = """
.class-screen { font-size: 22px; line-height: 1.4; }
.class-screen h1 { font-size: 40px; margin: 0 0 4px; }
.class-screen h2 { font-size: 30px; margin: 8px 0; }
.class-screen .countdown { font-size: 30px; margin: 0; }
.class-screen .moved { display: flex; flex-wrap: wrap; gap: 10px; margin: 6px 0; }
.class-screen .moved span { border-radius: 18px; padding: 4px 16px; border: 2px solid #888; }
.class-screen .moved .done { background: #2e7d32; border-color: #2e7d32; color: white; }
.class-screen .lines li { margin-bottom: 6px; }
.class-screen .crisis-table { font-size: 20px; }
"""


def public_posts() -> list:
    """Return what was said to the whole room: public statements and news to every team."""
    return printout.public_posts(workshop_room())


def public_map() -> bytes | None:
    """Return today's map as the public knows it: the defender's reported depths only."""
    room = workshop_room()
    game = room.game
    defender = room.scenario.cast.state(Role.DEFENDER)

    def draw() -> bytes | None:
        view = game.perception(defender)
        if not hasattr(view, "depth_km"):
            return None
        # The depths alone, as the defender's government reports them, and named so.
        state = MapState(np.asarray(view.depth_km)[0], estimate=True, viewer=room.name(defender))
        return figure_png(draw_map(state, room.scenario, day=game.day + 1))

    return room.day_map("class screen", draw)


@solara.component
def ClassScreen():
    """Show the class screen: the day, who has moved, the public map and what was said."""
    room = workshop_room()
    version = use_room(lambda: room.seen_by(None))
    game = room.game
    solara.Title("crisis-sim: the class")
    solara.Style(CSS)
    with solara.Column(classes=["class-screen"], style={"max-width": "1260px", "margin": "auto"}):
        Heading(room.scenario.title)
        if game is None:
            Heading("The game has not started yet.", 2)
            Para("Each team opens the join link the facilitator gives it.")
            return
        if game.finished:
            ClassDebrief(room.debrief, version)
            return
        Heading(f"Day {game.day + 1} of {game.days}: {date_of_day(game.day)}", 2)
        Countdown()
        waiting = game.waiting_for()
        chips = "".join(
            f'<span class="{"waiting" if t in waiting else "done"}">'
            f"{'…' if t in waiting else '✓'} {room.name(t)}</span>"
            for t in game.teams
        )
        solara.HTML(tag="div", unsafe_innerHTML=chips, classes=["moved"])
        with solara.Columns([3, 2]):
            PublicMap(id(game), game.day)
            with solara.Card("Said in public (newest first)"):
                Lines(
                    [room.line(p) for p in reversed(public_posts())],
                    "Nothing has been said in public yet.",
                    ["public"],
                )


@solara.component
def PublicMap(game_id: int, day: int):
    """Show the day's public map, drawn once a day (``game_id``, ``day``)."""
    png = solara.use_memo(public_map, [game_id, day])
    if png is not None:
        solara.Image(png, width="100%", classes=["situation-map"])
        Para("Depths as the defender's government reports them: late, and approximate.")


@solara.component
def ClassDebrief(debrief: Debrief | None, version: int):
    """Show the game's end to the room: the outcome among the simulated worlds, the days.

    Only what the room may see: moves (now that the game is over) beside what was said
    in public, never a private message.
    """
    room = workshop_room()
    game = room.game
    Heading(f"The game is over after day {game.day}.", 2)
    if debrief is None:
        Para("Preparing the debrief: simulating the same crisis many times…")
    else:
        Para(
            f"In {debrief.worlds:,} simulated worlds of the same scenario, with every "
            f"government on its usual policy, {debrief.outcome_share:.0%} ended that way.",
            strong=f"The crisis ended in: {debrief.outcome.replace('_', ' ')}.",
        )
        DebriefPicture(debrief)
    with solara.Card("Day by day: the moves, and what was said in public"):
        Grid(["day", "moves", "said in public"], printout.timeline(room, public_posts()))
    if debrief is not None:
        PrintButton()  # the debrief on paper: the picture, the measures, the timeline
