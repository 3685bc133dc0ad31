"""Roles a crisis may lack: the checks of a cast that sets the patron or the alliance to null.

``cast: {patron: null, alliance: null}`` says the crisis has none of that role
(Thailand and Cambodia, 2011). Nothing may then describe it or call on it: its actor
entry, its troops on the line and its ties elsewhere, the alliance's members, a
parameter path of its own, or a policy that calls on it (a policy's ``needs``). Each is
refused with its line and fix; what a base file shared by several cases says of the
role is dropped instead (:func:`without_inherited_roles`). :mod:`sim.spec.validation`
runs these checks with the others.
"""

from __future__ import annotations

from pathlib import Path

from sim.catalogue.roles import MAY_2021, Role
from sim.errors import Problem
from sim.spec.schema import Scenario
from sim.spec.schema_problems import locate

#: The roles a crisis may lack (``cast: {patron: null, alliance: null}``).
MAY_BE_MISSING = (Role.PATRON, Role.ALLIANCE)


def missing_roles(data: dict) -> tuple[Role, ...]:
    """Return the roles the raw file casts as ``null``: the crisis has none of them."""
    given = data.get("cast") if isinstance(data.get("cast"), dict) else {}
    return tuple(
        role for role in MAY_BE_MISSING if role.value in given and given[role.value] is None
    )


def no_one(role: Role) -> tuple[str, str]:
    """How a hint says a role is missing, and how to give the crisis one."""
    return (
        f"the cast has no {role.value} (`cast: {{{role.value}: null}}`)",
        f"cast a state as the {role.value} under `cast:` if the crisis has one",
    )


def without_inherited_roles(data: dict, file: Path, locations: dict) -> tuple[dict, dict]:
    """Drop what a base file says of a role this crisis lacks (a patron, an alliance).

    A base shared by several cases says how each role behaves whoever plays it
    (``actors: {patron: ...}``, ``uncertainties: {actors.patron.influence: ...}``), and
    the May 2021 baseline how Russia does; a case with no patron extends it all the
    same, and those entries mean nothing to it.
    Written in the file itself, they stay, to be refused with their line and fix.
    """
    # By role, or by the state the May 2021 casting gives it (a variant of the baseline).
    gone = missing_roles(data)
    missing = {role.value for role in gone} | {MAY_2021[role].state for role in gone}
    actors = data.get("actors")
    if not missing or not isinstance(actors, dict):
        return data, locations

    def inherited(loc: tuple) -> bool:
        where = locations.get(loc)
        return where is not None and where[0] != file

    def of_missing(path: str) -> bool:
        parts = path.split(".")
        return len(parts) > 1 and parts[0] == "actors" and parts[1] in missing

    dropped = [("actors", key) for key in actors if key in missing]
    for section in ("uncertainties", "levers"):
        if isinstance(data.get(section), dict):
            dropped += [(section, key) for key in data[section] if of_missing(str(key))]
    dropped = [loc for loc in dropped if inherited(loc)]
    if not dropped:
        return data, locations
    data = dict(data)
    for section, key in dropped:
        data[section] = {k: v for k, v in data[section].items() if k != key}
    locations = {
        loc: where
        for loc, where in locations.items()
        if not any(loc[: len(gone)] == gone for gone in dropped)
    }
    return data, locations


def check_patron_fields(data: dict, file: Path, locations: dict) -> list[Problem]:
    """Refuse what describes a patron in a crisis that has none: its troops, its ties elsewhere."""
    if Role.PATRON not in missing_roles(data):
        return []
    lacks, cast_one = no_one(Role.PATRON)
    found = []
    if data.get("patron_committed_elsewhere", 0.0) != 0.0:  # 0, the default, is what a dump holds
        found.append((("patron_committed_elsewhere",), "how far the patron is tied down"))
    sectors = data.get("sectors") if isinstance(data.get("sectors"), dict) else {}
    for sector_id, sector in sectors.items():
        if isinstance(sector, dict) and sector.get("patron_presence"):
            found.append((("sectors", sector_id, "patron_presence"), "the patron's troops"))
    problems = []
    for loc, what in found:
        line, column = locate(loc, locations, file)
        path = ".".join(map(str, loc))
        problems.append(
            Problem(line, column, path, f"{what}, but {lacks}", f"remove it, or {cast_one}")
        )
    return problems


def check_needs(
    kind: Role, spec: dict, validated, cls, sub: tuple, data: dict, file: Path, locations: dict
) -> list[Problem]:
    """Refuse a policy that calls on a role the cast lacks, at the line that makes it."""
    missing = missing_roles(data)
    if not missing:
        return []
    problems = []
    for role, loc, what in cls.needs(validated, kind):
        if role not in missing:
            continue
        lacks, cast_one = no_one(role)
        if loc is None:  # the policy itself calls on the role
            path = ("actors", *sub, "policy")
            fix = f"choose a policy that does not (`crisis-sim policies`), or {cast_one}"
        else:
            path = ("actors", *sub, "params", *loc)
            fix = f"remove it, or {cast_one}"
        line, column = locate(path, locations, file)
        dotted = ".".join(map(str, path))
        problems.append(
            Problem(line, column, dotted, f"{what} needs the {role.value}, but {lacks}", fix)
        )
    return problems


def role_named(path: str, scenario: Scenario) -> Role | None:
    """Return the missing role a parameter path belongs to, if any (``actors.patron.influence``)."""
    parts = path.split(".")
    for role in scenario.cast.missing:
        if parts[:2] in (["actors", role.value], ["actors", MAY_2021[role].state]):
            return role
    if not scenario.cast.has(Role.PATRON) and (
        parts[0] == "patron_committed_elsewhere" or parts[-1] == "patron_presence"
    ):
        return Role.PATRON
    if not scenario.cast.has(Role.ALLIANCE) and parts[0] == "alliance_members":
        return Role.ALLIANCE
    return None
