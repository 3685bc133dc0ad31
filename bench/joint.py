"""The joint calibration's cost: parameter sets x every case x 1,000 worlds, on 2 workers.

Run with ``make bench``. Times a joint calibration of ``scenarios/cases`` (the processes
engine, 2 workers, 1,000 worlds per case, as the real one runs) of 200 sets, each case's
sets as the worlds of one block, and projects the full run, 2,000 sets, from the time
per set (``python bench/joint.py --full`` times the 2,000 themselves). The targets, on
this machine's 2 cores: at most 10 minutes for the 2,000 sets over the eight cases of
issue 25 (``scenarios/cases``), and at most 5 over the four that issue 24 named (the
development set before issue 25: :data:`ISSUE_24_CASES`), timed in the same run.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from latest import record

from sim.experiments.cases import load_cases
from sim.experiments.joint import run_joint_calibration
from sim.run.engine import Processes

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "scenarios" / "cases"
SETS, FULL, WORLDS, WORKERS = 200, 2000, 1000, 2
#: The four cases of the joint calibration when issue 24 set its target of 5 minutes.
ISSUE_24_CASES = ("karabakh-2020", "kyrgyz-tajik-2021", "sev-lake-2021", "tavush-tovuz-2020")


def time_calibration(cases: list, sets: int, engine: Processes, target: int) -> dict:
    """Time ``sets`` sets over ``cases``; print the figures and return them."""
    run_joint_calibration(CASES, cases, sets=2, worlds=WORLDS, engine=engine)  # warm up
    started = time.perf_counter()
    run_joint_calibration(CASES, cases, sets=sets, worlds=WORLDS, engine=engine)
    elapsed = time.perf_counter() - started
    per_set = elapsed / sets
    projected = per_set * FULL
    print(f"joint calibration, {len(cases)} cases x {WORLDS:,} worlds, {WORKERS} workers")
    print(f"  {sets:,} sets in {elapsed:.1f} s: {per_set * 1000:.0f} ms a set")
    print(f"  {FULL:,} sets projected: {projected / 60:.1f} min (target: at most {target} min)")
    return {
        "cases": len(cases),
        "worlds_per_case": WORLDS,
        "workers": WORKERS,
        "sets_timed": sets,
        "seconds_per_set": round(per_set, 3),
        "projected_minutes_for_2000_sets": round(projected / 60, 1),
    }


def main() -> None:
    """Print the figures and add them to bench/latest.json."""
    sets = FULL if "--full" in sys.argv else SETS
    cases = load_cases(CASES)
    four = [case for case in cases if case.key in ISSUE_24_CASES]
    with Processes(workers=WORKERS) as engine:
        record("joint_calibration", time_calibration(cases, sets, engine, target=10))
        record("joint_calibration_issue_24_cases", time_calibration(four, sets, engine, target=5))


if __name__ == "__main__":
    main()
