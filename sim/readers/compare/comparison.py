"""Comparing runs: how different are these scenarios' outcomes and measures.

``compare_runs([RUN_A, RUN_B, ...])`` reads results folders alone (like the plots, it
never imports the model) and returns a :class:`Comparison`: the tables of
:mod:`sim.readers.compare.statistics` (outcome shares and the catalogue's measures, each
later run against the first, the reference) and the plain-language summary of
:mod:`sim.readers.compare.summary`. :mod:`sim.readers.compare.folder` writes it as a
folder of tables, the summary, the plots of :mod:`sim.plots.compare` and a small
``comparison.json``, atomically. See docs/analysis.md.

Runs must share a horizon (``horizon_days`` and ``tick_hours``): an outcome class is read
at the horizon, so classes of runs with different horizons do not mean the same thing.
Different seeds and world counts are fine; different scenarios are the point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.catalogue import measures as catalogue
from sim.errors import UserError
from sim.folders.runfolder import RunFolder, RunFolderError, open_run  # never the model
from sim.readers.compare.statistics import (
    measure_table,
    outcome_tests,
    run_letters,
    share_table,
)
from sim.readers.compare.summary import header_notes, summary_text


@dataclass
class Comparison:
    """Runs compared against the first (the reference): tables and a plain-language summary.

    ``shares``: one row per run and outcome class (count, worlds, share, Wilson interval;
    for later runs ``diff_pts`` with its Newcomb interval and ``changed``: the interval
    excludes 0). ``measures``: one row per run and measure (mean, quantiles, event share
    for day columns; for later runs the differences and tests). ``outcome_tests``: one
    row per later run, the chi-square test of the whole outcome distribution.
    """

    runs: list[RunFolder]
    labels: list[str]
    shares: pd.DataFrame
    measures: pd.DataFrame
    outcome_tests: pd.DataFrame
    summary: str
    notes: list[str] = field(default_factory=list)

    @property
    def reference(self) -> RunFolder:
        """The run every other is compared with (the first given)."""
        return self.runs[0]


# --------------------------------------------------------------------------- checks


def _open(run: Path | str | RunFolder) -> RunFolder:
    return run if isinstance(run, RunFolder) else open_run(run)


def _check_runs(runs: list[RunFolder]) -> None:
    seen: dict[Path, RunFolder] = {}
    for run in runs:
        key = run.path.resolve()
        if key in seen:
            also = f" (as {seen[key].path} and {run.path})" if seen[key].path != run.path else ""
            raise UserError(
                f"{run.path} is given twice{also}. A run "
                "compared with itself differs by nothing; pass two different results folders "
                "(a copy of a folder is allowed, to check that it matches)."
            )
        seen[key] = run
    first = runs[0].manifest
    for run in runs[1:]:
        manifest = run.manifest
        if (manifest.get("horizon_days"), manifest.get("tick_hours")) != (
            first.get("horizon_days"),
            first.get("tick_hours"),
        ):
            raise UserError(
                f"Cannot compare {runs[0].path} with {run.path}: their horizons differ "
                f"({runs[0].path.name}: {_horizon(first)}; {run.path.name}: {_horizon(manifest)}). "
                "A world's outcome class is read at the horizon (a gain still held on day 20 "
                "is not one held on day 30), so the outcome classes are not comparable. Rerun "
                "one of them with the other's horizon, e.g. "
                f"--set horizon_days={_number_text(first.get('horizon_days'))}."
            )
        if manifest.get("outcome_classes") != first.get("outcome_classes"):
            raise UserError(
                f"Cannot compare {runs[0].path} with {run.path}: they were written with "
                "different lists of outcome classes (by different versions of crisis-sim). "
                "Rerun the older one with this version."
            )
    for run in runs:
        worlds = run.worlds
        needed = ["outcome", *(m.column for m in catalogue.compared())]
        missing = [c for c in needed if c not in worlds.columns]
        if missing:
            raise RunFolderError(
                f"{run.path}/worlds.parquet is damaged: it lacks {', '.join(missing)}. "
                "Rerun the scenario."
            )
        if len(worlds) == 0:
            raise RunFolderError(f"{run.path}/worlds.parquet holds no worlds. Rerun the scenario.")


def _horizon(manifest: dict) -> str:
    days = _number_text(manifest.get("horizon_days"))
    hours = _number_text(manifest.get("tick_hours"))
    return f"{days} days of {hours}-hour ticks"


def _number_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _labels(runs: list[RunFolder]) -> list[str]:
    names = [str(r.manifest.get("scenario_name") or r.name) for r in runs]
    if len(set(names)) == len(names):
        return names
    names = [r.name for r in runs]  # the same scenario twice: folder names tell them apart
    if len(set(names)) == len(names):
        return names
    return [
        f"{name} ({letter})" for name, letter in zip(names, run_letters(len(runs)), strict=True)
    ]


def compare_runs(runs: Sequence[Path | str | RunFolder]) -> Comparison:
    """Compare results folders; the first is the reference. Raise a UserError when they cannot be.

    Refused: fewer than two runs, the same folder twice, and runs whose horizons
    (``horizon_days`` or ``tick_hours``) differ. Seeds and world counts may differ.
    """
    runs = list(runs)
    if len(runs) < 2:
        raise UserError(
            f"compare needs at least two results folders and was given {len(runs)}. Pass the "
            "reference first, then the runs to compare with it, e.g. crisis-sim compare "
            "results/baseline-... results/response-protector-russia-..."
        )
    folders = [_open(run) for run in runs]
    _check_runs(folders)
    labels = _labels(folders)
    shares = share_table(folders, labels)
    measures = measure_table(folders, labels)
    tests = outcome_tests(folders, labels)
    notes = header_notes(folders, labels)
    summary = summary_text(folders, labels, shares, measures, tests, notes)
    return Comparison(folders, labels, shares, measures, tests, summary, notes)
