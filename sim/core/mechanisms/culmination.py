"""Culmination: days of fighting and the dead wear a clash down and press for a ceasefire.

Heavy fighting in the region ended within days, not by exhaustion of one side: in
April 2016 after four days and about 200 killed, at the Kyrgyz-Tajik border in
September 2022 after a week and about 100, both with ceasefires the brokers pressed
for as the dead were counted. Two effects, each a function of the fighting so far
(docs/model.md, section 7):

- fatigue: the share of a clash's intensity that carries to the next tick falls with
  the days of fighting and the killed (Richardson's fatigue term), so fighting stays
  heavy only while fresh orders feed it;
- pressure: the odds that a broker offers a ceasefire, and that a government accepts
  one, rise with the killed and with international attention (Fearon's war of
  attrition: costs paid reveal resolve and make a settlement acceptable; Beardsley et
  al. 2006: mediators press hardest where the fighting is costliest).
"""

from __future__ import annotations

import numpy as np

from sim.core import portable
from sim.core.facts import TickFacts
from sim.core.setting import Setting
from sim.core.world import WorldState


def culmination(w: WorldState, facts: TickFacts, setting: Setting) -> None:
    """Count the tick's fighting; set next tick's ``fatigue`` and ``ceasefire_pressure``."""
    dyn = setting.dyn
    w.combat_ticks = (w.combat_ticks + (w.clash_intensity > 0)).astype(np.int16)
    killed = w.killed
    days = w.combat_ticks / setting.scenario.ticks_per_day
    w.fatigue = portable.exp(-(dyn.fatigue_per_combat_day * days + dyn.fatigue_per_killed * killed))
    w.ceasefire_pressure = (
        dyn.ceasefire_pressure_per_killed * killed
        + dyn.ceasefire_pressure_per_attention * w.attention
    )


def pressed(probability: float | np.ndarray, pressure: np.ndarray) -> np.ndarray:
    """Return ``probability`` with its odds multiplied by ``1 + pressure``.

    A chance of 0 stays 0 (a broker that never offers is not made one) and 1 stays 1;
    at no pressure the chance is unchanged, to the last bit.
    """
    p = np.asarray(probability, dtype=float)
    return p * (1.0 + pressure) / (1.0 + p * pressure)
