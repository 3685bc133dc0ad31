"""The resolve phase: every actor's decisions and the tick's injects applied to R worlds.

The resolver runs the submodels of :data:`sim.core.mechanisms.SUBMODELS` in their
order, on every world at once: nothing loops over worlds, so a tick is a fixed number of
array operations whatever R is. Every coefficient a submodel uses is a field of the
scenario's ``dynamics`` (sim/spec/dynamics.py), so that sweeps, sensitivity analyses and
``crisis-sim parameters`` see it; the only numbers written in the submodels are 0 and 1
(tests/test_world.py checks).
"""

from __future__ import annotations

from sim.core.border import Border
from sim.core.facts import TickFacts
from sim.core.mechanisms import SUBMODELS, classify_at_horizon
from sim.core.rng import CounterRNG
from sim.core.setting import Setting
from sim.core.world import Decision, WorldState
from sim.spec.schema import Inject, Scenario


class Resolver:
    """Applies every actor's decisions and the scheduled injects to the worlds.

    The order within a tick is :data:`~sim.core.mechanisms.SUBMODELS`' (docs/model.md,
    section 3), so that simultaneous choices resolve the same way in every world.
    """

    def __init__(self, scenario: Scenario, rng: CounterRNG, border: Border | None = None) -> None:
        self.setting = Setting.of(scenario, rng, border)

    def resolve(self, w: WorldState, decisions: dict[str, Decision], tick: int) -> TickFacts:
        """Apply one tick's decisions (keyed by actor name) and injects to ``w``.

        Returns the tick's facts. Worlds that had ended are restored afterwards,
        unchanged, whatever their facts say.
        """
        frozen = ~w.active
        before = w.rows(frozen) if frozen.any() else None  # only the ended worlds' rows
        facts = TickFacts.begin(w, decisions, tick, self.setting.roles)
        for submodel in SUBMODELS:
            submodel.run(w, facts, self.setting)
        if before is not None:
            w.restore(before, frozen)
        return facts

    def schedule(self, inject: Inject, tick: int) -> int:
        """Schedule an event into the running worlds at ``tick``; return its index."""
        return self.setting.schedule(inject, tick)

    def finish(self, w: WorldState, tick: int) -> None:
        """Classify the worlds still running at the horizon."""
        classify_at_horizon(w, self.setting, tick)
