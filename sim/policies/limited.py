"""An attacker with limited aims: take named objectives by force, then stop and keep them.

April 2016 on the Karabakh line: Azerbaijani forces attacked on several directions with
artillery and armour, took two heights (Lele Tepe, positions near Talysh), announced a
unilateral halt on the second day and agreed a ceasefire on the fourth that kept the
gains. September 2022 at the Kyrgyz-Tajik border: Tajik units took ground in Kyrgyz
villages under heavy fire, then withdrew under a protocol within a week. What such an
attacker wants is its policy's parameters (which sectors, how deep) and what it will
pay (its own killed); the maximalist's unbounded aims (the 2020 offensive) stay the
maximalist's.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from pydantic import Field

from sim.catalogue.roles import Role
from sim.core.actions import Action
from sim.core.columns import per_world
from sim.core.mechanisms.culmination import pressed
from sim.core.perception import AttackerView
from sim.core.rowwise import row_all, row_sum
from sim.core.world import Decision
from sim.policies.attacker import AdvanceParams, AdvanceReason, _Advancer
from sim.policies.base import Draw, Reason, Rule, chance, no_ceasefire_yet, with_defaults

#: Why an attacker with limited aims acts as it does: the shared rule's reasons, with
#: their codes, then its own.
LimitedReason = Reason(
    "LimitedReason",
    [(member.name, member.text) for member in AdvanceReason]
    + [
        ("AIMS_TAKEN_CEASEFIRE", "its objectives taken: a ceasefire on offer keeps them"),
        ("PRICE_PAID_CEASEFIRE", "the losses it would bear paid: a ceasefire on offer ends them"),
        ("OFFERING_TO_KEEP_GAINS", "its objectives taken: offering a ceasefire that keeps them"),
        ("HOLDING_FIRE", "its objectives taken or paid for: holding its fire"),
        ("CONSOLIDATING", "its objectives taken: digging in on them"),
    ],
)


_LimitedBase = with_defaults(
    AdvanceParams,
    "_LimitedBase",
    "The shared rule's parameters, at the values of a heavy opening for a few heights.",
    advance_probability=0.8,
    target_depth_km=3.0,
    max_resistance=0.8,
    assault_probability=0.6,
    terrain_weight=2.0,
    ambiguity_weight=0.2,
    halt_cost=5.0,
    withdraw_cost=10.0,
    return_fire_probability=0.7,
    ceasefire_accept_probability=0.1,
    ceasefire_breach_probability=0.5,
)


class LimitedParams(_LimitedBase):
    """What an attacker with limited aims wants, and what it will pay for it."""

    objectives: list[str] = Field(
        default_factory=list,
        description="The sectors it wants (heights, a road, a village), by id; each is "
        "taken when it holds that sector's max_advance_km (empty: any sector, up to "
        "target_depth_km in all).",
    )
    max_own_killed: int = Field(
        150,
        ge=0,
        le=100_000,
        description="Its own soldiers killed at which it stops pushing, whether or not its "
        "objectives are taken (the price it will pay).",
    )
    consolidated_return_fire_probability: float = Field(
        0.15,
        ge=0.0,
        le=1.0,
        description="Chance per tick, once its aims are taken or paid for, of firing back "
        "after the defender fired (holding fire to let the clash die down).",
    )
    consolidated_offer_probability: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="Chance per tick, once its aims are taken or paid for and it is under "
        "fire, of offering a ceasefire that keeps its gains (Baku's unilateral halt of 3 "
        "April 2016).",
    )
    consolidated_accept_probability: float = Field(
        0.8,
        ge=0.0,
        le=1.0,
        description="Chance per tick, once its aims are taken or paid for, of accepting a "
        "ceasefire on offer.",
    )


class LimitedAims(_Advancer):
    """Take named objectives by force, then consolidate, hold fire and accept a ceasefire.

    Until its objectives are taken (or its losses reach what it will pay), it pushes as
    the shared rule does, among its objectives only, assaulting defenders too strong to
    push past; then it stops pushing, returns fire seldom, offers and accepts a ceasefire
    that keeps its gains, and digs in. April 2016 (two heights taken in four days, a
    ceasefire on day 4) and the Tajik advance of September 2022 are its cases.
    """

    name = "limited"
    Params: ClassVar = LimitedParams
    reasons: ClassVar = LimitedReason.texts()
    classifier: ClassVar = {
        "stochastic": True,
        "reads": ["cost_of_defiance", "defender_force", "killed", "ceasefire_pressure"],
    }

    @classmethod
    def problems(cls, params: LimitedParams, kind: Role, scenario: Any) -> list[tuple]:
        """Return (path, message, hint) for each objective the scenario has no sector for."""
        sector_ids = list(scenario.sectors)
        return [
            (
                ("objectives", index),
                f"objective {name!r} is not a sector of this scenario",
                "name one of its sectors: " + ", ".join(sector_ids),
            )
            for index, name in enumerate(params.objectives)
            if name not in sector_ids
        ]

    def sectors_sought(self) -> np.ndarray | None:
        """Return a (k,) mask of its objectives (None where it names none: any sector)."""
        if not self.params.objectives:
            return None
        return np.isin(np.array(self.context.sector_ids), self.params.objectives)

    def aims_met(self, view: AttackerView) -> np.ndarray:
        """Where it holds ground and its objectives are taken, its depth reached or paid for."""
        p = self.params
        sought = self.sectors_sought()
        total = row_sum(view.depth_km)
        room = view.border.max_advance_km[None, :] - view.depth_km
        taken = (
            np.zeros(view.worlds, bool)
            if sought is None
            else row_all((room <= per_world(p.min_room_km)) | ~sought[None, :])
        )
        return (total > 0) & (taken | (total >= p.target_depth_km) | self.paid(view))

    def paid(self, view: AttackerView) -> np.ndarray:
        """Where its own killed have reached what it will pay."""
        return view.killed >= self.params.max_own_killed

    def decide(self, view: AttackerView, draw: Draw) -> Decision:
        """Consolidate where its aims are met; elsewhere push as the shared rule does."""
        decision = super().decide(view, draw)
        met = self.aims_met(view)
        if not met.any():
            return decision
        p = self.params
        paid = self.paid(view)
        deepest = np.argmax(view.depth_km, axis=1)
        dug_in = view.entrenched[np.arange(view.worlds), deepest]
        accepts = chance(
            draw,
            "ceasefire",
            met & view.ceasefire_offered,
            pressed(p.consolidated_accept_probability, view.ceasefire_pressure),
        )
        under_fire = met & view.fired_upon & no_ceasefire_yet(view)
        consolidated = self.first_match(
            view.worlds,
            [
                Rule(accepts & paid, Action.ACCEPT_CEASEFIRE, LimitedReason.PRICE_PAID_CEASEFIRE),
                Rule(accepts, Action.ACCEPT_CEASEFIRE, LimitedReason.AIMS_TAKEN_CEASEFIRE),
                Rule(
                    met
                    & view.fired_upon
                    & (draw("choice") < p.consolidated_return_fire_probability),
                    Action.ATTACKER_FIRE,
                    LimitedReason.RETURNING_FIRE,
                ),
                Rule(
                    chance(draw, "offer_ceasefire", under_fire, p.consolidated_offer_probability),
                    Action.OFFER_CEASEFIRE,
                    LimitedReason.OFFERING_TO_KEEP_GAINS,
                ),
                Rule(
                    met & ~dug_in & (draw("entrench") < p.entrench_probability),
                    Action.ENTRENCH,
                    LimitedReason.CONSOLIDATING,
                    deepest,
                ),
                Rule(met, Action.HOLD, LimitedReason.HOLDING_FIRE),
            ],
        )
        for name in ("action", "sector", "reason"):
            getattr(decision, name)[met] = getattr(consolidated, name)[met]
        return decision
