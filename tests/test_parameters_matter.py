"""No parameter that silently does nothing: changing any one changes some output.

SimPy's lesson from one of its own examples, where a parameter was read nowhere. Each
scenario field and each parameter of each registered policy is moved within its range
in the exercise scenario (tests/data/exercise.yaml, where every mechanism is active),
and the run's fingerprint (outcomes, per-tick aggregates, sampled histories) must change.
"""

from __future__ import annotations

import copy
import datetime as dt
import typing
from enum import Enum

import pytest
from pydantic import BaseModel

from sim.catalogue.roles import MAY_2021, Role
from sim.core.actions import actions_for
from sim.policies import REGISTRY
from sim.spec.schema import INJECT_FIELDS, Inject, Scenario

from conftest import EXERCISE, fingerprint, make_scenario, read_yaml

pytestmark = pytest.mark.slow  # a run per scenario field and policy parameter

#: Fields that label a run rather than drive it; tests/test_cli.py checks that they
#: reach the manifest (names and titles) and the plots' calendar axis (start_date).
LABELS = {"name", "title", "description", "start_date", "sectors.*.name"}
#: Fields that declare what an analysis may vary (sweeps, sensitivity, EMA) and must
#: leave a plain run unchanged: checked below, and by tests/test_sweep.py.
ANALYSIS_ONLY = {"uncertainties", "levers"}
#: The workshop facilitator's prepared injects: released by hand in a game, never by a
#: run (checked below; tests/test_negotiation.py releases them).
WORKSHOP_ONLY = {"workshop_injects"}
#: Who plays each role: names for tables and sentences, and the ids that key each
#: actor's policy and random streams. tests/test_roles.py renames a whole cast.
CASTING = {"cast"}
#: Fields that only size or sample the output and change it in a known way.
BIG_RANGE = 100
#: Policy parameters whose rule the exercise never reaches under that policy: for each,
#: the setting of the same actor under which it is reached, and why the exercise is not.
REACHED_WITH: dict[tuple[Role, str, str], tuple[dict, str]] = {
    (Role.ATTACKER, "limited", "max_own_killed"): (
        {"max_own_killed": 2},
        "the exercise's clashes kill a handful: far below the 150 an attacker with limited "
        "aims will pay by default",
    ),
}


def _bounds(info) -> tuple[float | None, float | None]:
    low = high = None
    for meta in info.metadata:
        for attr in ("ge", "gt"):
            low = getattr(meta, attr, None) if getattr(meta, attr, None) is not None else low
        for attr in ("le", "lt"):
            high = getattr(meta, attr, None) if getattr(meta, attr, None) is not None else high
    return low, high


def moved(info, value, direction: int = 1):
    """Return a different valid value for a field, moved up (1) or down (-1) in its range."""
    annotation = info.annotation
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if isinstance(value, bool):
        return not value
    if info.alias == "tick_hours" or getattr(info, "title", None) == "tick_hours":
        return 4 if value != 4 else 8
    if isinstance(value, Enum):
        members = list(type(value))
        return members[(members.index(value) + 1) % len(members)]
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    if isinstance(value, int | float):
        low, high = _bounds(info)
        if low is None or high is None:
            return value + 1
        if high - low > BIG_RANGE:
            return value * 2 + 1 if direction > 0 else max(low, value // 2)
        span = 0.3 * (high - low)
        new = min(high, value + span) if direction > 0 else max(low, value - span)
        if new == value:  # at a bound: go the other way
            new = max(low, value - span) if direction > 0 else min(high, value + span)
        return round(new) if isinstance(value, int) else new
    raise TypeError(f"no rule to move {info}")


def scenario_fields() -> list[tuple[tuple, object]]:
    """Every (path, FieldInfo) of the scenario schema, with one instance per mapping."""
    data = read_yaml(EXERCISE)
    scenario = make_scenario(data)
    found = []

    def walk(model: BaseModel, prefix: tuple) -> None:
        for name, info in type(model).model_fields.items():
            value = getattr(model, name)
            path = (*prefix, name)
            if isinstance(value, BaseModel):
                walk(value, path)
            elif (
                isinstance(value, dict)
                and value
                and isinstance(next(iter(value.values())), BaseModel)
            ):
                key = next(iter(value))
                walk(value[key], (*path, key))
            elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
                for index, item in enumerate(value):
                    walk(item, (*path, index))
            elif name in ("policy", "params"):
                continue  # policies and their parameters are covered below
            elif isinstance(model, Inject) and name not in (
                {"day", "probability"} | INJECT_FIELDS[model.kind]
            ):
                continue  # a field the inject's kind does not use is rejected, not ignored
            else:
                found.append((path, info))

    walk(scenario, ())
    return found


def _label(path: tuple) -> bool:
    dotted = ".".join(map(str, path))
    return dotted in LABELS or (len(path) == 3 and path[0] == "sectors" and path[2] == "name")


def _set(data: dict, path: tuple, value) -> None:
    node = data
    for step in path[:-1]:
        node = node.setdefault(step, {}) if isinstance(step, str) else node[step]
    node[path[-1]] = (
        value.value
        if isinstance(value, Enum)
        else (value.isoformat() if isinstance(value, dt.date) else value)
    )


def _get(scenario: Scenario, path: tuple):
    node = scenario
    for step in path:
        node = node[step] if isinstance(node, dict | list) else getattr(node, step)
    return node


SCENARIO_FIELDS = [
    (p, i)
    for p, i in scenario_fields()
    if not _label(p) and p[0] not in ANALYSIS_ONLY | WORKSHOP_ONLY | CASTING
]


@pytest.fixture(scope="module")
def exercise_fingerprint(exercise_data) -> str:
    return fingerprint(make_scenario(exercise_data))


@pytest.mark.parametrize(
    ("path", "info"), SCENARIO_FIELDS, ids=[".".join(map(str, p)) for p, _ in SCENARIO_FIELDS]
)
def test_scenario_field_changes_output(path, info, exercise_data, exercise_fingerprint):
    current = _get(make_scenario(exercise_data), path)
    if path[-1] == "sector":  # an inject's sector: point it at another sector
        candidates = ["heights" if current != "heights" else "lake"]
    elif path[-1] == "actor":
        candidates = ["ally" if current != "ally" else "critic"]
    elif path[-1] == "tick_hours":
        candidates = [4, 8]
    elif path[-1] == "held_km":  # bounded by the sector's own max_advance_km
        candidates = [0.5 * _get(make_scenario(exercise_data), (*path[:-1], "max_advance_km"))]
    else:
        candidates = [moved(info, current, +1), moved(info, current, -1)]
    assert _changes_output(exercise_data, path, candidates, exercise_fingerprint), (
        f"{'.'.join(map(str, path))} moved from {current!r} to any of {candidates!r} "
        "changed nothing"
    )


def _changes_output(data: dict, path: tuple, candidates: list, reference: str) -> bool:
    """Return whether setting ``path`` to any candidate changes the run's fingerprint."""
    for value in candidates:
        changed = copy.deepcopy(data)
        _set(changed, path, value)
        if fingerprint(make_scenario(changed)) != reference:
            return True
    return False


def _policy_cases():
    cases = []
    for (kind, name), cls in sorted(REGISTRY.items()):
        for field in cls.Params.model_fields:
            cases.append((kind, name, field))
    return cases


def _actor_slot(data: dict, kind: Role) -> dict:
    actors = data["actors"]
    if kind is Role.THIRD_PARTY:
        return actors["third_parties"]["critic"]
    return actors[MAY_2021[kind].state]


def _example_timeline(kind: Role) -> list[dict]:
    action = next(a for a in actions_for(kind) if a.value != 0)
    move = {"day": 1.5, "action": action.name.lower()}
    if action.info.targets_sector:
        move["sector"] = "lake"
    return [move]


_POLICY_REFERENCES: dict[tuple[Role, str], str] = {}


def _policy_reference(kind: Role, policy: str, data: dict) -> str:
    """Return the fingerprint of the exercise with this policy: once per policy, not field."""
    if (kind, policy) not in _POLICY_REFERENCES:
        _POLICY_REFERENCES[(kind, policy)] = fingerprint(make_scenario(data))
    return _POLICY_REFERENCES[(kind, policy)]


@pytest.mark.parametrize(
    ("kind", "policy", "field"),
    _policy_cases(),
    ids=[f"{k.value}-{p}-{f}" for k, p, f in _policy_cases()],
)
def test_policy_parameter_changes_output(kind, policy, field, exercise_data):
    # The exercise's settings for this actor (those the policy has) enable rules that a
    # policy's defaults may switch off, e.g. a broker's zero chance of using force.
    data = copy.deepcopy(exercise_data)
    slot = _actor_slot(data, kind)
    cls = REGISTRY[(kind, policy)]
    inherited = {
        k: v for k, v in (slot.get("params") or {}).items() if k in cls.Params.model_fields
    }
    settings, _why = REACHED_WITH.get((kind, policy, field), ({}, ""))
    slot["policy"], slot["params"] = policy, {**inherited, **settings}
    reference = (
        fingerprint(make_scenario(data)) if settings else _policy_reference(kind, policy, data)
    )
    info = cls.Params.model_fields[field]
    if field == "timeline":
        candidates = [_example_timeline(kind)]
    elif field == "objectives":  # sector ids: one sector of the exercise, then the other
        candidates = [["heights"], ["lake"]]
    else:
        current = cls.Params.model_validate(slot["params"]).__getattribute__(field)
        candidates = [moved(info, current, +1), moved(info, current, -1)]
    path = (
        "actors",
        *(("third_parties", "critic") if kind is Role.THIRD_PARTY else (MAY_2021[kind].state,)),
        "params",
        field,
    )
    assert _changes_output(data, path, candidates, reference), (
        f"{kind.value}/{policy}.{field} moved to any of {candidates!r} changed nothing"
    )


@pytest.mark.parametrize("case", sorted(REACHED_WITH), ids=lambda c: "-".join(map(str, c)))
def test_a_rule_reached_only_with_a_setting_is_not_reached_without_it(case, exercise_data):
    # Else the entry is stale: the exercise reaches the rule itself, and needs no help.
    kind, policy, field = case
    data = copy.deepcopy(exercise_data)
    slot = _actor_slot(data, kind)
    cls = REGISTRY[(kind, policy)]
    params = {k: v for k, v in (slot.get("params") or {}).items() if k in cls.Params.model_fields}
    slot["policy"], slot["params"] = policy, params
    current = cls.Params.model_validate(params).__getattribute__(field)
    info = cls.Params.model_fields[field]
    candidates = [moved(info, current, +1), moved(info, current, -1)]
    path = (
        "actors",
        *(("third_parties", "critic") if kind is Role.THIRD_PARTY else (MAY_2021[kind].state,)),
        "params",
        field,
    )
    assert not _changes_output(data, path, candidates, fingerprint(make_scenario(data)))


def test_declared_ranges_change_nothing_in_a_run(exercise_data, exercise_fingerprint):
    data = copy.deepcopy(exercise_data)
    data["uncertainties"] = {"dynamics.advance_step_km": [0.2, 1.5]}
    data["levers"] = {"actors.russia.policy": ["broker", "protector"]}
    assert fingerprint(make_scenario(data)) == exercise_fingerprint


def test_a_workshop_s_prepared_injects_change_nothing_in_a_run(exercise_data, exercise_fingerprint):
    data = copy.deepcopy(exercise_data)
    data["workshop_injects"] = [{"title": "Reports of clashes", "news": "…", "event": "rumour"}]
    assert fingerprint(make_scenario(data)) == exercise_fingerprint
