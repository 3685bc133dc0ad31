"""The CSTO's policies: how an appeal climbs (or does not climb) the alliance's ladder.

Collective measures need member states' consent, and members weigh how clear it is
that a member's territory was attacked (an undelimited border blurs it) and where
Russia stands. Members' stances are formed in the world each tick
(``CstoView.members_consenting``); a policy decides how the alliance acts on them.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from sim.actions import Action, ActorKind
from sim.perception import CstoView
from sim.policies.base import Draw, Params, Policy, Rule, every
from sim.world import CstoState, Decision

_REASONS = (
    "nothing calls for action",
    "an appeal received: members consult",
    "every member agrees the attack is clear",
    "an attack on a member: the treaty obliges",
    "say it follows events and will act if needed",
    "most but not all members see an attack: send a mission",
)


class ConsensusParams(Params):
    """Parameters of the consensus CSTO."""

    consult_probability: float = Field(
        0.5, ge=0.0, le=1.0, description="Chance per tick of opening consultations on an appeal."
    )
    statement_probability: float = Field(
        0.4, ge=0.0, le=1.0, description="Chance per tick, in consultations, of a statement."
    )
    fact_finding_probability: float = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description="Chance per tick, after a statement and with most members consenting, of "
        "a fact-finding mission.",
    )
    measures_probability: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Chance per tick of collective measures once every member consents.",
    )


class Consensus(Policy):
    """Act only when every member agrees that a member's territory was attacked.

    The CSTO in May 2021: asked by Armenia on 13 May, it said it was closely following
    events and would act as its collective security agreement provides if needed.
    With a border never delimited and Russia urging restraint, the clarity that every
    member's consent requires never came.
    """

    name = "consensus"
    actors: ClassVar = (ActorKind.CSTO,)
    Params: ClassVar = ConsensusParams
    reasons: ClassVar = _REASONS
    classifier: ClassVar = {"stochastic": True, "needs_consensus": True, "reads": ["clarity"]}

    def decide(self, view: CstoView, draw: Draw) -> Decision:
        """Climb the ladder one rung per tick at most."""
        p = self.params
        state = view.state
        consulting = state >= CstoState.CONSULTATIONS
        all_consent = view.members_consenting.all(axis=1)
        majority_consent = view.members_consenting.mean(axis=1) > 0.5
        u = draw("choice")
        return self.first_match(
            len(state),
            [
                Rule(
                    (state == CstoState.APPEAL_RECEIVED) & (u < p.consult_probability),
                    Action.CONSULTATIONS,
                    _REASONS[1],
                ),
                Rule(
                    consulting & all_consent & (u < p.measures_probability),
                    Action.COLLECTIVE_MEASURES,
                    _REASONS[2],
                ),
                Rule(
                    (state == CstoState.CONSULTATIONS)
                    & (draw("statement") < p.statement_probability),
                    Action.CSTO_STATEMENT,
                    _REASONS[4],
                ),
                Rule(
                    (state == CstoState.STATEMENT)
                    & majority_consent
                    & (draw("mission") < p.fact_finding_probability),
                    Action.FACT_FINDING,
                    _REASONS[5],
                ),
            ],
        )


class CredibleParams(Params):
    """Parameters of the credible CSTO."""

    consult_probability: float = Field(
        0.6, ge=0.0, le=1.0, description="Chance per tick of opening consultations on an appeal."
    )
    statement_probability: float = Field(
        0.5, ge=0.0, le=1.0, description="Chance per tick, in consultations, of a statement."
    )
    measures_after_days: float = Field(
        1.0, ge=0.0, le=60.0, description="Days of consultation before collective measures."
    )
    measures_probability: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="Chance per tick of collective measures while ground is held.",
    )


class Credible(Policy):
    """Act on any attack on a member, whatever the map says.

    The alliance as its treaty reads (Article 4 of the 1992 Collective Security
    Treaty: aggression against one member is aggression against all): once Armenia
    appeals and Azerbaijani forces hold ground, members take collective measures
    after a short consultation, without weighing the ambiguity of the border.
    """

    name = "credible"
    actors: ClassVar = (ActorKind.CSTO,)
    Params: ClassVar = CredibleParams
    reasons: ClassVar = _REASONS
    classifier: ClassVar = {"stochastic": True, "needs_consensus": False, "reads": ["appeal"]}

    def decide(self, view: CstoView, draw: Draw) -> Decision:
        """Consult, then act while ground is held."""
        p = self.params
        state = view.state
        held = view.depth_km.sum(axis=1) > 0
        waited = view.ticks_since_appeal >= every(view.ticks_per_day, p.measures_after_days)
        u = draw("choice")
        return self.first_match(
            len(state),
            [
                Rule(
                    (state == CstoState.APPEAL_RECEIVED) & (u < p.consult_probability),
                    Action.CONSULTATIONS,
                    _REASONS[1],
                ),
                Rule(
                    (state >= CstoState.CONSULTATIONS)
                    & held
                    & waited
                    & (u < p.measures_probability),
                    Action.COLLECTIVE_MEASURES,
                    _REASONS[3],
                ),
                Rule(
                    (state == CstoState.CONSULTATIONS)
                    & (draw("statement") < p.statement_probability),
                    Action.CSTO_STATEMENT,
                    _REASONS[4],
                ),
            ],
        )
