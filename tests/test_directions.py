"""Directional checks: each single-lever variant moves outcomes as the case's analysts
expect, at parameter sets spread over the accepted region, not only at the defaults."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from sim.errors import UserError
from sim.experiments.calibration import run_calibration
from sim.experiments.directions import (
    DIRECTIONS,
    Direction,
    check_directions,
    compare_at,
    lever_paths,
    load_variants,
    spread_sets,
    summarise_directions,
)
from sim.spec.loading import load_scenario

from conftest import SCENARIOS, run_cli, run_main

pytestmark = pytest.mark.slow  # a calibration and directional checks

BASELINE = SCENARIOS / "baseline-may-2021.yaml"


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE).scenario


@pytest.fixture(scope="module")
def variants():
    return load_variants(SCENARIOS)


@pytest.fixture(scope="module")
def accepted_sets(baseline) -> pd.DataFrame:
    """Sets spread over the accepted region of a small calibration (as docs/validation.md)."""
    calibration = run_calibration(baseline, sets=40, worlds=300, seed=7)
    accepted = calibration.accepted
    assert len(accepted) >= 6, "too few accepted sets to spread the checks over"
    return spread_sets(accepted, 6)


def test_every_direction_holds_across_the_accepted_region(baseline, variants, accepted_sets):
    table = check_directions(baseline, variants, accepted_sets, worlds=400)
    summary = summarise_directions(table).set_index("variant")
    assert list(summary.index) == [d.variant for d in DIRECTIONS]
    failed = table[~table.as_expected]
    assert failed.empty, failed
    # The sets differ where the case leaves room, so the checks are not one point six times.
    spread = accepted_sets[list(baseline.uncertainties)].std()
    assert (spread > 0).all()


def test_the_variants_lever_is_kept_when_a_calibrated_set_is_applied(baseline, variants):
    assert lever_paths(baseline, variants["response-no-rumours"]) == {
        "dynamics.false_report_probability",
        "dynamics.rumour_per_km",
    }
    assert lever_paths(baseline, variants["advance-army-line"]) == set()


def test_each_sets_checks_are_those_of_the_set_alone(baseline, variants, accepted_sets):
    chosen = accepted_sets.head(2)
    table = check_directions(baseline, variants, chosen, worlds=60)
    for number, values in enumerate(chosen[list(baseline.uncertainties)].to_dict("records")):
        overrides = {k: v.item() if hasattr(v, "item") else v for k, v in values.items()}
        alone = pd.DataFrame(compare_at(baseline, variants, overrides, 60, baseline.seed))
        together = table[table["set"] == number].drop(columns="set").reset_index(drop=True)
        pd.testing.assert_frame_equal(together, alone, check_exact=True)


def test_a_direction_that_fails_at_one_set_is_reported():
    table = pd.DataFrame(
        {
            "set": [0, 1, 0, 1],
            "variant": ["advance-army-line"] * 2 + ["response-no-rumours"] * 2,
            "lever": ["army"] * 2 + ["no rumours"] * 2,
            "reading": ["probing"] * 2 + ["perception"] * 2,
            "measure": ["depth"] * 2 + ["alarm"] * 2,
            "expected": ["lower than the baseline"] * 4,
            "difference": [-3.0, 0.2, -0.3, -0.2],
            "as_expected": [True, False, True, True],
        }
    )
    summary = summarise_directions(table).set_index("variant")
    assert summary.loc["advance-army-line", "held_in"] == 0.5
    assert summary.loc["advance-army-line", "change_max"] == 0.2
    assert summary.loc["response-no-rumours", "held_in"] == 1.0


def test_directions_are_refused_for_another_scenario(variants):
    other = load_scenario(SCENARIOS / "advance-heights.yaml").scenario
    with pytest.raises(UserError, match="written for the variants of baseline-may-2021"):
        check_directions(other, variants, pd.DataFrame(), worlds=10)


@pytest.fixture(scope="module")
def calibration_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("calibration")
    result = run_cli(
        folder,
        "calibrate",
        str(BASELINE),
        "--sets",
        "8",
        "--worlds",
        "100",
        "--no-plots",
        "--out",
        "c",
    )
    assert result.returncode == 0, result.stderr
    return folder / "c"


def test_the_check_directions_command(tmp_path, calibration_dir):
    result = run_cli(
        tmp_path,
        "check-directions",
        str(calibration_dir),
        "--sets",
        "2",
        "--worlds",
        "200",
        "--scenarios",
        str(SCENARIOS),
        "--out",
        "d",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "response-no-rumours" in result.stdout and "100%" in result.stdout
    table = pd.read_csv(tmp_path / "d" / "directions.csv")
    assert len(table) == 2 * len(DIRECTIONS) and table.as_expected.all()
    assert (tmp_path / "d" / "directions.png").stat().st_size > 10_000
    manifest = json.loads((tmp_path / "d" / "manifest.json").read_text())
    assert manifest["kind"] == "directions" and manifest["sets"] == 2
    again = run_cli(
        tmp_path,
        "check-directions",
        str(calibration_dir),
        "--sets",
        "1",
        "--worlds",
        "50",
        "--scenarios",
        str(SCENARIOS),
        "--out",
        "d",
        "--replace",
    )  # make validation replaces its folder; it once could not
    assert again.returncode == 0, again.stderr
    assert len(pd.read_csv(tmp_path / "d" / "directions.csv")) == len(DIRECTIONS)


def test_check_directions_refuses_a_calibration_of_another_baseline(tmp_path, calibration_dir):
    scenarios = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, scenarios)
    baseline = scenarios / "baseline-may-2021.yaml"
    baseline.write_text(baseline.read_text().replace("worlds: 10000", "worlds: 9000"))
    result = run_main(
        tmp_path, "check-directions", str(calibration_dir), "--scenarios", str(scenarios)
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "calibrated another version" in result.stderr


def test_check_directions_refuses_a_folder_that_is_not_a_calibration(tmp_path, baseline_run_dir):
    result = run_main(tmp_path, "check-directions", str(baseline_run_dir))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not a calibration folder" in result.stderr


def test_a_modeller_can_check_directions_of_their_own(baseline, accepted_sets):
    deeper = Direction(
        "advance-heights",
        "Baku goes for the commanding heights",
        "Terrain: heights command roads and an airport",
        "mean deepest advance (km)",
        +1,
        lambda worlds: float(worlds.max_depth_km.mean()),
    )
    variants = load_variants(SCENARIOS, (deeper,))
    table = check_directions(
        baseline, variants, accepted_sets.head(2), worlds=200, directions=(deeper,)
    )
    summary = summarise_directions(table)
    assert summary.variant.tolist() == ["advance-heights"]
    assert summary.lever[0] == "Baku goes for the commanding heights"
    assert summary.held_in[0] == 1.0


def test_check_directions_explains_a_calibration_that_accepted_nothing(tmp_path, calibration_dir):
    empty = tmp_path / "empty"
    shutil.copytree(calibration_dir, empty)
    sets = pd.read_parquet(empty / "sets.parquet").assign(accepted=False)
    sets.to_parquet(empty / "sets.parquet", index=False)
    result = run_main(tmp_path, "check-directions", str(empty), "--scenarios", str(SCENARIOS))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "accepted none" in result.stderr
