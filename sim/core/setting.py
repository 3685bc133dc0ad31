"""What the submodels read of a scenario, computed once per model: the tick's setting.

A submodel (:mod:`sim.core.mechanisms`) is a function of the world state, the tick's
facts and this setting: the scenario's coefficients (``dyn``), the border, the cast,
the actors' influence, the alliance members' thresholds, the random numbers, and the
schedule of injects. Nothing here changes during a run but the schedule, to which a
running game adds the facilitator's injects (:meth:`Setting.schedule`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.catalogue.roles import Role
from sim.core.border import Border
from sim.core.rng import CounterRNG
from sim.spec.schema import Dynamics, Inject, Scenario


@dataclass(slots=True)
class Setting:
    """The fixed facts of a scenario, as the submodels read them.

    Attributes:
        scenario: the validated scenario.
        dyn: its ``dynamics``, every coefficient of every submodel.
        rng: the model's counter-based random numbers (a draw per world, keyed).
        border: the sectors and the force tables.
        roles: the actors cast as attacker, defender, patron and alliance (None for a
            role the crisis lacks: ``cast: {patron: null}``).
        has_patron, has_alliance: whether the crisis has a patron, an alliance; the
            submodels read nothing of a missing one.
        third_parties: the outside powers, in the scenario's order.
        influence: each outside power's weight on the cost of defiance.
        patron_committed_elsewhere: the share of the patron's forces tied down elsewhere.
        patron_influence: the patron's influence, less what it has committed elsewhere
            (0 with no patron).
        patron_elsewhere_stream: the random stream of whether its troops can come.
        alliance_influence: the alliance's influence.
        attacker_is_member: the attacker is a member of the alliance.
        clarity_needed: (m,) the clarity each member needs (infinite for the attacker).
        follows_patron, heeds_restraint, interests: (m,) each member's leanings.
        members_have_interests: any member's reading moves with more than the map.
        members_stream: the random stream of the members' errors.
        offer_ticks: how many ticks an offer of a ceasefire stays open (at least one).
        war_ticks: how many ticks in a row of fighting at war intensity make a war.
        injects_by_tick: the schedule: each tick's injects, with their index.
    """

    scenario: Scenario
    dyn: Dynamics
    rng: CounterRNG
    border: Border
    roles: tuple[str, str, str | None, str | None]
    has_patron: bool
    has_alliance: bool
    third_parties: tuple[str, ...]
    influence: dict[str, float]
    patron_committed_elsewhere: float
    patron_influence: float
    patron_elsewhere_stream: str
    alliance_influence: float
    attacker_is_member: bool
    clarity_needed: np.ndarray
    follows_patron: np.ndarray
    heeds_restraint: np.ndarray
    interests: np.ndarray
    members_have_interests: bool
    members_stream: str
    offer_ticks: int | np.ndarray
    war_ticks: int | np.ndarray
    injects_by_tick: dict[int, list[tuple[int, Inject]]]

    @classmethod
    def of(cls, scenario: Scenario, rng: CounterRNG, border: Border | None = None) -> Setting:
        """Return the setting of a scenario, with the model's random numbers."""
        cast, actors = scenario.cast, scenario.actors
        attacker, patron, alliance = (
            cast.state_or_none(r) for r in (Role.ATTACKER, Role.PATRON, Role.ALLIANCE)
        )
        members = list(scenario.alliance_members.values())
        clarity_needed = np.array([m.clarity_needed for m in members])
        # An alliance member cast as the attacker never consents to measures against
        # itself (Tajikistan in the CSTO, April 2021).
        clarity_needed[[name == attacker for name in scenario.alliance_members]] = np.inf
        interests = np.array([m.interests for m in members])
        heeds_restraint = np.array([m.heeds_restraint for m in members])
        elsewhere = scenario.patron_committed_elsewhere
        setting = cls(
            scenario=scenario,
            dyn=scenario.dynamics,
            rng=rng,
            border=Border.of(scenario) if border is None else border,
            roles=(attacker, cast.state(Role.DEFENDER), patron, alliance),
            has_patron=patron is not None,
            has_alliance=alliance is not None,
            third_parties=tuple(actors.third_parties),
            influence={name: spec.influence for name, spec in actors.third_parties.items()},
            patron_committed_elsewhere=elsewhere,
            patron_influence=0.0
            if patron is None
            else actors.spec(patron).influence * (1.0 - elsewhere),
            patron_elsewhere_stream=f"{patron}.elsewhere",
            alliance_influence=0.0 if alliance is None else actors.spec(alliance).influence,
            attacker_is_member=attacker in scenario.alliance_members,
            clarity_needed=clarity_needed,
            follows_patron=np.array([m.follows_patron for m in members]),
            heeds_restraint=heeds_restraint,
            interests=interests,
            members_have_interests=bool(interests.any() or heeds_restraint.any()),
            # The members' noise stream is named by the alliance ("csto.members" in May 2021).
            members_stream=f"{alliance}.members",
            offer_ticks=_whole_ticks(scenario.dynamics.ceasefire_offer_days, scenario),
            war_ticks=_whole_ticks(scenario.thresholds.war_days, scenario),
            injects_by_tick={},
        )
        for inject in scenario.injects:
            setting.schedule(inject, scenario.tick_of_day(inject.day))
        return setting

    def schedule(self, inject: Inject, tick: int) -> int:
        """Add an inject to the schedule at ``tick``; return its index.

        Indices count every inject scheduled so far, the scenario's first, so a new one
        draws from a random stream of its own (``inject.<index>``) and shifts no other.
        """
        index = sum(len(due) for due in self.injects_by_tick.values())
        self.injects_by_tick.setdefault(tick, []).append((index, inject))
        return index

    def due(self, tick: int) -> list[tuple[int, Inject]]:
        """Return the injects scheduled for ``tick``, with their indices."""
        return self.injects_by_tick.get(tick, [])


def _whole_ticks(days: float | np.ndarray, scenario: Scenario) -> int | np.ndarray:
    """Return a span of days as whole ticks, rounded up, at least one (per world in a block)."""
    ticks = np.maximum(1, np.ceil(days * scenario.ticks_per_day))
    return ticks.astype(np.int64) if isinstance(days, np.ndarray) else int(ticks)
