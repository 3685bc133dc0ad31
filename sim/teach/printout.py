"""A game's record as pages to read and print: the debrief and the transcript's parts.

Plain HTML, no browser code, so that the same page is a file in the game's folder and
a page of the dashboard (``/debrief``). What they share is here:

- :func:`document`, a page with the print stylesheet: A4, black on white, no buttons
  in print, a page break before each section, rows and pictures kept whole;
- :func:`table` and :func:`picture` (a figure as an inline SVG, sharp on paper);
- :func:`timeline`, the game day by day: the moves beside what was said (the
  dashboard's timelines are these rows too);
- :func:`debrief_section`, the debrief: the outcome and its share, the picture, the
  measures each explained in one line, the rungs by name, the departures that
  mattered;
- :func:`debrief_page`, the printable debrief: the debrief and the timeline. For the
  class (``everything=False``) the timeline has only what was said in public, as on
  the class screen; for the facilitator, every message.
"""

from __future__ import annotations

import html
import io
import re
from typing import TYPE_CHECKING

from sim.catalogue.roles import Role
from sim.teach.debrief import (
    RUNGS,
    departures_that_mattered,
    draw_debrief,
    grouped,
    note,
    shown_value,
)
from sim.teach.negotiation import EVERYONE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sim.teach.dashboard.room import Room
    from sim.teach.debrief import Debrief

#: The file of the printable debrief, beside the transcript in the game's folder.
DEBRIEF_NAME = "debrief.html"

#: On screen a readable column; on paper A4, black on white, each section on a new page.
STYLE = """
.printout { font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em;
       color: #1f2937; line-height: 1.4; }
.printout svg, .printout img { max-width: 100%; height: auto; }
.printout table { border-collapse: collapse; width: 100%; margin: .5em 0 1.5em; }
.printout th, .printout td { text-align: left; vertical-align: top; padding: 4px 10px 4px 0;
       border-bottom: 1px solid #e5e7eb; white-space: pre-line; }
.printout tr.move td, .printout tr.move-sent td { font-weight: bold; }
.printout tr.event td { color: #4b5563; }
.printout .print-button { font-size: 18px; padding: 8px 20px; margin: 8px 0 16px;
       border: 2px solid #1f2937; border-radius: 4px; background: #fff; cursor: pointer; }
@media print {
  @page { size: A4; margin: 15mm; }
  .printout { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  .printout, .printout * { color: #000 !important; background: transparent !important; }
  .printout .print-button, .printout button { display: none !important; }
  .printout section + section { break-before: page; }
  .printout h2, .printout h3 { break-after: avoid; }
  .printout tr, .printout svg, .printout img, .printout li { break-inside: avoid; }
  .printout th, .printout td { border-bottom: 1px solid #000; }
}
"""
#: Pressed on screen, gone on paper.
PRINT_BUTTON = (
    '<button class="print-button" type="button" onclick="window.print()">Print the debrief</button>'
)


def document(title: str, body: str) -> str:
    """Return a page of its own: ``body`` (HTML) under ``title``, with the print style."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body class='printout'>{body}</body></html>"
    )


def table(header: list[str], rows: list[list[str]], kinds: list[str] | None = None) -> str:
    """Return a table of escaped text; ``kinds``: a class for each row (its kind)."""
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = []
    for index, row in enumerate(rows):
        cells = "".join(f"<td>{esc(cell)}</td>" for cell in row)
        kind = f" class='{esc(kinds[index].replace(' ', '-'))}'" if kinds else ""
        body.append(f"<tr{kind}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def picture(figure: Figure, alt: str) -> str:
    """Return ``figure`` as an inline SVG (its text drawn as paths: the same on any printer)."""
    out = io.StringIO()
    figure.savefig(out, format="svg")
    svg = out.getvalue()
    svg = svg[svg.index("<svg") :]  # no XML declaration or doctype inside a page
    return re.sub(
        r"<svg ", f"<svg role='img' aria-label='{html.escape(alt)}' ", svg, count=1
    ).replace("\n", "")


def public_posts(room: Room) -> list:
    """Return what was said to the whole room: public statements and news to every team."""
    return [p for p in room.feed(None) if EVERYONE in p.to]


def timeline(room: Room, posts: list) -> list[list[str]]:
    """Return the game day by day: ``[day, the moves (not the holds), what was said]``.

    ``posts``: what may be shown (the public ones, a team's, or every one).
    """
    game = room.game
    if game is None:
        return []
    rows = []
    for day in range(game.day + (0 if game.finished else 1)):
        moves = [
            f"{room.name(m.team)}: {m.text(game.sector_names)}"
            for m in game.moves
            if m.day == day and m.action.name != "HOLD"
        ]
        said = [room.line(p) for p in posts if p.day == day]
        rows.append([str(day + 1), "; ".join(moves) or "all held", "\n".join(said) or "-"])
    return rows


def debrief_section(room: Room, debrief: Debrief, team: str | None = None) -> str:
    """Return the debrief as HTML: outcome, picture, measures, rungs, departures.

    ``team``: only that team's departures (None: every team's).
    """
    esc = html.escape
    defender = room.scenario.cast.label(room.scenario.cast.state(Role.DEFENDER))
    outcome = debrief.outcome.replace("_", " ")
    measures = table(
        ["measure", "this game", "median world", "percentile"],
        [
            [
                r.measure,
                shown_value(r.column, r.game),
                shown_value(r.column, r.ensemble_median),
                f"{r.percentile:.0f}",
            ]
            for r in debrief.percentiles.itertuples()
        ],
    )
    named = [(r.measure, r.column) for r in debrief.percentiles.itertuples()]
    notes = "".join(
        f"<li><strong>{esc(name)}</strong>: {esc(note(column, defender))}</li>"
        for name, column in [*named, ("killed", "killed")]
        if note(column, defender)
    )
    rungs = "".join(f"<li>{number}: {esc(label)}</li>" for number, label in RUNGS.items())
    shown = [d for d in debrief.divergences if team in (None, d.team)]
    mattered = grouped(departures_that_mattered(shown))
    left = len(shown) - sum(len(days) for _, days, _ in mattered)
    departures = (
        "<p>Where teams did not do what their government's usual policy would have done, "
        "in ways that change a crisis:</p>"
        + table(
            ["team", "days", "chose", "the policy would have chosen", "because"],
            [
                [room.name(t), ", ".join(map(str, days)), d.chosen, d.default, d.default_reason]
                for t, days, d in mattered
            ],
        )
        if mattered
        else "<p>Every team did what its government's usual policy would have done, "
        "or something of the same weight.</p>"
    )
    if left:
        departures += (
            f"<p>And {left} more day{'s' if left > 1 else ''} on which a team spoke or waited "
            "where its policy would have done something else of the same weight.</p>"
        )
    return (
        f"<section class='debrief'><h2>Debrief</h2><p><strong>The crisis ended in: "
        f"{esc(outcome)}.</strong> In {debrief.worlds:,} simulated worlds of the same "
        "scenario, with every government on its usual policy, "
        f"{debrief.outcome_share:.1%} ended that way.</p>"
        f"{picture(draw_debrief(debrief), 'Your crisis among the simulated worlds')}"
        "</section><section class='measures'><h2>The measures</h2>"
        f"{measures}<p>A percentile of 90 means that nine in ten simulated worlds had less "
        "of it; 50, that your world was a usual one.</p>"
        f"<h3>What each measure is</h3><ul>{notes}</ul>"
        f"<h3>The rungs of the escalation ladder</h3><ul>{rungs}</ul>"
        f"</section><section class='departures'><h2>Departures that mattered</h2>"
        f"{departures}</section>"
    )


def debrief_page(room: Room, everything: bool = False) -> str:
    """Return the printable debrief of a finished game (the body of its page).

    ``everything``: the timeline with every message (the facilitator's); otherwise only
    what was said in public, as the class screen shows it.
    """
    esc = html.escape
    game, debrief = room.game, room.debrief
    parts = [f"<h1>{esc(room.scenario.title)}: the debrief</h1>"]
    if game is None or not game.finished:
        return parts[0] + "<p>The debrief is printed once the game is over.</p>"
    if debrief is None:
        return parts[0] + "<p>Preparing the debrief: simulating the same crisis many times…</p>"
    teams = ", ".join(room.name(t) for t in game.teams)
    parts.append(f"<p>Teams: {esc(teams)}. The game was over after day {game.day}.</p>")
    parts.append(PRINT_BUTTON)
    parts.append(debrief_section(room, debrief))
    posts = room.feed(None) if everything else public_posts(room)
    said = "what was said" if everything else "what was said in public"
    parts.append(
        f"<section class='timeline'><h2>Day by day: the moves, and {said}</h2>"
        + table(["day", "moves", said], timeline(room, posts))
        + "</section>"
    )
    return "".join(parts)
