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
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.catalogue.outcomes import ABSORBING, Outcome
from sim.catalogue.roles import Role
from sim.core.actions import Action
from sim.core.facts import TickFacts
from sim.core.world import NEVER, AllianceState, Talks, WorldState
from sim.readers.phrases import (
    ACTION_PHRASES,
    ALLIANCE_STAGES,
    FIRE_BY,
    INJECT_PHRASES,
    TALKS_STARTED,
    actor_name,
    outcome_reason,
    stamp,
    tick_end,
    with_cast_names,
)
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


# -- one tick of one world ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TickView:
    """One resolved tick of one world, as the tables below read it.

    ``before`` is the world before the tick (None when it is not known: then the changes
    that need it are not told); ``after`` the world after it; ``facts`` what the
    submodels did in the tick (:class:`~sim.core.facts.TickFacts`): what is told is
    what they did, never worked out again here.
    """

    scenario: Scenario
    world: int
    before: WorldState | None
    after: WorldState
    facts: TickFacts

    @property
    def tick(self) -> int:
        """Return the tick told."""
        return self.facts.tick

    def fact(self, name: str) -> bool:
        """Return one of the tick's facts in this world."""
        return bool(getattr(self.facts, name)[self.world])

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
        decision = self.facts.decisions.get(actor)
        return Action.HOLD if decision is None else Action(int(decision.action[self.world]))

    @property
    def chosen(self) -> set[Action]:
        """Return every action chosen in this world this tick."""
        return {self.chose(actor) for actor in self.facts.decisions}

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
    fired = sorted(FIRE_BY[action] for action in view.chosen if action in FIRE_BY)
    if view.fact("incidents") or not fired:  # an incident, or a clash on the schedule
        fired.append(NOBODY_ORDERED)
    return f"First shots of the crisis: {'; '.join(fired)}"


NOBODY_ORDERED = "units on the line exchanged fire nobody ordered"


CASUALTIES = ("killed_defender", "wounded_defender", "killed_attacker", "wounded_attacker")


def _casualties(view: TickView) -> tuple[int, ...]:
    """Return the tick's killed and wounded, the defender's then the attacker's."""
    return tuple(int(view.now(name) - view.was(name)) for name in CASUALTIES)


def _casualty_text(view: TickView) -> str:
    killed_d, wounded_d, killed_a, wounded_a = _casualties(view)
    cast = view.scenario.cast
    return (
        f"Casualties: {killed_d} killed and {wounded_d} wounded on "
        f"{cast.label(cast.state(Role.DEFENDER))}'s side, {killed_a} killed and "
        f"{wounded_a} wounded on {cast.label(cast.state(Role.ATTACKER))}'s "
        f"({int(view.now('killed_defender'))} and {int(view.now('killed_attacker'))} "
        "killed since the start)"
    )


def _agreement_text(view: TickView) -> str:
    if view.fact("line_accepted"):
        return f"The talks ended in agreement on the current line ({view.depth:.2f} km held)"
    return f"Agreement reached: {{attacker}}'s units pull back to {view.depth:.2f} km in all"


def _ceasefire_broken(view: TickView) -> str:
    by_attacker, by_defender = view.fact("broken_by_attacker"), view.fact("broken_by_defender")
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


def _talks_started(view: TickView) -> str:
    """Say talks began, and under whose mediation (the patron's, or an outside power's)."""
    talks = Talks(int(view.now("talks")))
    mediators = [
        actor_name(actor, view.scenario)
        for actor in view.facts.decisions
        if view.chose(actor) == Action.OFFER_MEDIATION
    ]
    if talks is Talks.MEDIATED and mediators:
        return f"Talks began under {' and '.join(mediators)}'s mediation"
    return TALKS_STARTED[talks]


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
        lambda v: v.fact("incidents") and v.now("first_shot_tick") != v.tick,
        lambda v: NOBODY_ORDERED.capitalize(),
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
        lambda v: v.fact("false_report"),
        lambda v: "False reports of clashes spread in {defender}",
        lambda v: "forces in contact and no official word yet",
    ),
    StateChange(
        "talks started",
        lambda v: v.now("talks_tick") == v.tick,
        _talks_started,
    ),
    StateChange(
        "agreement",
        lambda v: v.fact("pullback_agreed") or v.fact("line_accepted"),
        _agreement_text,
    ),
    StateChange(
        "ceasefire",
        lambda v: v.fact("ceasefire_held"),
        lambda v: "A ceasefire took hold: both governments accepted it and the firing stopped",
    ),
    StateChange(
        "ceasefire broken",
        lambda v: v.fact("broken_by_attacker") or v.fact("broken_by_defender"),
        _ceasefire_broken,
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


def describe_tick(
    model: CrisisModel,
    facts: TickFacts,
    world: int,
    before: WorldState | None,
    after: WorldState,
) -> list[Event]:
    """Return the events of a tick in ``world`` (position in the model's block of worlds).

    ``facts`` are the tick's facts (``CrisisModel.facts``, or a kept tick's), ``before``
    and ``after`` the world states around it. :func:`tick_events` calls this; it is
    public for callers that keep their own record of a run.
    """
    scenario = model.spec
    day, date = tick_end(scenario, facts.tick)
    sector_names = [sector.name for sector in scenario.sectors.values()]
    view = TickView(scenario, world, before, after, facts)
    events: list[Event] = []

    def add(actor, action, sector, reason, text, kind) -> None:
        text = with_cast_names(text, scenario)
        sentence = f"{stamp(date)} — {text}" + (f" ({reason})" if reason else "")
        events.append(
            Event(facts.tick, day, date, actor, action, sector, reason, text, sentence, kind)
        )

    # Scheduled events that happened in this world.
    for fired in facts.injects:
        inject = fired.inject
        if not fired.happened[world]:
            continue
        if inject.kind is InjectKind.OFFICIAL_STATEMENT and (
            after.statement_tick[world] != facts.tick
            or view.chose_role(Role.DEFENDER) is Action.OFFICIAL_STATEMENT
        ):
            continue  # the government had already spoken, or says so itself this tick
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
        decision = facts.decisions[name]
        action = Action(int(decision.action[world]))
        if action is Action.HOLD:
            continue
        index = int(decision.sector[world])
        sector = sector_names[index] if 0 <= index < len(sector_names) else None
        reasons = actor.policy.reasons
        code = int(decision.reason[world])
        reason = with_cast_names(reasons[code], scenario) if 0 <= code < len(reasons) else None
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


def tick_events(model: CrisisModel, world: int = 0) -> list[Event]:
    """Return what happened in ``world`` in the ticks resolved since the last call.

    Call it once before the first step (it returns ``[]`` and asks the model to keep
    its ticks, :meth:`~sim.core.model.CrisisModel.keep_ticks`), then after each
    ``model.step()``. The first call may also come later: it then tells the last tick
    from the model's ``facts`` (with the world before it only after the first tick, so
    later changes that need it, such as casualties, are not told).

    Args:
        model: a :class:`~sim.core.model.CrisisModel`, typically of one world (``worlds=1``).
            It is meant for small models: each tick's state is copied.
        world: the world's position in the model's block (0 for a model of one world;
            its global index is ``model.world_ids[world]``).
    """
    if not 0 <= world < model.n_worlds:
        raise IndexError(f"world {world} is not in this model (0 to {model.n_worlds - 1})")
    if not model.keeps_ticks:
        model.keep_ticks()
        if model.facts is None:
            return []
        before = WorldState.initial(model.spec, model.n_worlds) if model.tick == 1 else None
        return describe_tick(model, model.facts, world, before, model.world)
    events: list[Event] = []
    kept = model.take_ticks()
    for position, tick in enumerate(kept):
        # The latest tick is told from the world as it is now: at the horizon, after the
        # worlds still running were classified.
        after = model.world if position == len(kept) - 1 else tick.after
        events += describe_tick(model, tick.facts, world, tick.before, after)
    return events
