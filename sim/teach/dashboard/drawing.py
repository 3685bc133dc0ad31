"""The dashboard's pictures of one world: a schematic border map and three gauges.

Pure matplotlib on ``Figure`` objects (no pyplot state: the server draws from several
threads), from a :class:`~sim.core.world.WorldState` and its scenario alone, so they are
tested without a browser. Sized and coloured for a classroom projector; the colours
(blue, orange, purple) stay apart for colour-blind viewers.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np
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


def _label(name: str, width: int) -> str:
    short = name if len(name) <= 2 * width else name[: 2 * width - 1] + "…"
    return as_written("\n".join(textwrap.wrap(short, width)) or " ")


@dataclass(frozen=True)
class MapState:
    """What a map shows of the border: the world as it is, or as one government sees it.

    Fields a viewer does not see are None and are left off the map. ``estimate`` marks
    depths that are estimates (Yerevan's reports come late and with error, May 2021).
    """

    depth_km: np.ndarray  # (k,)
    entrenched: np.ndarray | None = None  # (k,) bool
    defender_force: np.ndarray | None = None  # (k,) FORCE_RANK
    patron_presence: np.ndarray | None = None  # (k,) bool
    estimate: bool = False
    viewer: str | None = None  # whose picture it is (None: the world as it is)

    @classmethod
    def of_world(cls, world: WorldState, index: int = 0) -> MapState:
        """Return the map of world ``index`` as it is."""
        return cls(
            world.depth_km[index],
            world.entrenched[index],
            world.defender_force[index],
            world.patron_presence[index],
        )

    @classmethod
    def of_view(cls, view, viewer: str, estimate: bool) -> MapState | None:
        """Return the map a government's view holds (its first world), or None if no map.

        An outside capital sees only the total depth: it has no map.
        """
        if not hasattr(view, "depth_km"):
            return None

        def seen(name: str) -> np.ndarray | None:
            return np.asarray(getattr(view, name))[0] if hasattr(view, name) else None

        force = seen("defender_force")
        return cls(
            np.asarray(view.depth_km)[0],
            seen("entrenched"),
            force if force is not None else seen("own_force"),
            seen("patron_presence"),
            estimate,
            viewer,
        )


def draw_border_map(
    world: WorldState, scenario: Scenario, index: int = 0, day: float | None = None
) -> Figure:
    """Draw world ``index`` of ``world`` as it is (see :func:`draw_map`)."""
    return draw_map(MapState.of_world(world, index), scenario, day)


#: The narrow map's width in pixels: a phone shows it at 340-400 px, so that its smallest
#: text (13 pt, 18 px here) is at least 12 px on the phone.
NARROW_PX = 480


def draw_map(
    state: MapState, scenario: Scenario, day: float | None = None, narrow: bool = False
) -> Figure:
    """Draw the border as a schematic: one band per sector, the advance into the defender.

    The pre-crisis line runs across the middle, the attacker above and the defender
    below. In each sector a bar goes down from the line as far as the attacker's forces
    have advanced (the dotted frame is as far as the terrain allows, hatched when they
    have dug in); a square on the defender's side says who holds it (border guards or
    army) and a diamond marks the patron's troops on the line. An estimate is drawn
    pale, its depths written "≈", and the title says whose estimate it is. Sized for a
    projector at the back of a room: 16:9, labels of 14-20 pt at 1280 px across.
    ``narrow``: for a phone, :data:`NARROW_PX` across and taller, the legend below the
    map and the title in two lines, so that no text is under 12 px on the phone.
    """
    sectors = list(scenario.sectors.values())
    k = len(sectors)
    depth = state.depth_km
    figure = Figure(figsize=(NARROW_PX / 100, 6.6) if narrow else (12.8, 6.4), dpi=100)
    axes = figure.add_subplot()
    deepest = max(float(max(s.max_advance_km for s in sectors)), 0.1)
    axes.set_xlim(-0.5, k - 0.5)
    axes.set_ylim(-deepest * 1.55, deepest * 0.6)
    axes.axhline(0, color=INK, lw=3)
    cast = scenario.cast
    attacker, defender = (
        cast.label(cast.state(Role.ATTACKER)),
        cast.label(cast.state(Role.DEFENDER)),
    )
    big = {"fontsize": 18, "fontweight": "bold", "color": INK}
    axes.text(-0.45, deepest * 0.55, attacker.upper(), va="top", **big)
    axes.text(-0.45, -deepest * 1.5, defender.upper(), va="bottom", **big)
    depth_size = 13 if narrow else 18
    axes.text(-0.45, 0.03 * deepest, "pre-crisis line", va="bottom", fontsize=13, color="#4b5563")
    width = 0.56
    width_chars = max(8, int((30 if narrow else 72) / k))
    approx = "≈ " if state.estimate else ""
    for column, sector in enumerate(sectors):
        room = float(sector.max_advance_km)
        axes.add_patch(
            Rectangle(
                (column - width / 2, -room), width, room, fill=False, ls=":", lw=1.5, ec="#9ca3af"
            )
        )
        km = float(depth[column])
        dug_in = state.entrenched is not None and bool(state.entrenched[column])
        if km > 0:
            axes.add_patch(
                Rectangle(
                    (column - width / 2, -min(km, room)),
                    width,
                    min(km, room),
                    color=ADVANCE,
                    alpha=0.45 if state.estimate else 0.85,
                    hatch="//" if dug_in else None,
                    gid="advance",
                )
            )
        axes.text(
            column,
            -min(max(km, 0.0), room) - 0.05 * deepest,
            f"{approx}{max(km, 0.0):.1f} km",
            ha="center",
            va="top",
            fontsize=depth_size,
            fontweight="bold",
            color=ADVANCE if km > 0 else "#6b7280",
            gid="depth",
        )
        force = 0 if state.defender_force is None else int(state.defender_force[column])
        if force:
            axes.plot(
                column,
                -room - 0.28 * deepest,
                "s",
                ms=22,
                color=ARMY if force >= 2 else GUARDS,
                gid=f"force-{force}",
            )
        if state.patron_presence is not None and bool(state.patron_presence[column]):
            axes.plot(column + width / 2 + 0.08, 0, "D", ms=18, color=PATRON, gid="patron")
        axes.text(
            column,
            deepest * 0.25,
            _label(sector.name, width_chars),
            ha="center",
            va="center",
            fontsize=13 if narrow or k > 6 else 16,
            fontweight="bold",
            color=INK,
        )
    legend = [
        Rectangle((0, 0), 1, 1, color=ADVANCE, label=f"{attacker}'s advance"),
        Rectangle((0, 0), 1, 1, fill=False, ls=":", ec="#9ca3af", label="as far as terrain allows"),
    ]
    if state.defender_force is not None:
        legend += [
            axes.plot([], [], "s", color=GUARDS, ms=14, label="border guards")[0],
            axes.plot([], [], "s", color=ARMY, ms=14, label="army")[0],
        ]
    if state.patron_presence is not None and scenario.cast.has(Role.PATRON):  # none: no troops
        patron = scenario.cast.label(scenario.cast.state(Role.PATRON))
        legend.append(axes.plot([], [], "D", color=PATRON, ms=12, label=f"{patron}'s troops")[0])
    if narrow:  # below the map, where it covers nothing
        axes.legend(
            handles=legend,
            loc="upper left",
            bbox_to_anchor=(0, 0),
            fontsize=13,
            frameon=False,
            ncols=1,
        )
    else:
        axes.legend(handles=legend, loc="lower right", fontsize=13, frameon=False, ncols=2)
    axes.set_xticks([])
    axes.set_yticks([])
    for side in axes.spines.values():
        side.set_visible(False)
    when = f"Day {day:g}: " if day is not None else ""
    total = float(np.clip(depth, 0.0, None).sum())
    whose = f"{state.viewer}'s estimate, late and uncertain: " if state.estimate else ""
    title = f"{when}{whose}{approx}{total:.1f} km past the line in all"
    figure.suptitle(
        "\n".join(textwrap.wrap(title, 34)) if narrow else title,
        x=0.01,
        ha="left",
        fontsize=15 if narrow else 20,
        fontweight="bold",
        color=INK,
    )
    figure.tight_layout()
    return figure


def figure_png(figure: Figure) -> bytes:
    """Return ``figure`` as PNG bytes, for an image that scales to its page's width."""
    import io

    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


#: The gauges' smallest text, in points: 12 px and more on the home page at 1280×720,
#: where the figure (1500 px at its DPI) is shown about 840 px wide.
GAUGE_TEXT_PT = 11


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
            fontsize=GAUGE_TEXT_PT,
            color=INK if level < 4 or not filled else "white",
        )
    axes.set_xlim(0, 5)
    axes.set_title(
        f"Escalation: {Rung(rung).label} (highest so far: {Rung(highest).label})",
        loc="left",
        fontsize=GAUGE_TEXT_PT + 3,
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
        axes.set_title(title, loc="left", fontsize=GAUGE_TEXT_PT + 3, color=INK)
    for axes in meters:
        axes.set_ylim(0, 1)
        axes.set_yticks([])
        axes.tick_params(labelsize=GAUGE_TEXT_PT, colors=INK)
        for side in axes.spines.values():
            side.set_visible(False)
    meters[0].set_xticks([])
    figure.tight_layout()
    return figure
