"""A stopped calibration resumes: its journal keeps each measured set, --resume runs only
the sets not yet measured, and the tables are those of an uninterrupted calibration."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.errors import UserError
from sim.experiments import calibration, joint
from sim.experiments.cases import load_cases
from sim.experiments.journal import MEASURES, CalibrationJournal
from sim.run import sets as sets_module
from sim.spec.loading import load_scenario

from conftest import ROOT, SCENARIOS, run_cli, run_main

BASELINE = SCENARIOS / "baseline-may-2021.yaml"
CASES = ROOT / "scenarios" / "cases"


@pytest.fixture
def counted_sets(monkeypatch):
    """Count the sets each chunk simulates."""
    ran: list[int] = []
    real = sets_module.simulate_sets

    def counting(block, chunk, worlds, seed, measure):
        ran.extend(int(block.numbers[s]) for s in range(chunk.start, chunk.stop))
        return real(block, chunk, worlds, seed, measure)

    monkeypatch.setattr(sets_module, "simulate_sets", counting)
    return ran


def _cut(journal: CalibrationJournal, keep: int) -> None:
    """Leave the journal as a kill would: ``keep`` whole lines and half of the next."""
    path = journal.folder / MEASURES
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:keep]) + lines[keep][: len(lines[keep]) // 2], "utf-8")


def test_a_resumed_calibration_runs_only_the_missing_sets_and_gives_the_same_table(
    tmp_path, counted_sets
):
    scenario = load_scenario(BASELINE).scenario
    whole = calibration.run_calibration(scenario, sets=8, worlds=30, seed=3).table
    started = CalibrationJournal.start(tmp_path / "cal", {"inputs": "x"})
    calibration.run_calibration(scenario, sets=8, worlds=30, seed=3, journal=started)
    assert sorted(started.measures()["round 1"]) == list(range(8))
    _cut(started, keep=5)  # sets 0-4 kept, set 5's line cut short by the kill
    counted_sets.clear()
    again = CalibrationJournal.open(tmp_path / "cal")
    assert sorted(again.measures()["round 1"]) == [0, 1, 2, 3, 4]
    resumed = calibration.run_calibration(scenario, sets=8, worlds=30, seed=3, journal=again)
    assert sorted(counted_sets) == [5, 6, 7]  # only the sets not yet measured ran
    pd.testing.assert_frame_equal(resumed.table, whole, check_exact=True)


@pytest.mark.slow  # two rounds over three cases: the one-case resume above stays in the loop
def test_a_resumed_joint_calibration_draws_the_same_later_rounds(tmp_path, counted_sets):
    # Three cases, one without a patron or an alliance, whose round 1 accepts enough
    # sets for a round 2 to be drawn from its box.
    keys = ("armenia-azerbaijan-2014", "kyrgyz-tajik-2021", "thailand-cambodia-2011")
    cases = [case for case in load_cases(CASES) if case.key in keys]
    kwargs = {"sets": 6, "worlds": 20, "seed": 2, "rounds": 2}
    whole = joint.run_joint_calibration(CASES, cases, **kwargs).table
    assert set(whole["round"]) == {1, 2}
    started = CalibrationJournal.start(tmp_path / "cal", {"inputs": "x"})
    joint.run_joint_calibration(CASES, cases, journal=started, **kwargs)
    parts = started.measures()
    assert f"round 1/{cases[0].key}" in parts
    kept = sum(len(sets) for sets in parts.values())
    _cut(started, keep=kept // 2)  # stopped half-way, inside one case's sets
    counted_sets.clear()
    resumed = joint.run_joint_calibration(
        CASES, cases, journal=CalibrationJournal.open(tmp_path / "cal"), **kwargs
    )
    assert 0 < len(counted_sets) <= kept - kept // 2
    pd.testing.assert_frame_equal(resumed.table, whole, check_exact=True)


def test_a_damaged_journal_and_changed_inputs_are_refused(tmp_path):
    journal = CalibrationJournal.start(tmp_path / "cal", {"inputs": "abc"})
    journal.append("round 1", {0: {"a": 1.0}, 1: {"a": float("nan")}})
    reopened = CalibrationJournal.open(tmp_path / "cal.incomplete")
    assert reopened.measures()["round 1"][0] == {"a": 1.0}
    with pytest.raises(UserError, match="changed since the calibration"):
        reopened.check_inputs("abd", "The scenario")
    (journal.folder / MEASURES).write_text('{"part": "round 1", "set": 0}\nnot json\n{}\n')
    with pytest.raises(UserError, match=r"Line 1 of .* cannot be read"):
        CalibrationJournal.open(tmp_path / "cal").measures()
    with pytest.raises(UserError, match="holds an interrupted calibration"):
        CalibrationJournal.start(tmp_path / "cal", {})
    with pytest.raises(UserError, match="No stopped calibration at"):
        CalibrationJournal.open(tmp_path / "elsewhere")
    (tmp_path / "run.incomplete").mkdir()
    (tmp_path / "run.incomplete" / "request.json").write_text('{"format": 1, "seed": 1}')
    with pytest.raises(UserError, match="crisis-sim run --resume"):
        CalibrationJournal.open(tmp_path / "run")


def test_sets_on_disk_count_even_when_a_ctrl_c_cut_in_before_memory_knew(tmp_path):
    # A chunk's lines are written, then remembered; a Ctrl-C between the two left the
    # journal saying "nothing kept", and the interrupted calibration removed it.
    journal = CalibrationJournal.start(tmp_path / "cal", {"inputs": "x"})
    assert journal.part("round 1").finished() == {}  # remembered: nothing yet
    line = json.dumps({"part": "round 1", "set": 0, "measures": {"a": 1.0}})
    (journal.folder / MEASURES).write_text(line + "\n")  # written, not yet remembered
    assert journal.has_measures() and journal.progress() == "1 set measured"


def test_resume_takes_only_the_folder_and_where_to_run(tmp_path):
    said = run_main(tmp_path, "calibrate", "--resume", "x", "--sets", "10")
    assert said.returncode == 2 and "not --sets" in said.stderr
    said = run_main(tmp_path, "calibrate", "--resume", str(tmp_path / "nothing"))
    assert said.returncode == 2 and "No stopped calibration at" in said.stderr


#: 16 sets x 1,500 worlds: on two worker processes, eight chunks of two sets each.
CALIBRATION = ["--sets", "16", "--worlds", "1500", "--no-plots"]


def _started(cwd: Path, out: str, *engine: str) -> subprocess.Popen:
    args = [str(BASELINE), *CALIBRATION, "--out", out, *engine]
    return subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "calibrate", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow  # a real calibration stopped by Ctrl-C, and resumed
def test_ctrl_c_keeps_the_measured_sets_and_resume_finishes_the_same_calibration(tmp_path):
    stopped = _started(tmp_path, "cal", "--engine", "processes", "--workers", "2")
    kept = tmp_path / "cal.incomplete" / MEASURES
    deadline = time.monotonic() + 120
    while not (kept.exists() and kept.stat().st_size) and time.monotonic() < deadline:
        if stopped.poll() is not None:
            break
        time.sleep(0.05)
    assert stopped.poll() is None, "the calibration ended before a set was kept"
    stopped.send_signal(signal.SIGINT)
    _, said = stopped.communicate(timeout=120)
    assert stopped.returncode == 130, said
    assert "crisis-sim calibrate --resume" in said and not (tmp_path / "cal").exists()
    request = json.loads((tmp_path / "cal.incomplete" / "request.json").read_text())
    assert request["sets"] == 16 and request["worlds"] == 1500
    finished = run_cli(tmp_path, "calibrate", "--resume", "cal")  # in this process
    assert finished.returncode == 0, finished.stderr
    assert "Resuming the calibration" in finished.stderr
    assert not (tmp_path / "cal.incomplete").exists()
    # The uninterrupted calibration, in this process (the command's defaults: its seed).
    scenario = load_scenario(BASELINE).scenario
    whole = calibration.run_calibration(scenario, sets=16, worlds=1500)
    calibration.write_calibration(whole, tmp_path / "whole", plots=False)
    for table in ("sets.csv", "region.csv", "conclusions.csv"):
        assert (tmp_path / "cal" / table).read_bytes() == (tmp_path / "whole" / table).read_bytes()
    again = run_cli(tmp_path, "calibrate", "--resume", "cal")
    assert again.returncode == 2 and "finished calibration" in again.stderr


def test_a_calibration_killed_after_writing_its_folder_is_tidied_by_resume(tmp_path):
    journal = CalibrationJournal.start(tmp_path / "cal", {"inputs": "x"})
    (tmp_path / "cal").mkdir()
    created = {"created_utc": journal.request["started_utc"]}  # written in the same second
    (tmp_path / "cal" / "manifest.json").write_text(json.dumps(created))
    (tmp_path / "cal" / "sets.csv").write_text("set\n")
    said = run_main(tmp_path, "calibrate", "--resume", str(tmp_path / "cal"))
    assert said.returncode == 0 and "had finished" in said.stdout
    assert not journal.folder.exists() and (tmp_path / "cal" / "sets.csv").exists()
