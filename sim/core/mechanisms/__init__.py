"""The submodels of a tick, one module each, in the order the resolver runs them.

A submodel is a function ``(world, facts, setting) -> None``: it moves the world state
(:class:`sim.core.world.WorldState`) on by one mechanism of docs/model.md, section 7,
reading the tick's decisions and the facts earlier submodels wrote
(:class:`sim.core.facts.TickFacts`) and the scenario's fixed setting
(:class:`sim.core.setting.Setting`), and writing the facts it declares. The tuple
:data:`SUBMODELS` is the one place the order is written: the resolver iterates it, and
``make docs`` writes docs/model.md's process overview from it.

Adding a mechanism is one new module here, its coefficients in the schema
(``sim/spec/dynamics.py``, ``Dynamics``), the facts it hands on in ``TickFacts``, and its
line in :data:`SUBMODELS` (docs/architecture.md has a worked example).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

from sim.core.facts import TickFacts
from sim.core.mechanisms.alliance import alliance_and_members
from sim.core.mechanisms.ceasefire import ceasefire
from sim.core.mechanisms.culmination import culmination
from sim.core.mechanisms.decay import decay
from sim.core.mechanisms.ground import ground
from sim.core.mechanisms.information import information
from sim.core.mechanisms.injects import injects
from sim.core.mechanisms.outcomes import classify_at_horizon, outcomes
from sim.core.mechanisms.signals import signals_and_costs
from sim.core.mechanisms.talks import appeals_and_talks
from sim.core.mechanisms.violence import violence
from sim.core.setting import Setting
from sim.core.world import WorldState

__all__ = ["SUBMODELS", "Submodel", "classify_at_horizon"]


@dataclass(frozen=True, slots=True)
class Submodel:
    """One mechanism of the tick: its name, its function, the facts it writes.

    Attributes:
        name: a short name ("ground"), the title of its subsection of docs/model.md,
            section 7 (numbered by its place in :data:`SUBMODELS`).
        run: the function that applies it to every world.
        writes: the facts of :class:`~sim.core.facts.TickFacts` it writes.
    """

    name: str
    run: Callable[[WorldState, TickFacts, Setting], None]
    writes: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """Return the first line of its module's docstring: what it does, in a line."""
        first, *_ = (sys.modules[self.run.__module__].__doc__ or "").strip().splitlines()
        return first

    @property
    def module(self) -> str:
        """Return the file that holds it, from the project's root."""
        return self.run.__module__.replace(".", "/") + ".py"


#: The tick's submodels, in the order they run: the n-th is docs/model.md's section 7.n.
SUBMODELS: tuple[Submodel, ...] = (
    Submodel("decay", decay),
    Submodel("injects", injects, ("injects", "new_km", "forced_statement")),
    Submodel("ground", ground, ("new_km", "counter_attack", "patron_arrives")),
    Submodel("violence", violence, ("in_contact", "incidents")),
    Submodel("culmination", culmination),
    Submodel(
        "ceasefire", ceasefire, ("broken_by_attacker", "broken_by_defender", "ceasefire_held")
    ),
    Submodel("appeals and talks", appeals_and_talks, ("pullback_agreed", "line_accepted")),
    Submodel("signals and costs", signals_and_costs),
    Submodel("the alliance's ladder and its members' consent", alliance_and_members),
    Submodel("information", information, ("false_report",)),
    Submodel("outcomes", outcomes, ("war", "ended")),
)
