"""Engines side by side on the baseline: 2 processes against 1, Dask against processes.

Run with ``make bench``. Also measures what this machine's cores deliver to two
CPU-bound processes, so the engines' ratios can be read against it: on a machine
whose cores cannot run two processes at once at full speed, no engine can either.
Every ratio is measured side by side in this one run; each row checks the engines
agree on the outcome hash.
"""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from latest import record

from sim.ensemble import run_ensemble
from sim.results import outcome_hash
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
WORLDS = 100_000


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def machine_parallelism(n: int = 10_000_000) -> float:
    """Return how many times faster two CPU-bound tasks finish on two processes than in one."""
    started = time.perf_counter()
    _burn(n)
    _burn(n)
    serial = time.perf_counter() - started
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_burn, [1, 1])  # start both workers before timing
        started = time.perf_counter()
        pool.map(_burn, [n, n])
        parallel = time.perf_counter() - started
    return serial / parallel


def timed(scenario, **kwargs) -> tuple[float, str]:
    """Return (seconds, outcome hash) of one run."""
    started = time.perf_counter()
    result = run_ensemble(scenario, worlds=WORLDS, **kwargs)
    return time.perf_counter() - started, outcome_hash(result.outcomes)


def main() -> None:
    """Print the table and add it to bench/latest.json."""
    scenario = load_scenario(ROOT / "scenarios" / "baseline-may-2021.yaml").scenario
    ideal = machine_parallelism()
    runs = {
        "inprocess": timed(scenario),
        "processes x1": timed(scenario, engine="processes", workers=1),
        "processes x2": timed(scenario, engine="processes", workers=2),
        "dask x2": timed(scenario, engine="dask", workers=2),
    }
    hashes = {digest for _, digest in runs.values()}
    print(f"machine: two CPU-bound processes run {ideal:.2f}x as fast as one")
    print(f"{'engine':>14}  {'seconds':>8}  {'world-ticks/s':>14}")
    for name, (seconds, _) in runs.items():
        print(f"{name:>14}  {seconds:8.2f}  {WORLDS * scenario.ticks / seconds:14,.0f}")
    two_vs_one = runs["processes x1"][0] / runs["processes x2"][0]
    dask_vs_processes = runs["dask x2"][0] / runs["processes x2"][0]
    print(f"2 processes vs 1: {two_vs_one:.2f}x faster (target 1.7x; machine allows {ideal:.2f}x)")
    print(f"Dask x2 vs processes x2: {dask_vs_processes:.2f}x the time (target at most 1.3x)")
    print(f"identical outcomes on every engine: {len(hashes) == 1}")
    record(
        "engines",
        {
            "worlds": WORLDS,
            "machine_parallelism": round(ideal, 2),
            "seconds": {name: round(s, 2) for name, (s, _) in runs.items()},
            "two_processes_speedup": round(two_vs_one, 2),
            "dask_over_processes": round(dask_vs_processes, 2),
            "identical_outcomes": len(hashes) == 1,
        },
    )


if __name__ == "__main__":
    main()
