"""Plots of a run, drawn from its results folder alone.

Nothing here imports the simulator: every figure is read off the files documented in
docs/results.md, so ``crisis-sim plot RUN_DIR`` redraws a run's plots without rerunning
it, on any machine that has the folder. Figures are built on ``matplotlib.figure.Figure``
directly (no pyplot state), sized for a slide.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from statistics import NormalDist

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.catalogue import plots as catalogue
from sim.catalogue.outcomes import OUTCOME_COLOURS
from sim.folders.runfolder import RunFolder, RunFolderError, open_run  # plots never touch the model
from sim.wording import counted

SIZE = (10, 5.6)
DPI = 150
INK = "#1f2937"
ACCENT = "#b91c1c"


def _label(name: str) -> str:
    return name.replace("_", " ")


def _dates(manifest: dict, days: pd.Series | np.ndarray) -> list[dt.datetime]:
    start = dt.datetime.fromisoformat(manifest["start_date"])
    return [start + dt.timedelta(days=float(d)) for d in days]


def _figure(manifest: dict, title: str) -> tuple[Figure, object]:
    return slide_figure(
        f"{title}: {manifest['title']}",
        f"{counted(manifest['worlds'], 'world')}, seed {manifest['seed']}",
    )


def as_written(text: str) -> str:
    """Return user text for matplotlib, shown as written (``$`` does not start maths)."""
    return text.replace("$", r"\$")


def slide_figure(title: str, subtitle: str) -> tuple[Figure, object]:
    """Return a slide-sized figure and its axes, titled in the house style."""
    title, subtitle = as_written(title), as_written(subtitle)
    figure = Figure(figsize=SIZE, dpi=DPI)
    axes = figure.add_subplot()
    figure.suptitle(
        title,
        x=0.02,
        ha="left",
        fontsize=14,
        fontweight="bold",
        color=INK,
    )
    axes.set_title(
        subtitle,
        loc="left",
        fontsize=10,
        color="#4b5563",
    )
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def save_figure(figure: Figure, path: Path) -> Path:
    """Lay out and write a figure at slide resolution; return the path."""
    figure.tight_layout()
    figure.savefig(path, dpi=DPI)
    return path


def wilson_interval(count: int, total: int, confidence: float = 0.95) -> tuple[float, float]:
    """Return the Wilson score interval of a share (Newcombe 1998), without continuity correction.

    The same arithmetic as ``scipy.stats.binomtest(count, total).proportion_ci(method=
    "wilson")`` (tests/test_plots.py compares them), written out because importing
    ``scipy.stats`` takes a third of a second, a fifth of a small run's whole time; the
    normal quantile comes from the standard library for the same reason.
    """
    p = count / total
    z = NormalDist().inv_cdf(0.5 + 0.5 * confidence)  # the standard library's, not SciPy's
    denominator = 2 * (total + z**2)
    centre = (2 * total * p + z**2) / denominator
    delta = z / denominator * np.sqrt(4 * total * p * (1 - p) + z**2)
    low = 0.0 if count == 0 else float(centre - delta)
    high = 1.0 if count == total else float(centre + delta)
    return low, high


def outcome_share_table(worlds: pd.DataFrame, classes: list[str]) -> pd.DataFrame:
    """Return each outcome class's count and share with a 95% Wilson interval."""
    total = len(worlds)
    counts = worlds["outcome"].value_counts()
    rows = []
    for outcome in classes:
        count = int(counts.get(outcome, 0))
        rows.append((outcome, count, count / total, *wilson_interval(count, total)))
    return pd.DataFrame(rows, columns=["outcome", "count", "share", "ci_low", "ci_high"])


def draw_outcome_shares(run: RunFolder, out: Path) -> Path:
    """Draw horizontal bars of outcome shares with 95% intervals."""
    manifest = run.manifest
    table = outcome_share_table(run.worlds, manifest["outcome_classes"])
    table = table.iloc[::-1]  # first class at the top
    plot = catalogue.run_plot("outcome_shares").named(run.cast)
    figure, axes = _figure(manifest, plot.title)
    positions = np.arange(len(table))
    colours = [OUTCOME_COLOURS[o] for o in table["outcome"]]
    axes.barh(positions, table["share"], color=colours, height=0.65)
    axes.errorbar(
        table["share"],
        positions,
        xerr=[table["share"] - table["ci_low"], table["ci_high"] - table["share"]],
        fmt="none",
        ecolor=INK,
        elinewidth=1,
        capsize=3,
    )
    for y, (share, high) in enumerate(zip(table["share"], table["ci_high"], strict=True)):
        axes.text(high + 0.01, y, f"{share:.1%}", va="center", fontsize=10, color=INK)
    axes.set_yticks(positions, [_label(o) for o in table["outcome"]], fontsize=11)
    axes.set_xlim(0, min(1.0, table["ci_high"].max() + 0.12))
    axes.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    axes.set_xlabel("share of worlds (bars: 95% Wilson interval)")
    return save_figure(figure, out / plot.filename)


def draw_fan(run: RunFolder, out: Path, measure: str) -> Path:
    """Draw the catalogue's fan chart of one measure: 5-95% and 25-75% bands, median, mean."""
    plot = next(p for p in catalogue.RUN_PLOTS if p.measure == measure).named(run.cast)
    manifest = run.manifest
    per_tick = run.table("per_tick")
    rows = per_tick[per_tick["measure"] == measure].sort_values("tick")
    if rows.empty:
        raise RunFolderError(
            f"{run.path}/per_tick.parquet has no rows for {measure}. Rerun the scenario."
        )
    dates = _dates(manifest, rows["day"])
    figure, axes = _figure(manifest, plot.title)
    axes.fill_between(
        dates, rows["q05"], rows["q95"], color=ACCENT, alpha=0.15, lw=0, label="5-95% of worlds"
    )
    axes.fill_between(
        dates, rows["q25"], rows["q75"], color=ACCENT, alpha=0.3, lw=0, label="25-75% of worlds"
    )
    axes.plot(dates, rows["q50"], color=ACCENT, lw=2, label="median")
    axes.plot(dates, rows["mean"], color=INK, lw=1.2, ls="--", label="mean")
    axes.set_ylabel(plot.axis)
    if measure == "rung":
        axes.set_ylim(0.8, 5.2)
        labels = manifest["rung_labels"]
        axes.set_yticks(range(1, 6), [f"{r} {labels[str(r)]}" for r in range(1, 6)])
    else:
        axes.set_ylim(bottom=0)
    if measure == "alarm":
        axes.set_ylim(0, 1)
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b"))
    axes.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=10))
    axes.legend(loc="upper right", frameon=False, fontsize=9)
    axes.grid(axis="y", color="#e5e7eb")
    return save_figure(figure, out / plot.filename)


def draw_rung_heatmap(run: RunFolder, out: Path) -> Path:
    """Draw the share of worlds at each rung, by calendar day."""
    manifest = run.manifest
    shares = run.table("state_shares")
    rung = shares[shares["variable"] == "rung"].copy()
    rung["whole_day"] = np.floor(rung["day"] - 1e-9).astype(int)
    grid = rung.pivot_table(index="state", columns="whole_day", values="share", aggfunc="mean")
    grid = grid.reindex([str(r) for r in range(1, 6)]).fillna(0.0)
    plot = catalogue.run_plot("rung_heatmap").named(run.cast)
    figure, axes = _figure(manifest, plot.title)
    image = axes.imshow(
        grid.to_numpy(),
        aspect="auto",
        origin="lower",
        cmap="Reds",
        vmin=0,
        vmax=1,
        interpolation="nearest",
    )
    days = list(grid.columns)
    step = max(1, -(-len(days) // 8))  # at most eight date labels
    dates = _dates(manifest, days)
    axes.set_xticks(
        range(0, len(days), step), [dates[i].strftime("%-d %b") for i in range(0, len(days), step)]
    )
    labels = manifest["rung_labels"]
    axes.set_yticks(range(5), [f"{r} {labels[str(r)]}" for r in range(1, 6)])
    axes.set_xlabel("day (average over its ticks)")
    colourbar = figure.colorbar(image, ax=axes, fraction=0.04, pad=0.02)
    colourbar.set_label("share of worlds")
    return save_figure(figure, out / plot.filename)


#: The plots drawn their own way, by catalogue name; every other plot is a fan chart.
DRAWN_THEIR_OWN_WAY = {"outcome_shares": draw_outcome_shares, "rung_heatmap": draw_rung_heatmap}


def draw_plot(plot: catalogue.RunPlot, run: RunFolder, out: Path) -> Path:
    """Draw one of the catalogue's plots of ``run`` into ``out``; return its path."""
    if plot.measure is not None:
        return draw_fan(run, out, plot.measure)
    return DRAWN_THEIR_OWN_WAY[plot.name](run, out)


def draw_all(run_dir: Path) -> list[Path]:
    """Draw every plot of the catalogue (sim.catalogue.plots) into ``plots/``; return the paths."""
    run = open_run(run_dir)
    out = run.path / "plots"
    out.mkdir(exist_ok=True)
    return [draw_plot(plot, run, out) for plot in catalogue.RUN_PLOTS]
