"""Every parameter a sweep, a sensitivity analysis or an EMA experiment can vary.

A parameter is named by its dotted path in a scenario file, as in ``--set``:
``dynamics.advance_step_km``, ``sectors.sev_lake.ambiguity``,
``actors.azerbaijan.params.halt_cost``, ``actors.russia.policy``. Its kind, bounds
and meaning come from the schema (sim/spec/schema.py) and from the parameters of the
policy the scenario names, so a range can be checked against what a scenario file
itself would accept, before any world runs.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from enum import Enum
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel

from sim.catalogue.roles import Role
from sim.errors import UserError
from sim.policies.base import REGISTRY
from sim.policies.base import policies_for as _policies_for
from sim.spec.schema import (
    ActorSpec,
    AllianceMember,
    Dynamics,
    Perception,
    Scenario,
    Sector,
    Thresholds,
)

#: Kinds of parameter: a real or integer range, a yes/no switch, or one of named options.
REAL, INTEGER, BOOLEAN, CATEGORY = "real", "integer", "boolean", "category"

#: Top-level fields that are not model parameters (identity, size, bookkeeping).
_NOT_PARAMETERS = {
    "name",
    "title",
    "description",
    "seed",
    "worlds",
    "start_date",
    "tick_hours",
    "trajectory_sample",
    "cast",  # who plays a role is the case's identity, not a parameter to vary
}


@dataclass(frozen=True)
class Parameter:
    """One variable parameter of a scenario.

    Attributes:
        path: its dotted path, e.g. ``dynamics.advance_step_km``.
        kind: ``real``, ``integer``, ``boolean`` or ``category``.
        value: its value in the scenario.
        low, high: the bounds the schema allows (None: unbounded on that side).
        low_open, high_open: whether a bound itself is excluded (``gt``/``lt``).
        options: the allowed values of a category or boolean.
        description: what it means, from the schema or the policy's parameters.
    """

    path: str
    kind: str
    value: Any
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    options: tuple = ()
    description: str = ""

    @property
    def numeric(self) -> bool:
        """Whether the parameter takes numbers from a range."""
        return self.kind in (REAL, INTEGER)

    def bounds_text(self) -> str:
        """Return the allowed range or options in words, for error messages."""
        if not self.numeric:
            return "one of " + ", ".join(map(str, self.options))
        low = "-inf" if self.low is None else f"{self.low:g}"
        high = "inf" if self.high is None else f"{self.high:g}"
        return f"{'(' if self.low_open else '['}{low}, {high}{')' if self.high_open else ']'}"

    def admits(self, value: Any) -> bool:
        """Whether ``value`` lies within the parameter's bounds or options."""
        if not self.numeric:
            return value in self.options
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            return False
        if self.kind == INTEGER and float(value) != int(value):
            return False
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return False
        return self.high is None or not (
            value > self.high or (self.high_open and value == self.high)
        )

    def check(self, value: Any, where: str) -> Any:
        """Return ``value`` (an integer for integer parameters) or raise a UserError."""
        if not self.admits(value):
            raise UserError(
                f"{where}: {value!r} is outside what {self.path} accepts ({self.bounds_text()}). "
                f"{self.description} Choose values within its bounds."
            )
        return int(value) if self.kind == INTEGER else value


def _from_field(path: str, model: type[BaseModel], name: str, value: Any) -> Parameter | None:
    info = model.model_fields[name]
    description = info.description or ""
    annotation = info.annotation
    if annotation is bool:
        return Parameter(path, BOOLEAN, value, options=(False, True), description=description)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        options = tuple(member.value for member in annotation)
        value = value.value if isinstance(value, Enum) else value
        return Parameter(path, CATEGORY, value, options=options, description=description)
    if annotation not in (int, float):
        return None
    bounds: dict[str, Any] = {}
    for rule in info.metadata:
        if isinstance(rule, Ge):
            bounds.update(low=float(rule.ge))
        elif isinstance(rule, Gt):
            bounds.update(low=float(rule.gt), low_open=True)
        elif isinstance(rule, Le):
            bounds.update(high=float(rule.le))
        elif isinstance(rule, Lt):
            bounds.update(high=float(rule.lt), high_open=True)
    kind = INTEGER if annotation is int else REAL
    return Parameter(path, kind, value, description=description, **bounds)


def _from_model(prefix: str, model: type[BaseModel], instance: BaseModel) -> list[Parameter]:
    found = []
    for name in model.model_fields:
        parameter = _from_field(f"{prefix}{name}", model, name, getattr(instance, name))
        if parameter is not None:
            found.append(parameter)
    return found


def _actor_parameters(name: str, kind: Role, spec: ActorSpec) -> list[Parameter]:
    prefix = f"actors.{name}."
    # A scripted policy needs its moves written out: not a choice to sample or sweep
    # (unless it is the scenario's own).
    choices = tuple(
        name for name in _policies_for(kind) if name != "scripted" or name == spec.policy
    )
    found = [
        Parameter(
            prefix + "policy",
            CATEGORY,
            spec.policy,
            options=choices,
            description=f"The policy driving {name} (`crisis-sim policies`).",
        )
    ]
    found += [p for p in _from_model(prefix, type(spec), spec) if p.path != prefix + "policy"]
    params_model = REGISTRY[(kind, spec.policy)].Params
    params = params_model.model_validate(spec.params)
    return found + _from_model(prefix + "params.", params_model, params)


#: The fields that describe the patron, left out of a crisis with none.
_OF_THE_PATRON = frozenset({"patron_committed_elsewhere", "patron_presence"})


def scenario_parameters(scenario: Scenario) -> dict[str, Parameter]:
    """Return every variable parameter of ``scenario`` by dotted path, in file order."""
    found: list[Parameter] = []
    for name in Scenario.model_fields:
        if name in _NOT_PARAMETERS:
            continue
        if name in _OF_THE_PATRON and not scenario.cast.has(Role.PATRON):
            continue  # a crisis with no patron: nothing reads it
        parameter = _from_field(name, Scenario, name, getattr(scenario, name))
        if parameter is not None:
            found.append(parameter)
    for sector_id, sector in scenario.sectors.items():
        found += [
            p
            for p in _from_model(f"sectors.{sector_id}.", Sector, sector)
            if scenario.cast.has(Role.PATRON) or p.path.rpartition(".")[2] not in _OF_THE_PATRON
        ]
    for name, (role, spec) in scenario.role_specs().items():
        found += _actor_parameters(name, role, spec)
    for name, spec in scenario.actors.third_parties.items():
        found += _actor_parameters(f"third_parties.{name}", Role.THIRD_PARTY, spec)
    for member_id, member in scenario.alliance_members.items():
        found += _from_model(f"alliance_members.{member_id}.", AllianceMember, member)
    for section, model in (
        ("dynamics", Dynamics),
        ("perception", Perception),
        ("thresholds", Thresholds),
    ):
        found += _from_model(f"{section}.", model, getattr(scenario, section))
    return {parameter.path: parameter for parameter in found}


def parameter(scenario: Scenario, path: str, where: str = "") -> Parameter:
    """Return the parameter at ``path``, or raise a UserError with the nearest paths."""
    known = scenario_parameters(scenario)
    if path in known:
        return known[path]
    close = difflib.get_close_matches(path, known, n=3, cutoff=0.6)
    hint = f"Did you mean {' or '.join(close)}? " if close else ""
    example = ", ".join(list(known)[:3])
    lead = f"{where}: " if where else ""
    raise UserError(
        f"{lead}{path!r} is not a parameter of scenario {scenario.name}. {hint}"
        f"Parameters are dotted paths as in the scenario file, e.g. {example}; "
        "`crisis-sim parameters FILE` lists them all."
    )
