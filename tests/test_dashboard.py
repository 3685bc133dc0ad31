"""The dashboard in a real browser: one world stepped, and a four-team game to its debrief.

The suite starts ``crisis-sim dashboard`` on a free port and drives Debian's Chromium
through Playwright (the ``chromium_browser`` fixture); screenshots go to each test's
temporary folder.
"""

from __future__ import annotations

import http.client
import signal
import socket
import sys

import psutil
import pytest
from playwright.sync_api import expect

from conftest import SCENARIOS, run_cli
from dashboards import (
    browser_pages,
    free_every_team,
    free_port,
    open_tab,
    port_is_free,
    served,
    server_tree,
    servers_on,
    short_scenario,
    start_a_game,
    start_dashboard,
    stop_tree,
    team_row,
)

pytestmark = pytest.mark.slow  # a real server and browser

TEAMS = ["armenia", "azerbaijan", "russia", "csto"]
TIMEOUT = 30_000  # ms: a page's first render imports the model


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A dashboard of a two-day variant of the baseline, serving on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("dashboard")
    scenario = short_scenario(folder)
    # Neighbours in the folder: one more scenario the page offers, and a broken one it hides.
    (folder / "quiet.yaml").write_text(
        f"extends: {SCENARIOS / 'baseline-may-2021.yaml'}\nname: quiet\n"
        'title: "Sev Lake, no rumours"\nhorizon_days: 2\n'
    )
    (folder / "broken.yaml").write_text("name: [unclosed\n")
    port = free_port()
    process = start_dashboard(scenario, port, folder / "server.log", "--ensemble-worlds", "100")
    children = server_tree(process)
    game = served(folder / "server.log", port, folder)
    try:
        yield {"url": game.url, "port": port, "folder": folder, "scenario": scenario, "game": game}
    finally:
        stop_tree(process, children)  # the whole tree: no server is left holding the port


@pytest.fixture
def open_page(chromium_browser, tmp_path):
    """Open a page in its own browser context (its own session), closed after the test."""
    with browser_pages(chromium_browser, tmp_path, {"width": 1400, "height": 1000}) as open_:

        def open_with_shots(url, name):
            page = open_(url, name)
            page.shot = lambda label: page.screenshot(
                path=tmp_path / f"{name}-{label}.png", full_page=True
            )
            return page

        yield open_with_shots


def _fresh_game(server, open_page):
    """Open the facilitator's page and start a four-team game (a new one if one is on)."""
    facilitator = open_page(server["game"].facilitator, "facilitator")
    start_a_game(facilitator)
    facilitator.get_by_role("heading", name="Day 1 of 2").wait_for(timeout=TIMEOUT)
    free_every_team(facilitator, TEAMS, TIMEOUT)
    return facilitator


def test_the_dashboard_steps_a_world_and_logs_it(server, open_page):
    page = open_page(server["url"] + "/", "dashboard")
    page.get_by_role("button", name="Step").wait_for(timeout=TIMEOUT)
    page.get_by_text("Nothing has happened yet").wait_for(timeout=TIMEOUT)
    page.get_by_role("button", name="Step").click()
    # The baseline opens with the Russian minister's visit to Baku (an inject at day 0).
    page.get_by_text("A ministerial visit to Azerbaijan").wait_for(timeout=TIMEOUT)
    for _ in range(6):
        page.get_by_role("button", name="Step").click()
    page.get_by_text("Azerbaijan advanced in").first.wait_for(timeout=TIMEOUT)
    assert page.locator("img").count() >= 2  # the border map and the gauges
    page.shot("stepped")
    assert not page.errors


def test_the_ensemble_button_shows_the_outcomes_of_many_worlds(server, open_page):
    page = open_page(server["url"] + "/", "ensemble")
    page.get_by_role("button", name="Run 100 worlds of these settings").click(timeout=TIMEOUT)
    page.get_by_text("Results: ").wait_for(timeout=60_000)
    (folder,) = (server["folder"] / "results").glob("dashboard-short-*")
    assert (folder / "manifest.json").exists()
    images = page.locator("img")
    expect(images).to_have_count(2 + 4, timeout=TIMEOUT)  # map, gauges, four plots
    for i in range(6):
        images.nth(i).scroll_into_view_if_needed()
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 200"), i
    page.shot("ensemble")
    assert not page.errors


def test_the_dashboard_offers_the_folder_s_scenarios(server, open_page):
    page = open_page(server["url"] + "/", "scenarios")
    page.get_by_text("crisis-sim: Sev Lake, two days").wait_for(timeout=TIMEOUT)
    page.get_by_label("scenario file").click(force=True)  # vuetify covers the input
    options = page.get_by_role("option")
    options.first.wait_for(timeout=TIMEOUT)
    assert sorted(options.all_inner_texts()) == [
        "quiet.yaml: Sev Lake, no rumours",
        "short.yaml: Sev Lake, two days",
    ]
    page.get_by_role("option", name="quiet.yaml: Sev Lake, no rumours").click()
    page.get_by_text("crisis-sim: Sev Lake, no rumours").wait_for(timeout=TIMEOUT)
    page.get_by_role("button", name="Step").click()
    page.get_by_text("A ministerial visit to Azerbaijan").wait_for(timeout=TIMEOUT)
    page.shot("chosen")
    assert not page.errors


def test_four_teams_play_a_game_to_its_debrief(server, open_page):
    facilitator = _fresh_game(server, open_page)
    teams = {r: open_page(server["game"].join_link(r), r) for r in TEAMS}
    moves = {
        "armenia": ("send army", "Sev Lake"),
        "azerbaijan": ("advance", "Sev Lake"),
        "russia": ("phone both", None),
        "csto": ("hold", None),
    }
    for day in (1, 2):
        for role, page in teams.items():
            page.get_by_text(f"Day {day} of 2").wait_for(timeout=TIMEOUT)
            if role == "csto":  # the last team: the facilitator's page shows who has moved
                expect(facilitator.get_by_role("cell", name="has moved ✓")).to_have_count(
                    3, timeout=TIMEOUT
                )
                expect(facilitator.get_by_role("cell", name="waiting", exact=True)).to_have_count(1)
                facilitator.shot(f"day{day}-three-moved")
            action, sector = moves[role]
            page.get_by_text(f"Moves for day {day}.").wait_for(timeout=TIMEOUT)  # the buttons'
            if sector:
                page.get_by_role("button", name=sector, exact=True).click()
            page.get_by_role("button", name=action, exact=True).click()
            sent = page.get_by_text(f"Sent for day {day}: {action}")
            over = page.get_by_text("The crisis is over").or_(page.get_by_text("ended in:"))
            # The last move closes the day (its "Sent for day" goes with it), or ends the game.
            closed = page.get_by_role("heading", name=f"Day {day + 1} of 2")
            sent.or_(over).or_(closed).first.wait_for(timeout=TIMEOUT)
        # Every team has moved: the day closes by itself.
    facilitator.get_by_text("The crisis ended in:").wait_for(timeout=60_000)
    open_tab(facilitator, "What has happened")
    facilitator.get_by_text("Armenia sent regular army units to Sev Lake").first.wait_for()
    facilitator.shot("debrief")
    for role, page in teams.items():
        page.get_by_text("The crisis ended in:").wait_for(timeout=TIMEOUT)
        page.shot("debrief")
        assert not page.errors, role
    facilitator.get_by_role("button", name="Save the game as a results folder").click()
    facilitator.get_by_text("Saved in").wait_for(timeout=TIMEOUT)
    assert list((server["folder"] / "results").glob("game-short-*/manifest.json"))
    assert not facilitator.errors


def test_wrong_roles_and_second_browsers_are_told_so(server, open_page):
    facilitator = _fresh_game(server, open_page)
    # A game under way is not dropped by a misclick on "New game".
    open_tab(facilitator, "New game")
    facilitator.get_by_role("button", name="New game").click()
    facilitator.get_by_text("Drop the game under way?").wait_for(timeout=TIMEOUT)
    facilitator.get_by_role("button", name="Cancel").click()
    expect(facilitator.get_by_text("Drop the game under way?")).to_be_hidden(timeout=TIMEOUT)
    armenia = team_row(facilitator, "armenia")
    expect(armenia).to_contain_text("not joined yet", timeout=TIMEOUT)
    stranger = open_page(server["url"] + "/team/georgia", "georgia")
    stranger.get_by_text("'georgia' is not a team in this game").wait_for(timeout=TIMEOUT)
    first = open_page(server["game"].join_link("armenia"), "armenia-1")
    first.get_by_role("button", name="hold", exact=True).wait_for(timeout=TIMEOUT)
    first.get_by_text("Our brief").click()
    first.get_by_text("What you fear").wait_for(timeout=TIMEOUT)
    first.get_by_role("cell", name="send border guards to a sector").wait_for()
    second = open_page(server["game"].join_link("armenia"), "armenia-2")
    second.get_by_text("already played from another browser").wait_for(timeout=TIMEOUT)
    open_tab(facilitator, "Teams: links and codes")
    facilitator.get_by_role("button", name="Free Armenia").wait_for(timeout=TIMEOUT)
    assert second.get_by_role("button", name="hold", exact=True).count() == 0
    second.shot("refused")


def test_a_port_in_use_is_refused_with_a_message(server, tmp_path):
    result = run_cli(tmp_path, "dashboard", str(server["scenario"]), "--port", str(server["port"]))
    assert result.returncode == 2
    assert f"Cannot serve on 127.0.0.1:{server['port']}" in result.stderr
    assert "--port" in result.stderr and "Traceback" not in result.stderr


def _other_address() -> str | None:
    """An address of this machine that is not loopback, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks a route
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_the_dashboard_serves_this_machine_only_unless_told(server):
    assert f"http://localhost:{server['port']}/" in (server["folder"] / "server.log").read_text()
    address = _other_address()
    if address is None:
        pytest.skip("this machine has no address but loopback")
    with socket.socket() as probe, pytest.raises(OSError):
        probe.settimeout(2)
        probe.connect((address, server["port"]))


# Stopping the server: these need no browser. `crisis-sim dashboard` runs solara in a child
# process; a signal to crisis-sim must stop that child too and free the port (issue 14.4).


@pytest.mark.parametrize(
    ("signum", "status", "said"),
    [
        (signal.SIGTERM, 143, "stopped: the dashboard was stopped (SIGTERM)."),
        (signal.SIGINT, 130, "interrupted: the dashboard was stopped"),
    ],
    ids=["sigterm", "ctrl-c"],
)
def test_a_signal_stops_the_whole_dashboard_and_frees_its_port(tmp_path, signum, status, said):
    scenario = short_scenario(tmp_path)
    port = free_port()
    log = tmp_path / "server.log"
    process = start_dashboard(scenario, port, log)
    children = server_tree(process)
    page = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        assert children, "the dashboard serves from a child process"
        page.request("GET", "/")  # a browser's page, its connection kept open
        page.getresponse().read()
        process.send_signal(signum)
        assert process.wait(timeout=30) == status, log.read_text()
        _, alive = psutil.wait_procs(children, timeout=5)
        assert not alive, f"left running: {alive}"
        assert not servers_on(port)
        assert port_is_free(port)
        text = log.read_text()
        assert said in text and "Traceback" not in text, text
    finally:
        page.close()  # after the server closed it: the port's side lingers in TIME_WAIT
        stop_tree(process, children)
    if signum == signal.SIGTERM:  # once is enough: a server start costs seconds
        # ... and a second dashboard starts on the same port at once (TIME_WAIT is no
        # refusal).
        again = start_dashboard(scenario, port, tmp_path / "again.log")
        stop_tree(again, server_tree(again))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_server_dies_with_a_killed_dashboard(tmp_path):
    scenario = short_scenario(tmp_path)
    port = free_port()
    process = start_dashboard(scenario, port, tmp_path / "server.log")
    children = server_tree(process)
    try:
        assert children
        process.kill()  # SIGKILL: crisis-sim cannot clean up; the kernel stops its child
        process.wait(timeout=10)
        _, alive = psutil.wait_procs(children, timeout=30)
        assert not alive, f"left running: {alive}"
        assert not servers_on(port)
        assert port_is_free(port)
    finally:
        stop_tree(process, children)
