"""The border as a scenario sets it: its sectors, who holds them, and what a force does.

Everything here is fixed for a scenario and the same in every world, shape ``(k,)`` for
the k sectors (Sev Lake, Black Lake, Vardenis... in May 2021). The world state starts
from it (:meth:`sim.core.world.WorldState.initial`), the resolver's submodels read it,
and every actor's view carries it, so each fact of the set-up is computed once here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.core.rowwise import row_sum
from sim.spec.schema import Dynamics, ForceKind, Scenario

#: The forces that can hold a sector, weakest first: an index into the force tables.
FORCE_RANK = {
    ForceKind.NONE: 0,
    ForceKind.BORDER_GUARDS: 1,
    ForceKind.ARMY: 2,
    ForceKind.ARMY_AND_BORDER_GUARDS: 3,
}


def _force_table(*by_rank: Any) -> np.ndarray:
    """Return a table by FORCE_RANK: (4,), or (R, 4) where a value is a column of worlds."""
    columns = [value for value in by_rank if isinstance(value, np.ndarray)]
    if not columns:
        return np.array(by_rank)
    worlds = len(columns[0])
    return np.stack([np.broadcast_to(np.asarray(v, float), (worlds,)) for v in by_rank], axis=1)


def resistance_by_force(dyn: Dynamics) -> np.ndarray:
    """Return the share of an advance step each force (by FORCE_RANK) stops.

    The army's resistance holds a sector it shares with border guards.
    """
    guards, army = dyn.resistance_border_guards, dyn.resistance_army
    return _force_table(0.0, guards, army, army)


def incident_by_force(dyn: Dynamics) -> np.ndarray:
    """Return the chance per tick that each force (by FORCE_RANK) starts an incident.

    Army and border guards side by side are two chances, not one.
    """
    guards, army = dyn.incident_probability_border_guards, dyn.incident_probability_army
    return _force_table(0.0, guards, army, 1.0 - (1.0 - guards) * (1.0 - army))


def held_ambiguity(
    depth_km: np.ndarray, ambiguity: np.ndarray, total: np.ndarray | None = None
) -> np.ndarray:
    """Depth-weighted map ambiguity of the ground taken, per world (0 where none is taken)."""
    total = row_sum(depth_km) if total is None else total
    weighted = depth_km @ ambiguity
    return np.divide(weighted, total, out=np.zeros_like(total), where=total > 0)


def attack_clarity(depth_km: np.ndarray, ambiguity: np.ndarray, total: np.ndarray) -> np.ndarray:
    """How clear the attack is, per world: 1 - the ambiguity of the ground taken (0: none).

    What the CSTO and its members judge (docs/model.md, "the alliance's ladder and the
    members' consent"): at Sev Lake, where the Soviet maps disagree (ambiguity 0.55),
    clarity is 0.45, below every member's default threshold.
    """
    return np.where(total > 0, 1.0 - held_ambiguity(depth_km, ambiguity, total), 0.0)


@dataclass(slots=True, frozen=True)
class Border:
    """The scenario's sectors, in its order: what every actor knows of the border.

    Attributes:
        sector_ids: the sectors' ids, as the scenario keys them.
        terrain_value: (k,) what each sector is worth to the attacker.
        ambiguity: (k,) how unclear the maps are (0 clear, 1 no agreed line).
        max_advance_km: (k,) the farthest an advance can go.
        held_km: (k,) ground the attacker held before the crisis began.
        defender_force: (k,) int8 FORCE_RANK of who holds each sector at the start.
        patron_presence: (k,) bool: the patron's troops stand there at the start.
        resistance: (4,) the share of a step each force stops (by FORCE_RANK); (R, 4) in
            a block whose worlds differ in it (sim.core.columns), as ``incident``.
        incident: (4,) the chance per tick each force starts an incident (by FORCE_RANK).
    """

    sector_ids: tuple[str, ...]
    terrain_value: np.ndarray
    ambiguity: np.ndarray
    max_advance_km: np.ndarray
    held_km: np.ndarray
    defender_force: np.ndarray
    patron_presence: np.ndarray
    resistance: np.ndarray
    incident: np.ndarray

    @classmethod
    def of(cls, scenario: Scenario) -> Border:
        """Return the border of a scenario."""
        sectors = list(scenario.sectors.values())
        return cls(
            sector_ids=tuple(scenario.sectors),
            terrain_value=np.array([s.terrain_value for s in sectors]),
            ambiguity=np.array([s.ambiguity for s in sectors]),
            max_advance_km=np.array([s.max_advance_km for s in sectors]),
            held_km=np.array([s.held_km for s in sectors]),
            defender_force=np.array([FORCE_RANK[s.defender_force] for s in sectors], np.int8),
            patron_presence=np.array([s.patron_presence for s in sectors], bool),
            resistance=resistance_by_force(scenario.dynamics),
            incident=incident_by_force(scenario.dynamics),
        )

    @staticmethod
    def by_force(
        table: np.ndarray,
        force: np.ndarray,
        rows: np.ndarray | None = None,
        cols: np.ndarray | None = None,
    ) -> np.ndarray:
        """Look up each world's force in a force table (``resistance`` or ``incident``).

        ``force`` is (R, k); with ``rows`` and ``cols``, only those cells, one per row.
        """
        if rows is not None:
            force = force[rows, cols]
        if table.ndim == 1:
            return np.take(table, force)  # table[force], at a third of the cost
        if rows is None:
            rows = np.arange(len(table))[:, None]
        return table[rows, force]

    def clarity(self, depth_km: np.ndarray, total: np.ndarray) -> np.ndarray:
        """Return how clear the attack is in each world (see :func:`attack_clarity`)."""
        return attack_clarity(depth_km, self.ambiguity, total)

    def sector_index(self, sector_id: str) -> int:
        """Return the position of a sector in the scenario's order."""
        return self.sector_ids.index(sector_id)
