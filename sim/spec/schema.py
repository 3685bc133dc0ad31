"""The typed schema of a scenario file: every field, its range, default and meaning.

Scenario files are YAML (see docs/scenarios.md); :mod:`sim.spec.loading` loads them,
resolves ``extends:`` and validates them against these models. Every field carries a
description, which is what ``docs/scenarios.md`` and the error hints are built from.

This module holds the whole (:class:`Scenario`), the border's sectors and the ranges an
analysis declares; the parts have their own modules, and every name is re-exported here:
:mod:`sim.spec.base` (:class:`Strict`, the field types, ``FIX``), :mod:`sim.spec.casting`
(``cast:``, ``actors:``, ``alliance_members:``), :mod:`sim.spec.dynamics` (``dynamics:``,
``perception:``, ``thresholds:``) and :mod:`sim.spec.injects` (``injects:``,
``workshop_injects:``).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from sim.catalogue.roles import MAY_2021_MEMBERS, Role
from sim.spec.base import FIX, Identifier, Slug, Strict, Unit
from sim.spec.casting import Actors, ActorSpec, AllianceMember, Cast, CastState, VoiceSpec
from sim.spec.dynamics import Dynamics, Perception, Thresholds
from sim.spec.injects import (
    FACILITATOR_EVENTS,
    INJECT_FIELDS,
    Inject,
    InjectKind,
    PreparedInject,
)

__all__ = [
    "FACILITATOR_EVENTS",
    "FIX",
    "INJECT_FIELDS",
    "ActorSpec",
    "Actors",
    "AllianceMember",
    "Cast",
    "CastState",
    "Dynamics",
    "ForceKind",
    "Identifier",
    "Inject",
    "InjectKind",
    "LeverOption",
    "Options",
    "ParameterPath",
    "Perception",
    "PreparedInject",
    "Range",
    "Scenario",
    "Sector",
    "Slug",
    "Strict",
    "Thresholds",
    "Unit",
    "VoiceSpec",
]


class ForceKind(StrEnum):
    """Who holds the defender's side of a sector.

    ``army_and_border_guards``: army positions behind a border-guard line, as on the
    Tavush-Tovuz border in July 2020. The army's resistance holds the sector, and both
    forces face the attacker, so either can start an incident.
    """

    NONE = "none"
    BORDER_GUARDS = "border_guards"
    ARMY = "army"
    ARMY_AND_BORDER_GUARDS = "army_and_border_guards"


class Sector(Strict):
    """One stretch of the border where forces can meet."""

    name: str = Field(description="Display name, e.g. 'Sev Lake'.", max_length=80)
    terrain_value: Unit = Field(
        0.5,
        description="How much the sector commands roads or an airport (0 none, 1 decisive); "
        "Mets Ishkhansar, above the Sisian airport and the Goris-Kapan road, is near 1.",
    )
    ambiguity: Unit = Field(
        0.3,
        description="How unclear the Soviet-era maps are about the sector's side "
        "(0 clearly Armenian, 1 truly disputed). Blurs whether an attack on a CSTO member "
        "took place and lends weight to Azerbaijan's map argument.",
    )
    max_advance_km: float = Field(
        3.5, gt=0.0, le=20.0, description="Deepest advance the terrain allows past the line, km."
    )
    defender_force: ForceKind = Field(
        ForceKind.BORDER_GUARDS,
        description="Who holds the defender's side at the start: none, border_guards (NSS, "
        "as in May 2021), army, or army_and_border_guards (both in the sector: the army's "
        "resistance, and incidents from either).",
    )
    patron_presence: bool = Field(
        False,
        description="The patron's troops already on the line here (no advance can pass them).",
    )
    held_km: float = Field(
        0.0,
        ge=0.0,
        le=20.0,
        description="Ground the attacker already holds past the line here when the "
        "scenario starts, km (dug in): for a crisis joined after its first moves. At most "
        "`max_advance_km`.",
    )

    @model_validator(mode="after")
    def _held_within_reach(self) -> Sector:
        if self.held_km > self.max_advance_km:
            raise ValueError(
                f"held_km ({self.held_km:g}) is deeper than max_advance_km "
                f"({self.max_advance_km:g}){FIX}lower held_km or raise max_advance_km"
            )
        return self


ParameterPath = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$", max_length=160)]
LeverOption = str | bool | int | float


def _low_below_high(bounds: tuple[float, float]) -> tuple[float, float]:
    low, high = bounds
    if not low < high:
        raise ValueError(
            f"the range [{low}, {high}] needs low < high{FIX}write the lower bound first, "
            "as [low, high], with low below high"
        )
    return bounds


def _different_options(options: list) -> list:
    if len(options) < 2 or len(set(map(repr, options))) < len(options):
        raise ValueError(
            f"a lever needs at least two different options{FIX}list the choices to compare, "
            "e.g. [broker, protector]"
        )
    return options


Range = Annotated[tuple[float, float], AfterValidator(_low_below_high)]
Options = Annotated[list[LeverOption], AfterValidator(_different_options)]


class Scenario(Strict):
    """A whole scenario: actors and policies, the border, the clock, injects and seeds."""

    name: Slug = Field(
        description="Short machine name (lower case, digits, - _ .), used in results folder names."
    )
    title: str = Field(description="Title printed on plots and reports.", max_length=120)
    description: str = Field("", description="What the scenario asks.", max_length=4000)
    seed: int = Field(
        20210512, ge=0, lt=2**63, description="Seed of every random draw (with the world index)."
    )
    worlds: int = Field(1000, ge=1, le=100_000_000, description="Number of worlds in the ensemble.")
    start_date: dt.date = Field(dt.date(2021, 5, 11), description="Calendar date of day 0.")
    tick_hours: int = Field(6, description="Hours in one tick; one of 1, 2, 3, 4, 6, 8, 12, 24.")
    horizon_days: float = Field(30.0, gt=0.0, le=365.0, description="Days each world runs.")
    trajectory_sample: int = Field(
        20, ge=0, le=10_000, description="Worlds whose full history is kept in the results."
    )
    sectors: dict[Identifier, Sector] = Field(
        description="The border sectors by id.", min_length=1, max_length=32
    )
    cast: Cast = Field(
        default_factory=Cast,
        description="Which state plays each role; left out, the May 2021 casting.",
    )
    actors: Actors = Field(
        description="The policy of each state cast in a role, under its id (`armenia:`), "
        "and the outside powers under `third_parties`."
    )
    alliance_members: dict[Identifier, AllianceMember] = Field(
        default_factory=lambda: {
            state: AllianceMember(**values) for state, values in MAY_2021_MEMBERS.items()
        },
        description="Members whose consent collective measures need (the defender, the "
        "appellant, is not listed); left out, the CSTO's members of May 2021, or none "
        "where the cast has no alliance (`cast: {alliance: null}`), which refuses them.",
        max_length=12,
    )
    patron_committed_elsewhere: Unit = Field(
        0.0,
        description="How far the patron's forces and attention are tied down elsewhere "
        "(0 free, 1 wholly): its words weigh that much less on the attacker's costs, and "
        "each tick its troops reach the line with only the remaining chance.",
    )
    dynamics: Dynamics = Field(default_factory=Dynamics, description="Mechanism strengths.")
    perception: Perception = Field(default_factory=Perception, description="Noise and lag.")
    thresholds: Thresholds = Field(default_factory=Thresholds, description="Outcome lines.")
    injects: list[Inject] = Field(
        default_factory=list, description="Scheduled events.", max_length=1000
    )
    workshop_injects: list[PreparedInject] = Field(
        default_factory=list,
        description="Injects a workshop's facilitator can release with one click (news "
        "for the teams, a model event, or both); the simulation itself never fires them.",
        max_length=100,
    )
    uncertainties: dict[ParameterPath, Range] = Field(
        default_factory=dict,
        description="Parameters the case leaves open, by dotted path, each with the range "
        "[low, high] it may take. `crisis-sim sweep --sample`, `crisis-sim sensitivity` "
        "and the EMA Workbench adapter sample them; the run itself uses the values above.",
        max_length=64,
    )
    levers: dict[ParameterPath, Options] = Field(
        default_factory=dict,
        description="Choices a government controls, by dotted path, each with the options "
        "to compare, e.g. `actors.russia.policy: [broker, protector]`. The EMA Workbench "
        "adapter crosses them with the uncertainties.",
        max_length=32,
    )

    @model_validator(mode="before")
    @classmethod
    def _no_members_without_an_alliance(cls, data: Any) -> Any:
        # A crisis with no alliance has no members: the May 2021 default does not apply
        # (validation refuses members written for it, at their line).
        cast = data.get("cast") if isinstance(data, dict) else None
        no_alliance = isinstance(cast, dict) and "alliance" in cast and cast["alliance"] is None
        if no_alliance and "alliance_members" not in data:
            data = {**data, "alliance_members": {}}
        return data

    @field_validator("alliance_members")
    @classmethod
    def _members_for_an_alliance(
        cls, value: dict[str, AllianceMember], info: ValidationInfo
    ) -> dict[str, AllianceMember]:
        cast = info.data.get("cast")
        if not value and cast is not None and cast.has(Role.ALLIANCE):
            raise ValueError(
                f"an alliance needs at least one member whose consent its measures need{FIX}"
                "list them, or cast no alliance (`cast: {alliance: null}`)"
            )
        return value

    @field_validator("thresholds")
    @classmethod
    def _war_above_the_clash(cls, value: Thresholds, info: ValidationInfo) -> Thresholds:
        dynamics = info.data.get("dynamics")
        if dynamics is not None and value.war_intensity <= dynamics.clash_ends_below:
            raise ValueError(
                f"war_intensity ({value.war_intensity:g}) is at or below the clash line, "
                f"dynamics.clash_ends_below ({dynamics.clash_ends_below:g}), so every clash "
                f"would be sustained fighting{FIX}raise war_intensity above it"
            )
        return value

    @field_validator("tick_hours")
    @classmethod
    def _tick_divides_day(cls, value: int) -> int:
        if value not in (1, 2, 3, 4, 6, 8, 12, 24):
            raise ValueError(f"tick_hours must divide a day{FIX}use 1, 2, 3, 4, 6, 8, 12 or 24")
        return value

    def role_specs(self) -> dict[str, tuple[Role, VoiceSpec]]:
        """Each principal state's role and policy, by state id, in the roles' order."""
        return {
            self.cast.state(role): (role, self.actors.spec(self.cast.state(role)))
            for role in self.cast.roles
        }

    @property
    def ticks(self) -> int:
        """Number of ticks to the horizon."""
        return max(1, round(self.horizon_days * 24 / self.tick_hours))

    @property
    def ticks_per_day(self) -> float:
        """Ticks in one day."""
        return 24 / self.tick_hours

    def tick_of_day(self, day: float) -> int:
        """Return the tick during which ``day`` (days from the start) falls."""
        return int(day * 24 // self.tick_hours)
