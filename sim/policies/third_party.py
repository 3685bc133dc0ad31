"""Third parties' policies: outside capitals whose words raise or lower Baku's costs."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field

from sim.catalogue.roles import Role
from sim.core.actions import Action
from sim.core.mechanisms.culmination import pressed
from sim.core.perception import ThirdPartyView
from sim.core.world import NEVER, Decision
from sim.policies.base import (
    Draw,
    Params,
    Policy,
    Reason,
    Rule,
    broker_would_offer,
    chance,
    every,
)


class VoiceParams(Params):
    """When an outside capital speaks."""

    attention_threshold: float = Field(
        0.15, ge=0.0, le=1.0, description="International attention at which it takes notice."
    )
    response_probability: float = Field(
        0.4, ge=0.0, le=1.0, description="Chance per tick of speaking once it has noticed."
    )
    repeat_days: float = Field(
        3.0, ge=0.25, le=60.0, description="Days between repeated statements."
    )


class StatementParams(VoiceParams):
    """Parameters of a capital that urges restraint or demands withdrawal."""

    demand_depth_km: float = Field(
        40.0,
        ge=0.0,
        le=40.0,
        description="Total advance past which it demands withdrawal rather than urging "
        "restraint, km (40: never).",
    )
    ceasefire_probability: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Chance per tick, while fire is exchanged and no ceasefire holds or is "
        "on offer, of brokering one (France and the United States, October 2020).",
    )
    mediation_probability: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Chance per tick, once it has noticed the crisis, of offering to mediate "
        "talks between the sides, once (ASEAN's chair, Indonesia, between Thailand and "
        "Cambodia in 2011: where a crisis has no patron, an outside power may mediate).",
    )


class StatementReason(Reason):
    """Why a capital that makes statements speaks (the codes in ``Decision.reason``)."""

    NOTHING = "nothing calls for action"
    URGING_RESTRAINT = "the crisis draws attention: urge restraint"
    DEMANDING_WITHDRAWAL = "forces crossed the border: demand withdrawal"
    BROKERING_CEASEFIRE = "fire across the line: brokering a ceasefire"
    OFFERING_MEDIATION = "the crisis draws attention: offering to mediate"


class BackerReason(Reason):
    """Why a backer speaks (the codes in ``Decision.reason``)."""

    NOTHING = "nothing calls for action"
    STANDING_BY_ALLY = "standing by an ally in public"


class _Voice(Policy):
    """Speak when noticed, again every few days."""

    actors: ClassVar = (Role.THIRD_PARTY,)

    def reset(self, worlds: int) -> None:
        """Remember, per world, when this capital last spoke."""
        self.last_spoke = np.full(worlds, NEVER, np.int32)

    def _due(self, view: ThirdPartyView, draw: Draw) -> np.ndarray:
        p = self.params
        noticed = (view.attention >= p.attention_threshold) | view.appealed_to_west
        rested = (self.last_spoke == NEVER) | (
            view.tick - self.last_spoke >= every(view.ticks_per_day, p.repeat_days)
        )
        return noticed & rested & (draw("choice") < p.response_probability)

    def _remember(self, decision: Decision, tick: int) -> Decision:
        self.last_spoke = np.where(decision.action != Action.HOLD, tick, self.last_spoke)
        return decision


class Statements(_Voice):
    """Voice concern and urge restraint; past a depth, say forces must withdraw.

    May 2021: the US State Department voiced concern and urged restraint; France's
    president said Azerbaijani forces had crossed into Armenia and must withdraw at
    once. Such statements raise the cost of staying put by the speaker's influence.
    """

    name = "statements"
    Params: ClassVar = StatementParams
    reasons: ClassVar = StatementReason.texts()
    classifier: ClassVar = {"stochastic": True, "side": "neutral", "reads": ["attention"]}

    def reset(self, worlds: int) -> None:
        """Remember, per world, when it last spoke and whether it has offered to mediate."""
        super().reset(worlds)
        self.offered_mediation = np.zeros(worlds, bool)

    def decide(self, view: ThirdPartyView, draw: Draw) -> Decision:
        """Broker a ceasefire, offer mediation, demand withdrawal past a depth, or urge calm."""
        due = self._due(view, draw)
        deep = view.total_depth_km > self.params.demand_depth_km
        noticed = (view.attention >= self.params.attention_threshold) | view.appealed_to_west
        decision = self.first_match(
            len(due),
            [
                Rule(
                    chance(
                        draw,
                        "ceasefire",
                        broker_would_offer(view),
                        pressed(self.params.ceasefire_probability, view.ceasefire_pressure),
                    ),
                    Action.OFFER_CEASEFIRE,
                    StatementReason.BROKERING_CEASEFIRE,
                ),
                Rule(
                    chance(
                        draw,
                        "mediation",
                        noticed & ~self.offered_mediation,
                        self.params.mediation_probability,
                    ),
                    Action.OFFER_MEDIATION,
                    StatementReason.OFFERING_MEDIATION,
                ),
                Rule(due & deep, Action.DEMAND_WITHDRAWAL, StatementReason.DEMANDING_WITHDRAWAL),
                Rule(due, Action.CALL_FOR_RESTRAINT, StatementReason.URGING_RESTRAINT),
            ],
        )
        self.offered_mediation |= decision.action == Action.OFFER_MEDIATION
        return self._remember(decision, view.tick)


class Backer(_Voice):
    """Back Azerbaijan's position in public, lowering its cost of defiance.

    A partisan outside power such as Turkey, Azerbaijan's close ally since the 2020
    war (not in the May 2021 report; offered for variants).
    """

    name = "backer"
    Params: ClassVar = VoiceParams
    reasons: ClassVar = BackerReason.texts()
    classifier: ClassVar = {"stochastic": True, "side": "attacker", "reads": ["attention"]}

    def decide(self, view: ThirdPartyView, draw: Draw) -> Decision:
        """Back Azerbaijan when due."""
        due = self._due(view, draw)
        decision = self.first_match(
            len(due), [Rule(due, Action.BACK_ATTACKER, BackerReason.STANDING_BY_ALLY)]
        )
        return self._remember(decision, view.tick)
