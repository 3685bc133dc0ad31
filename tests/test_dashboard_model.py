"""The dashboard's one-world model and its settings, without a browser."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sim.core.model import CrisisModel
from sim.spec.loading import load_scenario
from sim.teach.dashboard.model import DashboardModel, model_params

from conftest import ROOT, SCENARIOS

BASELINE = str(SCENARIOS / "baseline-may-2021.yaml")


def _defaults(file: str) -> dict:
    """The settings SolaraViz passes before anyone touches a control."""
    scenario = load_scenario(file).scenario
    return {
        k: v["value"] if isinstance(v, dict) else v for k, v in model_params(file, scenario).items()
    }


@pytest.mark.parametrize("name", ["baseline-may-2021.yaml", "advance-army-line.yaml"])
def test_untouched_controls_give_world_n_of_the_scenario_s_ensemble(name):
    file = str(SCENARIOS / name)
    settings = _defaults(file) | {"world": 7}
    shown = DashboardModel(**settings).run()
    alone = CrisisModel(load_scenario(file).scenario, worlds=1, first_world=7).run()
    assert shown.outcomes().equals(alone.outcomes())
    assert [e.sentence for e in shown.events]  # and the log told it


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
