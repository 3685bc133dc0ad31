"""A class in real browsers: a facilitator and four teams, each in its own browser context.

Issue 18's tests: the facilitator's key and the teams' codes, messages that reach only
their addressee and the facilitator, an accepted ceasefire proposal, the facilitator's
injects, and a server killed with SIGKILL mid-game, resumed and played to its debrief.
Every page is photographed at 1280×720: into each test's temporary folder, or into
``$CRISIS_SIM_SCREENSHOTS`` (``make screenshots`` sets it to docs/img/workshop).
"""

from __future__ import annotations

import contextlib
import re

import psutil
import pytest
from playwright.sync_api import expect

from sim.plots.run import DPI
from sim.teach.dashboard.drawing import GAUGE_TEXT_PT

from dashboards import (
    LAYOUT,
    TIMEOUT,
    browser_pages,
    free_port,
    join_teams,
    new_game,
    open_tab,
    served,
    server_tree,
    start_dashboard,
    stop_tree,
    workshop_scenario,
    workshop_server,
)

pytestmark = pytest.mark.slow  # real servers and browsers

VIEWPORT = {"width": 1280, "height": 720}  # a classroom projector
GAUGE_TEXT_PX = GAUGE_TEXT_PT / 72 * DPI  # the home page's gauges, drawn at the plots' DPI


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """A dashboard of a three-day workshop, for the tests that share one server."""
    with workshop_server(tmp_path_factory.mktemp("classroom")) as served_room:
        yield served_room


@pytest.fixture
def browsers(chromium_browser, tmp_path):
    """Open a page in a browser context of its own (a laptop of the class)."""
    with browser_pages(chromium_browser, tmp_path, VIEWPORT) as open_:
        yield open_


def _inbox(page):
    return page.locator(".inbox")


def _write(page, text: str, button: str = "Send message") -> None:
    page.get_by_label(re.compile(r"^message")).fill(text)
    page.get_by_role("button", name=button).click()


def test_the_facilitator_s_page_needs_its_key(room, browsers, shots):
    bare = browsers(room.url + "/game", "no-key")
    bare.get_by_text("The facilitator's page needs its key").wait_for(timeout=TIMEOUT)
    bare.screenshot(path=shots / "facilitator-key.png")
    wrong = browsers(room.url + "/game?key=" + room.key[::-1], "wrong-key")
    wrong.get_by_text("That is not this server's facilitator key").wait_for(timeout=TIMEOUT)
    for page in (bare, wrong):
        assert page.get_by_role("button", name="Start the game").count() == 0
        assert page.get_by_role("button", name="New game").count() == 0
        assert room.key not in page.content()
    sheet = browsers(room.url + "/sheet", "sheet-no-key")
    sheet.get_by_text("needs the facilitator's key").wait_for(timeout=TIMEOUT)
    assert sheet.locator("svg").count() == 0
    # The key typed by hand opens the page.
    bare.get_by_label("facilitator's key").fill(room.key)
    bare.get_by_role("button", name="Open the facilitator's page").click()
    start = bare.get_by_role("button", name="Start the game")
    start.or_(bare.get_by_role("tab", name="New game")).first.wait_for(timeout=TIMEOUT)


def test_a_team_page_without_its_code_cannot_move(room, browsers, shots):
    new_game(room, browsers)
    stranger = browsers(room.url + "/team/armenia", "stranger")
    stranger.get_by_text("Public statements and news").wait_for(timeout=TIMEOUT)
    stranger.get_by_label("team code").fill("not-the-code")
    stranger.get_by_role("button", name="Join", exact=True).click()
    stranger.get_by_text("That is not armenia's code").wait_for(timeout=TIMEOUT)
    assert stranger.get_by_role("button", name="hold", exact=True).count() == 0
    assert stranger.get_by_text("what we see").count() == 0  # Armenia's view is its own
    stranger.screenshot(path=shots / "team-without-code.png")
    guessed = browsers(room.url + "/team/armenia?code=" + "a" * 8, "guessed")
    guessed.get_by_text("That is not armenia's code").wait_for(timeout=TIMEOUT)
    assert guessed.get_by_role("button", name="hold", exact=True).count() == 0


def test_messages_reach_only_their_addressee_and_the_facilitator(room, browsers, shots):
    facilitator = new_game(room, browsers)
    teams = join_teams(room, browsers)
    said = '<b>Pull back</b> from Sev Lake <script>alert("x")</script>'
    _write(teams["armenia"], said)  # the page's first choice of addressee: azerbaijan
    teams["armenia"].get_by_text("Sent to azerbaijan.").wait_for(timeout=TIMEOUT)
    expect(_inbox(teams["azerbaijan"])).to_contain_text(said, timeout=TIMEOUT)
    open_tab(facilitator, "Every channel")
    expect(facilitator.locator(".lines").first).to_contain_text(said, timeout=TIMEOUT)
    for role in ("russia", "csto"):
        teams[role].get_by_role("button", name="hold", exact=True).click()  # a redraw
        teams[role].get_by_text("Sent for day 1: hold").wait_for(timeout=TIMEOUT)
        expect(_inbox(teams[role])).not_to_contain_text("Pull back")
    assert teams["azerbaijan"].locator(".inbox b").count() == 0  # shown as text
    teams["azerbaijan"].screenshot(path=shots / "team-inbox.png")
    assert not any(page.errors for page in teams.values())


def test_an_accepted_ceasefire_proposal_is_both_sides_move(room, browsers, shots):
    facilitator = new_game(room, browsers)
    teams = join_teams(room, browsers)
    armenia, azerbaijan = teams["armenia"], teams["azerbaijan"]
    armenia.get_by_label(re.compile(r"^message")).fill("Stop where you stand.")
    armenia.get_by_role("button", name="Propose", exact=True).click()
    armenia.get_by_text("Proposed a local ceasefire to azerbaijan.").wait_for(timeout=TIMEOUT)
    # The terms, and who must answer, beside the buttons that answer.
    expect(azerbaijan.locator(".open-proposal")).to_contain_text(
        "Proposal 1, day 1: Armenia proposes a local ceasefire to Azerbaijan. If Azerbaijan "
        "accepts, Armenia will offer ceasefire and Azerbaijan will accept ceasefire that day. "
        "Azerbaijan must answer during day 1. Note: Stop where you stand.",
        timeout=TIMEOUT,
    )
    azerbaijan.screenshot(path=shots / "team-proposal.png")
    azerbaijan.get_by_role("button", name="Accept proposal 1").click()
    azerbaijan.get_by_text("accept ceasefire (agreed with another team)").wait_for(timeout=TIMEOUT)
    armenia.get_by_text("offer ceasefire (agreed with another team)").wait_for(timeout=TIMEOUT)
    azerbaijan.get_by_role("button", name="advance", exact=True).click()  # refused: agreed
    azerbaijan.get_by_text("fixed by the agreement on a local ceasefire").wait_for(timeout=TIMEOUT)
    for role in ("russia", "csto"):
        teams[role].get_by_role("button", name="hold", exact=True).click()
    # Every team has moved: the day closes, and the ceasefire holds in the world.
    facilitator.get_by_role("heading", name="Day 2 of 3").wait_for(timeout=TIMEOUT)
    open_tab(facilitator, "What has happened")
    facilitator.get_by_text("A ceasefire took hold").wait_for(timeout=TIMEOUT)
    open_tab(facilitator, "Every channel")
    facilitator.get_by_text("Azerbaijan accepts proposal 1 (a local ceasefire)").wait_for(
        timeout=TIMEOUT
    )


def test_the_facilitator_s_injects_reach_their_teams_and_move_the_world(room, browsers, shots):
    facilitator = new_game(room, browsers)
    teams = join_teams(room, browsers)
    # A prepared inject: news for Armenia alone, and a rumour in the model that day.
    open_tab(facilitator, "News and injects")
    facilitator.get_by_role("button", name=re.compile(r"^Release: day 2: Goris")).click()
    facilitator.get_by_text(re.compile(r"✓ released — day 2: Goris")).wait_for(timeout=TIMEOUT)
    expect(_inbox(teams["armenia"])).to_contain_text("Local officials around Goris")
    # News typed by hand, to every team.
    facilitator.get_by_label(re.compile(r"^news item")).fill("Reuters: talks are rumoured.")
    facilitator.get_by_role("button", name="Send news").click()
    for role, page in teams.items():
        expect(_inbox(page)).to_contain_text("Reuters: talks are rumoured.", timeout=TIMEOUT)
        if role != "armenia":
            expect(_inbox(page)).not_to_contain_text("Goris")
    facilitator.screenshot(path=shots / "facilitator-game.png")
    facilitator.get_by_role("button", name="Close the day now").click()
    facilitator.get_by_role("heading", name="Day 2 of 3").wait_for(timeout=TIMEOUT)
    # The rumour was applied on the day it was fired: day 1's log says so.
    open_tab(facilitator, "What has happened")
    facilitator.get_by_text("False reports of clashes spread in Armenia").first.wait_for(
        timeout=TIMEOUT
    )
    armenia = teams["armenia"]
    armenia.get_by_role("heading", name="Day 2 of 3").wait_for(timeout=TIMEOUT)
    armenia.get_by_role("heading", name="Armenia", exact=True).scroll_into_view_if_needed()
    armenia.screenshot(path=shots / "team-armenia.png")


def test_every_page_is_photographed_for_the_guide(room, browsers, shots):
    facilitator = new_game(room, browsers)
    sheet = browsers(f"{room.url}/sheet?key={room.key}", "sheet")
    expect(sheet.locator(".join-card")).to_have_count(4, timeout=TIMEOUT)
    assert sheet.locator(".join-card svg").count() == 4  # a QR code per team
    sheet.screenshot(path=shots / "join-sheet.png")
    home = browsers(room.url + "/", "home")
    home.get_by_role("button", name="Step").wait_for(timeout=TIMEOUT)
    # The home page at 1280×720: the class's settings open, the rest folded by name,
    # none of SolaraViz's render controls, and no text under 12 px (the gauges' too).
    home.get_by_text("What a class changes").wait_for(timeout=TIMEOUT)
    home.get_by_text("Depth one unopposed advance step gains, km.").first.wait_for()
    for folded in ("Dynamics: how the crisis moves", "Azerbaijan (prober policy)", "Playback"):
        expect(home.get_by_text(re.compile("^" + re.escape(folded)))).to_be_visible()
    for gone in ("Render Interval", "Use Threads", "Model Parameters"):
        expect(home.get_by_text(gone)).to_have_count(0)
    home.wait_for_function(
        "() => [...document.querySelectorAll('img.gauges')].some(i => i.naturalWidth > 0)",
        timeout=TIMEOUT,
    )
    layout = home.evaluate(LAYOUT)
    assert layout["small"] == [], "text under 12 px on the home page"
    assert layout["gauges"] and all(s * GAUGE_TEXT_PX >= 12 for s in layout["gauges"]), layout
    home.screenshot(path=shots / "dashboard.png")
    home.get_by_text(re.compile("^Dynamics: how the crisis moves")).click()  # a folded group
    expect(home.get_by_text("Rumour level each km of new advance adds.")).to_be_visible()
    home.get_by_text(re.compile("^Dynamics: how the crisis moves")).scroll_into_view_if_needed()
    home.screenshot(path=shots / "dashboard-settings.png")
    facilitator.get_by_role("heading", level=1).first.scroll_into_view_if_needed()
    facilitator.screenshot(path=shots / "facilitator-start.png")
    open_tab(facilitator, "The map")
    facilitator.locator(".situation-map").wait_for(timeout=TIMEOUT)
    facilitator.screenshot(path=shots / "facilitator-map.png")
    open_tab(facilitator, "Teams: links and codes")
    facilitator.get_by_text("Show the join links for the teams").click()
    link = facilitator.get_by_role(
        "cell", name=room.join_link("armenia").replace("127.0.0.1", "localhost")
    )
    link.wait_for(timeout=TIMEOUT)
    link.scroll_into_view_if_needed()
    facilitator.screenshot(path=shots / "facilitator-join-links.png")
    for name in ("dashboard", "join-sheet", "facilitator-start", "facilitator-join-links"):
        with (shots / f"{name}.png").open("rb") as image:
            header = image.read(24)
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(header[16:20]), int.from_bytes(header[20:24])
        assert (width, height) == (1280, 720), name


def test_a_killed_server_resumes_the_game_with_nothing_lost(tmp_path, browsers, shots):
    scenario = workshop_scenario(tmp_path, days=2)
    port = free_port()
    process = start_dashboard(scenario, port, tmp_path / "first.log", "--ensemble-worlds", "100")
    room = served(tmp_path / "first.log", port, tmp_path)
    children = server_tree(process)
    try:
        facilitator = new_game(room, browsers, days=2)
        teams = join_teams(room, browsers, days=2)
        _write(teams["armenia"], "We will not accept this line.")
        for role, action in (("azerbaijan", "entrench"), ("russia", "phone both")):
            if action == "entrench":
                teams[role].get_by_role("button", name="Sev Lake", exact=True).click()
            teams[role].get_by_role("button", name=action, exact=True).click()
            teams[role].get_by_text(f"Sent for day 1: {action}").wait_for(timeout=TIMEOUT)
        facilitator.get_by_role("button", name="Close the day now").click()
        facilitator.get_by_role("heading", name="Day 2 of 2").wait_for(timeout=TIMEOUT)
        teams["azerbaijan"].get_by_text("Moves for day 2.").wait_for(timeout=TIMEOUT)
        teams["azerbaijan"].get_by_role("button", name="propose talks").click()
        teams["azerbaijan"].get_by_text("Sent for day 2: propose talks").wait_for(timeout=TIMEOUT)
        open_tab(facilitator, "Every channel")
        facilitator.locator(".lines").first.wait_for(timeout=TIMEOUT)  # the tab, drawn
        before = facilitator.locator(".lines").all_inner_texts()
        for proc in [process, *children]:  # the laptop dies: no chance to clean up
            with contextlib.suppress(psutil.NoSuchProcess):
                psutil.Process(proc.pid).kill()
        process.wait(timeout=10)
        psutil.wait_procs(children, timeout=10)
    finally:
        stop_tree(process, children)
    again = start_dashboard(
        scenario,
        port,
        tmp_path / "again.log",
        "--ensemble-worlds",
        "100",
        "--resume",
        str(room.folder),
    )
    children = server_tree(again)
    try:
        assert served(tmp_path / "again.log", port, tmp_path).key == room.key  # same links
        for page in [facilitator, *teams.values()]:
            page.reload()
        facilitator.get_by_role("heading", name="Day 2 of 2").wait_for(timeout=TIMEOUT)
        open_tab(facilitator, "Every channel")
        expect(facilitator.locator(".lines")).to_have_count(len(before), timeout=TIMEOUT)
        assert facilitator.locator(".lines").all_inner_texts() == before  # nothing lost
        azerbaijan = teams["azerbaijan"]  # its browser still plays it, its move still sent
        azerbaijan.get_by_text("Your move for day 2: propose talks").wait_for(timeout=TIMEOUT)
        expect(_inbox(azerbaijan)).to_contain_text("We will not accept this line.")
        for role in ("armenia", "russia", "csto"):
            teams[role].get_by_role("button", name="hold", exact=True).click()
        for page in [facilitator, *teams.values()]:
            page.get_by_text("The crisis ended in:").wait_for(timeout=60_000)
        facilitator.get_by_text("entrench").first.wait_for(timeout=TIMEOUT)
        timeline = facilitator.get_by_text("Timeline: the moves and what was said")
        timeline.wait_for(timeout=TIMEOUT)
        facilitator.get_by_role("cell", name=re.compile("We will not accept this line")).wait_for()
        facilitator.locator(".debrief-picture").wait_for(timeout=TIMEOUT)
        facilitator.screenshot(path=shots / "debrief.png")
        # The class screen's debrief: the outcome and its picture, no private message.
        screen = browsers(room.url + "/class", "class-debrief")
        screen.get_by_text("The crisis ended in:").wait_for(timeout=TIMEOUT)
        screen.locator(".debrief-picture").wait_for(timeout=TIMEOUT)
        screen.get_by_text("Day by day: the moves").wait_for(timeout=TIMEOUT)
        assert "We will not accept this line" not in screen.inner_text("body")
        screen.screenshot(path=shots / "class-debrief.png")
        # The debrief to print, from the class screen: what the room may see, on A4.
        with screen.context.expect_page() as opened:
            screen.get_by_role("link", name="Print the debrief").click()
        printed = opened.value
        printed.get_by_text("Day by day: the moves, and what was said in public").wait_for(
            timeout=TIMEOUT
        )
        printed.locator(".printout svg").first.wait_for(timeout=TIMEOUT)  # the picture
        printed.get_by_text("The rungs of the escalation ladder").wait_for()
        assert "We will not accept this line" not in printed.inner_text("body")
        printed.emulate_media(media="print")
        expect(printed.get_by_role("button", name="Print the debrief")).to_be_hidden()
        printed.screenshot(path=shots / "debrief-print.png", full_page=True)
        pdf = printed.pdf(path=tmp_path / "debrief.pdf", format="A4")
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 3, "each section on its page"
        # The facilitator's: every message, and the key in its link only.
        link = facilitator.get_by_role("link", name="Print the debrief")
        assert link.get_attribute("href") == f"/debrief?key={room.key}"
        full = browsers(f"{room.url}/debrief?key={room.key}", "debrief-full")
        full.get_by_text("Day by day: the moves, and what was said").first.wait_for(timeout=TIMEOUT)
        full.get_by_text(re.compile("We will not accept this line")).first.wait_for(timeout=TIMEOUT)
    finally:
        stop_tree(again, children)
