"""The baseline reproduces the May 2021 pattern as its most common outcome.

The case (docs/model.md, "Purpose and patterns"): an advance of a few km (at most
3.5) met with little resistance, no shots, an appeal to the CSTO answered with a
statement only, Russian calls and calls for restraint, local talks from the positions
taken, and a rumour spike in Armenia that an official statement calms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.ensemble import run_ensemble
from sim.scenario import load_scenario

from conftest import SCENARIOS


@pytest.fixture(scope="module")
def worlds() -> pd.DataFrame:
    scenario = load_scenario(SCENARIOS / "baseline-may-2021.yaml").scenario
    return run_ensemble(scenario, worlds=3000).outcomes


def pattern_checks(worlds: pd.DataFrame) -> dict[str, pd.Series]:
    """Each element of the May 2021 pattern, per world."""
    return {
        "an advance of a few km, at most 3.5": worlds.max_depth_km.between(1.0, 3.5 + 1e-9),
        "no shots in the first four days": ~(worlds.first_shot_day <= 4),
        "the CSTO answers with a statement only": worlds.csto_final_state == "statement",
        "Russia phones both sides and urges restraint": worlds.russia_urged_restraint,
        "talks begin within five days": worlds.talks_day <= 5,
        "public alarm spikes": worlds.peak_alarm >= 0.4,
        "an official statement within three days": worlds.statement_day <= 3,
        "alarm falls after the statement": worlds.final_alarm < 0.75 * worlds.peak_alarm,
    }


def test_the_most_common_outcome_is_a_frozen_gain_without_shots(worlds):
    shares = worlds.outcome.value_counts(normalize=True)
    assert shares.index[0] == "frozen_gain", shares.to_dict()
    assert shares.get("war", 0) == 0
    assert shares.get("alliance_intervention", 0) == 0
    assert shares.get("russian_interposition", 0) == 0


@pytest.mark.parametrize(
    "name",
    list(
        pattern_checks(
            pd.DataFrame(
                columns=[
                    "max_depth_km",
                    "first_shot_day",
                    "csto_final_state",
                    "russia_urged_restraint",
                    "talks_day",
                    "peak_alarm",
                    "statement_day",
                    "final_alarm",
                ]
            )
        )
    ),
)
def test_each_element_of_the_pattern_holds_in_most_worlds(worlds, name):
    share = pattern_checks(worlds)[name].mean()
    assert share >= 0.8, f"{name}: only {share:.0%} of worlds"


def test_the_whole_pattern_holds_together_in_most_worlds(worlds):
    together = np.logical_and.reduce([c.to_numpy() for c in pattern_checks(worlds).values()])
    assert together.mean() > 0.5, f"the whole pattern holds in {together.mean():.0%} of worlds"


def test_the_scripted_record_replays_the_days_of_the_case():
    scenario = load_scenario(SCENARIOS / "scripted-may-2021.yaml").scenario
    worlds = run_ensemble(scenario, worlds=50).outcomes
    # 6-hour ticks from 11 May 00:00; a day value is the end of the tick it happened in.
    assert (worlds.statement_day == 2.0).all()  # late evening, 12 May
    assert (worlds.appeal_day == 2.25).all()  # 13 May
    assert (worlds.max_depth_km == 3.5).all()  # up to 3.5 km on 12 May
    assert (worlds.csto_final_state == "statement").all()
    assert worlds.russia_urged_restraint.all()
    assert (worlds.talks_day <= 3.0).all()
