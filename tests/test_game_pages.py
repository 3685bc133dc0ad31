"""The class's pages in Chromium, issue 26: the day a move is for, proposals, the timer.

A facilitator and four teams, each in a browser context of its own, two of them on
phones (390×844). A team's page can be held back from the server (:class:`Held`): it
goes on showing the day it showed while the server moves on, as a phone on a slow
network does, which is how a click after the day closed reaches the server.
"""

from __future__ import annotations

import json
import re
import statistics
import time

import pytest
from playwright.sync_api import expect

from dashboards import (
    LAYOUT,
    SMALLEST_MAP_TEXT_PX,
    TIMEOUT,
    browser_pages,
    choose,
    join_teams,
    new_game,
    open_tab,
    workshop_server,
)

pytestmark = pytest.mark.slow  # real servers and browsers

VIEWPORT = {"width": 1280, "height": 720}  # a classroom projector, a laptop
PHONE = {"width": 390, "height": 844}
#: A delay a class would notice, three times the goal of a second (see the latency test).
NOTICED_S = 3.0


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """A dashboard of a three-day workshop, for the tests that share one server."""
    with workshop_server(tmp_path_factory.mktemp("pages")) as served_room:
        yield served_room


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
    armenia.get_by_text("Moves for day 2.").wait_for(timeout=TIMEOUT)
    armenia.get_by_role("button", name="hold", exact=True).click()
    armenia.get_by_text("Sent for day 2: hold").wait_for(timeout=TIMEOUT)
    expect(refusal).to_have_count(0)
    assert [r["day"] for r in _journal(room)[started:] if r["kind"] == "move"] == [1]
    assert not any(page.errors for page in teams.values())


def test_a_stale_sent_for_day_goes_when_the_day_changes(room, browsers, shots):
    facilitator = new_game(room, browsers)
    teams = join_teams(room, browsers)
    # The facilitator's desk at 1280×720: the day's controls above the fold, teams by
    # name, "New game" only in its own tab.
    open_tab(facilitator, "News and injects")
    facilitator.get_by_role("row", name=re.compile("^CSTO ")).wait_for(timeout=TIMEOUT)
    for control in (
        facilitator.get_by_role("heading", name="Day 1 of 3"),
        facilitator.get_by_role("row", name=re.compile("^CSTO ")),
        facilitator.get_by_role("button", name="Close the day now"),
        facilitator.get_by_role("button", name="Timer: 2 minutes"),
        facilitator.get_by_role("tab", name="News and injects"),
    ):
        box = control.bounding_box()
        assert box and box["y"] + box["height"] <= VIEWPORT["height"], control
    expect(facilitator.get_by_role("button", name="New game")).to_have_count(0)
    assert facilitator.get_by_text("csto", exact=True).count() == 0  # named by the cast
    facilitator.screenshot(path=shots / "facilitator-desk.png")
    armenia = teams["armenia"]
    armenia.get_by_role("button", name="hold", exact=True).click()
    armenia.get_by_text("Sent for day 1: hold").wait_for(timeout=TIMEOUT)
    facilitator.get_by_role("button", name="Close the day now").click()
    armenia.get_by_role("heading", name="Day 2 of 3").wait_for(timeout=TIMEOUT)
    expect(armenia.get_by_text(re.compile("Sent for day 1"))).to_have_count(0)
    # The transcript, from the facilitator's page: day 1's move is in it.
    open_tab(facilitator, "Transcript")
    facilitator.get_by_role("button", name="Write the transcript").click()
    facilitator.get_by_text("Written:").wait_for(timeout=TIMEOUT)
    table = (room.folder / "transcript.csv").read_text(encoding="utf-8")
    assert "1,move,Armenia,,hold" in table
    assert (room.folder / "transcript.html").exists()


def _seconds_until(page, locator_of, started: float) -> float:
    locator_of(page).first.wait_for(timeout=TIMEOUT)
    return time.monotonic() - started


def test_what_a_page_does_shows_on_the_others_at_once(room, browsers, tmp_path):
    """Issue 26's measure: a message, a proposal, a move, a closed day, on every page."""
    facilitator = new_game(room, browsers)
    teams = join_teams(room, browsers, sizes={"russia": PHONE, "csto": PHONE})
    armenia, azerbaijan = teams["armenia"], teams["azerbaijan"]
    took: dict[str, float] = {}

    # Three of each: the median is the measure (the machine is shared), all are reported.
    for n in range(3):
        armenia.get_by_label(re.compile(r"^message")).fill(f"Measured: message {n}.")
        started = time.monotonic()
        armenia.get_by_role("button", name="Send message").click()
        took[f"a message, to its addressee ({n + 1})"] = _seconds_until(
            azerbaijan, lambda p, n=n: p.locator(".inbox", has_text=f"message {n}."), started
        )
    for n, (to, kind) in enumerate(
        [("azerbaijan", "a local ceasefire"), ("russia", "talks"), ("azerbaijan", "talks")]
    ):
        choose(armenia, "to", to)
        choose(armenia, "proposal", kind)
        started = time.monotonic()
        armenia.get_by_role("button", name="Propose", exact=True).click()
        took[f"a proposal, to the team that must answer ({n + 1})"] = _seconds_until(
            teams[to],
            lambda p, n=n: p.get_by_role("button", name=f"Accept proposal {n + 1}"),
            started,
        )
    started = time.monotonic()
    teams["russia"].get_by_role("button", name="hold", exact=True).click()
    took["a move, on the facilitator's page"] = _seconds_until(
        facilitator,
        lambda p: p.get_by_role("row", name=re.compile(r"^Russia .*has moved")),
        started,
    )
    started = time.monotonic()
    facilitator.get_by_role("button", name="Timer: 2 minutes").click()
    took["the facilitator's countdown, on a team's page"] = _seconds_until(
        teams["csto"], lambda p: p.get_by_text("The day closes in"), started
    )
    for role in ("armenia", "azerbaijan", "csto"):
        if role == "csto":
            started = time.monotonic()
        teams[role].get_by_role("button", name="hold", exact=True).click()
        if role != "csto":
            teams[role].get_by_text("Sent for day 1: hold").wait_for(timeout=TIMEOUT)
    # The last move closes the day: the next day on every page (the last page is the measure).
    each = {}
    for name, page in [("facilitator", facilitator), *teams.items()]:
        day_two = page.get_by_role("heading", name="Day 2 of 3")
        each[name] = _seconds_until(page, lambda p, day_two=day_two: day_two, started)
    took["a closed day, on every page (the last to show it)"] = max(each.values())
    took["(a closed day, on each page)"] = each
    (tmp_path / "latency.json").write_text(json.dumps(took, indent=1) + "\n")
    print(json.dumps(took, indent=1))
    measured = {what: s for what, s in took.items() if not what.startswith("(")}
    kinds = {what.split(" (")[0] for what in measured}
    medians = {
        kind: statistics.median(s for what, s in measured.items() if what.split(" (")[0] == kind)
        for kind in kinds
    }
    # The goal is a second on a quiet machine (docs/workshop.md reports these figures);
    # a test that times itself on a shared machine must not fail on a busy moment, so it
    # fails on what a class would notice: the old polling's four to eight seconds.
    slow = {kind: seconds for kind, seconds in medians.items() if seconds >= NOTICED_S}
    assert not slow, f"slower than {NOTICED_S} s: {slow} (all: {took})"


def _secrets_absent(page, secrets: list[str], where: str) -> None:
    """Assert that no secret is in the page: its text, or its HTML (attributes, scripts)."""
    text = page.inner_text("body") + page.content()
    found = [secret for secret in secrets if secret in text]
    found += re.findall(r"(?:\?|&)(?:key|code)=[\w-]+", text)  # a link that carries one
    assert not found, f"{where} shows {found}"


def test_the_class_screen_shows_what_the_room_may_see_and_no_secret(room, browsers, shots):
    facilitator = new_game(room, browsers)
    teams = join_teams(room, browsers, sizes={"russia": PHONE, "csto": PHONE})
    screen = browsers(room.url + "/class", "class-screen")
    screen.get_by_role("heading", name="Day 1 of 3").wait_for(timeout=TIMEOUT)
    armenia, russia = teams["armenia"], teams["russia"]
    _write(armenia, "PRIVATE to Azerbaijan: we know about the ridge.")
    armenia.get_by_text("Sent to azerbaijan.").wait_for(timeout=TIMEOUT)
    armenia.get_by_label(re.compile(r"^message")).fill("PRIVATE note of a proposal")
    armenia.get_by_role("button", name="Propose", exact=True).click()
    armenia.get_by_text("Proposed a local ceasefire").wait_for(timeout=TIMEOUT)
    # News for Armenia alone (a prepared inject), and news for every team.
    open_tab(facilitator, "News and injects")
    facilitator.get_by_role("button", name=re.compile(r"^Release: day 2: Goris")).click()
    facilitator.get_by_text(re.compile(r"✓ released — day 2: Goris")).wait_for(timeout=TIMEOUT)
    facilitator.get_by_label(re.compile(r"^news item")).fill("Reuters, to all: talks rumoured.")
    facilitator.get_by_role("button", name="Send news").click()
    facilitator.get_by_text("News sent.").wait_for(timeout=TIMEOUT)
    choose(russia, "to", "everyone")
    _write(russia, "Russia, in public: we urge restraint.")
    russia.get_by_role("button", name="phone both", exact=True).click()
    russia.get_by_text("Sent for day 1: phone both").wait_for(timeout=TIMEOUT)
    # What the room may see: the public words, and that Russia has moved.
    for public in ("Russia, in public: we urge restraint.", "Reuters, to all: talks rumoured."):
        screen.get_by_text(public).wait_for(timeout=TIMEOUT)
    screen.get_by_text("✓ Russia").wait_for(timeout=TIMEOUT)
    screen.get_by_text("… Armenia").wait_for(timeout=TIMEOUT)
    # Above the fold on a projector: the day, who has moved.
    for shown in (screen.get_by_role("heading", name="Day 1 of 3"), screen.get_by_text("✓ Russia")):
        box = shown.bounding_box()
        assert box and box["y"] + box["height"] <= VIEWPORT["height"]
    screen.screenshot(path=shots / "class-screen.png")
    codes = json.loads((room.folder / "access.json").read_text())["codes"]
    private = ["PRIVATE", "Local officials around Goris", "phone both"]
    _secrets_absent(screen, [room.key, *codes.values(), *private], "/class")
    # Nor any page opened without its key or code.
    for path in ("/game", "/team/armenia", "/team/csto", "/sheet"):
        page = browsers(room.url + path, "stranger" + path.replace("/", "-"))
        page.get_by_role("heading").first.wait_for(timeout=TIMEOUT)
        page.get_by_text(re.compile("key|code")).first.wait_for(timeout=TIMEOUT)
        _secrets_absent(page, [room.key, *codes.values(), *private], path)


def _write(page, text: str) -> None:
    page.get_by_label(re.compile(r"^message")).fill(text)
    page.get_by_role("button", name="Send message").click()


def test_team_pages_work_on_a_phone(room, browsers, shots):
    facilitator = new_game(room, browsers)
    phones = {"armenia": PHONE, "russia": PHONE}
    teams = join_teams(room, browsers, sizes=phones)
    azerbaijan, armenia = teams["azerbaijan"], teams["armenia"]
    azerbaijan.get_by_label(re.compile(r"^message")).fill("Shall we stop here, on Sev Lake?")
    azerbaijan.get_by_role("button", name="Propose", exact=True).click()
    armenia.get_by_role("button", name="Reject proposal 1").wait_for(timeout=TIMEOUT)
    for role in phones:
        page = teams[role]
        if role == "armenia":  # the defender's map, drawn for a phone
            expect(page.locator(".situation-map")).to_have_count(1, timeout=TIMEOUT)
            page.wait_for_function(
                "() => [...document.querySelectorAll('img')].some(i => i.naturalWidth === 480)",
                timeout=TIMEOUT,
            )
        layout = page.evaluate(LAYOUT)
        page.screenshot(path=shots / f"phone-{role}.png", full_page=True)
        assert layout["overflow"] <= 0, f"{role}: {layout['overflow']} px to scroll sideways"
        assert layout["small"] == [], f"{role}: text under 12 px"
        assert layout["clipped"] == [], f"{role}: buttons cut off"
        assert all(scale * SMALLEST_MAP_TEXT_PX >= 12 for scale in layout["maps"]), layout
    assert teams["armenia"].evaluate(LAYOUT)["maps"], "Armenia's page has its map"
    del facilitator
