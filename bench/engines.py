"""Engines side by side on the baseline: 2 processes against 1, Dask against processes.

Run with ``make bench``. Also measures what this machine's cores deliver to two
CPU-bound processes, so the engines' ratios can be read against it: on a machine
whose cores cannot run two processes at once at full speed, no engine can either.
Every ratio is measured side by side in this one run; each row checks the engines
agree on the outcome hash.

Dask is timed twice: starting its own local cluster (what ``--engine dask`` does, a few
seconds of start-up) and on a cluster already running (what a sweep of many ensembles
pays per run, via ``--scheduler``). At 1,000,000 worlds the start-up is amortised. At
200,000 worlds it also runs on a cluster started the ordinary way, with ``dask
scheduler`` and ``dask worker`` and Dask's default settings (``bench/cluster.py``).
"""

from __future__ import annotations

import multiprocessing
import tempfile
import time
from pathlib import Path

from cluster import command_line_cluster
from latest import record

from sim.folders.results import outcome_hash
from sim.run.engine import Dask, Processes, start_local_cluster
from sim.run.ensemble import run_ensemble
from sim.spec.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]
WORLDS = 100_000
ORDINARY = 200_000  # on a cluster from Dask's own command line
LARGE = 1_000_000


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


def timed(scenario, worlds: int = WORLDS, **kwargs) -> tuple[float, str]:
    """Return (seconds, outcome hash) of one run."""
    started = time.perf_counter()
    result = run_ensemble(scenario, worlds=worlds, **kwargs)
    return time.perf_counter() - started, outcome_hash(result.outcomes)


def main() -> None:
    """Print the table and add it to bench/latest.json."""
    scenario = load_scenario(ROOT / "scenarios" / "baseline-may-2021.yaml").scenario
    ideal = machine_parallelism()
    cluster = start_local_cluster(2)
    try:
        runs = {
            "inprocess": timed(scenario),
            "processes x1": timed(scenario, engine=Processes(workers=1)),
            "processes x2": timed(scenario, engine=Processes(workers=2)),
            "dask x2": timed(scenario, engine=Dask(workers=2)),
            "dask x2 running cluster": timed(
                scenario, engine=Dask(workers=2, scheduler=cluster.scheduler_address)
            ),
        }
    finally:
        cluster.close()
    with tempfile.TemporaryDirectory() as folder, command_line_cluster(2, Path(folder)) as address:
        ordinary = {
            "processes x2": timed(scenario, ORDINARY, engine=Processes(workers=2)),
            # The workers' first run also imports the simulator and loads its kernels.
            "dask-worker cluster, first": timed(
                scenario, ORDINARY, engine=Dask(workers=2, scheduler=address)
            ),
            "dask-worker cluster, again": timed(
                scenario, ORDINARY, engine=Dask(workers=2, scheduler=address)
            ),
        }
    large = {
        "processes x2": timed(scenario, LARGE, engine=Processes(workers=2)),
        "dask x2": timed(scenario, LARGE, engine=Dask(workers=2)),
    }
    hashes = {digest for _, digest in runs.values()}
    ordinary_hashes = {digest for _, digest in ordinary.values()}
    large_hashes = {digest for _, digest in large.values()}
    print(f"machine: two CPU-bound processes run {ideal:.2f}x as fast as one")
    print(f"{'engine':>24}  {'worlds':>10}  {'seconds':>8}  {'world-ticks/s':>14}")
    for worlds, table in ((WORLDS, runs), (ORDINARY, ordinary), (LARGE, large)):
        for name, (seconds, _) in table.items():
            rate = worlds * scenario.ticks / seconds
            print(f"{name:>24}  {worlds:>10,}  {seconds:8.2f}  {rate:14,.0f}")
    two_vs_one = runs["processes x1"][0] / runs["processes x2"][0]
    dask_cold = runs["dask x2"][0] / runs["processes x2"][0]
    dask_warm = runs["dask x2 running cluster"][0] / runs["processes x2"][0]
    dask_large = large["dask x2"][0] / large["processes x2"][0]
    dask_first = ordinary["dask-worker cluster, first"][0] / ordinary["processes x2"][0]
    dask_again = ordinary["dask-worker cluster, again"][0] / ordinary["processes x2"][0]
    print(f"2 processes vs 1: {two_vs_one:.2f}x faster (target 1.7x; machine allows {ideal:.2f}x)")
    print("Dask x2 vs processes x2, in time (target at most 1.3x):")
    print(f"  {WORLDS:,} worlds, starting a cluster:   {dask_cold:.2f}x")
    print(f"  {WORLDS:,} worlds, cluster running:      {dask_warm:.2f}x")
    print(f"  {LARGE:,} worlds, starting a cluster: {dask_large:.2f}x")
    print(
        f"  {ORDINARY:,} worlds, `dask scheduler` + `dask worker`: {dask_first:.2f}x on the "
        f"workers' first run, {dask_again:.2f}x after (target at most 1.15x)"
    )
    identical = len(hashes) == 1 and len(large_hashes) == 1 and len(ordinary_hashes) == 1
    print(f"identical outcomes on every engine: {identical}")
    record(
        "engines",
        {
            "worlds": WORLDS,
            "machine_parallelism": round(ideal, 2),
            "seconds": {name: round(s, 2) for name, (s, _) in runs.items()},
            "seconds_at_1m_worlds": {name: round(s, 2) for name, (s, _) in large.items()},
            "two_processes_speedup": round(two_vs_one, 2),
            "dask_over_processes": round(dask_cold, 2),
            "dask_running_cluster_over_processes": round(dask_warm, 2),
            "dask_over_processes_at_1m_worlds": round(dask_large, 2),
            "seconds_at_200k_worlds": {name: round(s, 2) for name, (s, _) in ordinary.items()},
            "dask_worker_cluster_first_run_over_processes_at_200k_worlds": round(dask_first, 2),
            "dask_worker_cluster_over_processes_at_200k_worlds": round(dask_again, 2),
            "identical_outcomes": identical,
        },
    )


if __name__ == "__main__":
    main()
