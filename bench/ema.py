"""The EMA Workbench adapter's cost: 1,000 experiments of 100 worlds on 2 workers.

Run with ``make bench``. Runs ``perform_experiments`` on the baseline's uncertainties and
levers as an analyst would, side by side in one run: through crisis-sim's
``BlockEvaluator`` (the experiments as the worlds of a few blocks, on the processes
engine with 2 workers), and through EMA's own ``MultiprocessingEvaluator`` on two
processes (one ensemble per experiment). It checks that both give the same outcomes,
and prints the wall times. The target (issue 24): at most 20 s for the 1,000 on two
workers.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
from latest import record

from sim.experiments.ema import ema_model
from sim.experiments.ema_blocks import BlockEvaluator
from sim.run.engine import Processes
from sim.spec.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = 1000
POLICIES = 4
WORLDS = 100
WORKERS = 2


def _perform(model, evaluator):
    from ema_workbench import perform_experiments

    started = time.perf_counter()
    with evaluator:
        experiments, outcomes = perform_experiments(
            model,
            scenarios=EXPERIMENTS // POLICIES,
            policies=POLICIES,
            evaluator=evaluator,
            log_progress=True,  # to its logger, silent here, instead of a tqdm bar
            uncertainty_sampling_kwargs={"rng": 1},  # the same experiments every time
            lever_sampling_kwargs={"rng": 2},
        )
    return time.perf_counter() - started, experiments, outcomes


def main() -> None:
    """Print the figures and add them to bench/latest.json."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EMA announces evaluators it does not have
        from ema_workbench import MultiprocessingEvaluator

    scenario = load_scenario(ROOT / "scenarios" / "baseline-may-2021.yaml").scenario
    model = ema_model(scenario, worlds=WORLDS)
    blocks, experiments, together = _perform(
        model, BlockEvaluator(model, engine=Processes(workers=WORKERS))
    )
    each, _, one_by_one = _perform(model, MultiprocessingEvaluator(model, n_processes=WORKERS))
    same = all(np.array_equal(together[m], one_by_one[m], equal_nan=True) for m in together)
    print(
        f"{len(experiments):,} EMA experiments x {WORLDS} worlds on {WORKERS} workers: "
        f"BlockEvaluator {blocks:6.1f} s (target at most 20 s), "
        f"MultiprocessingEvaluator {each:6.1f} s: {each / blocks:.1f}x faster; "
        f"outcomes {'identical' if same else 'DIFFER'}"
    )
    record(
        "ema",
        {
            "experiments": len(experiments),
            "worlds": WORLDS,
            "workers": WORKERS,
            "block_evaluator_s": round(blocks, 1),
            "multiprocessing_evaluator_s": round(each, 1),
            "identical": same,
        },
    )


if __name__ == "__main__":
    main()
