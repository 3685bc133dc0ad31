"""What happened in one tick: the facts one submodel hands to later ones, and to readers.

The world state says where every world stands; a tick's facts say what happened in it
that the state does not keep: the ground gained this tick, the incidents nobody
ordered, a false report, the injects that fired, a ceasefire taken up or broken, an
agreement. Each fact is written by the submodel(s) its comment names, in the order of
:data:`sim.core.mechanisms.SUBMODELS`, and starts as "nothing happened" so that a later
submodel can always read it. The resolver returns each tick's facts, the model keeps the
last ones (``CrisisModel.facts``), and narration and ``explain`` tell them: they derive
nothing of their own, so what they tell is what the submodels did.

Facts are meaningful only in the worlds that were still running (``live``); worlds that
had ended are restored to their state after the tick, whatever their facts say.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from sim.core.world import Decision, WorldState
from sim.spec.schema import Inject


@functools.lru_cache(maxsize=32)
def nothing(shape: tuple[int, ...], dtype: type = bool) -> np.ndarray:
    """Return a read-only array of zeros: a fact no submodel has written this tick."""
    empty = np.zeros(shape, dtype)
    empty.setflags(write=False)
    return empty


@dataclass(slots=True, frozen=True)
class FiredInject:
    """A scheduled event due this tick: which one, and the worlds where it happened."""

    index: int  # its place in the schedule, which keys its random stream ``inject.<index>``
    inject: Inject
    happened: np.ndarray  # (R,) bool


@dataclass(slots=True)
class TickFacts:
    """One tick's decisions and what the submodels made of them, for every world.

    Every array is (R,) unless marked. The submodel that writes a fact is named in its
    comment; :data:`sim.core.mechanisms.SUBMODELS` declares the same in each
    submodel's ``writes`` (``tests/test_mechanisms.py`` checks both).
    """

    tick: int
    decisions: dict[str, Decision]  # every actor's choice, keyed by actor
    attacker: Decision
    defender: Decision
    patron: Decision | None  # None: the crisis has no patron (nothing may read one)
    alliance: Decision | None  # None: the crisis has no alliance
    live: np.ndarray  # worlds still running as the tick began
    clash_before: np.ndarray  # clash intensity as the tick began (before decay)
    injects: list[FiredInject]  # injects: every inject due this tick
    forced_statement: np.ndarray  # injects
    new_km: np.ndarray  # injects, ground: km taken
    counter_attack: np.ndarray  # ground
    patron_arrives: np.ndarray  # ground: troops can reach
    in_contact: np.ndarray  # violence: (R, k) face to face
    incidents: np.ndarray  # violence: fire nobody ordered
    broken_by_attacker: np.ndarray  # ceasefire: its fire or step forward broke one
    broken_by_defender: np.ndarray  # ceasefire: its fire or counter-attack broke one
    ceasefire_held: np.ndarray  # ceasefire: took hold
    pullback_agreed: np.ndarray  # talks: ground given back
    line_accepted: np.ndarray  # talks: the line agreed
    false_report: np.ndarray  # information
    war: np.ndarray  # outcomes: the fighting crossed the war line this tick
    ended: np.ndarray  # outcomes: absorbed this tick

    @classmethod
    def begin(
        cls,
        w: WorldState,
        decisions: dict[str, Decision],
        tick: int,
        by_role: tuple[str, str, str | None, str | None],
    ) -> TickFacts:
        """Start a tick's facts: the decisions, and nothing yet happened.

        ``by_role`` names the actors cast as attacker, defender, patron and alliance;
        a role the crisis lacks is None, and so is its decision here.
        """
        n, k = w.depth_km.shape
        no = nothing((n,))
        attacker, defender, patron, alliance = by_role
        return cls(
            tick=tick,
            decisions=decisions,
            attacker=decisions[attacker],
            defender=decisions[defender],
            patron=None if patron is None else decisions[patron],
            alliance=None if alliance is None else decisions[alliance],
            live=w.active,
            clash_before=w.clash_intensity.copy(),
            injects=[],
            forced_statement=np.zeros(n, bool),
            new_km=np.zeros(n),
            counter_attack=no,
            patron_arrives=no,
            in_contact=nothing((n, k)),
            incidents=no,
            broken_by_attacker=no,
            broken_by_defender=no,
            ceasefire_held=no,
            pullback_agreed=no,
            line_accepted=no,
            false_report=no,
            war=no,
            ended=no,
        )

    def kept(self) -> TickFacts:
        """Return a copy whose decisions later ticks cannot change (for a record of ticks)."""
        decisions = {name: d.copy() for name, d in self.decisions.items()}
        same = {id(d): decisions[name] for name, d in self.decisions.items()}
        values = {name: getattr(self, name) for name in self.__slots__}
        values["decisions"] = decisions
        for role in ("attacker", "defender", "patron", "alliance"):
            if values[role] is not None:
                values[role] = same[id(values[role])]
        return TickFacts(**values)


@dataclass(slots=True, frozen=True)
class ResolvedTick:
    """One resolved tick as a model kept it (``CrisisModel.keep_ticks``)."""

    facts: TickFacts
    before: WorldState
    after: WorldState
