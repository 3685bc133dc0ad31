"""The roles of a border crisis, and the May 2021 casting that plays them by default.

A role is what a government or alliance *is* in a crisis; a state is who plays it in a
given case. The model's agents, mechanisms and policies know only roles: the side that
advances (``attacker``), the side whose ground is entered and that can appeal to its
allies (``defender``), the regional power and treaty ally that can broker, warn or send
forces (``patron``), the alliance whose members must consent to act (``alliance``), and
outside powers whose words shift the attacker's costs (``third_party``).

A scenario casts states in the roles (its ``cast:`` section, ``sim.spec.schema.Cast``):
each role's state id (its key under ``actors:``), its name for tables and sentences.
Left out, a role is cast as in the May 2021 Sev Lake case
(`../shared/brief/case-may-2021.md`): Azerbaijan advanced, Armenia's ground was
entered and it appealed, Russia urged restraint, the CSTO's members had to consent.
:data:`MAY_2021` is the one place in the code that names those states.

Outside powers are cast by each scenario's ``actors.third_parties``; their names are
their ids in words (``united_states``: United States).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Role(StrEnum):
    """The roles of a crisis; one Mesa agent per principal role, one per outside power."""

    ATTACKER = "attacker"
    DEFENDER = "defender"
    PATRON = "patron"
    ALLIANCE = "alliance"
    THIRD_PARTY = "third_party"


#: The principal roles, each played by exactly one state, in the order of a tick's phases.
PRINCIPAL_ROLES: tuple[Role, ...] = (Role.ATTACKER, Role.DEFENDER, Role.PATRON, Role.ALLIANCE)

#: The order the workshop lists the teams: the two sides first, the defender leading.
TEAM_ROLE_ORDER: tuple[Role, ...] = (Role.DEFENDER, Role.ATTACKER, Role.PATRON, Role.ALLIANCE)

#: What each role can do, in a few words (briefs, ``crisis-sim policies``).
ROLE_DOES: dict[Role, str] = {
    Role.ATTACKER: "advances, digs in, explains, talks or pulls back",
    Role.DEFENDER: "holds the line, speaks to its public, appeals to its allies",
    Role.PATRON: "brokers, urges restraint, backs a side or sends forces",
    Role.ALLIANCE: "acts, or not, on its members' consent",
    Role.THIRD_PARTY: "voices concern, demands a withdrawal or backs a side",
}


@dataclass(frozen=True)
class Casting:
    """The state that plays one role.

    Attributes:
        role: the role it plays.
        state: its id, the key under ``actors:`` in a scenario (``csto``); also the name
            of its brief (``sim/teach/briefs/STATE.md``) and of its team in the workshop.
        label: its name in a table or a title (``CSTO``).
        subject: its name at the start of a sentence (``The CSTO``).
    """

    role: Role
    state: str
    label: str
    subject: str


#: The May 2021 casting: the default of every role a scenario leaves out.
MAY_2021: dict[Role, Casting] = {
    Role.ATTACKER: Casting(Role.ATTACKER, "azerbaijan", "Azerbaijan", "Azerbaijan"),
    Role.DEFENDER: Casting(Role.DEFENDER, "armenia", "Armenia", "Armenia"),
    Role.PATRON: Casting(Role.PATRON, "russia", "Russia", "Russia"),
    Role.ALLIANCE: Casting(Role.ALLIANCE, "csto", "CSTO", "The CSTO"),
}

#: The CSTO members of May 2021 other than the appellant, with what each needs to consent.
MAY_2021_MEMBERS: dict[str, dict[str, float]] = {
    "russia": {"clarity_needed": 0.65, "follows_patron": 0.0},
    "belarus": {"clarity_needed": 0.6, "follows_patron": 0.4},
    "kazakhstan": {"clarity_needed": 0.8, "follows_patron": 0.2},
    "kyrgyzstan": {"clarity_needed": 0.7, "follows_patron": 0.3},
    "tajikistan": {"clarity_needed": 0.7, "follows_patron": 0.3},
}


def path_by_state(path: str, states: Mapping[str, str]) -> str:
    """Rewrite ``actors.ROLE.rest`` as ``actors.STATE.rest`` for the roles in ``states``.

    ``states`` maps a role's name to its state's id; any other path is returned as is.
    """
    parts = path.split(".")
    if len(parts) > 1 and parts[0] == "actors" and parts[1] in states:
        return ".".join(["actors", states[parts[1]], *parts[2:]])
    return path


class CastLike(Protocol):
    """Anything that says who plays each role (the scenario's ``Cast``)."""

    def casting(self, role: Role) -> Casting: ...  # noqa: D102

    def has(self, role: Role) -> bool: ...  # noqa: D102


#: How prose names a role when no cast is known (a comparison of differently cast runs).
GENERIC: dict[Role, tuple[str, str]] = {
    Role.ATTACKER: ("the attacker", "The attacker"),
    Role.DEFENDER: ("the defender", "The defender"),
    Role.PATRON: ("the patron", "The patron"),
    Role.ALLIANCE: ("alliance", "The alliance"),  # prose writes "the {alliance}"
}


def name_roles(text: str, cast: CastLike | None) -> str:
    """Put a cast's names in prose: ``{defender}`` is a label, ``{Defender}`` a subject.

    The catalogue's labels, narration's phrases and the outcome rules speak of roles, so
    a report of another crisis names its own states (``{defender}'s casualties`` is
    "Kyrgyzstan's casualties" in the Kyrgyz-Tajik case). With no cast, the roles' own
    words (``the defender's casualties``), as for a role the cast lacks (the outputs
    leave out what names one: :func:`names_missing`). Plain replacement, not
    ``str.format``: a phrase may already hold a sector's or a speaker's name, braces
    and all.
    """
    if "{" not in text:
        return text
    for role in PRINCIPAL_ROLES:
        if cast is None or not cast.has(role):
            label, subject = GENERIC[role]
        else:
            casting = cast.casting(role)
            label, subject = casting.label, casting.subject
        text = text.replace(f"{{{role.value}}}", label)
        text = text.replace(f"{{{role.value.capitalize()}}}", subject)
    return text


def roles_named(text: str) -> frozenset[Role]:
    """Return the principal roles a catalogue's text names (``{patron}``, ``{Alliance}``)."""
    return frozenset(
        role
        for role in PRINCIPAL_ROLES
        if f"{{{role.value}}}" in text or f"{{{role.value.capitalize()}}}" in text
    )


def names_missing(cast: CastLike | None, *texts: str) -> bool:
    """Whether any of ``texts`` names a role the cast lacks (a crisis with no patron).

    Outputs leave such a text out, so that nothing names a missing role; with no cast
    known (a comparison of differently cast runs) nothing is left out.
    """
    if cast is None:
        return False
    return any(not cast.has(role) for text in texts for role in roles_named(text))


def label_of_id(state: str) -> str:
    """Return a state's name from its id alone: ``united_states`` -> ``United States``."""
    return state.replace("_", " ").title()
