"""The statistics of a comparison: each run's outcome shares and measures against the first's.

Outcome shares get 95% Wilson intervals and, for every later run, the difference from
the reference in percentage points with a 95% Newcomb interval (statsmodels); the whole
outcome distribution a chi-square test. Each measure of the catalogue
(:mod:`sim.catalogue.measures`) gets its mean and quantiles per run, Welch's interval for
the difference of means, the Mann-Whitney and Kolmogorov-Smirnov tests (scipy),
Holm-adjusted across the measures of a pair (statsmodels), and, for the day of an event,
the difference in the share of worlds where it happened. See docs/analysis.md.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep

from sim.catalogue import measures as catalogue
from sim.catalogue.measures import QUANTILE_COLUMNS, QUANTILES
from sim.folders.runfolder import RunFolder, common_cast
from sim.plots.run import outcome_share_table

CONFIDENCE = 0.95
ALPHA = 1 - CONFIDENCE


def run_letters(count: int) -> list[str]:
    """Return the runs' letters, the reference's first: A, B, ... Z, then R27, R28..."""
    return [chr(ord("A") + i) if i < 26 else f"R{i + 1}" for i in range(count)]


def share_difference(count: int, total: int, ref_count: int, ref_total: int) -> tuple:
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
            diff, low, high = share_difference(
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
    cast = common_cast(runs)
    for index, (run, label) in enumerate(zip(runs, labels, strict=True)):
        worlds = run.worlds
        pair_rows = []
        for measure in (m.named(cast) for m in catalogue.compared()):
            values = measure.values(worlds)
            row = {
                "run": label,
                "measure": measure.column,
                "label": measure.label,
                "worlds": len(worlds),
                "n": len(values),
                "event_share": len(values) / len(worlds) if measure.is_event else math.nan,
                "mean": float(values.mean()) if len(values) else math.nan,
            }
            quantiles = (
                np.quantile(values, QUANTILES) if len(values) else [math.nan] * len(QUANTILES)
            )
            row.update(zip(QUANTILE_COLUMNS, map(float, quantiles), strict=True))
            tests = _tests(values, measure.values(reference)) if index else {}
            row.update(tests)
            if index and measure.is_event:
                diff, low, high = share_difference(
                    len(values), len(worlds), len(measure.values(reference)), len(reference)
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
