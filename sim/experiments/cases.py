"""Real cases as a development set: one model, one set of parameters, several crises.

A case folder (``scenarios/cases/NAME/``) holds what was known before a real crisis and
what the record shows, kept apart:

- ``scenario.yaml``: the set-up only (the border, who held it, the attacker's intent,
  who else was present, the opening events), with the responders' policies and every
  mechanism's strength shared by all the cases (``scenarios/cases/shared.yaml``);
- ``case.yaml``: the title, the outcome class the record shows, and a note of sources;
- ``patterns.py``: the record's patterns (``PATTERNS``, as ``sim.readers.patterns``).

:func:`load_cases` reads and checks a folder of cases; :func:`score_cases` runs each case's
ensemble and scores the real class (docs/validation.md, "Four real cases"):

- its share of worlds, with a 95% Wilson interval, and whether it is the modal class;
- the Brier score of the forecast, the sum over classes of (share - [real class])^2,
  0 for a certain right forecast, 2 for a certain wrong one;
- the log score, -ln(share of the real class), the share floored at 1/(2 N) for N
  worlds so that a class no world reached scores a finite, large penalty;
- the share of worlds in which the record's patterns hold together.

``crisis-sim cases DIR`` prints the table and writes it, with a plot, to a folder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.catalogue.outcomes import OUTCOME_CLASSES
from sim.catalogue.roles import Role
from sim.errors import UserError
from sim.folders.runfolder import atomic_folder
from sim.plots.cases import draw_cases
from sim.plots.run import wilson_interval
from sim.readers.patterns import Pattern, load_patterns, pattern_table
from sim.run.engine import Engine
from sim.run.sets import run_sets
from sim.spec.loading import load_scenario
from sim.spec.schema import Scenario
from sim.spec.yaml_source import read_yaml

CLASS_NAMES = tuple(outcome.name.lower() for outcome in OUTCOME_CLASSES)
RESPONDERS = (Role.DEFENDER, Role.PATRON, Role.ALLIANCE)


class CaseRecord(BaseModel):
    """A case's ``case.yaml``: what the record shows, and where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(max_length=120, description="The case's name in tables and plots.")
    outcome: str = Field(description="The outcome class the record shows.")
    sources: str = Field(min_length=1, max_length=4000, description="A note of sources.")
    killed: int | None = Field(
        None,
        ge=0,
        description="Soldiers (and civilians where the record does not part them) killed, "
        "both sides together, as the record counts them: the scale the model's median "
        "killed is held to (within a factor of three).",
    )


@dataclass(frozen=True)
class Case:
    """One real case: its set-up, its record and its patterns."""

    key: str  # the folder's name
    folder: Path
    record: CaseRecord
    scenario: Scenario
    patterns: tuple[Pattern, ...]


def _refuse(folder: Path, problem: str, fix: str) -> UserError:
    return UserError(f"case {folder}: {problem}. {fix}")


def _record(folder: Path) -> CaseRecord:
    file = folder / "case.yaml"
    if not file.exists():
        raise _refuse(
            folder,
            "case.yaml is missing",
            "Add it with the case's title, its real outcome class (outcome:) and a note of "
            "sources (sources:); see docs/validation.md, section 'Four real cases'.",
        )
    try:
        record = CaseRecord.model_validate(read_yaml(file)[0])
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(map(str, first["loc"])) or "case.yaml"
        raise _refuse(
            folder,
            f"case.yaml, {where}: {first['msg']}",
            "It needs title:, outcome: and sources:, and may say killed:; nothing else.",
        ) from None
    if record.outcome not in CLASS_NAMES:
        raise _refuse(
            folder,
            f"case.yaml names the outcome {record.outcome!r}, which is not an outcome class",
            f"Use one of: {', '.join(CLASS_NAMES)}.",
        )
    return record


def _check_set_up(folder: Path, scenario: Scenario) -> None:
    """Refuse a set-up that writes its own ending: no role may play a script."""
    for state, (role, spec) in scenario.role_specs().items():
        if spec.policy == "scripted":
            raise _refuse(
                folder,
                f"the {role.value} ({state}) plays a scripted timeline, which writes the "
                "ending into the set-up",
                "Give it a policy; what it did belongs in patterns.py, not in the scenario.",
            )


def load_cases(directory: Path | str) -> list[Case]:
    """Read every case under ``directory`` (one folder each), checked; raise UserError."""
    directory = Path(directory)
    if not directory.is_dir():
        raise UserError(
            f"{directory} is not a folder of cases. Give the folder that holds one folder "
            "per case (scenarios/cases in this project)."
        )
    folders = sorted(
        path for path in directory.iterdir() if path.is_dir() and not path.name.startswith(".")
    )
    if not folders:
        raise UserError(f"{directory} holds no case folders. Each case is a folder: see docs.")
    cases = []
    for folder in folders:
        record = _record(folder)
        scenario_file, patterns_file = folder / "scenario.yaml", folder / "patterns.py"
        for file, what in ((scenario_file, "the set-up"), (patterns_file, "the record")):
            if not file.exists():
                raise _refuse(folder, f"{file.name} is missing", f"Add {what} as {file.name}.")
        scenario = load_scenario(scenario_file).scenario
        _check_set_up(folder, scenario)
        cases.append(Case(folder.name, folder, record, scenario, load_patterns(patterns_file)))
    _check_shared(cases)
    return cases


def _shared_part(scenario: Scenario) -> dict:
    """Return what every case must share: the responders' policies and the dynamics.

    A responder the crisis lacks (``cast: {patron: null}``) has no policy to share.
    """
    specs = scenario.role_specs()
    responders = {
        role.value: specs[scenario.cast.state(role)][1].model_dump(mode="json")
        for role in RESPONDERS
        if scenario.cast.has(role)
    }
    return {"responders": responders, "dynamics": scenario.dynamics.model_dump(mode="json")}


def _check_shared(cases: list[Case]) -> None:
    # Each part is held to the first case that has it (a case may lack a patron).
    reference: dict[str, dict] = {"responders": {}, "dynamics": {}}
    owner: dict[tuple[str, str], str] = {}
    for case in cases:
        shared = _shared_part(case.scenario)
        for section in ("responders", "dynamics"):
            for key, value in shared[section].items():
                if key not in reference[section]:
                    reference[section][key], owner[section, key] = value, case.key
                elif value != reference[section][key]:
                    raise _refuse(
                        case.folder,
                        f"its {section[:-1] if section == 'responders' else section} "
                        f"{key!r} differs from case {owner[section, key]}'s ({value} against "
                        f"{reference[section][key]})",
                        "The responders' policies and every dynamics value are shared by "
                        "all cases: set them once, in the base the cases extend.",
                    )


def _score(case: Case, outcomes: pd.DataFrame) -> dict:
    worlds = len(outcomes)
    counts = outcomes["outcome"].value_counts()
    shares = {name: int(counts.get(name, 0)) / worlds for name in CLASS_NAMES}
    real = case.record.outcome
    low, high = wilson_interval(int(counts.get(real, 0)), worlds)
    modal = max(CLASS_NAMES, key=lambda name: shares[name])
    patterns = pattern_table(outcomes, case.patterns)
    return {
        "case": case.key,
        "title": case.record.title,
        "worlds": worlds,
        "real": real,
        "real_share": shares[real],
        "real_low": float(low),
        "real_high": float(high),
        "modal": modal,
        "real_is_modal": shares[real] == shares[modal],
        "brier": sum((shares[name] - (name == real)) ** 2 for name in CLASS_NAMES),
        "log_score": abs(math.log(max(shares[real], 1 / (2 * worlds)))),  # abs: no -0.0
        "patterns_together": float(patterns.all(axis=1).mean()),
        **{f"share_{name}": shares[name] for name in CLASS_NAMES},
    }


def score_cases(
    cases: list[Case],
    worlds: int | None = None,
    seed: int | None = None,
    engine: Engine | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Run each case's ensemble and return one row of scores per case (module docstring).

    Each case runs as one set of :func:`sim.run.sets.run_sets` (its worlds are those of
    ``crisis-sim run`` of the case, at the same seed), which keeps only the outcome
    table: a case is scored on its worlds' outcomes, not on per-tick aggregates.
    """
    rows = []
    for case in cases:
        scenario = case.scenario
        (outcomes,) = run_sets(
            scenario,
            [{}],
            worlds or scenario.worlds,
            scenario.seed if seed is None else seed,
            engine=engine,
            progress=progress,
        )
        rows.append(_score(case, outcomes))
    return pd.DataFrame(rows)


def write_cases(table: pd.DataFrame, target: Path, replace: bool = False, plots: bool = True):
    """Write ``cases.csv`` and, with ``plots``, ``cases.png`` into a new folder ``target``."""
    with atomic_folder(Path(target), replace, what="cases folder", marker="cases.csv") as folder:
        table.to_csv(folder / "cases.csv", index=False)
        if plots:
            draw_cases(table, folder / "cases.png")
    return Path(target)
