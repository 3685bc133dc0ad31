"""The worlds of every shipped scenario, pinned: a change meant to keep results keeps them.

Refactoring and speed work must not move a single world. For each shipped scenario (500
worlds, seed 4) two digests are recorded here, their first 32 hex digits: the per-world
outcome hash (:func:`sim.folders.results.outcome_hash`), and a digest of every per-tick aggregate
and sampled history the run keeps (the recorder's arrays, as a journal stores them).
A change that is meant to move worlds (a new mechanism, a new layout of random numbers)
updates this table in the same commit and says what moved in docs/validation.md.
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

RECORDED_AGGREGATES = {
    "advance-army-line": "15d11fa23a712e1fa05d6378b9a4739e",
    "advance-heights": "2a9ddcde6b48af279afe58a6ad887cad",
    "baseline-may-2021": "bdba199c8e9b4595407f3fb860c323ee",
    "negotiation-early-mediation": "a67f772abed7df851d97fcb6e26be5c0",
    "negotiation-local-only": "0836f4c231b36c212ed41e5c8d283c56",
    "negotiation-no-talks": "0337eb5590247ab0c8d9de29a819c214",
    "response-armenia-fires": "8264e4a8f99aea8fb7c7444582a38ed8",
    "response-credible-csto": "43e9ad50b342390a9bb8f8845b0a7d0a",
    "response-no-rumours": "f8cc0cb4d9d7123cba946fc71ff0643e",
    "response-protector-russia": "02852ec81edca7a18a117b9d399ad4fc",
    "response-strong-west": "de970bdae53c89a48645198a023eaa76",
    "scripted-may-2021": "1f0c35f979746876cc7461ebee4f1d84",
    "workshop-sev-lake": "0268f0cd0edef0735995c4b670a44498",
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
