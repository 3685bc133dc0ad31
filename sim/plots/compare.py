"""The plots of a comparison: outcome shares side by side, their changes, measures' ECDFs.

Each figure is a 16:9 slide like a run's plots (:mod:`sim.plots.run`), one colour per run
(the reference grey) so a run keeps its colour in every plot. The measures drawn are the
catalogue's ``plotted`` ones (:mod:`sim.catalogue.measures`): six, one slide each and
together on one. The comparison itself is computed by :mod:`sim.readers.compare`; this
module only draws it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from sim.catalogue.measures import WorldMeasure, plotted, world_measure
from sim.catalogue.outcomes import OUTCOME_COLOURS
from sim.folders.runfolder import common_cast
from sim.plots.run import DPI, INK, SIZE, as_written, save_figure, slide_figure
from sim.wording import percent, signed

if TYPE_CHECKING:  # a plot reads a comparison; it never computes one
    from sim.readers.compare.comparison import Comparison

#: Run colours, the reference first (grey), so a run keeps its colour in every plot.
RUN_COLOURS = ["#4b5563", "#b91c1c", "#2563eb", "#15803d", "#b45309", "#6d28d9", "#0e7490"]


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
            text = percent(row["share"])
            if index and row["changed"]:
                text += f" ({signed(row['diff_pts'])})"
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


def _draw_distribution(axes, comparison: Comparison, measure: WorldMeasure, small: bool) -> None:
    horizon = float(comparison.reference.manifest.get("horizon_days") or 0)
    for index, (run, label) in enumerate(zip(comparison.runs, comparison.labels, strict=True)):
        values = np.sort(measure.values(run.worlds))
        colour = _colour(index)
        if measure.is_event:  # cumulative share of all worlds where it has happened by day d
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
        axes.set_xlabel("days since the start" if measure.is_event else name)
        axes.set_ylabel(
            f"share of worlds where {measure.event}, by then"
            if measure.is_event
            else "share of worlds at or below"
        )
        _legend_below(axes, len(comparison.runs))


def draw_measure(comparison: Comparison, out: Path, column: str) -> Path:
    """Draw one measure's distribution per run, as ECDFs (day columns: share of worlds by day)."""
    measure = world_measure(column).named(common_cast(comparison.runs))
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
    cast = common_cast(comparison.runs)
    for axes, measure in zip(grid.flat, plotted(), strict=True):
        _draw_distribution(axes, comparison, measure.named(cast), small=True)
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
    paths += [draw_measure(comparison, out, measure.column) for measure in plotted()]
    return paths
