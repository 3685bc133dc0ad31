"""The per-world measures, declared once: how every output names, words and summarises them.

A run's table of worlds (``worlds.parquet``, docs/results.md) holds one row per world.
Some of its columns are *measures*: numbers a reader compares across worlds and runs (the
deepest advance, the highest rung, the day of the first shot...). Each is one
:class:`WorldMeasure` below, with its words, its unit and precision, which way is
escalation, and the statistic sweeps, sensitivity analyses and the EMA Workbench report
for it. ``compare`` tabulates and tests every measure, ``report`` shows those marked
``in_report``, the game's debrief and ``explain``'s typical world use those marked
``typical``, and :func:`summarise` reports each one's summary. A measure added here
reaches all of them (``tests/test_catalogue.py`` adds one and finds it everywhere).

The outcome classes have their own catalogue (:mod:`sim.catalogue.outcomes`); their
shares (``p_frozen_gain``...) come first among the summaries. Shares are estimated from a
finite number of worlds: the counts are kept beside them so intervals can be drawn
(Wilson, as in the run's plots).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntEnum

import numpy as np
import pandas as pd

from sim.catalogue.outcomes import OUTCOME_NAMES
from sim.catalogue.roles import CastLike, name_roles, names_missing

#: The quantiles every table of a distribution gives (per-tick tables, comparisons, reports).
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: Their column names: ``q05``, ``q25``, ``q50``, ``q75``, ``q95``.
QUANTILE_COLUMNS = [f"q{round(q * 100):02d}" for q in QUANTILES]


class Escalation(IntEnum):
    """Which way a measure escalates: more of it, less of it, or neither.

    Like the EMA Workbench's ``ScalarOutcome`` kind, which says which way is better: more
    is escalation for a deeper advance, less for the cooperation score or the day of the
    first shot (sooner is worse), neither for the day of Armenia's statement.
    """

    LESS = -1
    NEITHER = 0
    MORE = 1


@dataclass(frozen=True)
class Summary:
    """The number sweeps, sensitivity and EMA report for a measure, one per ensemble.

    Attributes:
        name: its column in a sweep's ``points`` table, e.g. ``mean_max_depth_km``.
        words: its meaning, for plot titles and tables, e.g. ``mean deepest advance, km``.
    """

    name: str
    words: str


@dataclass(frozen=True)
class WorldMeasure:
    """One per-world measure, as every output names and reads it.

    Attributes:
        column: its column in ``worlds.parquet`` (docs/results.md).
        label: short words, as a comparison's sentences and tables use them.
        long_label: words with the unit, as a report's table heads its row.
        unit: ``km``, ``days`` or empty.
        decimals: digits after the point wherever a value is shown.
        escalation: whether more of it is escalation (``MORE``), less (``LESS``) or neither.
        more, less: a higher and a lower value in words (``deeper``, ``shallower``).
        event: for a day column, what happened in the worlds where it is not empty (``a
            shot was fired``); its summary is then the share of worlds where it happened,
            and the day is compared among those worlds. Empty for a measure every world has.
        summary: what sweeps, sensitivity and EMA report for it (None: nothing).
        in_report: shown in a run's report.
        typical: one of the few numbers that place a world among an ensemble's (the
            game's debrief, ``explain``'s typical world).
        plotted: drawn in a comparison's distributions (six fit one slide).
    """

    column: str
    label: str
    long_label: str
    unit: str
    decimals: int
    escalation: Escalation
    more: str
    less: str
    event: str = ""
    summary: Summary | None = None
    in_report: bool = True
    typical: bool = False
    plotted: bool = False

    @property
    def is_event(self) -> bool:
        """Whether this is the day of an event (empty: it never happened)."""
        return bool(self.event)

    @property
    def event_escalation(self) -> int:
        """+1 if more worlds with the event is escalation, -1 if less, 0 if neither."""
        return -int(self.escalation)  # an escalatory event is one that comes sooner

    @property
    def statistic(self) -> str:
        """How an ensemble summarises it: ``share`` of worlds with the event, or ``mean``."""
        return "share" if self.is_event else "mean"

    @property
    def with_unit(self) -> str:
        """Return the short label with its unit, e.g. ``deepest advance, km``."""
        return f"{self.label}, {self.unit}" if self.unit and not self.is_event else self.label

    def values(self, worlds: pd.DataFrame) -> np.ndarray:
        """Return its values in the worlds that have one (for an event: where it happened)."""
        values = worlds[self.column].to_numpy(dtype=np.float64)
        return values[~np.isnan(values)]

    def mean(self, worlds: pd.DataFrame) -> float:
        """Return the mean over the worlds that have a value (for an event: its mean day)."""
        return mean_of(worlds[self.column].to_numpy())

    def share(self, worlds: pd.DataFrame) -> float:
        """Return the share of worlds that have a value (for an event: where it happened)."""
        return share_of(worlds[self.column].to_numpy())

    def text(self, value: float) -> str:
        """Return a value to the measure's decimals, e.g. ``2.31``."""
        return f"{value:.{self.decimals}f}"

    def named(self, cast: CastLike | None) -> WorldMeasure:
        """Return this measure with its words naming the cast's states (``{defender}``...).

        ``cast`` is the scenario's (a folder's ``RunFolder.cast``); None names the roles
        themselves ("the defender"), for runs of different casts side by side.
        """
        summary = self.summary
        if summary is not None:
            summary = replace(summary, words=name_roles(summary.words, cast))
        return replace(
            self,
            label=name_roles(self.label, cast),
            long_label=name_roles(self.long_label, cast),
            event=name_roles(self.event, cast),
            summary=summary,
        )


_LATER, _SOONER = "later", "sooner"

WORLD_MEASURES: tuple[WorldMeasure, ...] = (
    WorldMeasure(
        "max_depth_km",
        "deepest advance",
        "Deepest advance past the pre-crisis line (km)",
        "km",
        2,
        Escalation.MORE,
        "deeper",
        "shallower",
        summary=Summary("mean_max_depth_km", "mean deepest advance, km"),
        typical=True,
        plotted=True,
    ),
    WorldMeasure(
        "final_depth_km",
        "advance at the end",
        "Advance held at the end (km)",
        "km",
        2,
        Escalation.MORE,
        "deeper",
        "shallower",
        summary=Summary("mean_final_depth_km", "mean advance held at the end, km"),
        in_report=False,
        plotted=True,
    ),
    WorldMeasure(
        "max_rung",
        "highest escalation rung",
        "Highest escalation rung (1-5)",
        "",
        2,
        Escalation.MORE,
        "higher",
        "lower",
        summary=Summary("mean_max_rung", "mean highest escalation rung (1-5)"),
        typical=True,
        plotted=True,
    ),
    WorldMeasure(
        "peak_alarm",
        "peak public alarm",
        "Peak public alarm in {defender} (0-1)",
        "",
        2,
        Escalation.MORE,
        "higher",
        "lower",
        summary=Summary("mean_peak_alarm", "mean peak public alarm in {defender} (0-1)"),
        typical=True,
        plotted=True,
    ),
    WorldMeasure(
        "final_alarm",
        "public alarm at the end",
        "Public alarm in {defender} at the end (0-1)",
        "",
        2,
        Escalation.MORE,
        "higher",
        "lower",
        in_report=False,
    ),
    WorldMeasure(
        "killed_defender",
        "{defender}'s killed",
        "{defender}'s soldiers killed (battle deaths)",
        "",
        0,
        Escalation.MORE,
        "more",
        "fewer",
    ),
    WorldMeasure(
        "killed_attacker",
        "{attacker}'s killed",
        "{attacker}'s soldiers killed (battle deaths)",
        "",
        0,
        Escalation.MORE,
        "more",
        "fewer",
    ),
    WorldMeasure(
        "wounded_defender",
        "{defender}'s wounded",
        "{defender}'s soldiers wounded",
        "",
        0,
        Escalation.MORE,
        "more",
        "fewer",
        in_report=False,
    ),
    WorldMeasure(
        "wounded_attacker",
        "{attacker}'s wounded",
        "{attacker}'s soldiers wounded",
        "",
        0,
        Escalation.MORE,
        "more",
        "fewer",
        in_report=False,
    ),
    WorldMeasure(
        "cooperation_score",
        "cooperation score",
        "Cooperation score (Goldstein; below 0: conflictual)",
        "",
        1,
        Escalation.LESS,
        "more cooperative",
        "more conflictual",
        summary=Summary(
            "mean_cooperation_score", "mean Goldstein score of all actions (negative: conflictual)"
        ),
        typical=True,
    ),
    WorldMeasure(
        "first_shot_day",
        "days to the first shot",
        "Days to the first shot",
        "days",
        1,
        Escalation.LESS,
        _LATER,
        _SOONER,
        event="a shot was fired",
        summary=Summary("p_shots_fired", "share of worlds where a shot was fired"),
        plotted=True,
    ),
    WorldMeasure(
        "war_day",
        "days to the war line",
        "Days until the fighting crossed the war line",
        "days",
        1,
        Escalation.LESS,
        _LATER,
        _SOONER,
        event="the fighting crossed the war line",
        in_report=False,
    ),
    WorldMeasure(
        "talks_day",
        "days to talks",
        "Days to the start of talks",
        "days",
        1,
        Escalation.MORE,
        _LATER,
        _SOONER,
        event="talks started",
        summary=Summary("p_talks", "share of worlds where talks started"),
        plotted=True,
    ),
    WorldMeasure(
        "statement_day",
        "days to {defender}'s statement",
        "Days to {defender}'s official statement",
        "days",
        1,
        Escalation.NEITHER,
        _LATER,
        _SOONER,
        event="{defender} made its official statement",
    ),
    WorldMeasure(
        "appeal_day",
        "days to the appeal to the {alliance}",
        "Days to {defender}'s appeal to the {alliance}",
        "days",
        1,
        Escalation.LESS,
        _LATER,
        _SOONER,
        event="{defender} appealed to the {alliance}",
        summary=Summary("p_alliance_appeal", "share of worlds where {defender} appealed"),
    ),
)

# Sweep tables list the summaries, and a report its rows, in the order they first did, so
# that their files stay as they were; a measure added above follows these, in its order.
_SUMMARY_ORDER = (
    "first_shot_day",
    "talks_day",
    "appeal_day",
    "max_rung",
    "max_depth_km",
    "final_depth_km",
    "peak_alarm",
    "cooperation_score",
)
_REPORT_ORDER = (
    "max_depth_km",
    "max_rung",
    "peak_alarm",
    "first_shot_day",
    "talks_day",
    "statement_day",
    "appeal_day",
    "cooperation_score",
)


def world_measure(column: str) -> WorldMeasure:
    """Return the measure of a ``worlds.parquet`` column (read at call time: added ones count)."""
    for measure in WORLD_MEASURES:
        if measure.column == column:
            return measure
    raise KeyError(column)


def _ordered(measures: list[WorldMeasure], order: tuple[str, ...]) -> list[WorldMeasure]:
    rank = {column: index for index, column in enumerate(order)}
    return sorted(measures, key=lambda m: rank.get(m.column, len(order)))  # stable


def compared() -> list[WorldMeasure]:
    """Return the measures a comparison tabulates and tests: all of them, in catalogue order."""
    return list(WORLD_MEASURES)


def reported() -> list[WorldMeasure]:
    """Return the measures a run's report shows, in its table's order."""
    return _ordered([m for m in WORLD_MEASURES if m.in_report], _REPORT_ORDER)


def summarised() -> list[WorldMeasure]:
    """Return the measures with a summary, in the order sweeps' tables list them."""
    return _ordered([m for m in WORLD_MEASURES if m.summary], _SUMMARY_ORDER)


def typical() -> list[WorldMeasure]:
    """Return the measures that place a world among an ensemble's (debrief, typical world)."""
    return [m for m in WORLD_MEASURES if m.typical]


def plotted() -> list[WorldMeasure]:
    """Return the measures a comparison draws side by side (one slide each, and together)."""
    return [m for m in WORLD_MEASURES if m.plotted]


def shown(measures: list[WorldMeasure], cast: CastLike | None) -> list[WorldMeasure]:
    """Return ``measures`` less those that name a role the cast lacks (the appeal's day).

    A crisis with no alliance has no appeal to it: its column stays in the worlds
    table (empty in every world), but no report, debrief or explanation shows it.
    """
    return [
        m
        for m in measures
        if not names_missing(
            cast, m.label, m.long_label, m.event, m.summary.words if m.summary else ""
        )
    ]


def share_name(outcome: str) -> str:
    """Return the summary name of an outcome class's share, e.g. ``p_frozen_gain``."""
    return f"p_{outcome}"


def measure_names() -> list[str]:
    """Return every summary :func:`summarise` reports, outcome shares first."""
    return [share_name(o) for o in OUTCOME_NAMES] + [m.summary.name for m in summarised()]


def describe(name: str, cast: CastLike | None = None) -> str:
    """Return a summary's meaning in words (for plot labels and tables), named by ``cast``."""
    for measure in summarised():
        if measure.summary.name == name:
            return name_roles(measure.summary.words, cast)
    if name.startswith("p_") and name[2:] in OUTCOME_NAMES:
        return f"share of worlds ending in {name[2:].replace('_', ' ')}"
    raise KeyError(name)


def mean_of(values: np.ndarray) -> float:
    """Return the mean of the values that are not NaN, as pandas' ``Series.mean`` does.

    The same arithmetic (NaN counted out, the rest summed in float64, then divided by
    their count), without its dispatch: a calibration measures thousands of small sets
    (``tests/test_catalogue.py`` checks the two agree to the bit).
    """
    if values.dtype.kind == "f":
        missing = np.isnan(values)
        count = values.size - int(np.count_nonzero(missing))
        total = np.where(missing, 0.0, values).sum() if count < values.size else values.sum()
    else:
        count, total = values.size, values.sum(dtype=np.float64)
    return float(total / np.float64(count)) if count else float("nan")


def share_of(values: np.ndarray) -> float:
    """Return the share of values that are not NaN (of worlds where an event happened)."""
    if not values.size:
        return float("nan")
    if values.dtype.kind != "f":
        return 1.0
    return (values.size - int(np.count_nonzero(np.isnan(values)))) / values.size


def summarise(worlds: pd.DataFrame) -> dict[str, float]:
    """Return every summary of a table of worlds, plus ``worlds`` and per-class counts."""
    total = len(worlds)
    counts = worlds["outcome"].value_counts()
    found: dict[str, float] = {"worlds": total}
    for outcome in OUTCOME_NAMES:
        count = int(counts.get(outcome, 0))
        found[f"n_{outcome}"] = count
        found[share_name(outcome)] = count / total
    for measure in summarised():
        found[measure.summary.name] = (
            measure.share(worlds) if measure.is_event else measure.mean(worlds)
        )
    return found
