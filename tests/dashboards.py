"""Starting and stopping real dashboards for the browser tests, and reading what they print.

``crisis-sim dashboard`` prints the facilitator's link (with its key) and the game's
folder; the teams' codes are in the folder's ``access.json``. These helpers read them as
a facilitator would, from the terminal, and give each team its join link.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from conftest import SCENARIOS


@dataclass(frozen=True)
class Served:
    """What a started dashboard printed: where to open it, its key, its game's folder."""

    url: str
    facilitator: str  # the facilitator's link, with the key
    key: str
    folder: Path  # the game's folder (journal and access.json)

    def join_link(self, role: str) -> str:
        """Return a team's join link, with the code the facilitator's page shows."""
        codes = json.loads((self.folder / "access.json").read_text())["codes"]
        return f"{self.url}/team/{role}?code={codes[role]}"


def served(log: Path, port: int, cwd: Path) -> Served:
    """Return what the dashboard started with ``log`` as its output printed."""
    text = log.read_text()
    link = re.search(r"facilitator: (\S+)", text)
    folder = re.search(r"the game is (?:journaled in|resumed from) (\S+)/ ", text)
    assert link and folder, text
    key = link.group(1).split("key=", 1)[1]
    return Served(f"http://127.0.0.1:{port}", link.group(1), key, cwd / folder.group(1))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def short_scenario(folder: Path, days: int = 2) -> Path:
    """Write a variant of the baseline ``days`` long into ``folder``; return its path."""
    scenario = folder / "short.yaml"
    words = {1: "one", 2: "two", 3: "three"}.get(days, str(days))
    scenario.write_text(
        f"extends: {SCENARIOS / 'baseline-may-2021.yaml'}\nname: short\n"
        f'title: "Sev Lake, {words} days"\nhorizon_days: {days}\n'
    )
    return scenario


def start_dashboard(scenario: Path, port: int, log: Path, *options: str) -> subprocess.Popen:
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
                stop_tree(process, [])
                pytest.fail(f"the dashboard did not start:\n{log.read_text()}")
            time.sleep(0.3)


def server_tree(process: subprocess.Popen) -> list[psutil.Process]:
    """The processes ``process`` has started (the solara server), while it runs."""
    with contextlib.suppress(psutil.NoSuchProcess):
        return psutil.Process(process.pid).children(recursive=True)
    return []


def stop_tree(process: subprocess.Popen, known: list[psutil.Process]) -> None:
    """Stop ``crisis-sim dashboard`` with SIGTERM, then kill whatever of its tree is left.

    ``known``: its children recorded earlier (a child that outlived its parent is no
    longer found as one), so that a broken stop cannot leave a server holding a port.
    """
    everything = {*known, *server_tree(process)}
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    _, alive = psutil.wait_procs(everything, timeout=10)
    for child in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
    psutil.wait_procs(alive, timeout=10)


def servers_on(port: int) -> list[str]:
    """The command lines of solara servers still started for ``port``."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        line = " ".join(proc.info["cmdline"] or [])
        if "solara" in line and "--port" in line and str(port) in line.split():
            found.append(f"{proc.pid}: {line}")
    return found


def port_is_free(port: int) -> bool:
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


@contextlib.contextmanager
def browser_pages(chromium_browser, folder: Path, viewport: dict):
    """Yield ``open_(url, name)``: a page in a browser context of its own (one laptop).

    Each page collects its script errors in ``page.errors``; on leaving, each is
    photographed into ``folder`` (how it ended, for a failure's post-mortem) and closed.
    """
    opened = []

    def open_(url: str, name: str, size: dict | None = None, held: bool = False):
        """Open ``url`` at ``size`` (default: the viewport); ``held``: see :class:`Held`."""
        context = chromium_browser.new_context(viewport=size or viewport)
        page = context.new_page()
        opened.append((name, context, page))
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        if held:
            page.held = Held(page)
        page.goto(url)
        page.errors = errors
        return page

    try:
        yield open_
    finally:
        for name, context, page in opened:
            with contextlib.suppress(Exception):
                page.screenshot(path=folder / f"{name}-end.png", full_page=True)
            context.close()


#: What a page's layout is on its screen: horizontal overflow, text under 12 px, clipped
#: buttons, and how much the map's image and the home page's gauges are scaled down
#: (the map's smallest text is 13 pt, the gauges' GAUGE_TEXT_PT).
LAYOUT = """() => {
  const small = [], clipped = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const element = walker.currentNode.parentElement;
    if (!text || !element) continue;
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (box.width === 0 || box.height === 0 || style.visibility === "hidden") continue;
    if (parseFloat(style.fontSize) < 12) small.push(style.fontSize + ": " + text.slice(0, 40));
  }
  for (const button of document.querySelectorAll("button")) {
    const box = button.getBoundingClientRect();
    if (box.width === 0) continue;
    if (button.scrollWidth > button.clientWidth + 1 || box.right > window.innerWidth + 1)
      clipped.push(button.innerText.slice(0, 40));
  }
  const maps = [...document.querySelectorAll("img")]
    .filter(img => img.closest(".situation-map") || img.classList.contains("situation-map"))
    .map(img => img.getBoundingClientRect().width / img.naturalWidth);
  const gauges = [...document.querySelectorAll("img.gauges")]
    .map(img => img.getBoundingClientRect().width / img.naturalWidth);
  return {overflow: document.documentElement.scrollWidth - window.innerWidth, small, clipped,
          maps, gauges};
}"""
SMALLEST_MAP_TEXT_PX = 13 / 72 * 100  # 13 pt at the figures' 100 dpi


#: The teams' names as the facilitator's page shows them (the cast's, not the ids).
NAMES = {"armenia": "Armenia", "azerbaijan": "Azerbaijan", "russia": "Russia", "csto": "CSTO"}


def team_row(facilitator, team: str):
    """Return the row of ``team`` in the facilitator's table of who has moved."""
    return facilitator.get_by_role("row", name=re.compile(rf"^{NAMES.get(team, team)} "))


def open_tab(page, name: str) -> None:
    """Open the tab ``name`` of the facilitator's page (its lower half is in tabs)."""
    page.get_by_role("tab", name=name).click()


def free_every_team(facilitator, teams: list[str], timeout: float) -> None:
    """Free each team a browser holds, from the facilitator's page, and wait until it shows.

    Teams keep their browsers from one game to the next; a test's browsers are new. The
    table of teams is one piece of the page (its buttons arrive separately), so it says
    which teams to free; the buttons are in the tab of the teams' links.
    """
    from playwright.sync_api import expect

    for team in teams:
        row = team_row(facilitator, team)
        row.wait_for(timeout=timeout)
        if "not joined yet" not in row.inner_text():
            button = facilitator.get_by_role("button", name=f"Free {NAMES.get(team, team)}")
            if not button.first.is_visible():
                open_tab(facilitator, "Teams: links and codes")
            button.first.click(timeout=timeout)
        expect(row).to_contain_text("not joined yet", timeout=timeout)


class Held:
    """A page's WebSockets routed through the test, so that what the server sends can wait.

    ``hold()``: from now on the server's messages to the page are kept back (the page
    goes on showing what it showed, as a phone on a slow network does), while the page's
    own messages (a click) still reach the server. ``release()`` delivers what was kept,
    in order. ``kept_text()``: what the server has sent meanwhile, to wait on.
    """

    def __init__(self, page) -> None:
        self.kept: list | None = None
        page.route_web_socket(re.compile(".*"), self._route)

    def _route(self, route) -> None:
        server = route.connect_to_server()
        route.on_message(server.send)

        def down(message) -> None:
            if self.kept is None:
                route.send(message)
            else:
                self.kept.append((route, message))

        server.on_message(down)

    def hold(self) -> None:
        self.kept = []

    def kept_text(self) -> str:
        return "".join(m if isinstance(m, str) else "" for _, m in self.kept or [])

    def release(self) -> None:
        kept, self.kept = self.kept or [], None
        for route, message in kept:
            route.send(message)


def workshop_scenario(folder: Path, days: int = 3) -> Path:
    """Write a short variant of the workshop scenario (its prepared injects included)."""
    scenario = folder / "class.yaml"
    scenario.write_text(
        f"extends: {SCENARIOS / 'workshop-sev-lake.yaml'}\nname: class\n"
        f'title: "Sev Lake: a class of {days} days"\nhorizon_days: {days}\n'
    )
    return scenario


TEAMS = ["armenia", "azerbaijan", "russia", "csto"]
TIMEOUT = 30_000  # ms: a page's first render imports the model


def start_a_game(facilitator) -> None:
    """Press "Start the game", or during a game "New game" (in its tab) and confirm."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    start = facilitator.get_by_role("button", name="Start the game")
    tab = facilitator.get_by_role("tab", name="New game")
    start.or_(tab).first.wait_for(timeout=TIMEOUT)
    if start.count():
        start.click()
        return
    tab.click()
    facilitator.get_by_role("button", name="New game").click(timeout=TIMEOUT)
    with contextlib.suppress(PlaywrightTimeout):  # asked only while a game is under way
        facilitator.get_by_role("button", name="Start a new game").click(timeout=2000)


def new_game(room: Served, browsers, days: int = 3):
    """Open the facilitator's page, start a four-team game, and free the teams' browsers."""
    facilitator = browsers(room.facilitator, "facilitator")
    start_a_game(facilitator)
    facilitator.get_by_role("heading", name=f"Day 1 of {days}").wait_for(timeout=TIMEOUT)
    free_every_team(facilitator, TEAMS, TIMEOUT)
    return facilitator


def join_teams(room: Served, browsers, days: int = 3, sizes: dict | None = None, **options):
    """Open each team's join link in its own browser; return the pages once they can move.

    ``sizes``: a viewport for some teams (a phone), the others get the default one.
    """
    sizes = sizes or {}
    pages = {
        role: browsers(room.join_link(role), role, sizes.get(role), **options) for role in TEAMS
    }
    for page in pages.values():
        page.get_by_text(f"Day 1 of {days}").first.wait_for(timeout=TIMEOUT)
        page.get_by_role("button", name="hold", exact=True).wait_for(timeout=TIMEOUT)
    return pages


def choose(page, label: str, option: str) -> None:
    """Choose ``option`` in the drop-down list labelled ``label``."""
    page.get_by_label(label, exact=True).click(force=True)  # vuetify covers the input
    page.get_by_role("option", name=option, exact=True).click()


@contextlib.contextmanager
def workshop_server(folder: Path):
    """Serve a dashboard of a three-day workshop from ``folder``; stop it and its children."""
    scenario = workshop_scenario(folder)
    port = free_port()
    process = start_dashboard(scenario, port, folder / "server.log", "--ensemble-worlds", "100")
    children = server_tree(process)
    try:
        yield served(folder / "server.log", port, folder)
    finally:
        stop_tree(process, children)
