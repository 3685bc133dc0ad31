"""The case's patterns as checks on a results folder (sim.readers.patterns).

Each pattern is checked on a constructed folder of worlds like the case, where it
holds, and on one where only that pattern is broken, where it fails.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.folders.runfolder import RunFolderError, open_run
from sim.readers.patterns import PATTERNS, check_patterns, load_patterns, pattern_table
from sim.run.ensemble import run_ensemble
from sim.spec.loading import load_scenario

from conftest import SCENARIOS, run_main

WORLDS = 20


def case_like() -> pd.DataFrame:
    """Worlds that look like 11-14 May 2021 (days are ends of 6-hour ticks)."""
    return pd.DataFrame(
        {
            "world": np.arange(WORLDS),
            "outcome": "frozen_gain",
            "max_depth_km": 3.5,
            "first_shot_day": np.nan,
            "appeal_day": 2.25,
            "alliance_final_state": "statement",
            "patron_urged_restraint": True,
            "talks_day": 3.0,
            "peak_alarm": 0.8,
            "peak_alarm_day": 1.75,
            "statement_day": 2.0,
            "final_alarm": 0.2,
        }
    )


#: One way to break each pattern, and only it.
BREAKS = {
    "advance_depth": {"max_depth_km": 6.0},
    "no_shots": {"first_shot_day": 1.5},
    "alliance_statement_only": {"alliance_final_state": "collective_measures"},
    "patron_urges_restraint": {"patron_urged_restraint": False},
    "patron_no_troops": {"outcome": "patron_interposition"},
    "local_talks": {"talks_day": np.nan},
    "alarm_spike_then_calm": {"peak_alarm_day": 2.5},  # alarm still rising after the word
}


def write_folder(path, worlds: pd.DataFrame):
    path.mkdir()
    worlds.to_parquet(path / "worlds.parquet", index=False)
    manifest = {"complete": True, "title": "constructed", "worlds": len(worlds)}
    (path / "manifest.json").write_text(json.dumps(manifest))
    return path


def test_every_pattern_has_a_way_to_break_it():
    assert set(BREAKS) == {p.key for p in PATTERNS}


def test_every_pattern_holds_in_worlds_like_the_case(tmp_path):
    table = check_patterns(write_folder(tmp_path / "case", case_like()))
    assert table.holds.all() and (table.share == 1.0).all(), table


@pytest.mark.parametrize("key", list(BREAKS))
def test_a_broken_pattern_fails_and_only_it(tmp_path, key):
    worlds = case_like()
    broken = worlds.index < 15  # in 15 of 20 worlds: a minority still holds it
    for column, value in BREAKS[key].items():
        worlds.loc[broken, column] = value
    table = check_patterns(write_folder(tmp_path / key, worlds)).set_index("pattern")
    assert table.loc[key, "share"] == pytest.approx(5 / WORLDS)
    assert not table.loc[key, "holds"] and not table.loc["all", "holds"]
    others = table.drop(index=[key, "all"])
    assert others.holds.all(), others


def test_a_statement_that_never_came_breaks_the_alarm_pattern(tmp_path):
    worlds = case_like().assign(statement_day=np.nan)
    table = check_patterns(write_folder(tmp_path / "silent", worlds)).set_index("pattern")
    assert table.loc["alarm_spike_then_calm", "share"] == 0.0


def test_a_folder_without_the_columns_is_a_clear_error(tmp_path):
    old = write_folder(tmp_path / "old", case_like().drop(columns="peak_alarm_day"))
    with pytest.raises(RunFolderError, match=r"lacks peak_alarm_day.*rerun the scenario"):
        check_patterns(old)


@pytest.mark.slow
def test_the_command_prints_each_pattern_and_exits_by_strictness(tmp_path):
    write_folder(tmp_path / "case", case_like())
    worlds = case_like().assign(talks_day=np.nan)
    write_folder(tmp_path / "no-talks", worlds)
    shown = run_main(tmp_path, "check-patterns", "case", "--strict")
    assert shown.returncode == 0, shown.stderr
    assert "7 of 7 patterns hold" in shown.stdout and "local_talks" in shown.stdout
    failed = run_main(tmp_path, "check-patterns", "no-talks")
    assert failed.returncode == 0 and "6 of 7 patterns hold" in failed.stdout
    assert run_main(tmp_path, "check-patterns", "no-talks", "--strict").returncode == 1
    missing = run_main(tmp_path, "check-patterns", "nowhere")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_the_baseline_meets_every_pattern_in_most_worlds(baseline_run_dir):
    """At its calibrated defaults (docs/validation.md) the baseline reproduces each of
    the seven patterns in most worlds, and all seven together in most worlds too."""
    table = check_patterns(baseline_run_dir).set_index("pattern")
    assert table.holds.all(), table[["share", "holds"]]


def test_the_most_common_outcome_is_a_frozen_gain_without_force(baseline_run_dir):
    worlds = open_run(baseline_run_dir).worlds
    shares = worlds.outcome.value_counts(normalize=True)
    assert shares.index[0] == "frozen_gain", shares.to_dict()
    # The record had none. Since the joint calibration (issue 17) Armenia returns fire
    # at times, so in a few worlds in a thousand an incident grows into a war.
    for forceful in ("war", "alliance_intervention", "patron_interposition"):
        assert shares.get(forceful, 0) < 0.01, shares.to_dict()


def test_the_scripted_record_replays_the_days_of_the_case():
    scenario = load_scenario(SCENARIOS / "scripted-may-2021.yaml").scenario
    worlds = run_ensemble(scenario, worlds=50).outcomes
    # 6-hour ticks from 11 May 00:00; a day value is the end of the tick it happened in.
    assert (worlds.statement_day == 2.0).all()  # late evening, 12 May
    assert (worlds.appeal_day == 2.25).all()  # 13 May
    assert (worlds.max_depth_km == 3.5).all()  # up to 3.5 km on 12 May
    assert (worlds.alliance_final_state == "statement").all()
    assert worlds.patron_urged_restraint.all()
    assert (worlds.talks_day <= 3.0).all()
    table = pattern_table(worlds)
    assert table.drop(columns="alarm_spike_then_calm").all().all(), table.mean()


SHALLOW = """
from sim.readers.patterns import Pattern

PATTERNS = (
    Pattern(
        "shallow",
        "The advance stayed under a kilometre",
        "max_depth_km < 1",
        ("max_depth_km",),
        lambda w: w.max_depth_km < 1.0,
    ),
)
"""


def test_another_crisiss_patterns_come_from_a_file(tmp_path, baseline_run_dir):
    (tmp_path / "mine.py").write_text(SHALLOW)
    result = run_main(tmp_path, "check-patterns", str(baseline_run_dir), "--patterns", "mine.py")
    assert result.returncode == 0, result.stderr
    assert "shallow" in result.stdout and "alarm_spike" not in result.stdout
    table = check_patterns(baseline_run_dir, load_patterns(tmp_path / "mine.py"))
    worlds = open_run(baseline_run_dir).worlds
    assert list(table.pattern) == ["shallow", "all"]
    assert table.share[0] == pytest.approx((worlds.max_depth_km < 1.0).mean())
    assert load_patterns(None) is PATTERNS


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("PATTERNS = (\n", "line 1: SyntaxError"),
        ("x = 1\nraise RuntimeError('no data')\n", "line 2: RuntimeError: no data"),
        ("PATTERN = ()\n", "defines no PATTERNS"),
        ("PATTERNS = ('depth',)\n", "not a Pattern"),
        (SHALLOW + "PATTERNS = PATTERNS * 2\n", "unique names"),
        (SHALLOW.replace('("max_depth_km",)', '("max_dept_km",)'), "lacks max_dept_km"),
        (SHALLOW.replace("w.max_depth_km < 1.0", "True"), "returned 1 values for 2000"),
        (SHALLOW.replace("w.max_depth_km < 1.0", "w.nope"), "check of pattern shallow failed"),
    ],
)
def test_a_broken_patterns_file_is_explained(tmp_path, baseline_run_dir, text, message):
    (tmp_path / "broken.py").write_text(text)
    result = run_main(tmp_path, "check-patterns", str(baseline_run_dir), "--patterns", "broken.py")
    assert result.returncode == 2, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_missing_patterns_file_is_explained(tmp_path, baseline_run_dir):
    result = run_main(tmp_path, "check-patterns", str(baseline_run_dir), "--patterns", "gone.py")
    assert result.returncode == 2
    assert "Cannot read the patterns file gone.py" in result.stderr


def test_a_patterns_file_may_define_its_own_dataclasses(tmp_path):
    """A file is registered as a module before it runs, as importlib's recipe does: a
    dataclass under postponed annotations looks its module up while being built."""
    (tmp_path / "limits.py").write_text(
        "from __future__ import annotations\n"
        "from dataclasses import dataclass\n"
        "from sim.readers.patterns import Pattern\n\n"
        "@dataclass\nclass Limit:\n    depth_km: float\n\n"
        "LIMIT = Limit(2.5)\n"
        "PATTERNS = (Pattern('shallow', 'x', 'x', ('max_depth_km',),\n"
        "                    lambda w: w.max_depth_km < LIMIT.depth_km),)\n"
    )
    assert [p.key for p in load_patterns(tmp_path / "limits.py")] == ["shallow"]


def test_the_cases_shared_patterns_check_what_they_say():
    from sim.readers.patterns import (
        fire_by_day,
        killed_near,
        no_collective_measures,
        no_ground_changed_hands,
    )

    worlds = pd.DataFrame(
        {
            "first_shot_day": [0.25, 1.0, 1.5, np.nan],
            "max_depth_km": [0.0, 0.4, 0.0, 0.0],
            "killed_defender": [3, 10, 40, 0],
            "killed_attacker": [3, 10, 21, 0],
            "alliance_final_state": ["statement", "collective_measures", "none", "none"],
        }
    )
    fire, ground = fire_by_day(1.0, "Fire at once"), no_ground_changed_hands()
    killed, alliance = killed_near(20, "About 20 killed", "tens_killed"), no_collective_measures("")
    assert fire.check(worlds).tolist() == [True, True, False, False]  # never fired: not at once
    assert ground.check(worlds).tolist() == [True, False, True, True]
    assert killed.statement == "About 20 killed (within a factor of three: 7 to 60)"
    assert killed.check(worlds).tolist() == [False, True, False, False]  # 6, 20, 61, 0
    assert alliance.check(worlds).tolist() == [True, False, True, True]
    assert (fire.key, killed.key, killed.columns) == (
        "fighting_at_once",
        "tens_killed",
        ("killed_defender", "killed_attacker"),
    )
