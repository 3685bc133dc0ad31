"""Who takes part in a scenario: the cast of states, their policies, the alliance's members.

The ``cast:``, ``actors:`` and ``alliance_members:`` sections of a scenario file
(:class:`~sim.spec.schema.Scenario`); the roles themselves are the catalogue's
(:mod:`sim.catalogue.roles`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import ConfigDict, Field, SerializationInfo, model_serializer, model_validator

from sim.catalogue.roles import MAY_2021, PRINCIPAL_ROLES, Casting, Role, label_of_id
from sim.spec.base import FIX, Identifier, Strict, Unit


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
    patron: CastState | None = Field(
        default_factory=lambda: _cast_default(Role.PATRON),
        description="The regional power that can broker, warn or send forces (Russia). "
        "`null` (`cast: {patron: null}`): the crisis has none (Thailand and Cambodia, "
        "2011): no agent plays it, nothing calls on it, no output names it, and its "
        "actor entry, its troops on the line (`patron_presence`) and "
        "`patron_committed_elsewhere` are refused.",
    )
    alliance: CastState | None = Field(
        default_factory=lambda: _cast_default(Role.ALLIANCE),
        description="The alliance whose members must consent to act (the CSTO). `null`: "
        "the crisis has none; no appeal goes to it, its ladder never moves, no output "
        "names it, and its actor entry and `alliance_members` are refused.",
    )

    @model_serializer(mode="wrap")
    def _keep_missing_roles(self, handler, info: SerializationInfo) -> dict:
        # A role the crisis lacks is written as null even where other nulls are left
        # out (``exclude_none``, as results folders write scenarios): left out, it would
        # read back as the May 2021 casting.
        data = handler(self)
        for role in (Role.PATRON, Role.ALLIANCE):
            if getattr(self, role.value) is None:
                data[role.value] = None
        return data

    @model_validator(mode="after")
    def _each_state_once(self) -> Cast:
        seen: dict[str, str] = {}
        for role in self.roles:
            state = getattr(self, role.value).state
            if state in seen:
                raise ValueError(
                    f"{state} is cast both as {seen[state]} and as {role.value}{FIX}give each "
                    "role its own state"
                )
            seen[state] = role.value
        return self

    def has(self, role: Role) -> bool:
        """Whether the crisis has ``role`` (a patron or an alliance may be cast ``null``)."""
        return getattr(self, Role(role).value) is not None

    @property
    def roles(self) -> tuple[Role, ...]:
        """The principal roles the crisis has, in their order (attacker first)."""
        return tuple(role for role in PRINCIPAL_ROLES if self.has(role))

    @property
    def missing(self) -> tuple[Role, ...]:
        """The principal roles the crisis lacks (cast ``null``)."""
        return tuple(role for role in PRINCIPAL_ROLES if not self.has(role))

    def _cast_state(self, role: Role) -> CastState:
        cast = getattr(self, role.value)
        if cast is None:
            raise LookupError(f"the crisis has no {role.value} (its cast sets it to null)")
        return cast

    def casting(self, role: Role) -> Casting:
        """Return the state playing ``role``, with its names filled in.

        Raises ``LookupError`` for a role the crisis lacks: ask :meth:`has` first.
        """
        role = Role(role)
        cast = self._cast_state(role)
        default = next((c for c in MAY_2021.values() if c.state == cast.state), None)
        label = cast.name or (default.label if default else label_of_id(cast.state))
        subject = cast.subject or (default.subject if default and not cast.name else label)
        return Casting(role, cast.state, label, subject)

    def state(self, role: Role) -> str:
        """Return the id of the state playing ``role`` (``LookupError`` if the crisis lacks it)."""
        return self._cast_state(Role(role)).state

    def state_or_none(self, role: Role) -> str | None:
        """Return the id of the state playing ``role``, or None where the crisis lacks it."""
        return self.state(role) if self.has(role) else None

    @property
    def states(self) -> tuple[str, ...]:
        """The principal states' ids, in the order of the roles (attacker first)."""
        return tuple(self.state(role) for role in self.roles)

    def role_of(self, state: str) -> Role | None:
        """Return the principal role ``state`` plays, or None (an outside power)."""
        return next((role for role in self.roles if self.state(role) == state), None)

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
