"""Many parameter sets at the price of one ensemble: sets as the worlds of one block.

Run with ``make bench``. For a sweep (5 points x 1,000 worlds), a calibration (200 sets
x 100 worlds) and an EMA experiment set (1,000 experiments x 100 worlds, through
``BlockEvaluator`` on 2 worker processes), it times, side by side in one run:

- the sets as the worlds of a few blocks (:func:`sim.run.sets.run_sets`, as every
  experiment now runs them);
- one run of as many worlds (S x W) of the same scenario on the same engine;
- the sets one ensemble at a time, as before (for the sweep and the calibration; the
  first 20 sets, scaled to all).

Each of the first two is timed five times, interleaved, and the medians are printed.

The target (issue 24): the sets at most 1.25x the one run.
"""

from __future__ import annotations

import statistics
import time
import warnings
from pathlib import Path

from latest import record

from sim.catalogue.measures import summarise
from sim.core.model import with_overrides
from sim.experiments.calibration import measure_patterns
from sim.experiments.sweep import grid_design, parse_axis, point_overrides, sample_design
from sim.run.engine import InProcess, Processes
from sim.run.ensemble import run_ensemble
from sim.run.sets import run_sets
from sim.spec.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]
#: Timings of each, interleaved; the medians are printed.
REPEATS = 5
#: Sets timed one by one, scaled to all of them (200 of them one by one take minutes).
ALONE_SAMPLE = 20


def _timed(function, *args, **kwargs) -> float:
    started = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - started


def _one_by_one(scenario, sets, worlds, measure) -> None:
    """The sets as every experiment ran them before: an ensemble each, then its measure."""
    for overrides in sets:
        point = with_overrides(scenario, overrides)
        measure(run_ensemble(point, worlds=worlds, seed=scenario.seed).outcomes)


def main() -> None:
    """Print the figures and add them to bench/latest.json."""
    scenario = load_scenario(ROOT / "scenarios" / "baseline-may-2021.yaml").scenario
    sweep = point_overrides(
        grid_design([parse_axis(scenario, "dynamics.advance_step_km=0.3:1.2:5")])
    )
    calibration = point_overrides(sample_design(scenario, "lhs", 200, 1))
    ema = point_overrides(sample_design(scenario, "lhs", 1000, 2))
    run_ensemble(scenario, worlds=1000)  # warm up this process
    figures = {}
    rows = [
        ("sweep", sweep, 1000, summarise, InProcess(), True),
        ("calibration", calibration, 100, measure_patterns, InProcess(), True),
        ("ema", ema, 100, summarise, Processes(workers=2), False),
    ]
    for name, sets, worlds, measure, engine, alone_too in rows:
        together, one_run = [], []
        with engine:
            run_sets(scenario, sets[:2], worlds, measure=measure, engine=engine)  # warm up
            for _ in range(REPEATS):  # interleaved, so that a busy moment hits both
                together.append(
                    _timed(run_sets, scenario, sets, worlds, measure=measure, engine=engine)
                )
                one_run.append(
                    _timed(run_ensemble, scenario, worlds=len(sets) * worlds, engine=engine)
                )
        together_s, one_run_s = statistics.median(together), statistics.median(one_run)
        before = None
        if alone_too:  # the first sets, one by one, scaled to all of them
            sample = sets[:ALONE_SAMPLE]
            before = (
                _timed(_one_by_one, scenario, sample, worlds, measure) * len(sets) / len(sample)
            )
        shown = f", one by one {before:6.2f} s" if before is not None else ""
        print(
            f"{name:12s} {len(sets):5,} sets x {worlds:5,} worlds on {engine.kind.value:9s}: "
            f"as one block {together_s:6.2f} s, one run of {len(sets) * worlds:,} worlds "
            f"{one_run_s:6.2f} s: {together_s / one_run_s:4.2f}x (target at most 1.25x){shown}"
        )
        figures[name] = {
            "sets": len(sets),
            "worlds": worlds,
            "engine": engine.kind.value,
            "sets_s": round(together_s, 2),
            "one_run_s": round(one_run_s, 2),
            "ratio": round(together_s / one_run_s, 3),
            "one_by_one_s": None if before is None else round(before, 2),
        }
    record("sets", figures)


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        main()
