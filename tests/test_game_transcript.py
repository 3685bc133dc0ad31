"""A workshop game's transcript, issue 26: what was said and done, by day, from the journal.

``crisis-sim transcript GAME_DIR`` replays the journal, so a game that crashed has one,
and writes transcript.html and transcript.csv into the folder, changing nothing else.
"""

from __future__ import annotations

import csv
import html
import re

import pytest

from sim.teach import printout
from sim.teach.dashboard.journal import JOURNAL
from sim.teach.dashboard.room import Room
from sim.teach.debrief import RUNGS, note

from conftest import run_main
from dashboards import short_scenario

TEAMS = ["armenia", "azerbaijan", "russia", "csto"]


@pytest.fixture
def game(tmp_path):
    """A game folder a day and a half into a three-day game, as a crash would leave it."""
    scenario = short_scenario(tmp_path, days=3)
    folder = tmp_path / "results" / "games" / "short-1"
    room = Room.create(scenario, folder, debrief_worlds=20)
    room.start(TEAMS)
    for team in TEAMS:
        room.claim(team, f"b-{team}", room.access.codes[team])
    room.send("armenia", "b-armenia", "azerbaijan", "<b>Leave</b> Sev Lake.")
    room.send("russia", "b-russia", "everyone", "We urge restraint.")
    room.news("Reuters: units seen near Sev Lake.", to=["armenia"])
    room.fire_event("rumour")
    proposal = room.propose("azerbaijan", "b-azerbaijan", "armenia", "talks", text="Meet?")
    room.answer("armenia", "b-armenia", proposal.number, accept=True)
    room.submit("russia", "b-russia", "phone_both", None, day=0)
    room.submit("csto", "b-csto", "consultations", None, day=0)  # the day closes
    room.submit("azerbaijan", "b-azerbaijan", "advance", "Sev Lake", day=1)
    return folder


def test_the_transcript_holds_every_word_and_move_by_day_and_changes_nothing(game, tmp_path):
    journal = (game / JOURNAL).read_bytes()
    result = run_main(tmp_path, "transcript", str(game))
    assert result.returncode == 0, result.stderr
    assert "transcript.html" in result.stdout
    assert (game / JOURNAL).read_bytes() == journal  # read, not resumed
    with (game / "transcript.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    kinds = {(r["day"], r["kind"], r["from"]) for r in rows}
    assert {
        ("1", "message", "Armenia"),
        ("1", "public statement", "Russia"),
        ("1", "news", "the facilitator"),
        ("1", "proposal", "Azerbaijan"),
        ("1", "answer", "Armenia"),
        ("1", "move", "Armenia"),  # the agreed talks
        ("1", "move", "CSTO"),
        ("2", "move sent", "Azerbaijan"),  # the open day's move, sent before the crash
    } <= kinds
    assert any(r["kind"] == "event" and r["day"] == "1" for r in rows)
    talks = next(r for r in rows if r["kind"] == "move" and r["from"] == "Armenia")
    assert talks["text"] == "local talks"
    page = (game / "transcript.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Leave&lt;/b&gt; Sev Lake." in page and "<b>Leave" not in page
    assert "<h2>Day 1</h2>" in page and "<h2>Day 2</h2>" in page


def test_a_finished_game_s_transcript_has_its_debrief(game, tmp_path):
    scenario = tmp_path / "short.yaml"
    room = Room.resume(scenario, game, debrief_worlds=20)
    while not room.game.finished:
        room.advance()
    result = run_main(tmp_path, "transcript", str(game), "--debrief-worlds", "20")
    assert result.returncode == 0, result.stderr
    page = (game / "transcript.html").read_text(encoding="utf-8")
    assert "The crisis ended in:" in page and "In 20 simulated worlds" in page
    assert "debrief.html" in result.stdout  # and the debrief to print, beside it
    assert "In 20 simulated worlds" in (game / "debrief.html").read_text(encoding="utf-8")


def test_the_printable_debrief_has_the_picture_the_measures_the_rungs_and_the_days(game, tmp_path):
    room = Room.resume(tmp_path / "short.yaml", game, debrief_worlds=20)
    assert "printed once the game is over" in printout.debrief_page(room)  # on day 2
    while not room.game.finished:
        room.advance()  # the last day's prepares the debrief
    assert room.debrief is not None
    page = printout.document("debrief", printout.debrief_page(room))
    # A print stylesheet: A4, no buttons on paper, a page break between sections.
    assert "@media print" in page and "size: A4" in page
    assert re.search(r"@media print \{.*\.print-button[^}]*display: none", page, re.S)
    assert "section + section { break-before: page; }" in page
    assert page.count("<section") >= 4  # debrief, measures, departures, timeline
    assert "Print the debrief" in page  # on screen
    # The picture, inline: it prints without the server or the folder.
    assert "<svg" in page and "Your crisis among the simulated worlds" in page
    defender = "Armenia"
    for row in room.debrief.percentiles.itertuples():
        assert html.escape(note(row.column, defender)) in page, row.column
    assert html.escape(note("killed", defender)) in page
    for number, name in RUNGS.items():
        assert f"<li>{number}: {name}</li>" in page
    # The timeline: each day, its moves, and what was said in public only.
    assert "Day by day: the moves, and what was said in public" in page
    day_one = re.search(r"<tr><td>1</td><td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    assert day_one and "Russia: phone both" in day_one[1], page[-1500:]
    assert "We urge restraint." in day_one[2]
    assert "Leave" not in page and "Meet?" not in page  # private words stay private
    everything = printout.debrief_page(room, everything=True)
    assert "Leave" in everything and "Meet?" in everything  # the facilitator's has them


def test_a_folder_that_is_not_a_game_or_has_lost_its_scenario_is_told_the_fix(game, tmp_path):
    (tmp_path / "empty").mkdir()
    moved = (tmp_path / "short.yaml").rename(tmp_path / "empty" / "short.yaml")
    for target, said in (
        (tmp_path / "nowhere", "is not a folder"),
        (tmp_path / "empty", "holds no game journal"),
        (game, "which is not there from"),  # the scenario has moved since
    ):
        result = run_main(tmp_path, "transcript", str(target))
        assert result.returncode == 2, result.stderr
        assert said in result.stderr and "Traceback" not in result.stderr
    result = run_main(tmp_path, "transcript", str(game), "--scenario", str(moved))
    assert result.returncode == 0, result.stderr
