"""Loading scenario files: YAML with line numbers, ``extends:``, and one full error report.

A scenario is read with ruamel.yaml's round-trip loader (which keeps each key's line and
never constructs Python objects from tags), merged over the files it ``extends:``,
validated against :mod:`sim.spec.schema` and then against each named policy's parameters.
Every problem found is reported at once, each with file, line and a fix
(:class:`~sim.errors.ScenarioError`). Nothing in a scenario file can run code.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedOrderedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from sim.core.actions import ActorKind
from sim.errors import Problem, ScenarioError, UserError
from sim.policies import REGISTRY, Policy, PolicyContext, policies_for
from sim.spec.schema import FIX, ActorSpec, InjectKind, Scenario

MAX_FILE_BYTES = 1_000_000
MAX_VALUES = 100_000
MAX_EXTENDS_DEPTH = 8
MAX_DEPTH = 100
#: The only YAML tags a scenario may carry, explicitly or implicitly.
PLAIN_TAGS = {
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}

Location = tuple[Path, int]


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


# -- reading YAML with locations -------------------------------------------------------------
def _line(position: list | None, fallback: int | None) -> int | None:
    """Return a 1-based line from ruamel's 0-based [line, column] (None for tagged nodes)."""
    return position[0] + 1 if position else fallback


def _key_line(node: CommentedMap, key: Any, fallback: int | None) -> int | None:
    """Return the line of ``key`` in ``node`` (for a ``<<:`` merged key, where it was written)."""
    if key in node.lc.data:
        return _line(node.lc.key(key), fallback)
    for source in getattr(node, "merge", None) or ():
        source = source[1] if isinstance(source, tuple) else source  # (index, map) in old ruamel
        if isinstance(source, CommentedMap) and key in source:
            return _key_line(source, key, fallback)
    return fallback


def _plain(node: Any, file: Path, path: tuple, locations: dict, counter: list[int]) -> Any:
    """Convert ruamel nodes to plain Python, recording each key's line.

    Refuses what a scenario never needs: YAML tags (``!!python/object...`` is never
    constructed by the round-trip loader, and is reported rather than ignored) and
    files that expand, through aliases, to more values than any scenario has.
    """
    here = locations.get(path, (file, None))[1]

    def refuse(message: str, hint: str, line: int | None = here) -> ScenarioError:
        return ScenarioError([Problem(file, line, ".".join(map(str, path)), message, hint)])

    counter[0] += 1
    if counter[0] > MAX_VALUES:
        raise refuse(
            f"the file expands to over {MAX_VALUES:,} values (nested YAML aliases?)",
            "write the values out plainly; scenarios are small",
        )
    tag = getattr(getattr(node, "tag", None), "value", None)
    if tag and tag not in PLAIN_TAGS:
        raise refuse(
            f"YAML tag {tag} is not allowed",
            "remove the tag; scenarios hold plain mappings, lists, numbers and text",
        )
    if isinstance(node, CommentedOrderedMap):  # !!omap: ruamel drops its tag and lines
        raise refuse(
            "YAML tag !!omap is not allowed",
            "remove the tag; scenarios hold plain mappings, lists, numbers and text",
        )
    if isinstance(node, CommentedMap):
        result = {}
        for key, value in node.items():
            line = _key_line(node, key, here)
            if not isinstance(key, str | int | float | bool):
                raise refuse("keys must be plain names", "write the key as text", line)
            sub = (*path, str(key))
            locations[sub] = (file, line)
            result[str(key)] = _plain(value, file, sub, locations, counter)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            locations[(*path, index)] = (file, _line(node.lc.item(index), here))
            items.append(_plain(value, file, (*path, index), locations, counter))
        return items
    for plain in (bool, int, float, str):  # ruamel's scalar subclasses to plain types
        if isinstance(node, plain):
            return plain(node)
    if node is None or isinstance(node, dt.date):
        return node
    tag = {"CommentedSet": "!!set", "bytes": "!!binary"}.get(type(node).__name__)
    raise refuse(
        f"YAML tag {tag} is not allowed"
        if tag
        else f"unsupported YAML value ({type(node).__name__})",
        "use plain mappings, lists, numbers and text (no tags)",
    )


_ALIAS_LIKE = re.compile(r"\*[^\s,\]}]")


def _refuse_alias_bombs(yaml: YAML, text: str, file: Path) -> None:
    """Refuse a file whose aliases expand it past MAX_VALUES values, before it is built.

    A few lines of nested aliases can stand for billions of values. Built, they share
    one object and cost nothing, but anything that walks them (a duplicate-key message
    from the YAML library, our own conversion) would take hours; so the expanded size
    is counted on the parser's events, which never expand anything.
    """
    if not _ALIAS_LIKE.search(text):
        return
    sizes: dict[str, int] = {}
    stack: list[list] = [[None, 0]]  # [anchor, values so far] per open collection
    try:
        for event in yaml.parse(text):
            kind = type(event).__name__
            if kind in ("MappingStartEvent", "SequenceStartEvent"):
                stack.append([event.anchor, 1])
                continue
            if kind in ("MappingEndEvent", "SequenceEndEvent"):
                anchor, size = stack.pop()
            elif kind == "ScalarEvent":
                anchor, size = event.anchor, 1
            elif kind == "AliasEvent":
                anchor, size = None, sizes.get(event.anchor, 1)
            else:
                continue
            if anchor is not None:
                sizes[anchor] = size
            stack[-1][1] += size
            if stack[-1][1] > MAX_VALUES:
                line = event.start_mark.line + 1 if event.start_mark else None
                raise ScenarioError(
                    [
                        Problem(
                            file,
                            line,
                            "",
                            f"the file expands to over {MAX_VALUES:,} values through "
                            "nested YAML aliases",
                            "write the values out plainly; scenarios are small",
                        )
                    ]
                )
    except ScenarioError:
        raise
    except Exception:  # not valid YAML: the full load below reports where
        return


def _too_deep(yaml: YAML, text: str, file: Path) -> Problem:
    """Say where a file nests too deeply to be read (the YAML library recursed too far).

    The parser's events come one at a time, without recursion, so they can find the line.
    """
    depth, line = 0, None
    try:
        for event in yaml.parse(text):
            kind = type(event).__name__
            if kind in ("MappingStartEvent", "SequenceStartEvent"):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1
                    break
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1
    except Exception:
        pass
    return Problem(
        file,
        line,
        "",
        f"values are nested more than {MAX_DEPTH} deep",
        "scenarios nest a few levels (actors > armenia > params); remove the extra brackets",
    )


def _read_yaml(file: Path) -> tuple[dict, dict]:
    try:
        exists, is_file = file.exists(), file.is_file()
        size = file.stat().st_size if is_file else 0
    except (OSError, ValueError) as error:  # a name too long, a NUL byte, no permission
        raise UserError(f"Scenario file {file} cannot be read ({error}). Check the path.") from None
    if not exists:
        raise UserError(
            f"Scenario file {file} does not exist. Check the path, or list the "
            "shipped scenarios with `ls scenarios/`."
        )
    if not is_file:
        raise UserError(f"{file} is not a file. Pass a scenario file (.yaml), not a folder.")
    if size > MAX_FILE_BYTES:
        raise UserError(
            f"Scenario file {file} is {size:,} bytes; the limit is "
            f"{MAX_FILE_BYTES:,}. A scenario this large is almost surely not one."
        )
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise UserError(
            f"Scenario file {file} is not UTF-8 text ({error.reason} at byte "
            f"{error.start}). Save it as UTF-8."
        ) from None
    except OSError as error:
        raise UserError(f"Scenario file {file} cannot be read ({error}).") from None
    yaml = YAML(typ="rt", pure=True)
    _refuse_alias_bombs(yaml, text, file)
    try:
        data = yaml.load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise ScenarioError(
            [
                Problem(
                    file,
                    line,
                    "",
                    f"not valid YAML: {error.problem}",
                    "check indentation and colons on that line",
                )
            ]
        ) from None
    except RecursionError:
        raise ScenarioError([_too_deep(yaml, text, file)]) from None
    except Exception as error:  # ruamel raises several unrelated types for bad input
        raise ScenarioError(
            [
                Problem(
                    file, None, "", f"not valid YAML: {error}", "check the file is a YAML mapping"
                )
            ]
        ) from None
    if data is None:
        raise ScenarioError(
            [
                Problem(
                    file,
                    1,
                    "",
                    "the file is empty",
                    "start from a shipped scenario, e.g. scenarios/baseline-may-2021.yaml",
                )
            ]
        )
    if not isinstance(data, CommentedMap):
        raise ScenarioError(
            [
                Problem(
                    file,
                    1,
                    "",
                    "a scenario must be a YAML mapping of keys to values",
                    "start with `name:` and `title:` lines",
                )
            ]
        )
    locations: dict = {}
    return _plain(data, file, (), locations, [0]), locations


def _merge(base: dict, over: dict, base_loc: dict, over_loc: dict, path: tuple = ()) -> dict:
    """Deep-merge ``over`` onto ``base``: mappings merge, ``null`` removes, others replace."""
    merged = dict(base)
    for key, value in over.items():
        sub = (*path, key)
        if value is None and key in merged:
            del merged[key]
            for loc in [p for p in base_loc if p[: len(sub)] == sub]:
                del base_loc[loc]
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value, base_loc, over_loc, sub)
        else:
            merged[key] = value
            for loc in [p for p in base_loc if p[: len(sub)] == sub]:
                del base_loc[loc]
        base_loc.update({p: v for p, v in over_loc.items() if p[: len(sub)] == sub})
    return merged


def _load_tree(file: Path, chain: tuple[Path, ...]) -> tuple[dict, dict]:
    data, locations = _read_yaml(file)
    parent = data.pop("extends", None)
    if parent is None:
        return data, locations
    line = locations.get(("extends",), (file, None))[1]
    if not isinstance(parent, str):
        raise ScenarioError(
            [
                Problem(
                    file,
                    line,
                    "extends",
                    "must be a file name",
                    "write e.g. `extends: baseline-may-2021.yaml`",
                )
            ]
        )

    def problem(message: str, hint: str) -> ScenarioError:
        return ScenarioError([Problem(file, line, "extends", message, hint)])

    try:
        target = (file.parent / parent).resolve()
        exists, is_file = target.exists(), target.is_file()
    except (OSError, ValueError) as error:  # a name too long, a NUL byte
        raise problem(
            f"{parent!r} cannot be read ({error})", "name a file in the same folder"
        ) from None
    if target in chain or len(chain) > MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            [
                Problem(
                    file,
                    line,
                    "extends",
                    f"{parent} extends itself in a loop, or the chain is too deep",
                    "make the chain end in a file with no `extends:`",
                )
            ]
        )
    if not exists:
        raise problem(f"{parent} not found next to {file.name}", "name a file in the same folder")
    if not is_file:
        raise problem(
            f"{parent!r} is not a file but a folder", "name a scenario file in the same folder"
        )
    base, base_locations = _load_tree(target, (*chain, target))
    _drop_params_of_replaced_policies(base, data, base_locations)
    return _merge(base, data, base_locations, locations), base_locations


def _drop_params_of_replaced_policies(base: dict, over: dict, base_loc: dict) -> None:
    """Drop a base actor's params when the variant names a new policy for it.

    Parameters belong to a policy: the base's ``prober`` settings mean nothing to a
    ``scripted`` Azerbaijan, so they are dropped rather than reported as unknown keys.
    """
    base_actors, over_actors = base.get("actors"), over.get("actors")
    if not isinstance(base_actors, dict) or not isinstance(over_actors, dict):
        return
    pairs = [
        ((name,), base_actors.get(name), spec)
        for name, spec in over_actors.items()
        if name != "third_parties"
    ]
    base_third, over_third = base_actors.get("third_parties"), over_actors.get("third_parties")
    if isinstance(base_third, dict) and isinstance(over_third, dict):
        pairs += [
            (("third_parties", name), base_third.get(name), spec)
            for name, spec in over_third.items()
        ]
    for sub, old, new in pairs:
        if (
            isinstance(old, dict)
            and isinstance(new, dict)
            and "policy" in new
            and new["policy"] != old.get("policy")
            and "params" in old
        ):
            del old["params"]
            prefix = ("actors", *sub, "params")
            for loc in [p for p in base_loc if p[: len(prefix)] == prefix]:
                del base_loc[loc]


# -- validation ------------------------------------------------------------------------------
def _field_at(model: type[BaseModel] | None, path: tuple) -> tuple[type[BaseModel] | None, Any]:
    """Walk a schema path; return (the model holding the last field, that FieldInfo)."""
    holder, info, current = None, None, model
    for step in path:
        if isinstance(step, str) and isinstance(current, type) and issubclass(current, BaseModel):
            if step not in current.model_fields:
                return current, None
            holder, info = current, current.model_fields[step]
            current = info.annotation
        else:  # a dict key or a list index: step into the value type
            args = [a for a in typing.get_args(current) if a is not type(None)]
            current = args[-1] if args else None
        while typing.get_origin(current) in (typing.Union, type(int | None)):
            current = next(a for a in typing.get_args(current) if a is not type(None))
        if typing.get_origin(current) is typing.Annotated:
            current = typing.get_args(current)[0]
    return holder, info


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


def _problems_from(
    error: ValidationError,
    model: type[BaseModel],
    prefix: tuple,
    data: dict,
    file: Path,
    locations: dict,
) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = tuple(p for p in item["loc"] if p != "[key]")
        full = (*prefix, *loc)
        where = _locate(full, locations, file)
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


def _locate(path: tuple, locations: dict, file: Path) -> Location:
    for end in range(len(path), 0, -1):
        if path[:end] in locations:
            return locations[path[:end]]
    return (file, 1)


def _check_policies(
    data: dict, file: Path, locations: dict, scenario: Scenario | None
) -> list[Problem]:
    """Check every actor names a known policy with valid parameters."""
    problems: list[Problem] = []
    actors = data.get("actors")
    if not isinstance(actors, dict):
        return problems
    entries = [
        (kind.value, (kind.value,), actors.get(kind.value))
        for kind in ActorKind
        if kind is not ActorKind.THIRD_PARTY
    ]
    third = actors.get("third_parties")
    if isinstance(third, dict):
        entries += [
            (ActorKind.THIRD_PARTY.value, ("third_parties", name), spec)
            for name, spec in third.items()
        ]
    for kind_name, sub, spec in entries:
        if not isinstance(spec, dict) or not isinstance(spec.get("policy"), str):
            continue
        kind = ActorKind(kind_name)
        known = policies_for(kind)
        name = spec["policy"]
        path = ("actors", *sub, "policy")
        if name not in known:
            where = _locate(path, locations, file)
            guess = difflib.get_close_matches(name, list(known), n=1)
            hint = (f"did you mean `{guess[0]}`? " if guess else "") + (
                f"policies for {kind_name}: {', '.join(known)} (see `crisis-sim policies`)"
            )
            problems.append(
                Problem(where[0], where[1], ".".join(path), f"unknown policy {name!r}", hint)
            )
            continue
        params = spec.get("params") or {}
        if not isinstance(params, dict):
            continue
        cls = known[name]
        prefix = ("actors", *sub, "params")
        try:
            validated = cls.Params.model_validate(params)
        except ValidationError as error:
            problems += _problems_from(error, cls.Params, prefix, data, file, locations)
            continue
        if scenario is not None and hasattr(cls, "problems"):
            for loc, message, hint in cls.problems(validated, kind, scenario):
                where = _locate((*prefix, *loc), locations, file)
                problems.append(
                    Problem(where[0], where[1], ".".join(map(str, (*prefix, *loc))), message, hint)
                )
    return problems


def _check_declared_ranges(scenario: Scenario, file: Path, locations: dict) -> list[Problem]:
    """Check ``uncertainties`` and ``levers`` name parameters and stay within their bounds.

    A range is checked against what the scenario file itself would accept at that path,
    so no sample drawn from it can fail validation halfway through a sweep.
    """
    from sim.spec.parameters import scenario_parameters

    known = scenario_parameters(scenario)
    problems: list[Problem] = []
    declared = [
        ("uncertainties", path, list(bounds)) for path, bounds in scenario.uncertainties.items()
    ]
    declared += [("levers", path, options) for path, options in scenario.levers.items()]
    for section, path, values in declared:
        where = _locate((section, path), locations, file)
        at = f"{section}.{path}"
        found = known.get(path)
        if found is None:
            close = difflib.get_close_matches(path, list(known), n=1, cutoff=0.6)
            hint = (f"did you mean `{close[0]}`? " if close else "") + (
                "paths are as in the file, e.g. dynamics.advance_step_km "
                "(`crisis-sim parameters FILE` lists them)"
            )
            problems.append(Problem(*where, at, f"{path!r} is not a parameter", hint))
            continue
        if section == "uncertainties" and not found.numeric:
            hint = f"declare it under `levers:` with its options ({found.bounds_text()})"
            problems.append(Problem(*where, at, f"{path} is {found.kind}, not a range", hint))
            continue
        outside = [value for value in values if not found.admits(value)]
        if outside:
            shown = ", ".join(map(repr, outside))
            problems.append(
                Problem(
                    *where,
                    at,
                    f"{shown} is outside what {path} accepts",
                    f"keep within {found.bounds_text()}",
                )
            )
    return problems


def _check_references(data: dict, file: Path, locations: dict) -> list[Problem]:
    """Check injects name sectors and actors that exist, within the horizon.

    Works on the raw mapping, so these problems are reported even when other parts of
    the file fail the schema: every problem at once.
    """
    problems: list[Problem] = []
    injects = data.get("injects")
    if not isinstance(injects, list):
        return problems
    sectors = data.get("sectors") if isinstance(data.get("sectors"), dict) else {}
    actors = data.get("actors") if isinstance(data.get("actors"), dict) else {}
    third = actors.get("third_parties") if isinstance(actors.get("third_parties"), dict) else {}
    horizon = data.get("horizon_days", Scenario.model_fields["horizon_days"].default)

    def report(index: int, field: str, message: str, hint: str) -> None:
        where = _locate(("injects", index, field), locations, file)
        problems.append(Problem(where[0], where[1], f"injects.{index}.{field}", message, hint))

    for index, inject in enumerate(injects):
        if not isinstance(inject, dict):
            continue
        kind = inject.get("kind")
        # Only text (or nothing) can name a sector or actor; the schema reports other types.
        sector, actor = inject.get("sector"), inject.get("actor")
        if (
            kind == InjectKind.ADVANCE_ORDER
            and isinstance(sector, str | None)
            and sector not in sectors
        ):
            report(
                index,
                "sector",
                f"advance_order needs one of the sectors, got {sector!r}",
                "use one of: " + ", ".join(map(str, sectors)),
            )
        if (
            kind == InjectKind.THIRD_PARTY_STATEMENT
            and isinstance(actor, str | None)
            and actor not in third
        ):
            names = ", ".join(map(str, third)) or "(none declared)"
            report(
                index,
                "actor",
                f"third_party_statement needs a declared third party, got {actor!r}",
                f"use one of: {names}, or declare it under actors.third_parties",
            )
        day = inject.get("day")
        if (
            isinstance(day, int | float)
            and isinstance(horizon, int | float)
            and not isinstance(day, bool)
            and day >= horizon
        ):
            report(
                index,
                "day",
                f"day {day} is at or past the horizon ({horizon} days)",
                "move it earlier or raise horizon_days",
            )
    return problems


def validate_data(data: dict, file: Path, locations: dict | None = None) -> Scenario:
    """Validate a scenario given as a mapping; raise ScenarioError listing every problem."""
    locations = locations or {}
    problems: list[Problem] = []
    scenario = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        problems += _problems_from(error, Scenario, (), data, file, locations)
    problems += _check_policies(data, file, locations, scenario)
    problems += _check_references(data, file, locations)
    if scenario is not None and not problems:
        problems += _check_declared_ranges(scenario, file, locations)
    if problems:
        problems.sort(key=lambda p: (str(p.file), p.line or 0))
        raise ScenarioError(problems)
    assert scenario is not None
    return scenario


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read, merge and validate a scenario file; raise a UserError on any problem."""
    file = Path(path)
    try:
        root = file.resolve()
    except (OSError, ValueError) as error:  # a NUL byte in the path
        raise UserError(f"Scenario file {file} cannot be read ({error}). Check the path.") from None
    try:
        data, locations = _load_tree(file, (root,))
        scenario = validate_data(data, file, locations)
    except ScenarioError as error:  # problems may lie in a base: head the report with this file
        raise ScenarioError(error.problems, source=file) from None
    return LoadedScenario(scenario, file, scenario.model_dump(mode="json"))


def build_policy(actor_name: str, kind: ActorKind, spec: ActorSpec, scenario: Scenario) -> Policy:
    """Instantiate an actor's policy from its (validated) spec."""
    cls = REGISTRY[(kind, spec.policy)]
    params = cls.Params.model_validate(spec.params)
    context = PolicyContext(actor_name, kind, tuple(scenario.sectors), scenario.tick_hours)
    return cls(params, context)
