"""A game's transcript: what was said and done, day by day and team by team.

A class's record is more than its moves: what the teams wrote to each other, what they
proposed and answered, the news the facilitator sent and what happened in the world.
The transcript lists all of it by day, as an HTML page to read or print and a CSV file
to sort and count, with the debrief once the game is over.

It is written from the game's journal (:mod:`sim.teach.dashboard.journal`) by replaying
it, so a game that crashed has a transcript too: ``crisis-sim transcript GAME_DIR``, or
the button on the facilitator's page. Replaying changes nothing in the folder but the
two files it writes.
"""

from __future__ import annotations

import csv
import html
from pathlib import Path
from typing import TYPE_CHECKING

from sim.errors import UserError
from sim.teach.negotiation import EVERYONE, FACILITATOR, Channel
from sim.teach.views import event_line

if TYPE_CHECKING:
    from sim.teach.dashboard.room import Room
    from sim.teach.game import Debrief

HTML_NAME = "transcript.html"
CSV_NAME = "transcript.csv"
COLUMNS = ("day", "kind", "from", "to", "text")
_KINDS = {
    Channel.MESSAGE: "message",
    Channel.STATEMENT: "public statement",
    Channel.NEWS: "news",
    Channel.PROPOSAL: "proposal",
    Channel.ANSWER: "answer",
}


def rows(room: Room) -> list[dict[str, str]]:
    """Return the game's record as rows: each day's words, then its moves, then events."""
    game = room.game
    if game is None:
        return []

    def name(who: str) -> str:
        if who == EVERYONE:
            return "everyone"
        return "the facilitator" if who == FACILITATOR else room.name(who)

    played = game.day + (0 if game.finished else 1)
    out: list[dict[str, str]] = []
    for day in range(played):
        for post in room.feed(None):
            if post.day == day:
                to = ", ".join(name(t) for t in post.to)
                kind = _KINDS[post.channel]
                out.append(_row(day, kind, name(post.sender), to, room.line(post)))
        for move in game.moves:
            if move.day == day:
                out.append(_row(day, "move", name(move.team), "", move.text(game.sector_names)))
        for team, move in game.pending.items() if day == game.day else ():
            out.append(_row(day, "move sent", name(team), "", move.text(game.sector_names)))
        for event in game.log:
            if event.tick // game.ticks_per_day == day:
                who = name(event.actor) if event.actor in game.model.actors else ""
                out.append(_row(day, "event", who, "", event_line(event, game.ticks_per_day)))
    return out


def _row(day: int, kind: str, sender: str, to: str, text: str) -> dict[str, str]:
    return dict(zip(COLUMNS, (str(day + 1), kind, sender, to, text), strict=True))


def write(room: Room, folder: Path) -> tuple[Path, Path]:
    """Write the transcript of ``room``'s game into ``folder``; return the two files."""
    table = rows(room)
    csv_path, html_path = folder / CSV_NAME, folder / HTML_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with csv_path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(table)
        html_path.write_text(_page(room, table), encoding="utf-8")
    except OSError as error:
        raise UserError(
            f"Cannot write the transcript into {folder}/ ({error.strerror or error}). "
            "Choose a folder you can write to."
        ) from None
    return html_path, csv_path


def _page(room: Room, table: list[dict[str, str]]) -> str:
    game = room.game
    esc = html.escape
    title = f"{room.scenario.title}: the game's transcript"
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
    ]
    if game is None:
        parts.append("<p>No game was started.</p>")
    else:
        teams = ", ".join(room.name(t) for t in game.teams)
        state = f"over after day {game.day}" if game.finished else f"on day {game.day + 1}"
        parts.append(f"<p>Teams: {esc(teams)}. The game is {esc(state)} of {game.days}.</p>")
        if room.debrief is not None:
            parts.append(_debrief(room, room.debrief))
        for day in sorted({int(r["day"]) for r in table}):
            parts.append(f"<h2>Day {day}</h2><table><thead><tr>")
            parts.append("".join(f"<th>{c}</th>" for c in COLUMNS[1:]) + "</tr></thead><tbody>")
            for row in (r for r in table if int(r["day"]) == day):
                cells = "".join(f"<td>{esc(row[c])}</td>" for c in COLUMNS[1:])
                parts.append(f"<tr class='{esc(row['kind'].replace(' ', '-'))}'>{cells}</tr>")
            parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "".join(parts)


def _debrief(room: Room, debrief: Debrief) -> str:
    import base64

    from sim.catalogue.roles import Role
    from sim.teach.dashboard.drawing import figure_png
    from sim.teach.debrief import (
        departures_that_mattered,
        draw_debrief,
        grouped,
        note,
        shown_value,
    )

    esc = html.escape
    defender = room.scenario.cast.label(room.scenario.cast.state(Role.DEFENDER))
    outcome = debrief.outcome.replace("_", " ")
    picture = base64.b64encode(figure_png(draw_debrief(debrief))).decode()
    measures = "".join(
        f"<tr><td>{esc(r.measure)}</td><td>{esc(shown_value(r.column, r.game))}</td>"
        f"<td>{esc(shown_value(r.column, r.ensemble_median))}</td><td>{r.percentile:.0f}</td>"
        f"<td>{esc(note(r.column, defender))}</td></tr>"
        for r in debrief.percentiles.itertuples()
    )
    departures = "".join(
        f"<tr><td>{esc(room.name(team))}</td><td>{', '.join(map(str, days))}</td>"
        f"<td>{esc(d.chosen)}</td><td>{esc(d.default)}</td><td>{esc(d.default_reason)}</td></tr>"
        for team, days, d in grouped(departures_that_mattered(debrief.divergences))
    )
    return (
        f"<h2>Debrief</h2><p><strong>The crisis ended in: {esc(outcome)}.</strong> In "
        f"{debrief.worlds:,} simulated worlds of the same scenario, with every government on "
        f"its usual policy, {debrief.outcome_share:.1%} ended that way.</p>"
        f"<img alt='Your crisis among the simulated worlds' src='data:image/png;base64,"
        f"{picture}'>"
        "<table><thead><tr><th>measure</th><th>this game</th><th>median world</th>"
        f"<th>percentile</th><th>what it is</th></tr></thead><tbody>{measures}</tbody></table>"
        + (
            "<p>Where teams did not do what their government's usual policy would have done, "
            "in ways that change a crisis:</p><table><thead><tr><th>team</th><th>days</th>"
            "<th>chose</th><th>the policy would have chosen</th><th>because</th></tr></thead>"
            f"<tbody>{departures}</tbody></table>"
            if departures
            else ""
        )
    )


_STYLE = (
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#1f2937}"
    "img{max-width:100%}"
    "table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}"
    "th,td{text-align:left;vertical-align:top;padding:4px 10px 4px 0;"
    "border-bottom:1px solid #e5e7eb}"
    "tr.move td,tr.move-sent td{font-weight:bold}tr.event td{color:#4b5563}"
    "@media print{body{margin:0}h2{break-after:avoid}tr{break-inside:avoid}}"
)
