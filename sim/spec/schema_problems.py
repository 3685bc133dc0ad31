"""A file's problems against the schema: pydantic's errors in the words of the file.

Each error of :mod:`sim.spec.schema` becomes a :class:`~sim.errors.Problem` at the file and
line it was written on (:func:`locate`), with a hint (:func:`problems_from`): the fix a
validator gives after ``FIX``, the field's range and meaning, or the nearest allowed key.
:mod:`sim.spec.validation` uses it for the scenario and for each policy's parameters.
"""

from __future__ import annotations

import difflib
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from sim.errors import Problem
from sim.spec.base import FIX
from sim.spec.yaml_source import Location


def _field_at(model: type[BaseModel] | None, path: tuple) -> tuple[type[BaseModel] | None, Any]:
    """Walk a schema path; return (the model holding the last field, that FieldInfo)."""
    holder, info, current = None, None, model
    for step in path:
        if isinstance(step, str) and isinstance(current, type) and issubclass(current, BaseModel):
            if step in current.model_fields:
                holder, info = current, current.model_fields[step]
            elif (extra := _extra_field(current)) is not None:  # e.g. actors.armenia
                holder, info = current, extra
            else:
                return current, None
            current = info.annotation
        else:  # a dict key or a list index: step into the value type
            args = [a for a in typing.get_args(current) if a is not type(None)]
            current = args[-1] if args else None
        while typing.get_origin(current) in (typing.Union, type(int | None)):
            current = next(a for a in typing.get_args(current) if a is not type(None))
        if typing.get_origin(current) is typing.Annotated:
            current = typing.get_args(current)[0]
    return holder, info


def _extra_field(model: type[BaseModel]) -> FieldInfo | None:
    """Return the field that a model's typed extra keys stand for (``Actors``), if any."""
    if model.model_config.get("extra") != "allow":
        return None
    hints = typing.get_type_hints(model)
    if "__pydantic_extra__" not in hints:
        return None
    value = typing.get_args(hints["__pydantic_extra__"])[-1]
    return FieldInfo(annotation=value, description=getattr(model, "EXTRA_DESCRIPTION", ""))


def _range_text(info: Any) -> str:
    """Return e.g. "use a value from 0.0 to 1.0", or "above 0.0 and up to 365.0"."""
    bounds = {}
    for meta in getattr(info, "metadata", []):
        for name in ("ge", "gt", "le", "lt"):
            if getattr(meta, name, None) is not None:
                bounds[name] = getattr(meta, name)
    if "ge" in bounds and "le" in bounds:
        return f"use a value from {bounds['ge']} to {bounds['le']}"
    words = {"ge": "of at least", "gt": "above", "le": "up to", "lt": "below"}
    low = next((f"{words[n]} {bounds[n]}" for n in ("ge", "gt") if n in bounds), None)
    high = next((f"{words[n]} {bounds[n]}" for n in ("le", "lt") if n in bounds), None)
    if low and high:
        return f"use a value {low} and {high}"
    if low or high:
        return f"use a value {low or high.replace('up to', 'of at most')}"
    return ""


def problems_from(
    error: ValidationError,
    model: type[BaseModel],
    prefix: tuple,
    data: dict,
    file: Path,
    locations: dict,
) -> list[Problem]:
    """Return a problem for each of pydantic's errors, at its line, with its hint.

    The hint is the validator's fix, the field's range and meaning, or the nearest
    allowed key; ``prefix`` is where ``model`` sits in the file (a policy's params).
    """
    problems = []
    for item in error.errors():
        loc = tuple(p for p in item["loc"] if p != "[key]")
        full = (*prefix, *loc)
        where = locate(full, locations, file)
        _, info = _field_at(model, loc)
        description = getattr(info, "description", "") or ""
        dotted = ".".join(map(str, full))
        kind = item["type"]
        if kind == "extra_forbidden":
            allowed = list(_fields_of(model, loc[:-1]))
            guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f"did you mean `{guess[0]}`?" if guess else ""
            hint += (" " if hint else "") + f"allowed here: {', '.join(allowed)}"
            problems.append(Problem(where[0], where[1], dotted, "unknown key", hint))
        elif kind == "missing":
            problems.append(
                Problem(
                    where[0],
                    where[1],
                    dotted,
                    "required but missing",
                    f"add `{loc[-1]}:` ({description})" if description else f"add `{loc[-1]}:`",
                )
            )
        elif kind == "value_error":
            message = item["msg"].removeprefix("Value error, ")
            message, _, hint = message.partition(FIX)
            problems.append(Problem(where[0], where[1], dotted, message, hint or description))
        else:
            got = repr(item.get("input"))
            got = got if len(got) <= 60 else got[:57] + "..."
            hint = _range_text(info) or description
            if _range_text(info) and description:
                hint = f"{hint} ({description})"
            problems.append(
                Problem(where[0], where[1], dotted, f"{item['msg'].rstrip('.')} (got {got})", hint)
            )
    return problems


def _fields_of(model: type[BaseModel], path: tuple) -> list[str]:
    if not path:
        return list(model.model_fields)
    _, info = _field_at(model, path)
    current = info.annotation if info else None
    args = typing.get_args(current)
    while args and not (isinstance(current, type) and issubclass(current, BaseModel)):
        current = args[-1]
        args = typing.get_args(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def locate(path: tuple, locations: dict, file: Path) -> Location:
    """Return the file and line of ``path``, or of the nearest key above it that has one."""
    for end in range(len(path), 0, -1):
        if path[:end] in locations:
            return locations[path[:end]]
    return (file, 1)
