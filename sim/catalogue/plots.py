"""The plots of a run, declared once: what ``plots/`` holds, with titles and captions.

``sim.plots.run.draw_all`` draws these, in this order, into a results folder; the report
shows them with their captions; the dashboard shows those marked ``on_dashboard`` under
its ensemble button. A fan chart of another per-tick measure is one more entry here
(``tests/test_catalogue.py`` adds one and finds it in the folder and the report).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sim.catalogue.roles import CastLike, name_roles

_FAN = "across worlds: 5-95% and 25-75% bands, median and mean."


@dataclass(frozen=True)
class RunPlot:
    """One plot of a run.

    Attributes:
        name: its file in ``plots/``, without ``.png``.
        title: the figure's title.
        caption: one sentence under it in a report.
        measure: for a fan chart, the per-tick measure it shows (``per_tick.parquet``);
            ``None`` for a plot drawn its own way.
        axis: a fan chart's y-axis label.
        on_dashboard: shown under the dashboard's ensemble button.
    """

    name: str
    title: str
    caption: str
    measure: str | None = None
    axis: str = ""
    on_dashboard: bool = True

    @property
    def filename(self) -> str:
        """Return the file name in ``plots/``."""
        return f"{self.name}.png"

    def named(self, cast: CastLike | None) -> RunPlot:
        """Return this plot with its words naming the cast's states (``{defender}``...)."""
        return replace(
            self,
            title=name_roles(self.title, cast),
            caption=name_roles(self.caption, cast),
            axis=name_roles(self.axis, cast),
        )


RUN_PLOTS: tuple[RunPlot, ...] = (
    RunPlot(
        "outcome_shares",
        "How the worlds end",
        "Share of worlds ending in each outcome class; bars show the 95% Wilson interval.",
    ),
    RunPlot(
        "fan_depth",
        "Advance past the pre-crisis line",
        f"Total advance past the pre-crisis line {_FAN}",
        measure="depth_km",
        axis="total advance past the pre-crisis line (km)",
    ),
    RunPlot(
        "fan_rung",
        "Escalation",
        f"Highest escalation rung of each tick {_FAN}",
        measure="rung",
        axis="escalation rung (Correlates of War hostility level)",
    ),
    RunPlot(
        "fan_alarm",
        "Public alarm in {defender}",
        f"Public alarm in {{defender}} {_FAN}",
        measure="alarm",
        axis="public alarm in {defender} (0-1)",
    ),
    RunPlot(
        "rung_heatmap",
        "Escalation by day",
        "Share of worlds at each escalation rung, by calendar day.",
        on_dashboard=False,
    ),
)


def run_plot(name: str) -> RunPlot:
    """Return the plot called ``name`` (read at call time, so an added entry counts)."""
    return next(plot for plot in RUN_PLOTS if plot.name == name)
