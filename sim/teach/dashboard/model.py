"""The dashboard's model: one world of a scenario, with policies and ranges as flat settings.

Mesa's SolaraViz builds a model from keyword settings and shows sliders and menus for
them. :class:`DashboardModel` is a :class:`~sim.core.model.CrisisModel` of one world whose
settings are the scenario file, the seed, which world, each actor's policy, and the
scenario's declared uncertainties (by dotted path), and which keeps a running log of
what happened in plain words (:mod:`sim.readers.narration`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.core.model import SCENARIO_SEED, CrisisModel
from sim.policies.base import policies_for
from sim.readers.narration import Event, tick_events
from sim.spec.loading import load_scenario
from sim.spec.schema import Scenario

POLICY_PREFIX = "policy."


class DashboardModel(CrisisModel):
    """One world of a scenario, stepped by the dashboard, with an event log.

    Args:
        scenario_file: the scenario file.
        seed: the seed of the world's random numbers (default, or ``None``: the
            scenario's, so the dashboard's world i is world i of the scenario's ensemble).
        world: which world of the ensemble (its random numbers are keyed by this index).
        **settings: actor policies as ``actors.NAME.policy`` and any scenario field by
            dotted path (the dashboard's sliders for the declared uncertainties).
    """

    def __init__(
        self,
        scenario_file: str = "scenarios/baseline-may-2021.yaml",
        seed: int | None = None,
        world: int = 0,
        **settings: Any,
    ) -> None:
        scenario = load_scenario(scenario_file).scenario
        settings = _policy_settings(scenario, settings)
        seed = SCENARIO_SEED if seed is None else seed
        super().__init__(scenario, worlds=1, first_world=int(world), seed=seed, **settings)
        self.scenario_file = scenario_file
        self.settings = dict(settings)
        self.events: list[Event] = []
        tick_events(self)

    def step(self) -> None:
        """Advance the world one tick and add what happened to the log."""
        if not self.running:
            return
        super().step()
        self.events.extend(tick_events(self))


def _policy_settings(scenario: Scenario, settings: dict[str, Any]) -> dict[str, Any]:
    """Turn ``policy.ACTOR.POLICY.PARAM`` settings into the actor's parameters.

    A policy's sliders carry its name, so they apply only while the actor follows that
    policy: after a switch from restraint to firm_defender, restraint's sliders must not
    override firm_defender's own defaults.
    """
    plain = {k: v for k, v in settings.items() if not k.startswith(POLICY_PREFIX)}
    for key, value in settings.items():
        if not key.startswith(POLICY_PREFIX):
            continue
        actor, policy, param = key.removeprefix(POLICY_PREFIX).split(".", 2)
        chosen = plain.get(f"actors.{actor}.policy", scenario.actors.spec(actor).policy)
        if chosen == policy:
            plain.setdefault(f"actors.{actor}.params.{param}", value)
    return plain


def setting_label(path: str, scenario: Scenario) -> str:
    """Return a setting's name in words: ``dynamics.advance_step_km`` is "advance step, km".

    An actor's setting leads with the actor's name ("Russia: influence"); the unit, if
    the name ends in one, follows a comma.
    """
    parts = path.split(".")
    words = parts[-1]
    for unit in ("km", "ticks", "days"):
        if words.endswith(f"_{unit}") and not words.endswith(f"_per_{unit}"):
            words = f"{words.removesuffix(f'_{unit}')}, {unit}"
    words = words.replace("_", " ")
    if parts[0] == "actors" and len(parts) > 2:
        actor = parts[2] if parts[1] == "third_parties" else parts[1]
        return f"{scenario.cast.label(actor)}: {words}"
    if parts[0] == "sectors" and len(parts) > 2:
        return f"{scenario.sectors[parts[1]].name}: {words}"
    return words[0].upper() + words[1:]


def settings_in_words(scenario: Scenario) -> list[str]:
    """Return each declared uncertainty of ``scenario`` in words with its value now."""
    return [
        f"{setting_label(path, scenario)}: {_current(scenario, path):.3g}"
        for path in scenario.uncertainties
    ]


def model_params(scenario_file: str | Path, scenario: Scenario) -> dict[str, Any]:
    """Return SolaraViz's settings for a scenario: menus for policies, sliders for ranges."""
    params: dict[str, Any] = {
        "scenario_file": str(scenario_file),
        "seed": scenario.seed,  # fixed: world i here is world i of the scenario's ensemble
        "world": {"type": "SliderInt", "value": 0, "min": 0, "max": 99, "step": 1},
    }
    for name, (role, spec) in scenario.role_specs().items():
        current = spec.policy
        choices = [p for p in policies_for(role) if p != "scripted" or p == current]
        params[f"actors.{name}.policy"] = {
            "type": "Select",
            "value": current,
            "values": choices,
            "label": f"{scenario.cast.label(name)}: policy",
        }
    for path, (low, high) in scenario.uncertainties.items():
        value = _current(scenario, path)
        params[path] = {
            "type": "SliderFloat",
            "value": min(max(value, low), high),
            "min": low,
            "max": high,
            "step": (high - low) / 50,
            "label": setting_label(path, scenario),
        }
    params.update(_policy_params(scenario))
    return params


def _current(scenario: Scenario, path: str) -> float:
    from sim.spec.parameters import parameter

    return float(parameter(scenario, path).value)


def _policy_params(scenario: Scenario) -> dict[str, Any]:
    """Return a control for each parameter of each actor's policy in the scenario.

    Keyed ``policy.ACTOR.POLICY.PARAM`` (see :func:`_policy_settings`); parameters that
    the scenario declares as uncertainties have their own slider and are left out.
    """
    from sim.spec.parameters import scenario_parameters

    controls: dict[str, Any] = {}
    for path, found in scenario_parameters(scenario).items():
        actor, _, param = path.removeprefix("actors.").partition(".params.")
        if actor not in scenario.cast.states or not param or path in scenario.uncertainties:
            continue
        policy = scenario.actors.spec(actor).policy
        label = f"{setting_label(path, scenario)} ({policy})"
        key = f"{POLICY_PREFIX}{actor}.{policy}.{param}"
        if found.kind == "boolean":
            controls[key] = {"type": "Checkbox", "value": bool(found.value), "label": label}
        elif found.kind in ("real", "integer") and found.low is not None and found.high is not None:
            integer = found.kind == "integer"
            controls[key] = {
                "type": "SliderInt" if integer else "SliderFloat",
                "value": found.value,
                "min": found.low,
                "max": found.high,
                "step": 1 if integer else (found.high - found.low) / 100,
                "label": label,
            }
    return controls
