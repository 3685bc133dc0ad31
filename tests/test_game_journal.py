"""A workshop game survives its server: the journal, and a room resumed from it.

Issue 18: every move, message and closed day is written to the game's folder as it
happens, and ``crisis-sim dashboard --resume GAME_DIR`` restores the game, the claims
and the messages. (tests/test_dashboard.py kills a real server with SIGKILL.)
"""

from __future__ import annotations

import json

import pytest

from sim.errors import UserError
from sim.teach.dashboard.journal import JOURNAL
from sim.teach.dashboard.room import Room, browser_id

from conftest import run_cli
from dashboards import short_scenario

TEAMS = ["armenia", "azerbaijan", "russia", "csto"]


@pytest.fixture
def scenario(tmp_path):
    short = short_scenario(tmp_path, days=3)
    return short


def _play_a_day_and_a_half(room: Room) -> None:
    room.start(TEAMS)
    for role in TEAMS:
        room.claim(role, f"browser-{role}", room.access.codes[role])
    room.send("armenia", "browser-armenia", "azerbaijan", "Leave Sev Lake.")
    room.news("Reuters: units seen near Sev Lake.", to=["armenia"])
    room.fire_event("rumour")
    proposal = room.propose("azerbaijan", "browser-azerbaijan", "armenia", "talks")
    room.answer("armenia", "browser-armenia", proposal.number, accept=True)
    room.submit("russia", "browser-russia", "phone_both", None, day=0)
    room.submit("csto", "browser-csto", "consultations", None, day=0)  # the day closes
    room.submit("azerbaijan", "browser-azerbaijan", "advance", "Sev Lake", day=1)


def test_a_resumed_room_is_the_room_that_stopped(scenario, tmp_path):
    folder = tmp_path / "game"
    room = Room.create(scenario, folder, debrief_worlds=20)
    _play_a_day_and_a_half(room)
    resumed = Room.resume(scenario, folder, debrief_worlds=20)
    assert resumed.access == room.access  # the same links still work
    assert resumed.claims == room.claims
    assert resumed.feed(None) == room.feed(None)
    assert resumed.game.day == room.game.day == 1
    assert resumed.game.pending == room.game.pending  # the open day's sent move is kept
    assert resumed.game.moves == room.game.moves
    assert resumed.game.view("armenia") == room.game.view("armenia")
    # Both play on to the end alike: the same world.
    for played in (room, resumed):
        while not played.game.finished:
            played.advance()
    assert resumed.game.outcome().equals(room.game.outcome())


def test_the_journal_keeps_no_secret(scenario, tmp_path):
    folder = tmp_path / "game"
    room = Room.create(scenario, folder, debrief_worlds=20)
    _play_a_day_and_a_half(room)
    text = (folder / JOURNAL).read_text()
    for secret in [room.access.key, *room.access.codes.values(), "browser-armenia"]:
        assert secret not in text
    assert (folder / "access.json").stat().st_mode & 0o077 == 0  # the owner's only


def test_a_line_torn_by_a_crash_is_dropped_and_the_game_goes_on(scenario, tmp_path):
    folder = tmp_path / "game"
    room = Room.create(scenario, folder, debrief_worlds=20)
    _play_a_day_and_a_half(room)
    with (folder / JOURNAL).open("a") as journal:
        journal.write('{"kind":"move","role":"armenia","da')  # killed mid-write
    resumed = Room.resume(scenario, folder, debrief_worlds=20)
    assert resumed.game.pending == room.game.pending
    resumed.submit("armenia", "browser-armenia", "hold", None, day=1)
    again = Room.resume(scenario, folder, debrief_worlds=20)
    assert "armenia" in again.game.pending
    lines = (folder / JOURNAL).read_text().splitlines()
    assert all(json.loads(line) for line in lines)


def test_a_journal_keeps_its_format_when_the_code_is_renamed(scenario, tmp_path):
    """Records name a team under "role", as journals did before the code said "team"."""
    folder = tmp_path / "game"
    Room.create(scenario, folder, debrief_worlds=20)
    talks = {"day": 0, "text": "", "kind": "talks"}
    earlier = [
        {"kind": "start", "teams": TEAMS, "seed": None},
        {"kind": "claim", "role": "armenia", "browser": browser_id("browser-armenia")},
        {"kind": "claim", "role": "csto", "browser": browser_id("browser-csto")},
        {"kind": "release", "role": "csto"},
        {"kind": "move", "role": "russia", "day": 0, "action": "phone_both", "sector": None},
        {
            "kind": "post",
            "post": {"number": 0, "channel": "proposal", "sender": "azerbaijan", "to": ["armenia"]}
            | talks,
        },
        {
            "kind": "post",
            "post": {"number": 1, "channel": "answer", "sender": "armenia", "to": ["azerbaijan"]}
            | talks
            | {"answers": 0, "accepted": True},
        },
    ]
    with (folder / JOURNAL).open("a") as journal:
        journal.writelines(json.dumps(record) + "\n" for record in earlier)
    resumed = Room.resume(scenario, folder, debrief_worlds=20)
    assert resumed.claims == {"armenia": browser_id("browser-armenia")}
    assert {team: move.action.name for team, move in resumed.game.pending.items()} == {
        "russia": "PHONE_BOTH",
        "azerbaijan": "PROPOSE_TALKS",
        "armenia": "LOCAL_TALKS",
    }
    assert resumed.agreed == {"azerbaijan": 0, "armenia": 0}
    resumed.claim("csto", "browser-csto", resumed.access.codes["csto"])
    resumed.submit("csto", "browser-csto", "consultations", None, day=0)
    written = [json.loads(line) for line in (folder / JOURNAL).read_text().splitlines()]
    assert written[-3:-1] == [
        {"kind": "claim", "role": "csto", "browser": browser_id("browser-csto")},
        {"kind": "move", "role": "csto", "day": 0, "action": "consultations", "sector": None},
    ]
    assert written[-1] == {"kind": "close", "day": 0}  # every team has moved


def test_a_folder_of_another_scenario_version_is_refused(scenario, tmp_path):
    folder = tmp_path / "game"
    Room.create(scenario, folder, debrief_worlds=20).start(TEAMS)
    scenario.write_text(scenario.read_text().replace("horizon_days: 3", "horizon_days: 4"))
    with pytest.raises(UserError, match="written for another version of the scenario"):
        Room.resume(scenario, folder)


def test_a_folder_that_is_not_a_game_is_refused_and_one_is_never_overwritten(scenario, tmp_path):
    with pytest.raises(UserError, match="holds no game journal"):
        Room.resume(scenario, tmp_path)
    Room.create(scenario, tmp_path / "game")
    with pytest.raises(UserError, match="already exists"):
        Room.create(scenario, tmp_path / "game")


@pytest.mark.slow  # the command line, end to end
def test_the_command_refuses_a_folder_to_resume_with_the_fix(scenario, tmp_path):
    (tmp_path / "empty").mkdir()
    folder = tmp_path / "game"
    Room.create(scenario, folder).start(TEAMS)
    other = tmp_path / "other.yaml"
    other.write_text(scenario.read_text().replace("horizon_days: 3", "horizon_days: 5"))
    for target, file, said in (
        (tmp_path / "empty", scenario, "holds no game journal"),
        (folder, other, "written for another version of the scenario"),
    ):
        result = run_cli(tmp_path, "dashboard", str(file), "--resume", str(target))
        assert result.returncode == 2, result.stderr
        assert said in result.stderr and "Traceback" not in result.stderr


def test_a_resumed_game_keeps_its_timer(scenario, tmp_path):
    folder = tmp_path / "game"
    room = Room.create(scenario, folder, debrief_worlds=20)
    room.start(TEAMS)
    room.set_timer(300)
    resumed = Room.resume(scenario, folder, debrief_worlds=20)
    assert 290 < resumed.seconds_left() <= 300  # the same deadline, not a fresh one
    records = [json.loads(line) for line in (folder / JOURNAL).read_text().splitlines()]
    assert [r["kind"] for r in records][-1] == "timer"
    room.set_timer(None)
    assert Room.resume(scenario, folder, debrief_worlds=20).seconds_left() is None


def test_a_timer_that_ran_out_while_the_server_was_down_leaves_time_to_finish(scenario, tmp_path):
    from sim.teach.dashboard.room import RESUME_GRACE

    folder = tmp_path / "game"
    room = Room.create(scenario, folder, debrief_worlds=20)
    room.start(TEAMS)
    lines = (folder / JOURNAL).read_text()
    ran_out = {"kind": "timer", "day": 0, "seconds": 120, "until": 1.0}  # long ago
    (folder / JOURNAL).write_text(lines + json.dumps(ran_out) + "\n")
    resumed = Room.resume(scenario, folder, debrief_worlds=20)
    assert resumed.game.day == 0  # not closed while nobody could move
    assert RESUME_GRACE - 5 < resumed.seconds_left() <= RESUME_GRACE
