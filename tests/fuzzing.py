"""Mutated scenario files, for the fuzz test (tests/test_fuzz.py) and ``make fuzz``.

Each case starts from a shipped scenario and breaks it one way, the ways files really
break when they travel between people, and the ways a hostile file would try: keys
deleted or written twice, values of the wrong type, huge, negative or not a number,
unicode, deep nesting, YAML anchors and alias bombs, tags that would construct Python
objects, binary bytes, truncation, empty files, a folder where a file should be, and
``extends:`` chains that loop or point outside. The mutations are drawn from a seeded
generator, so a case is reproduced from its number alone.
"""

from __future__ import annotations

import io
import math
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def examples(default: int) -> int:
    """Examples for a Hypothesis fuzz test: ``default``, or CRISIS_SIM_FUZZ_EXAMPLES.

    ``make quick`` runs fewer, ``make fuzz`` more; ``make test`` runs each test's own.
    """
    return int(os.environ.get("CRISIS_SIM_FUZZ_EXAMPLES", default))


@dataclass(frozen=True)
class Case:
    """One mutated file: its number, how it was made, and its bytes (None: a folder)."""

    number: int
    how: str
    content: bytes | None


def _shipped() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SCENARIOS.glob("*.yaml"))}


def _load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def _dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value in nested mappings and lists."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


def _parent(data: Any, path: tuple) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


WEIRD_TEXT = [
    "",
    " ",
    "\u202eevil\u202c",  # right-to-left override
    "\u200b",  # zero width space
    "Սևանա լիճ",  # Armenian
    "Göygöl",
    "🔥" * 50,
    "x" * 100_000,
    "\x00",
    "\x1b[31mred",
    "../../etc/passwd",
    "${HOME}",
    "{{ 7*7 }}",
    "<script>alert(1)</script>",
    "null",
    "~",
    "0x1F",
    "1e999",
]

WEIRD_NUMBERS = [
    0,
    -1,
    -(10**9),
    10**9,
    10**30,
    10**400,
    2**63,
    -(2**63) - 1,
    1e308,
    -1e308,
    5e-324,
    math.nan,
    math.inf,
    -math.inf,
    0.1,
    -0.0,
    True,
    False,
]

WEIRD_VALUES = [None, [], {}, [1, 2, 3], {"a": 1}, "text", [[[]]], {"": None}]


def _structural(rng: random.Random, text: str) -> tuple[str, str]:
    data = _load(text)
    paths = _paths(data)
    path = rng.choice(paths)
    parent, key = _parent(data, path), path[-1]
    op = rng.choice(["delete", "number", "text", "value", "nest", "key"])
    name = ".".join(map(str, path))
    if op == "delete":
        del parent[key]
    elif op == "number":
        parent[key] = rng.choice(WEIRD_NUMBERS)
    elif op == "text":
        parent[key] = rng.choice(WEIRD_TEXT)
    elif op == "value":
        parent[key] = rng.choice(WEIRD_VALUES)
    elif op == "nest":
        value: Any = parent[key]
        for _ in range(rng.choice([2, 10, 60, 300])):
            value = rng.choice([[value], {"x": value}])
        parent[key] = value
    elif op == "key" and isinstance(parent, dict):
        parent[rng.choice(WEIRD_TEXT[:13]) or "k"] = parent.pop(key)
    try:
        return f"{op} at {name}", _dump(data)
    except (RecursionError, ValueError):  # too deep or unrepresentable to write as YAML
        return f"{op} at {name} (written raw)", text + f"\n{key}: {'[' * 5000}{']' * 5000}\n"


def _lines(rng: random.Random, text: str) -> tuple[str, str]:
    lines = text.splitlines(keepends=True)
    i = rng.randrange(len(lines))
    op = rng.choice(["drop", "twice", "swap", "indent", "dedent", "truncate"])
    if op == "drop":
        del lines[i]
    elif op == "twice":  # a key written twice, or a list item repeated
        lines.insert(i, lines[i])
    elif op == "swap":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "indent":
        lines[i] = "   " + lines[i]
    elif op == "dedent":
        lines[i] = lines[i].lstrip()
    else:
        return f"truncated at {i}", "".join(lines[:i]) + lines[i][
            : rng.randrange(len(lines[i]) + 1)
        ]
    return f"line {i + 1} {op}", "".join(lines)


BOMB = """
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
"""

TAGS = [
    "!!python/object/apply:os.system ['touch /tmp/crisis-sim-fuzz-pwned']",
    "!!python/object/new:subprocess.Popen [['touch', '/tmp/crisis-sim-fuzz-pwned']]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!custom {a: 1}",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!float 1",
    "!!int '12'",
]


def _hostile(rng: random.Random, text: str) -> tuple[str, str]:
    op = rng.choice(["bomb", "tag", "anchors", "merge", "extends", "document"])
    lines = text.splitlines(keepends=True)
    if op == "bomb":
        return "alias bomb", text + BOMB + "worlds: *h\n"
    if op == "tag":
        tag = rng.choice(TAGS)
        keys = [
            n for n, line in enumerate(lines) if ":" in line and not line.lstrip().startswith("#")
        ]
        n = rng.choice(keys)
        head = lines[n].split(":", 1)[0]
        lines[n] = f"{head}: {tag}\n"
        return f"tag {tag.split()[0]} on line {n + 1}", "".join(lines)
    if op == "anchors":
        return "anchors", "defaults: &d {seed: 1}\nother: *d\n" + text + "\nagain: *d\n"
    if op == "merge":
        return "merge key", "base: &b {name: x}\n" + text + "\nmore:\n  <<: *b\n  <<: *b\n"
    if op == "extends":
        target = rng.choice(
            ["itself.yaml", "missing.yaml", "/etc/passwd", "..", "", "a" * 5000, "case.yaml"]
        )
        body = "".join(line for line in lines if not line.startswith("extends:"))
        return f"extends {target[:20]!r}", f"extends: {target}\n{body}"
    return "two documents", text + "\n---\nname: second\n"


def _bytes(rng: random.Random, text: str) -> tuple[str, bytes]:
    raw = bytearray(text.encode())
    op = rng.choice(["random", "nul", "latin1", "bom", "crlf", "control"])
    at = rng.randrange(len(raw) + 1)
    if op == "random":
        raw[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
    elif op == "nul":
        raw[at:at] = b"\x00"
    elif op == "latin1":
        raw[at:at] = "é".encode("latin-1")
    elif op == "bom":
        raw[0:0] = b"\xef\xbb\xbf"
    elif op == "crlf":
        raw = bytearray(bytes(raw).replace(b"\n", b"\r\n"))
    else:
        raw[at:at] = bytes([rng.randrange(1, 32)])
    return f"bytes {op} at {at}", bytes(raw)


EMPTY = [b"", b" ", b"\n\n", b"---\n", b"~\n", b"[]\n", b"name\n", b"- a\n", b"{}", b"null"]


def case(number: int, seed: int = 20210512) -> Case:
    """Return mutated case ``number`` of the run seeded with ``seed``."""
    rng = random.Random(seed * 1_000_003 + number)
    shipped = _shipped()
    name = rng.choice(sorted(shipped))
    text = shipped[name]
    kind = rng.choices(
        ["structural", "lines", "hostile", "bytes", "empty", "folder", "huge"],
        weights=[45, 25, 15, 10, 3, 1, 1],
    )[0]
    if kind == "structural":
        how, out = _structural(rng, text)
        return Case(number, f"{name}: {how}", out.encode("utf-8", "surrogatepass"))
    if kind == "lines":
        how, out = _lines(rng, text)
        return Case(number, f"{name}: {how}", out.encode())
    if kind == "hostile":
        how, out = _hostile(rng, text)
        return Case(number, f"{name}: {how}", out.encode())
    if kind == "bytes":
        how, raw = _bytes(rng, text)
        return Case(number, f"{name}: {how}", raw)
    if kind == "empty":
        content = rng.choice(EMPTY)
        return Case(number, f"empty-ish {content!r}", content)
    if kind == "folder":
        return Case(number, "a folder instead of a file", None)
    return Case(number, "over the size limit", (text + "#" * 1_100_000 + "\n").encode())
