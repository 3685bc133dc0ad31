"""Decay: clashes, rumours, attention and the cost of defiance fade each tick.

What is not fed fades: in May 2021 the public's alarm in Yerevan fell within days of
the government's statements, and calls for restraint weighed on Baku while they were
fresh (docs/model.md, section 7).
"""

from __future__ import annotations

from sim.core.facts import TickFacts
from sim.core.setting import Setting
from sim.core.world import WorldState


def decay(w: WorldState, facts: TickFacts, setting: Setting) -> None:
    """Multiply each fading level by its persistence (``dynamics.*_persistence``).

    A clash's persistence is worn down by the fatigue of its days and its dead
    (:mod:`sim.core.mechanisms.culmination`).
    """
    dyn = setting.dyn
    w.clash_intensity = w.clash_intensity * (dyn.clash_persistence * w.fatigue)
    w.rumour = w.rumour * dyn.rumour_persistence
    w.attention = w.attention * dyn.attention_persistence
    w.cost_of_defiance = w.cost_of_defiance * dyn.defiance_persistence
