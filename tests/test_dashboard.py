"""The dashboard in a real browser: one world stepped, and a four-team game to its debrief.

The suite starts ``crisis-sim dashboard`` on a free port and drives Debian's Chromium
through Playwright (the ``chromium_browser`` fixture); screenshots go to each test's
temporary folder.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from conftest import SCENARIOS, run_cli

pytestmark = pytest.mark.slow  # a real server and browser

TEAMS = ["armenia", "azerbaijan", "russia", "csto"]
TIMEOUT = 30_000  # ms: a page's first render imports the model


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _short_scenario(folder: Path) -> Path:
    """Write a two-day variant of the baseline into ``folder``; return its path."""
    scenario = folder / "short.yaml"
    scenario.write_text(
        f"extends: {SCENARIOS / 'baseline-may-2021.yaml'}\nname: short\n"
        'title: "Sev Lake, two days"\nhorizon_days: 2\n'
    )
    return scenario


def _start_dashboard(scenario: Path, port: int, log: Path, *options: str) -> subprocess.Popen:
    """Start ``crisis-sim dashboard`` and return once it answers HTTP on ``port``.

    Its output goes to ``log`` (a file, not a pipe: an unread pipe fills up and stalls the
    server). SIGINT is reset to its default in the child, so that Ctrl-C can be sent with
    a signal even when the suite itself runs with SIGINT ignored (in the background).
    """
    command = [sys.executable, "-m", "sim.cli", "dashboard", str(scenario), "--port", str(port)]
    with log.open("w") as output:
        process = subprocess.Popen(
            [*command, *options],
            cwd=scenario.parent,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}", timeout=2)
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                _stop_tree(process, [])
                pytest.fail(f"the dashboard did not start:\n{log.read_text()}")
            time.sleep(0.3)


def _tree(process: subprocess.Popen) -> list[psutil.Process]:
    """The processes ``process`` has started (the solara server), while it runs."""
    with contextlib.suppress(psutil.NoSuchProcess):
        return psutil.Process(process.pid).children(recursive=True)
    return []


def _stop_tree(process: subprocess.Popen, known: list[psutil.Process]) -> None:
    """Stop ``crisis-sim dashboard`` with SIGTERM, then kill whatever of its tree is left.

    ``known``: its children recorded earlier (a child that outlived its parent is no
    longer found as one), so that a broken stop cannot leave a server holding a port.
    """
    tree = {*known, *_tree(process)}
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    _, alive = psutil.wait_procs(tree, timeout=10)
    for child in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
    psutil.wait_procs(alive, timeout=10)


def _servers_on(port: int) -> list[str]:
    """The command lines of solara servers still started for ``port``."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        line = " ".join(proc.info["cmdline"] or [])
        if "solara" in line and "--port" in line and str(port) in line.split():
            found.append(f"{proc.pid}: {line}")
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A dashboard of a two-day variant of the baseline, serving on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("dashboard")
    scenario = _short_scenario(folder)
    # Neighbours in the folder: one more scenario the page offers, and a broken one it hides.
    (folder / "quiet.yaml").write_text(
        f"extends: {SCENARIOS / 'baseline-may-2021.yaml'}\nname: quiet\n"
        'title: "Sev Lake, no rumours"\nhorizon_days: 2\n'
    )
    (folder / "broken.yaml").write_text("name: [unclosed\n")
    port = _free_port()
    process = _start_dashboard(scenario, port, folder / "server.log", "--ensemble-worlds", "100")
    children = _tree(process)
    url = f"http://127.0.0.1:{port}"
    try:
        yield {"url": url, "port": port, "folder": folder, "scenario": scenario}
    finally:
        _stop_tree(process, children)  # the whole tree: no server is left holding the port


@pytest.fixture
def open_page(chromium_browser, tmp_path):
    """Open a page in its own browser context (its own session), closed after the test."""
    opened = []

    def open_(url, name):
        context = chromium_browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        opened.append((name, context, page))
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)
        page.errors = errors
        page.shot = lambda label: page.screenshot(
            path=tmp_path / f"{name}-{label}.png", full_page=True
        )
        return page

    yield open_
    for name, context, page in opened:  # how each page ended, for a failure's post-mortem
        page.screenshot(path=tmp_path / f"{name}-end.png", full_page=True)
        context.close()


def _fresh_game(server, open_page):
    """Open the facilitator's page and start a four-team game (a new one if one is on)."""
    facilitator = open_page(server["url"] + "/game", "facilitator")
    start = facilitator.get_by_role("button", name="Start the game")
    start.or_(facilitator.get_by_role("button", name="New game")).first.click(timeout=TIMEOUT)
    confirm = facilitator.get_by_role("button", name="Start a new game")
    with contextlib.suppress(PlaywrightTimeout):  # asked only while a game is under way
        confirm.click(timeout=2000)
    facilitator.get_by_text("Day 1 of 2").wait_for(timeout=TIMEOUT)
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
    teams = {r: open_page(f"{server['url']}/team/{r}", r) for r in TEAMS}
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
            if sector:
                page.get_by_role("button", name=sector, exact=True).click()
            page.get_by_role("button", name=action, exact=True).click()
            sent = page.get_by_text(f"Sent for day {day}: {action}")
            over = page.get_by_text("The crisis is over").or_(page.get_by_text("ended in:"))
            sent.or_(over).first.wait_for(timeout=TIMEOUT)  # the last move ends the game
        # Every team has moved: the day closes by itself.
    facilitator.get_by_text("The crisis ended in:").wait_for(timeout=60_000)
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
    facilitator.get_by_role("button", name="New game").click()
    facilitator.get_by_text("Drop the game under way?").wait_for(timeout=TIMEOUT)
    facilitator.get_by_role("button", name="Cancel").click()
    expect(facilitator.get_by_text("Drop the game under way?")).to_be_hidden(timeout=TIMEOUT)
    # Another test's pages may still hold armenia until their sessions end: free it.
    free = facilitator.get_by_role("button", name="Free armenia")
    if free.count():
        free.click()
    armenia = facilitator.get_by_role("row", name=re.compile(r"^armenia "))
    expect(armenia).to_contain_text("page not open yet", timeout=TIMEOUT)
    stranger = open_page(server["url"] + "/team/georgia", "georgia")
    stranger.get_by_text("'georgia' is not a team in this game").wait_for(timeout=TIMEOUT)
    first = open_page(server["url"] + "/team/armenia", "armenia-1")
    first.get_by_role("button", name="hold", exact=True).wait_for(timeout=TIMEOUT)
    first.get_by_text("Our brief").click()
    first.get_by_text("What you fear").wait_for(timeout=TIMEOUT)
    first.get_by_role("cell", name="send NSS border guards to a sector").wait_for()
    second = open_page(server["url"] + "/team/armenia", "armenia-2")
    second.get_by_text("already played from another browser").wait_for(timeout=TIMEOUT)
    facilitator.get_by_role("button", name="Free armenia").wait_for(timeout=TIMEOUT)
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
    assert f"http://127.0.0.1:{server['port']}" in (server["folder"] / "server.log").read_text()
    address = _other_address()
    if address is None:
        pytest.skip("this machine has no address but loopback")
    with socket.socket() as probe, pytest.raises(OSError):
        probe.settimeout(2)
        probe.connect((address, server["port"]))


# Stopping the server: these need no browser. `crisis-sim dashboard` runs solara in a child
# process; a signal to crisis-sim must stop that child too and free the port (issue 14.4).


def _port_is_free(port: int) -> bool:
    """Whether a server could listen on ``port`` now.

    It binds as servers do, with SO_REUSEADDR: a port stays usable while connections that
    the last server closed linger in TIME_WAIT.
    """
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            probe.listen()
        except OSError:
            return False
        return True


@pytest.mark.parametrize(
    ("signum", "status", "said"),
    [
        (signal.SIGTERM, 143, "stopped: the dashboard was stopped (SIGTERM)."),
        (signal.SIGINT, 130, "interrupted: the dashboard was stopped"),
    ],
    ids=["sigterm", "ctrl-c"],
)
def test_a_signal_stops_the_whole_dashboard_and_frees_its_port(tmp_path, signum, status, said):
    scenario = _short_scenario(tmp_path)
    port = _free_port()
    log = tmp_path / "server.log"
    process = _start_dashboard(scenario, port, log)
    children = _tree(process)
    page = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        assert children, "the dashboard serves from a child process"
        page.request("GET", "/")  # a browser's page, its connection kept open
        page.getresponse().read()
        process.send_signal(signum)
        assert process.wait(timeout=30) == status, log.read_text()
        _, alive = psutil.wait_procs(children, timeout=5)
        assert not alive, f"left running: {alive}"
        assert not _servers_on(port)
        assert _port_is_free(port)
        text = log.read_text()
        assert said in text and "Traceback" not in text, text
    finally:
        page.close()  # after the server closed it: the port's side lingers in TIME_WAIT
        _stop_tree(process, children)
    # ... and a second dashboard starts on the same port at once (TIME_WAIT is no refusal).
    again = _start_dashboard(scenario, port, tmp_path / "again.log")
    _stop_tree(again, _tree(again))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_server_dies_with_a_killed_dashboard(tmp_path):
    scenario = _short_scenario(tmp_path)
    port = _free_port()
    process = _start_dashboard(scenario, port, tmp_path / "server.log")
    children = _tree(process)
    try:
        assert children
        process.kill()  # SIGKILL: crisis-sim cannot clean up; the kernel stops its child
        process.wait(timeout=10)
        _, alive = psutil.wait_procs(children, timeout=30)
        assert not alive, f"left running: {alive}"
        assert not _servers_on(port)
        assert _port_is_free(port)
    finally:
        _stop_tree(process, children)
