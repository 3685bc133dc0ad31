"""The command line end to end, in a temporary folder, as a user would run it.

Each `python -m sim.cli` spends about a second importing, so every command the tests
need is started up front, several at a time, by the module fixture ``done`` (in two
rounds: the second needs the folders the first wrote); each test then checks the
outcome of its own commands.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim.catalogue.outcomes import OUTCOME_CLASSES
from sim.folders.results import outcome_hash
from sim.policies import REGISTRY
from sim.spec.loading import load_scenario

from conftest import ROOT, SCENARIOS, run_main

pytestmark = pytest.mark.slow  # the command line end to end

BASELINE = SCENARIOS / "baseline-may-2021.yaml"
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
# Rich reads these; a developer's terminal settings must not change what the tests see.
ENV = {k: v for k, v in os.environ.items() if k not in {"COLUMNS", "LINES", "FORCE_COLOR"}}


def documented_columns(table: str) -> set[str]:
    """Return the column names docs/results.md lists under a heading."""
    text = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    section = text.split(f"## {table}", 1)[1].split("\n## ", 1)[0]
    names = set()
    for cell in re.findall(r"^\| (`[^|]+`) \|", section, re.M):
        names.update(re.findall(r"`([a-z_]+)`", cell))
    return names


def cli(*args: str | Path, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *map(str, args)],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@dataclass
class Session:
    """A temporary working folder and what each named command did in it."""

    cwd: Path
    results: dict[str, subprocess.CompletedProcess] = field(default_factory=dict)
    before: dict[str, Any] = field(default_factory=dict)  # what a folder held before round 2

    def run_all(self, commands: dict[str, tuple]) -> None:
        def one(args: tuple) -> subprocess.CompletedProcess:
            try:  # out-of-range numbers must be refused at once, never start a long run
                return cli(*args, cwd=self.cwd, timeout=60)
            except subprocess.TimeoutExpired as error:
                return subprocess.CompletedProcess(error.cmd, -9, "", "(timed out)")

        with ThreadPoolExecutor(max_workers=max(4, os.cpu_count() or 1)) as pool:
            self.results.update(zip(commands, pool.map(one, commands.values()), strict=True))

    def ok(self, name: str) -> subprocess.CompletedProcess:
        result = self.results[name]
        assert result.returncode == 0, f"{name}: {result.stderr}"
        assert "Traceback" not in result.stderr
        return result

    def refused(self, name: str, *phrases: str) -> subprocess.CompletedProcess:
        """Assert the command ended in a clear message and exit status 2."""
        result = self.results[name]
        assert result.returncode == 2, f"{name}: {result.returncode} {result.stderr}"
        assert "Traceback" not in result.stderr + result.stdout, result.stderr
        for phrase in phrases:
            assert phrase in result.stderr, result.stderr
        return result


@pytest.fixture(scope="module")
def done(tmp_path_factory) -> Session:
    session = Session(tmp_path_factory.mktemp("cli"))
    cwd = session.cwd
    baseline = BASELINE.read_text(encoding="utf-8")
    (cwd / "bad.yaml").write_text(baseline.replace("policy: broker", "policy: brokr"))
    deep = cwd.joinpath(*["a-folder-with-a-long-name"] * 4)  # the path alone is > 80 characters
    deep.mkdir(parents=True)
    (deep / "invalid.yaml").write_text("name: bad\ntitle: Bad\nworlds: -4\n")
    weird = cwd / "we[ird]"  # text that rich would read as markup
    weird.mkdir()
    title = 'title: "Draft [/b] of [bold]the[/bold] baseline"'
    (weird / "[bold]x.yaml").write_text(re.sub(r"(?m)^title: .*$", title, baseline))
    (weird / "key.yaml").write_text(baseline + '"[/x]": 1\n')
    (cwd / "a-file").write_text("not a folder\n")
    (cwd / "not-a-run").mkdir()
    (cwd / "not-a-run" / "keep.txt").write_text("mine\n")
    (cwd / "incomplete").mkdir()
    (cwd / "incomplete" / "manifest.json").write_text('{"complete": false}\n')
    quick = ("-n", "50", "--no-plots")
    session.run_all(
        {
            "validate-all": ("validate", *SHIPPED),
            "validate-bad": ("validate", BASELINE, deep / "invalid.yaml"),
            "run": ("run", BASELINE, "--worlds", "300", "--out", cwd / "run", "--no-plots"),
            "one-world": ("run", BASELINE, "-n", "1", "--no-plots", "--out", cwd / "one"),
            "csv": ("run", BASELINE, "-n", "40", "--out", cwd / "csv", "--csv", "--no-plots"),
            "plotted": ("run", BASELINE, "-n", "100", "--out", cwd / "plotted"),
            "seed-1a": ("run", BASELINE, *quick, "--seed", "1", "--out", cwd / "seed-1a"),
            "seed-1b": ("run", BASELINE, *quick, "--seed", "1", "--out", cwd / "seed-1b"),
            "seed-2": ("run", BASELINE, *quick, "--seed", "2"),  # into the default folder
            "bad-scenario": ("run", cwd / "bad.yaml", "--out", cwd / "x-bad"),
            "missing-scenario": ("run", cwd / "missing.yaml", "--out", cwd / "x-missing"),
            "worlds-0": ("run", BASELINE, "--worlds", "0", "--out", cwd / "x-w0"),
            "worlds-neg": ("run", BASELINE, "--worlds", "-5", "--out", cwd / "x-w5"),
            "worlds-huge": ("run", BASELINE, "--worlds", "100000001", "--out", cwd / "x-wh"),
            "seed-huge": ("run", BASELINE, "--seed", str(2**64), "--out", cwd / "x-s64"),
            "out-under-a-file": ("run", BASELINE, *quick, "--out", cwd / "a-file" / "run"),
            "replace-not-a-run": ("run", BASELINE, *quick, "--out", cwd / "not-a-run", "--replace"),
            "markup-validate": ("validate", weird / "[bold]x.yaml", weird / "key.yaml"),
            "markup-run": ("run", weird / "[bold]x.yaml", *quick, "--out", weird / "out[red]"),
            "plot-not-a-run": ("plot", cwd / "not-a-run"),
            "plot-incomplete": ("plot", cwd / "incomplete"),
        }
    )
    # Second round: commands on the folders the first round wrote.
    for name in ("run", "csv"):
        if session.results[name].returncode == 0:
            session.before[name] = (cwd / name / "manifest.json").read_bytes()
    if (cwd / "csv" / "worlds.csv").exists():
        session.before["worlds.csv"] = (cwd / "csv" / "worlds.csv").read_bytes()
    second = {
        "overwrite": ("run", BASELINE, *quick, "--out", cwd / "run"),
        "replace": ("run", BASELINE, "-n", "60", "--no-plots", "--out", cwd / "csv", "--replace"),
    }
    if session.results["plotted"].returncode == 0:
        session.before["plots"] = sorted(p.name for p in (cwd / "plotted" / "plots").glob("*.png"))
        shutil.rmtree(cwd / "plotted" / "plots")
        second["plot"] = ("plot", cwd / "plotted")
    session.run_all(second)
    return session


def test_validate_every_shipped_scenario(done):
    result = done.ok("validate-all")
    for path in SHIPPED:
        assert f"✓ {path}: " in result.stdout  # one line per file, the path whole
    assert result.stdout.count("✓") == len(SHIPPED) and not result.stderr


def test_validate_a_bad_file_names_file_and_line(done):
    result = done.refused("validate-bad")
    bad = done.cwd.joinpath(*["a-folder-with-a-long-name"] * 4, "invalid.yaml")
    # file:line on one line, as editors and grep expect, however long the path
    assert f"{bad}:3: worlds: Input should be greater than or equal to 1" in result.stderr
    assert f"{bad}:1: sectors: required but missing" in result.stderr
    assert f"✓ {BASELINE}" in result.stdout  # the good file is still checked


def test_run_prints_the_outcome_table_and_where_the_results_are(done):
    result = done.ok("run")
    folder = done.cwd / "run"
    assert "Sev Lake, May 2021: baseline: outcomes of 300 worlds" in result.stdout
    counts = {}
    for outcome in OUTCOME_CLASSES:
        row = re.search(rf"│ {re.escape(outcome.label)} +│ +(\d+) │ +([\d.]+)% │", result.stdout)
        assert row, f"no row for {outcome.label}:\n{result.stdout}"
        counts[outcome.name.lower()] = int(row[1])
        assert float(row[2]) == pytest.approx(100 * int(row[1]) / 300, abs=0.05)
    worlds = pd.read_parquet(folder / "worlds.parquet")
    assert counts == {k: int((worlds["outcome"] == k).sum()) for k in counts}
    assert sum(counts.values()) == 300
    assert f"Results: {folder}/" in result.stdout and "Plots:" not in result.stdout


def test_one_world_is_one_world_not_one_worlds(done):
    result = done.ok("one-world")
    assert "baseline: 1 world x 120 ticks" in result.stderr
    assert re.search(r"outcomes of 1 world\b(?!s)", result.stdout), result.stdout


def test_run_writes_a_complete_results_folder(done):
    done.ok("run")
    folder = done.cwd / "run"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["complete"] is True and manifest["worlds"] == 300
    assert manifest["seed"] == 20210512  # the scenario's
    assert manifest["scenario_hash"] == load_scenario(BASELINE).hash
    assert manifest["scenario_name"] == "baseline-may-2021"
    assert {"python", "crisis-sim", "mesa", "numpy", "pandas"} <= set(manifest["versions"])
    assert manifest["versions"]["mesa"].startswith("3.5")
    worlds = pd.read_parquet(folder / "worlds.parquet")
    assert len(worlds) == 300 and list(worlds["world"]) == list(range(300))
    assert set(worlds.columns) == documented_columns("worlds.parquet")
    assert manifest["outcome_hash"] == outcome_hash(worlds)
    per_tick = pd.read_parquet(folder / "per_tick.parquet")
    assert set(per_tick["tick"]) == set(range(manifest["ticks"]))
    for name in ("histograms", "state_shares", "trajectories"):
        assert len(pd.read_parquet(folder / f"{name}.parquet")) > 0, name
    assert not (folder / "worlds.csv").exists() and not (folder / "plots").exists()


def test_csv(done):
    done.ok("csv")  # the folder is then replaced by a run without --csv: see test_replace
    assert json.loads(done.before["csv"])["worlds"] == 40
    table = pd.read_csv(io.BytesIO(done.before["worlds.csv"]))
    assert len(table) == 40 and set(table.columns) == documented_columns("worlds.parquet")


def test_a_run_is_never_overwritten_silently(done):
    result = done.refused("overwrite", "already exists", "--replace")
    assert "Running" not in result.stderr  # refused before simulating
    assert (done.cwd / "run" / "manifest.json").read_bytes() == done.before["run"]


def test_replace(done):
    done.ok("replace")
    folder = done.cwd / "csv"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["worlds"] == 60 and len(pd.read_parquet(folder / "worlds.parquet")) == 60
    assert not (folder / "worlds.csv").exists()  # replaced whole, not merged


def test_replace_refuses_a_folder_that_is_not_a_run(done):
    result = done.refused("replace-not-a-run", "not a run folder crisis-sim wrote")
    assert "Running" not in result.stderr  # refused before simulating
    assert [p.name for p in (done.cwd / "not-a-run").iterdir()] == ["keep.txt"]


@pytest.mark.parametrize(
    ("name", "phrases"),
    [
        ("bad-scenario", ["bad.yaml:", "did you mean `broker`"]),
        ("missing-scenario", ["missing.yaml does not exist"]),
        ("worlds-0", ["--worlds"]),
        ("worlds-neg", ["--worlds"]),
        ("worlds-huge", ["--worlds"]),
        ("seed-huge", ["--seed"]),
        ("out-under-a-file", ["a-file", "not a folder"]),
    ],
)
def test_bad_input_is_refused_cleanly(done, name, phrases):
    done.refused(name, *phrases)


def test_bad_input_leaves_nothing_behind(done):
    names = {p.name for p in done.cwd.iterdir()}
    assert not {n for n in names if n.startswith("x-")}, names
    assert not {n for n in names if n.startswith(".")}, names  # no hidden .partial folders
    assert (done.cwd / "a-file").read_text() == "not a folder\n"


def test_seed_sets_the_worlds(done):
    done.ok("seed-2")
    (default,) = (done.cwd / "results").iterdir()  # no --out: the default place, named after it
    assert default.name.startswith("baseline-may-2021-") and default.name.endswith("-seed2")
    hashes = {}
    for name, folder, seed in (
        ("seed-1a", done.cwd / "seed-1a", 1),
        ("seed-1b", done.cwd / "seed-1b", 1),
        ("seed-2", default, 2),
    ):
        done.ok(name)
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["seed"] == seed and manifest["worlds"] == 50
        hashes[name] = manifest["outcome_hash"]
    assert hashes["seed-1a"] == hashes["seed-1b"] != hashes["seed-2"]


def test_text_that_looks_like_markup_is_printed_as_written(done):
    weird = done.cwd / "we[ird]"
    result = done.refused("markup-validate", f"{weird / 'key.yaml'}:", "[/x]: unknown key")
    assert f"✓ {weird / '[bold]x.yaml'}: " in result.stdout and "✗" in result.stderr
    result = done.ok("markup-run")
    assert "Draft [/b] of [bold]the[/bold] baseline: outcomes of 50 worlds" in result.stdout
    assert f"Results: {weird / 'out[red]'}/" in result.stdout
    assert (weird / "out[red]" / "manifest.json").exists()


def _ran(cwd: Path, *args: str) -> str:
    """Run a command that only prints (help, listings) in this process; return its output."""
    result = run_main(cwd, *args)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stdout


def test_policies_lists_every_policy(tmp_path):
    listing = _ran(tmp_path, "policies")
    for kind, name in REGISTRY:
        assert f"{kind.value} / {name} " in listing
    only_alliance = _ran(tmp_path, "policies", "--role", "alliance")
    for kind, name in REGISTRY:
        assert (f"{kind.value} / {name} " in only_alliance) == (kind.value == "alliance")


def test_plot_refuses_what_is_not_a_results_folder(done):
    done.refused("plot-not-a-run", "not-a-run", "manifest.json is missing")
    done.refused("plot-incomplete", "incomplete run")


def test_run_draws_plots_and_plot_redraws_them(done):
    result = done.ok("plotted")
    folder = done.cwd / "plotted"
    assert f"Plots:   {folder / 'plots'}/" in result.stdout
    drawn = done.before["plots"]  # then deleted, for `plot` to draw again
    assert len(drawn) >= 4
    redrawn = done.ok("plot")
    pngs = sorted((folder / "plots").glob("*.png"))
    assert [p.name for p in pngs] == drawn  # the same plots, from the folder alone
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert redrawn.stdout.count("wrote ") == len(pngs)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ((), ["validate", "run", "plot", "policies"]),
        (("validate",), ["FILE"]),
        (("run",), ["--worlds", "--seed", "--out", "--csv", "--replace", "--no-plots"]),
        (("plot",), ["RUN_DIR"]),
        (("policies",), ["--role"]),
    ],
    ids=["help", "validate", "run", "plot", "policies"],
)
def test_help(tmp_path, command, expected):
    shown = _ran(tmp_path, *command, "--help")
    for word in expected:
        assert word in shown, shown
