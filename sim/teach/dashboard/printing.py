"""The printable debrief, ``/debrief``: the debrief to teach from, on paper.

Opened by "Print the debrief" on the class screen and on the facilitator's page once
a game is over: the outcome among the simulated worlds and its picture, the measures
each explained in one line, the rungs by name, the departures from the usual policies
that mattered, and the moves day by day beside what was said. Without the
facilitator's key it holds only what the class screen may show (what was said in
public); with it (the facilitator's button), every message. The page is
:func:`sim.teach.printout.debrief_page`, the same as the folder's ``debrief.html``,
with the print stylesheet: A4, black on white, each section on a new page, no buttons
and none of the dashboard's bars on paper.
"""

from __future__ import annotations

from urllib.parse import quote

import solara

from sim.teach import printout
from sim.teach.dashboard.access import query_value
from sim.teach.dashboard.config import workshop_room
from sim.teach.dashboard.pages import use_room

#: On paper: none of the dashboard's bars, a white page, and the page's whole length
#: (on screen Solara's layout is one screen high and scrolls inside, which would
#: print the first screen only).
CHROME_CSS = """
@media print {
  header, nav, .v-app-bar, .v-toolbar, .v-navigation-drawer, .v-footer,
  .v-progress-linear { display: none !important; }
  html, body, .v-application, .v-application *:not(svg):not(svg *) {
    height: auto !important; max-height: none !important; min-height: 0 !important;
    overflow: visible !important; }
  .v-application, .v-main, .v-sheet { background: #fff !important; padding: 0 !important; }
}
"""


@solara.component
def PrintedDebrief():
    """Show the printable debrief of the game (every message only with the key)."""
    room = workshop_room()
    router = solara.use_router()
    everything = room.access.is_facilitator(query_value(router.search, "key"))
    game = room.game
    over = game is not None and game.finished

    def shows() -> tuple:
        return id(room.game), room.game is not None and room.game.finished, id(room.debrief)

    use_room(shows)
    solara.Title("crisis-sim: the debrief")
    solara.Style(printout.STYLE + CHROME_CSS)
    body = solara.use_memo(
        lambda: printout.debrief_page(room, everything),
        [id(game), over, id(room.debrief), everything, len(room.posts)],
    )
    solara.HTML(tag="div", unsafe_innerHTML=body, classes=["printout"])


def PrintButton(key: str | None = None):
    """Return the button that opens the printable debrief in a new tab.

    ``key``: the facilitator's, for the debrief with every message.
    """
    link = "/debrief" + (f"?key={quote(key)}" if key else "")
    return solara.Button(
        "Print the debrief", href=link, target="_blank", outlined=True, icon_name="mdi-printer"
    )
