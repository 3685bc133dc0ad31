"""The cases plot: each real case's outcome shares, with the class the record shows marked."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.patches import Rectangle
from matplotlib.ticker import PercentFormatter

from sim.catalogue.outcomes import OUTCOME_CLASSES, OUTCOME_COLOURS
from sim.plots.run import INK, save_figure, slide_figure
from sim.wording import counted


def draw_cases(table: pd.DataFrame, out: Path) -> Path:
    """Draw one bar per case, split by outcome class; outline the record's class.

    ``table`` is :func:`sim.experiments.cases.score_cases`'s; the figure goes to ``out``.
    """
    worlds = int(table["worlds"].min())
    figure, axes = slide_figure(
        "What one model gives each real case, and what happened",
        f"{counted(worlds, 'world')} per case, one shared set of parameters; outlined: the "
        "record's class",
    )
    rows = list(table.itertuples())
    for y, row in enumerate(rows):
        left = 0.0
        for outcome in OUTCOME_CLASSES:
            name = outcome.name.lower()
            share = getattr(row, f"share_{name}")
            if share <= 0:
                continue
            real = name == row.real
            axes.barh(
                y,
                share,
                left=left,
                color=OUTCOME_COLOURS[name],
                edgecolor=INK if real else "white",
                linewidth=2.5 if real else 0.5,
            )
            if share >= 0.08:
                axes.text(
                    left + share / 2,
                    y,
                    f"{share:.0%}",
                    ha="center",
                    va="center",
                    fontsize=9,
                    color="white",
                )
            left += share
        mark = "✓" if row.real_is_modal else "✗"
        axes.text(
            1.01,
            y,
            f"{mark} record: {row.real.replace('_', ' ')} ({row.real_share:.0%})",
            va="center",
            fontsize=9,
            color=INK,
        )
    axes.set_yticks(range(len(rows)), [row.title for row in rows], fontsize=9)
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.set_xlabel("share of worlds")
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    present = [o for o in OUTCOME_CLASSES if table[f"share_{o.name.lower()}"].gt(0).any()]
    unique = {
        o.label.capitalize(): Rectangle((0, 0), 1, 1, color=OUTCOME_COLOURS[o.name.lower()])
        for o in present
    }
    axes.legend(
        unique.values(),
        unique.keys(),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncols=4,
        fontsize=8,
        frameon=False,
    )
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return save_figure(figure, out)
