"""The typed schema of a scenario file: every field, its range, default and meaning.

Scenario files are YAML (see docs/scenarios.md); :mod:`sim.spec.loading` loads them,
resolves ``extends:`` and validates them against these models. Every field carries a
description, which is what ``docs/scenarios.md`` and the error hints are built from.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from sim.catalogue.roles import (
    MAY_2021,
    MAY_2021_MEMBERS,
    PRINCIPAL_ROLES,
    Casting,
    Role,
    label_of_id,
)


class Strict(BaseModel):
    """Base of every schema model: unknown keys are errors, models are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


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


class InjectKind(StrEnum):
    """Scheduled events a scenario can place on the timeline."""

    ADVANCE_ORDER = "advance_order"
    RUMOUR = "rumour"
    OFFICIAL_STATEMENT = "official_statement"
    THIRD_PARTY_STATEMENT = "third_party_statement"
    MINISTERIAL_VISIT = "ministerial_visit"
    CLASH = "clash"


Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]


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


class ActorSpec(Strict):
    """Which policy drives an actor, and its parameters."""

    policy: str = Field(description="Name of a policy for this actor (`crisis-sim policies`).")
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="The policy's parameters; any left out take the policy's defaults.",
    )


class VoiceSpec(ActorSpec):
    """An actor whose words weigh on the attacker's cost of defiance."""

    influence: float = Field(
        1.0,
        ge=0.0,
        le=3.0,
        description="How much the attacker weighs this actor's words: scales the cost of "
        "defiance its statements add (or, for a backer, take away).",
    )


class CastState(Strict):
    """The state that plays one role, as a scenario's ``cast:`` names it."""

    state: Identifier = Field(
        description="The state's id: its key under `actors:`, its brief's and its team's name."
    )
    name: str | None = Field(
        None,
        max_length=60,
        description="Its name in tables and titles; left out, the May 2021 casting's name "
        "for the same id, or the id in words (`united_states`: United States).",
    )
    subject: str | None = Field(
        None,
        max_length=60,
        description="Its name to start a sentence (`The CSTO`); left out, its name.",
    )


def _cast_default(role: Role) -> CastState:
    casting = MAY_2021[role]
    return CastState(state=casting.state, name=casting.label, subject=casting.subject)


class Cast(Strict):
    """Which state plays each role: the May 2021 casting unless a scenario says otherwise."""

    attacker: CastState = Field(
        default_factory=lambda: _cast_default(Role.ATTACKER),
        description="The state that advances past the line (May 2021: Azerbaijan).",
    )
    defender: CastState = Field(
        default_factory=lambda: _cast_default(Role.DEFENDER),
        description="The state whose ground is entered, and that can appeal (Armenia).",
    )
    patron: CastState = Field(
        default_factory=lambda: _cast_default(Role.PATRON),
        description="The regional power that can broker, warn or send forces (Russia).",
    )
    alliance: CastState = Field(
        default_factory=lambda: _cast_default(Role.ALLIANCE),
        description="The alliance whose members must consent to act (the CSTO).",
    )

    @model_validator(mode="after")
    def _each_state_once(self) -> Cast:
        seen: dict[str, str] = {}
        for role in PRINCIPAL_ROLES:
            state = getattr(self, role.value).state
            if state in seen:
                raise ValueError(
                    f"{state} is cast both as {seen[state]} and as {role.value}{FIX}give each "
                    "role its own state"
                )
            seen[state] = role.value
        return self

    def casting(self, role: Role) -> Casting:
        """Return the state playing ``role``, with its names filled in."""
        role = Role(role)
        cast = getattr(self, role.value)
        default = next((c for c in MAY_2021.values() if c.state == cast.state), None)
        label = cast.name or (default.label if default else label_of_id(cast.state))
        subject = cast.subject or (default.subject if default and not cast.name else label)
        return Casting(role, cast.state, label, subject)

    def state(self, role: Role) -> str:
        """Return the id of the state playing ``role``."""
        return getattr(self, Role(role).value).state

    @property
    def states(self) -> tuple[str, ...]:
        """The principal states' ids, in the order of the roles (attacker first)."""
        return tuple(self.state(role) for role in PRINCIPAL_ROLES)

    def role_of(self, state: str) -> Role | None:
        """Return the principal role ``state`` plays, or None (an outside power)."""
        return next((role for role in PRINCIPAL_ROLES if self.state(role) == state), None)

    def label(self, state: str) -> str:
        """Return a state's name for a table or a title; outside powers by their id."""
        role = self.role_of(state)
        return self.casting(role).label if role else label_of_id(state)

    def subject(self, state: str) -> str:
        """Return a state's name to start a sentence (``The CSTO``)."""
        role = self.role_of(state)
        return self.casting(role).subject if role else label_of_id(state)


class Actors(Strict):
    """The policy of each state cast in a role (by its id), and the outside powers."""

    model_config = ConfigDict(extra="allow", frozen=True, validate_default=True)
    __pydantic_extra__: dict[str, VoiceSpec] = Field(init=False)
    EXTRA_DESCRIPTION: ClassVar[str] = (
        "the policy of a state cast in a role, under its id: `policy:` (see `crisis-sim "
        "policies`), `params:`, and for the patron and the alliance `influence:`"
    )

    third_parties: dict[Identifier, VoiceSpec] = Field(
        default_factory=dict,
        description="Optional outside powers by name (e.g. united_states, france, turkey). "
        "Beside it, one entry per state of the cast, under its id (`armenia: {policy: "
        "restraint}`): every role's state needs a policy, and no other key is allowed.",
        max_length=8,
    )

    def spec(self, state: str) -> VoiceSpec:
        """Return the policy of the principal state ``state`` (``KeyError`` if none)."""
        return (self.__pydantic_extra__ or {})[state]

    @property
    def principal(self) -> dict[str, VoiceSpec]:
        """The specs of the states cast in the principal roles, by id."""
        return dict(self.__pydantic_extra__ or {})


class AllianceMember(Strict):
    """A CSTO member state whose consent collective measures need."""

    clarity_needed: Unit = Field(
        0.6,
        description="How clear it must be that a member's territory was attacked "
        "(1 - ambiguity of the sectors taken) before this member consents. A member that "
        "is itself the attacker never consents, and the alliance cannot take collective "
        "measures against one of its members, whatever its policy.",
    )
    follows_patron: Unit = Field(
        0.3,
        description="How far the patron's backing of the defender lowers the clarity this "
        "member needs.",
    )
    heeds_restraint: Unit = Field(
        0.0,
        description="How far the patron's line of restraint (calls for restraint, with no "
        "backing of the defender) raises the clarity this member needs.",
    )
    ties_attacker: Unit = Field(
        0.0,
        description="How far this member's ties to the attacker (trade, energy, arms, a "
        "common cause) raise the clarity it needs.",
    )
    ties_defender: Unit = Field(
        0.0,
        description="How far this member's ties to the defender lower the clarity it needs.",
    )
    preoccupied: Unit = Field(
        0.0,
        description="How far the member's own situation (a border quarrel of its own, "
        "unrest at home) raises the clarity it needs.",
    )

    @property
    def interests(self) -> float:
        """What the member's own ties and situation add to its reading of an attack."""
        return self.ties_defender - self.ties_attacker - self.preoccupied


class Dynamics(Strict):
    """How the world responds to actions: the model's mechanisms and their strengths."""

    advance_step_km: float = Field(
        0.8, gt=0.0, le=5.0, description="Depth one unopposed advance step gains, km."
    )
    resistance_border_guards: Unit = Field(
        0.3, description="Share of an advance step that NSS border guards stop."
    )
    resistance_army: Unit = Field(
        0.85, description="Share of an advance step that regular army units stop."
    )
    partial_withdrawal_share: Unit = Field(
        0.5,
        description="Share of its advance in a sector Azerbaijan gives back when it "
        "withdraws partially.",
    )
    incident_probability_border_guards: Unit = Field(
        0.001,
        description="Chance per tick and sector that border guards facing advanced units "
        "exchange fire nobody ordered.",
    )
    incident_probability_army: Unit = Field(
        0.03,
        description="Chance per tick and sector that army units facing advanced units "
        "exchange fire nobody ordered.",
    )
    incident_entrenched_multiplier: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description="How many times likelier an incident is where the advanced units have "
        "dug in, face to face with the defenders for good (1: no different).",
    )
    incident_alarm_gain: float = Field(
        0.0,
        ge=0.0,
        le=10.0,
        description="Extra share of the chance of an incident per unit of the defender's "
        "public alarm (nervous troops on a frightened border; 0: none).",
    )
    clash_escalation: Unit = Field(
        0.35, description="Clash intensity (0-1) one side's fire adds in a tick."
    )
    counter_attack_fire_multiplier: float = Field(
        2.0,
        ge=0.0,
        le=5.0,
        description="How many times `clash_escalation` an Armenian counter-attack adds: "
        "an assault on held ground, not an exchange of fire.",
    )
    assault_fire_multiplier: float = Field(
        2.0,
        ge=0.0,
        le=5.0,
        description="How many times `clash_escalation` an assault (an advance under "
        "artillery and drone fire, as on 27 September 2020) adds.",
    )
    patron_force_fire_multiplier: float = Field(
        2.0,
        ge=0.0,
        le=5.0,
        description="How many times `clash_escalation` Russia's use of force in "
        "Armenia's defence adds.",
    )
    ceasefire_offer_days: float = Field(
        1.0,
        ge=0.0,
        le=30.0,
        description="Days an offer of a ceasefire stays open for both governments to accept.",
    )
    ceasefire_incidents: Unit = Field(
        0.5,
        description="Share of the usual chance of incidents while a ceasefire holds (the "
        "line is quieter, not silent; returning the fire of one breaks it).",
    )
    ceasefire_breach_cost: float = Field(
        0.1,
        ge=0.0,
        le=5.0,
        description="Cost of defiance an attacker's breach of a ceasefire adds (the "
        "brokers' word defied).",
    )
    clash_persistence: Unit = Field(
        0.5, description="Share of clash intensity that carries over to the next tick."
    )
    casualties_per_tick: float = Field(
        2.0,
        ge=0.0,
        le=100.0,
        description="Expected casualties per side per tick at full clash intensity.",
    )
    clash_ends_below: Unit = Field(
        0.05,
        description="Clash intensity below which a clash is over: intensity falls to 0 "
        "and no casualties are drawn.",
    )
    false_report_probability: Unit = Field(
        0.25,
        description="Chance per tick, while forces are in contact and Yerevan has not "
        "spoken, of a false report of clashes (as near Goris on 12 May).",
    )
    false_report_size: Unit = Field(0.35, description="Rumour level a false report adds.")
    rumour_per_km: Unit = Field(0.15, description="Rumour level each km of new advance adds.")
    clash_rumour: Unit = Field(
        0.3, description="Rumour level a tick in which the fighting grows adds."
    )
    rhetoric_rumour: Unit = Field(
        0.05, description="Rumour level Azerbaijan's irredentist rhetoric adds in a tick."
    )
    rumour_persistence: Unit = Field(
        0.85, description="Share of the rumour level that carries over to the next tick."
    )
    statement_calming: Unit = Field(
        0.6,
        description="How much an official statement cuts the rumour level at once (and, "
        "times `statement_facts_calming`, the alarm facts justify).",
    )
    statement_facts_calming: Unit = Field(
        0.5,
        description="Share of `statement_calming` by which, once Yerevan has spoken, the "
        "alarm facts justify is damped: words calm rumours more than they calm facts.",
    )
    alarm_per_km: Unit = Field(
        0.15,
        description="Alarm the facts justify per km of total advance (clash intensity "
        "adds to it; capped at 1).",
    )
    alarm_response: Unit = Field(
        0.5, description="How fast public alarm moves toward the level rumours and facts justify."
    )
    attention_persistence: Unit = Field(
        0.93, description="Share of international attention that carries over to the next tick."
    )
    attention_per_km: Unit = Field(
        0.1, description="International attention each km of new advance adds."
    )
    clash_attention: Unit = Field(
        0.3, description="International attention a tick in which the fighting grows adds."
    )
    rhetoric_attention: Unit = Field(
        0.05,
        description="International attention Azerbaijan's irredentist rhetoric adds in a tick.",
    )
    appeal_west_attention: Unit = Field(
        0.15, description="International attention Armenia's appeal to the West adds."
    )
    appeal_alliance_attention: Unit = Field(
        0.05, description="International attention Armenia's appeal to the CSTO adds."
    )
    third_party_statement_attention: Unit = Field(
        0.2,
        description="International attention a scheduled third-party statement "
        "(a `third_party_statement` inject) adds.",
    )
    restraint_call_cost: float = Field(
        0.04,
        ge=0.0,
        le=2.0,
        description="Cost of defiance a call for restraint adds (scaled by the caller's "
        "influence).",
    )
    mediation_offer_share: Unit = Field(
        0.5,
        description="Share of `restraint_call_cost` Russia's offer to mediate adds (scaled "
        "by Russia's influence).",
    )
    demand_cost: float = Field(
        0.12,
        ge=0.0,
        le=2.0,
        description="Cost of defiance a public demand to withdraw or a Russian warning adds.",
    )
    patron_force_cost_multiplier: float = Field(
        3.0,
        ge=0.0,
        le=10.0,
        description="How many times `demand_cost` Russia's use of force in Armenia's "
        "defence adds (scaled by Russia's influence): the strongest signal Moscow can send.",
    )
    alliance_cost: float = Field(
        0.08,
        ge=0.0,
        le=2.0,
        description="Cost of defiance a CSTO statement or fact-finding mission adds.",
    )
    justify_relief: Unit = Field(
        0.1,
        description="Cost of defiance Azerbaijan's map argument removes, times the "
        "ambiguity of the sectors it holds.",
    )
    defiance_persistence: Unit = Field(
        0.97, description="Share of the cost of defiance that carries over to the next tick."
    )
    talks_agreement_probability: Unit = Field(
        0.001, description="Chance per tick that local talks reach an agreement."
    )
    mediation_multiplier: float = Field(
        3.0,
        ge=1.0,
        le=20.0,
        description="How many times likelier agreement is when Russia mediates.",
    )
    agreement_pullback_share: Unit = Field(
        0.9, description="Share of its advance Azerbaijan gives back under an agreement."
    )


class Perception(Strict):
    """What each government gets wrong, and how late."""

    defender_depth_noise: Unit = Field(
        0.3, description="Relative error of Yerevan's reading of the advance depth."
    )
    defender_lag_ticks: int = Field(
        1, ge=0, le=8, description="Ticks before Yerevan learns of ground changes."
    )
    attacker_cost_noise: Unit = Field(
        0.1, description="Error (+/-) in Baku's reading of the cost of defiance."
    )
    alliance_clarity_noise: Unit = Field(
        0.1, description="Error (+/-) in each CSTO member's reading of how clear the attack is."
    )


class Thresholds(Strict):
    """Where the outcome classes draw their lines."""

    war_intensity: Unit = Field(
        0.8, description="Clash intensity that counts as sustained fighting."
    )
    war_ticks: int = Field(
        4, ge=1, le=100, description="Consecutive ticks of sustained fighting that make a war."
    )
    withdrawn_below_km: float = Field(
        0.5,
        ge=0.0,
        le=5.0,
        description="A final total advance at or below this counts as Azerbaijan having "
        "gone back, km.",
    )


#: The optional fields each kind of inject uses (``day``, ``kind`` and ``probability``
#: apply to all); a field given for a kind that ignores it is an error, not a no-op.
INJECT_FIELDS: dict[InjectKind, frozenset[str]] = {
    InjectKind.ADVANCE_ORDER: frozenset({"sector"}),
    InjectKind.RUMOUR: frozenset({"magnitude"}),
    InjectKind.OFFICIAL_STATEMENT: frozenset(),
    InjectKind.THIRD_PARTY_STATEMENT: frozenset({"actor", "magnitude"}),
    InjectKind.MINISTERIAL_VISIT: frozenset({"magnitude"}),
    InjectKind.CLASH: frozenset({"magnitude"}),
}


class Inject(Strict):
    """A scheduled event on the timeline, outside any actor's choice."""

    day: float = Field(ge=0.0, le=365.0, description="When, in days from `start_date`.")
    kind: InjectKind = Field(description="What happens: " + ", ".join(k.value for k in InjectKind))
    sector: Identifier | None = Field(
        None, description="For advance_order: the sector the advance is ordered in."
    )
    actor: Identifier | None = Field(
        None, description="For third_party_statement: who speaks (a third party's name)."
    )
    magnitude: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Strength: rumour level added; cost of defiance added by a statement "
        "or removed by a visit; clash intensity a clash adds (0.5 when not given).",
    )
    probability: Unit = Field(1.0, description="Chance the event happens in a given world.")

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Inject:
        used = INJECT_FIELDS[self.kind]
        for name in ("sector", "actor", "magnitude"):
            if getattr(self, name) is not None and name not in used:
                uses = ", ".join(sorted(used)) or "no optional fields"
                raise ValueError(
                    f"`{name}` does nothing for a {self.kind.value} inject "
                    f"(it uses {uses}){FIX}remove `{name}:` from this inject"
                )
        return self

    @property
    def strength(self) -> float:
        """The inject's magnitude, or 0.5 where the file leaves it out."""
        return 0.5 if self.magnitude is None else self.magnitude


#: The model's events a facilitator can fire during a workshop game (a scenario's other
#: injects, advance orders and official statements, are a government's moves).
FACILITATOR_EVENTS: tuple[InjectKind, ...] = (
    InjectKind.RUMOUR,
    InjectKind.MINISTERIAL_VISIT,
    InjectKind.THIRD_PARTY_STATEMENT,
    InjectKind.CLASH,
)


class PreparedInject(Strict):
    """An inject the facilitator has ready for a workshop, released with one click.

    As a tabletop exercise's list of scheduled events: a news item for the teams, one of
    the model's events, or both, with the day it is meant for.
    """

    title: str = Field(max_length=80, description="What the facilitator's button says.")
    day: int | None = Field(
        None, ge=0, le=365, description="The day it is meant for (0: the first), as a cue."
    )
    news: str | None = Field(
        None, max_length=500, description="A news item to send to the teams (plain text)."
    )
    to: list[Identifier] = Field(
        default_factory=list,
        description="The teams the news goes to (actor names); left out, every team.",
    )
    event: InjectKind | None = Field(
        None,
        description="One of the model's events to fire that day: "
        + ", ".join(k.value for k in FACILITATOR_EVENTS)
        + ".",
    )
    actor: Identifier | None = Field(
        None, description="For a third_party_statement: who speaks (a third party's name)."
    )

    @model_validator(mode="after")
    def _says_or_does_something(self) -> PreparedInject:
        if self.news is None and self.event is None:
            raise ValueError(
                f"a prepared inject needs news, an event or both{FIX}add `news:` (text "
                "for the teams) or `event:` (e.g. rumour)"
            )
        if self.event is not None and self.event not in FACILITATOR_EVENTS:
            names = ", ".join(k.value for k in FACILITATOR_EVENTS)
            raise ValueError(
                f"{self.event.value} is a government's move, not an event a facilitator "
                f"fires{FIX}use one of: {names}"
            )
        if (self.actor is None) != (self.event is not InjectKind.THIRD_PARTY_STATEMENT):
            raise ValueError(
                f"`actor` names who speaks in a third_party_statement, and only there"
                f"{FIX}give `actor:` a third party's name with event: third_party_statement, "
                "or remove it"
            )
        return self


#: Separates a validator's message from its fix (the loader shows them as "... Fix: ...").
FIX = " || fix: "

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
        "appellant, is not listed); left out, the CSTO's members of May 2021.",
        min_length=1,
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
            for role in PRINCIPAL_ROLES
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
