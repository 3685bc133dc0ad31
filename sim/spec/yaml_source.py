"""Reading a scenario file: YAML with the line of every key, and ``extends:``.

A scenario is read with ruamel.yaml's round-trip loader, which keeps each key's line and
never constructs Python objects from tags; what a scenario never needs (tags, alias
bombs, files too large or too deep) is refused with file and line. A variant is merged
over the files it ``extends:``, keeping for each value the file and line it came from, so
that :mod:`sim.spec.validation` can point every problem at the line to fix. Nothing in a
scenario file can run code.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedOrderedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from sim.errors import Problem, ScenarioError, UserError

#: Limits no real scenario comes near: a file larger, expanding (through aliases) to more
#: values, extending a longer chain or nesting deeper is refused, not read.
MAX_FILE_BYTES = 1_000_000
MAX_VALUES = 100_000
MAX_EXTENDS_DEPTH = 8
MAX_DEPTH = 100
#: The only YAML tags a scenario may carry, explicitly or implicitly.
PLAIN_TAGS = {
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}
#: Where a value was written: its file and 1-based line (None where unknown).
Location = tuple[Path, int | None]


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


def read_yaml(file: Path) -> tuple[dict, dict]:
    """Return one file's plain mapping and the (file, line) of every key path in it.

    Raises a UserError for a file that cannot be a scenario (missing, a folder, too
    large, not UTF-8) and a ScenarioError, with the line, for one that is not valid YAML.
    """
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


#: The cast's roles a crisis may lack, whose ``null`` survives ``extends:``.
ROLES_THAT_MAY_BE_NULL = (("cast", "patron"), ("cast", "alliance"))


def _merge(base: dict, over: dict, base_loc: dict, over_loc: dict, path: tuple = ()) -> dict:
    """Deep-merge ``over`` onto ``base``: mappings merge, ``null`` removes, others replace.

    One ``null`` is a value, not a removal: a role of the cast set to ``null`` (``cast:
    {patron: null}``) says the crisis has none, which removing the base's entry would
    turn into the May 2021 casting.
    """
    merged = dict(base)
    for key, value in over.items():
        sub = (*path, key)
        if value is None and key in merged and sub not in ROLES_THAT_MAY_BE_NULL:
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


def load_tree(file: Path, chain: tuple[Path, ...]) -> tuple[dict, dict]:
    """Return ``file`` merged over the files it ``extends:``, with every value's location.

    ``chain`` holds the resolved files already on the way here, to refuse a loop.
    """
    data, locations = read_yaml(file)
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
    base, base_locations = load_tree(target, (*chain, target))
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
