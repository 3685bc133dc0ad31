"""Calibration by rejection against the case's patterns (sim.experiments.calibration)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.errors import UserError
from sim.experiments.calibration import (
    accepted,
    accepted_region,
    conclusions,
    evaluate_patterns,
    rejections,
    run_calibration,
    verdict,
)
from sim.readers.patterns import PATTERNS
from sim.run.engine import Processes
from sim.spec.loading import load_scenario

from conftest import SCENARIOS, run_cli, run_main

pytestmark = pytest.mark.slow  # calibrations on every engine

BASELINE = SCENARIOS / "baseline-may-2021.yaml"
PATTERN_COLUMNS = [f"pattern_{p.key}" for p in PATTERNS]


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE).scenario


def test_a_set_is_accepted_only_when_every_pattern_holds_in_most_worlds():
    shares = pd.DataFrame([[0.9] * len(PATTERNS)] * 3, columns=PATTERN_COLUMNS)
    shares.iloc[1, 0] = 0.5  # exactly half is not most
    shares.iloc[2, -1] = 0.2
    assert accepted(shares).tolist() == [True, False, False]
    table = shares.assign(accepted=accepted(shares))
    fails = rejections(table).set_index("pattern")["fails_in"]
    assert fails[PATTERNS[0].key] == pytest.approx(1 / 3)
    assert fails[PATTERNS[-1].key] == pytest.approx(1 / 3)
    assert fails[PATTERNS[1].key] == 0


def sampled_table(baseline, accept) -> pd.DataFrame:
    """A prior sample over the baseline's ranges, accepted by ``accept(table)``."""
    generator = np.random.default_rng(3)
    table = pd.DataFrame(
        {
            path: generator.uniform(low, high, 4000)
            for path, (low, high) in baseline.uncertainties.items()
        }
    )
    return table.assign(accepted=accept(table))


def test_the_region_pins_a_parameter_the_patterns_fix_and_leaves_the_others_open(baseline):
    calming = "dynamics.statement_calming"
    table = sampled_table(baseline, lambda t: t[calming] > 0.85)
    region = accepted_region(table, baseline).set_index("parameter")
    assert region.loc[calming, "verdict"] == "pinned"
    assert region.loc[calming, "leans"] == "high"
    assert region.loc[calming, "accepted_q05"] > 0.85
    assert region.loc[calming, "suggested"] == pytest.approx(0.925, abs=0.01)
    others = region.drop(index=calming)
    assert (others["verdict"] == "open").all(), others[["shift", "p_value", "verdict"]]
    assert region.loc[calming, "current"] == pytest.approx(0.779)  # the scenario's value


def test_a_soft_preference_narrows_rather_than_pins(baseline):
    response = "dynamics.alarm_response"
    generator = np.random.default_rng(4)
    table = sampled_table(
        baseline, lambda t: generator.uniform(0.2, 0.9, len(t)) < t[response]
    )  # acceptance rises with the parameter
    region = accepted_region(table, baseline).set_index("parameter")
    assert region.loc[response, "verdict"] == "narrowed"
    assert region.loc[response, "leans"] == "high"


def test_too_few_accepted_sets_are_not_classified(baseline):
    table = sampled_table(baseline, lambda t: t.index < 5)
    region = accepted_region(table, baseline)
    assert (region["verdict"] == "too few accepted").all()
    assert verdict(float("nan"), float("nan")) == "too few accepted"


def test_conclusions_span_the_accepted_sets_only():
    table = pd.DataFrame(
        {
            "p_frozen_gain": [0.2, 0.4, 0.6, 0.99],
            "p_negotiated_withdrawal": [0.8, 0.6, 0.4, 0.01],
            "p_war": [0.0, 0.0, 0.0, 0.0],
            "accepted": [True, True, True, False],
        }
    )
    for outcome in ("clash_contained", "patron_interposition", "alliance_intervention"):
        table[f"p_{outcome}"] = 0.0
    table["p_no_incursion"] = 0.0
    found = conclusions(table).set_index("outcome")
    assert list(found.index) == ["frozen_gain", "negotiated_withdrawal"]  # war never occurs
    assert found.loc["frozen_gain", "median"] == pytest.approx(0.4)
    assert found.loc["frozen_gain", "q95"] < 0.99  # the rejected set does not count


def test_a_calibration_measures_the_same_patterns_as_check_patterns(baseline):
    result = run_calibration(baseline, sets=4, worlds=60, seed=11)
    assert len(result.table) == 4 and list(result.parameters) == list(baseline.uncertainties)
    row = result.table.iloc[2]
    overrides = {path: row[path] for path in result.parameters}
    again = evaluate_patterns(baseline, overrides, 60, 11)
    for column in [*PATTERN_COLUMNS, "pattern_all", "p_frozen_gain"]:
        assert row[column] == again[column], column  # the set's worlds, bit for bit
    assert result.table["accepted"].tolist() == accepted(result.table).tolist()


def test_a_calibration_is_the_same_on_every_engine(baseline):
    alone = run_calibration(baseline, sets=3, worlds=40, seed=5)
    spread = run_calibration(baseline, sets=3, worlds=40, seed=5, engine=Processes(workers=2))
    pd.testing.assert_frame_equal(alone.table, spread.table)


def test_a_calibration_needs_sets_and_uncertainties():
    scripted = load_scenario(SCENARIOS / "scripted-may-2021.yaml").scenario
    with pytest.raises(UserError, match="declares no uncertainties"):
        run_calibration(scripted, sets=4, worlds=10)
    with pytest.raises(UserError, match="at least 2 parameter sets"):
        run_calibration(load_scenario(BASELINE).scenario, sets=1, worlds=10)


def test_the_calibrate_command(tmp_path):
    result = run_cli(
        tmp_path, "calibrate", str(BASELINE), "--sets", "6", "--worlds", "40", "--out", "c"
    )
    assert result.returncode == 0, result.stderr
    assert "parameter sets reproduce every pattern" in result.stdout
    folder = tmp_path / "c"
    sets = pd.read_csv(folder / "sets.csv")
    assert len(sets) == 6 and "accepted" in sets and "pattern_all" in sets
    region = pd.read_csv(folder / "region.csv")
    assert list(region["parameter"]) == list(load_scenario(BASELINE).scenario.uncertainties)
    assert (folder / "plots" / "rejections.png").stat().st_size > 10_000
    assert (folder / "plots" / "region.png").stat().st_size > 10_000


def test_the_calibrate_command_explains_a_scenario_without_ranges(tmp_path):
    scripted = SCENARIOS / "scripted-may-2021.yaml"
    result = run_main(tmp_path, "calibrate", str(scripted), "--sets", "4", "--worlds", "5")
    assert result.returncode == 2
    assert "uncertainties:" in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_a_calibration_against_another_crisiss_patterns(tmp_path, baseline):
    from test_patterns import SHALLOW

    (tmp_path / "mine.py").write_text(SHALLOW)
    alone = run_calibration(baseline, sets=4, worlds=40, seed=3, patterns_file=tmp_path / "mine.py")
    assert [c for c in alone.table if c.startswith("pattern_")] == [
        "pattern_shallow",
        "pattern_all",
    ]
    assert alone.table["accepted"].tolist() == (alone.table["pattern_shallow"] > 0.5).tolist()
    spread = run_calibration(
        baseline,
        sets=4,
        worlds=40,
        seed=3,
        engine=Processes(workers=2),
        patterns_file=tmp_path / "mine.py",
    )  # the workers load the file themselves
    pd.testing.assert_frame_equal(alone.table, spread.table)
    assert rejections(alone.table)["pattern"].tolist() == ["shallow"]


def test_the_calibrate_command_records_its_patterns_file(tmp_path):
    from test_patterns import SHALLOW

    (tmp_path / "mine.py").write_text(SHALLOW)
    result = run_cli(
        tmp_path,
        "calibrate",
        str(BASELINE),
        "--sets",
        "3",
        "--worlds",
        "20",
        "--no-plots",
        "--patterns",
        "mine.py",
        "--out",
        "c",
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "c" / "manifest.json").read_text())
    assert manifest["patterns"] == ["shallow"]
    assert manifest["patterns_file"] == str((tmp_path / "mine.py").resolve())
    broken = run_main(tmp_path, "calibrate", str(BASELINE), "--patterns", "nope.py", "--out", "d")
    assert broken.returncode == 2 and "Cannot read the patterns file" in broken.stderr
    assert not (tmp_path / "d").exists()
