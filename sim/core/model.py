"""The crisis model: a Mesa model advancing an ensemble of R worlds in lockstep.

Each tick runs the same four phases for every world: actors **perceive** their views,
**decide** simultaneously through their policies, the world **resolves** all choices and
scheduled injects, and the tick is **recorded**. R = 1 is an ordinary single run; the
same code serves the dashboard and an ensemble of a million worlds.

Random numbers never come from Mesa's generator: every draw is keyed by
(seed, world index, tick, stream) in :mod:`sim.core.rng`, so world i has the same history
whatever block of worlds it runs in.
"""

from __future__ import annotations

import difflib
import operator
import secrets
from enum import Enum
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.catalogue.outcomes import OUTCOME_CLASSES, Outcome
from sim.catalogue.roles import Role
from sim.core.agents import AGENT_CLASSES, CrisisActor, ThirdParty
from sim.core.border import Border
from sim.core.facts import ResolvedTick, TickFacts
from sim.core.perception import Perceiver
from sim.core.resolver import Resolver
from sim.core.rng import CounterRNG
from sim.core.world import NEVER, WorldState
from sim.errors import UserError, clip
from sim.run.record import Recorder, outcome_table
from sim.run.record import sample_stride as sample_stride_for
from sim.spec.loading import build_policy, load_scenario
from sim.spec.parameters import Parameter, parameter, scenario_parameters
from sim.spec.schema import Inject, Scenario
from sim.spec.validation import validate_data


class _ScenarioSeed(Enum):
    """The type of :data:`SCENARIO_SEED` (one enum member, so type checkers can tell it apart)."""

    SCENARIO_SEED = "the scenario's seed"

    def __repr__(self) -> str:
        return "SCENARIO_SEED"


#: ``CrisisModel``'s default ``seed``: the scenario's own. ``seed=None`` is fresh entropy.
SCENARIO_SEED = _ScenarioSeed.SCENARIO_SEED

#: CrisisModel's own keywords; any other keyword is a scenario field by dotted path.
MODEL_KEYWORDS = (
    "scenario",
    "worlds",
    "first_world",
    "seed",
    "sample_stride",
    "collect",
    "record",
    "world_ids",
)


def with_overrides(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """Return ``scenario`` with fields changed by dotted path, validated again."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    # A new policy starts from its own defaults, as with ``extends:``: the old policy's
    # parameters are dropped (policy paths first, so parameters set alongside are kept).
    for path, value in sorted(overrides.items(), key=lambda item: not item[0].endswith(".policy")):
        node = data
        *parents, last = path.split(".")
        for key in parents:
            if key == "params" and key not in node:  # dropped above with the old policy
                node[key] = {}
            if not isinstance(node.get(key), dict):
                raise UserError(
                    f"Override {path!r}: {key!r} is not a section of the scenario. "
                    "Use a dotted path such as dynamics.advance_step_km."
                )
            node = node[key]
        if last == "policy" and node.get("policy") != value:
            node.pop("params", None)
        node[last] = value
    return validate_data(data, Path(f"<{scenario.name} with overrides>"))


class CrisisModel(mesa.Model):
    """R worlds of one scenario, stepped together.

    Args:
        scenario: a validated :class:`~sim.spec.schema.Scenario`, or the path of a scenario file
            (a ``str`` or ``Path``). Under ``mesa.batch_run`` pass a Scenario object in a
            list, ``"scenario": [scenario]``: batch_run iterates over any other value.
        worlds: how many worlds (default 1: a Mesa model is one world unless asked for
            more; ``None``: the scenario's ``worlds``).
        first_world: the index of the first world; worlds are ``first_world ...
            first_world + worlds - 1`` and their random numbers are keyed by these indices.
        world_ids: the worlds' indices, one per world, in place of ``worlds`` and
            ``first_world``: a block of parameter sets repeats each set's indices
            (:mod:`sim.run.sets`), so that a set's worlds draw as they would alone.
        seed: the seed of every random draw. Omitted (:data:`SCENARIO_SEED`): the
            scenario's seed; ``None``: fresh entropy, as in Mesa (so ``mesa.batch_run``'s
            ``rng=[None] * 3`` gives three different worlds); an integer: that seed. The
            seed used is ``self.seed`` and the model reporter ``seed``.
        sample_stride: keep full histories of worlds whose index is a multiple of this
            (default: about ``scenario.trajectory_sample`` worlds of the block; 0: none).
        collect: collect the model reporters after every tick (Mesa's DataCollector).
            An ensemble's chunks turn it off: their recorder keeps exact aggregates, and
            the reporters' means cost a tenth of a small run.
        record: count each tick's aggregates in ``recorder`` (default). A block of
            parameter sets (:mod:`sim.run.sets`) needs only the outcome rows and turns it
            off (``recorder`` is then None): the counting was a twentieth of its tick.
        **overrides: scenario fields to change, by dotted path, e.g.
            ``**{"dynamics.advance_step_km": 0.5, "actors.russia.policy": "protector"}``;
            the result is validated like a scenario file, and a path that names no field
            is refused with the nearest ones. This is how ``mesa.batch_run`` sweeps
            scenario fields.

    The model reporters (``datacollector``) are means and shares over the worlds, the
    ``seed`` used, and ``outcome``: the worlds' outcome class (``frozen_gain``...; while
    a world runs, ``ongoing``), or ``mixed`` when the worlds do not all share one.
    """

    def __init__(
        self,
        scenario: Scenario | str | Path,
        worlds: int | None = 1,
        first_world: int = 0,
        seed: int | _ScenarioSeed | None = SCENARIO_SEED,
        sample_stride: int | None = None,
        collect: bool = True,
        world_ids: np.ndarray | None = None,
        record: bool = True,
        **overrides: Any,
    ) -> None:
        _refuse_scenario_field(scenario)
        if not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario).scenario
        if overrides:
            scenario = _with_keywords(scenario, overrides)
        seed = _resolve_seed(seed, scenario)
        super().__init__(rng=seed)
        self.spec = scenario
        self.seed = seed
        self.collect = collect
        if world_ids is not None:
            self.world_ids = np.asarray(world_ids, dtype=np.int64)
            self.n_worlds = len(self.world_ids)
        else:
            self.n_worlds = scenario.worlds if worlds is None else int(worlds)
            self.world_ids = np.arange(first_world, first_world + self.n_worlds, dtype=np.int64)
        self.draws = CounterRNG(seed, self.world_ids)
        self.tick = 0
        self.ticks = scenario.ticks
        self.border = Border.of(scenario)
        self.world = WorldState.initial(scenario, self.n_worlds, self.border)
        self.perceiver = Perceiver(scenario, self.draws, self.n_worlds, self.border)
        self.actors: dict[str, CrisisActor] = {}
        for role in scenario.cast.roles:  # a role the crisis lacks has no agent at all
            cls, state = AGENT_CLASSES[role], scenario.cast.state(role)
            spec = scenario.actors.spec(state)
            self.actors[state] = cls(self, state, build_policy(state, role, spec, scenario))
        for name, spec in scenario.actors.third_parties.items():
            policy = build_policy(name, Role.THIRD_PARTY, spec, scenario)
            self.actors[name] = ThirdParty(self, name, policy)
        self.resolver = Resolver(scenario, self.draws, self.border)
        #: The facts of the last tick resolved (None before the first): what the submodels
        #: did that the world state does not keep (sim.core.facts).
        self.facts: TickFacts | None = None
        self._kept_ticks: list[ResolvedTick] | None = None
        if sample_stride is None:
            sample_stride = sample_stride_for(self.n_worlds, scenario.trajectory_sample)
        self.recorder: Recorder | None = (
            Recorder(self.ticks, self.world_ids, sample_stride) if record else None
        )
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "seed": lambda m: m.seed,
                "outcome": _common_outcome,
                "mean_depth_km": lambda m: float(m.world.total_depth_km.mean()),
                "share_shots_fired": lambda m: float((m.world.first_shot_tick != NEVER).mean()),
                "mean_alarm": lambda m: float(m.world.alarm.mean()),
                "share_in_talks": lambda m: float((m.world.talks > 0).mean()),
                "mean_rung": lambda m: float(m.world.rung.mean()),
                "share_ended": lambda m: float((~m.world.active).mean()),
                # Shares of worlds per outcome class: absorbing classes as they happen,
                # the others once the horizon classifies the worlds still running. With
                # one world per model each is 0 or 1, and ``outcome`` names the class.
                **{
                    f"share_{outcome.name.lower()}": (
                        lambda m, code=outcome: float((m.world.outcome == code).mean())
                    )
                    for outcome in OUTCOME_CLASSES
                },
            }
        )

    # The clock is ``tick``, the ticks simulated, not Mesa's ``steps``, the calls to
    # ``step()``: once every world has ended, one call records all the remaining ticks
    # (``_skip_to_horizon``), so a finished ensemble costs one call, not a hundred.

    @property
    def day(self) -> float:
        """Days elapsed since the scenario's start date."""
        return self.tick * self.spec.tick_hours / 24

    def step(self) -> None:
        """Advance every world by one tick: perceive, decide, resolve, record."""
        if self.tick >= self.ticks:
            self.running = False
            return
        # The phases go through Mesa's AgentSet, in the order the actors were created;
        # a policy's draws are keyed by its actor, not by that order (sim.core.rng).
        views = self.agents.map("perceive")  # every actor perceives before any decides
        decisions = {
            actor.name: actor.decide(view) for actor, view in zip(self.agents, views, strict=True)
        }
        if self._kept_ticks is None:
            self.facts = self.resolver.resolve(self.world, decisions, self.tick)
        else:
            before = self.world.copy()
            self.facts = self.resolver.resolve(self.world, decisions, self.tick)
            self._kept_ticks.append(ResolvedTick(self.facts.kept(), before, self.world.copy()))
        self.perceiver.observe(
            self.world, self.tick, {name: d.action for name, d in decisions.items()}
        )
        if self.recorder is not None:
            self.recorder.observe(self.world, decisions, self.tick)
        self.tick += 1
        if self.tick >= self.ticks:
            self.resolver.finish(self.world, self.tick - 1)
            self.running = False
        elif not self.world.active.any():
            self.running = self._skip_to_horizon()
        if self.collect:
            self.datacollector.collect(self)  # after the horizon's classification, if any

    def schedule(self, inject: Inject, tick: int | None = None) -> int:
        """Schedule an event into the running worlds; return its index in the schedule.

        ``tick`` defaults to the first tick of the inject's ``day``. It happens in each
        world with the inject's probability, drawn from a stream of its own
        (``inject.<index>``), so it shifts no other draw. A workshop's facilitator fires
        events this way (sim.teach.game).
        """
        tick = self.spec.tick_of_day(inject.day) if tick is None else tick
        if tick < self.tick:
            raise ValueError(f"tick {tick} has been resolved already (the model is at {self.tick})")
        return self.resolver.schedule(inject, tick)

    def keep_ticks(self) -> None:
        """Keep, from the next tick on, each resolved tick: the world before and after, the facts.

        Meant for small models (narration copies each tick's state of every world): see
        :meth:`take_ticks`. Calling it again changes nothing.
        """
        if self._kept_ticks is None:
            self._kept_ticks = []

    @property
    def keeps_ticks(self) -> bool:
        """Whether the model keeps each resolved tick (:meth:`keep_ticks`)."""
        return self._kept_ticks is not None

    def take_ticks(self) -> list[ResolvedTick]:
        """Return the ticks kept since the last call (see :meth:`keep_ticks`), oldest first."""
        if self._kept_ticks is None:
            return []
        taken, self._kept_ticks = self._kept_ticks, []
        return taken

    def _skip_to_horizon(self) -> bool:
        """Every world has ended: record the frozen remainder without stepping actors."""
        if self.recorder is None:
            self.tick = self.ticks  # nothing to record: at the horizon at once
        while self.tick < self.ticks:
            decisions = {name: a.last_decision for name, a in self.actors.items()}
            for decision in decisions.values():
                decision.action[:] = 0
                decision.sector[:] = -1
            self.recorder.observe(self.world, decisions, self.tick)
            self.tick += 1
        self.resolver.finish(self.world, self.tick - 1)
        return False

    def run(self) -> CrisisModel:
        """Run every world to the horizon; return self."""
        while self.running:
            self.step()
        return self

    def outcomes(self) -> pd.DataFrame:
        """Return one row per world: outcome class and measures."""
        return outcome_table(self.world, self.world_ids, self.spec.tick_hours / 24)


def _common_outcome(model: CrisisModel) -> str:
    """Return the outcome class every world of ``model`` shares, or ``mixed``."""
    codes = np.unique(model.world.outcome)
    return Outcome(int(codes[0])).name.lower() if len(codes) == 1 else "mixed"


def _resolve_seed(seed: int | _ScenarioSeed | None, scenario: Scenario) -> int:
    """Return the seed to use: the scenario's, fresh entropy (None), or the one given."""
    if seed is SCENARIO_SEED:
        return scenario.seed
    if seed is None:
        return secrets.randbits(63)  # below 2**63, like a scenario's seed
    try:
        if isinstance(seed, bool):
            raise TypeError
        return operator.index(seed)
    except TypeError:
        raise UserError(
            f"seed={seed!r} is not a seed: give a whole number (0 to 2**63 - 1), None for "
            "fresh entropy, or leave it out for the scenario's seed."
        ) from None


def _refuse_scenario_field(scenario: object) -> None:
    """Refuse a (field name, value) pair: a Scenario that ``mesa.batch_run`` iterated over.

    A pydantic model iterates over its fields, so ``"scenario": scenario`` in batch_run's
    parameters gives each model one field of the scenario instead of the scenario.
    """
    if (
        isinstance(scenario, tuple)
        and len(scenario) == 2
        and isinstance(scenario[0], str)
        and scenario[0] in Scenario.model_fields
    ):
        raise UserError(
            f"CrisisModel got scenario={clip(repr(scenario), 80)}: one field of a Scenario, "
            "not the scenario. mesa.batch_run iterates over a parameter's value, and a "
            'Scenario iterates over its fields: pass the scenario in a list, "scenario": '
            '[scenario], or as the path of its file, "scenario": "scenarios/NAME.yaml".'
        )


def _with_keywords(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """Apply ``overrides`` as :func:`with_overrides` does, naming the nearest paths for a typo.

    An override that names no field of the scenario is refused the way ``crisis-sim
    sweep --param`` refuses it (:func:`sim.spec.parameters.parameter`), and a near miss of one
    of CrisisModel's own keywords (``first_wrld``) is pointed out as well.
    """
    try:
        return with_overrides(scenario, overrides)
    except UserError as error:
        known, tree = scenario_parameters(scenario), scenario.model_dump(mode="json")
        unknown = [path for path in overrides if not _names_a_field(path, overrides, known, tree)]
        if not unknown:
            raise
        path = unknown[0]
        hint = ""
        if "." not in path:  # a plain keyword may be a typo of one of CrisisModel's own
            own = difflib.get_close_matches(path, MODEL_KEYWORDS, n=1)
            hint = f" CrisisModel's own keywords are {', '.join(MODEL_KEYWORDS)}" + (
                f"; did you mean {own[0]}?" if own else "."
            )
        try:
            parameter(scenario, path, where="CrisisModel keyword (a mesa.batch_run parameter)")
        except UserError as unknown_path:
            raise UserError(f"{unknown_path}{hint}") from error
        raise  # parameter() found it after all: the original error says what is wrong


def _names_a_field(
    path: str, overrides: dict[str, Any], known: dict[str, Parameter], tree: dict
) -> bool:
    """Whether ``path`` names a field of the scenario.

    It does if it is one of the ``known`` parameters, a key path of the scenario's ``tree``
    (its data), or a parameter of a policy chosen in the same ``overrides``.
    """
    actor, params, _ = path.partition(".params.")
    if params and f"{actor}.policy" in overrides:
        return True  # a parameter of the new policy: its own validation judges it
    if path in known:
        return True
    node: Any = tree
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return True
