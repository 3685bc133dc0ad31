"""Joint calibration: one set of parameters that every real case's record accepts.

ABC by rejection as for one case (:mod:`sim.experiments.calibration`), over the cases of
:mod:`sim.experiments.cases` at once. The prior is the ``uncertainties:`` of the cases'
shared base (``scenarios/cases/shared.yaml``), written by role (``actors.patron.
influence``) so that one path means the same responder in every case. A Latin hypercube
draws parameter sets from it; every set runs every case's ensemble (the same worlds and
seed at every set), and a set is **accepted** when, in every case, every pattern holds
in more than half of the case's worlds and the record's outcome class is the most common
one (the class is part of the record, as the patterns are).

Because each set runs every case, leaving one out costs nothing more: the sets accepted
by the other cases are the calibration without it, and the held-out case's share of its
record's class at those sets is the prediction (``--leave-one-out``; the issue's target
is at least 30% of worlds).

With few sets accepted, later **rounds** (``--rounds``) draw again from the box of the
previous round's accepted sets (each parameter's 5-95% range), a simple sequential ABC.
Only the first round, drawn from the prior every case was blind to, is read for what the
cases pin down and for leaving one out: a later round's box was drawn by every case, the
held-out one included. The **best** set, the one the defaults take, is the accepted set
(of any round) where the case whose patterns fit worst fits best: the marginal medians
of a joint region need not be a joint fit (docs/validation.md, section 4).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from sim.catalogue.roles import path_by_state
from sim.errors import UserError
from sim.experiments.calibration import MAJORITY, accepted_region
from sim.experiments.cases import Case
from sim.experiments.journal import CalibrationJournal, inputs_hash
from sim.experiments.sweep import point_overrides, sample_design
from sim.readers.patterns import load_patterns, pattern_table, patterns_digest
from sim.run.engine import Engine, InProcess
from sim.run.sets import SetsJob, run_jobs
from sim.spec.loading import scenario_hash
from sim.spec.parameters import parameter
from sim.spec.schema import Scenario
from sim.spec.yaml_source import read_yaml
from sim.wording import counted

SHARED = "shared.yaml"


def role_path(path: str, scenario: Scenario) -> str:
    """Write a parameter path by role: ``actors.russia.influence`` -> ``actors.patron...``."""
    parts = path.split(".")
    if len(parts) > 2 and parts[0] == "actors":
        role = scenario.cast.role_of(parts[1])
        if role is not None:
            return ".".join(["actors", role.value, *parts[2:]])
    return path


def state_path(path: str, scenario: Scenario) -> str:
    """Write a role's parameter path by the case's state: the inverse of :func:`role_path`."""
    return path_by_state(
        path, {role.value: scenario.cast.state(role) for role in scenario.cast.roles}
    )


def applies(path: str, scenario: Scenario) -> bool:
    """Whether a shared parameter (by role path) is one of this case's: not of a missing role.

    A case with no patron (``cast: {patron: null}``) has no ``actors.patron.influence``:
    the sets' values for it are left out of that case's worlds.
    """
    parts = path.split(".")
    return not (
        len(parts) > 1
        and parts[0] == "actors"
        and any(parts[1] == role.value for role in scenario.cast.missing)
    )


def shared_prior(directory: Path | str, cases: list[Case]) -> dict[str, tuple[float, float]]:
    """Return the prior, by role path, from the cases' shared base; check it fits each case.

    Only the parameters some case has are returned.
    """
    file = Path(directory) / SHARED
    if not file.is_file():
        raise UserError(
            f"{file} is missing: a joint calibration draws its prior from the "
            "`uncertainties:` of the base every case shares (docs/validation.md)."
        )
    data, _ = read_yaml(file)
    prior = data.get("uncertainties")
    if not isinstance(prior, dict) or not prior:
        raise UserError(
            f"{file} declares no `uncertainties:`: list the shared parameters to calibrate, "
            "by role where they belong to a responder (e.g. actors.patron.influence: "
            "[0.5, 2.0])."
        )
    prior = {str(path): (float(low), float(high)) for path, (low, high) in prior.items()}
    for case in cases:
        for path, (low, high) in prior.items():
            if not applies(path, case.scenario):
                continue
            try:
                parameter(case.scenario, state_path(path, case.scenario))
            except UserError as error:
                raise UserError(
                    f"{file}: uncertainties.{path}, in case {case.key}: {error}"
                ) from None
            if not low < high:
                raise UserError(
                    f"{file}: uncertainties.{path}: the low end must be below "
                    f"the high end (got [{low}, {high}])."
                )
    # A parameter of a role no case has (the patron's, in cases that all lack one) is
    # not drawn: no world would read it.
    return {
        path: bounds
        for path, bounds in prior.items()
        if any(applies(path, case.scenario) for case in cases)
    }


def cases_inputs(directory: Path | str, cases: list[Case]) -> str:
    """Return the hash of everything a joint calibration's answer depends on.

    Each case's scenario, record and patterns file, and the shared prior: a stopped
    calibration resumes only while all of them are as they were.
    """
    texts = [json.dumps(shared_prior(directory, cases), sort_keys=True)]
    for case in cases:
        texts += [
            case.key,
            scenario_hash(case.scenario),
            case.record.model_dump_json(),
            patterns_digest(case.folder / "patterns.py"),
        ]
    return inputs_hash(texts)


def measure_case(
    outcomes: pd.DataFrame, key: str, patterns_file: str, record: str
) -> dict[str, float | bool]:
    """Return one set's fit to one case: its record's share, and its patterns together.

    The measure of a case's sets (:func:`sim.run.sets.run_sets`); module-level with plain
    arguments, so that every engine's workers can run it.
    """
    held = pattern_table(outcomes, load_patterns(patterns_file))
    shares = outcomes["outcome"].value_counts(normalize=True)
    found: dict[str, float | bool] = {
        f"{key}:record_share": float(shares.get(record, 0.0)),
        f"{key}:record_modal": bool(shares.get(record, 0.0) >= shares.max()),
        f"{key}:patterns_together": float(held.all(axis=1).mean()),
    }
    found[f"{key}:accepted"] = bool((held.mean() > MAJORITY).all()) and found[f"{key}:record_modal"]
    return found


def evaluate_sets(
    cases: list[Case],
    sets: list[dict[str, Any]],
    worlds: int,
    seed: int | None,
    engine: Engine,
    progress: bool = False,
    journal: CalibrationJournal | None = None,
    part: str = "round 1",
) -> list[dict[str, float | bool]]:
    """Run every parameter set (by role path) in every case; return each set's measures.

    Each case runs all the sets as the worlds of one block (:mod:`sim.run.sets`), with
    the overrides by its own states, and every case's chunks share one queue of the
    engine's workers. With a ``journal``, each case's measured sets are kept under
    ``part/CASE`` and those it holds are not run again.
    """
    jobs = []
    for case in cases:
        scenario = case.scenario
        measure = partial(
            measure_case,
            key=scenario.name,
            patterns_file=str((case.folder / "patterns.py").resolve()),
            record=case.record.outcome,
        )
        own = [
            {state_path(path, scenario): v for path, v in s.items() if applies(path, scenario)}
            for s in sets
        ]
        ledger = None if journal is None else journal.part(f"{part}/{case.key}")
        label = f"Set {{number}} in case {case.key}"
        jobs.append(SetsJob(scenario, own, worlds, seed or scenario.seed, measure, label, ledger))
    # One queue for every case's chunks: no worker waits for the last chunk of a case.
    desc = f"{part}: {counted(len(sets), 'set')} x {counted(len(cases), 'case')}"
    found: list[dict[str, float | bool]] = [{} for _ in sets]
    for measures in run_jobs(jobs, engine, progress, desc=desc):
        for row, measured in zip(found, measures, strict=True):
            row.update(measured)
    return found


def accepted_in(table: pd.DataFrame, cases: list[Case]) -> pd.Series:
    """Return, per set (row) of ``table``, whether every one of ``cases`` accepts it."""
    return table[[f"{case.scenario.name}:accepted" for case in cases]].all(axis=1)


@dataclass
class JointCalibration:
    """The sets of a joint calibration, each tried in every case."""

    cases: list[Case]
    prior: dict[str, tuple[float, float]]
    table: pd.DataFrame  # one row per set: round, parameters, per case shares and acceptance
    worlds: int
    seed: int | None
    timings: dict[str, float] = field(default_factory=dict)
    boxes: list[dict[str, tuple[float, float]]] = field(default_factory=list)  # rounds 2...

    @property
    def first_round(self) -> pd.DataFrame:
        """The sets drawn from the prior itself (the only ones left-out cases were blind to)."""
        if "round" not in self.table:
            return self.table
        return self.table[self.table["round"] == 1]

    def best(self) -> pd.Series | None:
        """Return the accepted set whose worst-fitting case fits best (None if none).

        Each case's fit is the share of its worlds where its patterns hold together; the
        best set maximises the smallest of these (ties: the first drawn).
        """
        accepted = self.table[self.table["accepted"]]
        if accepted.empty:
            return None
        together = accepted[[f"{c.scenario.name}:patterns_together" for c in self.cases]]
        return accepted.loc[together.min(axis=1).idxmax()]

    def accepted_by(self, cases: list[Case]) -> pd.Series:
        """Return, per set, whether every one of ``cases`` accepts it."""
        return accepted_in(self.table, cases)

    def leave_one_out(self) -> pd.DataFrame:
        """Return, per case, its record's share at the sets the other cases accept."""
        rows = []
        first = self.first_round
        for case in self.cases:
            others = [c for c in self.cases if c is not case]
            chosen = first[self.accepted_by(others)[first.index]]
            shares = chosen[f"{case.scenario.name}:record_share"]
            rows.append(
                {
                    "held_out": case.key,
                    "record": case.record.outcome,
                    "accepted_without_it": len(chosen),
                    "record_share_median": shares.median() if len(shares) else float("nan"),
                    "record_share_q05": shares.quantile(0.05) if len(shares) else float("nan"),
                    "record_share_q95": shares.quantile(0.95) if len(shares) else float("nan"),
                    "at_least_30pct": bool(len(shares)) and shares.median() >= 0.3,
                }
            )
        return pd.DataFrame(rows)

    def region(self) -> pd.DataFrame:
        """Return what the cases together pin down, narrow or leave open, per parameter."""
        first = self.cases[0].scenario  # its states stand for the roles' paths
        by_state = {state_path(path, first): path for path in self.prior}
        scenario = first.model_copy(
            update={"uncertainties": {state: self.prior[role] for state, role in by_state.items()}}
        )
        table = self.first_round.rename(columns={role: state for state, role in by_state.items()})
        region = accepted_region(table, scenario)
        region["parameter"] = region["parameter"].map(by_state)
        return region


def _drawing_case(cases: list[Case], prior: dict[str, tuple[float, float]]) -> Scenario:
    """Return the case the design is drawn on: the first that has every prior's parameter.

    The sets are drawn by state paths (``sample_design`` reads each parameter's kind), so
    a case with no patron cannot draw ``actors.patron.influence`` for the others.
    """
    for case in cases:
        if all(applies(path, case.scenario) for path in prior):
            return case.scenario
    missing = sorted({role.value for case in cases for role in case.scenario.cast.missing})
    raise UserError(
        f"No case has every role the shared prior names ({', '.join(missing)} missing in "
        "some): add a case with all of them, or calibrate the cases in groups that share "
        "their roles."
    )


def run_joint_calibration(
    directory: Path | str,
    cases: list[Case],
    sets: int,
    worlds: int,
    seed: int | None = None,
    engine: Engine | None = None,
    progress: bool = False,
    rounds: int = 1,
    journal: CalibrationJournal | None = None,
) -> JointCalibration:
    """Draw ``sets`` parameter sets from the shared prior and try each in every case.

    With ``rounds`` above 1, each later round draws ``sets`` more from the box of the
    previous round's accepted sets (module docstring); it stops early, with the rounds
    made, when a round accepts fewer than two sets. With a ``journal``, measured sets are
    kept as they finish and those it holds are not run again: each round's design is
    drawn from the seed and the round before, so a resumed calibration draws the same.
    """
    if sets < 2:
        raise UserError(f"A calibration needs at least 2 parameter sets (got --sets {sets}).")
    if rounds < 1:
        raise UserError(f"--rounds {rounds}: give 1 (the prior only) or more.")
    prior = shared_prior(directory, cases)
    design_seed = cases[0].scenario.seed if seed is None else seed
    first = _drawing_case(cases, prior)
    started = time.perf_counter()
    result = JointCalibration(cases, prior, pd.DataFrame(), worlds, seed)
    box, tables = prior, []
    for number in range(1, rounds + 1):
        by_state = {state_path(path, first): bounds for path, bounds in box.items()}
        design = sample_design(
            first.model_copy(update={"uncertainties": by_state}),
            "lhs",
            sets,
            design_seed + number - 1,
        )
        design = design.rename(columns={path: role_path(path, first) for path in design.columns})
        measures = evaluate_sets(
            cases,
            point_overrides(design),
            worlds,
            seed,
            InProcess() if engine is None else engine,
            progress,
            journal,
            f"round {number}",
        )
        table = pd.concat([design, pd.DataFrame(measures)], axis=1)
        table.insert(0, "round", number)
        table["accepted"] = accepted_in(table, cases)
        tables.append(table)
        accepted = table[table["accepted"]]
        if number == rounds or len(accepted) < 2:
            break
        box = {
            path: (float(accepted[path].quantile(0.05)), float(accepted[path].quantile(0.95)))
            for path in prior
        }
        result.boxes.append(box)
    result.table = pd.concat(tables, ignore_index=True)
    result.timings = {"simulate_s": round(time.perf_counter() - started, 3)}
    return result


def write_joint_calibration(
    result: JointCalibration, out: Path, *, command: str = "", replace: bool = False
) -> Path:
    """Write a joint calibration's folder atomically: sets, region, leave-one-out, manifest."""
    import datetime as dt
    import json

    from sim.folders.results import versions
    from sim.folders.runfolder import atomic_folder

    with atomic_folder(Path(out), replace) as folder:
        result.table.to_parquet(folder / "sets.parquet", index=False)
        result.table.to_csv(folder / "sets.csv", index=False)
        result.region().to_csv(folder / "region.csv", index=False)
        result.leave_one_out().to_csv(folder / "leave_one_out.csv", index=False)
        best = result.best()
        if best is not None:
            best_table = pd.DataFrame(
                {"parameter": list(result.prior), "value": [best[p] for p in result.prior]}
            )
            best_table.to_csv(folder / "best.csv", index=False)
        manifest = {
            "kind": "joint-calibration",
            "complete": True,
            "method": "abc-rejection",
            "sampler": "lhs",
            "cases": {case.key: case.record.outcome for case in result.cases},
            "priors": {path: list(bounds) for path, bounds in result.prior.items()},
            "sets": len(result.table),
            "rounds": int(result.table["round"].max()),
            "boxes": [{p: list(b) for p, b in box.items()} for box in result.boxes],
            "best_set": None if best is None else int(best.name),
            "accepted": int(result.table["accepted"].sum()),
            "worlds_per_case": result.worlds,
            "seed": result.seed,
            "acceptance": f"in every case, every pattern holds in more than {MAJORITY:.0%} "
            "of its worlds and the record's outcome class is the most common",
            "versions": versions(),
            "timings": result.timings,
            "created_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "command": command,
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return Path(out)
