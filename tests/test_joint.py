"""Joint calibration over the real cases: one prior by role, every set tried in every case."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from sim.errors import UserError
from sim.experiments.cases import load_cases
from sim.experiments.joint import role_path, run_joint_calibration, shared_prior, state_path

from conftest import ROOT, run_cli, run_main

CASES = ROOT / "scenarios" / "cases"


@pytest.fixture(scope="module")
def cases():
    return load_cases(CASES)


def test_a_role_s_path_means_each_case_s_own_state(cases):
    tajik = next(case.scenario for case in cases if case.key == "kyrgyz-tajik-2021")
    sev = next(case.scenario for case in cases if case.key == "sev-lake-2021")
    assert state_path("actors.defender.params.appeal_depth_km", tajik) == (
        "actors.kyrgyzstan.params.appeal_depth_km"
    )
    assert state_path("actors.defender.params.appeal_depth_km", sev) == (
        "actors.armenia.params.appeal_depth_km"
    )
    assert role_path("actors.kyrgyzstan.params.x", tajik) == "actors.defender.params.x"
    assert role_path("dynamics.advance_step_km", tajik) == "dynamics.advance_step_km"
    assert role_path("actors.third_parties.turkey.influence", tajik).endswith("turkey.influence")


def test_the_prior_is_the_shared_base_s_and_fits_every_case(cases):
    prior = shared_prior(CASES, cases)
    assert prior["actors.patron.influence"] == (0.5, 2.0)
    assert all(low < high for low, high in prior.values())


@pytest.mark.slow  # two calibrations: 32 ensembles
def test_every_set_runs_every_case_and_leaving_one_out_reads_the_same_sets(cases):
    result = run_joint_calibration(CASES, cases, sets=4, worlds=40, seed=2)
    table = result.table
    assert len(table) == 4 and "actors.patron.influence" in table.columns
    own = [f"{case.scenario.name}:accepted" for case in cases]
    assert (table["accepted"] == table[own].all(axis=1)).all()
    loo = result.leave_one_out().set_index("held_out")
    for case in cases:
        others = [c for c in own if not c.startswith(case.scenario.name)]
        at = table[table[others].all(axis=1)]
        assert loo.loc[case.key, "accepted_without_it"] == len(at)
        if len(at):
            share = at[f"{case.scenario.name}:record_share"].median()
            assert loo.loc[case.key, "record_share_median"] == pytest.approx(share)
    again = run_joint_calibration(CASES, cases, sets=4, worlds=40, seed=2).table
    pd.testing.assert_frame_equal(table, again)  # the same seed, the same calibration


def test_a_prior_that_names_no_parameter_of_a_case_is_refused(tmp_path, cases):
    folder = tmp_path / "cases"
    shutil.copytree(CASES, folder)
    shutil.copy(ROOT / "scenarios" / "baseline-may-2021.yaml", tmp_path)
    shared = folder / "shared.yaml"
    shared.write_text(shared.read_text() + "  dynamics.no_such_thing: [0, 1]\n")
    with pytest.raises(UserError, match=r"uncertainties\.dynamics\.no_such_thing"):
        shared_prior(folder, load_cases(folder))
    shared.unlink()
    with pytest.raises(UserError, match=r"shared\.yaml is missing"):
        shared_prior(folder, cases)


@pytest.mark.slow  # the command line end to end
def test_calibrate_cases_writes_the_sets_and_the_leave_one_out_table(tmp_path):
    args = ("calibrate", "--cases", str(CASES), "--sets", "3", "--worlds", "20")
    result = run_cli(tmp_path, *args, "--leave-one-out", "--out", "joint")
    assert result.returncode == 0, result.stderr
    assert "Leave one out" in result.stdout and "each case" in result.stdout
    loo = pd.read_csv(tmp_path / "joint" / "leave_one_out.csv")
    assert sorted(loo["held_out"]) == sorted(case.name for case in CASES.iterdir() if case.is_dir())
    refused = run_main(tmp_path, "calibrate")
    assert refused.returncode == 2 and "--cases DIR" in refused.stderr
    alone = run_main(
        tmp_path, "calibrate", str(ROOT / "scenarios" / "baseline-may-2021.yaml"), "--leave-one-out"
    )
    assert alone.returncode == 2 and "--leave-one-out needs --cases DIR" in alone.stderr


def test_later_rounds_draw_from_the_accepted_box_and_the_best_set_is_the_fairest(
    cases, monkeypatch
):
    # A stand-in for the simulation: every case accepts a set whose step is above 0.9 km,
    # and each case's patterns hold in more worlds the closer it is to its own liking.
    from sim.experiments import joint

    def fake(cases_run, sets, worlds, seed, engine, progress=False, journal=None, part=""):
        found = []
        for overrides in sets:
            step = next(v for p, v in overrides.items() if p.endswith("advance_step_km"))
            row = {}
            for number, case in enumerate(cases_run):
                name = case.scenario.name
                row[f"{name}:record_share"] = 0.5
                row[f"{name}:patterns_together"] = 1.0 - abs(step - (0.95 + 0.05 * number))
                row[f"{name}:accepted"] = step > 0.9
            found.append(row)
        return found

    monkeypatch.setattr(joint, "evaluate_sets", fake)
    result = run_joint_calibration(CASES, cases, sets=40, worlds=10, seed=3, rounds=2)
    table = result.table
    first, second = table[table["round"] == 1], table[table["round"] == 2]
    assert len(first) == len(second) == 40
    low, high = result.boxes[0]["dynamics.advance_step_km"]
    assert 0.9 < low < high <= 1.2
    assert second["dynamics.advance_step_km"].between(low, high).all()
    assert second["accepted"].all() and not first["accepted"].all()
    # Leaving one out reads round 1 only: later boxes were drawn knowing every case.
    loo = result.leave_one_out()
    assert (loo["accepted_without_it"] == first["accepted"].sum()).all()
    # The best set maximises the worst case's fit: the middle of the cases' likings.
    best = result.best()
    assert best["accepted"]
    together = table[table["accepted"]][
        [f"{case.scenario.name}:patterns_together" for case in cases]
    ].min(axis=1)
    assert together.loc[best.name] == together.max()
    middle = 0.95 + 0.05 * (len(cases) - 1) / 2  # the likings' middle, for as many cases
    assert abs(best["dynamics.advance_step_km"] - middle) < 0.05


def test_the_design_is_drawn_whichever_case_comes_first(cases):
    # A folder whose first case has no patron (Thailand-Cambodia 2011) once failed: the
    # design was drawn on the first case, where actors.patron.influence names no one.
    thailand = next(case for case in cases if case.key == "thailand-cambodia-2011")
    sev = next(case for case in cases if case.key == "sev-lake-2021")
    first = run_joint_calibration(CASES, [thailand, sev], sets=2, worlds=4, seed=3).table
    other = run_joint_calibration(CASES, [sev, thailand], sets=2, worlds=4, seed=3).table
    assert first["actors.patron.influence"].between(0.5, 2.0).all()
    pd.testing.assert_frame_equal(first[other.columns], other)  # the same sets, the same worlds


def test_a_case_with_no_patron_calibrates_alone_without_the_patron_s_parameters(cases):
    thailand = next(case for case in cases if case.key == "thailand-cambodia-2011")
    prior = shared_prior(CASES, [thailand])
    assert prior and not any(
        path.startswith(("actors.patron.", "actors.alliance.")) for path in prior
    )
    table = run_joint_calibration(CASES, [thailand], sets=2, worlds=4, seed=3).table
    assert "actors.patron.influence" not in table.columns and len(table) == 2
