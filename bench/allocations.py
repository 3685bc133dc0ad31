"""What a tick allocates after warm-up: fresh pages, and the peak of its temporary arrays.

Run with ``make bench``. After three ticks of warm-up, twenty ticks of a block of worlds
are measured in a child process, once as glibc is left and once as a chunk runs
(``sim.run.allocator.arrays_reused``), each also with ``MALLOC_TRIM_THRESHOLD_`` set as
Dask's nanny sets it on any cluster:

- **fresh pages per tick** (minor page faults, times the page size, per world): memory
  the system had to hand over again, the cost that made Dask workers slow;
- **temporary peak per tick** (``tracemalloc``, per world): the most memory the tick's
  temporary arrays held at once, above what the worlds themselves hold.

``tests/test_allocator.py`` keeps the first figure from growing, with :func:`measure`.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from latest import record

ROOT = Path(__file__).resolve().parents[1]
WORLDS = (20_000, 100_000)
PAGE = resource.getpagesize()

MEASURE = """
import contextlib, json, resource, sys, tracemalloc
from sim.core.model import CrisisModel
from sim.run.allocator import arrays_reused
from sim.spec.loading import load_scenario

scenario = load_scenario(sys.argv[1]).scenario
worlds = int(sys.argv[2])
model = CrisisModel(scenario, worlds=worlds, seed=1, collect=False)
with arrays_reused() if sys.argv[3] == "reused" else contextlib.nullcontext():
    for _ in range(3):
        model.step()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        model.step()
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20
    tracemalloc.start()
    peaks = []
    for _ in range(5):
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        model.step()
        peaks.append(tracemalloc.get_traced_memory()[1] - held)
print(json.dumps({"faults_per_tick": faults, "peak_bytes_per_tick": max(peaks)}))
"""


def measure(worlds: int, reused: bool, pinned: bool) -> dict[str, float]:
    """Return fresh bytes and temporary peak bytes per world per tick, from a child process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    if pinned:
        env["MALLOC_TRIM_THRESHOLD_"] = "65536"
    scenario = str(ROOT / "scenarios" / "baseline-may-2021.yaml")
    mode = "reused" if reused else "as-is"
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, scenario, str(worlds), mode],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout)
    return {
        "fresh_bytes_per_world": figures["faults_per_tick"] * PAGE / worlds,
        "temporary_peak_bytes_per_world": figures["peak_bytes_per_tick"] / worlds,
    }


def main() -> None:
    """Print the table and add it to bench/latest.json."""
    rows = []
    print(f"{'worlds':>8}  {'allocator':>22}  {'fresh B/world/tick':>18}  {'peak B/world':>12}")
    for worlds in WORLDS:
        for pinned in (False, True):
            for reused in (False, True):
                figures = measure(worlds, reused, pinned)
                label = ("Dask's nanny" if pinned else "plain") + (", reused" if reused else "")
                fresh = figures["fresh_bytes_per_world"]
                peak = figures["temporary_peak_bytes_per_world"]
                print(f"{worlds:>8,}  {label:>22}  {fresh:>18,.1f}  {peak:>12,.0f}")
                rows.append({"worlds": worlds, "allocator": label, **figures})
    record("allocations", {"rows": rows})


if __name__ == "__main__":
    main()
