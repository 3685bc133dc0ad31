"""Every engine gives byte-identical worlds; impossible requests are refused before work."""

from __future__ import annotations

import json
import sys

import pandas as pd
import psutil
import pytest

from sim.errors import UserError
from sim.folders.results import outcome_hash, per_tick_tables
from sim.run import ensemble
from sim.run.engine import Dask, InProcess, Processes, make_engine
from sim.run.ensemble import run_ensemble

from conftest import EXERCISE, ROOT, make_scenario, run_cli, run_main

sys.path.append(str(ROOT / "bench"))
from cluster import command_line_cluster

pytestmark = pytest.mark.slow  # worker processes and Dask clusters

WORLDS = 240


@pytest.fixture(scope="module")
def scenario(exercise_data):
    return make_scenario(exercise_data)


@pytest.fixture(scope="module")
def reference(scenario):
    return run_ensemble(scenario, worlds=WORLDS)


def _same(result, reference, scenario):
    assert outcome_hash(result.outcomes) == outcome_hash(reference.outcomes)
    pd.testing.assert_frame_equal(result.outcomes, reference.outcomes)
    mine = per_tick_tables(result.recorder, scenario.tick_hours)
    theirs = per_tick_tables(reference.recorder, scenario.tick_hours)
    for name in mine:  # bit for bit: float sums are added in world order on every engine
        pd.testing.assert_frame_equal(mine[name], theirs[name], check_exact=True)
    sectors = list(scenario.sectors)
    pd.testing.assert_frame_equal(
        result.recorder.trajectories(sectors, scenario.tick_hours),
        reference.recorder.trajectories(sectors, scenario.tick_hours),
    )


@pytest.mark.parametrize("workers", [1, 2])
def test_local_processes_give_identical_worlds(scenario, reference, workers):
    result = run_ensemble(scenario, worlds=WORLDS, engine=Processes(workers), chunk_size=37)
    assert result.engine == {"name": "processes", "workers": workers, "chunks": 7, "chunk_size": 37}
    _same(result, reference, scenario)


def test_dask_local_cluster_gives_identical_worlds(scenario, reference):
    result = run_ensemble(scenario, worlds=WORLDS, engine=Dask(workers=2))
    _same(result, reference, scenario)


def test_a_cluster_started_with_dask_s_own_command_line_gives_identical_worlds(
    scenario, reference, tmp_path
):
    # `dask scheduler` and `dask worker` with Dask's defaults: the nanny pins glibc's
    # allocator (MALLOC_TRIM_THRESHOLD_), which sim.run.allocator works around.
    before = set(psutil.Process().children(recursive=True))
    with command_line_cluster(2, tmp_path) as address:
        result = run_ensemble(
            scenario, worlds=WORLDS, engine=Dask(workers=2, scheduler=address), chunk_size=50
        )
        started = set(psutil.Process().children(recursive=True)) - before
    _same(result, reference, scenario)
    assert result.engine["chunks"] == 5
    assert len(started) >= 5  # the scheduler, `dask worker`, and a nanny and worker each
    _, alive = psutil.wait_procs(started, timeout=20)
    assert not alive  # all stopped


@pytest.mark.parametrize("engine", [Processes(workers=2), Dask(workers=2)], ids=repr)
def test_an_engine_held_open_serves_many_runs_with_the_same_workers(scenario, reference, engine):
    with engine:
        first = run_ensemble(scenario, worlds=WORLDS, engine=engine, chunk_size=60)
        started = engine._pool if isinstance(engine, Processes) else engine._client
        assert started is not None  # kept between runs, not stopped after the first
        again = run_ensemble(scenario, worlds=WORLDS, engine=engine, chunk_size=60)
        assert (engine._pool if isinstance(engine, Processes) else engine._client) is started
    assert (engine._pool if isinstance(engine, Processes) else engine._client) is None
    _same(first, reference, scenario)
    _same(again, reference, scenario)


def test_an_engine_outside_a_with_block_stops_its_workers_after_each_run(scenario):
    engine = Processes(workers=2)
    run_ensemble(scenario, worlds=20, engine=engine)
    assert engine._pool is None


def test_a_plain_run_runs_in_this_process(scenario):
    assert run_ensemble(scenario, worlds=10).engine["name"] == "inprocess"
    assert InProcess().workers_for(10) == 1 and Processes().workers_for(1) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"engine": Processes(workers=500)}, "at most --workers 240"),
        ({"chunk_size": 0}, "chunk size"),
        ({"worlds": 0}, "at least 1"),
    ],
)
def test_impossible_requests_are_refused_before_work(scenario, kwargs, message):
    args = {"worlds": WORLDS, **kwargs}
    with pytest.raises(UserError, match=message):
        run_ensemble(scenario, **args)


@pytest.mark.parametrize(
    ("kind", "workers", "scheduler", "message"),
    [
        ("processes", 0, None, r"workers must be at least 1 \(got 0\)"),
        ("inprocess", -1, None, "at least 1"),
        ("processes", 2, "tcp://x:1", "add --engine dask"),
    ],
)
def test_an_impossible_engine_is_refused_when_it_is_built(kind, workers, scheduler, message):
    with pytest.raises(UserError, match=message):
        make_engine(kind, workers, scheduler)


def test_a_run_that_cannot_fit_in_memory_is_refused(scenario, monkeypatch):
    monkeypatch.setattr(ensemble, "_available_memory", lambda: 1_000_000)
    with pytest.raises(UserError, match=r"needs about .* GiB .* Run fewer worlds"):
        run_ensemble(scenario, worlds=1_000_000)


def test_the_memory_refusal_names_the_option_that_helps(scenario, monkeypatch):
    """The outcome table alone was counted: big chunks or long histories got through."""
    monkeypatch.setattr(ensemble, "_available_memory", lambda: 200 * 2**20)
    with pytest.raises(UserError, match=r"for the chunks .* --chunk-size"):
        run_ensemble(scenario, worlds=100_000, chunk_size=100_000)
    run_ensemble(scenario, worlds=100, chunk_size=100)  # a small run still goes
    long = scenario.model_copy(update={"trajectory_sample": 10_000, "tick_hours": 1,
                                       "horizon_days": 365.0})  # fmt: skip
    with pytest.raises(UserError, match=r"sampled histories.*trajectory_sample=20"):
        run_ensemble(long, worlds=10_000, chunk_size=100)


def test_a_scheduler_that_does_not_answer_is_reported(scenario):
    with pytest.raises(UserError, match=r"No Dask scheduler answered at tcp://127\.0\.0\.1:9"):
        run_ensemble(scenario, worlds=10, engine=Dask(workers=1, scheduler="tcp://127.0.0.1:9"))


def test_cli_engines_give_identical_runs(tmp_path):
    hashes = []
    for name, extra in (("a", []), ("b", ["--engine", "processes", "--workers", "2"])):
        result = run_cli(
            tmp_path, "run", str(EXERCISE), "-n", "90", "--out", name, "--no-plots", *extra
        )
        assert result.returncode == 0, result.stderr
        manifest = json.loads((tmp_path / name / "manifest.json").read_text())
        hashes.append(manifest["outcome_hash"])
    assert hashes[0] == hashes[1]
    assert manifest["engine"]["name"] == "processes" and manifest["engine"]["workers"] == 2


def test_cli_scheduler_needs_the_dask_engine(tmp_path):
    result = run_main(tmp_path, "run", str(EXERCISE), "--scheduler", "tcp://x:1")
    assert result.returncode == 2 and "--engine dask" in result.stderr
    assert "Traceback" not in result.stderr and not list(tmp_path.iterdir())


def test_cli_set_changes_scenario_fields(tmp_path):
    def run(*extra):
        return run_cli(tmp_path, "run", str(EXERCISE), "-n", "20", "--no-plots", *extra)

    result = run("--out", "a", "--set", "horizon_days=4", "--set", "dynamics.clash_persistence=0.2")
    assert result.returncode == 0, result.stderr
    scenario = json.loads((tmp_path / "a" / "manifest.json").read_text())["scenario"]
    assert scenario["horizon_days"] == 4 and scenario["dynamics"]["clash_persistence"] == 0.2
    # Refused before any work: the same main, in this process.
    bad = run_main(tmp_path, "run", str(EXERCISE), "-n", "20", "--no-plots", "--out", "b",
                   "--set", "dynamics.clash_persistence=7")  # fmt: skip
    assert bad.returncode == 2 and "clash_persistence" in bad.stderr
    assert "Traceback" not in bad.stderr and not (tmp_path / "b").exists()
    malformed = run_main(tmp_path, "run", str(EXERCISE), "-n", "20", "--no-plots", "--out", "c",
                         "--set", "horizon_days")  # fmt: skip
    assert malformed.returncode == 2 and "PATH=VALUE" in malformed.stderr
