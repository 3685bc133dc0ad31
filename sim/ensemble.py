"""Running an ensemble: many worlds of one scenario, in chunks of world indices.

``run_ensemble`` is a pure function of the scenario, the number of worlds and the seed:
chunking changes memory use, never results, because every random draw is keyed by the
world index (see :mod:`sim.rng`) and the aggregates are mergeable counts
(see :mod:`sim.record`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd
from tqdm import tqdm

from sim.errors import UserError
from sim.model import CrisisModel
from sim.record import Recorder, sample_stride
from sim.schema import Scenario

DEFAULT_CHUNK = 50_000


@dataclass
class EnsembleResult:
    """What an ensemble run produced, before it is written to a results folder."""

    scenario: Scenario
    seed: int
    worlds: int
    outcomes: pd.DataFrame
    recorder: Recorder
    timings: dict[str, float] = field(default_factory=dict)

    def outcome_shares(self) -> pd.Series:
        """Return the share of worlds in each outcome class (classes with none omitted)."""
        return self.outcomes["outcome"].value_counts(normalize=True)


def run_ensemble(
    scenario: Scenario,
    worlds: int | None = None,
    seed: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    progress: bool = False,
) -> EnsembleResult:
    """Run ``worlds`` worlds of ``scenario`` and return their outcomes and aggregates.

    Args:
        scenario: a validated scenario (see :func:`sim.scenario.load_scenario`).
        worlds: number of worlds (default: the scenario's ``worlds``).
        seed: overrides the scenario's seed.
        chunk_size: worlds simulated at once; bounds memory, never changes results.
        progress: show a progress bar (it appears only if the run takes over a second).
    """
    worlds = scenario.worlds if worlds is None else worlds
    seed = scenario.seed if seed is None else seed
    if worlds < 1:
        raise UserError(f"The number of worlds must be at least 1 (got {worlds}).")
    if chunk_size < 1:
        raise UserError(f"The chunk size must be at least 1 (got {chunk_size}).")
    stride = sample_stride(worlds, scenario.trajectory_sample)
    started = time.perf_counter()
    frames: list[pd.DataFrame] = []
    recorder: Recorder | None = None
    with tqdm(
        total=worlds * scenario.ticks,
        unit=" world-ticks",
        unit_scale=True,
        delay=1.0,
        disable=not progress,
        desc=scenario.name,
        leave=False,
    ) as bar:
        for first in range(0, worlds, chunk_size):
            size = min(chunk_size, worlds - first)
            model = CrisisModel(
                scenario, worlds=size, first_world=first, seed=seed, sample_stride=stride
            )
            while model.running:
                model.step()
                bar.update(size)
            frames.append(model.outcomes())
            if recorder is None:
                recorder = model.recorder
            else:
                recorder.merge(model.recorder)
    assert recorder is not None
    outcomes = pd.concat(frames, ignore_index=True)
    return EnsembleResult(
        scenario,
        seed,
        worlds,
        outcomes,
        recorder,
        {"simulate_s": round(time.perf_counter() - started, 3)},
    )
