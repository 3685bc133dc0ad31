"""The workshop room shared by the dashboard's pages: claims, moves, timer, debrief."""

from __future__ import annotations

import threading
import time

import pytest

from sim.teach.dashboard.room import Room, browser_id
from sim.teach.game import GameError

from dashboards import short_scenario

TEAMS = ["armenia", "azerbaijan", "russia", "csto"]


@pytest.fixture
def room(tmp_path):
    short = short_scenario(tmp_path, days=2)
    return Room(short, debrief_worlds=50)


def _claim(room: Room, role: str, tab: str) -> str | None:
    """Claim ``role`` for browser ``tab`` with the role's own code, as its join link does."""
    return room.claim(role, tab, room.access.codes.get(role, "no-such-code"))


def test_no_moves_before_the_game_starts(room):
    with pytest.raises(GameError, match="No game has started"):
        _claim(room, "armenia", "tab-1")


def test_a_role_is_played_from_one_browser(room):
    room.start(TEAMS)
    assert _claim(room, "armenia", "tab-1") is None
    assert _claim(room, "armenia", "tab-1") is None  # a reload of the same tab
    refusal = _claim(room, "armenia", "tab-2")
    assert "already played from another browser" in refusal
    with pytest.raises(GameError, match="does not play armenia"):
        room.submit("armenia", "tab-2", "hold", None, day=0)
    room.release("armenia")
    assert _claim(room, "armenia", "tab-2") is None


def test_a_role_not_in_the_game_is_named(room):
    room.start(["armenia", "russia"])
    assert "'georgia' is not a team in this game" in _claim(room, "georgia", "tab-9")
    assert "'azerbaijan' is not a team" in _claim(room, "azerbaijan", "tab-9")


def test_a_move_after_the_day_closed_is_refused_and_the_game_goes_on(room):
    room.start(TEAMS)
    _claim(room, "armenia", "a")
    version = room.version
    assert room.submit("armenia", "a", "send_army", "Sev Lake", day=0) == "send army (Sev Lake)"
    assert room.version > version
    room.advance()
    with pytest.raises(GameError, match="came after that day closed"):
        room.submit("armenia", "a", "appeal_alliance", None, day=0)
    assert room.submit("armenia", "a", "appeal_alliance", None, day=1) == "appeal alliance"


def test_the_timer_closes_the_day(room):
    room.start(TEAMS)
    room.set_timer(0.05)
    assert room.seconds_left() <= 0.05
    time.sleep(0.1)
    room.tick_timer()
    assert room.game.day == 1 and room.seconds_left() is None


def test_the_debrief_is_ready_when_the_game_ends(room, tmp_path):
    room.start(TEAMS)
    while not room.game.finished:
        room.advance()
    assert room.debrief is not None and room.debrief.worlds == 50
    saved = room.save(tmp_path / "game")
    assert (saved / "manifest.json").exists()


def test_a_new_round_keeps_the_teams_pages(room):
    room.start(TEAMS)
    _claim(room, "armenia", "a")
    _claim(room, "russia", "r")
    room.start(["armenia", "azerbaijan"])
    assert room.claims == {"armenia": browser_id("a")}


def _claim_all(room):
    for role in TEAMS:
        _claim(room, role, f"tab-{role}")


def test_the_day_closes_when_every_team_has_moved(room):
    room.start(TEAMS)
    _claim_all(room)
    for role in TEAMS[:-1]:
        room.submit(role, f"tab-{role}", "hold", None, day=0)
    assert room.game.day == 0 and room.game.waiting_for() == ["csto"]
    room.submit("csto", "tab-csto", "consultations", None, day=0)
    assert room.game.day == 1
    assert [m.action.name for m in room.game.moves if m.team == "csto"] == ["CONSULTATIONS"]


def test_the_facilitator_can_hold_the_day_open_for_discussion(room):
    room.start(TEAMS)
    _claim_all(room)
    room.set_close_when_all_moved(False)
    for role in TEAMS:
        room.submit(role, f"tab-{role}", "hold", None, day=0)
    assert room.game.day == 0 and room.game.waiting_for() == []
    room.set_close_when_all_moved(True)  # turning it back on closes a day that is ready
    assert room.game.day == 1


def test_racing_last_moves_and_the_timer_close_the_day_once(room):
    room.start(TEAMS)
    _claim_all(room)
    room.set_timer(0)
    barrier = threading.Barrier(len(TEAMS) + 1)

    refused = []

    def move(role):
        barrier.wait()
        try:
            room.submit(role, f"tab-{role}", "hold", None, day=0)
        except GameError:  # the timer closed the day first: refused, and said why
            refused.append(role)

    def timer():
        barrier.wait()
        room.tick_timer()

    threads = [threading.Thread(target=move, args=(r,)) for r in TEAMS]
    threads.append(threading.Thread(target=timer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert room.game.day == 1  # closed once, not once per closer
    assert len(room.game.moves) == len(TEAMS)  # one day played: each team's move once
    assert all(room.game.pending.get(role) is None for role in refused)


def test_a_team_page_without_its_code_cannot_claim_or_move(room):
    room.start(TEAMS)
    for code in (None, "", room.access.codes["azerbaijan"], room.access.codes["armenia"] + "x"):
        refusal = room.claim("armenia", "stranger", code)
        assert "no valid code for armenia" in refusal
    assert "armenia" not in room.claims
    with pytest.raises(GameError, match="does not play armenia"):
        room.submit("armenia", "stranger", "hold", None, day=0)


def test_keys_and_codes_are_fresh_secrets_checked_exactly(room, tmp_path):
    other = Room(tmp_path / "short.yaml", debrief_worlds=50)
    assert room.access.key != other.access.key and len(room.access.key) >= 20
    roles = {"azerbaijan", "armenia", "russia", "csto", "united_states", "france"}
    assert set(room.access.codes) == roles  # the baseline's third parties can be teams too
    assert len(set(room.access.codes.values())) == len(roles)
    assert room.access.is_facilitator(room.access.key)
    for wrong in (None, "", room.access.key[:-1], other.access.key, room.access.key.upper()):
        assert not room.access.is_facilitator(wrong)
    link = room.access.join_link("http://10.1.2.3:8765/", "armenia")
    assert link == f"http://10.1.2.3:8765/team/armenia?code={room.access.codes['armenia']}"


def test_proposals_say_what_they_propose_and_are_numbered_from_one_in_each_game(room):
    room.start(TEAMS)
    _claim_all(room)
    room.send("armenia", "tab-armenia", "azerbaijan", "A word before the proposal.")
    room.send("armenia", "tab-armenia", "everyone", "And one in public.")
    first = room.propose("armenia", "tab-armenia", "azerbaijan", "pull_back", "Sev Lake", "Back.")
    assert room.proposal_number(first) == 1  # not 3: messages are not counted
    assert room.line(first) == (
        "Proposal 1, day 1: Armenia proposes a pull-back of forces half-way in Sev Lake to "
        "Azerbaijan. If Azerbaijan accepts, Armenia will hold and Azerbaijan will withdraw "
        "partial (Sev Lake) that day. Azerbaijan must answer during day 1. Note: Back."
    )
    second = room.propose("russia", "tab-russia", "armenia", "talks")
    assert room.proposal_number(second) == 2
    answer = room.answer("armenia", "tab-armenia", second.number, accept=True)
    assert room.line(answer) == (
        "Day 1, Armenia accepts proposal 2 (talks): both teams' move that day."
    )
    assert "must answer" not in room.line(second)  # answered
    room.start(TEAMS)  # a new game counts again from 1
    _claim_all(room)
    again = room.propose("azerbaijan", "tab-azerbaijan", "armenia", "ceasefire")
    assert room.proposal_number(again) == 1


def test_a_stale_close_from_the_facilitator_does_not_close_the_next_day(room):
    room.start(TEAMS)
    room.advance(0)  # the timer, or another press, closed day 1
    with pytest.raises(GameError, match="Day 1 had already closed; it is now day 2"):
        room.advance(0)
    assert room.game.day == 1


def test_the_timer_closes_the_day_with_no_page_open(room):
    room.start(TEAMS)
    with room.changed:
        room.set_timer(0.05)
        assert room.changed.wait_for(lambda: room.game.day == 1, timeout=5)
    assert room.seconds_left() is None


def test_every_change_wakes_the_pages_that_wait(room):
    room.start(TEAMS)
    _claim(room, "armenia", "a")
    woken = []
    waiting = threading.Event()

    def page() -> None:
        with room.changed:
            waiting.set()  # the lock is held until wait_for lets it go: no change is missed
            seen = room.version
            started = time.monotonic()
            room.changed.wait_for(lambda: room.version != seen, timeout=5)
            woken.append(time.monotonic() - started)

    watcher = threading.Thread(target=page)
    watcher.start()
    assert waiting.wait(5)
    room.submit("armenia", "a", "hold", None, day=0)
    watcher.join()
    assert woken and woken[0] < 1


def test_the_event_log_counts_days_from_one_without_the_engine_s_schedule(room):
    from sim.teach.views import event_line

    room.start(TEAMS)
    room.fire_event("rumour")
    assert any("scheduled for day 0" in e.sentence for e in room.game.advance_day())
    lines = [event_line(e, room.game.ticks_per_day) for e in room.game.log]
    assert lines and all(line.startswith("Day 1, ") for line in lines)
    assert not any("scheduled for" in line for line in lines)
    assert all(line.startswith("Day 1, ") for line in room.game.news_for("armenia"))
