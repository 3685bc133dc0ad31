"""The roles of a border crisis and the actor that plays each by default, declared once.

A role is what a government or alliance *is* in the crisis; an actor is who plays it in
a scenario. In the May 2021 Sev Lake case (`../shared/brief/case-may-2021.md`)
Azerbaijan is the side that advanced, Armenia the side whose ground was entered and
that appealed to its allies, Russia the regional power and treaty ally that urged
restraint, and the CSTO the alliance whose members had to consent to act.

The command line, the dashboard, the briefs, the narration and the report read the
actors and their names from here; the mechanisms still name the actors they concern
(``sim.core.world``). Outside powers (``actors.third_parties``) are declared in each
scenario, not here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """One role of the crisis.

    Attributes:
        name: the role (``attacker``...).
        actor: the actor that plays it by default: its key under ``actors:`` in a
            scenario file, its policy family and its brief (``sim/teach/briefs/ACTOR.md``).
        label: the actor's name in a table or a title (``CSTO``).
        subject: the actor's name at the start of a sentence (``The CSTO``).
        does: what the role can do, in a few words.
    """

    name: str
    actor: str
    label: str
    subject: str
    does: str


#: The roles, in the order the model's phases and tables list their actors.
ROLES: tuple[Role, ...] = (
    Role(
        "attacker",
        "azerbaijan",
        "Azerbaijan",
        "Azerbaijan",
        "advances, digs in, explains, talks or pulls back",
    ),
    Role(
        "defender",
        "armenia",
        "Armenia",
        "Armenia",
        "holds the line, speaks to its public, appeals to its allies",
    ),
    Role(
        "patron",
        "russia",
        "Russia",
        "Russia",
        "brokers, urges restraint, backs a side or sends forces",
    ),
    Role(
        "alliance",
        "csto",
        "CSTO",
        "The CSTO",
        "acts, or not, on its members' consent",
    ),
)

#: The actors that play the roles, in the same order.
ACTORS: tuple[str, ...] = tuple(role.actor for role in ROLES)

#: The order the workshop lists the teams: the two sides first, the defender leading.
TEAM_ORDER: tuple[str, ...] = ("armenia", "azerbaijan", "russia", "csto")

_BY_ACTOR = {role.actor: role for role in ROLES}


def role_of(actor: str) -> Role | None:
    """Return the role ``actor`` plays by default, or None for an outside power."""
    return _BY_ACTOR.get(actor)


def actor_label(actor: str) -> str:
    """Return an actor's name for a table or a title; outside powers by their id, in words."""
    role = role_of(actor)
    return role.label if role else actor.replace("_", " ").title()


def actor_subject(actor: str) -> str:
    """Return an actor's name to start a sentence (``The CSTO``)."""
    role = role_of(actor)
    return role.subject if role else actor_label(actor)
