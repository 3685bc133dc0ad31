"""How a world ends: the outcome classes, in the order they are checked.

Two classes are *absorbing*: a world that reaches one stops changing (alliance
intervention, the patron's interposition; their conditions are in
:mod:`sim.core.mechanisms.outcomes`). The others classify, at the horizon, the worlds
still running: a war if the fighting ever crossed the war line (1,000 battle deaths, the
Correlates of War yardstick, or sustained combat for ``thresholds.war_days``), a
contained clash if a shot was fired, a frozen gain if Azerbaijani forces
still hold ground, a negotiated withdrawal if they went back, no incursion if they never
crossed (:meth:`sim.core.resolver.Resolver.finish`). docs/model.md, section 7.11, gives the case's
reading of each; in May 2021 the record ends as a frozen gain under talks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from sim.catalogue.roles import CastLike, names_missing


class Outcome(IntEnum):
    """How a world ends; checked in this order (0 means still running)."""

    ONGOING = 0
    WAR = 1
    ALLIANCE_INTERVENTION = 2
    PATRON_INTERPOSITION = 3
    CLASH_CONTAINED = 4
    FROZEN_GAIN = 5
    NEGOTIATED_WITHDRAWAL = 6
    NO_INCURSION = 7

    @property
    def label(self) -> str:
        """Return the class name in plain words."""
        return self.name.lower().replace("_", " ")


@dataclass(frozen=True)
class OutcomeClass:
    """One outcome class as every output shows it.

    Attributes:
        outcome: its code in the world state.
        absorbing: whether a world that reaches it stops changing.
        colour: its colour in every plot and report (a hex colour).
        rule: why a world ends in it, in words, with ``{placeholders}`` that
            :func:`sim.readers.phrases.outcome_values` fills from the world's outcome row,
            and roles (``{attacker}``) that the cast names (``sim.catalogue.roles``).
    """

    outcome: Outcome
    absorbing: bool
    colour: str
    rule: str

    @property
    def name(self) -> str:
        """Return the column name, e.g. ``frozen_gain``."""
        return self.outcome.name.lower()

    @property
    def label(self) -> str:
        """Return the name in plain words, e.g. ``frozen gain``."""
        return self.outcome.label


CATALOGUE: tuple[OutcomeClass, ...] = (
    OutcomeClass(
        Outcome.WAR,
        absorbing=False,
        colour="#7f1d1d",
        rule=(
            "the fighting killed {killed} soldiers, both sides together, and a war is "
            "{war_battle_deaths:,} battle deaths (the Correlates of War line), or "
            "{war_days:g} days in a row at clash intensity {war_intensity:g} or more"
        ),
    ),
    OutcomeClass(
        Outcome.ALLIANCE_INTERVENTION,
        absorbing=True,
        colour="#b45309",
        rule="the {alliance} took collective measures under the security treaty",
    ),
    OutcomeClass(
        Outcome.PATRON_INTERPOSITION,
        absorbing=True,
        colour="#6d28d9",
        rule="{patron}'s troops stood in a sector where {attacker}'s advance stood",
    ),
    OutcomeClass(
        Outcome.CLASH_CONTAINED,
        absorbing=False,
        colour="#dc2626",
        rule=(
            "shots were fired, {first_shot}, and the fighting never became a war, so at the "
            "horizon the world counts as a contained clash, whatever the ground"
        ),
    ),
    OutcomeClass(
        Outcome.FROZEN_GAIN,
        absorbing=False,
        colour="#2563eb",
        rule=(
            "no shot was fired and {attacker}'s forces still held {final_depth_km:.2f} km at "
            "the horizon, more than the {withdrawn_below_km:g} km that counts as gone back"
        ),
    ),
    OutcomeClass(
        Outcome.NEGOTIATED_WITHDRAWAL,
        absorbing=False,
        colour="#15803d",
        rule=(
            "no shot was fired, and the advance, at most {max_depth_km:.2f} km, was down to "
            "{final_depth_km:.2f} km at the horizon: at most the {withdrawn_below_km:g} km "
            "that counts as gone back, by agreement or by {attacker}'s own withdrawal"
        ),
    ),
    OutcomeClass(
        Outcome.NO_INCURSION,
        absorbing=False,
        colour="#6b7280",
        rule="{attacker}'s forces never crossed the pre-crisis line",
    ),
)

#: The classes a world can end in, in the order they are checked and shown.
OUTCOME_CLASSES: list[Outcome] = [entry.outcome for entry in CATALOGUE]
#: Their names, as in the ``outcome`` column of a run's worlds (``frozen_gain``...).
OUTCOME_NAMES: list[str] = [entry.name for entry in CATALOGUE]
#: The classes a world stops changing in.
ABSORBING: frozenset[Outcome] = frozenset(e.outcome for e in CATALOGUE if e.absorbing)
#: Each class's colour, by name.
OUTCOME_COLOURS: dict[str, str] = {entry.name: entry.colour for entry in CATALOGUE}
#: Why a world ends in each class, in words with placeholders (docs/model.md, 7.10).
OUTCOME_RULES: dict[Outcome, str] = {entry.outcome: entry.rule for entry in CATALOGUE}


def classes_for(cast: CastLike | None) -> list[str]:
    """Return the names of the classes a crisis with ``cast`` can end in, in their order.

    A crisis with no alliance cannot end in its intervention, nor one with no patron in
    its interposition: those classes name the missing role, and outputs leave them out
    (the results folder's ``outcome_classes``, the outcome tables).
    """
    return [c.name for c in CATALOGUE if not names_missing(cast, c.rule)]
