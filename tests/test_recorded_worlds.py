"""The worlds of every shipped scenario, pinned: a change meant to keep results keeps them.

Refactoring and speed work must not move a single world. For each shipped scenario (500
worlds, seed 4) two digests are recorded here, their first 32 hex digits: the per-world
outcome hash (:func:`sim.folders.results.outcome_hash`), and a digest of every per-tick aggregate
and sampled history the run keeps (the recorder's arrays, as a journal stores them).
A change that is meant to move worlds (a new mechanism, a new layout of random numbers)
updates this table in the same commit and says what moved in docs/validation.md.

The digests include the columns' and classes' names. When the actors became roles
(issue 17: ``casualties_armenia`` became ``casualties_defender``, ``russian_interposition``
``patron_interposition``), the table was recorded again after every world of every
shipped scenario was checked, value by value, against the code before the renaming.
"""

from __future__ import annotations

import hashlib

import pytest

from sim.folders.results import outcome_hash
from sim.run.ensemble import run_ensemble
from sim.spec.loading import load_scenario

from conftest import SCENARIOS

WORLDS, SEED = 500, 4
RECORDED = {
    "advance-army-line": "bd365176143be9bce0c241d536a2f3a0",
    "advance-heights": "e784dfe006679a982648dc8b18f3f624",
    "baseline-may-2021": "aac4c55543ccd605b2d6d80e2474ac8b",
    "negotiation-early-mediation": "a5b935dc723d6258420ddde632a857e4",
    "negotiation-local-only": "30b1ccfaf3e5564c2840962b080d85cd",
    "negotiation-no-talks": "dfb27de62f91150c13295d7771fca78b",
    "response-armenia-fires": "ef2db01cdbb398ae19fbb293fd9c55e3",
    "response-credible-csto": "a4ec64ab846f7c4e133f2192aa6e31df",
    "response-no-rumours": "f4b456a5150772128a543fb60c7e9f41",
    "response-protector-russia": "02d2a208c95d8e0ca4ea11729e16a3cb",
    "response-strong-west": "92f6437d131f54967cb0b3ad10af3308",
    "scripted-may-2021": "7fa9bf3db199c2e4cff4280b4e69e599",
    "workshop-sev-lake": "5058e8e4c0d4cafdc40fa98ad86de665",
}

RECORDED_AGGREGATES = {
    "advance-army-line": "787fa40efd51aa4f0893057452681eaf",
    "advance-heights": "d6490bdd873ec8ac6f74519d1a994a35",
    "baseline-may-2021": "3d3df0d9d70a24bb6f3ac6933bb27bdc",
    "negotiation-early-mediation": "c2a7260b4fe5f21884908d0d962ac869",
    "negotiation-local-only": "ca964cc4d47a695e8ee21c34670349b8",
    "negotiation-no-talks": "b393b049c9615ec75ba41d916734b3ce",
    "response-armenia-fires": "ff463588b84e7f83d0743beb366fe9f9",
    "response-credible-csto": "33e0ced66a8a786b9dc7373e9153293d",
    "response-no-rumours": "b29d3ece9c2f4482c2e32e3cc783e195",
    "response-protector-russia": "3eb41437c71ddff3ca22166c57ccb476",
    "response-strong-west": "bc5ccd4dcd8c9e97ec4f3b0b90e3ec36",
    "scripted-may-2021": "2d3b6b6547a369c9ef9f9687b6d41f49",
    "workshop-sev-lake": "52cb4db50edbb69a3a5e5abc5e728c88",
}


def test_every_shipped_scenario_is_recorded():
    shipped = sorted(path.stem for path in SCENARIOS.glob("*.yaml"))
    assert sorted(RECORDED) == sorted(RECORDED_AGGREGATES) == shipped


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_a_shipped_scenario_s_worlds_are_as_recorded(name):
    scenario = load_scenario(SCENARIOS / f"{name}.yaml").scenario
    result = run_ensemble(scenario, worlds=WORLDS, seed=SEED)
    assert outcome_hash(result.outcomes)[:32] == RECORDED[name]
    arrays = result.recorder.to_arrays()
    digest = hashlib.sha256()
    for key in sorted(arrays):
        digest.update(key.encode())
        digest.update(arrays[key].tobytes())
    assert digest.hexdigest()[:32] == RECORDED_AGGREGATES[name]
