"""World-ticks per second of the in-process engine on the baseline scenario.

Run with ``make bench``. Prints a table and writes bench/latest.json. Figures, not
assertions: timings on a shared machine vary, so no test depends on them.
"""

from __future__ import annotations

import platform
import time
from pathlib import Path

from latest import record

from sim.run.ensemble import run_ensemble
from sim.spec.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1, 1_000, 10_000, 100_000)


def measure(worlds: int, repeats: int) -> float:
    """Return the best world-ticks per second over ``repeats`` runs."""
    scenario = load_scenario(ROOT / "scenarios" / "baseline-may-2021.yaml").scenario
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run_ensemble(scenario, worlds=worlds)
        best = min(best, time.perf_counter() - started)
    return worlds * scenario.ticks / best


def main() -> None:
    """Print the table and write bench/latest.json."""
    rows = []
    print(f"{'worlds':>10}  {'world-ticks/s':>15}")
    for worlds in SIZES:
        rate = measure(worlds, repeats=3 if worlds <= 10_000 else 1)
        rows.append({"worlds": worlds, "world_ticks_per_s": round(rate)})
        print(f"{worlds:>10,}  {rate:>15,.0f}")
    record(
        "throughput",
        {"machine": platform.platform(), "python": platform.python_version(), "rows": rows},
    )


if __name__ == "__main__":
    main()
