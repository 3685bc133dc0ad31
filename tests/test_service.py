"""One run-to-folder service: the ensemble, its journal and the folder, as every caller uses it."""

from __future__ import annotations

import pytest

from sim.errors import UserError
from sim.folders.results import outcome_hash
from sim.folders.runfolder import read_manifest
from sim.run.engine import Processes
from sim.run.ensemble import run_ensemble
from sim.run.journal import Journal, journal_path
from sim.run.service import journal_after_interrupt, plan_run, resumed_plan, run_to_folder

from conftest import EXERCISE, make_scenario

WORLDS = 60


@pytest.fixture(scope="module")
def scenario(exercise_data):
    return make_scenario(exercise_data)


def test_a_run_to_a_folder_is_the_ensemble_written_and_its_journal_removed(tmp_path, scenario):
    plan = plan_run(scenario, tmp_path / "run", worlds=WORLDS, plots=False, source=EXERCISE)
    result, written = run_to_folder(plan, journal=True)
    manifest = read_manifest(written)
    assert manifest["outcome_hash"] == outcome_hash(run_ensemble(scenario, worlds=WORLDS).outcomes)
    assert manifest["outcome_hash"] == outcome_hash(result.outcomes)
    assert manifest["scenario_file"] == str(EXERCISE) and manifest["worlds"] == WORLDS
    assert not journal_path(written).exists()


def test_the_folder_is_checked_before_any_world_runs(tmp_path, scenario):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    with pytest.raises(UserError):
        plan_run(scenario, tmp_path / "taken", worlds=WORLDS)


def test_a_run_refused_before_work_leaves_no_journal(tmp_path, scenario):
    plan = plan_run(scenario, tmp_path / "run", worlds=3)
    with pytest.raises(UserError, match="at most --workers 3"):
        run_to_folder(plan, Processes(workers=4), journal=True)
    assert list(tmp_path.iterdir()) == []


def test_a_stopped_run_resumes_from_its_journal_to_the_same_outcomes(tmp_path, scenario):
    plan = plan_run(scenario, tmp_path / "run", worlds=WORLDS, chunk_size=20, plots=False)
    journal = Journal.start(plan.out, plan.request())
    whole = run_ensemble(scenario, worlds=WORLDS, chunk_size=20, checkpoint=journal)
    for chunk in (journal.folder / "chunks").iterdir():  # as if stopped after one chunk
        if not chunk.name.startswith(f"{0:012d}."):
            chunk.unlink()
    left = journal_after_interrupt(plan.out)
    assert isinstance(left, Journal) and left.has_chunks()
    resumed = resumed_plan(plan.out, "crisis-sim run --resume run")
    assert resumed.worlds == WORLDS and resumed.chunk_size == 20
    assert resumed.command.endswith("(resumed: crisis-sim run --resume run)")
    _, written = run_to_folder(resumed)
    assert read_manifest(written)["outcome_hash"] == outcome_hash(whole.outcomes)
    assert not journal_path(written).exists()


def test_a_verify_step_can_refuse_a_result_before_it_is_written(tmp_path, scenario):
    def refuse(result):
        raise UserError("not this one")

    plan = plan_run(scenario, tmp_path / "run", worlds=5, plots=False)
    with pytest.raises(UserError, match="not this one"):
        run_to_folder(plan, verify=refuse)
    assert not (tmp_path / "run").exists()
