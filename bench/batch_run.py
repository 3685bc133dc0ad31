"""The same model through mesa.batch_run (one world per model) against one ensemble model.

Run with ``make bench``. Times both on the same worlds of the baseline, checks their
outcomes are identical, and prints the throughput ratio.
"""

from __future__ import annotations

import time
from pathlib import Path

import mesa
from latest import record

from sim.core.model import CrisisModel
from sim.run.ensemble import run_ensemble
from sim.spec.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]
WORLDS = 100


def main() -> None:
    """Print both throughputs and their ratio; add them to bench/latest.json."""
    scenario = load_scenario(ROOT / "scenarios" / "baseline-may-2021.yaml").scenario
    started = time.perf_counter()
    rows = mesa.batch_run(
        CrisisModel,
        parameters={"scenario": [scenario], "worlds": [1], "first_world": range(WORLDS)},
        rng=[scenario.seed],
        max_steps=scenario.ticks,
        data_collection_period=-1,
        display_progress=False,
    )
    batch_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ensemble = run_ensemble(scenario, worlds=WORLDS).outcomes
    ensemble_seconds = time.perf_counter() - started
    big = 100_000
    started = time.perf_counter()
    run_ensemble(scenario, worlds=big)
    big_seconds = time.perf_counter() - started

    identical = all(row["outcome"] == ensemble.outcome.iloc[row["first_world"]] for row in rows)
    ticks = scenario.ticks
    batch_rate = WORLDS * ticks / batch_seconds
    small_rate = WORLDS * ticks / ensemble_seconds
    big_rate = big * ticks / big_seconds
    print(f"mesa.batch_run, 1 world per model: {batch_rate:12,.0f} world-ticks/s")
    print(f"ensemble, {WORLDS} worlds:              {small_rate:12,.0f} world-ticks/s")
    print(f"ensemble, {big:,} worlds:          {big_rate:12,.0f} world-ticks/s")
    print(f"ratio at {big:,} worlds: {big_rate / batch_rate:,.0f}x (target at least 100x)")
    print(f"identical outcomes for the {WORLDS} shared worlds: {identical}")
    record(
        "batch_run",
        {
            "batch_run_world_ticks_per_s": round(batch_rate),
            "ensemble_world_ticks_per_s": round(big_rate),
            "ratio": round(big_rate / batch_rate),
            "identical_outcomes": identical,
        },
    )


if __name__ == "__main__":
    main()
