"""The perceive phase: what each actor sees of its worlds.

A policy receives only its actor's view, never the world itself: Azerbaijan sees its
own positions and reads the cost of defiance with error; Yerevan learns of ground
changes late and misjudges their depth (in May 2021 its public heard rumours of clashes
before any official word); Russia, with troops in the region, sees the ground as it
is; the CSTO sees appeals and how clear the attack is; outside capitals see what draws
their attention. Views are built for all worlds at once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from sim.catalogue.roles import Role
from sim.core.actions import Action, is_one_of
from sim.core.border import Border
from sim.core.columns import per_world
from sim.core.rng import CounterRNG
from sim.core.world import NEVER, WorldState
from sim.spec.schema import Scenario


def seen(label: str) -> Any:
    """Declare a field of a view with its label for a player: what the government sees.

    Labels speak of roles (``{defender}``, ``{patron}``...), filled with the cast's names
    (``sim.readers.phrases.with_cast_names``); the game shows every labelled field, and a
    test checks that every field of every view has one.
    """
    return field(metadata={"label": label})


@functools.cache
def _field_names(view_class: type) -> tuple[str, ...]:
    """Return the field names of a view class, read once (``fields`` is slow per call)."""
    return tuple(field.name for field in fields(view_class))


@dataclass(slots=True, frozen=True)
class View:
    """Fields every actor's view has.

    Every array in a view is read-only: a policy can read its view but never write
    through it into the world.
    """

    worlds: int
    tick: int
    day: float
    ticks_per_day: float
    border: Border

    def __post_init__(self) -> None:
        for name in _field_names(type(self)):
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                value = value.view()
                value.setflags(write=False)  # cheaper than setting flags.writeable
                object.__setattr__(self, name, value)


@dataclass(slots=True, frozen=True)
class AttackerView(View):
    """Baku's view: its own positions exactly, the cost of defiance with error."""

    depth_km: np.ndarray = seen("advance past the line, km")  # (R, k)
    defender_force: np.ndarray = seen("{defender}'s forces on the line")  # (R, k) FORCE_RANK
    resistance: np.ndarray = seen("resistance we would meet (share of a step stopped)")  # (R, k)
    patron_presence: np.ndarray = seen("{patron}'s troops on the line")  # (R, k)
    entrenched: np.ndarray = seen("our positions dug in")  # (R, k)
    cost_of_defiance: np.ndarray = seen("cost of defiance (pressure to stop)")  # as Baku reads it
    attention: np.ndarray = seen("international attention (0-1)")
    killed: np.ndarray = seen("our soldiers killed so far")
    ceasefire_pressure: np.ndarray = seen("pressure for a ceasefire (the dead, the attention)")
    fired_upon: np.ndarray = seen(
        "fired upon last period"
    )  # Armenia fired or counter-attacked last tick
    talks: np.ndarray = seen("talks")
    ceasefire: np.ndarray = seen("ceasefire holds")  # a ceasefire holds
    ceasefire_offered: np.ndarray = seen(
        "ceasefire on offer"
    )  # an offer of one is open and Baku has not accepted it


@dataclass(slots=True, frozen=True)
class DefenderView(View):
    """Yerevan's view: the advance late and with error, its public's alarm."""

    depth_km: np.ndarray = seen("advance past the line, km")  # (R, k) lagged and noisy
    own_force: np.ndarray = seen("our forces on the line")  # (R, k)
    alarm: np.ndarray = seen("public alarm (0-1)")
    rumour: np.ndarray = seen("rumours circulating (0-1)")
    fired_upon: np.ndarray = seen(
        "fired upon last period"
    )  # Azerbaijan fired last tick, or an incident
    casualties: np.ndarray = seen(
        "our casualties so far"
    )  # its own killed and wounded since the start
    ceasefire_pressure: np.ndarray = seen("pressure for a ceasefire (the dead, the attention)")
    statement_made: np.ndarray = seen("official statement made")
    appealed_alliance: np.ndarray = seen("appealed to the {alliance}")
    appealed_patron: np.ndarray = seen("appealed to {patron}")
    appealed_west: np.ndarray = seen("appealed to the West")
    talks: np.ndarray = seen("talks")
    alliance_state: np.ndarray = seen("{alliance} response")
    ceasefire: np.ndarray = seen("ceasefire holds")  # a ceasefire holds
    ceasefire_offered: np.ndarray = seen(
        "ceasefire on offer"
    )  # an offer of one is open and Yerevan has not accepted it


@dataclass(slots=True, frozen=True)
class PatronView(View):
    """Moscow's view: the ground as it is (its troops are in the region) and the appeals."""

    depth_km: np.ndarray = seen("advance past the line, km")  # (R, k)
    patron_presence: np.ndarray = seen("our troops on the line")  # (R, k)
    clash_intensity: np.ndarray = seen("clash intensity (0-1)")
    appealed_to_patron: np.ndarray = seen("{defender} appealed to us")
    appealed_to_alliance: np.ndarray = seen("{defender} appealed to the {alliance}")
    ticks_since_contact: np.ndarray = seen(
        "hours since the advance began"
    )  # ticks since the advance began (-1: none yet)
    talks: np.ndarray = seen("talks")
    ceasefire: np.ndarray = seen("ceasefire holds")  # a ceasefire holds
    ceasefire_offered: np.ndarray = seen("ceasefire on offer")  # an offer of one is open
    ceasefire_pressure: np.ndarray = seen("pressure for a ceasefire (the dead, the attention)")


@dataclass(slots=True, frozen=True)
class AllianceView(View):
    """The alliance's view: the appeal, how clear the attack is, where Russia stands."""

    appeal_received: np.ndarray = seen("{defender}'s appeal received")
    ticks_since_appeal: np.ndarray = seen("hours since the appeal")  # -1 where no appeal
    state: np.ndarray = seen("our response so far")
    ticks_in_state: np.ndarray = seen("hours at this stage")
    depth_km: np.ndarray = seen("advance past the line, km")  # (R, k)
    attack_clarity: np.ndarray = seen(
        "how clear it is an attack took place (0-1)"
    )  # 1 - ambiguity of the ground taken; 0 where none taken
    patron_backs_defender: np.ndarray = seen("{patron} backs {defender}")
    members_consenting: np.ndarray = seen(
        "members consenting to collective measures"
    )  # (R, m) each member's stance this tick


@dataclass(slots=True, frozen=True)
class ThirdPartyView(View):
    """An outside capital's view: what draws its attention."""

    attention: np.ndarray = seen("international attention (0-1)")
    total_depth_km: np.ndarray = seen("advance past the line, km (total)")
    clash_intensity: np.ndarray = seen("clash intensity (0-1)")
    appealed_to_west: np.ndarray = seen("{defender} appealed to the West")
    ceasefire: np.ndarray = seen("ceasefire holds")  # a ceasefire holds
    ceasefire_offered: np.ndarray = seen("ceasefire on offer")  # an offer of one is open
    ceasefire_pressure: np.ndarray = seen("pressure for a ceasefire (the dead, the attention)")


class Perceiver:
    """Builds each actor's view of all worlds, with its noise and lag."""

    def __init__(
        self, scenario: Scenario, rng: CounterRNG, worlds: int, border: Border | None = None
    ) -> None:
        self.scenario = scenario
        self.rng = rng
        self.border = Border.of(scenario) if border is None else border
        lag = scenario.perception.defender_lag_ticks
        # Yerevan's news is ``lag`` ticks old: a ring of past depths, written in place.
        self._past_depths = np.tile(
            self.border.held_km, (lag + 1, worlds, 1)
        )  # known before the crisis
        self._newest = 0
        self._contact_tick = np.full(worlds, NEVER, np.int32)
        self._last: dict[str, np.ndarray] = {}
        self._attacker = scenario.cast.state(Role.ATTACKER)
        self._defender = scenario.cast.state(Role.DEFENDER)

    def _base(self, tick: int) -> dict:
        s = self.scenario
        return {
            "worlds": len(self._contact_tick),
            "tick": tick,
            "day": tick / s.ticks_per_day,
            "ticks_per_day": s.ticks_per_day,
            "border": self.border,
        }

    def observe(self, w: WorldState, tick: int, last_actions: dict[str, np.ndarray]) -> None:
        """Record what this tick's views depend on from the past."""
        self._newest = (self._newest + 1) % len(self._past_depths)
        self._past_depths[self._newest] = w.depth_km
        started = (w.total_depth_km > 0) & (self._contact_tick == NEVER)
        self._contact_tick = np.where(started, tick, self._contact_tick)
        self._last = last_actions

    def _lagged_depths(self) -> np.ndarray:
        """Depths as they were ``defender_lag_ticks`` ticks ago (the ring's oldest slot)."""
        return self._past_depths[(self._newest + 1) % len(self._past_depths)]

    def _last_action(self, actor: str, *actions: Action) -> np.ndarray:
        last = self._last.get(actor)
        if last is None:
            return np.zeros(len(self._contact_tick), bool)
        return is_one_of(last, *actions)

    def attacker(self, w: WorldState, tick: int) -> AttackerView:
        """Build the attacker's view (Baku's, in May 2021)."""
        noise = self.scenario.perception.attacker_cost_noise
        error = noise * self.rng.symmetric(f"perceive.{self._attacker}", tick)
        return AttackerView(
            **self._base(tick),
            depth_km=w.depth_km,
            defender_force=w.defender_force,
            resistance=self.border.by_force(self.border.resistance, w.defender_force),
            patron_presence=w.patron_presence,
            entrenched=w.entrenched,
            cost_of_defiance=w.cost_of_defiance + error,
            attention=w.attention,
            killed=w.killed_attacker,
            ceasefire_pressure=w.ceasefire_pressure,
            fired_upon=self._last_action(
                self._defender, Action.DEFENDER_FIRE, Action.COUNTER_ATTACK
            ),
            talks=w.talks,
            ceasefire=w.ceasefire,
            ceasefire_offered=w.offer_open & ~w.attacker_accepts,
        )

    def defender(self, w: WorldState, tick: int) -> DefenderView:
        """Build the defender's view (Yerevan's, in May 2021)."""
        noise = self.scenario.perception.defender_depth_noise
        k = w.depth_km.shape[1]
        error = 1.0 + per_world(noise) * self.rng.symmetric(
            f"perceive.{self._defender}", tick, slots=k
        )
        return DefenderView(
            **self._base(tick),
            depth_km=self._lagged_depths() * error,
            own_force=w.defender_force,
            alarm=w.alarm,
            rumour=w.rumour,
            fired_upon=self._last_action(self._attacker, Action.ATTACKER_FIRE, Action.ASSAULT)
            | (w.clash_intensity > 0),
            casualties=w.casualties_defender,
            ceasefire_pressure=w.ceasefire_pressure,
            statement_made=w.statement_tick != NEVER,
            appealed_alliance=w.appeal_alliance_tick != NEVER,
            appealed_patron=w.appeal_patron_tick != NEVER,
            appealed_west=w.appeal_west_tick != NEVER,
            talks=w.talks,
            alliance_state=w.alliance_state,
            ceasefire=w.ceasefire,
            ceasefire_offered=w.offer_open & ~w.defender_accepts,
        )

    def patron(self, w: WorldState, tick: int) -> PatronView:
        """Build the patron's view (Moscow's, in May 2021)."""
        return PatronView(
            **self._base(tick),
            depth_km=w.depth_km,
            patron_presence=w.patron_presence,
            clash_intensity=w.clash_intensity,
            appealed_to_patron=w.appeal_patron_tick != NEVER,
            appealed_to_alliance=w.appeal_alliance_tick != NEVER,
            ticks_since_contact=np.where(
                self._contact_tick == NEVER, -1, tick - self._contact_tick
            ),
            talks=w.talks,
            ceasefire=w.ceasefire,
            ceasefire_offered=w.offer_open,
            ceasefire_pressure=w.ceasefire_pressure,
        )

    def alliance(self, w: WorldState, tick: int) -> AllianceView:
        """Build the alliance's view."""
        appealed = w.appeal_alliance_tick != NEVER
        return AllianceView(
            **self._base(tick),
            appeal_received=appealed,
            ticks_since_appeal=np.where(appealed, tick - w.appeal_alliance_tick, -1),
            state=w.alliance_state,
            ticks_in_state=np.where(
                w.alliance_state_tick == NEVER, 0, tick - w.alliance_state_tick
            ),
            depth_km=w.depth_km,
            attack_clarity=self.border.clarity(w.depth_km, w.total_depth_km),
            patron_backs_defender=w.patron_backs_defender,
            members_consenting=w.member_consent,
        )

    def third_party(self, w: WorldState, tick: int) -> ThirdPartyView:
        """Build an outside capital's view."""
        return ThirdPartyView(
            **self._base(tick),
            attention=w.attention,
            total_depth_km=w.total_depth_km,
            clash_intensity=w.clash_intensity,
            appealed_to_west=w.appeal_west_tick != NEVER,
            ceasefire=w.ceasefire,
            ceasefire_offered=w.offer_open,
            ceasefire_pressure=w.ceasefire_pressure,
        )
