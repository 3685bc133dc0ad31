"""A workshop game's debrief: where the class's world falls among the simulated worlds.

The class played one world; an ensemble of the same scenario, every government on its
usual policy, says how usual that world was. The debrief is for teaching from:

- :func:`draw_debrief`, one picture: each outcome's share of the simulated worlds with
  the class's marked, and the class's deepest advance, killed and highest rung
  against their distributions;
- :data:`NOTES`, each measure explained in one line, and the rungs by name;
- :func:`departures_that_mattered`, the days a team's choice differed from its
  government's usual policy in a way that changes the crisis (another rung, a move on
  the ground, a ceasefire, talks or a withdrawal), not every day a team spoke where
  the policy would have held.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.catalogue import measures as catalogue
from sim.catalogue.outcomes import classes_for
from sim.core.actions import Action, Rung
from sim.plots.run import ACCENT, INK

if TYPE_CHECKING:
    from sim.teach.game import Divergence, Game

#: Each measure of the debrief in one line, for the class (``{defender}``: the cast's).
NOTES = {
    "max_depth_km": "how far past the pre-crisis line the advance went, at its deepest",
    "max_rung": "the highest rung of the escalation ladder any government reached: 1 no "
    "militarised action, 2 threat, 3 display of force, 4 use of force, 5 war",
    "peak_alarm": "how alarmed {defender}'s public became at its most: 0 calm, 1 panic",
    "cooperation_score": "the average Goldstein score of every action taken: below 0 the "
    "governments mostly threatened and fought, above 0 they mostly talked and conceded",
    "killed": "soldiers killed, both sides together (a war is 1,000 or more)",
}
#: The rungs of the escalation ladder by number, in words.
RUNGS = {rung.value: rung.label for rung in Rung}
#: Actions that change a crisis whatever their rung: the ways out of it, and the appeals.
_WAYS_OUT = {
    Action.APPEAL_ALLIANCE,
    Action.APPEAL_PATRON,
    Action.APPEAL_WEST,
    Action.OFFER_CEASEFIRE,
    Action.ACCEPT_CEASEFIRE,
    Action.PROPOSE_TALKS,
    Action.LOCAL_TALKS,
    Action.OFFER_MEDIATION,
    Action.WITHDRAW_FULL,
    Action.WITHDRAW_PARTIAL,
}
_BY_LABEL = {action.label: action for action in Action}


@dataclass
class Debrief:
    """The game's world against an ensemble of the same scenario with default policies."""

    outcome: str
    outcome_share: float
    percentiles: pd.DataFrame  # measure, game value, its percentile in the ensemble
    shares: pd.DataFrame  # outcome class, share of the ensemble's worlds
    divergences: list[Divergence]
    worlds: int
    #: The ensemble's values and the game's, for the picture: depth, killed, rung.
    ensemble: pd.DataFrame = field(default_factory=pd.DataFrame)
    game: dict[str, float] = field(default_factory=dict)


def debrief_of(game: Game, worlds: int) -> Debrief:
    """Place the game's world in an ensemble of ``worlds`` worlds of the original scenario."""
    from sim.run.ensemble import run_ensemble

    row = game.outcome()
    ensemble = run_ensemble(game.scenario, worlds=worlds, seed=game.seed).outcomes
    rows = []
    cast = game.scenario.cast
    # The numbers that place a world among others, named by the game's cast.
    for measure in (m.named(cast) for m in catalogue.typical()):
        values = ensemble[measure.column].to_numpy(dtype=float)
        mine = float(row[measure.column])
        below = float((values < mine).mean() + 0.5 * (values == mine).mean())
        rows.append(
            {
                "measure": measure.with_unit,
                "column": measure.column,
                "game": mine,
                "ensemble_median": float(np.median(values)),
                "percentile": 100 * below,
            }
        )
    counts = ensemble["outcome"].value_counts(normalize=True)
    classes = classes_for(cast)  # none that names a role the crisis lacks
    shares = pd.DataFrame(
        {"outcome": classes, "share": [float(counts.get(o, 0.0)) for o in classes]}
    )

    def pictured(table) -> dict:
        killed = table["killed_defender"] + table["killed_attacker"]
        return {"depth": table["max_depth_km"], "killed": killed, "rung": table["max_rung"]}

    return Debrief(
        outcome=str(row["outcome"]),
        outcome_share=float(counts.get(row["outcome"], 0.0)),
        percentiles=pd.DataFrame(rows),
        shares=shares,
        divergences=list(game.divergences),
        worlds=worlds,
        ensemble=pd.DataFrame(pictured(ensemble)),
        game={k: float(v) for k, v in pictured(row).items()},
    )


def shown_value(column: str, value: float) -> str:
    """Return a measure's value as the class reads it: a rung by its name."""
    if column == "max_rung":
        rung = round(value)
        return f"{RUNGS.get(rung, str(rung))} ({value:g})" if value == rung else f"{value:.2f}"
    return f"{value:.2f}"


def note(column: str, defender: str) -> str:
    """Return the one-line explanation of a measure (empty if it has none)."""
    return NOTES.get(column, "").replace("{defender}", defender)


def _action(text: str) -> Action | None:
    return _BY_LABEL.get(text.split(" (")[0])


def departures_that_mattered(divergences: list[Divergence]) -> list[Divergence]:
    """Return the departures from the usual policy that change a crisis.

    Kept: the team's choice and the policy's are on different rungs, or either is a
    move on the ground or a way out (a ceasefire, talks, a withdrawal). Left out: a team
    that spoke, phoned or consulted on a day its policy would have done something else
    of the same weight, such as holding because nothing called for action.
    """
    kept = []
    for departure in divergences:
        chosen, usual = _action(departure.chosen), _action(departure.default)
        if chosen is None or usual is None:
            kept.append(departure)
            continue
        weighty = any(
            a.info.targets_sector or a in _WAYS_OUT or a.info.rung >= Rung.DISPLAY_OF_FORCE
            for a in (chosen, usual)
        )
        if chosen.info.rung != usual.info.rung or weighty:
            kept.append(departure)
    return kept


def grouped(departures: list[Divergence]) -> list[tuple[str, list[int], Divergence]]:
    """Return departures of the same kind together: ``(team, days from 1, an example)``.

    A team that advanced on five days where its policy would have held is one line with
    five days, not five lines.
    """
    groups: dict[tuple, tuple[str, list[int], Divergence]] = {}
    for d in departures:
        key = (d.team, d.chosen, d.default, d.default_reason)
        groups.setdefault(key, (d.team, [], d))[1].append(d.day + 1)
    return list(groups.values())


def draw_debrief(debrief: Debrief) -> Figure:
    """Draw where the class's world falls: the outcomes' shares and three distributions.

    Top left, each outcome's share of the simulated worlds, the class's in the accent
    colour; then the deepest advance, the killed and the highest rung of every
    simulated world, with the class's world marked. Sized for a projector (13-18 pt at
    1280 px across) and for print.
    """
    figure = Figure(figsize=(12.8, 7.2), dpi=100)
    axes = figure.subplots(2, 2)
    grey = "#9ca3af"
    shares = debrief.shares[debrief.shares["share"] > 0]
    if debrief.outcome not in set(shares["outcome"]):
        shares = debrief.shares[
            (debrief.shares["share"] > 0) | (debrief.shares["outcome"] == debrief.outcome)
        ]
    names = [o.replace("_", " ") for o in shares["outcome"]]
    colours = [ACCENT if o == debrief.outcome else grey for o in shares["outcome"]]
    top = axes[0][0]
    top.barh(names, shares["share"] * 100, color=colours)
    top.invert_yaxis()
    top.set_xlabel("share of the simulated worlds, %", fontsize=13)
    top.set_title("How the simulated crises ended (yours in colour)", fontsize=15, loc="left")
    panels = (
        (axes[0][1], "depth", "deepest advance, km"),
        (axes[1][0], "killed", "soldiers killed, both sides"),
        (axes[1][1], "rung", "highest escalation rung"),
    )
    for ax, column, title in panels:
        values = debrief.ensemble.get(column, pd.Series(dtype=float)).to_numpy(dtype=float)
        mine = debrief.game.get(column)
        if column == "rung":
            counts = [(np.round(values) == r).mean() * 100 if len(values) else 0 for r in RUNGS]
            ax.bar(list(RUNGS), counts, color=grey)
            ax.set_xticks(list(RUNGS), [textwrap.fill(RUNGS[r], 12) for r in RUNGS], fontsize=12)
        elif len(values):
            ax.hist(values, bins=30, color=grey, weights=np.full(len(values), 100 / len(values)))
        if mine is not None:
            ax.axvline(mine, color=ACCENT, lw=4)
            ax.annotate(
                "your world",
                (mine, 1),
                xycoords=("data", "axes fraction"),
                xytext=(6, -6),
                textcoords="offset points",
                va="top",
                fontsize=13,
                fontweight="bold",
                color=ACCENT,
            )
        ax.set_title(title, fontsize=15, loc="left")
        ax.set_ylabel("% of worlds", fontsize=13)
    for ax in figure.axes:
        ax.tick_params(labelsize=13, colors=INK)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    figure.suptitle(
        f"Your crisis among {debrief.worlds:,} simulated worlds of the same scenario",
        x=0.01,
        ha="left",
        fontsize=18,
        fontweight="bold",
        color=INK,
    )
    figure.tight_layout()
    return figure
