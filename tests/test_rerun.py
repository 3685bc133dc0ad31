"""crisis-sim rerun: a run repeated from its manifest alone gives the recorded outcomes."""

from __future__ import annotations

import json
import shutil

import pytest

from sim.folders.results import versions

from conftest import run_cli, run_main

pytestmark = pytest.mark.slow  # whole runs through the command line


def _copy(baseline_run_dir, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(baseline_run_dir, copy)
    return copy


def _edit_manifest(folder, change):
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


def test_a_rerun_matches_the_recorded_outcome_hash(baseline_run_dir, tmp_path):
    done = run_cli(tmp_path, "rerun", str(baseline_run_dir), "--out", "again")
    assert done.returncode == 0, done.stderr
    assert "Same outcomes as recorded" in done.stdout and "warning" not in done.stderr
    recorded = json.loads((baseline_run_dir / "manifest.json").read_text())["outcome_hash"]
    written = json.loads((tmp_path / "again" / "manifest.json").read_text())["outcome_hash"]
    assert written == recorded


def test_a_rerun_on_another_engine_matches_too(baseline_run_dir, tmp_path):
    done = run_cli(tmp_path, "rerun", str(baseline_run_dir), "--engine", "processes",
                   "--workers", "2")  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_different_outcomes_exit_1_and_say_so(baseline_run_dir, tmp_path):
    run = _copy(baseline_run_dir, tmp_path)
    _edit_manifest(run, lambda m: m.update(outcome_hash="0" * 64))
    done = run_cli(tmp_path, "rerun", str(run))
    assert done.returncode == 1
    assert "differ from those recorded" in done.stderr and "report this as a bug" in done.stderr
    assert "Traceback" not in done.stderr


def test_other_versions_are_warned_about(baseline_run_dir, tmp_path):
    run = _copy(baseline_run_dir, tmp_path)
    _edit_manifest(run, lambda m: m["versions"].update(numpy="1.0.0"))
    done = run_cli(tmp_path, "rerun", str(run))
    assert done.returncode == 0, done.stderr  # the outcomes still match
    assert f"numpy 1.0.0 → {versions()['numpy']}" in done.stderr


def test_the_manifest_records_the_versions(baseline_run_dir):
    recorded = json.loads((baseline_run_dir / "manifest.json").read_text())["versions"]
    assert {"python", "crisis-sim", "mesa", "numpy", "pandas"} <= set(recorded)
    assert recorded == versions()


def test_only_run_folders_can_be_rerun(tmp_path, baseline_run_dir):
    nothing = run_main(tmp_path, "rerun", str(tmp_path))
    assert nothing.returncode == 2 and "manifest.json is missing" in nothing.stderr
    run = _copy(baseline_run_dir, tmp_path)
    _edit_manifest(run, lambda m: m.pop("scenario"))
    partial = run_main(tmp_path, "rerun", str(run))
    assert partial.returncode == 2 and "not a run" in partial.stderr
    taken = run_main(tmp_path, "rerun", str(baseline_run_dir), "--out", str(run))
    assert taken.returncode == 2 and "already exists" in taken.stderr
    for result in (nothing, partial, taken):
        assert "Traceback" not in result.stderr
