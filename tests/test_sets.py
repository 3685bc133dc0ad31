"""Parameter sets as the worlds of one block: the same worlds as each set alone.

A block's worlds carry their set's values as columns (sim.core.columns); every submodel
and policy must read a column as it reads a number. These tests vary every parameter
that may be a column at once, in a few sets of one block, and compare each set's worlds
with the ensemble of that set run alone, row for row and bit for bit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.catalogue.measures import summarise
from sim.core.border import Border
from sim.core.columns import STRUCTURAL, per_world, varies_by_world, with_columns
from sim.core.model import with_overrides
from sim.errors import UserError
from sim.policies.base import every
from sim.run.ensemble import run_ensemble
from sim.run.sets import SetsJob, blocks_of, chunks_of_sets, run_jobs, run_sets
from sim.spec.loading import load_scenario
from sim.spec.parameters import INTEGER, scenario_parameters

from conftest import quick_first

ROOT = Path(__file__).resolve().parents[1]
WORLDS = 60
SEED = 11


def _drawn(parameter, rng: np.random.Generator):
    low = parameter.low if parameter.low is not None else 0.0
    high = parameter.high if parameter.high is not None else max(1.0, 3 * abs(parameter.value))
    value = low + (high - low) * rng.uniform(0.02, 0.98)
    return round(value) if parameter.kind == INTEGER else float(value)


def every_column_moved(scenario, sets: int, seed: int) -> list[dict]:
    """Return ``sets`` sets, each moving every parameter that can be a column at once."""
    rng = np.random.default_rng(seed)
    columns = [p for p in scenario_parameters(scenario).values() if varies_by_world(p)]
    found = []
    for _ in range(sets):
        overrides = {}
        for parameter in columns:
            value = _drawn(parameter, rng)
            try:  # a few columns are refused in some casts (an attacker has no influence)
                with_overrides(scenario, {parameter.path: value})
            except UserError:
                continue
            overrides[parameter.path] = value
        # The clash line stays below the war line (a scenario that crosses them is refused).
        if "dynamics.clash_ends_below" in overrides:
            war = overrides.get("thresholds.war_intensity", scenario.thresholds.war_intensity)
            overrides["dynamics.clash_ends_below"] *= war
        found.append(overrides)
    found[0] = {}  # one set at the scenario's own values, beside the moved ones
    return found


def alone(scenario, overrides: dict, worlds: int = WORLDS) -> pd.DataFrame:
    return run_ensemble(with_overrides(scenario, overrides), worlds=worlds, seed=SEED).outcomes


@pytest.mark.parametrize(
    "file",
    quick_first(
        [
            "scenarios/baseline-may-2021.yaml",
            "scenarios/response-credible-csto.yaml",
            "scenarios/cases/karabakh-2020/scenario.yaml",
            "scenarios/cases/kyrgyz-tajik-2021/scenario.yaml",
        ],
    ),
)
def test_every_column_gives_each_set_its_worlds_alone(file):
    scenario = load_scenario(ROOT / file).scenario
    sets = every_column_moved(scenario, 4, seed=len(file))
    assert len(sets[1]) > 60  # most of the scenario's numbers move
    blocks = blocks_of(scenario, sets)
    assert len(blocks) == 1 and blocks[0].sets == 4
    together = run_sets(scenario, sets, WORLDS, SEED)
    for overrides, worlds in zip(sets, together, strict=True):
        pd.testing.assert_frame_equal(worlds, alone(scenario, overrides), check_exact=True)


def test_sets_split_across_chunks_and_whole_sets_give_the_same_measures():
    scenario = load_scenario(ROOT / "scenarios/baseline-may-2021.yaml").scenario
    sets = every_column_moved(scenario, 3, seed=5)
    whole = run_sets(scenario, sets, WORLDS, SEED, summarise)
    split = run_sets(scenario, sets, WORLDS, SEED, summarise, chunk_size=40)
    assert whole == split == [summarise(alone(scenario, o)) for o in sets]
    assert [c.size for c in chunks_of_sets(3, WORLDS, 25)] == [25, 25, 10] * 3
    assert [(c.start, c.stop) for c in chunks_of_sets(5, WORLDS, 150)] == [(0, 2), (2, 4), (4, 5)]


class Kept:
    """A ledger that holds what it is given (a calibration journal's part, in memory)."""

    def __init__(self, finished=None):
        self.kept = dict(finished or {})

    def finished(self):
        return dict(self.kept)

    def keep(self, measured):
        self.kept.update(measured)


def test_the_sets_of_several_scenarios_in_one_queue_are_each_as_alone():
    # A joint calibration's cases share the workers (sim.experiments.joint): each case's
    # chunks, mixed with the others' in one queue, must give what the case gives alone.
    first = load_scenario(ROOT / "scenarios/baseline-may-2021.yaml").scenario
    second = load_scenario(ROOT / "scenarios/cases/kyrgyz-tajik-2021/scenario.yaml").scenario
    first_sets, second_sets = every_column_moved(first, 3, seed=2), every_column_moved(second, 2, 3)
    ledger = Kept({1: {"from": "before"}})  # set 1 of the second was measured before a stop
    jobs = [
        SetsJob(first, first_sets, WORLDS, SEED, summarise),
        SetsJob(second, second_sets, 30, 7, summarise, ledger=ledger),
        SetsJob(first, first_sets[:2], WORLDS, SEED),  # outcome tables, no measure
    ]
    got = run_jobs(jobs, chunk_size=50)
    assert got[0] == run_sets(first, first_sets, WORLDS, SEED, summarise)
    assert got[1] == [summarise(run_sets(second, second_sets, 30, 7)[0]), {"from": "before"}]
    assert ledger.kept[0] == got[1][0]  # kept as it finished
    for table, overrides in zip(got[2], first_sets[:2], strict=True):
        pd.testing.assert_frame_equal(table, alone(first, overrides), check_exact=True)


def test_a_chunk_that_retires_its_ended_worlds_gives_the_same_worlds(monkeypatch):
    # A credible CSTO takes collective measures within days in most worlds: a block retires
    # its ended worlds and starts the rest again; each set must still be its ensemble alone.
    from sim.run import sets as module

    scenario = load_scenario(ROOT / "scenarios/response-credible-csto.yaml").scenario
    started = []

    class Counted(module.CrisisModel):
        def __init__(self, *args, **kwargs):
            started.append(len(kwargs["world_ids"]))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(module, "RETIRE_FROM", 1)
    # Retire once, at day 4, whatever it saves: the path itself is what must be exact.
    monkeypatch.setattr(
        module, "_worth_retiring", lambda model: model.tick == 16 and len(started) == 1
    )
    monkeypatch.setattr(module, "CrisisModel", Counted)
    sets = every_column_moved(scenario, 3, seed=2)
    together = run_sets(scenario, sets, WORLDS, SEED)
    assert len(started) > 1 and started[0] == 3 * WORLDS and started[1] < started[0]
    for overrides, worlds in zip(sets, together, strict=True):
        pd.testing.assert_frame_equal(worlds, alone(scenario, overrides), check_exact=True)


def test_structural_values_split_blocks_and_numbers_share_one():
    scenario = load_scenario(ROOT / "scenarios/baseline-may-2021.yaml").scenario
    sets = [
        {"dynamics.advance_step_km": 0.4, "actors.russia.policy": "broker"},
        {"dynamics.advance_step_km": 0.9, "actors.russia.policy": "protector"},
        {"dynamics.advance_step_km": 0.6, "actors.russia.policy": "broker"},
        {"horizon_days": 20, "dynamics.clash_escalation": 0.3},
        # a new policy's parameter belongs to its structure, not to a column
        {"actors.russia.policy": "protector", "actors.russia.params.defend_probability": 0.5},
    ]
    blocks = blocks_of(scenario, sets)
    assert sorted(b.numbers.tolist() for b in blocks) == [[0, 2], [1], [3], [4]]
    broker = next(b for b in blocks if b.sets == 2)
    assert broker.columns["dynamics.advance_step_km"].tolist() == [0.4, 0.6]
    assert set(broker.columns) == {"dynamics.advance_step_km"}
    assert "horizon_days" in STRUCTURAL
    together = run_sets(scenario, sets, 30, SEED)
    for overrides, worlds in zip(sets, together, strict=True):
        pd.testing.assert_frame_equal(worlds, alone(scenario, overrides, 30), check_exact=True)


def test_a_bad_set_is_refused_by_number_before_any_world_runs():
    scenario = load_scenario(ROOT / "scenarios/baseline-may-2021.yaml").scenario
    sets = [{"dynamics.advance_step_km": 0.5}, {"dynamics.advance_step_km": 99.0}]
    with pytest.raises(UserError, match=r"^Set 1 \(dynamics\.advance_step_km=99\.0\) is not"):
        run_sets(scenario, sets, 10)
    with pytest.raises(
        UserError,
        match=r"(?s)Point 0 of the design \(actors\.azerbaijan\.influence=0\.5\) is not valid"
        r": .*azerbaijan is the attacker",
    ):
        run_sets(
            scenario,
            [{"actors.azerbaijan.influence": 0.5}],
            10,
            label="Point {number} of the design",
        )
    with pytest.raises(UserError, match="at least 1 world"):
        run_sets(scenario, [{}], 0)


def test_a_column_holds_one_value_per_world_and_leaves_the_scenario_alone():
    scenario = load_scenario(ROOT / "scenarios/baseline-may-2021.yaml").scenario
    step = scenario.dynamics.advance_step_km
    steps = np.array([0.3, 0.6, 0.9])
    halts = np.array([0.2, 0.4, 0.8])
    columned = with_columns(
        scenario,
        {
            "dynamics.advance_step_km": steps,
            "actors.azerbaijan.params.halt_cost": halts,
            "actors.third_parties.france.influence": steps,
        },
    )
    assert columned.dynamics.advance_step_km is steps
    assert columned.actors.spec("azerbaijan").params["halt_cost"] is halts
    assert columned.actors.third_parties["france"].influence is steps
    assert scenario.dynamics.advance_step_km == step  # the scenario itself is unchanged
    assert "halt_cost" not in scenario.actors.spec("azerbaijan").params
    assert per_world(steps).shape == (3, 1) and per_world(0.5) == 0.5


def test_force_tables_and_spans_of_days_read_per_world():
    scenario = load_scenario(ROOT / "scenarios/baseline-may-2021.yaml").scenario
    guards = np.array([0.1, 0.5])
    border = Border.of(with_columns(scenario, {"dynamics.resistance_border_guards": guards}))
    assert border.resistance.shape == (2, 4)
    force = np.array([[1, 2], [1, 0]])
    army = scenario.dynamics.resistance_army
    assert border.by_force(border.resistance, force).tolist() == [[0.1, army], [0.5, 0.0]]
    rows, cols = np.array([1]), np.array([0])
    assert border.by_force(border.resistance, force, rows, cols).tolist() == [0.5]
    assert every(4.0, np.array([0.1, 1.0, 2.6])).tolist() == [1, 4, 10]
    assert every(4.0, 2.6) == 10
