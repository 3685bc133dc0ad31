"""Loading a scenario file: read, merged over what it ``extends:``, validated, hashed.

The three jobs are in their own modules: :mod:`sim.spec.yaml_source` reads the YAML with
the line of every key and merges ``extends:``; :mod:`sim.spec.validation` reports every
problem at once, each with file, line and fix (:class:`~sim.errors.ScenarioError`). This
module joins them into :func:`load_scenario`, and builds an actor's policy from its
validated spec (:func:`build_policy`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.catalogue.roles import Role
from sim.errors import ScenarioError, UserError
from sim.policies import REGISTRY, Policy, PolicyContext
from sim.spec.schema import ActorSpec, Scenario
from sim.spec.validation import validate_data
from sim.spec.yaml_source import load_tree


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where it came from and the policies it names."""

    scenario: Scenario
    source: Path
    resolved: dict[str, Any]

    @property
    def hash(self) -> str:
        """SHA-256 of the resolved scenario in canonical JSON."""
        return scenario_hash(self.scenario)


def scenario_hash(scenario: Scenario) -> str:
    """Return the SHA-256 of a scenario's canonical JSON form."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read, merge and validate a scenario file; raise a UserError on any problem."""
    file = Path(path)
    try:
        root = file.resolve()
    except (OSError, ValueError) as error:  # a NUL byte in the path
        raise UserError(f"Scenario file {file} cannot be read ({error}). Check the path.") from None
    try:
        data, locations = load_tree(file, (root,))
        scenario = validate_data(data, file, locations)
    except ScenarioError as error:  # problems may lie in a base: head the report with this file
        raise ScenarioError(error.problems, source=file) from None
    return LoadedScenario(scenario, file, scenario.model_dump(mode="json"))


def build_policy(actor_name: str, kind: Role, spec: ActorSpec, scenario: Scenario) -> Policy:
    """Instantiate an actor's policy from its (validated) spec."""
    cls = REGISTRY[(kind, spec.policy)]
    # In a block of parameter sets (sim.core.columns) a parameter may be an array, one
    # value per world: each set was validated alone, so only the plain values are here.
    columns = {key: value for key, value in spec.params.items() if hasattr(value, "shape")}
    plain = {key: value for key, value in spec.params.items() if key not in columns}
    params = cls.Params.model_validate(plain).model_copy(update=columns)
    context = PolicyContext(
        actor_name,
        kind,
        tuple(scenario.sectors),
        scenario.tick_hours,
        frozenset(scenario.cast.roles),
    )
    return cls(params, context)
