"""Events on a scenario's timeline: the scheduled injects and a workshop's prepared ones.

The ``injects:`` and ``workshop_injects:`` sections of a scenario file
(:class:`~sim.spec.schema.Scenario`), the kinds of event and the fields each kind uses.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from sim.spec.base import FIX, Identifier, Strict, Unit


class InjectKind(StrEnum):
    """Scheduled events a scenario can place on the timeline."""

    ADVANCE_ORDER = "advance_order"
    RUMOUR = "rumour"
    OFFICIAL_STATEMENT = "official_statement"
    THIRD_PARTY_STATEMENT = "third_party_statement"
    MINISTERIAL_VISIT = "ministerial_visit"
    CLASH = "clash"


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
