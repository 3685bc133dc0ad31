"""Generate the reference parts of the docs from the schema and the policy registry.

``docs/scenarios.md`` and ``docs/policies.md`` each hold a generated section between
two markers; ``make docs`` (``python -m sim.docgen``) rewrites it, and a test fails when
the committed text and the code disagree, so the reference cannot drift.
"""

from __future__ import annotations

import sys
import typing
from enum import Enum
from pathlib import Path

from pydantic import BaseModel

from sim.policies import REGISTRY
from sim.spec.schema import (
    INJECT_FIELDS,
    Actors,
    AllianceMember,
    Cast,
    CastState,
    Dynamics,
    Inject,
    ParameterPath,
    Perception,
    PreparedInject,
    Scenario,
    Sector,
    Thresholds,
    VoiceSpec,
)

BEGIN = "<!-- BEGIN GENERATED: do not edit by hand; run `make docs` -->"
END = "<!-- END GENERATED -->"
ROOT = Path(__file__).resolve().parents[1]


def _type_name(annotation) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _type_name(typing.get_args(annotation)[0])
    if origin in (typing.Union, type(int | None)):
        members = typing.get_args(annotation)
        names = [_type_name(a) for a in members if a is not type(None)]
        return " or ".join(names) + (" (optional)" if type(None) in members else "")
    if origin is dict:
        key, value = typing.get_args(annotation)
        keys = "dotted parameter path" if key is ParameterPath else "name"
        return f"mapping of {keys} to {_type_name(value)}"
    if origin is tuple:
        return "[" + ", ".join(_type_name(a) for a in typing.get_args(annotation)) + "]"
    if origin is list:
        return f"list of {_type_name(typing.get_args(annotation)[0])}"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return " / ".join(f"`{m.value}`" for m in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    return getattr(annotation, "__name__", str(annotation))


def _range(info) -> str:
    bounds = {}
    for meta in info.metadata:
        for name in ("ge", "gt", "le", "lt"):
            if getattr(meta, name, None) is not None:
                bounds[name] = getattr(meta, name)
    if not bounds:
        return ""
    low = (
        (f"≥ {bounds['ge']}" if "ge" in bounds else f"> {bounds['gt']}")
        if ("ge" in bounds or "gt" in bounds)
        else ""
    )
    high = (
        (f"≤ {bounds['le']}" if "le" in bounds else f"< {bounds['lt']}")
        if ("le" in bounds or "lt" in bounds)
        else ""
    )
    return ", ".join(x for x in (low, high) if x)


def _default(info) -> str:
    if info.is_required():
        return "required"
    value = info.get_default(call_default_factory=True)
    if isinstance(value, Enum):
        return f"`{value.value}`"
    if isinstance(value, BaseModel):
        return "(see below)"
    if isinstance(value, dict):
        return "(see below)" if value else "{}"
    if isinstance(value, list):
        return "[]"
    return f"`{value}`"


def field_table(model: type[BaseModel]) -> list[str]:
    """Return a Markdown table of a model's fields."""
    lines = ["| field | type | default | range | meaning |", "|---|---|---|---|---|"]
    for name, info in model.model_fields.items():
        meaning = (info.description or "").replace("|", "\\|")
        lines.append(
            f"| `{name}` | {_type_name(info.annotation)} | {_default(info)} | "
            f"{_range(info)} | {meaning} |"
        )
    return lines


def scenario_reference() -> str:
    """Return the generated reference of every scenario field."""
    sections = [
        ("Top level", Scenario),
        ("`sectors.<id>`", Sector),
        ("`cast`", Cast),
        ("`cast.<role>` (attacker, defender, patron, alliance)", CastState),
        ("`actors`", Actors),
        ("`actors.<state>` (the attacker's and the defender's states)", VoiceSpec.__base__),
        ("`actors.<state>` (the patron's, the alliance's; `third_parties.<name>`)", VoiceSpec),
        ("`alliance_members.<name>`", AllianceMember),
        ("`dynamics`", Dynamics),
        ("`perception`", Perception),
        ("`thresholds`", Thresholds),
        ("`injects[]`", Inject),
        ("`workshop_injects[]`", PreparedInject),
    ]
    lines: list[str] = []
    for title, model in sections:
        lines += [f"### {title}", "", *field_table(model), ""]
    defaults = Scenario.model_fields["alliance_members"].get_default(call_default_factory=True)
    lines += [
        "Default `alliance_members`:",
        "",
        "| member | clarity_needed | follows_patron |",
        "|---|---|---|",
    ]
    lines += [
        f"| {name} | {m.clarity_needed} | {m.follows_patron} |" for name, m in defaults.items()
    ]
    lines += [
        "",
        "Which optional inject fields each kind uses (others are rejected):",
        "",
        "| kind | uses |",
        "|---|---|",
    ]
    lines += [
        f"| `{kind.value}` | {', '.join(f'`{f}`' for f in sorted(used)) or '(none)'} |"
        for kind, used in INJECT_FIELDS.items()
    ]
    return "\n".join(lines) + "\n"


def policy_reference() -> str:
    """Return the generated reference of every policy and its parameters."""
    lines: list[str] = []
    for (kind, name), cls in sorted(REGISTRY.items()):
        doc = " ".join((cls.__doc__ or "").split())
        lines += [f"### {kind.value}: `{name}`", "", doc, "", f"Classifier: `{cls.classifier}`", ""]
        lines += [*field_table(cls.Params), ""]
    return "\n".join(lines) + "\n"


def process_overview() -> str:
    """Return the resolve phase's submodels, in their order, for docs/model.md section 3."""
    from sim.core.mechanisms import SUBMODELS

    lines = [
        "| section | submodel | module | what it does | facts it hands on |",
        "|---|---|---|---|---|",
    ]
    for number, submodel in enumerate(SUBMODELS, start=1):
        facts = ", ".join(f"`{fact}`" for fact in submodel.writes) or "(none)"
        lines.append(
            f"| 7.{number} | {submodel.name} | `{submodel.module}` | {submodel.title} | {facts} |"
        )
    return "\n".join(lines) + "\n"


GENERATED = {
    "docs/scenarios.md": scenario_reference,
    "docs/policies.md": policy_reference,
    "docs/model.md": process_overview,
}


def splice(text: str, generated: str) -> str:
    """Replace the generated section of ``text``."""
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{generated}{END}{tail}"


def main(argv: list[str]) -> int:
    """Rewrite the generated sections of the docs in place."""
    for relative, build in GENERATED.items():
        path = ROOT / relative
        path.write_text(splice(path.read_text(encoding="utf-8"), build()), encoding="utf-8")
        print(f"updated {relative}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
