"""Directional checks: whether each single-lever variant moves outcomes as analysts expect.

The case brief's analysts explain the crisis by mechanisms (docs/model.md, 1.2): Baku
probed because the army had been replaced by border guards; Russia's restraint was read
as weakness; the CSTO's answer turned on consensus and on how clear the attack was;
third parties' statements raise the cost of staying put; in Armenia rumour weighed as
much as fact; talks ran with or without a mediator. Each shipped variant pulls one of
those levers. A :class:`Direction` states which way the analysts' reading says one
measure should move, and :func:`check_directions` checks it at every accepted parameter
set of a calibration, not only at the defaults: a conclusion that flips inside the
accepted region is one the case cannot support.

Each comparison runs the baseline and the variant on the same worlds and seed (common
random numbers), so the difference is the lever's, not luck's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.catalogue.measures import world_measure
from sim.core.model import with_overrides
from sim.errors import UserError
from sim.spec.parameters import scenario_parameters
from sim.spec.schema import Scenario

#: The scenario whose variants these are; their files sit beside it in scenarios/.
BASELINE = "baseline-may-2021"


@dataclass(frozen=True)
class Direction:
    """One lever, the analysts' reading of it, and the measure it should move."""

    variant: str  # the variant's scenario name (and file stem)
    lever: str
    reading: str  # the analysts' argument, from the case brief
    measure: str  # what moves, in words
    sign: int  # +1: the variant raises the measure; -1: it lowers it
    compute: Callable[[pd.DataFrame], float]

    @property
    def expected(self) -> str:
        """The expected movement in words."""
        return ("higher" if self.sign > 0 else "lower") + " than the baseline"


def _share(outcome: str) -> Callable[[pd.DataFrame], float]:
    return lambda worlds: float((worlds.outcome == outcome).mean())


DIRECTIONS: tuple[Direction, ...] = (
    Direction(
        "advance-army-line",
        "the army, not NSS border guards, holds the line",
        "Probing: Baku sensed weakness once the army was replaced by border guards",
        "mean deepest advance (km)",
        -1,
        world_measure("max_depth_km").mean,
    ),
    Direction(
        "response-protector-russia",
        "Russia protects its ally instead of brokering",
        "Russia's restraint was read as weakness; its peril is open defiance of its ceasefire",
        "share of frozen gains",
        -1,
        _share("frozen_gain"),
    ),
    Direction(
        "response-credible-csto",
        "the CSTO acts as its treaty reads",
        "The alliance's answer turned on consensus and on how clear the attack was",
        "share of alliance interventions",
        +1,
        _share("alliance_intervention"),
    ),
    Direction(
        "response-strong-west",
        "Washington and Paris speak early, often and with weight",
        "Third parties' statements raise the cost of staying put",
        "mean advance held at the end (km)",
        -1,
        world_measure("final_depth_km").mean,
    ),
    Direction(
        "response-no-rumours",
        "no false reports and no rumour from the advance",
        "In Armenia, threat perception and rumour weighed as much as facts",
        "mean peak public alarm",
        -1,
        world_measure("peak_alarm").mean,
    ),
    Direction(
        "negotiation-early-mediation",
        "Russia mediates from the first day",
        "Local commanders negotiated with or without a mediator; a mediator speeds them",
        "mean day talks began",
        -1,
        world_measure("talks_day").mean,
    ),
)


def lever_paths(baseline: Scenario, variant: Scenario) -> set[str]:
    """Return the declared uncertainties the variant itself sets (its lever, not a prior).

    A calibrated set's values apply to the variant too, except these: the no-rumours
    variant, for instance, sets ``dynamics.rumour_per_km`` to 0, and a calibrated value
    must not undo it.
    """
    before, after = scenario_parameters(baseline), scenario_parameters(variant)
    return {path for path in baseline.uncertainties if after[path].value != before[path].value}


def compare_at(
    baseline: Scenario,
    variants: dict[str, Scenario],
    overrides: dict[str, Any],
    worlds: int,
    seed: int,
    directions: Sequence[Direction] = DIRECTIONS,
) -> list[dict[str, Any]]:
    """Run the baseline and every variant at one parameter set; one row per direction.

    ``variants`` maps each direction's ``variant`` name to its scenario; another crisis
    passes its own ``directions``.
    """
    from sim.run.ensemble import run_ensemble

    base = run_ensemble(with_overrides(baseline, overrides), worlds=worlds, seed=seed).outcomes
    rows = []
    for direction in directions:
        variant = variants[direction.variant]
        kept = _kept(overrides, lever_paths(baseline, variant))
        moved = run_ensemble(with_overrides(variant, kept), worlds=worlds, seed=seed).outcomes
        rows.append(_compared(direction, base, moved))
    return rows


def _kept(overrides: dict[str, Any], levers: set[str]) -> dict[str, Any]:
    """Return a set's values less the variant's own lever."""
    return {k: v for k, v in overrides.items() if k not in levers}


def _compared(direction: Direction, base: pd.DataFrame, moved: pd.DataFrame) -> dict[str, Any]:
    """Return one direction's row: its measure under the baseline and with the lever."""
    before, after = direction.compute(base), direction.compute(moved)
    return {
        "variant": direction.variant,
        "lever": direction.lever,
        "reading": direction.reading,
        "measure": direction.measure,
        "expected": direction.expected,
        "baseline": before,
        "with_lever": after,
        "difference": after - before,
        "as_expected": bool(np.sign(after - before) == direction.sign),
    }


def load_variants(
    folder: Path, directions: Sequence[Direction] = DIRECTIONS
) -> dict[str, Scenario]:
    """Load every variant a direction names from ``folder`` (the shipped scenarios/)."""
    from sim.spec.loading import load_scenario

    found = {}
    for direction in directions:
        path = Path(folder) / f"{direction.variant}.yaml"
        if not path.is_file():
            raise UserError(
                f"{path} is missing: the directional checks compare the baseline with the "
                f"shipped variants. Point --scenarios at the folder that holds them."
            )
        found[direction.variant] = load_scenario(path).scenario
    return found


def _nothing_accepted() -> UserError:
    return UserError(
        "No accepted parameter set to check the directions at: the calibration accepted "
        "none. See its rejections.png."
    )


def spread_sets(accepted: pd.DataFrame, count: int) -> pd.DataFrame:
    """Return up to ``count`` rows evenly spread over a calibration's accepted sets."""
    if accepted.empty:
        raise _nothing_accepted()
    rows = np.unique(np.linspace(0, len(accepted) - 1, count).round().astype(int))
    return accepted.iloc[rows]


def check_directions(
    baseline: Scenario,
    variants: dict[str, Scenario],
    sets: pd.DataFrame,
    worlds: int,
    seed: int | None = None,
    progress: bool = False,
    directions: Sequence[Direction] = DIRECTIONS,
) -> pd.DataFrame:
    """Check every direction at each parameter set (a row of declared-uncertainty values).

    Returns one row per set and direction: the set's number, the direction's lever and
    expectation, the measure under the baseline and with the lever, their difference and
    whether it has the expected sign. Another crisis passes its own ``directions``.
    """
    if directions is DIRECTIONS and baseline.name != BASELINE:
        raise UserError(
            f"The directional checks are written for the variants of {BASELINE}; "
            f"{baseline.name} is another scenario. Write its own directions first."
        )
    if len(sets) == 0:
        raise _nothing_accepted()
    from sim.run.sets import run_sets

    seed = baseline.seed if seed is None else seed
    paths = list(baseline.uncertainties)
    chosen = [
        {k: v.item() if isinstance(v, np.generic) else v for k, v in values.items()}
        for values in sets[paths].to_dict(orient="records")
    ]
    # Every set of the baseline, then of each variant, as the worlds of one block each.
    base = run_sets(baseline, chosen, worlds, seed, progress=progress)
    moved = {}
    for name in dict.fromkeys(direction.variant for direction in directions):
        levers = lever_paths(baseline, variants[name])
        kept = [_kept(overrides, levers) for overrides in chosen]
        moved[name] = run_sets(variants[name], kept, worlds, seed, progress=progress)
    rows = [
        {"set": number, **_compared(direction, base[number], moved[direction.variant][number])}
        for number in range(len(chosen))
        for direction in directions
    ]
    return pd.DataFrame(rows)


def summarise_directions(table: pd.DataFrame) -> pd.DataFrame:
    """Return, per direction (in the table's order), its reading and where it held."""
    grouped = table.groupby("variant", sort=False)
    summary = grouped[["lever", "reading", "measure", "expected"]].first()
    summary["held_in"] = grouped["as_expected"].mean().astype(float)
    summary["change_min"] = grouped["difference"].min().astype(float)
    summary["change_max"] = grouped["difference"].max().astype(float)
    return summary.reset_index()


def write_directions(
    table: pd.DataFrame,
    baseline: Scenario,
    out: Path,
    *,
    calibration: Path,
    worlds: int,
    seed: int,
    command: str = "",
    replace: bool = False,
) -> Path:
    """Write a directions folder atomically: manifest, both tables and the plot."""
    from sim.folders.results import write_analysis_manifest
    from sim.folders.runfolder import atomic_folder

    with atomic_folder(Path(out), replace) as folder:
        table.to_csv(folder / "directions.csv", index=False)
        summarise_directions(table).to_csv(folder / "summary.csv", index=False)
        design = {
            "calibration": str(calibration),
            "variants": sorted(table["variant"].unique()),
            "sets": int(table["set"].nunique()),
            "worlds_per_set": worlds,
            "seed": seed,
        }
        write_analysis_manifest(
            folder,
            "directions",
            baseline,
            design,
            engine={"name": "inprocess", "workers": 1},
            timings={},
            command=command,
        )
        draw_directions(table, baseline.title, folder)
    return Path(out)


def draw_directions(table: pd.DataFrame, title: str, out: Path) -> Path:
    """Draw each direction's change at every set checked, one panel per lever."""
    from matplotlib.figure import Figure

    from sim.plots.run import ACCENT, DPI, INK, as_written

    summary = summarise_directions(table)
    columns = 2
    rows = -(-len(summary) // columns)
    figure = Figure(figsize=(10, 2.4 * rows + 1.2), dpi=DPI, layout="constrained")
    figure.suptitle(
        as_written(
            f"Does each lever move outcomes the way analysts expect? {title}\n"
            f"variant minus baseline at each of {table['set'].nunique()} accepted parameter "
            "sets (green: the expected way)"
        ),
        x=0.01,
        ha="left",
        fontsize=11,
        fontweight="bold",
        color=INK,
    )
    generator = np.random.default_rng(0)  # vertical jitter only, for legibility
    for number, row in enumerate(summary.itertuples()):
        axes = figure.add_subplot(rows, columns, number + 1)
        found = table[table["variant"] == row.variant]
        colours = np.where(found["as_expected"], "#15803d", ACCENT)
        axes.scatter(
            found["difference"], generator.uniform(-1, 1, len(found)), s=14, c=colours, alpha=0.8
        )
        axes.axvline(0, color=INK, lw=1)
        axes.set_ylim(-2, 2)
        axes.set_yticks([])
        axes.set_title(
            f"{row.lever}\nexpected {row.expected.split()[0]}; held at {row.held_in:.0%} of sets",
            fontsize=8,
            loc="left",
            color=INK,
        )
        axes.set_xlabel(f"change in {row.measure}", fontsize=8)
        axes.tick_params(labelsize=7)
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
    path = out / "directions.png"
    figure.savefig(path, dpi=DPI)
    return path
