"""Azerbaijan's policies: how far to push, where, and when to stop.

All three share one decision rule (below) and differ in what they value and what
stops them; the rule reads Baku's view only: its own positions, who holds the other
side, Russian troops on the line, and the cost of defiance as Baku reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from pydantic import Field

from sim.catalogue.roles import Role
from sim.core.actions import Action
from sim.core.columns import per_world
from sim.core.mechanisms.culmination import pressed
from sim.core.perception import AttackerView
from sim.core.rowwise import row_any, row_argmax, row_sum
from sim.core.world import Decision, Talks
from sim.policies.base import (
    Draw,
    Params,
    Policy,
    Reason,
    Rule,
    chance,
    no_ceasefire_yet,
    with_defaults,
)


class AdvanceReason(Reason):
    """Why Baku acts as it does (the codes in ``Decision.reason``)."""

    NOTHING = "nothing calls for action"
    RETURNING_FIRE = "returning fire"
    PAST_WITHDRAWAL_LINE = "cost of defiance past the withdrawal line"
    FAR_PAST_WITHDRAWAL_LINE = "cost of defiance far past the withdrawal line"
    RESISTANCE_WEAK = "resistance looks weak and the target depth is not reached"
    FORCING_THE_WAY = "advance blocked by strong defenders: firing to force the way"
    EXPLAINING = "the move needs a public explanation"
    TALKS_FIX_GAINS = "talks would fix the gains"
    DIGGING_IN = "digging in the gains once the cost rises"
    RAISING_STAKES = "rhetoric to raise the stakes"
    ASSAULTING = "defenders too strong to push past without fire: attacking under fire"
    CEASEFIRE_KEEPS_GAINS = "a ceasefire on offer would keep the gains"
    OFFERING_CEASEFIRE = "halted and under fire: offering a ceasefire"
    CEASEFIRE_ENDS_FIRE = "a ceasefire on offer would end the fire, with no ground to keep"


class AdvanceParams(Params):
    """Parameters shared by every Azerbaijani policy."""

    start_day: float = Field(
        1.0, ge=0.0, le=60.0, description="Day the advance may begin (12 May 2021 is day 1)."
    )
    advance_probability: float = Field(
        0.6, ge=0.0, le=1.0, description="Chance per tick of a step forward while unchecked."
    )
    target_depth_km: float = Field(
        3.5, ge=0.0, le=40.0, description="Total advance sought, km (up to 3.5 km in May 2021)."
    )
    max_resistance: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Strongest resistance (share of a step stopped) worth pushing against "
        "without fire; the army's is dynamics.resistance_army (0.85).",
    )
    assault_probability: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Chance per tick, where defenders too strong to push against hold the "
        "sector most wanted, of attacking it under fire: an advance and an exchange of fire "
        "in one move (0: never; the general offensive of September 2020 did every day).",
    )
    terrain_weight: float = Field(
        0.5, ge=0.0, le=3.0, description="How much commanding terrain draws the advance."
    )
    ambiguity_weight: float = Field(
        1.0,
        ge=0.0,
        le=3.0,
        description="How much an ambiguous map line (an argument ready to hand) draws it.",
    )
    chance_weight: float = Field(
        0.05,
        ge=0.0,
        le=3.0,
        description="How much chance draws it: each sector's worth gains a uniform draw "
        "on [0, 1) times this, so sectors of near-equal worth take turns.",
    )
    min_room_km: float = Field(
        0.05,
        ge=0.0,
        le=5.0,
        description="Ground left to take in a sector (short of its max_advance_km) at or "
        "below which Baku counts it as taken and pushes there no more, km.",
    )
    halt_cost: float = Field(
        0.35, ge=0.0, le=5.0, description="Cost of defiance at which the advance stops."
    )
    withdraw_cost: float = Field(
        1.2, ge=0.0, le=10.0, description="Cost of defiance at which forces pull back."
    )
    full_withdrawal_ratio: float = Field(
        2.0,
        ge=1.0,
        le=10.0,
        description="Cost of defiance, as a multiple of withdraw_cost, at which forces pull "
        "back all the way rather than from the deepest sector.",
    )
    return_fire_probability: float = Field(
        0.3, ge=0.0, le=1.0, description="Chance of firing back in a tick after Armenia fired."
    )
    fire_when_blocked_probability: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Chance per tick of opening fire when defenders too strong to push "
        "against hold the sector most wanted.",
    )
    justify_probability: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="Chance per tick, while attention is above justify_attention, of "
        "explaining the move (no agreed border, the maps, the spring weather).",
    )
    justify_attention: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="International attention above which the move needs explaining.",
    )
    talks_probability: float = Field(
        0.1, ge=0.0, le=1.0, description="Chance per tick, once halted, of proposing talks."
    )
    entrench_probability: float = Field(
        0.2, ge=0.0, le=1.0, description="Chance per tick, once halted, of digging in."
    )
    rhetoric_probability: float = Field(
        0.02, ge=0.0, le=1.0, description="Chance per tick of irredentist rhetoric on Zangezur."
    )
    ceasefire_accept_probability: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="Chance per tick of accepting an open offer of a ceasefire (it keeps the "
        "gains; whether it is kept is ceasefire_breach_probability).",
    )
    ceasefire_offer_probability: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Chance per tick, once halted and under fire, of offering a ceasefire.",
    )
    ceasefire_breach_probability: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Chance per tick, while a ceasefire holds and the target is not reached, "
        "of pressing on anyway, which breaks it (the October 2020 humanitarian ceasefires "
        "broke within hours).",
    )


@dataclass(frozen=True, slots=True)
class Aim:
    """Where Baku would push, per world: sector indices and masks of shape (R,)."""

    wanted: np.ndarray  # the reachable sector it values most
    wanted_blocked: np.ndarray  # defenders too strong to push past without fire hold it
    target: np.ndarray  # the best sector it can push into without fire (worth - resistance)
    can_advance: np.ndarray  # some reachable sector is held weakly enough to push into
    deepest: np.ndarray  # the sector it went deepest into: to pull back from, or dig in


@dataclass(frozen=True, slots=True)
class Standing:
    """Where Baku stands, per world: its gains and what the cost of defiance allows."""

    holding: np.ndarray  # it holds ground
    cost: np.ndarray  # the cost of defiance, as it reads it
    halted: np.ndarray  # it holds ground and the cost has stopped the advance
    unchecked: np.ndarray  # nothing stops a step forward


class _Advancer(Policy):
    """The shared rule: return fire, pull back, answer ceasefires, push, then consolidate."""

    actors: ClassVar = (Role.ATTACKER,)
    reasons: ClassVar = AdvanceReason.texts()
    Params: ClassVar = AdvanceParams

    def decide(self, view: AttackerView, draw: Draw) -> Decision:
        """Choose per world by the shared priority list: the first rule that holds decides."""
        aim = self.aim(view, draw)
        standing = self.standing(view, draw)
        u = draw("choice")  # one draw for returning fire and for a step forward
        return self.first_match(
            view.worlds,
            [
                self.return_fire(view, u),
                *self.pull_back(standing, aim),
                *self.answer_ceasefires(view, standing, draw),
                *self.push(standing, aim, u, draw),
                *self.consolidate(view, standing, aim, draw),
            ],
        )

    def aim(self, view: AttackerView, draw: Draw) -> Aim:
        """Find the sector Baku most wants, and the best one it can push into without fire.

        A sector is reachable while ground is left to take in it and no Russian troops
        stand there; its worth is terrain and an arguable map line, plus a little chance.
        """
        p = self.params
        worlds, sectors = view.depth_km.shape
        border = view.border
        room = border.max_advance_km[None, :] - view.depth_km
        reachable = (room > per_world(p.min_room_km)) & ~view.patron_presence
        sought = self.sectors_sought()
        if sought is not None:
            reachable = reachable & sought[None, :]
        worth = (
            per_world(p.terrain_weight) * border.terrain_value[None, :]
            + per_world(p.ambiguity_weight) * border.ambiguity[None, :]
            + per_world(p.chance_weight) * draw("sector", slots=sectors)
        )
        wanted = row_argmax(np.where(reachable, worth, -np.inf))
        too_strong = view.resistance > per_world(p.max_resistance)
        open_ground = reachable & ~too_strong
        return Aim(
            wanted=wanted,
            wanted_blocked=row_any(reachable) & too_strong[np.arange(worlds), wanted],
            target=row_argmax(np.where(open_ground, worth - view.resistance, -np.inf)),
            can_advance=row_any(open_ground),
            deepest=row_argmax(view.depth_km),
        )

    def sectors_sought(self) -> np.ndarray | None:
        """Return a (k,) mask of the only sectors it would push into (None: any)."""
        return None

    def standing(self, view: AttackerView, draw: Draw) -> Standing:
        """Read the gains against the target and the cost of defiance against the halt line.

        An agreement binds: no new step forward once the sides have agreed a line. A
        ceasefire binds too, unless this Baku presses on through it.
        """
        p = self.params
        total = row_sum(view.depth_km)
        holding = total > 0
        cost = view.cost_of_defiance
        presses_on = chance(draw, "breach", view.ceasefire, p.ceasefire_breach_probability)
        keeps_ceasefire = view.ceasefire & ~presses_on
        unchecked = (
            (view.day >= p.start_day)
            & (cost < p.halt_cost)
            & (total < p.target_depth_km)
            & (view.talks != Talks.AGREEMENT)
            & ~keeps_ceasefire
        )
        return Standing(
            holding=holding, cost=cost, halted=holding & (cost >= p.halt_cost), unchecked=unchecked
        )

    def return_fire(self, view: AttackerView, u: np.ndarray) -> Rule:
        """Fire back where Armenia fired last tick."""
        return Rule(
            view.fired_upon & (u < self.params.return_fire_probability),
            Action.ATTACKER_FIRE,
            AdvanceReason.RETURNING_FIRE,
        )

    def pull_back(self, standing: Standing, aim: Aim) -> list[Rule]:
        """Withdraw once the cost passes the withdrawal line: all the way far past it."""
        p = self.params
        holding, cost = standing.holding, standing.cost
        return [
            Rule(
                holding & (cost >= p.full_withdrawal_ratio * p.withdraw_cost),
                Action.WITHDRAW_FULL,
                AdvanceReason.FAR_PAST_WITHDRAWAL_LINE,
            ),
            Rule(
                holding & (cost >= p.withdraw_cost),
                Action.WITHDRAW_PARTIAL,
                AdvanceReason.PAST_WITHDRAWAL_LINE,
                aim.deepest,
            ),
        ]

    def answer_ceasefires(self, view: AttackerView, standing: Standing, draw: Draw) -> list[Rule]:
        """Accept a ceasefire on offer (it keeps any gains); halted and under fire, offer one."""
        p = self.params
        under_fire = standing.halted & view.fired_upon & no_ceasefire_yet(view)
        accepts = chance(
            draw,
            "ceasefire",
            view.ceasefire_offered,
            pressed(p.ceasefire_accept_probability, view.ceasefire_pressure),
        )
        return [
            Rule(
                accepts & standing.holding,
                Action.ACCEPT_CEASEFIRE,
                AdvanceReason.CEASEFIRE_KEEPS_GAINS,
            ),
            Rule(accepts, Action.ACCEPT_CEASEFIRE, AdvanceReason.CEASEFIRE_ENDS_FIRE),
            Rule(
                chance(draw, "offer_ceasefire", under_fire, p.ceasefire_offer_probability),
                Action.OFFER_CEASEFIRE,
                AdvanceReason.OFFERING_CEASEFIRE,
            ),
        ]

    def push(self, standing: Standing, aim: Aim, u: np.ndarray, draw: Draw) -> list[Rule]:
        """While unchecked, attack or fire where it is blocked, else step into open ground.

        Blocked: defenders too strong to push past without fire hold the sector most wanted.
        """
        p = self.params
        blocked = standing.unchecked & aim.wanted_blocked
        return [
            Rule(
                blocked & (draw("assault") < p.assault_probability),
                Action.ASSAULT,
                AdvanceReason.ASSAULTING,
                aim.wanted,
            ),
            Rule(
                blocked & (draw("blocked") < p.fire_when_blocked_probability),
                Action.ATTACKER_FIRE,
                AdvanceReason.FORCING_THE_WAY,
                aim.wanted,
            ),
            Rule(
                standing.unchecked & aim.can_advance & (u < p.advance_probability),
                Action.ADVANCE,
                AdvanceReason.RESISTANCE_WEAK,
                aim.target,
            ),
        ]

    def consolidate(
        self, view: AttackerView, standing: Standing, aim: Aim, draw: Draw
    ) -> list[Rule]:
        """Explain the move while watched; once halted, talk or dig in; raise the stakes."""
        p = self.params
        dug_in = view.entrenched[np.arange(view.worlds), aim.deepest]
        return [
            Rule(
                standing.holding
                & (view.attention > p.justify_attention)
                & (draw("justify") < p.justify_probability),
                Action.JUSTIFY,
                AdvanceReason.EXPLAINING,
            ),
            Rule(
                standing.halted
                & (view.talks == Talks.NONE)
                & (draw("talks") < p.talks_probability),
                Action.PROPOSE_TALKS,
                AdvanceReason.TALKS_FIX_GAINS,
            ),
            Rule(
                standing.halted & ~dug_in & (draw("entrench") < p.entrench_probability),
                Action.ENTRENCH,
                AdvanceReason.DIGGING_IN,
                aim.deepest,
            ),
            Rule(
                draw("rhetoric") < p.rhetoric_probability,
                Action.RHETORIC,
                AdvanceReason.RAISING_STAKES,
            ),
        ]


class Prober(_Advancer):
    """Probe where resistance looks weak; stop when the cost of defiance rises.

    The analysts' main reading of May 2021: Baku tested how Armenia and Russia would
    respond, sensing weakness once the army had been replaced by NSS border guards, and
    an incursion met with little resistance became leverage for a more forward posture.
    It pushes up to about 3.5 km where the map line is ambiguous enough to argue, halts
    once calls for restraint add up, digs in and offers talks from the positions taken.
    """

    name = "prober"
    classifier: ClassVar = {"stochastic": True, "reads": ["cost_of_defiance", "defender_force"]}


CautiousParams = with_defaults(
    AdvanceParams,
    "CautiousParams",
    "A cautious Baku: short of the case's depth, quick to stop and to go back.",
    advance_probability=0.3,
    target_depth_km=1.5,
    max_resistance=0.0,
    halt_cost=0.15,
    withdraw_cost=0.5,
    return_fire_probability=0.1,
    talks_probability=0.4,
    rhetoric_probability=0.0,
    ceasefire_accept_probability=0.6,
)


class Cautious(_Advancer):
    """Advance only into undefended ground; pull back at the first sign of a cost.

    The counterfactual to probing: a Baku that wants no crisis with Moscow (whose
    brokered ceasefire it would defy) and moves only where nobody stands, as units
    taking up positions "because the spring weather allowed it" would.
    """

    name = "cautious"
    Params: ClassVar = CautiousParams
    classifier: ClassVar = {"stochastic": True, "reads": ["cost_of_defiance", "defender_force"]}


MaximalistParams = with_defaults(
    AdvanceParams,
    "MaximalistParams",
    "A maximalist Baku: the heights first, deeper, harder to stop.",
    advance_probability=0.8,
    target_depth_km=8.0,
    max_resistance=0.8,
    assault_probability=0.5,
    terrain_weight=2.0,
    ambiguity_weight=0.2,
    halt_cost=1.0,
    withdraw_cost=3.0,
    return_fire_probability=0.7,
    fire_when_blocked_probability=0.2,
    talks_probability=0.02,
    rhetoric_probability=0.1,
    ceasefire_breach_probability=0.5,
)


class Maximalist(_Advancer):
    """Take the commanding heights first and hold them against pressure.

    The terrain reading of the case: Mets Ishkhansar (about 3,500 m) dominates the
    Sisian airport and the Saravan-Goris-Kapan road, and a former chief of Armenia's
    general staff called its loss dangerous. Combined with the irredentist rhetoric on
    "Zangezur", this Baku values ground over the cost of defiance and will fire to
    force a way the army blocks.
    """

    name = "maximalist"
    Params: ClassVar = MaximalistParams
    classifier: ClassVar = {"stochastic": True, "reads": ["cost_of_defiance", "terrain_value"]}
