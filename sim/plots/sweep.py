"""Plots of a sweep, drawn from its points table alone (slide-sized, the runs' house style).

- One parameter: each outcome class's share against the parameter, with 95% Wilson
  bands (the share is estimated from a finite number of worlds per point).
- Two parameters on a grid: one heatmap per outcome class that varies, values printed.
- A sample (or more parameters): the most variable outcome share against each
  parameter, one panel per parameter.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from statsmodels.stats.proportion import proportion_confint

from sim.catalogue.measures import OUTCOME_NAMES, share_name
from sim.catalogue.outcomes import OUTCOME_COLOURS
from sim.plots.run import DPI, INK, as_written, save_figure, slide_figure

MAX_PANELS = 4


def _subtitle(manifest: dict) -> str:
    return (
        f"{manifest['points']:,} points x {manifest['worlds_per_point']:,} worlds, "
        f"seed {manifest['seed']} (the same worlds at every point)"
    )


def varying_outcomes(table: pd.DataFrame, limit: int = MAX_PANELS) -> list[str]:
    """Return the outcome classes whose share varies most across points (at most ``limit``)."""
    spread = {
        outcome: float(table[share_name(outcome)].max() - table[share_name(outcome)].min())
        for outcome in OUTCOME_NAMES
        if table[share_name(outcome)].max() > 0
    }
    ranked = sorted(spread, key=lambda o: (-spread[o], OUTCOME_NAMES.index(o)))
    return ranked[:limit]


def _short(path: str) -> str:
    return path.split(".")[-1].replace("_", " ")


def _label(path: str) -> str:
    return f"{_short(path)}\n({path})"


def _ticks(values) -> list[str]:
    return [f"{v:g}" if isinstance(v, float) else str(v) for v in values]


def _titled_figure(title: str, subtitle: str, size: tuple[float, float]) -> Figure:
    figure = Figure(figsize=size, dpi=DPI, layout="constrained")
    figure.suptitle(
        as_written(f"{title}\n{subtitle}"),
        x=0.01,
        ha="left",
        fontsize=12,
        fontweight="bold",
        color=INK,
    )
    return figure


def draw_one_parameter(table: pd.DataFrame, manifest: dict, path: str, out: Path) -> Path:
    """Draw every occurring outcome share against one parameter, with Wilson bands."""
    figure, axes = slide_figure(
        f"Outcomes as {path} varies: {manifest['title']}", _subtitle(manifest)
    )
    ordered = table.sort_values(path)
    x = ordered[path]
    categorical = not pd.api.types.is_numeric_dtype(x) or pd.api.types.is_bool_dtype(x)
    positions = np.arange(len(x)) if categorical else x.to_numpy(dtype=float)
    for outcome in OUTCOME_NAMES:
        if ordered[share_name(outcome)].max() == 0:
            continue
        low, high = proportion_confint(
            ordered[f"n_{outcome}"], ordered["worlds"], alpha=0.05, method="wilson"
        )
        colour = OUTCOME_COLOURS[outcome]
        axes.fill_between(positions, low, high, color=colour, alpha=0.15, lw=0)
        axes.plot(
            positions,
            ordered[share_name(outcome)],
            marker="o",
            ms=4,
            lw=2,
            color=colour,
            label=outcome.replace("_", " "),
        )
    if categorical:
        axes.set_xticks(positions, [str(v) for v in x])
    axes.set_xlabel(_label(path))
    axes.set_ylabel("share of worlds (bands: 95% Wilson interval)")
    axes.set_ylim(0, 1)
    axes.grid(axis="y", color="#e5e7eb")
    axes.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize=9)
    return save_figure(figure, out / "shares_by_parameter.png")


def draw_two_parameters(table: pd.DataFrame, manifest: dict, paths: list[str], out: Path) -> Path:
    """Draw one heatmap per varying outcome class over a two-parameter grid."""
    first, second = paths
    outcomes = varying_outcomes(table)
    columns = min(2, len(outcomes))
    rows = -(-len(outcomes) // columns)
    figure = _titled_figure(
        f"Outcome shares over {_short(first)} and {_short(second)}: {manifest['title']}",
        _subtitle(manifest),
        (10, 3.8 * rows + 1.0),
    )
    image = None
    for number, outcome in enumerate(outcomes):
        axes = figure.add_subplot(rows, columns, number + 1)
        grid = table.pivot_table(index=second, columns=first, values=share_name(outcome))
        image = axes.imshow(
            grid.to_numpy(), origin="lower", aspect="auto", cmap="Reds", vmin=0, vmax=1
        )
        for (i, j), value in np.ndenumerate(grid.to_numpy()):
            axes.text(
                j,
                i,
                f"{value:.0%}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if value > 0.6 else INK,
            )
        axes.set_xticks(range(len(grid.columns)), _ticks(grid.columns), fontsize=7)
        axes.set_yticks(range(len(grid.index)), _ticks(grid.index), fontsize=7)
        axes.set_xlabel(first, fontsize=8)
        if number % columns == 0:
            axes.set_ylabel(second, fontsize=8)
        axes.set_title(outcome.replace("_", " "), fontsize=10, loc="left", color=INK)
    if image is not None:
        colourbar = figure.colorbar(image, ax=figure.axes, fraction=0.03, pad=0.02)
        colourbar.set_label("share of worlds")
    figure.savefig(out / "shares_heatmap.png", dpi=DPI)
    return out / "shares_heatmap.png"


def draw_sample(table: pd.DataFrame, manifest: dict, paths: list[str], out: Path) -> Path:
    """Draw the most variable outcome share against each parameter of a sample."""
    outcome = (varying_outcomes(table, 1) or [OUTCOME_NAMES[-1]])[0]
    shown = paths[:8]
    columns = min(4, len(shown))
    rows = -(-len(shown) // columns)
    figure = _titled_figure(
        f"Share of {outcome.replace('_', ' ')} across the sample: {manifest['title']}",
        _subtitle(manifest),
        (10, 2.8 * rows + 1.2),
    )
    colour = OUTCOME_COLOURS[outcome]
    for number, path in enumerate(shown):
        axes = figure.add_subplot(rows, columns, number + 1)
        axes.scatter(table[path], table[share_name(outcome)], s=10, color=colour, alpha=0.7)
        axes.set_xlabel(path.split(".")[-1].replace("_", " "), fontsize=8)
        axes.set_ylim(0, 1)
        axes.tick_params(labelsize=7)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        if number % columns == 0:
            axes.set_ylabel("share of worlds", fontsize=8)
    figure.savefig(out / "shares_by_sample.png", dpi=DPI)
    return out / "shares_by_sample.png"


def draw_sweep(table: pd.DataFrame, manifest: dict, out: Path) -> list[Path]:
    """Draw the plots that fit the sweep's design into ``out``; return their paths."""
    paths = manifest["parameters"]
    if manifest["method"] == "grid" and len(paths) == 1:
        return [draw_one_parameter(table, manifest, paths[0], out)]
    if manifest["method"] == "grid" and len(paths) == 2 and varying_outcomes(table):
        return [draw_two_parameters(table, manifest, paths, out)]
    return [draw_sample(table, manifest, paths, out)]
