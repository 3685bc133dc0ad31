"""The state of R worlds in lockstep, and the resolve phase that moves them on.

Every field is a numpy array with one entry per world, or shape (R, k) for the k
border sectors. Nothing here loops over worlds: a tick's resolution is a fixed number
of array operations, whatever R is. The mechanisms are those of docs/model.md
("Submodels"), each tied to the May 2021 case there. Every coefficient they use is a
field of the scenario's ``dynamics`` (sim/spec/schema.py), so that sweeps, sensitivity
analyses and ``crisis-sim parameters`` see it; the only numbers written here are 0 and 1
(tests/test_world.py checks).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import IntEnum

import numpy as np

from sim.catalogue.outcomes import Outcome
from sim.catalogue.roles import Role
from sim.core.actions import BREACHES, GOLDSTEIN_OF, RUNG_OF, STEPS_FORWARD, Action, Rung, is_one_of
from sim.core.rng import CounterRNG
from sim.core.rowwise import row_any, row_sum
from sim.spec.schema import Cast, Dynamics, ForceKind, InjectKind, Scenario


class Talks(IntEnum):
    """Where negotiation stands in a world."""

    NONE = 0
    LOCAL = 1
    MEDIATED = 2
    AGREEMENT = 3


class AllianceState(IntEnum):
    """The CSTO's progress from appeal to collective measures."""

    NO_APPEAL = 0
    APPEAL_RECEIVED = 1
    CONSULTATIONS = 2
    STATEMENT = 3
    FACT_FINDING = 4
    COLLECTIVE_MEASURES = 5


FORCE_RANK = {
    ForceKind.NONE: 0,
    ForceKind.BORDER_GUARDS: 1,
    ForceKind.ARMY: 2,
    ForceKind.ARMY_AND_BORDER_GUARDS: 3,
}


def resistance_by_force(dyn: Dynamics) -> np.ndarray:
    """Return the share of an advance step each force (by FORCE_RANK) stops.

    The army's resistance holds a sector it shares with border guards.
    """
    return np.array([0.0, dyn.resistance_border_guards, dyn.resistance_army, dyn.resistance_army])


def incident_by_force(dyn: Dynamics) -> np.ndarray:
    """Return the chance per tick that each force (by FORCE_RANK) starts an incident.

    Army and border guards side by side are two chances, not one.
    """
    guards, army = dyn.incident_probability_border_guards, dyn.incident_probability_army
    return np.array([0.0, guards, army, 1.0 - (1.0 - guards) * (1.0 - army)])


NEVER = -1  # tick value meaning "has not happened"


def held_ambiguity(
    depth_km: np.ndarray, ambiguity: np.ndarray, total: np.ndarray | None = None
) -> np.ndarray:
    """Depth-weighted map ambiguity of the ground taken, per world (0 where none is taken)."""
    total = row_sum(depth_km) if total is None else total
    weighted = depth_km @ ambiguity
    return np.divide(weighted, total, out=np.zeros_like(total), where=total > 0)


@dataclass(slots=True)
class Decision:
    """One actor's choice in every world for one tick.

    Attributes:
        action: (R,) int16 action codes.
        sector: (R,) int8 target sector index (-1 where the action has none).
        reason: (R,) int8 index into the policy's ``reasons`` (why it chose so).
    """

    action: np.ndarray
    sector: np.ndarray
    reason: np.ndarray

    @classmethod
    def hold(cls, worlds: int) -> Decision:
        """Return a decision to hold in every world."""
        return cls(
            np.zeros(worlds, np.int16), np.full(worlds, -1, np.int8), np.zeros(worlds, np.int8)
        )


@dataclass(slots=True)
class WorldState:
    """Everything that varies between worlds. ``(R,)`` unless marked ``(R, k)``."""

    depth_km: np.ndarray  # (R, k) Azerbaijani advance past the pre-crisis line
    total_depth_km: np.ndarray  # depth_km summed over sectors; see update_total_depth
    defender_force: np.ndarray  # (R, k) int8 FORCE_RANK: 0 none, 1 guards, 2 army, 3 both
    patron_presence: np.ndarray  # (R, k) bool
    entrenched: np.ndarray  # (R, k) bool
    clash_intensity: np.ndarray
    fighting_ticks: np.ndarray  # consecutive ticks at or above the war intensity
    casualties_defender: np.ndarray
    casualties_attacker: np.ndarray
    first_shot_tick: np.ndarray
    rumour: np.ndarray
    alarm: np.ndarray
    peak_alarm: np.ndarray
    peak_alarm_tick: np.ndarray  # when alarm last reached its peak (NEVER: it never rose)
    statement_tick: np.ndarray
    attention: np.ndarray
    cost_of_defiance: np.ndarray
    talks: np.ndarray  # int8 Talks
    talks_tick: np.ndarray
    appeal_alliance_tick: np.ndarray
    appeal_patron_tick: np.ndarray
    appeal_west_tick: np.ndarray
    alliance_state: np.ndarray  # int8 AllianceState
    alliance_state_tick: np.ndarray  # tick the CSTO entered its current state
    member_consent: np.ndarray  # (R, m) bool: each CSTO member's stance
    patron_backs_defender: np.ndarray  # bool: Russia warned Baku or used force
    patron_urged_restraint: np.ndarray  # bool: Russia phoned both or urged restraint
    ceasefire: np.ndarray  # bool: a ceasefire holds
    ceasefire_offer_tick: np.ndarray  # when the open offer was made (NEVER: none open)
    attacker_accepts: np.ndarray  # bool: the attacker accepted the open offer
    defender_accepts: np.ndarray  # bool: the defender accepted the open offer
    ceasefire_tick: np.ndarray  # when a ceasefire first took hold
    ceasefires_broken: np.ndarray  # int16: how many ceasefires broke
    max_depth_km: np.ndarray
    rung: np.ndarray  # int8 highest rung of this tick's actions
    max_rung: np.ndarray
    goldstein_total: np.ndarray  # sum of every action's Goldstein score so far
    outcome: np.ndarray  # int8 Outcome; ONGOING until absorbed or the horizon
    end_tick: np.ndarray

    @classmethod
    def initial(cls, scenario: Scenario, worlds: int) -> WorldState:
        """Return R worlds as the scenario sets them: at the pre-crisis line, or past it."""
        sectors = list(scenario.sectors.values())
        m = len(scenario.alliance_members)
        force = np.array([FORCE_RANK[s.defender_force] for s in sectors], np.int8)
        presence = np.array([s.patron_presence for s in sectors], bool)
        zeros = lambda dtype=np.float64: np.zeros(worlds, dtype)  # noqa: E731
        never = lambda: np.full(worlds, NEVER, np.int32)  # noqa: E731
        held = np.array([s.held_km for s in sectors])
        return cls(
            depth_km=np.tile(held, (worlds, 1)),
            total_depth_km=np.full(worlds, held.sum()),
            defender_force=np.tile(force, (worlds, 1)),
            patron_presence=np.tile(presence, (worlds, 1)),
            entrenched=np.tile(held > 0, (worlds, 1)),  # ground held before is dug in
            clash_intensity=zeros(),
            fighting_ticks=zeros(np.int16),
            casualties_defender=zeros(np.int32),
            casualties_attacker=zeros(np.int32),
            first_shot_tick=never(),
            rumour=zeros(),
            alarm=zeros(),
            peak_alarm=zeros(),
            peak_alarm_tick=never(),
            statement_tick=never(),
            attention=zeros(),
            cost_of_defiance=zeros(),
            talks=zeros(np.int8),
            talks_tick=never(),
            appeal_alliance_tick=never(),
            appeal_patron_tick=never(),
            appeal_west_tick=never(),
            alliance_state=zeros(np.int8),
            alliance_state_tick=never(),
            member_consent=np.zeros((worlds, m), bool),
            patron_backs_defender=zeros(bool),
            patron_urged_restraint=zeros(bool),
            ceasefire=zeros(bool),
            ceasefire_offer_tick=never(),
            attacker_accepts=zeros(bool),
            defender_accepts=zeros(bool),
            ceasefire_tick=never(),
            ceasefires_broken=zeros(np.int16),
            max_depth_km=np.full(worlds, held.sum()),
            rung=np.ones(worlds, np.int8),
            max_rung=np.ones(worlds, np.int8),
            goldstein_total=zeros(),
            outcome=zeros(np.int8),
            end_tick=never(),
        )

    def update_total_depth(self) -> None:
        """Recompute ``total_depth_km`` after ``depth_km`` changed (read often, so stored)."""
        self.total_depth_km = row_sum(self.depth_km)

    @property
    def offer_open(self) -> np.ndarray:
        """Worlds where an offer of a ceasefire is open."""
        return self.ceasefire_offer_tick != NEVER

    @property
    def active(self) -> np.ndarray:
        """Worlds that have not reached an absorbing outcome."""
        return self.outcome == Outcome.ONGOING

    def copy(self) -> WorldState:
        """Return a deep copy (used to freeze absorbed worlds)."""
        return WorldState(**{f.name: getattr(self, f.name).copy() for f in fields(self)})

    def restore(self, before: WorldState, frozen: np.ndarray) -> None:
        """Put back ``before``'s values in the ``frozen`` worlds."""
        for f in fields(self):
            now = getattr(self, f.name)
            now[frozen] = getattr(before, f.name)[frozen]


def poisson_quantile(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Return ``scipy.stats.poisson.ppf(u, lam)`` for ``u`` in [0, 1) and ``lam >= 0``.

    The same arithmetic as SciPy's own (``pdtrik``, then one step down where the CDF
    already reaches ``u``; ``u == 0`` gives -1), without the generic distribution
    machinery's checks, which cost about a tenth of a millisecond per call: a tick of a
    small ensemble draws casualties twice. ``tests/test_world.py`` checks the two agree.
    """
    # Imported on first use: `crisis-sim validate` and the other light commands load this
    # module through the policies, and SciPy's special functions take 0.13 s to import.
    from scipy import special

    k = np.ceil(special.pdtrik(u, lam))
    below = np.maximum(k - 1, 0)
    k = np.where(special.pdtr(below, lam) >= u, below, k)
    k[u == 0] = -1
    return k


@dataclass(slots=True)
class _TickWork:
    """What one tick's submodels hand on to later ones (docs/model.md, section 7)."""

    tick: int
    decisions: dict[str, Decision]
    attacker: Decision
    defender: Decision
    patron: Decision
    alliance: Decision
    clash_before: np.ndarray  # clash intensity as the tick began (before decay)
    new_km: np.ndarray  # ground gained this tick (injects and advances)
    forced_statement: np.ndarray  # an inject made Armenia's official statement
    counter: np.ndarray | None = None  # Armenia counter-attacked (7.3, read in 7.4)
    patron_arrives: np.ndarray | None = None  # its troops can reach the line (7.3, 7.4)
    in_contact: np.ndarray | None = None  # (R, k) forces face to face (7.4, read in 7.7)
    incidents: np.ndarray | None = None  # fire nobody ordered (7.4, read in 7.8)

    @classmethod
    def begin(
        cls, w: WorldState, decisions: dict[str, Decision], tick: int, cast: Cast
    ) -> _TickWork:
        """Start a tick's work from the decisions and the state as the tick begins."""
        n = len(w.outcome)
        return cls(
            tick=tick,
            decisions=decisions,
            attacker=decisions[cast.state(Role.ATTACKER)],
            defender=decisions[cast.state(Role.DEFENDER)],
            patron=decisions[cast.state(Role.PATRON)],
            alliance=decisions[cast.state(Role.ALLIANCE)],
            clash_before=w.clash_intensity.copy(),
            new_km=np.zeros(n),
            forced_statement=np.zeros(n, bool),
        )


class Resolver:
    """Applies every actor's decisions and the scheduled injects to the worlds.

    The order within a tick is fixed (injects, ground, violence, diplomacy, information,
    outcomes) so that simultaneous choices resolve the same way in every world.
    """

    def __init__(self, scenario: Scenario, rng: CounterRNG, third_party_names: list[str]) -> None:
        self.scenario = scenario
        self.dyn = scenario.dynamics
        self.rng = rng
        sectors = list(scenario.sectors.values())
        self.sector_ids = list(scenario.sectors)
        self.ambiguity = np.array([s.ambiguity for s in sectors])
        self.max_advance_km = np.array([s.max_advance_km for s in sectors])
        self.resistance_by_force = resistance_by_force(self.dyn)
        self.incident_by_force = incident_by_force(self.dyn)
        cast, actors = scenario.cast, scenario.actors
        self.committed_elsewhere = scenario.patron_committed_elsewhere
        self.patron_influence = actors.spec(cast.state(Role.PATRON)).influence * (
            1.0 - self.committed_elsewhere
        )
        self.patron_elsewhere_stream = f"{cast.state(Role.PATRON)}.elsewhere"
        self.alliance_influence = actors.spec(cast.state(Role.ALLIANCE)).influence
        self.influence = {name: spec.influence for name, spec in actors.third_parties.items()}
        self.third_party_names = third_party_names
        members = list(scenario.alliance_members.values())
        self.clarity_needed = np.array([m.clarity_needed for m in members])
        # An alliance member cast as the attacker never consents to measures against
        # itself (Tajikistan in the CSTO, April 2021).
        attacker = cast.state(Role.ATTACKER)
        self.attacker_is_member = attacker in scenario.alliance_members
        self.clarity_needed[[name == attacker for name in scenario.alliance_members]] = np.inf
        self.follows_patron = np.array([m.follows_patron for m in members])
        self.heeds_restraint = np.array([m.heeds_restraint for m in members])
        self.interests = np.array([m.interests for m in members])
        self.members_have_interests = bool(self.interests.any() or self.heeds_restraint.any())
        # The members' noise stream is named by the alliance ("csto.members" in May 2021).
        self.members_stream = f"{cast.state(Role.ALLIANCE)}.members"
        # An offer of a ceasefire stays open this many ticks (at least one).
        self.offer_ticks = max(
            1, int(np.ceil(self.dyn.ceasefire_offer_days * scenario.ticks_per_day))
        )
        self.injects_by_tick: dict[int, list] = {}
        for index, inject in enumerate(scenario.injects):
            self.injects_by_tick.setdefault(scenario.tick_of_day(inject.day), []).append(
                (index, inject)
            )

    # -- helpers -------------------------------------------------------------------------
    def _advance(self, w: WorldState, mask: np.ndarray, sector: np.ndarray) -> np.ndarray:
        """Advance one step in ``sector`` where ``mask``; return km gained per world."""
        rows = np.flatnonzero(mask & (sector >= 0))
        gained = np.zeros(len(w.outcome))
        if rows.size == 0:
            return gained
        cols = sector[rows].astype(np.intp)
        resistance = self.resistance_by_force[w.defender_force[rows, cols]]
        blocked = w.patron_presence[rows, cols]
        room = self.max_advance_km[cols] - w.depth_km[rows, cols]
        step = np.where(blocked, 0.0, self.dyn.advance_step_km * (1.0 - resistance))
        step = np.clip(np.minimum(step, room), 0.0, None)
        w.depth_km[rows, cols] += step
        gained[rows] = step
        return gained

    def _patron_forces_arrive(self, tick: int, n: int) -> np.ndarray:
        """Worlds where the patron's troops can reach the line this tick (all, if free)."""
        if self.committed_elsewhere == 0.0:  # no draw: a free patron's worlds stay as they were
            return np.ones(n, bool)
        return self.rng.uniform(self.patron_elsewhere_stream, tick) >= self.committed_elsewhere

    def _fire(self, w: WorldState, mask: np.ndarray, strength: float, tick: int) -> None:
        w.clash_intensity = np.where(
            mask, np.minimum(1.0, w.clash_intensity + strength), w.clash_intensity
        )
        w.first_shot_tick = np.where(mask & (w.first_shot_tick == NEVER), tick, w.first_shot_tick)

    # -- the phase -----------------------------------------------------------------------
    def resolve(self, w: WorldState, decisions: dict[str, Decision], tick: int) -> None:
        """Apply one tick's decisions (keyed by actor name) and injects to ``w``.

        The submodels of docs/model.md, section 7, in its order: each is one method below,
        and what one hands to a later one (the ground gained, the incidents...) travels in
        a :class:`_TickWork`. Worlds that have ended are restored afterwards, unchanged.
        """
        frozen = ~w.active
        before = w.copy() if frozen.any() else None
        now = _TickWork.begin(w, decisions, tick, self.scenario.cast)
        self._decay(w)  # 7.1
        self._injects(w, now)  # 7.2
        self._ground(w, now)  # 7.3
        self._violence(w, now)  # 7.4
        self._ceasefire(w, now)  # 7.5, first: a ceasefire offered, taken up or broken
        self._diplomacy(w, now)  # 7.5, with 7.6 the CSTO members' consent
        self._information(w, now)  # 7.7
        self._outcomes(w, now)  # 7.8
        if before is not None:
            w.restore(before, frozen)

    def _decay(self, w: WorldState) -> None:
        """7.1: clashes, rumours, attention and the cost of defiance fade each tick."""
        dyn = self.dyn
        w.clash_intensity = w.clash_intensity * dyn.clash_persistence
        w.rumour = w.rumour * dyn.rumour_persistence
        w.attention = w.attention * dyn.attention_persistence
        w.cost_of_defiance = w.cost_of_defiance * dyn.defiance_persistence

    def _injects(self, w: WorldState, now: _TickWork) -> None:
        """7.2: events outside any actor's choice, each drawn per world."""
        tick, n = now.tick, len(w.outcome)
        for index, inject in self.injects_by_tick.get(tick, []):
            happens = self.rng.uniform(f"inject.{index}", tick) < inject.probability
            if inject.kind is InjectKind.ADVANCE_ORDER:
                sector = np.full(n, self.sector_ids.index(inject.sector), np.int8)
                now.new_km += self._advance(w, happens, sector)
            elif inject.kind is InjectKind.RUMOUR:
                w.rumour = np.where(happens, np.minimum(1.0, w.rumour + inject.strength), w.rumour)
            elif inject.kind is InjectKind.OFFICIAL_STATEMENT:
                now.forced_statement |= happens
            elif inject.kind is InjectKind.THIRD_PARTY_STATEMENT:
                weight = self.influence.get(inject.actor or "", 1.0)
                w.cost_of_defiance += np.where(happens, inject.strength * weight, 0.0)
                w.attention = np.where(
                    happens,
                    np.minimum(1.0, w.attention + self.dyn.third_party_statement_attention),
                    w.attention,
                )
            elif inject.kind is InjectKind.CLASH:  # fire nobody in the model ordered
                self._fire(w, happens, inject.strength, tick)
            elif inject.kind is InjectKind.MINISTERIAL_VISIT:
                # Encouragement can outweigh pressure: the balance may go below zero,
                # and later calls for restraint must first use it up.
                w.cost_of_defiance = w.cost_of_defiance - np.where(happens, inject.strength, 0.0)

    def _ground(self, w: WorldState, now: _TickWork) -> None:
        """7.3: Azerbaijan moves, Armenia reinforces, Russia places troops."""
        attacker, defender, patron = now.attacker, now.defender, now.patron
        now.new_km += self._advance(w, is_one_of(attacker.action, *STEPS_FORWARD), attacker.sector)
        rows = np.flatnonzero((attacker.action == Action.ENTRENCH) & (attacker.sector >= 0))
        w.entrenched[rows, attacker.sector[rows]] = True
        rows = np.flatnonzero((attacker.action == Action.WITHDRAW_PARTIAL) & (attacker.sector >= 0))
        w.depth_km[rows, attacker.sector[rows]] *= 1.0 - self.dyn.partial_withdrawal_share
        full = attacker.action == Action.WITHDRAW_FULL
        w.depth_km[full] = 0.0
        w.entrenched[full] = False
        # Reinforcement lifts a sector to the stronger force; army and border guards
        # side by side is a fact of the set-up (Sector.defender_force), not a move.
        for action, rank in (
            (Action.SEND_BORDER_GUARDS, FORCE_RANK[ForceKind.BORDER_GUARDS]),
            (Action.SEND_ARMY, FORCE_RANK[ForceKind.ARMY]),
        ):
            rows = np.flatnonzero((defender.action == action) & (defender.sector >= 0))
            cols = defender.sector[rows]
            w.defender_force[rows, cols] = np.maximum(w.defender_force[rows, cols], rank)
        now.counter = (defender.action == Action.COUNTER_ATTACK) & (defender.sector >= 0)
        rows = np.flatnonzero(now.counter)
        cols = defender.sector[rows]
        w.depth_km[rows, cols] = np.maximum(0.0, w.depth_km[rows, cols] - self.dyn.advance_step_km)
        now.patron_arrives = self._patron_forces_arrive(now.tick, len(w.outcome))
        for action in (Action.DEPLOY_TROOPS, Action.DEFEND_ALLY):
            sent = (patron.action == action) & (patron.sector >= 0) & now.patron_arrives
            rows = np.flatnonzero(sent)
            w.patron_presence[rows, patron.sector[rows]] = True

        w.update_total_depth()

    def _violence(self, w: WorldState, now: _TickWork) -> None:
        """7.4: ordered fire, a counter-attack, and incidents nobody ordered.

        Incidents happen where forces stand face to face, likelier where the army, not
        border guards, holds; casualties follow the clash's intensity.
        """
        dyn, rng, tick = self.dyn, self.rng, now.tick
        attacker, defender, patron = now.attacker, now.defender, now.patron
        now.in_contact = w.depth_km > 0.0
        incident_p = self.incident_by_force[w.defender_force] * now.in_contact
        if dyn.incident_entrenched_multiplier != 1.0:  # dug in, face to face for good
            incident_p = incident_p * np.where(
                w.entrenched, dyn.incident_entrenched_multiplier, 1.0
            )
        if dyn.incident_alarm_gain != 0.0:  # nervous troops on a frightened border
            incident_p = incident_p * (1.0 + dyn.incident_alarm_gain * w.alarm)[:, None]
        if w.ceasefire.any():  # a ceasefire quiets the line; it does not silence it
            incident_p = incident_p * np.where(w.ceasefire, dyn.ceasefire_incidents, 1.0)[:, None]
        draws = rng.uniform("incident", tick, slots=incident_p.shape[1])
        now.incidents = row_any(draws < incident_p)
        self._fire(w, attacker.action == Action.ATTACKER_FIRE, dyn.clash_escalation, tick)
        self._fire(w, defender.action == Action.DEFENDER_FIRE, dyn.clash_escalation, tick)
        self._fire(w, now.counter, dyn.counter_attack_fire_multiplier * dyn.clash_escalation, tick)
        assault = attacker.action == Action.ASSAULT
        self._fire(w, assault, dyn.assault_fire_multiplier * dyn.clash_escalation, tick)
        self._fire(w, now.incidents, dyn.clash_escalation, tick)
        defends = (patron.action == Action.DEFEND_ALLY) & now.patron_arrives
        self._fire(w, defends, dyn.patron_force_fire_multiplier * dyn.clash_escalation, tick)
        burning = w.clash_intensity > dyn.clash_ends_below
        if burning.any():
            lam = dyn.casualties_per_tick * w.clash_intensity[burning]
            for side, stream in (
                (w.casualties_defender, "casualties.am"),
                (w.casualties_attacker, "casualties.az"),
            ):
                u = rng.uniform(stream, tick)[burning]
                side[burning] += poisson_quantile(u, lam).astype(np.int32)
        w.clash_intensity = np.where(burning, w.clash_intensity, 0.0)
        w.fighting_ticks = np.where(
            w.clash_intensity >= self.scenario.thresholds.war_intensity, w.fighting_ticks + 1, 0
        ).astype(np.int16)

    def _ceasefire(self, w: WorldState, now: _TickWork) -> None:
        """7.5: a ceasefire is offered, accepted by both governments, holds, or breaks.

        Anyone but the alliance may offer one (the patron, an outside power, either
        government); it holds once both governments have accepted the open offer (an
        offer by a government is its own acceptance), and firing stops at once. Fire or a
        step forward ordered by either side breaks it, and an attacker's breach adds
        ``ceasefire_breach_cost`` to the cost of defiance. Karabakh, October 2020: three
        humanitarian ceasefires, brokered by Russia, France and the United States, broke
        within hours; Kyrgyzstan-Tajikistan, April 2021: the governments agreed one
        within a day, it was broken, and a second held.
        """
        attacker, defender, tick = now.attacker.action, now.defender.action, now.tick
        offered = np.zeros(len(w.outcome), bool)
        for decision in now.decisions.values():
            offered |= decision.action == Action.OFFER_CEASEFIRE
        if not (offered.any() or w.ceasefire.any() or w.offer_open.any()):
            return  # most worlds of most scenarios: nothing to do
        attacker_hostile = is_one_of(attacker, *BREACHES[Role.ATTACKER])
        defender_hostile = is_one_of(defender, *BREACHES[Role.DEFENDER])
        broken = w.ceasefire & (attacker_hostile | defender_hostile)
        w.ceasefire = w.ceasefire & ~broken
        w.ceasefires_broken = (w.ceasefires_broken + broken).astype(np.int16)
        w.cost_of_defiance = w.cost_of_defiance + self.dyn.ceasefire_breach_cost * (
            broken & attacker_hostile
        )
        expired = w.offer_open & (tick - w.ceasefire_offer_tick >= self.offer_ticks)
        self._close_offer(w, expired)
        opened = offered & ~w.ceasefire & ~w.offer_open
        w.ceasefire_offer_tick = np.where(opened, tick, w.ceasefire_offer_tick)
        open_offer = w.offer_open
        for accepts, action, hostile in (
            ("attacker_accepts", attacker, attacker_hostile),
            ("defender_accepts", defender, defender_hostile),
        ):
            agrees = is_one_of(action, Action.OFFER_CEASEFIRE, Action.ACCEPT_CEASEFIRE)
            # Fire or a step forward takes back a side's acceptance of the open offer.
            setattr(w, accepts, open_offer & ~hostile & (getattr(w, accepts) | agrees))
        holds = open_offer & w.attacker_accepts & w.defender_accepts
        w.ceasefire = w.ceasefire | holds
        w.ceasefire_tick = np.where(holds & (w.ceasefire_tick == NEVER), tick, w.ceasefire_tick)
        self._close_offer(w, holds)
        w.clash_intensity = np.where(holds, 0.0, w.clash_intensity)
        w.fighting_ticks = np.where(holds, 0, w.fighting_ticks).astype(np.int16)

    @staticmethod
    def _close_offer(w: WorldState, mask: np.ndarray) -> None:
        """Close the open offer of a ceasefire where ``mask``: taken up or lapsed."""
        w.ceasefire_offer_tick = np.where(mask, NEVER, w.ceasefire_offer_tick)
        w.attacker_accepts = w.attacker_accepts & ~mask
        w.defender_accepts = w.defender_accepts & ~mask

    def _diplomacy(self, w: WorldState, now: _TickWork) -> None:
        """7.5: appeals, talks, Russian and CSTO signals, third-party statements.

        Every signal adds to (or, for encouragement and justification, takes from) the
        cost of defiance Baku weighs; the CSTO's members judge the attack (7.6) once the
        alliance's own step is taken.
        """
        dyn, rng, tick = self.dyn, self.rng, now.tick
        attacker, defender, patron, alliance = now.attacker, now.defender, now.patron, now.alliance
        for action, field in (
            (Action.APPEAL_ALLIANCE, "appeal_alliance_tick"),
            (Action.APPEAL_PATRON, "appeal_patron_tick"),
            (Action.APPEAL_WEST, "appeal_west_tick"),
        ):
            asked = defender.action == action
            if not np.count_nonzero(asked):  # most ticks: no appeal of this kind
                continue
            made = asked & (getattr(w, field) == NEVER)
            setattr(w, field, np.where(made, tick, getattr(w, field)))
        appealed = (defender.action == Action.APPEAL_ALLIANCE) & (
            w.alliance_state == AllianceState.NO_APPEAL
        )
        self._alliance_to(w, appealed, AllianceState.APPEAL_RECEIVED, tick)
        to_west, to_alliance = (
            defender.action == Action.APPEAL_WEST,
            defender.action == Action.APPEAL_ALLIANCE,
        )
        w.attention += (
            dyn.appeal_west_attention * to_west + dyn.appeal_alliance_attention * to_alliance
        )

        wants_talks = (defender.action == Action.LOCAL_TALKS) | (
            attacker.action == Action.PROPOSE_TALKS
        )
        start_local = (
            wants_talks & (w.talks == Talks.NONE) & ~is_one_of(attacker.action, *STEPS_FORWARD)
        )
        mediation = (patron.action == Action.OFFER_MEDIATION) & (w.talks < Talks.MEDIATED)
        w.talks = np.where(start_local, Talks.LOCAL, w.talks).astype(np.int8)
        w.talks = np.where(mediation, Talks.MEDIATED, w.talks).astype(np.int8)
        w.talks_tick = np.where(
            (start_local | mediation) & (w.talks_tick == NEVER), tick, w.talks_tick
        )
        talking = (w.talks == Talks.LOCAL) | (w.talks == Talks.MEDIATED)
        p_agree = (
            dyn.talks_agreement_probability
            * np.where(w.talks == Talks.MEDIATED, dyn.mediation_multiplier, 1.0)
            * (1.0 + w.cost_of_defiance)
        )
        agreed = talking & (rng.uniform("talks", tick) < p_agree) & (w.total_depth_km > 0)
        w.talks = np.where(agreed, Talks.AGREEMENT, w.talks).astype(np.int8)
        w.depth_km[agreed] *= 1.0 - dyn.agreement_pullback_share
        w.update_total_depth()
        w.entrenched[agreed] = False
        if (defender.action == Action.ACCEPT_LINE).any():
            accepted = defender.action == Action.ACCEPT_LINE
            w.talks = np.where(accepted & talking, Talks.AGREEMENT, w.talks).astype(np.int8)

        restraint_calls = is_one_of(patron.action, Action.URGE_RESTRAINT, Action.PHONE_BOTH)
        w.patron_urged_restraint |= restraint_calls
        w.patron_backs_defender |= is_one_of(
            patron.action, Action.PRESSURE_ATTACKER, Action.DEFEND_ALLY
        )
        mediates, defends = (
            patron.action == Action.OFFER_MEDIATION,
            patron.action == Action.DEFEND_ALLY,
        )
        cost = self.patron_influence * (
            dyn.restraint_call_cost * restraint_calls
            + dyn.mediation_offer_share * dyn.restraint_call_cost * mediates
            + dyn.demand_cost * (patron.action == Action.PRESSURE_ATTACKER)
            + dyn.patron_force_cost_multiplier * dyn.demand_cost * defends
        )
        cost += (
            self.alliance_influence
            * dyn.alliance_cost
            * is_one_of(alliance.action, Action.ALLIANCE_STATEMENT, Action.FACT_FINDING)
        )
        for action, state in (
            (Action.CONSULTATIONS, AllianceState.CONSULTATIONS),
            (Action.ALLIANCE_STATEMENT, AllianceState.STATEMENT),
            (Action.FACT_FINDING, AllianceState.FACT_FINDING),
            (Action.COLLECTIVE_MEASURES, AllianceState.COLLECTIVE_MEASURES),
        ):
            # The CSTO acts on an appeal only; it never steps back down its ladder.
            taken = alliance.action == action
            if not np.count_nonzero(taken):
                continue
            if state is AllianceState.COLLECTIVE_MEASURES and self.attacker_is_member:
                continue  # a treaty of mutual defence does not act against a member
            moves = taken & (w.alliance_state >= AllianceState.APPEAL_RECEIVED)
            self._alliance_to(w, moves & (w.alliance_state < state), state, tick)
        self._member_stances(w, tick)  # 7.6
        for name in self.third_party_names:
            tp = now.decisions[name]
            weight = self.influence[name]
            cost += weight * (
                dyn.restraint_call_cost * (tp.action == Action.CALL_FOR_RESTRAINT)
                + dyn.demand_cost * (tp.action == Action.DEMAND_WITHDRAWAL)
                - dyn.demand_cost * (tp.action == Action.BACK_ATTACKER)
            )
        held = held_ambiguity(w.depth_km, self.ambiguity, w.total_depth_km)
        cost -= dyn.justify_relief * held * (attacker.action == Action.JUSTIFY)
        w.cost_of_defiance = w.cost_of_defiance + cost
        w.attention = np.minimum(
            1.0,
            w.attention
            + dyn.attention_per_km * now.new_km
            + dyn.clash_attention * (w.clash_intensity > now.clash_before)
            + dyn.rhetoric_attention * (attacker.action == Action.RHETORIC),
        )

    def _information(self, w: WorldState, now: _TickWork) -> None:
        """7.7: rumours outrun official word; a statement calms them; alarm follows both."""
        dyn, tick, attacker, defender = self.dyn, now.tick, now.attacker, now.defender
        statement = ((defender.action == Action.OFFICIAL_STATEMENT) | now.forced_statement) & (
            w.statement_tick == NEVER
        )
        w.statement_tick = np.where(statement, tick, w.statement_tick)
        w.rumour = np.where(statement, w.rumour * (1.0 - dyn.statement_calming), w.rumour)
        spoken = w.statement_tick != NEVER
        contact = row_any(now.in_contact)
        false_report = (
            contact
            & ~spoken
            & (self.rng.uniform("false_report", tick) < dyn.false_report_probability)
        )
        w.rumour = np.minimum(
            1.0,
            w.rumour
            + dyn.false_report_size * false_report
            + dyn.rumour_per_km * now.new_km
            + dyn.clash_rumour * (w.clash_intensity > now.clash_before)
            + dyn.rhetoric_rumour * (attacker.action == Action.RHETORIC),
        )
        facts = np.minimum(1.0, dyn.alarm_per_km * w.total_depth_km + w.clash_intensity)
        calmed = 1.0 - dyn.statement_facts_calming * dyn.statement_calming
        facts = np.where(spoken, facts * calmed, facts)
        target = np.minimum(1.0, w.rumour + facts)
        w.alarm = w.alarm + dyn.alarm_response * (target - w.alarm)
        w.peak_alarm_tick = np.where(w.alarm > w.peak_alarm, tick, w.peak_alarm_tick)
        w.peak_alarm = np.maximum(w.peak_alarm, w.alarm)

    def _outcomes(self, w: WorldState, now: _TickWork) -> None:
        """7.8: the tick's rung and scores, and the absorbing outcomes reached this tick."""
        rung = RUNG_OF[now.attacker.action]
        for decision in now.decisions.values():
            rung = np.maximum(rung, RUNG_OF[decision.action])
            w.goldstein_total += GOLDSTEIN_OF[decision.action]
        rung = np.where(now.incidents, np.maximum(rung, int(Rung.USE_OF_FORCE)), rung)
        w.max_depth_km = np.maximum(w.max_depth_km, w.total_depth_km)
        war = w.fighting_ticks >= self.scenario.thresholds.war_ticks
        rung = np.where(war, int(Rung.WAR), rung).astype(np.int8)
        w.rung = rung
        w.max_rung = np.maximum(w.max_rung, rung)
        contested = w.patron_presence & (w.depth_km > 0)
        absorbed = np.select(
            [war, w.alliance_state == AllianceState.COLLECTIVE_MEASURES, row_any(contested)],
            [Outcome.WAR, Outcome.ALLIANCE_INTERVENTION, Outcome.PATRON_INTERPOSITION],
            Outcome.ONGOING,
        ).astype(np.int8)
        newly = (w.outcome == Outcome.ONGOING) & (absorbed != Outcome.ONGOING)
        w.outcome = np.where(newly, absorbed, w.outcome).astype(np.int8)
        w.end_tick = np.where(newly, now.tick, w.end_tick)

    def _member_stances(self, w: WorldState, tick: int) -> None:
        """Each CSTO member consents to collective measures if the attack looks clear enough.

        Clarity is 1 minus the map ambiguity of the ground taken; Russia's backing of
        Armenia lowers what a member needs by its ``follows_patron``, and its line of
        restraint alone raises it by ``heeds_restraint``; the member's ties to each side
        and its own situation move it too (``AllianceMember.interests``).
        """
        taken = w.total_depth_km > 0
        appealed = w.alliance_state >= AllianceState.APPEAL_RECEIVED
        if not (taken & appealed).any():  # nothing to judge: skip the draws (keyed, so no
            w.member_consent[:] = False  # other draw shifts)
            return
        clarity = np.where(
            taken, 1.0 - held_ambiguity(w.depth_km, self.ambiguity, w.total_depth_km), 0.0
        )
        noise = self.scenario.perception.alliance_clarity_noise * self.rng.symmetric(
            self.members_stream, tick, slots=len(self.clarity_needed)
        )
        reading = (
            clarity[:, None]
            + noise
            + self.follows_patron[None, :] * w.patron_backs_defender[:, None]
        )
        if self.members_have_interests:  # ties, the patron's line, the member's own situation
            restraint_only = w.patron_urged_restraint & ~w.patron_backs_defender
            reading = (
                reading
                + self.interests[None, :]
                - self.heeds_restraint[None, :] * restraint_only[:, None]
            )
        w.member_consent = (reading >= self.clarity_needed[None, :]) & (taken & appealed)[:, None]

    def _alliance_to(
        self, w: WorldState, mask: np.ndarray, state: AllianceState, tick: int
    ) -> None:
        if not np.count_nonzero(mask):  # most ticks: no world moves (and nothing changes)
            return
        w.alliance_state = np.where(mask, state, w.alliance_state).astype(np.int8)
        w.alliance_state_tick = np.where(mask, tick, w.alliance_state_tick)

    def finish(self, w: WorldState, tick: int) -> None:
        """Classify the worlds still running at the horizon."""
        running = w.active
        withdrawn = w.total_depth_km <= self.scenario.thresholds.withdrawn_below_km
        shots = w.first_shot_tick != NEVER
        final = np.select(
            [shots, ~withdrawn, w.max_depth_km > 0],
            [Outcome.CLASH_CONTAINED, Outcome.FROZEN_GAIN, Outcome.NEGOTIATED_WITHDRAWAL],
            Outcome.NO_INCURSION,
        )
        w.outcome = np.where(running, final, w.outcome).astype(np.int8)
        w.end_tick = np.where(running, tick, w.end_tick)
