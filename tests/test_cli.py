"""The command line end to end, in a temporary folder, as a user would run it."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pytest

from sim.policies import REGISTRY

from conftest import ROOT, SCENARIOS

BASELINE = str(SCENARIOS / "baseline-may-2021.yaml")


def documented_columns(table: str) -> set[str]:
    """Return the column names docs/results.md lists under a heading."""
    text = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    section = text.split(f"## {table}", 1)[1].split("\n## ", 1)[0]
    names = set()
    for cell in re.findall(r"^\| (`[^|]+`) \|", section, re.M):
        names.update(re.findall(r"`([a-z_]+)`", cell))
    return names


def cli(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_user_error(result: subprocess.CompletedProcess, *phrases: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr


def test_validate_every_shipped_scenario(tmp_path):
    files = sorted(str(p) for p in SCENARIOS.glob("*.yaml"))
    result = cli("validate", *files, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("✓") == len(files)


def test_validate_a_bad_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ntitle: Bad\nworlds: -4\n")
    assert_user_error(cli("validate", str(bad), cwd=tmp_path), f"{bad}:3", "worlds")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("cli")
    result = cli("run", BASELINE, "--worlds", "300", "--out", "run", "--csv", cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert "frozen gain" in result.stdout and "Results: run/" in result.stdout
    return cwd / "run"


def test_run_writes_a_complete_results_folder(run_dir):
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["complete"] is True and manifest["worlds"] == 300
    assert manifest["seed"] == 20210512 and len(manifest["scenario_hash"]) == 64
    assert len(manifest["outcome_hash"]) == 64 and manifest["versions"]["mesa"].startswith("3.5")
    assert manifest["title"] == "Sev Lake, May 2021: baseline"
    assert manifest["start_date"] == "2021-05-11"
    worlds = pd.read_parquet(run_dir / "worlds.parquet")
    assert len(worlds) == 300
    assert set(worlds.columns) == documented_columns("worlds.parquet")
    assert len(pd.read_csv(run_dir / "worlds.csv")) == 300
    for name in ("per_tick", "histograms", "state_shares", "trajectories"):
        assert len(pd.read_parquet(run_dir / f"{name}.parquet")) > 0, name
    assert sorted(p.name for p in (run_dir / "plots").glob("*.png")) == [
        "fan_alarm.png",
        "fan_depth.png",
        "fan_rung.png",
        "outcome_shares.png",
        "rung_heatmap.png",
    ]


def test_plot_redraws_from_the_folder(run_dir):
    before = (run_dir / "plots" / "outcome_shares.png").stat().st_mtime_ns
    result = cli("plot", str(run_dir), cwd=run_dir.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("wrote") == 5
    assert (run_dir / "plots" / "outcome_shares.png").stat().st_mtime_ns > before


def test_a_run_is_never_overwritten_silently(run_dir):
    before = (run_dir / "manifest.json").read_bytes()
    result = cli("run", BASELINE, "--worlds", "50", "--out", "run", cwd=run_dir.parent)
    assert_user_error(result, "already exists", "--replace")
    assert (run_dir / "manifest.json").read_bytes() == before


def test_replace(tmp_path):
    first = cli("run", BASELINE, "-n", "40", "--out", "r", "--no-plots", cwd=tmp_path)
    second = cli("run", BASELINE, "-n", "60", "--out", "r", "--no-plots", "--replace", cwd=tmp_path)
    assert first.returncode == second.returncode == 0
    assert json.loads((tmp_path / "r" / "manifest.json").read_text())["worlds"] == 60
    assert [p.name for p in tmp_path.iterdir()] == ["r"]


def test_bad_input_leaves_nothing_behind(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (SCENARIOS / "baseline-may-2021.yaml")
        .read_text()
        .replace("policy: broker", "policy: brokr")
    )
    assert_user_error(cli("run", str(bad), "--out", "x", cwd=tmp_path), "did you mean `broker`")
    assert_user_error(cli("run", str(tmp_path / "missing.yaml"), cwd=tmp_path), "does not exist")
    for worlds in ("0", "-5"):
        result = cli("run", BASELINE, "--worlds", worlds, "--out", "x", cwd=tmp_path)
        assert result.returncode == 2 and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_seed_sets_the_worlds(tmp_path):
    hashes = []
    for seed, out in (("1", "a"), ("1", "b"), ("2", "c")):
        result = cli(
            "run", BASELINE, "-n", "200", "--seed", seed, "--out", out, "--no-plots", cwd=tmp_path
        )
        assert result.returncode == 0, result.stderr
        hashes.append(json.loads((tmp_path / out / "manifest.json").read_text())["outcome_hash"])
    assert hashes[0] == hashes[1] != hashes[2]


def test_default_folder_is_under_results(tmp_path):
    result = cli("run", BASELINE, "-n", "20", "--no-plots", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (folder,) = (tmp_path / "results").iterdir()
    assert folder.name.startswith("baseline-may-2021-") and folder.name.endswith("seed20210512")


def test_policies_lists_every_policy(tmp_path):
    result = cli("policies", cwd=tmp_path)
    assert result.returncode == 0
    for kind, name in REGISTRY:
        assert f"{kind.value} / {name}" in result.stdout
    only_csto = cli("policies", "--actor", "csto", cwd=tmp_path).stdout
    assert "csto / consensus" in only_csto and "russia /" not in only_csto


def test_plot_refuses_a_folder_that_is_not_a_run(tmp_path):
    assert_user_error(cli("plot", str(tmp_path), cwd=tmp_path), "manifest.json is missing")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ((), "validate"),
        (("run",), "--worlds"),
        (("validate",), "FILE"),
        (("plot",), "RUN_DIR"),
        (("policies",), "--actor"),
    ],
)
def test_help(tmp_path, command, expected):
    result = cli(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0 and expected in result.stdout
