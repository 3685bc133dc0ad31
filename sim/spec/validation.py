"""Validating a scenario: every problem of a file reported at once, each with line and fix.

The mapping read by :mod:`sim.spec.yaml_source` is validated against
:mod:`sim.spec.schema`, then against each named policy's parameters, the sectors and
actors its injects name, and the bounds of the ranges it declares for analyses. Every
problem found is kept, not only the first, and reported together
(:class:`~sim.errors.ScenarioError`), each at the file and line it was written on with
the field's meaning and range as the hint (:mod:`sim.spec.schema_problems`).
"""

from __future__ import annotations

import difflib
from pathlib import Path

from pydantic import ValidationError

from sim.catalogue.roles import MAY_2021, PRINCIPAL_ROLES, Role, path_by_state
from sim.errors import Problem, ScenarioError
from sim.policies import policies_for
from sim.spec.absent import (
    check_needs,
    check_patron_fields,
    missing_roles,
    no_one,
    role_named,
    without_inherited_roles,
)
from sim.spec.parameters import scenario_parameters
from sim.spec.schema import InjectKind, Scenario
from sim.spec.schema_problems import locate, problems_from


def _cast_of(data: dict) -> dict[Role, str]:
    """Return each role's state id as the raw file casts it (May 2021 by default).

    A role cast ``null`` (the crisis has none) is left out.
    """
    given = data.get("cast") if isinstance(data.get("cast"), dict) else {}
    missing = missing_roles(data)
    cast = {}
    for role in PRINCIPAL_ROLES:
        if role in missing:
            continue
        entry = given.get(role.value)
        state = entry.get("state") if isinstance(entry, dict) else None
        cast[role] = state if isinstance(state, str) else MAY_2021[role].state
    return cast


def _check_cast(data: dict, file: Path, locations: dict) -> list[Problem]:
    """Check every state cast in a role has a policy under ``actors:``, and only those."""
    actors = data.get("actors")
    if not isinstance(actors, dict):
        return []
    cast = _cast_of(data)
    by_state = {state: role for role, state in cast.items()}
    problems: list[Problem] = []
    for role, state in cast.items():
        if state not in actors:
            where = locate(("actors",), locations, file)
            problems.append(
                Problem(
                    where[0],
                    where[1],
                    f"actors.{state}",
                    f"{state}, cast as the {role.value}, has no policy",
                    f"add `{state}: {{policy: ...}}` under `actors:` (see `crisis-sim policies`)",
                )
            )
    for key, spec in actors.items():
        if key == "third_parties":
            continue
        where = locate(("actors", key), locations, file)
        if key not in by_state:
            roles = ", ".join(f"{role.value}: {state}" for role, state in cast.items())
            gone = [r for r in missing_roles(data) if key in (r.value, MAY_2021[r].state)]
            if gone:
                lacks, cast_one = no_one(gone[0])
                problems.append(
                    Problem(
                        where[0],
                        where[1],
                        f"actors.{key}",
                        f"a policy for the {gone[0].value}, but {lacks}: nothing would play it",
                        f"remove `{key}:` from `actors:`, or {cast_one}",
                    )
                )
                continue
            guess = difflib.get_close_matches(str(key), list(by_state), n=1)
            problems.append(
                Problem(
                    where[0],
                    where[1],
                    f"actors.{key}",
                    f"not a state of the cast ({roles})",
                    (f"did you mean `{guess[0]}`? " if guess else "")
                    + "cast it in a role under `cast:` (e.g. `cast: {attacker: {state: ID}}`), "
                    "or put an outside power under `actors.third_parties`",
                )
            )
        elif (
            by_state[key] in (Role.ATTACKER, Role.DEFENDER)
            and isinstance(spec, dict)
            and spec.get("influence", 1.0) != 1.0  # 1.0, the default, is what a dump holds
        ):
            problems.append(
                Problem(
                    where[0],
                    where[1],
                    f"actors.{key}.influence",
                    f"influence weighs a voice on the attacker's costs; {key} is the "
                    f"{by_state[key].value}",
                    "remove it: only the patron, the alliance and outside powers have one",
                )
            )
    return problems


def _check_members(data: dict, file: Path, locations: dict) -> list[Problem]:
    """Check the alliance's members: states whose consent its measures need.

    The defender is the appellant (it does not vote on its own appeal) and the alliance
    is not one of its own members; the attacker may be a member (Tajikistan, 2021).
    """
    members = data.get("alliance_members")
    if not isinstance(members, dict):
        return []
    cast = _cast_of(data)
    problems: list[Problem] = []
    if Role.ALLIANCE not in cast and members:
        lacks, cast_one = no_one(Role.ALLIANCE)
        line, column = locate(("alliance_members",), locations, file)
        message = f"members of an alliance, but {lacks}: no one would ask them"
        hint = f"remove `alliance_members:`, or {cast_one}"
        return [Problem(line, column, "alliance_members", message, hint)]
    for name in members:
        if name == cast[Role.DEFENDER]:
            problem = f"{name} is the defender: the appellant does not vote on its own appeal"
        elif name == cast.get(Role.ALLIANCE):
            problem = f"{name} is the alliance itself, not a member state"
        else:
            continue
        line, column = locate(("alliance_members", name), locations, file)
        problems.append(
            Problem(
                line,
                column,
                f"alliance_members.{name}",
                problem,
                "remove it: list the other member states whose consent collective measures need",
            )
        )
    return problems


def _check_policies(
    data: dict, file: Path, locations: dict, scenario: Scenario | None
) -> list[Problem]:
    """Check every actor names a known policy with valid parameters."""
    problems: list[Problem] = []
    actors = data.get("actors")
    if not isinstance(actors, dict):
        return problems
    cast = _cast_of(data)
    entries = [(role.value, (state,), actors.get(state)) for role, state in cast.items()]
    third = actors.get("third_parties")
    if isinstance(third, dict):
        entries += [
            (Role.THIRD_PARTY.value, ("third_parties", name), spec) for name, spec in third.items()
        ]
    for kind_name, sub, spec in entries:
        if not isinstance(spec, dict) or not isinstance(spec.get("policy"), str):
            continue
        kind = Role(kind_name)
        known = policies_for(kind)
        name = spec["policy"]
        path = ("actors", *sub, "policy")
        if name not in known:
            where = locate(path, locations, file)
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
            problems += problems_from(error, cls.Params, prefix, data, file, locations)
            continue
        problems += check_needs(kind, spec, validated, cls, sub, data, file, locations)
        if scenario is not None and hasattr(cls, "problems"):
            for loc, message, hint in cls.problems(validated, kind, scenario):
                where = locate((*prefix, *loc), locations, file)
                problems.append(
                    Problem(where[0], where[1], ".".join(map(str, (*prefix, *loc))), message, hint)
                )
    return problems


def _check_declared_ranges(scenario: Scenario, file: Path, locations: dict) -> list[Problem]:
    """Check ``uncertainties`` and ``levers`` name parameters and stay within their bounds.

    A range is checked against what the scenario file itself would accept at that path,
    so no sample drawn from it can fail validation halfway through a sweep.
    """
    if not scenario.uncertainties and not scenario.levers:
        return []  # nothing declared: no parameter table to build (most of a check's cost)
    known = scenario_parameters(scenario)
    problems: list[Problem] = []
    declared = [
        ("uncertainties", path, list(bounds)) for path, bounds in scenario.uncertainties.items()
    ]
    declared += [("levers", path, options) for path, options in scenario.levers.items()]
    for section, path, values in declared:
        where = locate((section, path), locations, file)
        at = f"{section}.{path}"
        found = known.get(path)
        gone = role_named(path, scenario)
        if found is None and gone is not None:
            lacks, cast_one = no_one(gone)
            problems.append(
                Problem(
                    *where,
                    at,
                    f"{path} belongs to the {gone.value}, but {lacks}",
                    f"remove it, or {cast_one}",
                )
            )
            continue
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
        where = locate(("injects", index, field), locations, file)
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


def _check_workshop_injects(scenario: Scenario, file: Path, locations: dict) -> list[Problem]:
    """Check prepared injects name teams and speakers the scenario has."""
    problems: list[Problem] = []
    third = list(scenario.actors.third_parties)
    teams = [*scenario.cast.states, *third]

    def report(index: int, field: str, message: str, hint: str) -> None:
        where = locate(("workshop_injects", index, field), locations, file)
        path = f"workshop_injects.{index}.{field}"
        problems.append(Problem(where[0], where[1], path, message, hint))

    for index, prepared in enumerate(scenario.workshop_injects):
        unknown = [team for team in prepared.to if team not in teams]
        if unknown:
            report(
                index,
                "to",
                f"`to` names {', '.join(unknown)}: not actors of this scenario",
                f"use some of: {', '.join(teams)}, or leave `to` out for every team",
            )
        if prepared.actor is not None and prepared.actor not in third:
            report(
                index,
                "actor",
                f"third_party_statement needs a declared third party, got {prepared.actor!r}",
                f"use one of: {', '.join(third) or '(none declared)'}",
            )
    return problems


def _roles_as_states(data: dict, file: Path, locations: dict) -> tuple[dict, dict, list[Problem]]:
    """Key ``actors:`` (and parameter paths) by the cast's states where a file used roles.

    A file may give a policy under the role's name (``actors: {defender: {policy:
    restraint}}``), so that one base shared by several cases can say how each role
    behaves whoever plays it. Here those keys become the cast's state ids, and so do
    ``actors.ROLE.`` paths in ``uncertainties`` and ``levers``; each key keeps its line.
    """
    data, locations = without_inherited_roles(data, file, locations)
    actors = data.get("actors")
    if not isinstance(actors, dict) or not any(key in _ROLE_KEYS for key in actors):
        return data, locations, []
    cast = _cast_of(data)
    renamed: dict[str, str] = {}
    problems: list[Problem] = []
    for key in actors:
        if key in _ROLE_KEYS and Role(key) in cast and key != cast[Role(key)]:
            state = cast[Role(key)]
            if state in actors:
                where = locate(("actors", key), locations, file)
                problems.append(
                    Problem(
                        where[0],
                        where[1],
                        f"actors.{key}",
                        f"both actors.{key} and actors.{state} give the {key}'s policy",
                        f"keep one of them: {state} is the state cast as the {key}",
                    )
                )
                continue
            renamed[key] = state
    if not renamed:
        return data, locations, problems

    data = dict(data)
    data["actors"] = {renamed.get(key, key): value for key, value in actors.items()}
    for section in ("uncertainties", "levers"):
        if isinstance(data.get(section), dict):
            data[section] = {
                path_by_state(str(key), renamed): value for key, value in data[section].items()
            }
    moved = {}
    for loc, where in locations.items():
        if len(loc) >= 2 and loc[0] == "actors" and loc[1] in renamed:
            loc = ("actors", renamed[loc[1]], *loc[2:])
        elif len(loc) >= 2 and loc[0] in ("uncertainties", "levers"):
            loc = (loc[0], path_by_state(str(loc[1]), renamed), *loc[2:])
        moved[loc] = where
    return data, moved, problems


_ROLE_KEYS = {role.value for role in PRINCIPAL_ROLES}


def validate_data(data: dict, file: Path, locations: dict | None = None) -> Scenario:
    """Validate a scenario given as a mapping; raise ScenarioError listing every problem.

    Policies given under a role's name are keyed by the cast's state first
    (:func:`_roles_as_states`).
    """
    data, locations, problems = _roles_as_states(data, file, locations or {})
    scenario = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        problems += problems_from(error, Scenario, (), data, file, locations)
    problems += _check_cast(data, file, locations)
    problems += _check_members(data, file, locations)
    problems += check_patron_fields(data, file, locations)
    problems += _check_policies(data, file, locations, scenario)
    problems += _check_references(data, file, locations)
    if scenario is not None and not problems:
        problems += _check_declared_ranges(scenario, file, locations)
        problems += _check_workshop_injects(scenario, file, locations)
    if problems:
        problems.sort(key=lambda p: (str(p.file), p.line or 0))
        raise ScenarioError(problems)
    assert scenario is not None
    return scenario
