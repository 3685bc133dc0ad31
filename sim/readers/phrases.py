"""The words of a situation report: phrases by action, scheduled event, stage and talks.

Narration (:mod:`sim.readers.narration`), ``explain``, the game's event log and the
debrief look their sentences up here, so a new action or scheduled event is one new row
(a test checks that every action has one). Phrases speak of roles (``{attacker}``,
``{Defender}``...), and :func:`with_cast_names` puts the scenario's cast in them, so a
report of another crisis names its own states.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sim.catalogue.outcomes import OUTCOME_RULES, Outcome
from sim.catalogue.roles import Role, name_roles
from sim.core.actions import Action
from sim.core.world import AllianceState, Talks
from sim.spec.schema import InjectKind, Scenario


def stamp(date: dt.datetime) -> str:
    """Return a situation-report time stamp, e.g. ``"12 May, 06:00"``."""
    return f"{date.day} {date:%B}, {date:%H:%M}"


def tick_end(scenario: Scenario, tick: int) -> tuple[float, dt.datetime]:
    """Return the day and the date-time at which ``tick`` ends (the results' convention)."""
    hours = (tick + 1) * scenario.tick_hours
    start = dt.datetime.combine(scenario.start_date, dt.time())
    return hours / 24, start + dt.timedelta(hours=hours)


# -- who is who ---------------------------------------------------------------------------
def with_cast_names(text: str, scenario: Scenario) -> str:
    """Put the scenario's cast in a phrase (:func:`sim.catalogue.roles.name_roles`)."""
    return name_roles(text, scenario.cast)


def actor_name(actor: str, scenario: Scenario) -> str:
    """Return an actor's name for a sentence (third parties by their id, in words)."""
    return scenario.cast.subject(actor)


# -- what each action says (past tense; ``{sector}`` is the sector's name) ----------------
ACTION_PHRASES: dict[Action, str] = {
    Action.ADVANCE: "advanced in {sector}",
    Action.ENTRENCH: "dug in at {sector}",
    Action.WITHDRAW_PARTIAL: "pulled back half-way in {sector}",
    Action.WITHDRAW_FULL: "pulled back to the pre-crisis line",
    Action.ATTACKER_FIRE: "opened fire",
    Action.JUSTIFY: "explained the move: the border is not agreed and the maps are unclear",
    Action.RHETORIC: "stepped up irredentist rhetoric on Zangezur",
    Action.PROPOSE_TALKS: "proposed talks between local commanders",
    Action.ASSAULT: "attacked in {sector}, advancing under artillery and drone fire",
    Action.SEND_BORDER_GUARDS: "sent NSS border guards to {sector}",
    Action.SEND_ARMY: "sent regular army units to {sector}",
    Action.DEFENDER_FIRE: "opened fire on the advancing units",
    Action.COUNTER_ATTACK: "counter-attacked to retake ground in {sector}",
    Action.OFFICIAL_STATEMENT: "issued an official statement on what happened",
    Action.APPEAL_ALLIANCE: "appealed to the {alliance}",
    Action.APPEAL_PATRON: "appealed to {patron} under the bilateral treaty",
    Action.APPEAL_WEST: "appealed to Western capitals",
    Action.LOCAL_TALKS: "sent local commanders to negotiate on the spot",
    Action.ACCEPT_LINE: "accepted the new line for now",
    Action.PHONE_BOTH: "phoned both sides' leaders",
    Action.URGE_RESTRAINT: "urged restraint and strict adherence to the ceasefire",
    Action.OFFER_MEDIATION: "offered to mediate between the sides",
    Action.DEPLOY_TROOPS: "put its troops on the line in {sector}",
    Action.PRESSURE_ATTACKER: "demanded that {attacker} pull back, with a warning",
    Action.DEFEND_ALLY: "used force against the advance in {sector}",
    Action.CONSULTATIONS: "opened consultations among its members",
    Action.ALLIANCE_STATEMENT: "said it is following events and will act if needed",
    Action.FACT_FINDING: "sent a fact-finding mission",
    Action.COLLECTIVE_MEASURES: "took collective measures under the security treaty",
    Action.CALL_FOR_RESTRAINT: "voiced concern and urged restraint",
    Action.DEMAND_WITHDRAWAL: "said the forces crossed the border and must withdraw",
    Action.BACK_ATTACKER: "backed {attacker}'s position in public",
    Action.OFFER_CEASEFIRE: "proposed a ceasefire",
    Action.ACCEPT_CEASEFIRE: "accepted the ceasefire on offer",
}

#: Scheduled events: (who it concerns, label, sentence). ``{actor}`` is the speaker of a
#: third-party statement, ``{sector}`` the sector of an advance order.
INJECT_PHRASES: dict[InjectKind, tuple[Role | None, str, str]] = {
    InjectKind.ADVANCE_ORDER: (
        Role.ATTACKER,
        "advance order",
        "{attacker}'s units advanced in {sector} on a standing order",
    ),
    InjectKind.RUMOUR: (None, "rumour", "False reports of clashes spread in {defender}"),
    InjectKind.OFFICIAL_STATEMENT: (
        Role.DEFENDER,
        "official statement",
        "{Defender} issued an official statement on what happened",
    ),
    InjectKind.THIRD_PARTY_STATEMENT: (None, "statement", "{actor} spoke out on the crisis"),
    InjectKind.CLASH: (None, "clash", "Fire was exchanged across the line"),
    InjectKind.MINISTERIAL_VISIT: (
        None,
        "ministerial visit",
        "A ministerial visit to {attacker}, read there as tacit blessing, eased the cost of "
        "defiance",
    ),
}

#: Who fires a shot, by action (for "who fired first").
FIRE_BY: dict[Action, str] = {
    Action.ATTACKER_FIRE: "{attacker}'s units opened fire",
    Action.ASSAULT: "{attacker}'s units attacked under fire",
    Action.DEFENDER_FIRE: "{defender}'s units opened fire",
    Action.COUNTER_ATTACK: "{Defender} counter-attacked",
    Action.DEFEND_ALLY: "{patron}'s forces used force",
}

ALLIANCE_STAGES: dict[AllianceState, str] = {
    AllianceState.APPEAL_RECEIVED: "{defender}'s appeal received",
    AllianceState.CONSULTATIONS: "members in consultations",
    AllianceState.STATEMENT: "a statement, no measures",
    AllianceState.FACT_FINDING: "a fact-finding mission",
    AllianceState.COLLECTIVE_MEASURES: "collective measures",
}

TALKS_STARTED: dict[Talks, str] = {
    Talks.LOCAL: "Local talks began between the commanders on the spot",
    Talks.MEDIATED: "Talks began under mediation",  # narration names the mediators
    Talks.AGREEMENT: "Talks began",
}


def outcome_values(scenario: Scenario, row: dict) -> dict[str, object]:
    """Return the values :data:`OUTCOME_RULES` are filled with, from an outcome row."""
    shot = row.get("first_shot_day")
    if shot is None or np.isnan(shot):
        first_shot = "none fired"
    else:
        start = dt.datetime.combine(scenario.start_date, dt.time())
        first_shot = "the first by " + stamp(start + dt.timedelta(days=float(shot)))
    return {
        "war_intensity": scenario.thresholds.war_intensity,
        "war_days": scenario.thresholds.war_days,
        "war_battle_deaths": scenario.thresholds.war_battle_deaths,
        "killed": int(row.get("killed_defender", 0)) + int(row.get("killed_attacker", 0)),
        "withdrawn_below_km": scenario.thresholds.withdrawn_below_km,
        "final_depth_km": float(row.get("final_depth_km", 0.0)),
        "max_depth_km": float(row.get("max_depth_km", 0.0)),
        "first_shot": first_shot,
    }


def outcome_reason(scenario: Scenario, outcome: Outcome, row: dict) -> str:
    """Return why a world with this outcome row was classified as ``outcome``."""
    return with_cast_names(OUTCOME_RULES[outcome], scenario).format(**outcome_values(scenario, row))
