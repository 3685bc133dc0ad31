"""Crash safety: a killed run leaves only an .incomplete folder, and --resume finishes it
with outcomes byte-identical to an uninterrupted run."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from sim.folders.runfolder import RunFolderError, read_manifest

from conftest import SCENARIOS, run_cli, run_main

pytestmark = pytest.mark.slow  # real runs killed and resumed

BASELINE = str(SCENARIOS / "baseline-may-2021.yaml")
RUN = ["--worlds", "12000", "--chunk-size", "1500", "--no-plots"]  # 8 chunks
TABLES = ["worlds", "per_tick", "state_shares", "histograms", "trajectories"]
TIMING: dict[str, float] = {}  # how long the uninterrupted run took, imports included


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("whole")
    started = time.monotonic()
    done = run_cli(folder, "run", BASELINE, *RUN, "--out", "whole")
    assert done.returncode == 0, done.stderr
    TIMING["seconds"] = time.monotonic() - started
    return folder / "whole"


def _start(cwd: Path, out: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "run", BASELINE, *RUN, "--out", out],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _start_until_a_chunk_is_kept(cwd: Path, out: str) -> subprocess.Popen:
    run = _start(cwd, out)
    chunks = cwd / f"{out}.incomplete" / "chunks"
    deadline = time.monotonic() + 60
    while not list(chunks.glob("*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.05)
    return run


def _same_results(a: Path, b: Path) -> None:
    for table in TABLES:
        assert (a / f"{table}.parquet").read_bytes() == (b / f"{table}.parquet").read_bytes(), table
    assert read_manifest(a)["outcome_hash"] == read_manifest(b)["outcome_hash"]


@pytest.mark.parametrize("share", [0.3, 0.55, 0.8, 0.97])
def test_a_run_killed_at_a_random_moment_resumes_to_identical_outcomes(
    tmp_path, uninterrupted, share
):
    run = _start(tmp_path, "killed")
    # At a random moment around this share of an uninterrupted run's time (imports,
    # chunks, writing the folder), with no warning: SIGKILL cannot be caught.
    time.sleep(TIMING["seconds"] * random.Random(share).uniform(share - 0.1, share + 0.1))
    run.send_signal(signal.SIGKILL)
    run.wait()
    out, journal = tmp_path / "killed", tmp_path / "killed.incomplete"
    visible = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    if out.exists():  # killed after the folder was written: it is whole
        _same_results(out, uninterrupted)
        if visible == ["killed", "killed.incomplete"]:  # killed before the journal went
            tidied = run_cli(tmp_path, "run", "--resume", "killed")
            assert tidied.returncode == 0 and "The run had finished" in tidied.stdout
            assert not journal.exists()
            _same_results(out, uninterrupted)
        else:
            assert visible == ["killed"]
        return
    if not journal.exists():  # killed while starting: nothing was written, nothing lost
        assert visible == []
        return
    assert visible == ["killed.incomplete"]  # never a folder that looks complete
    with pytest.raises(RunFolderError, match="stopped before it finished"):
        read_manifest(journal)
    resumed = run_cli(tmp_path, "run", "--resume", "killed")
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming" in resumed.stderr
    assert not journal.exists()
    _same_results(out, uninterrupted)
    assert "(resumed: crisis-sim run --resume killed)" in read_manifest(out)["command"]


def test_ctrl_c_keeps_the_finished_chunks_and_says_how_to_go_on(tmp_path, uninterrupted):
    run = _start_until_a_chunk_is_kept(tmp_path, "stopped")
    run.send_signal(signal.SIGINT)
    _, said = run.communicate(timeout=60)
    assert run.returncode == 130
    assert "were kept in" in said and "crisis-sim run --resume stopped" in said
    assert "Traceback" not in said
    assert run_cli(tmp_path, "run", "--resume", "stopped.incomplete").returncode == 0
    _same_results(tmp_path / "stopped", uninterrupted)


def test_a_run_refused_before_any_work_leaves_nothing(tmp_path):
    done = run_main(tmp_path, "run", BASELINE, "--worlds", "3", "--engine", "processes",
                    "--workers", "4", "--out", "few")  # fmt: skip
    assert done.returncode == 2 and "workers" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_resume_says_what_is_wrong(tmp_path, uninterrupted):
    nothing = run_main(tmp_path, "run", "--resume", "nowhere")
    assert nothing.returncode == 2 and "No interrupted run at nowhere" in nothing.stderr
    whole = run_main(tmp_path, "run", "--resume", str(uninterrupted))
    assert whole.returncode == 2 and "nothing to resume" in whole.stderr
    both = run_main(tmp_path, "run", BASELINE, "--resume", str(uninterrupted))
    assert both.returncode == 2 and "not a FILE" in both.stderr
    for result in (nothing, whole, both):
        assert "Traceback" not in result.stderr


def test_a_second_run_into_an_interrupted_folder_is_refused(tmp_path):
    (tmp_path / "again.incomplete" / "chunks").mkdir(parents=True)
    (tmp_path / "again.incomplete" / "request.json").write_text(json.dumps({"format": 1}))
    done = run_main(tmp_path, "run", BASELINE, "--worlds", "10", "--out", "again")
    assert done.returncode == 2 and "holds an interrupted run" in done.stderr
    assert "--resume" in done.stderr


def test_a_tampered_chunk_runs_no_code(tmp_path):
    """A journal may come from someone else: chunks are read without unpickling."""
    run = _start_until_a_chunk_is_kept(tmp_path, "shared")
    chunks = tmp_path / "shared.incomplete" / "chunks"
    run.send_signal(signal.SIGKILL)
    run.wait()
    first = sorted(chunks.glob("*.npz"))[0]
    np.savez(first, ticks=np.array([object()], dtype=object))  # would need a pickle to read
    done = run_cli(tmp_path, "run", "--resume", "shared")
    assert done.returncode == 2, done.stderr
    assert "cannot be read" in done.stderr and "delete" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_run_killed_between_writing_and_tidying_is_tidied_by_resume(tmp_path):
    """Killed after its folder was renamed into place, before its journal was removed:
    the folder is whole, and --resume only removes the leftover journal."""
    assert run_cli(tmp_path, "run", BASELINE, "--worlds", "50", "--chunk-size", "20",
                   "--no-plots", "--out", "done").returncode == 0  # fmt: skip
    from sim.run.journal import Journal
    from sim.spec.loading import load_scenario

    scenario = load_scenario(BASELINE).scenario.model_dump(mode="json", exclude_none=True)
    request = {"scenario": scenario, "seed": scenario["seed"], "worlds": 50, "chunk_size": 20,
               "source": BASELINE, "command": "crisis-sim run", "replace": False,
               "csv": False, "plots": False}  # fmt: skip
    Journal.start(tmp_path / "done", request)
    tidied = run_cli(tmp_path, "run", "--resume", "done")
    assert tidied.returncode == 0, tidied.stderr
    assert "The run had finished" in tidied.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["done"]
    other = Journal.start(tmp_path / "done", request | {"seed": 1})  # another run's journal
    refused = run_main(tmp_path, "run", "--resume", "done")
    assert refused.returncode == 2 and "already exists" in refused.stderr
    assert other.folder.exists() and "Traceback" not in refused.stderr
    (other.folder / "request.json").write_text('{"format": 1, "seed": 1}')  # damaged
    damaged = run_main(tmp_path, "run", "--resume", "done")
    assert damaged.returncode == 2 and "not a journal this version" in damaged.stderr


def test_a_full_disk_while_keeping_a_chunk_is_a_message(tmp_path, monkeypatch):
    import pandas as pd

    from sim.errors import UserError
    from sim.run.ensemble import run_ensemble
    from sim.run.journal import Journal
    from sim.spec.loading import load_scenario

    scenario = load_scenario(BASELINE).scenario
    journal = Journal.start(tmp_path / "full", {"worlds": 40, "chunk_size": 10})
    real = pd.DataFrame.to_parquet
    calls = []

    def fills_up(self, *args, **kwargs):
        calls.append(1)
        if len(calls) > 2:
            raise OSError(28, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", fills_up)
    with pytest.raises(UserError, match=r"No space left on device.*--resume"):
        run_ensemble(scenario, worlds=40, chunk_size=10, checkpoint=journal)
    assert len(journal.done()) == 2  # the chunks kept before the disk filled up
