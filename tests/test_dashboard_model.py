"""The dashboard's one-world model and its settings, without a browser."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sim.core.model import CrisisModel
from sim.spec.loading import load_scenario
from sim.teach.dashboard.controls import defaults
from sim.teach.dashboard.model import CLASS_DYNAMICS, DashboardModel, control_groups, model_params

from conftest import ROOT, SCENARIOS

BASELINE = str(SCENARIOS / "baseline-may-2021.yaml")


def _defaults(file: str) -> dict:
    """The settings the home page passes before anyone touches a control (controls.py)."""
    scenario = load_scenario(file).scenario
    return defaults(model_params(file, scenario))


@pytest.mark.parametrize("name", ["baseline-may-2021.yaml", "advance-army-line.yaml"])
def test_untouched_controls_give_world_n_of_the_scenario_s_ensemble(name):
    file = str(SCENARIOS / name)
    settings = _defaults(file) | {"world": 7}
    shown = DashboardModel(**settings).run()
    alone = CrisisModel(load_scenario(file).scenario, worlds=1, first_world=7).run()
    assert shown.outcomes().equals(alone.outcomes())
    assert [e.sentence for e in shown.events]  # and the log told it


@pytest.mark.parametrize("name", ["baseline-may-2021.yaml", "scripted-may-2021.yaml"])
def test_every_control_is_in_one_group_the_class_s_first_and_the_rest_folded(name):
    file = str(SCENARIOS / name)
    scenario = load_scenario(file).scenario
    params = model_params(file, scenario)
    groups = control_groups(params, scenario)
    controls = [k for k, v in params.items() if isinstance(v, dict)]
    placed = [k for group in groups for k in group.keys]
    assert sorted(placed) == sorted(controls)  # none lost by folding, none twice
    first, *folded = groups
    assert not first.folded and all(group.folded for group in folded)
    policies = {f"actors.{a}.policy" for a in scenario.role_specs()}
    assert {"world", *policies} <= set(first.keys) <= {"world", *policies, *CLASS_DYNAMICS}
    assert len(first.keys) <= 10  # a few, for a class
    assert all(group.keys for group in groups)
    # Each control is explained in a line from the schema, in plain words.
    assert all(params[k]["help"] for k in controls), [k for k in controls if not params[k]["help"]]
    assert "`" not in "".join(params[k]["help"] for k in controls)


def test_the_class_s_controls_and_the_groups_of_the_baseline():
    params = model_params(BASELINE, load_scenario(BASELINE).scenario)
    groups = {g.name: g.keys for g in control_groups(params, load_scenario(BASELINE).scenario)}
    assert set(CLASS_DYNAMICS) <= set(groups["What a class changes"])
    assert "dynamics.rumour_per_km" in groups["Dynamics: how the crisis moves"]
    assert "actors.azerbaijan.params.halt_cost" in groups["Azerbaijan (prober policy)"]
    assert "policy.armenia.restraint.send_army" in groups["Armenia (restraint policy)"]
    assert (
        params["dynamics.advance_step_km"]["help"] == "Depth one unopposed advance step gains, km."
    )


def test_the_first_world_shown_uses_the_scenario_s_seed():
    # The page builds its first model with no seed at all (sim/teach/dashboard/app.py); a Mesa
    # model's seed=None is fresh entropy, but the dashboard's world i stays the ensemble's.
    file = str(SCENARIOS / "baseline-may-2021.yaml")
    scenario = load_scenario(file).scenario
    assert DashboardModel(file).seed == scenario.seed
    assert DashboardModel(file, seed=None).seed == scenario.seed


def test_every_parameter_of_each_actor_s_policy_has_a_control():
    params = model_params(BASELINE, load_scenario(BASELINE).scenario)
    prober = {k for k in params if k.startswith("policy.azerbaijan.prober.")}
    assert "policy.azerbaijan.prober.target_depth_km" in prober
    # a declared uncertainty has its own slider, not a second one
    assert "actors.azerbaijan.params.halt_cost" in params
    assert "policy.azerbaijan.prober.halt_cost" not in prober
    assert params["policy.armenia.restraint.send_army"]["type"] == "Checkbox"
    assert params["policy.azerbaijan.prober.target_depth_km"]["value"] == 3.5


def test_a_policy_s_slider_applies_only_while_that_policy_is_chosen():
    moved = {"policy.azerbaijan.prober.target_depth_km": 0.5}
    kept = DashboardModel(BASELINE, **moved)
    assert kept.spec.actors.azerbaijan.params["target_depth_km"] == 0.5
    switched = DashboardModel(BASELINE, **moved, **{"actors.azerbaijan.policy": "maximalist"})
    assert switched.spec.actors.azerbaijan.policy == "maximalist"
    assert switched.spec.actors.azerbaijan.params.get("target_depth_km", 8.0) == 8.0


@pytest.mark.slow  # a fresh interpreter imports the dashboard
def test_importing_the_dashboard_opens_no_game_room():
    # The plain dashboard (`/`) must not build a workshop room, with its keys, codes and
    # debrief ensemble: the room opens when a workshop page first asks for it.
    code = (
        "import gc, sim.teach.dashboard.app\n"
        "from sim.teach.dashboard.room import Room\n"
        "print(sum(isinstance(o, Room) for o in gc.get_objects()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"
