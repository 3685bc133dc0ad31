"""The class's pages in Chromium, issue 26: the day a move is for, proposals, the timer.

A facilitator and four teams, each in a browser context of its own, two of them on
phones (390×844). A team's page can be held back from the server (:class:`Held`): it
goes on showing the day it showed while the server moves on, as a phone on a slow
network does, which is how a click after the day closed reaches the server.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from dashboards import (
    TIMEOUT,
    browser_pages,
    free_port,
    join_teams,
    new_game,
    served,
    server_tree,
    start_dashboard,
    stop_tree,
    workshop_scenario,
)

pytestmark = pytest.mark.slow  # real servers and browsers

VIEWPORT = {"width": 1280, "height": 720}  # a classroom projector, a laptop
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """A dashboard of a three-day workshop, for the tests that share one server."""
    folder = tmp_path_factory.mktemp("pages")
    scenario = workshop_scenario(folder)
    port = free_port()
    process = start_dashboard(scenario, port, folder / "server.log", "--ensemble-worlds", "100")
    children = server_tree(process)
    try:
        yield served(folder / "server.log", port, folder)
    finally:
        stop_tree(process, children)


@pytest.fixture
def browsers(chromium_browser, tmp_path):
    with browser_pages(chromium_browser, tmp_path, VIEWPORT) as open_:
        yield open_


def _journal(room) -> list[dict]:
    return [json.loads(line) for line in (room.folder / "journal.jsonl").read_text().splitlines()]


def _wait_until(page, condition, what: str, timeout: float = TIMEOUT) -> None:
    """Wait until ``condition()`` holds, letting the page's events run meanwhile."""
    waited = 0
    while not condition():
        assert waited < timeout, f"waited {timeout / 1000:g} s for {what}"
        page.wait_for_timeout(50)  # hands control to Playwright, which delivers the events
        waited += 50


def test_a_move_that_arrives_after_its_day_closed_is_refused_and_said(room, browsers):
    facilitator = new_game(room, browsers)
    teams = join_teams(room, browsers, held=True)
    armenia = teams["armenia"]
    started = len(_journal(room))
    armenia.held.hold()  # Armenia's page goes on showing day 1
    facilitator.get_by_role("button", name="Close the day now").click()
    facilitator.get_by_role("heading", name="Day 2 of 3").wait_for(timeout=TIMEOUT)
    # The server has drawn day 2 for Armenia's page; the page has not received it.
    _wait_until(facilitator, lambda: "Day 2 of 3" in armenia.held.kept_text(), "day 2")
    expect(armenia.get_by_role("heading", name="Day 1 of 3")).to_be_visible()
    armenia.get_by_role("button", name="hold", exact=True).click()  # a click on day 1
    answered = ("came after that day closed", "Sent for day")
    _wait_until(
        facilitator, lambda: any(a in armenia.held.kept_text() for a in answered), "an answer"
    )
    assert "Sent for day 2" not in armenia.held.kept_text()  # not taken as day 2's move
    armenia.held.release()
    armenia.get_by_role("heading", name="Day 2 of 3").wait_for(timeout=TIMEOUT)
    refusal = armenia.get_by_text("The move for day 1 came after that day closed")
    refusal.wait_for(timeout=TIMEOUT)
    assert armenia.get_by_text("Your move for day 2").count() == 0
    moves = [r for r in _journal(room)[started:] if r["kind"] == "move"]
    assert moves == []  # never applied to day 2
    # The refusal stays until the team moves for the new day, which it may.
    armenia.get_by_role("button", name="hold", exact=True).click()
    armenia.get_by_text("Sent for day 2: hold").wait_for(timeout=TIMEOUT)
    expect(refusal).to_have_count(0)
    assert [r["day"] for r in _journal(room)[started:] if r["kind"] == "move"] == [1]
    assert not any(page.errors for page in teams.values())


def test_a_stale_sent_for_day_goes_when_the_day_changes(room, browsers):
    facilitator = new_game(room, browsers)
    teams = join_teams(room, browsers)
    armenia = teams["armenia"]
    armenia.get_by_role("button", name="hold", exact=True).click()
    armenia.get_by_text("Sent for day 1: hold").wait_for(timeout=TIMEOUT)
    facilitator.get_by_role("button", name="Close the day now").click()
    armenia.get_by_role("heading", name="Day 2 of 3").wait_for(timeout=TIMEOUT)
    expect(armenia.get_by_text(re.compile("Sent for day 1"))).to_have_count(0)
