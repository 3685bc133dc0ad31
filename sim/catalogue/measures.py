"""Outcome measures of an ensemble: the numbers sweeps, sensitivity and EMA report per point.

Each measure is a function of a run's table of worlds (one row per world, see
docs/results.md), so the same definitions serve a results folder, a sweep point and
an EMA experiment. Shares are estimated from a finite number of worlds: the counts are
kept beside them so intervals can be drawn (Wilson, as in the run's plots).
"""

from __future__ import annotations

import pandas as pd

from sim.catalogue.outcomes import OUTCOME_NAMES

#: Measures beyond the outcome shares: name -> (column, statistic, meaning).
SUMMARIES: dict[str, tuple[str, str, str]] = {
    "p_shots_fired": ("first_shot_day", "happened", "share of worlds where a shot was fired"),
    "p_talks": ("talks_day", "happened", "share of worlds where talks started"),
    "p_csto_appeal": ("appeal_day", "happened", "share of worlds where Armenia appealed"),
    "mean_max_rung": ("max_rung", "mean", "mean highest escalation rung (1-5)"),
    "mean_max_depth_km": ("max_depth_km", "mean", "mean deepest advance, km"),
    "mean_final_depth_km": ("final_depth_km", "mean", "mean advance held at the end, km"),
    "mean_peak_alarm": ("peak_alarm", "mean", "mean peak Armenian public alarm (0-1)"),
    "mean_cooperation_score": (
        "cooperation_score",
        "mean",
        "mean Goldstein score of all actions (negative: conflictual)",
    ),
}


def share_name(outcome: str) -> str:
    """Return the measure name of an outcome class's share, e.g. ``p_frozen_gain``."""
    return f"p_{outcome}"


def measure_names() -> list[str]:
    """Return every measure :func:`summarise` reports, shares first."""
    return [share_name(o) for o in OUTCOME_NAMES] + list(SUMMARIES)


def describe(measure: str) -> str:
    """Return a measure's meaning in words (for plot labels and tables)."""
    if measure in SUMMARIES:
        return SUMMARIES[measure][2]
    if measure.startswith("p_") and measure[2:] in OUTCOME_NAMES:
        return f"share of worlds ending in {measure[2:].replace('_', ' ')}"
    raise KeyError(measure)


def summarise(worlds: pd.DataFrame) -> dict[str, float]:
    """Return every measure of a table of worlds, plus ``worlds`` and per-class counts."""
    total = len(worlds)
    counts = worlds["outcome"].value_counts()
    found: dict[str, float] = {"worlds": total}
    for outcome in OUTCOME_NAMES:
        count = int(counts.get(outcome, 0))
        found[f"n_{outcome}"] = count
        found[share_name(outcome)] = count / total
    for name, (column, statistic, _) in SUMMARIES.items():
        values = worlds[column]
        found[name] = float(values.notna().mean() if statistic == "happened" else values.mean())
    return found
