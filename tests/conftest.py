"""Shared fixtures: scenario builders and a fingerprint of everything a run outputs."""

from __future__ import annotations

import copy
import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from ruamel.yaml import YAML

if TYPE_CHECKING:
    from sim.spec.schema import Scenario

# The model and the schema are imported where they are used: a parallel run's first
# process, which only hands tests to the others, then never loads Mesa.

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
EXERCISE = Path(__file__).parent / "data" / "exercise.yaml"


def quick_first(values, ids=None, group=lambda value: None) -> list:
    """Return ``values`` as parameters, all but the first of each ``group`` marked slow.

    A contract test over every policy or every shipped scenario runs whole in ``make
    test``; ``make quick`` (``-m "not slow"``) keeps one case of each group, so that the
    loop still exercises every kind of case in a minute (docs/architecture.md, "The
    developers' loop").
    """
    seen, params = set(), []
    for i, value in enumerate(values):
        key = group(value)
        marks = [pytest.mark.slow] if key in seen else []
        seen.add(key)
        args = value if isinstance(value, tuple) else (value,)  # a tuple fills several names
        params.append(pytest.param(*args, marks=marks, id=None if ids is None else ids[i]))
    return params


def run_cli(cwd: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run ``crisis-sim ARGS`` as a user would, in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_main(cwd: Path, *args: str | Path) -> subprocess.CompletedProcess:
    """Run ``crisis-sim ARGS`` in this process, in ``cwd``, and return what it printed.

    The same ``main`` as the console script, its exit status and its two streams, without
    the second or more that a new interpreter spends importing; for tests of a command's
    messages. ``run_cli`` is for what needs a real process (signals, a clean import).
    What ``main`` changes in the process (the working folder, SIGINT's handler, the
    unraisable hook) is put back.
    """
    import contextlib
    import io
    import os
    import signal

    from sim import interrupts
    from sim.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv, here = sys.argv, os.getcwd()
    handler, hook = signal.getsignal(signal.SIGINT), sys.unraisablehook
    sys.argv = ["crisis-sim", *map(str, args)]
    code = 0
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else int(done.code is not None)
    finally:
        os.chdir(here)
        sys.argv = argv
        signal.signal(signal.SIGINT, handler)
        sys.unraisablehook = hook
        interrupts._interrupted = False
    return subprocess.CompletedProcess(
        ["crisis-sim", *map(str, args)], code, out.getvalue(), err.getvalue()
    )


def read_yaml(path: Path) -> dict:
    """Return a YAML file as plain Python data."""
    return _plain(YAML(typ="safe", pure=True).load(path.read_text()))


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def make_scenario(data: dict) -> Scenario:
    """Validate scenario data given as a mapping."""
    from sim.spec.validation import validate_data

    return validate_data(copy.deepcopy(data), Path("<test>"))


def fingerprint(scenario: Scenario, worlds: int | None = None) -> str:
    """Hash every output of a run: outcomes, per-tick aggregates and sampled histories.

    The aggregates and histories are hashed as the recorder keeps them (its arrays, as a
    journal stores them and tests/test_recorded_worlds.py digests them): every histogram,
    sum, minimum, maximum and category count, and the sampled worlds' histories, from
    which the trajectories table is made. Building that table and printing it as CSV
    took a third of the time of a fingerprint and added nothing the arrays do not hold.
    """
    from sim.core.model import CrisisModel

    model = CrisisModel(scenario, worlds=worlds).run()
    digest = hashlib.sha256()
    digest.update(model.outcomes().to_csv(index=False).encode())
    arrays = model.recorder.to_arrays()
    for key in sorted(arrays):
        digest.update(key.encode())
        digest.update(arrays[key].tobytes())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def exercise_data() -> dict:
    """The exercise scenario (every mechanism active) as plain data."""
    return read_yaml(EXERCISE)


@pytest.fixture(scope="session")
def baseline_data() -> dict:
    """The baseline scenario as plain data."""
    return read_yaml(SCENARIOS / "baseline-may-2021.yaml")


@pytest.fixture(scope="session")
def baseline_run_dir(tmp_path_factory) -> Path:
    """A results folder of the baseline, 2,000 worlds, without plots (read-only: copy to edit)."""
    from sim.folders.results import write_run
    from sim.run.ensemble import run_ensemble
    from sim.spec.loading import load_scenario

    loaded = load_scenario(SCENARIOS / "baseline-may-2021.yaml")
    result = run_ensemble(loaded.scenario, worlds=2000)
    out = tmp_path_factory.mktemp("baseline") / "baseline-2000"
    return write_run(result, out, source=loaded.source, plots=False)


#: Modules whose tests start browsers, servers or worker processes, or signal real runs at
#: set moments, in two groups. In a parallel run each group is one unit of work (below).
HEAVY_GROUPS = {
    "heavy: browsers and servers": {
        "test_classroom.py",  # servers and browsers
        "test_dashboard.py",  # a server and a browser
        "test_game_pages.py",  # servers and browsers
        "test_report.py",  # a browser
    },
    "heavy: worker processes": {
        "test_calibration.py",  # calibrations on every engine
        "test_calibration_resume.py",  # a calibration stopped by Ctrl-C on worker processes
        "test_engines.py",  # worker processes and Dask clusters
        "test_interrupts.py",  # Ctrl-C at set moments, on worker processes
        "test_resume.py",  # runs killed at chosen moments
    },
}
_GROUP_OF = {module: group for group, modules in HEAVY_GROUPS.items() for module in modules}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under pytest-xdist's ``--dist loadfile``: each module whole, the heavy ones in groups.

    ``make quick`` and ``make test`` run one worker per core, each module whole in one
    worker, so that its module fixtures are built once. Each group of
    :data:`HEAVY_GROUPS` is one unit, and each worker starts with a group of its own:
    the browser tests run one after another on one core, the worker-process tests on
    the other, so that no two browsers (or two pools of workers) compete, and the light
    modules fill both workers after them. With the heavy modules as one unit, that unit
    alone was the run's critical path: the other worker idled for the last third of
    ``make test``. (pytest-xdist's own ``--dist loadgroup`` would say this with marks,
    but it groups nothing under pytest 9.2: pytest-xdist issue 1386.)
    """
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class HeavyGroups(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = super()._split_scope(nodeid)
            return _GROUP_OF.get(Path(module).name, module)

        def _assign_work_unit(self, node) -> None:
            # A worker without a heavy group takes one first, if one is waiting.
            waiting = [scope for scope in self.workqueue if scope in HEAVY_GROUPS]
            if waiting and not set(self.assigned_work.get(node, {})) & HEAVY_GROUPS.keys():
                self.workqueue.move_to_end(waiting[0], last=False)
            super()._assign_work_unit(node)

    return HeavyGroups(config, log)


#: Chromium's switches for tests on a machine without network: without the background
#: networking ones it retries refused connections (updates, sync, field trials) and hangs.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium driven by Playwright, for browser tests (fails if it is missing)."""
    import shutil

    executable = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if executable is None:
        pytest.fail(
            "The browser tests need Debian's Chromium and `chromium` is not installed. "
            "Run `make test`, which installs it (or: apt-get install chromium).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS, timeout=60_000
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where a browser test's screenshots go (``make screenshots``: docs/img/workshop)."""
    folder = Path(os.environ.get("CRISIS_SIM_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
