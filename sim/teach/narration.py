"""What happened in one world in one tick, in plain words: a running situation report.

:func:`tick_events` turns the tick a :class:`~sim.core.model.CrisisModel` has just resolved
into a list of :class:`Event` s for one world: each actor's choice with the reason its
policy gave ("12 May, 12:00 — Azerbaijan advanced in Sev Lake (resistance looks weak
and the target depth is not reached)"), the scenario's scheduled events that happened in
that world, and the changes of state nobody chose (the first shot, talks starting, an
agreement, the CSTO's response moving on, the outcome). ``hold`` is a non-event and is
never narrated. The same function serves a replayed world (:mod:`sim.readers.explain`)
and a live model stepped one tick at a time (the dashboard's event log)::

    model = CrisisModel(scenario, worlds=1, first_world=42, seed=1)
    tick_events(model)                # before the first step: starts following the model
    while model.running:
        model.step()
        for event in tick_events(model):
            print(event.sentence)

**Times** are those of the results tables: a tick's events are stamped with the moment
the tick ends (a 6-hour tick that opens at 06:00 is stamped 12:00) and ``Event.day``
counts days to that moment, like ``first_shot_day`` in worlds.parquet and ``day`` in
trajectories.parquet. A scheduled event the scenario sets at ``day: 1.25`` (06:00)
therefore appears at 12:00, when the tick that holds it is over.

Everything said is looked up in tables keyed by action (:data:`ACTION_PHRASES`), by
scheduled event (:data:`INJECT_PHRASES`), by change of state (:data:`STATE_CHANGES`), by
CSTO stage and by outcome class (:data:`OUTCOME_RULES`), so a new action or outcome is
one new row, and a test checks every action has one.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.catalogue.outcomes import ABSORBING, OUTCOME_RULES, Outcome
from sim.catalogue.roles import PRINCIPAL_ROLES, Role
from sim.core.actions import BREACHES, RUNG_OF, Action
from sim.core.world import NEVER, AllianceState, Decision, Talks, WorldState
from sim.spec.schema import InjectKind, Scenario

if TYPE_CHECKING:
    from sim.core.model import CrisisModel


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened in one world in one tick.

    Attributes:
        tick: the tick it happened in (0 is the first).
        day: days from the scenario's start to the end of that tick (as in the results).
        date: the calendar date and time of the end of that tick.
        actor: who chose it (``"azerbaijan"``, ``"united_states"``...), or None for a change
            nobody chose (an incident, talks starting, the outcome).
        action: the catalogue's label of the action (``"advance"``), or what changed
            (``"first shot"``, ``"agreement"``, ``"outcome"``...).
        sector: the sector's display name, where the event has one.
        reason: why: the policy's reason, the scenario's schedule, or the rule that applied.
        text: the sentence without its time stamp.
        sentence: the time stamp and the text, as a situation report line.
        kind: ``"action"`` (an actor's choice), ``"inject"`` (scheduled by the scenario)
            or ``"state"`` (a change nobody chose).
    """

    tick: int
    day: float
    date: dt.datetime
    actor: str | None
    action: str
    sector: str | None
    reason: str | None
    text: str
    sentence: str
    kind: str

    @property
    def as_news(self) -> str:
        """The sentence without its reason: what others learn of it, not why it was done."""
        return f"{stamp(self.date)} — {self.text}"


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
    """Put the cast's names in a phrase: ``{attacker}`` is a label, ``{Attacker}`` a subject.

    Plain replacement, not ``str.format``: a phrase may already hold a sector's or a
    speaker's name from the scenario file, braces and all.
    """
    cast = scenario.cast
    for role in PRINCIPAL_ROLES:
        casting = cast.casting(role)
        text = text.replace(f"{{{role.value}}}", casting.label)
        text = text.replace(f"{{{role.value.capitalize()}}}", casting.subject)
    return text


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
    Talks.MEDIATED: "Talks began under {patron}'s mediation",
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
        "war_ticks": scenario.thresholds.war_ticks,
        "withdrawn_below_km": scenario.thresholds.withdrawn_below_km,
        "final_depth_km": float(row.get("final_depth_km", 0.0)),
        "max_depth_km": float(row.get("max_depth_km", 0.0)),
        "first_shot": first_shot,
    }


def outcome_reason(scenario: Scenario, outcome: Outcome, row: dict) -> str:
    """Return why a world with this outcome row was classified as ``outcome``."""
    return OUTCOME_RULES[outcome].format(**outcome_values(scenario, row))


# -- one tick of one world ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TickView:
    """One resolved tick of one world, as the tables below read it.

    ``before`` is the world before the tick (None when it is not known: then the changes
    that need it are not told); ``after`` the world after it; ``false_report`` whether a
    false report of clashes came in this tick (the world state does not keep it).
    """

    scenario: Scenario
    tick: int
    world: int
    before: WorldState | None
    after: WorldState
    decisions: dict[str, Decision]
    false_report: bool = False

    def now(self, name: str):
        """Return a state variable of this world after the tick."""
        return getattr(self.after, name)[self.world]

    def was(self, name: str):
        """Return a state variable of this world before the tick."""
        assert self.before is not None
        return getattr(self.before, name)[self.world]

    def chose_role(self, role: Role) -> Action:
        """Return the action the state cast as ``role`` chose in this world."""
        return self.chose(self.scenario.cast.state(role))

    def chose(self, actor: str) -> Action:
        """Return the action ``actor`` chose in this world (hold if it is not an actor)."""
        decision = self.decisions.get(actor)
        return Action.HOLD if decision is None else Action(int(decision.action[self.world]))

    @property
    def chosen(self) -> set[Action]:
        """Return every action chosen in this world this tick."""
        return {self.chose(actor) for actor in self.decisions}

    @property
    def top_action_rung(self) -> int:
        """Return the highest rung of the actions chosen (before incidents and war)."""
        return int(max(RUNG_OF[action] for action in self.chosen))

    @property
    def depth(self) -> float:
        """Return the total advance after the tick, km."""
        return float(self.now("total_depth_km"))


@dataclass(frozen=True, slots=True)
class StateChange:
    """A change of state nobody chose: when it happened, and what to say."""

    what: str
    happened: Callable[[TickView], bool]
    says: Callable[[TickView], str]
    why: Callable[[TickView], str | None] = lambda view: None
    needs_before: bool = False


def _first_shot(view: TickView) -> str:
    fired = [FIRE_BY[action] for action in view.chosen if action in FIRE_BY]
    who = "; ".join(sorted(fired)) if fired else "units on the line exchanged fire nobody ordered"
    return f"First shots of the crisis: {who}"


def _casualties(view: TickView) -> tuple[int, int]:
    return (
        int(view.now("casualties_defender") - view.was("casualties_defender")),
        int(view.now("casualties_attacker") - view.was("casualties_attacker")),
    )


def _casualty_text(view: TickView) -> str:
    defender, attacker = _casualties(view)
    total = int(view.now("casualties_defender")), int(view.now("casualties_attacker"))
    cast = view.scenario.cast
    return (
        f"Casualties: {defender} on {cast.label(cast.state(Role.DEFENDER))}'s side and "
        f"{attacker} on {cast.label(cast.state(Role.ATTACKER))}'s killed or wounded "
        f"({total[0]} and {total[1]} since the start)"
    )


def _agreement_text(view: TickView) -> str:
    if view.chose_role(Role.DEFENDER) is Action.ACCEPT_LINE:
        return f"The talks ended in agreement on the current line ({view.depth:.2f} km held)"
    return f"Agreement reached: {{attacker}}'s units pull back to {view.depth:.2f} km in all"


def _ceasefire_broken(view: TickView) -> str:
    by_attacker = view.chose_role(Role.ATTACKER) in BREACHES[Role.ATTACKER]
    by_defender = view.chose_role(Role.DEFENDER) in BREACHES[Role.DEFENDER]
    who = " and ".join(
        name for name, broke in (("{Attacker}", by_attacker), ("{Defender}", by_defender)) if broke
    )
    broken = int(view.now("ceasefires_broken"))
    return f"The ceasefire broke: {who} moved or fired ({broken} broken so far)"


def _outcome_text(view: TickView) -> str:
    outcome = Outcome(int(view.now("outcome")))
    if outcome in ABSORBING:
        return f"The crisis ends in {outcome.label}"
    return f"Horizon reached: the world ends as {outcome.label}"


def _outcome_why(view: TickView) -> str:
    outcome = Outcome(int(view.now("outcome")))
    row = {
        "final_depth_km": view.depth,
        "max_depth_km": float(view.now("max_depth_km")),
        "first_shot_day": (
            np.nan
            if view.now("first_shot_tick") == NEVER
            else tick_end(view.scenario, int(view.now("first_shot_tick")))[0]
        ),
    }
    return outcome_reason(view.scenario, outcome, row)


def _alliance_stage(view: TickView) -> str:
    state = AllianceState(int(view.now("alliance_state")))
    stage = f"stage {int(state)} of {len(ALLIANCE_STAGES)}"
    return f"{{Alliance}}'s response is now at {stage}: {ALLIANCE_STAGES[state]}"


#: The changes of state told after the actors' choices, in this order.
STATE_CHANGES: tuple[StateChange, ...] = (
    StateChange(
        "first shot",
        lambda v: v.now("first_shot_tick") == v.tick,
        _first_shot,
    ),
    StateChange(
        "exchange of fire",
        lambda v: (
            v.now("first_shot_tick") != v.tick and v.now("rung") == 4 and v.top_action_rung < 4
        ),
        lambda v: "Units on the line exchanged fire nobody ordered",
        lambda v: "an incident where forces stand face to face",
    ),
    StateChange(
        "sustained fighting",
        lambda v: v.now("fighting_ticks") == 1,
        lambda v: f"Fighting became sustained (clash intensity {v.now('clash_intensity'):.2f})",
    ),
    StateChange(
        "casualties",
        lambda v: sum(_casualties(v)) > 0,
        _casualty_text,
        needs_before=True,
    ),
    StateChange(
        "false reports",
        lambda v: v.false_report,
        lambda v: "False reports of clashes spread in {defender}",
        lambda v: "forces in contact and no official word yet",
    ),
    StateChange(
        "talks started",
        lambda v: v.now("talks_tick") == v.tick,
        lambda v: TALKS_STARTED[Talks(int(v.now("talks")))],
    ),
    StateChange(
        "agreement",
        lambda v: v.was("talks") != Talks.AGREEMENT and v.now("talks") == Talks.AGREEMENT,
        _agreement_text,
        needs_before=True,
    ),
    StateChange(
        "ceasefire",
        lambda v: bool(v.now("ceasefire")) and not v.was("ceasefire"),
        lambda v: "A ceasefire took hold: both governments accepted it and the firing stopped",
        needs_before=True,
    ),
    StateChange(
        "ceasefire broken",
        lambda v: bool(v.was("ceasefire")) and not v.now("ceasefire"),
        _ceasefire_broken,
        needs_before=True,
    ),
    StateChange(
        "alliance state",
        lambda v: v.now("alliance_state_tick") == v.tick and v.now("alliance_state") != 0,
        _alliance_stage,
    ),
    StateChange(
        "outcome",
        lambda v: v.now("end_tick") == v.tick and v.now("outcome") != Outcome.ONGOING,
        _outcome_text,
        _outcome_why,
    ),
)


def _false_report(model: CrisisModel, tick: int, world: int, after: WorldState) -> bool:
    """Whether a false report of clashes came in ``world`` this tick.

    The resolver's rule (sim/core/world.py, "Information"): while forces are in contact and
    before Yerevan has spoken, one comes with the scenario's probability. Draws are keyed
    by (seed, stream, tick, world), so the tick's draw is read again, not made anew.
    """
    contact = bool((after.depth_km[world] > 0.0).any())
    silent = after.statement_tick[world] == NEVER
    if not (contact and silent):
        return False
    draw = model.draws.uniform("false_report", tick)[world]
    return bool(draw < model.spec.dynamics.false_report_probability)


def describe_tick(
    model: CrisisModel,
    tick: int,
    world: int,
    before: WorldState | None,
    after: WorldState,
    decisions: dict[str, Decision],
) -> list[Event]:
    """Return the events of ``tick`` in ``world`` (position in the model's block of worlds).

    ``before`` and ``after`` are the world states around the tick's resolution and
    ``decisions`` every actor's choice in it. :func:`tick_events` calls this; it is public
    for callers that keep their own record of a run.
    """
    scenario = model.spec
    day, date = tick_end(scenario, tick)
    sector_names = [sector.name for sector in scenario.sectors.values()]
    view = TickView(
        scenario, tick, world, before, after, decisions, _false_report(model, tick, world, after)
    )
    events: list[Event] = []

    def add(actor, action, sector, reason, text, kind) -> None:
        text = with_cast_names(text, scenario)
        sentence = f"{stamp(date)} — {text}" + (f" ({reason})" if reason else "")
        events.append(Event(tick, day, date, actor, action, sector, reason, text, sentence, kind))

    # Scheduled events that happened in this world (their draws are keyed, so re-read).
    for index, inject in model.resolver.injects_by_tick.get(tick, []):
        if model.draws.uniform(f"inject.{index}", tick)[world] >= inject.probability:
            continue
        if inject.kind is InjectKind.OFFICIAL_STATEMENT and (
            after.statement_tick[world] != tick
            or view.chose_role(Role.DEFENDER) is Action.OFFICIAL_STATEMENT
        ):
            continue  # Yerevan had already spoken, or says so itself this tick
        concerns, label, phrase = INJECT_PHRASES[inject.kind]
        sector = scenario.sectors[inject.sector].name if inject.sector else None
        speaker = actor_name(inject.actor, scenario) if inject.actor else "A foreign capital"
        chance = f", chance {inject.probability:.0%}" if inject.probability < 1 else ""
        add(
            inject.actor or (scenario.cast.state(concerns) if concerns else None),
            label,
            sector,
            f"scheduled for day {inject.day:g}{chance}",
            with_cast_names(phrase, scenario)
            .replace("{sector}", str(sector))
            .replace("{actor}", speaker),
            "inject",
        )

    # Each actor's choice, in the model's order of actors; holding is not news.
    for name, actor in model.actors.items():
        decision = decisions[name]
        action = Action(int(decision.action[world]))
        if action is Action.HOLD:
            continue
        index = int(decision.sector[world])
        sector = sector_names[index] if 0 <= index < len(sector_names) else None
        reasons = actor.policy.reasons
        code = int(decision.reason[world])
        reason = reasons[code] if 0 <= code < len(reasons) else None
        phrase = ACTION_PHRASES.get(action, action.label + (" in {sector}" if sector else ""))
        phrase = with_cast_names(phrase, scenario).replace("{sector}", sector or "a sector")
        text = f"{actor_name(name, scenario)} {phrase}"
        add(name, action.label, sector, reason, text, "action")

    # Changes nobody chose.
    for change in STATE_CHANGES:
        if change.needs_before and before is None:
            continue
        if change.happened(view):
            add(None, change.what, None, change.why(view), change.says(view), "state")
    return events


# -- following a live model --------------------------------------------------------------
@dataclass(slots=True)
class _Resolved:
    tick: int
    before: WorldState | None
    after: WorldState | None
    decisions: dict[str, Decision]


class _Follower:
    """Keeps, for each tick a model resolves, the world before and after and the choices.

    It wraps the model's ``resolver.resolve``: the model itself is not changed, and the
    choices are copied before the model can reset them (a model whose worlds have all
    ended sets its last decisions to hold while it records the remaining ticks).
    """

    def __init__(self) -> None:
        self.pending: list[_Resolved] = []

    def attach(self, model: CrisisModel) -> None:
        resolve = model.resolver.resolve

        def resolve_and_keep(world: WorldState, decisions: dict[str, Decision], tick: int):
            before = world.copy()
            resolve(world, decisions, tick)
            kept = {
                name: Decision(d.action.copy(), d.sector.copy(), d.reason.copy())
                for name, d in decisions.items()
            }
            self.pending.append(_Resolved(tick, before, world.copy(), kept))

        model.resolver.resolve = resolve_and_keep  # type: ignore[method-assign]

    def take(self) -> list[_Resolved]:
        taken, self.pending = self.pending, []
        return taken


_FOLLOWERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def tick_events(model: CrisisModel, world: int = 0) -> list[Event]:
    """Return what happened in ``world`` in the ticks resolved since the last call.

    Call it once before the first step (it returns ``[]`` and starts following the
    model), then after each ``model.step()``. The first call may also come after the
    first step; a first call later than that can tell only the last tick's choices and
    the changes the world stamps with a tick (the first shot, talks, the CSTO's stage,
    the outcome). Each model is followed once, whatever the world asked for.

    Args:
        model: a :class:`~sim.core.model.CrisisModel`, typically of one world (``worlds=1``).
            It is meant for small models: each tick's state is copied.
        world: the world's position in the model's block (0 for a model of one world;
            its global index is ``model.world_ids[world]``).
    """
    if not 0 <= world < model.n_worlds:
        raise IndexError(f"world {world} is not in this model (0 to {model.n_worlds - 1})")
    follower = _FOLLOWERS.get(model)
    if follower is None:
        follower = _FOLLOWERS[model] = _Follower()
        follower.attach(model)
        if model.tick == 0:
            return []
        before = WorldState.initial(model.spec, model.n_worlds) if model.tick == 1 else None
        decisions = {name: actor.last_decision for name, actor in model.actors.items()}
        records = [_Resolved(model.tick - 1, before, None, decisions)]
    else:
        records = follower.take()
    events: list[Event] = []
    for position, record in enumerate(records):
        latest = position == len(records) - 1
        after = model.world if latest or record.after is None else record.after
        events += describe_tick(model, record.tick, world, record.before, after, record.decisions)
    return events
