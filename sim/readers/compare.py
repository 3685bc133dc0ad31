"""Comparing runs: how different are these scenarios' outcomes and measures.

``compare_runs([RUN_A, RUN_B, ...])`` reads results folders alone (like the plots, it
never imports the model) and returns a ``Comparison``: outcome shares per run with 95%
Wilson intervals and, for every later run, the difference from the first (the
reference) in percentage points with a 95% Newcomb interval (statsmodels); each
measure's mean and quantiles per run with Welch's interval for the difference of means
and the Mann-Whitney and Kolmogorov-Smirnov tests (scipy), Holm-adjusted across the
measures of a pair (statsmodels); and a plain-language summary. ``write_comparison``
writes it as a folder of tables, the summary, plots and a small ``comparison.json``,
atomically. See docs/analysis.md.

Runs must share a horizon (``horizon_days`` and ``tick_hours``): an outcome class is read
at the horizon, so classes of runs with different horizons do not mean the same thing.
Different seeds and world counts are fine; different scenarios are the point.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep

from sim import __version__
from sim.catalogue.outcomes import OUTCOME_COLOURS
from sim.errors import UserError
from sim.folders.runfolder import (  # never the model
    RunFolder,
    RunFolderError,
    atomic_folder,
    check_target,
    open_run,
    stamped_folder,
)
from sim.plots.run import (
    DPI,
    INK,
    SIZE,
    as_written,
    outcome_share_table,
    save_figure,
    slide_figure,
)

FORMAT = 1
CONFIDENCE = 0.95
ALPHA = 1 - CONFIDENCE
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
QUANTILE_COLUMNS = [f"q{round(q * 100):02d}" for q in QUANTILES]
MANIFEST_NAME = "comparison.json"
#: Run colours, the reference first (grey), so a run keeps its colour in every plot.
RUN_COLOURS = ["#4b5563", "#b91c1c", "#2563eb", "#15803d", "#b45309", "#6d28d9", "#0e7490"]
MINUS = "\N{MINUS SIGN}"


@dataclass(frozen=True)
class Measure:
    """A column of ``worlds.parquet`` compared across runs."""

    column: str
    label: str
    unit: str
    digits: int
    #: +1: a higher value is more escalatory; -1: a lower one is; 0: no escalation reading.
    escalatory: int
    higher: str
    lower: str
    #: For ``*_day`` columns: what happened in the worlds where the value is not NaN
    #: (the day is compared among those worlds; the share of them separately).
    event: str = ""

    @property
    def is_day(self) -> bool:
        """Whether this is a day-of column (NaN: the event never happened)."""
        return bool(self.event)

    @property
    def event_escalatory(self) -> int:
        """+1 if more worlds with the event is more escalatory, -1 if less, 0 if neither."""
        return -self.escalatory  # an escalatory event is one that comes sooner, and so on


MEASURES = [
    Measure("max_depth_km", "deepest advance", "km", 2, +1, "deeper", "shallower"),
    Measure("final_depth_km", "advance at the end", "km", 2, +1, "deeper", "shallower"),
    Measure("max_rung", "highest escalation rung", "", 2, +1, "higher", "lower"),
    Measure("peak_alarm", "peak public alarm", "", 2, +1, "higher", "lower"),
    Measure("final_alarm", "public alarm at the end", "", 2, +1, "higher", "lower"),
    Measure("casualties_armenia", "Armenian casualties", "", 2, +1, "more", "fewer"),
    Measure("casualties_azerbaijan", "Azerbaijani casualties", "", 2, +1, "more", "fewer"),
    Measure(
        "cooperation_score",
        "cooperation score",
        "",
        1,
        -1,
        "more cooperative",
        "more conflictual",
    ),
    Measure(
        "first_shot_day",
        "days to the first shot",
        "days",
        1,
        -1,
        "later",
        "sooner",
        "a shot was fired",
    ),
    Measure("talks_day", "days to talks", "days", 1, +1, "later", "sooner", "talks started"),
    Measure(
        "statement_day",
        "days to Armenia's statement",
        "days",
        1,
        0,
        "later",
        "sooner",
        "Armenia made its official statement",
    ),
    Measure(
        "appeal_day",
        "days to the appeal to the CSTO",
        "days",
        1,
        -1,
        "later",
        "sooner",
        "Armenia appealed to the CSTO",
    ),
]
BY_COLUMN = {m.column: m for m in MEASURES}
#: The measures drawn side by side (one slide each, and together on one).
PLOTTED = [
    "max_depth_km",
    "final_depth_km",
    "max_rung",
    "peak_alarm",
    "first_shot_day",
    "talks_day",
]


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
        missing = [c for c in ["outcome", *BY_COLUMN] if c not in worlds.columns]
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
    return [f"{name} ({letter})" for name, letter in zip(names, _letters(len(runs)), strict=True)]


def _letters(count: int) -> list[str]:
    return [chr(ord("A") + i) if i < 26 else f"R{i + 1}" for i in range(count)]


# --------------------------------------------------------------------------- statistics


def _share_difference(count: int, total: int, ref_count: int, ref_total: int) -> tuple:
    """Return (diff, low, high) of count/total minus the reference's, as fractions."""
    low, high = confint_proportions_2indep(
        count, total, ref_count, ref_total, method="newcomb", compare="diff", alpha=ALPHA
    )
    return count / total - ref_count / ref_total, float(low), float(high)


def share_table(runs: list[RunFolder], labels: list[str]) -> pd.DataFrame:
    """Return outcome shares per run with Wilson intervals and Newcomb differences."""
    classes = runs[0].manifest["outcome_classes"]
    reference = outcome_share_table(runs[0].worlds, classes).set_index("outcome")
    ref_total = len(runs[0].worlds)
    frames = []
    for index, (run, label) in enumerate(zip(runs, labels, strict=True)):
        table = outcome_share_table(run.worlds, classes)
        table.insert(0, "run", label)
        table.insert(2, "worlds", len(run.worlds))
        diffs = []
        for outcome, count in zip(table["outcome"], table["count"], strict=True):
            if index == 0:
                diffs.append((math.nan, math.nan, math.nan))
                continue
            diff, low, high = _share_difference(
                int(count), len(run.worlds), int(reference.loc[outcome, "count"]), ref_total
            )
            diffs.append((diff * 100, low * 100, high * 100))
        table[["diff_pts", "diff_low_pts", "diff_high_pts"]] = diffs
        table["changed"] = (table["diff_low_pts"] > 0) | (table["diff_high_pts"] < 0)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def outcome_tests(runs: list[RunFolder], labels: list[str]) -> pd.DataFrame:
    """Return, per later run, the chi-square test of its outcome distribution against the first."""
    classes = runs[0].manifest["outcome_classes"]
    reference = runs[0].worlds["outcome"].value_counts().reindex(classes, fill_value=0)
    rows = []
    for run, label in zip(runs[1:], labels[1:], strict=True):
        counts = run.worlds["outcome"].value_counts().reindex(classes, fill_value=0)
        table = np.array([reference.to_numpy(), counts.to_numpy()])
        table = table[:, table.sum(axis=0) > 0]  # classes neither run saw carry no information
        if table.shape[1] < 2:  # every world of both runs in one class: nothing differs
            rows.append((label, 0.0, 0, 1.0))
            continue
        result = stats.chi2_contingency(table)
        rows.append((label, float(result.statistic), int(result.dof), float(result.pvalue)))
    return pd.DataFrame(rows, columns=["run", "chi2", "dof", "p"])


def _values(worlds: pd.DataFrame, measure: Measure) -> np.ndarray:
    values = worlds[measure.column].to_numpy(dtype=np.float64)
    return values[~np.isnan(values)]


def _tests(values: np.ndarray, reference: np.ndarray) -> dict[str, float]:
    """Differences of ``values`` from ``reference``: Welch, Mann-Whitney, Kolmogorov-Smirnov."""
    found = dict.fromkeys(
        [
            "mean_diff",
            "mean_diff_low",
            "mean_diff_high",
            "cliffs_delta",
            "mannwhitney_p",
            "ks_stat",
            "ks_p",
        ],
        math.nan,
    )
    if len(values) == 0 or len(reference) == 0:
        return found
    found["mean_diff"] = float(values.mean() - reference.mean())
    both = np.concatenate([values, reference])
    if np.all(both == both[0]):  # one value throughout: no difference, and nothing to test
        found.update(
            mean_diff_low=0.0,
            mean_diff_high=0.0,
            cliffs_delta=0.0,
            mannwhitney_p=1.0,
            ks_stat=0.0,
            ks_p=1.0,
        )
        return found
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # nearly constant samples
        if len(values) >= 2 and len(reference) >= 2:
            if np.ptp(values) == 0 and np.ptp(reference) == 0:  # two constants: exact
                found["mean_diff_low"] = found["mean_diff_high"] = found["mean_diff"]
            else:
                welch = stats.ttest_ind(values, reference, equal_var=False)
                interval = welch.confidence_interval(confidence_level=CONFIDENCE)
                found["mean_diff_low"], found["mean_diff_high"] = interval.low, interval.high
        mann_whitney = stats.mannwhitneyu(values, reference, alternative="two-sided")
        # U counts the pairs (this run's world, the reference's) where this run's is higher,
        # ties counting half: Cliff's delta = P(higher) - P(lower), from -1 to 1, unit-free.
        found["cliffs_delta"] = float(
            2 * mann_whitney.statistic / (len(values) * len(reference)) - 1
        )
        found["mannwhitney_p"] = float(mann_whitney.pvalue)
        ks = stats.ks_2samp(values, reference)
        found["ks_stat"], found["ks_p"] = float(ks.statistic), float(ks.pvalue)
    return {k: float(v) for k, v in found.items()}


def measure_table(runs: list[RunFolder], labels: list[str]) -> pd.DataFrame:
    """Return each measure's summary per run and, for later runs, its tests against the first."""
    reference = runs[0].worlds
    rows = []
    for index, (run, label) in enumerate(zip(runs, labels, strict=True)):
        worlds = run.worlds
        pair_rows = []
        for measure in MEASURES:
            values = _values(worlds, measure)
            row = {
                "run": label,
                "measure": measure.column,
                "label": measure.label,
                "worlds": len(worlds),
                "n": len(values),
                "event_share": len(values) / len(worlds) if measure.is_day else math.nan,
                "mean": float(values.mean()) if len(values) else math.nan,
            }
            quantiles = np.quantile(values, QUANTILES) if len(values) else [math.nan] * 5
            row.update(zip(QUANTILE_COLUMNS, map(float, quantiles), strict=True))
            tests = _tests(values, _values(reference, measure)) if index else {}
            row.update(tests)
            if index and measure.is_day:
                diff, low, high = _share_difference(
                    len(values), len(worlds), len(_values(reference, measure)), len(reference)
                )
                row.update(
                    event_diff_pts=diff * 100, event_low_pts=low * 100, event_high_pts=high * 100
                )
            pair_rows.append(row)
        if index:  # Holm across this pair's measures: a dozen tests at 5% would cry wolf
            tested = [i for i, r in enumerate(pair_rows) if not math.isnan(r["mannwhitney_p"])]
            if tested:
                adjusted = multipletests(
                    [pair_rows[i]["mannwhitney_p"] for i in tested], alpha=ALPHA, method="holm"
                )[1]
                for i, p in zip(tested, adjusted, strict=True):
                    pair_rows[i]["p_holm"] = float(p)
        rows += pair_rows
    table = pd.DataFrame(rows)
    for column in [
        "mean_diff",
        "mean_diff_low",
        "mean_diff_high",
        "cliffs_delta",
        "mannwhitney_p",
        "p_holm",
        "ks_stat",
        "ks_p",
        "event_diff_pts",
        "event_low_pts",
        "event_high_pts",
    ]:
        if column not in table:
            table[column] = math.nan
        table[column] = table[column].astype(float)
    table["shifted"] = table["p_holm"] < ALPHA
    table["event_changed"] = (table["event_low_pts"] > 0) | (table["event_high_pts"] < 0)
    return table


# --------------------------------------------------------------------------- the comparison


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
    notes = _header_notes(folders, labels)
    summary = _summary(folders, labels, shares, measures, tests, notes)
    return Comparison(folders, labels, shares, measures, tests, summary, notes)


# --------------------------------------------------------------------------- the summary


def _signed(value: float, digits: int = 1) -> str:
    """Format with a sign (a true minus); a non-zero value never shows as 0 (more digits)."""
    text = f"{abs(value):.{digits}f}"
    while float(text) == 0 and value != 0 and digits < 4:
        digits += 1
        text = f"{abs(value):.{digits}f}"
    if float(text) == 0:
        return f"{0:.{digits}f}"
    return ("+" if value > 0 else MINUS) + text


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _with_unit(text: str, unit: str) -> str:
    return f"{text} {unit}" if unit and unit != "days" else text


def _class_label(outcome: str) -> str:
    text = outcome.replace("_", " ")
    return text[:1].upper() + text[1:]


def _describe(run: RunFolder, label: str, letter: str) -> str:
    manifest = run.manifest
    return (
        f"{letter}: {label} ({manifest.get('title', '')}), {len(run.worlds):,} worlds, "
        f"seed {manifest.get('seed')}, {run.path}"
    )


def _header_notes(runs: list[RunFolder], labels: list[str]) -> list[str]:
    letters = _letters(len(runs))
    seeds = [r.manifest.get("seed") for r in runs]
    sizes = [len(r.worlds) for r in runs]
    notes = []
    if len(set(seeds)) == 1:
        notes.append(
            f"Same seed ({seeds[0]}): world i of every run draws the same random numbers, so "
            "the differences come from the scenarios; the intervals treat the runs as "
            "independent samples, which is usually conservative."
        )
    else:
        listed = ", ".join(f"{x} {s}" for x, s in zip(letters, seeds, strict=True))
        notes.append(f"Seeds differ ({listed}): the runs draw independent worlds.")
    if len(set(sizes)) > 1:
        listed = ", ".join(f"{x} {n:,}" for x, n in zip(letters, sizes, strict=True))
        notes.append(f"World counts differ ({listed}): each interval allows for its runs' sizes.")
    hashes = [r.manifest.get("outcome_hash") for r in runs]
    for letter, run_hash in zip(letters[1:], hashes[1:], strict=True):
        if run_hash and run_hash == hashes[0]:
            notes.append(f"{letter} holds exactly the same worlds as A (same outcome hash).")
    return notes


def _summary(
    runs: list[RunFolder],
    labels: list[str],
    shares: pd.DataFrame,
    measures: pd.DataFrame,
    tests: pd.DataFrame,
    notes: list[str],
) -> str:
    letters = _letters(len(runs))
    lines = [f"Reference {_describe(runs[0], labels[0], 'A')}."]
    lines += [
        f"Compared: {_describe(r, lab, x)}."
        for r, lab, x in zip(runs[1:], labels[1:], letters[1:], strict=True)
    ]
    lines += notes
    lines.append(
        "Differences are each run minus A: outcome shares in percentage points with 95% "
        "Newcomb intervals (within noise when the interval includes 0); measures by Welch's "
        "interval for the mean and the Mann-Whitney test, Holm-adjusted across measures."
    )
    for label, letter in zip(labels[1:], letters[1:], strict=True):
        lines.append("")
        lines.append(f"{letter} ({label}) vs A ({labels[0]}):")
        lines += _pair_summary(
            shares,
            measures[measures["run"].isin([labels[0], label])],
            tests[tests["run"] == label].iloc[0],
            labels[0],
            label,
            letter,
        )
    return "\n".join(lines)


def _pair_summary(
    shares: pd.DataFrame,
    measures: pd.DataFrame,
    test: pd.Series,
    ref_label: str,
    label: str,
    letter: str,
) -> list[str]:
    reference = shares[shares["run"] == ref_label].set_index("outcome")
    rows = shares[shares["run"] == label].set_index("outcome")
    seen = (rows["count"] > 0) | (reference["count"] > 0)
    ranked = rows.assign(size=rows["diff_pts"].abs()).sort_values(
        "size", ascending=False, kind="stable"
    )
    changed = ranked[ranked["changed"]]
    quiet = ranked[~ranked["changed"] & seen.loc[ranked.index]]
    unseen = rows[~seen]  # in the manifest's order

    def share_line(outcome: str, row: pd.Series) -> str:
        return (
            f"{_class_label(outcome)}: {_pct(reference.loc[outcome, 'share'])} → "
            f"{_pct(row['share'])} ({_signed(row['diff_pts'])} points, 95% CI "
            f"{_signed(row['diff_low_pts'])} to {_signed(row['diff_high_pts'])})"
        )

    ref_m = measures[measures["run"] == ref_label].set_index("measure")
    own_m = measures[measures["run"] == label].set_index("measure")
    shifted = own_m[own_m["shifted"]]
    events = own_m[own_m["event_changed"]]
    nothing = changed.empty and shifted.empty and events.empty
    lines = []
    if nothing:
        lines.append(
            "- Nothing changed beyond noise: every outcome share's 95% interval includes 0, "
            "no event became more or less common, and no measure differs (Holm-adjusted "
            "Mann-Whitney p ≥ 0.05)."
        )
    if not changed.empty:
        lines.append("- Outcome shares that changed (95% interval excludes 0), largest first:")
        lines += [f"  - {share_line(o, r)}" for o, r in changed.iterrows()]
    if not quiet.empty:
        within = "; ".join(share_line(o, r) for o, r in quiet.iterrows())
        lines.append(f"- Within noise (interval includes 0): {within}.")
    if not unseen.empty:
        names = ", ".join(_class_label(o).lower() for o in unseen.index)
        lines.append(f"- In neither run: {names}.")
    verdict = "differ" if test["p"] < ALPHA else "do not differ detectably"
    lines.append(
        f"- The outcome distributions as a whole {verdict} (chi-square {test['chi2']:.1f}, "
        f"{int(test['dof'])} df, {_p(test['p'])})."
    )
    for column, row in events.iterrows():
        measure = BY_COLUMN[column]
        moved = 1 if row["event_diff_pts"] > 0 else -1
        lines.append(
            f"- Worlds where {measure.event}: {_pct(ref_m.loc[column, 'event_share'])} → "
            f"{_pct(row['event_share'])} ({_signed(row['event_diff_pts'])} points, 95% CI "
            f"{_signed(row['event_low_pts'])} to {_signed(row['event_high_pts'])})"
            f"{_escalation(measure.event_escalatory * moved)}."
        )
    if not shifted.empty:
        by_size = shifted.assign(size=shifted["cliffs_delta"].abs())
        by_size = by_size.sort_values("size", ascending=False, kind="stable")
        column, row = next(by_size.iterrows())
        line = _measure_line(BY_COLUMN[column], ref_m.loc[column], row, letter)
        lines.append(f"- Largest shift in a measure: {line}.")
        others = [
            f"{BY_COLUMN[c].label} ({_direction(BY_COLUMN[c], r)}, "
            f"Cliff's delta {_signed(r['cliffs_delta'], 2)})"
            for c, r in by_size.iloc[1:].iterrows()
        ]
        if others:
            lines.append("- Other measures that shifted: " + "; ".join(others) + ".")
    quiet_measures = own_m[~own_m["shifted"] & own_m["p_holm"].notna()]
    if not quiet_measures.empty and not nothing:
        lines.append("- Measures within noise: " + ", ".join(quiet_measures["label"]) + ".")
    for column, row in own_m[own_m["p_holm"].isna()].iterrows():
        measure = BY_COLUMN[column]
        empty = [x for x, n in (("A", ref_m.loc[column, "n"]), (letter, row["n"])) if n == 0]
        who = "either run" if len(empty) == 2 else empty[0]
        lines.append(
            f"- {_capital(measure.label)}: not compared, no world of {who} where {measure.event}."
        )
    return lines


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _direction(measure: Measure, row: pd.Series) -> str:
    return measure.higher if row["cliffs_delta"] > 0 else measure.lower


def _escalation(sign: int) -> str:
    """Return ", more escalatory" (sign > 0), ", less escalatory" (< 0) or nothing."""
    return "" if sign == 0 else f", {'more' if sign > 0 else 'less'} escalatory"


def _measure_line(measure: Measure, reference: pd.Series, row: pd.Series, letter: str) -> str:
    digits, unit = measure.digits, measure.unit

    def value(x: float) -> str:
        return _with_unit(f"{x:.{digits}f}", unit)

    moved = 1 if row["cliffs_delta"] > 0 else -1
    where = f" (in the worlds where {measure.event})" if measure.is_day else ""
    return (
        f"{measure.label}{where} is {_direction(measure, row)} in {letter}"
        f"{_escalation(measure.escalatory * moved)}: median {value(reference['q50'])} → "
        f"{value(row['q50'])}, mean {value(reference['mean'])} → {value(row['mean'])} "
        f"({_signed(row['mean_diff'], digits)}, 95% CI {_signed(row['mean_diff_low'], digits)} "
        f"to {_signed(row['mean_diff_high'], digits)}); Cliff's delta "
        f"{_signed(row['cliffs_delta'], 2)}, Holm-adjusted Mann-Whitney {_p(row['p_holm'])}"
    )


# --------------------------------------------------------------------------- plots


def _colour(index: int) -> str:
    return RUN_COLOURS[index % len(RUN_COLOURS)]


def _title(comparison: Comparison, what: str) -> str:
    """Return a slide title naming the runs, or counting them when the names would not fit."""
    title = f"{what}: " + " vs ".join(comparison.labels)  # slide_figure escapes $
    return title if len(title) <= 72 else f"{what}: {len(comparison.runs)} runs compared"


def _legend_below(axes, count: int) -> None:
    axes.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=min(count, 4),
        frameon=False,
        fontsize=9,
    )


def _subtitle(comparison: Comparison) -> str:
    sizes = " vs ".join(f"{len(r.worlds):,}" for r in comparison.runs)
    seeds = {r.manifest.get("seed") for r in comparison.runs}
    seed = f"seed {seeds.pop()}" if len(seeds) == 1 else "different seeds"
    return f"{sizes} worlds, {seed}; first run is the reference"


def draw_shares(comparison: Comparison, out: Path) -> Path:
    """Draw outcome shares side by side: grouped horizontal bars with 95% Wilson intervals."""
    shares = comparison.shares
    classes = comparison.reference.manifest["outcome_classes"]
    count = len(comparison.runs)
    figure, axes = slide_figure(_title(comparison, "How the worlds end"), _subtitle(comparison))
    height = 0.8 / count
    rows = len(classes)
    totals = shares.groupby("outcome")["count"].sum()
    unseen = {c for c in classes if totals.get(c, 0) == 0}
    for row, outcome in enumerate(classes):
        if outcome in unseen:
            axes.text(0.008, rows - 1 - row, "in no run", va="center", fontsize=8, color="#6b7280")
    for index, label in enumerate(comparison.labels):
        table = shares[shares["run"] == label].set_index("outcome").loc[classes]
        positions = (rows - 1 - np.arange(rows)) + 0.4 - height * (index + 0.5)
        axes.barh(
            positions,
            table["share"],
            height=height * 0.9,
            color=_colour(index),
            label=as_written(label),
        )
        axes.errorbar(
            table["share"],
            positions,
            xerr=[table["share"] - table["ci_low"], table["ci_high"] - table["share"]],
            fmt="none",
            ecolor=INK,
            elinewidth=0.8,
            capsize=2,
        )
        for y, (outcome, row) in zip(positions, table.iterrows(), strict=True):
            if outcome in unseen:
                continue
            text = _pct(row["share"])
            if index and row["changed"]:
                text += f" ({_signed(row['diff_pts'])})"
            axes.text(row["ci_high"] + 0.008, y, text, va="center", fontsize=7.5, color=INK)
    axes.set_yticks(range(rows)[::-1], [c.replace("_", " ") for c in classes], fontsize=10)
    for tick, outcome in zip(axes.get_yticklabels(), classes, strict=True):
        tick.set_color(OUTCOME_COLOURS[outcome])
    high = shares["ci_high"].max()
    axes.set_xlim(0, min(1.0, high + 0.16))
    axes.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    axes.set_xlabel("share of worlds (bars: 95% Wilson interval; in brackets: points vs the first)")
    _legend_below(axes, count)
    return save_figure(figure, out / "outcome_shares.png")


def draw_share_differences(comparison: Comparison, out: Path) -> Path:
    """Draw each later run's difference from the reference per class, with 95% intervals."""
    shares = comparison.shares
    classes = comparison.reference.manifest["outcome_classes"]
    later = comparison.labels[1:]
    figure, axes = slide_figure(
        _title(comparison, "Change in outcome shares"),
        f"percentage points vs {comparison.labels[0]}, 95% Newcomb interval; hollow: within noise",
    )
    rows = len(classes)
    step = 0.6 / max(1, len(later))
    for offset, label in enumerate(later, start=1):
        table = shares[shares["run"] == label].set_index("outcome").loc[classes]
        positions = (rows - 1 - np.arange(rows)) + 0.3 - step * (offset - 0.5)
        colour = _colour(offset)
        axes.errorbar(
            table["diff_pts"],
            positions,
            xerr=[
                table["diff_pts"] - table["diff_low_pts"],
                table["diff_high_pts"] - table["diff_pts"],
            ],
            fmt="none",
            ecolor=colour,
            elinewidth=1.5,
            capsize=3,
        )
        filled = table["changed"].to_numpy()
        axes.scatter(
            table["diff_pts"][filled],
            positions[filled],
            color=colour,
            zorder=3,
            label=as_written(label),
        )
        axes.scatter(
            table["diff_pts"][~filled],
            positions[~filled],
            facecolors="white",
            edgecolors=colour,
            zorder=3,
            label=None if filled.any() else as_written(label),
        )
    axes.axvline(0, color=INK, lw=1)
    axes.set_yticks(range(rows)[::-1], [c.replace("_", " ") for c in classes], fontsize=10)
    for tick, outcome in zip(axes.get_yticklabels(), classes, strict=True):
        tick.set_color(OUTCOME_COLOURS[outcome])
    reach = np.nanmax(np.abs(shares[["diff_low_pts", "diff_high_pts"]].to_numpy()))
    reach = max(2.0, float(reach) * 1.1)
    axes.set_xlim(-reach, reach)
    axes.set_xlabel("difference in share of worlds (percentage points)")
    axes.grid(axis="x", color="#e5e7eb")
    _legend_below(axes, len(later))
    return save_figure(figure, out / "share_differences.png")


def _draw_distribution(axes, comparison: Comparison, measure: Measure, small: bool) -> None:
    horizon = float(comparison.reference.manifest.get("horizon_days") or 0)
    for index, (run, label) in enumerate(zip(comparison.runs, comparison.labels, strict=True)):
        values = np.sort(_values(run.worlds, measure))
        colour = _colour(index)
        if measure.is_day:  # cumulative share of all worlds where it has happened by day d
            total = len(run.worlds)
            x = np.concatenate([[0.0], values, [max(horizon, values.max() if len(values) else 0)]])
            y = np.concatenate(
                [[0.0], np.arange(1, len(values) + 1) / total, [len(values) / total]]
            )
            axes.step(x, y, where="post", color=colour, lw=1.8, label=as_written(label))
        elif len(values):
            axes.ecdf(values, color=colour, lw=1.8, label=as_written(label))
    axes.set_ylim(0, 1.02)
    axes.yaxis.set_major_formatter(lambda y, _: f"{y:.0%}")
    axes.grid(color="#eef0f3")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    unit = f" ({measure.unit})" if measure.unit and measure.unit != "days" else ""
    name = measure.label[:1].upper() + measure.label[1:] + unit
    if measure.column == "max_rung":
        axes.set_xticks(range(1, 6))
    if small:
        axes.set_title(name, loc="left", fontsize=10, color=INK)
        axes.tick_params(labelsize=8)
    else:
        axes.set_xlabel("days since the start" if measure.is_day else name)
        axes.set_ylabel(
            f"share of worlds where {measure.event}, by then"
            if measure.is_day
            else "share of worlds at or below"
        )
        _legend_below(axes, len(comparison.runs))


def draw_measure(comparison: Comparison, out: Path, column: str) -> Path:
    """Draw one measure's distribution per run, as ECDFs (day columns: share of worlds by day)."""
    measure = BY_COLUMN[column]
    name = measure.label[:1].upper() + measure.label[1:]
    figure, axes = slide_figure(_title(comparison, name), _subtitle(comparison))
    _draw_distribution(axes, comparison, measure, small=False)
    return save_figure(figure, out / f"ecdf_{column}.png")


def draw_distributions(comparison: Comparison, out: Path) -> Path:
    """Draw the key measures' distributions side by side on one slide (ECDFs)."""
    figure = Figure(figsize=SIZE, dpi=DPI)
    figure.suptitle(
        as_written(_title(comparison, "Measures")),
        x=0.02,
        y=0.98,
        ha="left",
        fontsize=14,
        fontweight="bold",
        color=INK,
    )
    grid = figure.subplots(2, 3)
    for axes, column in zip(grid.flat, PLOTTED, strict=True):
        _draw_distribution(axes, comparison, BY_COLUMN[column], small=True)
    handles, names = grid.flat[0].get_legend_handles_labels()
    figure.legend(handles, names, loc="lower center", ncol=len(names), frameon=False, fontsize=9)
    figure.text(
        0.02,
        0.915,
        "share of worlds at or below each value; days: share of worlds where it happened by then",
        fontsize=9,
        color="#4b5563",
    )
    figure.tight_layout(rect=(0, 0.06, 1, 0.925))
    figure.savefig(out / "distributions.png", dpi=DPI)
    return out / "distributions.png"


def draw_comparison(comparison: Comparison, out: Path) -> list[Path]:
    """Draw every plot of a comparison into ``out``; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [draw_shares(comparison, out), draw_share_differences(comparison, out)]
    paths.append(draw_distributions(comparison, out))
    paths += [draw_measure(comparison, out, column) for column in PLOTTED]
    return paths


# --------------------------------------------------------------------------- the folder


def default_comparison_dir(root: Path, comparison: Comparison) -> Path:
    """Return a new folder under ``root``: ``compare-A-vs-B[-and-N-more]-<UTC time>``."""
    names = [
        re.sub(r"[^A-Za-z0-9._-]+", "-", str(r.manifest.get("scenario_name") or r.name)).strip("-.")
        or "run"
        for r in comparison.runs
    ]
    stem = f"compare-{names[0]}-vs-{names[1]}"
    if len(names) > 2:
        stem += f"-and-{len(names) - 2}-more"
    return stamped_folder(root, stem)


def check_comparison_target(out: Path, replace: bool) -> None:
    """Refuse, before any work, to write where it would overwrite something or cannot."""
    check_target(Path(out), replace, what="comparison", marker=MANIFEST_NAME)


def _manifest(comparison: Comparison, files: list[str]) -> dict:
    runs = []
    for run, label, letter in zip(
        comparison.runs, comparison.labels, _letters(len(comparison.runs)), strict=True
    ):
        manifest = run.manifest
        runs.append(
            {
                "letter": letter,
                "label": label,
                "path": str(run.path.resolve()),
                "scenario_name": manifest.get("scenario_name"),
                "title": manifest.get("title"),
                "scenario_hash": manifest.get("scenario_hash"),
                "seed": manifest.get("seed"),
                "worlds": len(run.worlds),
                "horizon_days": manifest.get("horizon_days"),
                "tick_hours": manifest.get("tick_hours"),
                "outcome_hash": manifest.get("outcome_hash"),
            }
        )
    return {
        "format": FORMAT,
        "kind": "comparison",
        "reference": comparison.labels[0],
        "runs": runs,
        "methods": {
            "shares": "Wilson 95% interval per run; difference vs the reference: Newcomb 95% "
            "interval (statsmodels confint_proportions_2indep)",
            "outcomes": "chi-square test of the outcome distribution (scipy chi2_contingency)",
            "measures": "Welch 95% interval for the difference of means; Mann-Whitney U "
            "(Holm-adjusted across measures), Cliff's delta, Kolmogorov-Smirnov (scipy)",
        },
        "files": files,
        "crisis-sim": __version__,
        "created_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _markdown(comparison: Comparison) -> str:
    title = " vs ".join(comparison.labels)
    return (
        f"# Comparison: {title}\n\n{comparison.summary}\n\n"
        "Tables: `shares.csv` (outcome shares and differences), `measures.csv` (measures and "
        "tests). Plots: `plots/`.\n"
    )


def write_comparison(comparison: Comparison, out_dir: Path | str, *, replace: bool = False) -> Path:
    """Write a comparison folder at ``out_dir`` atomically; return it.

    The folder holds shares.csv, measures.csv, summary.md, plots/*.png and
    comparison.json. It is written as a hidden temporary sibling and renamed into place
    when complete; an existing folder is replaced only with ``replace=True``, only if it
    is a comparison folder, and only after the new one is complete.
    """
    out = Path(out_dir)
    with atomic_folder(out, replace, what="comparison", marker=MANIFEST_NAME) as temporary:
        comparison.shares.to_csv(temporary / "shares.csv", index=False)
        comparison.measures.to_csv(temporary / "measures.csv", index=False)
        (temporary / "summary.md").write_text(_markdown(comparison), encoding="utf-8")
        plots = draw_comparison(comparison, temporary / "plots")
        files = ["shares.csv", "measures.csv", "summary.md"]
        files += [f"plots/{p.name}" for p in plots]
        text = json.dumps(_manifest(comparison, files), indent=2)
        (temporary / MANIFEST_NAME).write_text(text + "\n", encoding="utf-8")
    return out
