"""Plots of a calibration (slide-sized, the runs' house style).

- ``region.png``: for each parameter, the prior range and where the accepted sets lie,
  with the scenario's value marked: what the case pins down and what it leaves open.
- ``rejections.png``: which patterns rule parameter sets out, and how often.
- ``pair.png``: the two most constrained parameters, accepted and rejected sets.
- ``conclusions.png``: the outcome shares across the accepted sets.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from sim.catalogue.measures import share_name
from sim.catalogue.outcomes import OUTCOME_COLOURS
from sim.plots.run import ACCENT, DPI, INK, as_written, save_figure, slide_figure

if TYPE_CHECKING:
    from sim.experiments.calibration import Calibration

ACCEPTED = "#15803d"
REJECTED = "#d1d5db"


def _subtitle(result: Calibration) -> str:
    return (
        f"{int(result.table['accepted'].sum()):,} of {len(result.table):,} parameter sets "
        f"accepted; {result.worlds:,} worlds per set, seed {result.seed}"
    )


def _short(path: str) -> str:
    """Name a parameter briefly: ``actors.russia.influence`` -> ``russia influence``."""
    parts = [p for p in path.split(".") if p not in ("dynamics", "actors", "params")]
    return " ".join(parts).replace("_", " ")


def draw_region(result: Calibration, out: Path) -> Path:
    """Draw each parameter's accepted values against its prior range."""
    region = result.region()
    columns = min(4, len(region))
    rows = -(-len(region) // columns)
    figure = Figure(figsize=(10, 2.3 * rows + 1.3), dpi=DPI, layout="constrained")
    figure.suptitle(
        as_written(
            f"What the case pins down: {result.scenario.title}\n{_subtitle(result)}\n"
            "green: accepted sets; grey outline: all sets drawn (the prior); "
            "red: the scenario's value"
        ),
        x=0.01,
        ha="left",
        fontsize=11,
        fontweight="bold",
        color=INK,
    )
    chosen = result.accepted
    for number, row in enumerate(region.itertuples()):
        axes = figure.add_subplot(rows, columns, number + 1)
        bins = np.linspace(row.prior_low, row.prior_high, 16)
        if len(chosen):
            axes.hist(chosen[row.parameter], bins=bins, color=ACCEPTED, alpha=0.85, density=True)
        axes.hist(
            result.table[row.parameter],
            bins=bins,
            histtype="step",
            color="#6b7280",
            lw=1.5,
            density=True,
        )
        axes.axvline(float(row.current), color=ACCENT, lw=1.5)
        axes.set_title(f"{_short(row.parameter)}: {row.verdict}", fontsize=9, loc="left")
        axes.set_yticks([])
        axes.tick_params(labelsize=7)
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
    figure.savefig(out / "region.png", dpi=DPI)
    return out / "region.png"


def draw_rejections(result: Calibration, out: Path) -> Path:
    """Draw the share of parameter sets in which each pattern fails."""
    figure, axes = slide_figure(
        f"Which patterns rule parameter sets out: {result.scenario.title}", _subtitle(result)
    )
    table = result.rejections().iloc[::-1]
    bars = axes.barh(table["pattern"].str.replace("_", " "), table["fails_in"], color=ACCENT)
    axes.bar_label(bars, [f"{v:.0%}" for v in table["fails_in"]], padding=3, fontsize=9)
    axes.set_xlim(0, 1.08)
    axes.set_xlabel("share of parameter sets where the pattern holds in half the worlds or fewer")
    return save_figure(figure, out / "rejections.png")


def draw_pair(result: Calibration, out: Path) -> Path:
    """Draw the two most constrained parameters, accepted sets over rejected ones."""
    region = result.region().sort_values("shift", ascending=False, na_position="last")
    first, second = region["parameter"].iloc[:2]
    figure, axes = slide_figure(
        f"The two parameters the case constrains most: {result.scenario.title}",
        _subtitle(result),
    )
    rejected = result.table[~result.table["accepted"]]
    axes.scatter(rejected[first], rejected[second], s=8, color=REJECTED, label="rejected")
    axes.scatter(
        result.accepted[first], result.accepted[second], s=10, color=ACCEPTED, label="accepted"
    )
    axes.set_xlabel(f"{_short(first)} ({first})")
    axes.set_ylabel(f"{_short(second)} ({second})")
    axes.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return save_figure(figure, out / "pair.png")


def draw_conclusions(result: Calibration, out: Path) -> Path:
    """Draw each outcome class's share at every accepted set (how much conclusions move)."""
    figure, axes = slide_figure(
        f"Outcomes across the accepted region: {result.scenario.title}",
        f"{_subtitle(result)}; each dot one accepted set, bar its median",
    )
    table = result.conclusions()
    generator = np.random.default_rng(0)  # horizontal jitter only, for legibility
    for position, outcome in enumerate(table["outcome"]):
        shares = result.accepted[share_name(outcome)].to_numpy()
        jitter = generator.uniform(-0.18, 0.18, len(shares))
        colour = OUTCOME_COLOURS[outcome]
        axes.scatter(position + jitter, shares, s=9, color=colour, alpha=0.6)
        axes.hlines(np.median(shares), position - 0.3, position + 0.3, color=INK, lw=2)
    axes.set_xticks(range(len(table)), [o.replace("_", "\n") for o in table["outcome"]])
    axes.set_ylabel("share of worlds")
    axes.set_ylim(0, 1)
    axes.grid(axis="y", color="#e5e7eb")
    return save_figure(figure, out / "conclusions.png")


def draw_calibration(result: Calibration, out: Path) -> list[Path]:
    """Draw every calibration plot into ``out``; with nothing accepted, only rejections."""
    drawn = [draw_region(result, out), draw_rejections(result, out)]
    if int(result.table["accepted"].sum()) >= 2 and len(result.parameters) >= 2:
        drawn += [draw_pair(result, out), draw_conclusions(result, out)]
    return drawn
