"""The dashboard's model: one world of a scenario, with policies and ranges as flat settings.

Mesa's ModelController builds a model from keyword settings, which the home page shows
as sliders and menus in named groups (:func:`control_groups`, :mod:`.controls`).
:class:`DashboardModel` is a :class:`~sim.core.model.CrisisModel` of one world whose
settings are the scenario file, the seed, which world, each actor's policy, and the
scenario's declared uncertainties (by dotted path), and which keeps a running log of
what happened in plain words (:mod:`sim.readers.narration`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.core.model import SCENARIO_SEED, CrisisModel
from sim.policies.base import policies_for
from sim.readers.narration import Event, tick_events
from sim.spec.loading import load_scenario
from sim.spec.schema import Scenario

POLICY_PREFIX = "policy."
#: The dynamics a class changes on the home page, beside the world and the policies:
#: how fast the advance goes, how often false reports spread, how often talks agree,
#: and how much a call for restraint weighs. The rest is folded into named groups.
CLASS_DYNAMICS = (
    "dynamics.advance_step_km",
    "dynamics.false_report_probability",
    "dynamics.talks_agreement_probability",
    "dynamics.restraint_call_cost",
)
#: The groups of the folded settings by a path's first part, in the order shown.
SECTIONS = {
    "dynamics": "Dynamics: how the crisis moves",
    "perception": "Perception: what the governments see",
    "thresholds": "Thresholds: what counts as what",
    "sectors": "The border sectors",
}


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


@dataclass(frozen=True)
class Group:
    """Settings shown together on the home page: ``keys`` of :func:`model_params`.

    ``folded``: under its name, opened by a click (the class's own are not folded).
    """

    name: str
    keys: tuple[str, ...]
    folded: bool = True


def control_groups(params: dict[str, Any], scenario: Scenario) -> list[Group]:
    """Return every control of ``params`` in one group: the class's first, the rest folded.

    The class's: the world, each government's policy, :data:`CLASS_DYNAMICS`. Then the
    other dynamics, perception, thresholds and sectors (:data:`SECTIONS`), then one
    group per government (its influence and its policy's parameters), then anything
    else, so that no control is lost by folding.
    """
    controls = [k for k, v in params.items() if isinstance(v, dict) and "type" in v]
    first = [k for k in controls if k == "world" or _is_policy(k) or k in CLASS_DYNAMICS]
    groups = [Group("What a class changes", tuple(first), folded=False)]
    rest = [k for k in controls if k not in first]
    for head, name in SECTIONS.items():
        groups.append(Group(name, tuple(k for k in rest if k.split(".")[0] == head)))
    found = set(map(_actor_of, rest)) - {None}
    ordered = [a for a in scenario.role_specs() if a in found] + sorted(found)
    for actor in dict.fromkeys(ordered):  # the teams' governments first, then the others
        policy = scenario.actors.spec(actor).policy
        keys = tuple(k for k in rest if _actor_of(k) == actor)
        groups.append(Group(f"{scenario.cast.label(actor)} ({policy} policy)", keys))
    placed = {k for group in groups for k in group.keys}
    groups.append(Group("Other settings", tuple(k for k in rest if k not in placed)))
    return [group for group in groups if group.keys]


def _is_policy(key: str) -> bool:
    return key.startswith("actors.") and key.endswith(".policy")


def _actor_of(key: str) -> str | None:
    """Return the actor a setting belongs to (None: a setting of the world)."""
    parts = key.split(".")
    if parts[0] == POLICY_PREFIX.rstrip("."):
        return parts[1]
    if parts[0] == "actors" and len(parts) > 2:
        return parts[2] if parts[1] == "third_parties" else parts[1]
    return None


def setting_help(key: str, scenario: Scenario) -> str:
    """Return what a setting means in a line, from the schema or its policy's parameters."""
    from sim.spec.parameters import scenario_parameters

    if key == "world":
        return (
            "Which world of the scenario's ensemble to replay: world N here is world N of "
            "crisis-sim run with the same seed and settings."
        )
    if _is_policy(key):
        actor = _actor_of(key)
        return f"How {scenario.cast.label(actor)}'s government decides (crisis-sim policies)."
    if key.startswith(POLICY_PREFIX):
        actor, _, param = key.removeprefix(POLICY_PREFIX).split(".", 2)
        key = f"actors.{actor}.params.{param}"
    found = scenario_parameters(scenario).get(key)
    return found.description.replace("`", "") if found else ""


def settings_in_words(scenario: Scenario) -> list[str]:
    """Return each declared uncertainty of ``scenario`` in words with its value now."""
    return [
        f"{setting_label(path, scenario)}: {_current(scenario, path):.3g}"
        for path in scenario.uncertainties
    ]


def model_params(scenario_file: str | Path, scenario: Scenario) -> dict[str, Any]:
    """Return the page's settings for a scenario: menus for policies, sliders for ranges.

    In Mesa's form (``model_params`` of SolaraViz and ModelCreator): a fixed value, or a
    control with its ``type``, ``value``, ``label``, bounds, and here its ``help``, a
    line from the schema's field descriptions. :func:`control_groups` groups them.
    """
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
    for key, control in params.items():
        if isinstance(control, dict):
            control["help"] = setting_help(key, scenario)
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
