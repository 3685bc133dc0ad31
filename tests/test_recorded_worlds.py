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

Issue 17's joint calibration over four real cases then moved the baseline's defaults
(docs/validation.md, section 4), and with them every variant that extends it: the table
was recorded again at those defaults.
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
    "advance-heights": "dcbc89b083a665bdd01cb2d586618826",
    "baseline-may-2021": "dc0b7f33c58a942db57d88e3210cd717",
    "negotiation-early-mediation": "516cce3c8ce7f96ebdae39cb52c29e83",
    "negotiation-local-only": "1d489b6c16e27395f9bd2a77cbc65feb",
    "negotiation-no-talks": "93663a2415e40fd13f98efb171027b89",
    "response-armenia-fires": "81d4c2e5bee046ee021c4bbb4ed2a97f",
    "response-credible-csto": "4de9dfde3f2dbb0062baa4b917a9e7df",
    "response-no-rumours": "e5682575e90a04bbe7ad3ab033c59868",
    "response-protector-russia": "b36601a34d7cb075fefade0d1bc66f2d",
    "response-strong-west": "e797ce28406e0aa9a2eeda45ab1e854b",
    "scripted-may-2021": "8922b6cb2ca5e8546b3f0f2bb48f4a42",
    "workshop-sev-lake": "2ba509219b7f969b17449417239c5487",
}

RECORDED_AGGREGATES = {
    "advance-army-line": "0b246be006ecbb77a393831926292e35",
    "advance-heights": "bca51d18ef0c8b843f59a17f4eb98d6d",
    "baseline-may-2021": "11be133d1bbf2ef9354b82556c5207a7",
    "negotiation-early-mediation": "e343255d34c137ab4afae611c04154ee",
    "negotiation-local-only": "85d4123d61863b12a90419a72609d190",
    "negotiation-no-talks": "c04bc4b49e65d67138a922bf4079a301",
    "response-armenia-fires": "916d4332a5abac6b5f9877a120ea13f7",
    "response-credible-csto": "356fbabaec9531ce25ec369fed733021",
    "response-no-rumours": "78a81223f5544401b4c19244410f313b",
    "response-protector-russia": "2fdb3d3c950cd66792f7123d13121d2e",
    "response-strong-west": "8a64490e5bd86570790d8bf321846e42",
    "scripted-may-2021": "b5c3e3620e70c355c68d8f218640de8a",
    "workshop-sev-lake": "a539c27bd477c0480e1198c92f7fce2e",
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
