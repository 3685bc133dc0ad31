"""The worlds of every shipped scenario, pinned: a change meant to keep results keeps them.

Refactoring and speed work must not move a single world. Each shipped scenario's per-world
outcome hash (500 worlds, seed 4; :func:`sim.results.outcome_hash`, its first 32 hex
digits) is recorded here.
A change that is meant to move worlds (a new mechanism, a new layout of random numbers)
updates this table in the same commit and says what moved in docs/validation.md.
"""

from __future__ import annotations

import pytest

from sim.ensemble import run_ensemble
from sim.results import outcome_hash
from sim.scenario import load_scenario

from conftest import SCENARIOS

WORLDS, SEED = 500, 4
RECORDED = {
    "advance-army-line": "e9135986746e6f814a333f2873e95a31",
    "advance-heights": "1787560709205d32d84a6920ea2c321d",
    "baseline-may-2021": "e3e04a951a085a82ae7ba830b5fdb062",
    "negotiation-early-mediation": "98a7bc44570e16279626aae447858f59",
    "negotiation-local-only": "bf4f540109f69021e04000503d515382",
    "negotiation-no-talks": "0b96ce55095d36024d35ab59f74b8af2",
    "response-armenia-fires": "563ded7b308b87f19937fcc99e9990df",
    "response-credible-csto": "7f66a6dfc80417438377d95aa56301eb",
    "response-no-rumours": "5adfb5a56526355e00fc3ae55ad69678",
    "response-protector-russia": "c62b31be27e1306fe8effb055ec17d66",
    "response-strong-west": "75dd4f97e5ce212a3e2e2fe94bc1db55",
    "scripted-may-2021": "4a5b053dbb8ee5d9f608e9747287781d",
    "workshop-sev-lake": "c972fdbe5dee3b3cdf6c4797d604c5f1",
}


def test_every_shipped_scenario_is_recorded():
    assert sorted(RECORDED) == sorted(path.stem for path in SCENARIOS.glob("*.yaml"))


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_a_shipped_scenario_s_worlds_are_as_recorded(name):
    scenario = load_scenario(SCENARIOS / f"{name}.yaml").scenario
    outcomes = run_ensemble(scenario, worlds=WORLDS, seed=SEED).outcomes
    assert outcome_hash(outcomes)[:32] == RECORDED[name]
