"""Variants that change one lever move outcomes the way the case's analysts argue."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.run.ensemble import run_ensemble
from sim.spec.loading import load_scenario

from conftest import SCENARIOS

WORLDS = 1500

pytestmark = pytest.mark.slow  # an ensemble a variant, beside the baseline's


def _run(name: str) -> pd.DataFrame:
    return run_ensemble(load_scenario(SCENARIOS / f"{name}.yaml").scenario, worlds=WORLDS).outcomes


@pytest.fixture(scope="module")
def baseline() -> pd.DataFrame:
    return _run("baseline-may-2021")


def share(worlds: pd.DataFrame, outcome: str) -> float:
    return float((worlds.outcome == outcome).mean())


def shots(worlds: pd.DataFrame) -> float:
    return float(worlds.first_shot_day.notna().mean())


def test_army_on_the_line_stops_the_probe(baseline):
    army = _run("advance-army-line")
    assert army.max_depth_km.mean() < 0.5 * baseline.max_depth_km.mean()


def test_a_push_for_the_heights_goes_deeper_and_draws_fire(baseline):
    heights = _run("advance-heights")
    assert heights.max_depth_km.mean() > baseline.max_depth_km.mean()
    assert shots(heights) > shots(baseline) + 0.05


def test_early_mediation_brings_talks_sooner_and_more_withdrawals(baseline):
    early = _run("negotiation-early-mediation")
    assert early.talks_day.median() < baseline.talks_day.median()
    assert share(early, "negotiated_withdrawal") >= share(baseline, "negotiated_withdrawal")


def test_without_a_mediator_fewer_withdrawals(baseline):
    local = _run("negotiation-local-only")
    assert share(local, "negotiated_withdrawal") < share(baseline, "negotiated_withdrawal") - 0.05


def test_without_talks_no_talks_and_gains_stay(baseline):
    none = _run("negotiation-no-talks")
    assert none.talks_day.isna().all()
    assert share(none, "frozen_gain") > share(baseline, "frozen_gain")


def test_armenia_firing_brings_clashes_and_the_killed(baseline):
    # Clashes, not wars: fire on an advance of a few km is a clash that ceasefires end
    # (docs/validation.md, 4.1); the killed are many times the baseline's.
    fires = _run("response-armenia-fires")
    assert shots(fires) > shots(baseline) + 0.3
    assert share(fires, "war") < 0.05
    assert (fires.killed_defender + fires.killed_attacker).mean() > 5 * (
        baseline.killed_defender + baseline.killed_attacker
    ).mean()


def test_a_credible_csto_intervenes(baseline):
    credible = _run("response-credible-csto")
    assert share(credible, "alliance_intervention") > 0.5
    assert share(baseline, "alliance_intervention") == 0


def test_a_protector_russia_ends_frozen_gains(baseline):
    protector = _run("response-protector-russia")
    assert share(protector, "frozen_gain") < share(baseline, "frozen_gain") - 0.3
    assert share(protector, "patron_interposition") > 0.1


def test_strong_western_statements_raise_the_cost_of_staying(baseline):
    west = _run("response-strong-west")
    assert share(west, "negotiated_withdrawal") > share(baseline, "negotiated_withdrawal") + 0.2
    assert west.final_depth_km.mean() < baseline.final_depth_km.mean()


def test_without_rumours_alarm_stays_lower(baseline):
    calm = _run("response-no-rumours")
    assert calm.peak_alarm.mean() < baseline.peak_alarm.mean() - 0.1
