"""The EMA Workbench adapter's cost per experiment: 1,000 experiments of 100 worlds.

Run with ``make bench``. Runs ``perform_experiments`` on the baseline's uncertainties and
levers through EMA's own ``MultiprocessingEvaluator`` on two processes, as an analyst
would, and prints the wall time and the time per experiment. The target (issue 14) is at
most 60 s for the 1,000 on two workers. For comparison it also times one experiment's
ensemble alone in this process, so the evaluator's own overhead can be read off.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

from latest import record

from sim.experiments.ema import ema_model
from sim.experiments.sweep import evaluate_point
from sim.spec.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = 1000
POLICIES = 4
WORLDS = 100
WORKERS = 2


def main() -> None:
    """Print the figures and add them to bench/latest.json."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EMA announces evaluators it does not have
        from ema_workbench import MultiprocessingEvaluator, perform_experiments

    scenario = load_scenario(ROOT / "scenarios" / "baseline-may-2021.yaml").scenario
    model = ema_model(scenario, worlds=WORLDS)
    evaluate_point(scenario, {}, WORLDS, scenario.seed)  # warm up this process
    started = time.perf_counter()
    for _ in range(10):
        evaluate_point(scenario, {}, WORLDS, scenario.seed)
    alone = (time.perf_counter() - started) / 10
    started = time.perf_counter()
    with MultiprocessingEvaluator(model, n_processes=WORKERS) as evaluator:
        experiments, _ = perform_experiments(
            model,
            scenarios=EXPERIMENTS // POLICIES,
            policies=POLICIES,
            evaluator=evaluator,
            log_progress=True,  # to its logger, silent here, instead of a tqdm bar
            uncertainty_sampling_kwargs={"rng": 1},  # the same experiments every time
            lever_sampling_kwargs={"rng": 2},
        )
    seconds = time.perf_counter() - started
    per_experiment = seconds * WORKERS / len(experiments)
    print(f"one ensemble of {WORLDS} worlds alone, in this process: {alone * 1000:8.1f} ms")
    print(
        f"{len(experiments):,} EMA experiments x {WORLDS} worlds on {WORKERS} workers: "
        f"{seconds:6.1f} s (target at most 60 s), {per_experiment * 1000:.1f} ms per "
        "experiment per worker"
    )
    record(
        "ema",
        {
            "experiments": len(experiments),
            "worlds": WORLDS,
            "workers": WORKERS,
            "seconds": round(seconds, 1),
            "ms_per_experiment_per_worker": round(per_experiment * 1000, 1),
            "ms_one_ensemble_alone": round(alone * 1000, 1),
        },
    )


if __name__ == "__main__":
    main()
