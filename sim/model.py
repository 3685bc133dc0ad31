"""The crisis model: a Mesa model advancing an ensemble of R worlds in lockstep.

Each tick runs the same four phases for every world: actors **perceive** their views,
**decide** simultaneously through their policies, the world **resolves** all choices and
scheduled injects, and the tick is **recorded**. R = 1 is an ordinary single run; the
same code serves the dashboard and an ensemble of a million worlds.

Random numbers never come from Mesa's generator: every draw is keyed by
(seed, world index, tick, stream) in :mod:`sim.rng`, so world i has the same history
whatever block of worlds it runs in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.actions import ActorKind
from sim.agents import ACTOR_CLASSES, CrisisActor, ThirdParty
from sim.errors import UserError
from sim.perception import Perceiver
from sim.record import Recorder, outcome_table
from sim.record import sample_stride as sample_stride_for
from sim.rng import CounterRNG
from sim.scenario import build_policy, load_scenario, validate_data
from sim.schema import Scenario
from sim.world import NEVER, OUTCOME_CLASSES, Resolver, WorldState


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
        scenario: a validated :class:`~sim.schema.Scenario`, or the path of a scenario file.
        worlds: how many worlds (default: the scenario's ``worlds``).
        first_world: the index of the first world; worlds are ``first_world ...
            first_world + worlds - 1`` and their random numbers are keyed by these indices.
        seed: overrides the scenario's seed.
        sample_stride: keep full histories of worlds whose index is a multiple of this
            (default: about ``scenario.trajectory_sample`` worlds of the block).
        **overrides: scenario fields to change, by dotted path, e.g.
            ``**{"dynamics.advance_step_km": 0.5, "actors.russia.policy": "protector"}``;
            the result is validated like a scenario file. This is how ``mesa.batch_run``
            sweeps scenario fields (one world per model: ``worlds=1, first_world=i``).
    """

    def __init__(
        self,
        scenario: Scenario | str | Path,
        worlds: int | None = None,
        first_world: int = 0,
        seed: int | None = None,
        sample_stride: int | None = None,
        **overrides: Any,
    ) -> None:
        if not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario).scenario
        if overrides:
            scenario = with_overrides(scenario, overrides)
        seed = scenario.seed if seed is None else seed
        super().__init__(rng=seed)
        self.spec = scenario
        self.seed = seed
        self.n_worlds = scenario.worlds if worlds is None else worlds
        self.world_ids = np.arange(first_world, first_world + self.n_worlds, dtype=np.int64)
        self.draws = CounterRNG(seed, self.world_ids)
        self.tick = 0
        self.ticks = scenario.ticks
        self.world = WorldState.initial(scenario, self.n_worlds)
        self.perceiver = Perceiver(scenario, self.draws, self.n_worlds)
        self.actors: dict[str, CrisisActor] = {}
        for name, cls in ACTOR_CLASSES.items():
            spec = getattr(scenario.actors, name)
            self.actors[name] = cls(self, name, build_policy(name, cls.kind, spec, scenario))
        for name, spec in scenario.actors.third_parties.items():
            policy = build_policy(name, ActorKind.THIRD_PARTY, spec, scenario)
            self.actors[name] = ThirdParty(self, name, policy)
        self.resolver = Resolver(scenario, self.draws, list(scenario.actors.third_parties))
        if sample_stride is None:
            sample_stride = sample_stride_for(self.n_worlds, scenario.trajectory_sample)
        self.recorder = Recorder(self.ticks, self.world_ids, sample_stride)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "mean_depth_km": lambda m: float(m.world.total_depth_km.mean()),
                "share_shots_fired": lambda m: float((m.world.first_shot_tick != NEVER).mean()),
                "mean_alarm": lambda m: float(m.world.alarm.mean()),
                "share_in_talks": lambda m: float((m.world.talks > 0).mean()),
                "mean_rung": lambda m: float(m.world.rung.mean()),
                "share_ended": lambda m: float((~m.world.active).mean()),
                # Shares of worlds per outcome class: absorbing classes as they happen,
                # the others once the horizon classifies the worlds still running. With
                # one world per model (mesa.batch_run) each is 0 or 1: that world's outcome.
                **{
                    f"share_{outcome.name.lower()}": (
                        lambda m, code=outcome: float((m.world.outcome == code).mean())
                    )
                    for outcome in OUTCOME_CLASSES
                },
            }
        )

    @property
    def day(self) -> float:
        """Days elapsed since the scenario's start date."""
        return self.tick * self.spec.tick_hours / 24

    def step(self) -> None:
        """Advance every world by one tick: perceive, decide, resolve, record."""
        if self.tick >= self.ticks:
            self.running = False
            return
        views = {name: actor.perceive() for name, actor in self.actors.items()}
        decisions = {name: actor.decide(views[name]) for name, actor in self.actors.items()}
        self.resolver.resolve(self.world, decisions, self.tick)
        self.perceiver.observe(
            self.world, self.tick, {name: d.action for name, d in decisions.items()}
        )
        self.recorder.observe(self.world, decisions, self.tick)
        self.tick += 1
        if self.tick >= self.ticks:
            self.resolver.finish(self.world, self.tick - 1)
            self.running = False
        elif not self.world.active.any():
            self.running = self._skip_to_horizon()
        self.datacollector.collect(self)  # after the horizon's classification, if any

    def _skip_to_horizon(self) -> bool:
        """Every world has ended: record the frozen remainder without stepping actors."""
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
