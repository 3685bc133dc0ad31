"""The actors as Mesa agents: one agent per government or alliance, acting in every world.

Each agent owns a policy and runs the first two phases of a tick for all R worlds at
once: ``perceive`` builds its view, ``decide`` asks its policy for one action per
world. The model then resolves every decision together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import mesa
import numpy as np

from sim.catalogue.roles import Role
from sim.core.actions import Action
from sim.core.perception import View
from sim.core.world import Decision

if TYPE_CHECKING:
    from sim.core.model import CrisisModel
    from sim.policies.base import Policy  # an agent holds a policy; policies read core


class CrisisActor(mesa.Agent):
    """A government or alliance whose policy acts in every world of the model."""

    role: ClassVar[Role]

    def __init__(self, model: CrisisModel, name: str, policy: Policy) -> None:
        super().__init__(model)
        self.name = name
        self.policy = policy
        self.last_decision: Decision = Decision.hold(model.n_worlds)
        policy.reset(model.n_worlds)

    def perceive(self) -> View:
        """Phase 1: build this actor's view of every world."""
        model = self.model
        return getattr(model.perceiver, self.role.value)(model.world, model.tick)

    def draw(self, purpose: str, slots: int | None = None) -> np.ndarray:
        """Return this tick's draws of the actor's policy for ``purpose``, in every world.

        The stream is ``policy.<actor>.<purpose>`` (``policy.azerbaijan.choice`` in May
        2021), so a policy's numbers are its own whatever order the actors decide in.
        """
        model = self.model
        return model.draws.uniform(f"policy.{self.name}.{purpose}", model.tick, slots)

    def decide(self, view: View) -> Decision:
        """Phase 2: the policy's choice in every world (hold where a world has ended)."""
        model = self.model
        decision = self.policy.decide(view, self.draw)
        ended = ~model.world.active
        if ended.any():
            decision.action[ended] = Action.HOLD
            decision.sector[ended] = -1
            decision.reason[ended] = 0
        self.last_decision = decision
        return decision

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} policy={self.policy.name!r}>"


class Attacker(CrisisActor):
    """The side that advances: digs in, explains, talks or pulls back (Azerbaijan, May 2021)."""

    role = Role.ATTACKER


class Defender(CrisisActor):
    """The side whose ground is entered: holds the line, speaks to its public, appeals."""

    role = Role.DEFENDER


class Patron(CrisisActor):
    """The regional power and treaty ally: brokers, urges restraint, warns or sends forces."""

    role = Role.PATRON


class Alliance(CrisisActor):
    """The alliance (the CSTO in May 2021), acting on its members' stances."""

    role = Role.ALLIANCE


class ThirdParty(CrisisActor):
    """An outside capital (the US, France, Turkey...) whose words shift the attacker's costs."""

    role = Role.THIRD_PARTY


#: The agent class of each principal role, in the order the model creates them.
AGENT_CLASSES: dict[Role, type[CrisisActor]] = {
    cls.role: cls for cls in (Attacker, Defender, Patron, Alliance)
}
