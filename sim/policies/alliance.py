"""The CSTO's policies: how an appeal climbs (or does not climb) the alliance's ladder.

Collective measures need member states' consent, and members weigh how clear it is
that a member's territory was attacked (an undelimited border blurs it) and where
Russia stands. Members' stances are formed in the world each tick
(``AllianceView.members_consenting``); a policy decides how the alliance acts on them.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field

from sim.catalogue.roles import Role
from sim.core.actions import Action
from sim.core.perception import AllianceView
from sim.core.rowwise import row_all, row_count, row_sum
from sim.core.world import AllianceState, Decision
from sim.policies.base import Draw, Params, Policy, Reason, Rule, every


class AllianceReason(Reason):
    """Why the alliance acts as it does (the codes in ``Decision.reason``)."""

    NOTHING = "nothing calls for action"
    CONSULTING = "an appeal received: members consult"
    ALL_AGREE = "every member agrees the attack is clear"
    TREATY_OBLIGES = "an attack on a member: the treaty obliges"
    FOLLOWING_EVENTS = "say it follows events and will act if needed"
    SENDING_MISSION = "most but not all members see an attack: send a mission"


class AllianceParams(Params):
    """When the alliance consults and speaks: shared by every CSTO policy."""

    consult_probability: float = Field(
        0.5, ge=0.0, le=1.0, description="Chance per tick of opening consultations on an appeal."
    )
    statement_probability: float = Field(
        0.4, ge=0.0, le=1.0, description="Chance per tick, in consultations, of a statement."
    )


class _Alliance(Policy):
    """The steps every CSTO policy shares: consult on an appeal, then speak."""

    actors: ClassVar = (Role.ALLIANCE,)
    reasons: ClassVar = AllianceReason.texts()

    def _consult(self, view: AllianceView, u: np.ndarray) -> Rule:
        return Rule(
            (view.state == AllianceState.APPEAL_RECEIVED) & (u < self.params.consult_probability),
            Action.CONSULTATIONS,
            AllianceReason.CONSULTING,
        )

    def _speak(self, view: AllianceView, draw: Draw) -> Rule:
        return Rule(
            (view.state == AllianceState.CONSULTATIONS)
            & (draw("statement") < self.params.statement_probability),
            Action.ALLIANCE_STATEMENT,
            AllianceReason.FOLLOWING_EVENTS,
        )


class ConsensusParams(AllianceParams):
    """Parameters of the consensus CSTO."""

    fact_finding_probability: float = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description="Chance per tick, after a statement and with more than "
        "mission_consent_share of members consenting, of a fact-finding mission.",
    )
    mission_consent_share: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Share of members that must consent, more than this, for a "
        "fact-finding mission (0.5: a majority; 1: never).",
    )
    measures_probability: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Chance per tick of collective measures once every member consents.",
    )


class Consensus(_Alliance):
    """Act only when every member agrees that a member's territory was attacked.

    The CSTO in May 2021: asked by Armenia on 13 May, it said it was closely following
    events and would act as its collective security agreement provides if needed.
    With a border never delimited and Russia urging restraint, the clarity that every
    member's consent requires never came.
    """

    name = "consensus"
    Params: ClassVar = ConsensusParams
    classifier: ClassVar = {"stochastic": True, "needs_consensus": True, "reads": ["consent"]}

    def decide(self, view: AllianceView, draw: Draw) -> Decision:
        """Climb the ladder one rung per tick at most."""
        p = self.params
        all_consent = row_all(view.members_consenting)
        members = view.members_consenting.shape[1]
        enough_consent = row_count(view.members_consenting) > p.mission_consent_share * members
        u = draw("choice")
        return self.first_match(
            view.worlds,
            [
                self._consult(view, u),
                Rule(
                    (view.state >= AllianceState.CONSULTATIONS)
                    & all_consent
                    & (u < p.measures_probability),
                    Action.COLLECTIVE_MEASURES,
                    AllianceReason.ALL_AGREE,
                ),
                self._speak(view, draw),
                Rule(
                    (view.state == AllianceState.STATEMENT)
                    & enough_consent
                    & (draw("mission") < p.fact_finding_probability),
                    Action.FACT_FINDING,
                    AllianceReason.SENDING_MISSION,
                ),
            ],
        )


class CredibleParams(AllianceParams):
    """Parameters of the credible CSTO."""

    measures_after_days: float = Field(
        1.0, ge=0.0, le=60.0, description="Days of consultation before collective measures."
    )
    measures_probability: float = Field(
        0.3,
        ge=0.0,
        le=1.0,
        description="Chance per tick of collective measures while ground is held.",
    )


class Credible(_Alliance):
    """Act on any attack on a member, whatever the map says.

    The alliance as its treaty reads (Article 4 of the 1992 Collective Security
    Treaty: aggression against one member is aggression against all): once Armenia
    appeals and Azerbaijani forces hold ground, members take collective measures
    after a short consultation, without weighing the ambiguity of the border.
    """

    name = "credible"
    Params: ClassVar = CredibleParams
    classifier: ClassVar = {"stochastic": True, "needs_consensus": False, "reads": ["appeal"]}

    def decide(self, view: AllianceView, draw: Draw) -> Decision:
        """Consult, then act while ground is held."""
        p = self.params
        held = row_sum(view.depth_km) > 0
        waited = view.ticks_since_appeal >= every(view.ticks_per_day, p.measures_after_days)
        u = draw("choice")
        return self.first_match(
            view.worlds,
            [
                self._consult(view, u),
                Rule(
                    (view.state >= AllianceState.CONSULTATIONS)
                    & held
                    & waited
                    & (u < p.measures_probability),
                    Action.COLLECTIVE_MEASURES,
                    AllianceReason.TREATY_OBLIGES,
                ),
                self._speak(view, draw),
            ],
        )
