"""A game's transcript: what was said and done, day by day and team by team.

A class's record is more than its moves: what the teams wrote to each other, what they
proposed and answered, the news the facilitator sent and what happened in the world.
The transcript lists all of it by day, as an HTML page to read or print and a CSV file
to sort and count, with the debrief once the game is over, and then the printable
debrief too (:mod:`sim.teach.printout`).

It is written from the game's journal (:mod:`sim.teach.dashboard.journal`) by replaying
it, so a game that crashed has a transcript too: ``crisis-sim transcript GAME_DIR``, or
the button on the facilitator's page. Replaying changes nothing in the folder but the
files it writes.
"""

from __future__ import annotations

import csv
import html
from pathlib import Path
from typing import TYPE_CHECKING

from sim.errors import UserError
from sim.teach import printout
from sim.teach.negotiation import EVERYONE, FACILITATOR, Channel
from sim.teach.views import event_line

if TYPE_CHECKING:
    from sim.teach.dashboard.room import Room

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


def write(room: Room, folder: Path) -> tuple[Path, ...]:
    """Write the transcript of ``room``'s game into ``folder``; return the files written.

    The HTML page and the CSV table, and once the game's debrief is ready the printable
    debrief (:data:`~sim.teach.printout.DEBRIEF_NAME`, the facilitator's: every message).
    """
    table = rows(room)
    csv_path, html_path = folder / CSV_NAME, folder / HTML_NAME
    written = [html_path, csv_path]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with csv_path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(table)
        html_path.write_text(_page(room, table), encoding="utf-8")
        if room.debrief is not None:
            written.append(folder / printout.DEBRIEF_NAME)
            title = f"{room.scenario.title}: the debrief"
            page = printout.document(title, printout.debrief_page(room, everything=True))
            written[-1].write_text(page, encoding="utf-8")
    except OSError as error:
        raise UserError(
            f"Cannot write the transcript into {folder}/ ({error.strerror or error}). "
            "Choose a folder you can write to."
        ) from None
    return tuple(written)


def listed(written: tuple[Path, ...]) -> str:
    """Return the files written, in words: "a, b and c"."""
    names = [str(path) for path in written]
    return ", ".join(names[:-1]) + f" and {names[-1]}"


def _page(room: Room, table: list[dict[str, str]]) -> str:
    game = room.game
    esc = html.escape
    title = f"{room.scenario.title}: the game's transcript"
    parts = [f"<h1>{esc(title)}</h1>"]
    if game is None:
        parts.append("<p>No game was started.</p>")
    else:
        teams = ", ".join(room.name(t) for t in game.teams)
        state = f"over after day {game.day}" if game.finished else f"on day {game.day + 1}"
        parts.append(f"<p>Teams: {esc(teams)}. The game is {esc(state)} of {game.days}.</p>")
        if room.debrief is not None:
            parts.append(printout.debrief_section(room, room.debrief))
        for day in sorted({int(r["day"]) for r in table}):
            rows = [r for r in table if int(r["day"]) == day]
            parts.append(f"<section><h2>Day {day}</h2>")
            parts.append(
                printout.table(
                    list(COLUMNS[1:]),
                    [[r[c] for c in COLUMNS[1:]] for r in rows],
                    [r["kind"] for r in rows],
                )
            )
            parts.append("</section>")
    return printout.document(title, "".join(parts))
