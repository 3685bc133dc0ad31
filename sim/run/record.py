"""The record phase: streaming, mergeable aggregates across worlds, and sampled histories.

Per tick, each measure is counted into fixed bins and each categorical variable into
its states, so the aggregates of two blocks of worlds add up exactly to those of both
together: an ensemble can be split into chunks in any way. Full per-tick histories are
kept only for the sampled worlds, chosen by world index alone.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import pandas as pd

from sim.catalogue.outcomes import ABSORBING, OUTCOME_CLASSES, Outcome
from sim.core.actions import ACTION_NAMES
from sim.core.world import NEVER, AllianceState, Decision, Talks, WorldState


@dataclass(frozen=True)
class Bins:
    """Fixed bins of one measure: ``count`` equal bins over [low, high]."""

    low: float
    high: float
    count: int

    @property
    def edges(self) -> np.ndarray:
        """Return the bin edges."""
        return np.linspace(self.low, self.high, self.count + 1)

    def index(self, values: np.ndarray) -> np.ndarray:
        """Return each value's bin; values out of range go to the end bins."""
        scaled = (values - self.low) * (self.count / (self.high - self.low))
        bins = scaled.astype(np.int64)
        # np.clip's Python wrapper costs more than the work on a small block of worlds.
        np.maximum(bins, 0, out=bins)
        return np.minimum(bins, self.count - 1, out=bins)


#: Resolution of the per-tick sums behind the means: 2**-24 (about 6e-8) per value; with
#: values of at most a few hundred, 100 million worlds stay far inside int64.
SUM_SCALE = 2**24

MEASURES: dict[str, Bins] = {
    "depth_km": Bins(0.0, 20.0, 400),
    "rung": Bins(0.5, 5.5, 5),
    "alarm": Bins(0.0, 1.0, 100),
    "rumour": Bins(0.0, 1.0, 100),
    "cost_of_defiance": Bins(-1.0, 4.0, 250),
    "clash_intensity": Bins(0.0, 1.0, 100),
}

#: Blocks of at most this many worlds count a tick's measures together (Recorder.observe).
TOGETHER_WORLDS = 4096
# MEASURES as columns, for counting every measure of a tick in one pass.
_LOWS = np.array([[b.low] for b in MEASURES.values()])
_SCALES = np.array([[b.count / (b.high - b.low)] for b in MEASURES.values()])
_TOPS = np.array([[b.count - 1] for b in MEASURES.values()], dtype=np.int64)
_OFFSETS = np.cumsum([0] + [b.count for b in MEASURES.values()])[:-1, None]
_BIN_TOTAL = sum(b.count for b in MEASURES.values())
_BIN_SPANS = [
    (name, int(start), int(start) + b.count)
    for (name, b), start in zip(MEASURES.items(), _OFFSETS[:, 0], strict=True)
]

#: A world's state while a run goes on: still running, or ended in an absorbing class.
STATUS_STATES = [Outcome.ONGOING, *(o for o in OUTCOME_CLASSES if o in ABSORBING)]
CATEGORIES: dict[str, list[str]] = {
    "rung": ["1", "2", "3", "4", "5"],
    "alliance_state": [s.name.lower() for s in AllianceState],
    "talks": [t.name.lower() for t in Talks],
    "shots_fired": ["no", "yes"],
    "status": [s.name.lower() for s in STATUS_STATES],
}


def measure_values(w: WorldState) -> dict[str, np.ndarray]:
    """Return each measure's value per world."""
    return {
        "depth_km": w.total_depth_km,
        "rung": w.rung.astype(np.float64),
        "alarm": w.alarm,
        "rumour": w.rumour,
        "cost_of_defiance": w.cost_of_defiance,
        "clash_intensity": w.clash_intensity,
    }


def category_codes(w: WorldState) -> dict[str, np.ndarray]:
    """Return each categorical variable's state index per world."""
    status = np.zeros(len(w.outcome), np.int64)  # worlds classified at the horizon count as ongoing
    for index, state in enumerate(STATUS_STATES[1:], start=1):
        status[w.outcome == state] = index
    return {
        "rung": w.rung.astype(np.int64) - 1,
        "alliance_state": w.alliance_state.astype(np.int64),
        "talks": w.talks.astype(np.int64),
        "shots_fired": (w.first_shot_tick != NEVER).astype(np.int64),
        "status": status,
    }


def sample_stride(worlds: int, sample: int) -> int | None:
    """Return the index stride that keeps about ``sample`` of ``worlds`` (None: keep none)."""
    return max(1, -(-worlds // sample)) if sample else None


class Recorder:
    """Accumulates one block of worlds' aggregates over the ticks of a run."""

    def __init__(self, ticks: int, world_ids: np.ndarray, sample_stride: int | None) -> None:
        self.ticks = ticks
        self.worlds = len(world_ids)
        self.histograms = {m: np.zeros((ticks, b.count), np.int64) for m, b in MEASURES.items()}
        # Sums are fixed-point integers (see SUM_SCALE): integer addition is exact in any
        # order, so means do not depend on how worlds were chunked or which chunk finished
        # first, to the last bit.
        self.sums = {m: np.zeros(ticks, np.int64) for m in MEASURES}
        # Exact extremes bound the quantiles read off the bins (all worlds at 0 km
        # have a median of 0, not half a bin).
        self.mins = {m: np.full(ticks, np.inf) for m in MEASURES}
        self.maxs = {m: np.full(ticks, -np.inf) for m in MEASURES}
        self.category_counts = {
            v: np.zeros((ticks, len(s)), np.int64) for v, s in CATEGORIES.items()
        }
        if sample_stride:
            self.sampled = np.flatnonzero(world_ids % sample_stride == 0)
        else:
            self.sampled = np.zeros(0, np.int64)
        self.sampled_ids = world_ids[self.sampled]
        self._rows: list[dict[str, np.ndarray]] = []

    def observe(self, w: WorldState, decisions: dict[str, Decision], tick: int) -> None:
        """Count this tick's state of every world; copy the sampled worlds' state."""
        measures = measure_values(w)
        if self.worlds <= TOGETHER_WORLDS:
            self._count_together(measures, tick)
        else:
            for name, values in measures.items():
                bins = MEASURES[name]
                self.histograms[name][tick] = np.bincount(bins.index(values), minlength=bins.count)
                self.sums[name][tick] = np.rint(values * SUM_SCALE).astype(np.int64).sum()
                self.mins[name][tick] = values.min()
                self.maxs[name][tick] = values.max()
        for name, codes in category_codes(w).items():
            self.category_counts[name][tick] = np.bincount(codes, minlength=len(CATEGORIES[name]))
        if self.sampled.size:
            rows = {"world": self.sampled_ids, "tick": np.full(self.sampled.size, tick)}
            rows.update({m: v[self.sampled] for m, v in measures.items()})
            rows["alliance_state"] = w.alliance_state[self.sampled]
            rows["talks"] = w.talks[self.sampled]
            for actor, decision in decisions.items():
                rows[f"action_{actor}"] = decision.action[self.sampled]
                rows[f"sector_{actor}"] = decision.sector[self.sampled]
            self._rows.append(rows)

    def _count_together(self, measures: dict[str, np.ndarray], tick: int) -> None:
        """Count every measure at once, as one (measures, R) table: for small blocks.

        The same numbers as measure by measure (Bins.index, integer sums, exact extremes)
        in a tenth of the numpy calls, which is what a small block's tick costs; a large
        block is faster measure by measure, each row staying in the processor's cache.
        """
        values = np.stack([measures[name] for name in MEASURES])
        bins = ((values - _LOWS) * _SCALES).astype(np.int64)
        np.maximum(bins, 0, out=bins)
        np.minimum(bins, _TOPS, out=bins)
        bins += _OFFSETS
        counts = np.bincount(bins.ravel(), minlength=_BIN_TOTAL)
        sums = np.rint(values * SUM_SCALE).astype(np.int64).sum(axis=1)
        lows, highs = values.min(axis=1), values.max(axis=1)
        for row, (name, start, stop) in enumerate(_BIN_SPANS):
            self.histograms[name][tick] = counts[start:stop]
            self.sums[name][tick] = sums[row]
            self.mins[name][tick] = lows[row]
            self.maxs[name][tick] = highs[row]

    def trajectories(self, sector_ids: list[str], tick_hours: int) -> pd.DataFrame:
        """Return the sampled worlds' histories, actions and sectors by name."""
        if not self._rows:
            return pd.DataFrame()
        frame = pd.concat([pd.DataFrame(r) for r in self._rows], ignore_index=True)
        frame.insert(2, "day", (frame["tick"] + 1) * tick_hours / 24)
        frame["rung"] = frame["rung"].astype(np.int8)
        frame["alliance_state"] = [AllianceState(c).name.lower() for c in frame["alliance_state"]]
        frame["talks"] = [Talks(t).name.lower() for t in frame["talks"]]
        names = np.array([*sector_ids, ""], dtype=object)
        for column in [c for c in frame.columns if c.startswith("action_")]:
            frame[column] = frame[column].map(ACTION_NAMES)
        for column in [c for c in frame.columns if c.startswith("sector_")]:
            frame[column] = names[frame[column].to_numpy()]
        return frame.sort_values(["world", "tick"], ignore_index=True)

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Return the block's aggregates as plain arrays (for a run's journal on disk)."""
        arrays = {
            "ticks": np.array(self.ticks),
            "worlds": np.array(self.worlds),
            "sampled": self.sampled,
            "sampled_ids": self.sampled_ids,
        }
        for name in MEASURES:
            arrays[f"histogram.{name}"] = self.histograms[name]
            arrays[f"sum.{name}"] = self.sums[name]
            arrays[f"min.{name}"] = self.mins[name]
            arrays[f"max.{name}"] = self.maxs[name]
        for name in CATEGORIES:
            arrays[f"category.{name}"] = self.category_counts[name]
        if self._rows:
            for key in self._rows[0]:
                arrays[f"row.{key}"] = np.concatenate([rows[key] for rows in self._rows])
        return arrays

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Recorder:
        """Rebuild a block's aggregates from :meth:`to_arrays` (plain arrays, no pickles)."""
        recorder = cls.__new__(cls)
        recorder.ticks = int(arrays["ticks"])
        recorder.worlds = int(arrays["worlds"])
        recorder.sampled = arrays["sampled"]
        recorder.sampled_ids = arrays["sampled_ids"]
        recorder.histograms = {m: arrays[f"histogram.{m}"] for m in MEASURES}
        recorder.sums = {m: arrays[f"sum.{m}"] for m in MEASURES}
        recorder.mins = {m: arrays[f"min.{m}"] for m in MEASURES}
        recorder.maxs = {m: arrays[f"max.{m}"] for m in MEASURES}
        recorder.category_counts = {v: arrays[f"category.{v}"] for v in CATEGORIES}
        rows = {k.removeprefix("row."): v for k, v in arrays.items() if k.startswith("row.")}
        recorder._rows = [rows] if rows else []
        return recorder

    def merge(self, other: Recorder) -> None:
        """Add another block's aggregates to this one's."""
        for name in MEASURES:
            self.histograms[name] += other.histograms[name]
            self.sums[name] += other.sums[name]
            np.minimum(self.mins[name], other.mins[name], out=self.mins[name])
            np.maximum(self.maxs[name], other.maxs[name], out=self.maxs[name])
        for name in CATEGORIES:
            self.category_counts[name] += other.category_counts[name]
        self.worlds += other.worlds
        self._rows.extend(other._rows)


@functools.cache
def _names_by_code(codes: type[IntEnum]) -> np.ndarray:
    """Return each member's lower-case name at its code's place, to look codes up by."""
    names = np.full(max(codes) + 1, None, dtype=object)
    for member in codes:
        names[member] = member.name.lower()
    return names


def _names(codes: type[IntEnum], values: np.ndarray) -> np.ndarray:
    """Return the names of ``values``, codes of ``codes`` (a lookup, not a loop of enums)."""
    return _names_by_code(codes)[values]


def outcome_table(w: WorldState, world_ids: np.ndarray, days_per_tick: float) -> pd.DataFrame:
    """Return one row per world: outcome class and measures (see docs/results.md)."""

    def day_of(ticks: np.ndarray) -> np.ndarray:
        return np.where(ticks == NEVER, np.nan, (ticks + 1) * days_per_tick)

    return pd.DataFrame(
        {
            "world": world_ids.astype(np.int64),
            "outcome": _names(Outcome, w.outcome),
            "max_depth_km": w.max_depth_km,
            "final_depth_km": w.total_depth_km,
            "max_rung": w.max_rung.astype(np.int8),
            "cooperation_score": w.goldstein_total,
            "killed_defender": w.killed_defender,
            "killed_attacker": w.killed_attacker,
            "wounded_defender": w.wounded_defender,
            "wounded_attacker": w.wounded_attacker,
            "first_shot_day": day_of(w.first_shot_tick),
            "war_day": day_of(w.war_tick),
            "talks_day": day_of(w.talks_tick),
            "statement_day": day_of(w.statement_tick),
            "appeal_day": day_of(w.appeal_alliance_tick),
            "alliance_final_state": _names(AllianceState, w.alliance_state),
            "patron_urged_restraint": w.patron_urged_restraint.copy(),
            "ceasefire_day": day_of(w.ceasefire_tick),
            "ceasefires_broken": w.ceasefires_broken.astype(np.int16),
            "peak_alarm": w.peak_alarm,
            "peak_alarm_day": day_of(w.peak_alarm_tick),
            "final_alarm": w.alarm,
            "end_day": day_of(w.end_tick),
        }
    )
