"""Russia's policies: broker, gatekeeper or protector.

The case's "peril and promise": open defiance of the ceasefire Moscow brokered is a
peril; the chance to extend Russian control over Armenia's borders is the promise.
All three share one priority list and differ in its weights.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field

from sim.catalogue.roles import Role
from sim.core.actions import Action, is_one_of
from sim.core.mechanisms.culmination import pressed
from sim.core.perception import PatronView
from sim.core.rowwise import row_argmax, row_sum
from sim.core.world import NEVER, Decision, Talks
from sim.policies.base import (
    Draw,
    Params,
    Policy,
    Reason,
    Rule,
    broker_would_offer,
    chance,
    every,
    with_defaults,
)


class PatronReason(Reason):
    """Why Moscow acts as it does (the codes in ``Decision.reason``)."""

    NOTHING = "nothing calls for action"
    DEFENDING_ALLY = "an ally attacked and losing ground: defending it"
    TROOPS_ON_THE_BORDER = "a chance to put Russian troops on Armenia's border"
    DEFIANCE_OF_CEASEFIRE = "defiance of the ceasefire Moscow brokered"
    FIRST_WORD = "first word with both capitals"
    RESTRAINT_AGAIN = "restraint and the ceasefire, again"
    OFFERING_MEDIATION = "talks under way: offering to mediate"
    BROKERING_CEASEFIRE = "fire across the line: brokering a ceasefire"


class PatronParams(Params):
    """Parameters shared by every Russian policy."""

    response_probability: float = Field(
        0.5, ge=0.0, le=1.0, description="Chance per tick of reacting once the advance is seen."
    )
    restraint_every_days: float = Field(
        2.0, ge=0.25, le=60.0, description="Days between repeated calls for restraint."
    )
    mediation_delay_days: float = Field(
        4.0, ge=0.0, le=365.0, description="Days of crisis before offering to mediate."
    )
    deploy_probability: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Chance per tick, once appealed to, of placing troops where the line is "
        "contested.",
    )
    pressure_probability: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Chance per tick, once appealed to, of warning Baku to pull back.",
    )
    defend_depth_km: float = Field(
        3.0, ge=0.0, le=40.0, description="Total advance past which Russia would use force, km."
    )
    defend_probability: float = Field(
        0.0, ge=0.0, le=1.0, description="Chance per tick of using force past that depth."
    )
    ceasefire_probability: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Chance per tick, while fire is exchanged and no ceasefire holds or is "
        "on offer, of brokering one (Moscow's humanitarian ceasefire of 10 October 2020).",
    )


class _Patron(Policy):
    """The shared rule, in priority order."""

    actors: ClassVar = (Role.PATRON,)
    reasons: ClassVar = PatronReason.texts()
    Params: ClassVar = PatronParams

    def reset(self, worlds: int) -> None:
        """Remember, per world, when Russia last called for restraint."""
        self.last_call = np.full(worlds, NEVER, np.int32)

    def decide(self, view: PatronView, draw: Draw) -> Decision:
        """Choose per world by the shared priority list."""
        p = self.params
        worlds = len(view.talks)
        depth = view.depth_km
        total = row_sum(depth)
        contested = row_argmax(np.where(view.patron_presence, -1.0, depth))
        appealed = view.appealed_to_patron | view.appealed_to_alliance
        seen = view.ticks_since_contact >= 0
        u = draw("choice")
        interval = every(view.ticks_per_day, p.restraint_every_days)
        due = seen & ((self.last_call == NEVER) | (view.tick - self.last_call >= interval))
        mediation_due = seen & (
            view.ticks_since_contact >= every(view.ticks_per_day, p.mediation_delay_days)
        )
        decision = self.first_match(
            worlds,
            [
                Rule(
                    appealed & (total > p.defend_depth_km) & (u < p.defend_probability),
                    Action.DEFEND_ALLY,
                    PatronReason.DEFENDING_ALLY,
                    contested,
                ),
                Rule(
                    appealed & (total > 0) & (draw("deploy") < p.deploy_probability),
                    Action.DEPLOY_TROOPS,
                    PatronReason.TROOPS_ON_THE_BORDER,
                    contested,
                ),
                Rule(
                    appealed & (total > 0) & (draw("pressure") < p.pressure_probability),
                    Action.PRESSURE_ATTACKER,
                    PatronReason.DEFIANCE_OF_CEASEFIRE,
                ),
                Rule(
                    chance(
                        draw,
                        "ceasefire",
                        broker_would_offer(view),
                        pressed(p.ceasefire_probability, view.ceasefire_pressure),
                    ),
                    Action.OFFER_CEASEFIRE,
                    PatronReason.BROKERING_CEASEFIRE,
                ),
                Rule(
                    due & (self.last_call == NEVER) & (u < p.response_probability),
                    Action.PHONE_BOTH,
                    PatronReason.FIRST_WORD,
                ),
                Rule(
                    due & (u < p.response_probability),
                    Action.URGE_RESTRAINT,
                    PatronReason.RESTRAINT_AGAIN,
                ),
                Rule(
                    mediation_due
                    & (view.talks < Talks.MEDIATED)  # none yet, or local only
                    & (total > 0)
                    & (draw("mediate") < p.response_probability),
                    Action.OFFER_MEDIATION,
                    PatronReason.OFFERING_MEDIATION,
                ),
            ],
        )
        called = is_one_of(decision.action, Action.PHONE_BOTH, Action.URGE_RESTRAINT)
        self.last_call = np.where(called, view.tick, self.last_call)
        return decision


class Broker(_Patron):
    """Phone both sides, urge restraint, offer to mediate; never take a side by force.

    Russia in May 2021: its foreign minister phoned both counterparts on 13 May
    stressing a purely political-diplomatic settlement; the Kremlin's readout of the
    Pashinyan call stressed strict adherence to the ceasefire. No Putin-Aliyev call
    was reported, and Russian peacekeepers reportedly joined the local talks.
    """

    name = "broker"
    classifier: ClassVar = {"stochastic": True, "uses_force": False, "reads": ["appeals"]}


GatekeeperParams = with_defaults(
    PatronParams,
    "GatekeeperParams",
    "A gatekeeper Russia: the crisis as a chance for a larger presence.",
    deploy_probability=0.15,
)


class Gatekeeper(_Patron):
    """Use the crisis to put Russian troops on Armenia's border.

    The "promise" side of Russia's dilemma in the analysts' reading: Russia keeps its
    102nd base at Gyumri and had been adding positions in Syunik; each appeal is a
    chance to extend its control over Armenia's borders, which interposes Russian
    troops between the sides without confronting Baku.
    """

    name = "gatekeeper"
    Params: ClassVar = GatekeeperParams
    classifier: ClassVar = {"stochastic": True, "uses_force": False, "reads": ["appeals"]}


ProtectorParams = with_defaults(
    PatronParams,
    "ProtectorParams",
    "A protector Russia: the alliance honoured.",
    pressure_probability=0.3,
    defend_probability=0.02,
)


class Protector(_Patron):
    """Honour the alliance: warn Baku once Armenia appeals, and use force if it must.

    What Armenia's treaty with Russia and CSTO membership promise on paper. Its
    warnings raise Baku's cost of defiance sharply, and its backing sways the other
    CSTO members toward collective measures.
    """

    name = "protector"
    Params: ClassVar = ProtectorParams
    classifier: ClassVar = {"stochastic": True, "uses_force": True, "reads": ["appeals"]}
