"""The dashboard's pictures of one world: a schematic border map and three gauges.

Pure matplotlib on ``Figure`` objects (no pyplot state: the server draws from several
threads), from a :class:`~sim.core.world.WorldState` and its scenario alone, so they are
tested without a browser. Sized and coloured for a classroom projector; the colours
(blue, orange, purple) stay apart for colour-blind viewers.
"""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.catalogue.roles import Role
from sim.core.actions import Rung
from sim.core.world import WorldState
from sim.plots.run import ACCENT, DPI, INK, as_written
from sim.spec.schema import Scenario

ADVANCE = "#d55e00"  # vermilion: Azerbaijani advance
GUARDS = "#56b4e9"  # sky blue: NSS border guards
ARMY = "#0072b2"  # blue: regular army
PATRON = "#7b3294"  # purple: the patron's troops (Russian in May 2021)
FORCE_NAMES = {0: "nobody", 1: "border guards", 2: "army"}


def _label(name: str, width: int) -> str:
    short = name if len(name) <= 2 * width else name[: 2 * width - 1] + "…"
    return as_written("\n".join(textwrap.wrap(short, width)) or " ")


def draw_border_map(
    world: WorldState, scenario: Scenario, index: int = 0, day: float | None = None
) -> Figure:
    """Draw the border as a schematic: one band per sector, the advance into Armenia.

    The pre-crisis line runs across the middle, Azerbaijan above and Armenia below. In
    each sector a bar goes down from the line as far as Azerbaijani forces have
    advanced (the dotted frame is as far as the terrain allows, hatched when they have
    dug in); a square on the Armenian side says who holds it (border guards or army)
    and a diamond marks Russian troops on the line.
    """
    sectors = list(scenario.sectors.values())
    k = len(sectors)
    depth = world.depth_km[index]
    figure = Figure(figsize=(10, 5.6), dpi=DPI)
    axes = figure.add_subplot()
    deepest = max(float(max(s.max_advance_km for s in sectors)), 0.1)
    axes.set_xlim(-0.5, k - 0.5)
    axes.set_ylim(-deepest * 1.45, deepest * 0.55)
    axes.axhline(0, color=INK, lw=2.5)
    cast = scenario.cast
    attacker, defender = (
        cast.label(cast.state(Role.ATTACKER)),
        cast.label(cast.state(Role.DEFENDER)),
    )
    axes.text(
        -0.45, deepest * 0.45, attacker.upper(), fontsize=11, fontweight="bold", color=INK, va="top"
    )
    axes.text(
        -0.45,
        -deepest * 1.4,
        defender.upper(),
        fontsize=11,
        fontweight="bold",
        color=INK,
        va="bottom",
    )
    axes.text(-0.45, 0.03 * deepest, "pre-crisis line", va="bottom", fontsize=9, color="#4b5563")
    width = 0.5
    width_chars = max(6, int(60 / k))
    for column, sector in enumerate(sectors):
        room = float(sector.max_advance_km)
        axes.add_patch(
            Rectangle((column - width / 2, -room), width, room, fill=False, ls=":", ec="#9ca3af")
        )
        km = float(depth[column])
        if km > 0:
            axes.add_patch(
                Rectangle(
                    (column - width / 2, -km),
                    width,
                    km,
                    color=ADVANCE,
                    alpha=0.85,
                    hatch="//" if bool(world.entrenched[index, column]) else None,
                    gid="advance",
                )
            )
        axes.text(
            column,
            -km - 0.04 * deepest,
            f"{km:.1f} km",
            ha="center",
            va="top",
            fontsize=10,
            color=ADVANCE if km > 0 else "#6b7280",
            gid="depth",
        )
        force = int(world.defender_force[index, column])
        if force:
            axes.plot(
                column,
                -room - 0.18 * deepest,
                "s",
                ms=14,
                color=ARMY if force >= 2 else GUARDS,
                gid=f"force-{force}",
            )
        if bool(world.patron_presence[index, column]):
            axes.plot(column + width / 2 + 0.08, 0, "D", ms=13, color=PATRON, gid="patron")
            axes.text(
                column + width / 2 + 0.08,
                0.12 * deepest,
                "RU",
                ha="center",
                fontsize=9,
                color=PATRON,
                fontweight="bold",
            )
        axes.text(
            column,
            deepest * 0.2,
            _label(sector.name, width_chars),
            ha="center",
            va="center",
            fontsize=9 if k <= 8 else 7,
            color=INK,
        )
    patron = scenario.cast.label(scenario.cast.state(Role.PATRON))
    legend = [
        Rectangle((0, 0), 1, 1, color=ADVANCE, label=f"{attacker}'s advance"),
        Rectangle((0, 0), 1, 1, fill=False, ls=":", ec="#9ca3af", label="as far as terrain allows"),
        axes.plot([], [], "s", color=GUARDS, ms=10, label="NSS border guards")[0],
        axes.plot([], [], "s", color=ARMY, ms=10, label="army")[0],
        axes.plot([], [], "D", color=PATRON, ms=9, label=f"{patron} troops")[0],
    ]
    axes.legend(handles=legend, loc="lower right", fontsize=8, frameon=False, ncols=2)
    axes.set_xticks([])
    axes.set_yticks([])
    for side in axes.spines.values():
        side.set_visible(False)
    when = f"Day {day:g}: " if day is not None else ""
    figure.suptitle(
        f"{when}{float(world.total_depth_km[index]):.1f} km past the pre-crisis line in all",
        x=0.02,
        ha="left",
        fontsize=14,
        fontweight="bold",
        color=INK,
    )
    figure.tight_layout()
    return figure


def draw_gauges(world: WorldState, scenario: Scenario, index: int = 0) -> Figure:
    """Draw three meters: the escalation rung, Armenian public alarm, the cost of defiance.

    The rung is the Correlates of War hostility level of the tick's strongest action
    (the highest so far marked); alarm runs 0-1 (its peak marked); the cost of defiance
    is the pressure on Baku to stop, on a scale that grows with it.
    """
    figure = Figure(figsize=(10, 4.2), dpi=DPI)
    rung = int(world.rung[index])
    highest = int(world.max_rung[index])
    alarm = float(world.alarm[index])
    peak = float(world.peak_alarm[index])
    cost = float(world.cost_of_defiance[index])
    meters = figure.subplots(3, 1)
    # Escalation: five cells, the current rung filled, the highest outlined.
    axes = meters[0]
    colours = ["#e5e7eb", "#fde68a", "#f59e0b", ACCENT, "#7f1d1d"]
    for level in range(1, 6):
        filled = level <= rung
        axes.add_patch(
            Rectangle(
                (level - 1, 0),
                0.96,
                1,
                color=colours[level - 1] if filled else "#f3f4f6",
                ec=INK if level == highest else "white",
                lw=2,
            )
        )
        axes.text(
            level - 0.52,
            0.5,
            textwrap.fill(Rung(level).label, 14),
            ha="center",
            va="center",
            fontsize=8,
            color=INK if level < 4 or not filled else "white",
        )
    axes.set_xlim(0, 5)
    axes.set_title(
        f"Escalation: {Rung(rung).label} (highest so far: {Rung(highest).label})",
        loc="left",
        fontsize=11,
        color=INK,
        gid="rung",
    )
    for axes, value, top, title, colour, mark in (
        (
            meters[1],
            alarm,
            1.0,
            f"Armenian public alarm: {alarm:.2f} (peak {peak:.2f})",
            ACCENT,
            peak,
        ),
        (
            meters[2],
            cost,
            max(1.0, 1.25 * cost),
            f"Cost of defiance for Baku: {cost:.2f}",
            ARMY,
            None,
        ),
    ):
        axes.barh(0.5, top, height=0.8, color="#f3f4f6")
        axes.barh(0.5, max(value, 0.0), height=0.8, color=colour)
        if mark is not None:
            axes.axvline(mark, color=INK, lw=2)
        axes.set_xlim(0, top)
        axes.set_title(title, loc="left", fontsize=11, color=INK)
    for axes in meters:
        axes.set_ylim(0, 1)
        axes.set_yticks([])
        for side in axes.spines.values():
            side.set_visible(False)
    meters[0].set_xticks([])
    figure.tight_layout()
    return figure
