"""Parameters that differ by world: many parameter sets as the worlds of one block.

A sweep, a calibration or an EMA experiment runs many small ensembles that differ only
in a few numbers. Run one by one, each pays a model's fixed price (agents, views, the
schedule) and each tick's numpy calls on a small block. Run together, they are one
block whose worlds carry their own values: a *column* of the block, one value per world,
where a single ensemble has one number (:func:`with_columns`). The model's code reads a
parameter as it always has (``setting.dyn.clash_escalation``, ``params.halt_cost``) and
gets a scalar in a single ensemble, an array of shape (R,) in a block of sets; every
submodel and policy is written so that both give the same world, bit for bit
(``tests/test_sets.py`` varies every such parameter and checks it).

Not every parameter can be a column. Those that fix the block's shape (the horizon, a
delay line's length), choose code (a policy's name, a yes/no switch, a force level) or
describe the map (the sectors) split the sets into blocks by their values instead
(:data:`STRUCTURAL`, :func:`varies_by_world`): see :mod:`sim.run.sets`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.spec.schema import Scenario

if TYPE_CHECKING:  # sim.spec.parameters reads the policies, which read this module
    from sim.spec.parameters import Parameter

#: Numeric parameters that cannot differ within a block, and why.
STRUCTURAL: dict[str, str] = {
    "horizon_days": "the number of ticks, which every world of a block shares",
    "perception.defender_lag_ticks": "the length of the defender's delayed view",
}
#: Sections whose numbers may differ by world.
_SECTIONS = ("dynamics", "perception", "thresholds")
#: Top-level numbers that may differ by world.
_TOP_LEVEL = ("patron_committed_elsewhere",)


def varies_by_world(parameter: Parameter) -> bool:
    """Whether a parameter can be a column of a block (else its values split blocks)."""
    if not parameter.numeric or parameter.path in STRUCTURAL:
        return False
    head, _, rest = parameter.path.partition(".")
    if head in _SECTIONS or parameter.path in _TOP_LEVEL:
        return True
    if head != "actors":
        return False  # sectors and alliance members: the map and the members' table
    field = rest.removeprefix("third_parties.").partition(".")[2]
    return field == "influence" or field.startswith("params.")


def column_dtype(parameter: Parameter) -> type:
    """Return the dtype of a parameter's column: int64 for integers, float64 for reals."""
    from sim.spec.parameters import INTEGER

    return np.int64 if parameter.kind == INTEGER else np.float64


def per_world(value: Any) -> Any:
    """Return a parameter as it broadcasts against (R, k) arrays of worlds by sectors.

    A scalar is unchanged; a column (R,) becomes (R, 1).
    """
    return value[:, None] if isinstance(value, np.ndarray) else value


def of_worlds(value: Any, worlds: np.ndarray) -> Any:
    """Return a parameter for some worlds (an index or a mask): a column's values there."""
    return value[worlds] if isinstance(value, np.ndarray) else value


def any_world(condition: Any) -> bool:
    """Whether a condition on a parameter holds in any world (a scalar's, or a column's)."""
    return bool(np.any(condition))


def with_columns(scenario: Scenario, columns: Mapping[str, np.ndarray]) -> Scenario:
    """Return ``scenario`` with the fields at ``columns``' paths holding per-world arrays.

    The copy is not validated again (an array is no float to pydantic): each set was
    validated alone before it joined the block. Paths must satisfy :func:`varies_by_world`.
    """
    sections: dict[str, dict[str, np.ndarray]] = {}
    voices: dict[tuple[bool, str], dict[str, Any]] = {}
    top: dict[str, np.ndarray] = {}
    for path, column in columns.items():
        head, _, rest = path.partition(".")
        if head in _SECTIONS:
            sections.setdefault(head, {})[rest] = column
        elif head == "actors":
            third = rest.startswith("third_parties.")
            name, _, field = rest.removeprefix("third_parties.").partition(".")
            voices.setdefault((third, name), {})[field] = column
        else:
            top[path] = column
    update: dict[str, Any] = dict(top)
    for section, values in sections.items():
        update[section] = getattr(scenario, section).model_copy(update=values)
    actors, principal, outside = scenario.actors, {}, dict(scenario.actors.third_parties)
    for (third, name), fields in voices.items():
        spec = outside[name] if third else actors.spec(name)
        params = {f.removeprefix("params."): v for f, v in fields.items() if f != "influence"}
        changed = {"params": {**spec.params, **params}} if params else {}
        if "influence" in fields:
            changed["influence"] = fields["influence"]
        if third:
            outside[name] = spec.model_copy(update=changed)
        else:
            principal[name] = spec.model_copy(update=changed)
    if voices:
        update["actors"] = actors.model_copy(update={**principal, "third_parties": outside})
    return scenario.model_copy(update=update)
