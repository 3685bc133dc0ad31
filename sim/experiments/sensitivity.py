"""Global sensitivity: which of a scenario's declared uncertainties drive an outcome measure.

Samples and indices come from SALib (Herman & Usher 2017): Sobol' indices (Saltelli's
scheme; first-order S1, the share of a measure's variance one parameter explains alone,
and total ST, including its interactions) or Morris elementary effects (mu*, a cheap
ranking for many parameters). Each sample point runs an ensemble of the scenario
(:func:`sim.experiments.sweep.evaluate_design`), with the same worlds and seed at every point.

The simulator is only one evaluator: :func:`analyse` takes any function from a design to
a table of measures, which is how the tests check the indices on a function whose
indices are known exactly (Ishigami & Homma 1990).

Shares estimated from W worlds carry sampling noise of about sqrt(p(1-p)/W); it enters
the indices as unexplained variance, so run enough worlds per point that it is small
beside the effects of interest (the confidence intervals, from SALib's bootstrap, show
the rest).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from sim.catalogue.measures import measure_names
from sim.errors import UserError
from sim.run.engine import Engine, InProcess
from sim.spec.parameters import INTEGER, parameter
from sim.spec.schema import Scenario

METHODS = ("sobol", "morris")
DEFAULT_MEASURES = ("p_war", "p_frozen_gain", "p_negotiated_withdrawal", "mean_max_rung")
MORRIS_LEVELS = 4


def problem_of(scenario: Scenario) -> dict[str, Any]:
    """Return SALib's problem for the scenario's declared uncertainties."""
    if not scenario.uncertainties:
        raise UserError(
            f"Scenario {scenario.name} declares no uncertainties, so there is nothing to "
            "apportion. Add a section such as\n  uncertainties:\n    dynamics.advance_step_km: "
            "[0.3, 1.2]\nto the file (`crisis-sim parameters FILE` lists the paths)."
        )
    names = list(scenario.uncertainties)
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [list(scenario.uncertainties[name]) for name in names],
    }


def sample(problem: dict, method: str, n: int, seed: int) -> np.ndarray:
    """Return the sample matrix: n*(D+2) rows for Sobol', n*(D+1) for Morris."""
    if method == "sobol":
        if n < 2 or n & (n - 1):
            raise UserError(
                f"--n {n}: Sobol' sampling needs a power of two (e.g. 64, 128, 256), so the "
                "sequence keeps its balance."
            )
        return sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    if method == "morris":
        if n < 2:
            raise UserError(f"--n {n}: Morris needs at least 2 trajectories (10-50 is usual).")
        return morris_sample.sample(problem, n, num_levels=MORRIS_LEVELS, seed=seed)
    raise UserError(f"--method {method!r} is not one of {', '.join(METHODS)}.")


def _indices_of(problem, method, matrix, values, seed) -> pd.DataFrame:
    if method == "sobol":
        found = sobol_analyze.analyze(
            problem, values, calc_second_order=False, conf_level=0.95, seed=seed
        )
        columns = {"S1": "S1", "S1_conf": "S1_conf", "ST": "ST", "ST_conf": "ST_conf"}
    else:
        found = morris_analyze.analyze(
            problem, matrix, values, conf_level=0.95, num_levels=MORRIS_LEVELS, seed=seed
        )
        columns = {"mu_star": "mu_star", "mu_star_conf": "mu_star_conf", "sigma": "sigma"}
    table = pd.DataFrame({name: np.asarray(found[key]) for key, name in columns.items()})
    table.insert(0, "parameter", problem["names"])
    return table


def analyse(
    problem: dict,
    evaluate: Callable[[pd.DataFrame], pd.DataFrame],
    method: str,
    n: int,
    measures: list[str],
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sample, evaluate and analyse; return (samples with measures, indices per measure).

    ``evaluate`` maps a design (columns: the problem's names) to a table with one
    column per measure, row for row. A measure that does not vary across the sample
    has no variance to apportion: its rows are marked ``constant`` with no indices.
    """
    matrix = sample(problem, method, n, seed)
    design = pd.DataFrame(matrix, columns=problem["names"])
    evaluated = evaluate(design)
    missing = [m for m in measures if m not in evaluated.columns]
    if missing:
        raise UserError(
            f"Unknown measure {', '.join(missing)}; choose from {', '.join(evaluated.columns)}."
        )
    frames = []
    for measure in measures:
        values = evaluated[measure].to_numpy(dtype=float)
        if np.ptp(values) == 0:
            frames.append(
                pd.DataFrame({"measure": [measure], "parameter": [None], "constant": [True]})
            )
            continue
        table = _indices_of(problem, method, matrix, values, seed)
        table.insert(0, "measure", measure)
        table["constant"] = False
        frames.append(table)
    indices = pd.concat(frames, ignore_index=True)
    samples = pd.concat(
        [design, evaluated.drop(columns=list(design.columns), errors="ignore")], axis=1
    )
    return samples, indices


@dataclass
class SensitivityResult:
    """A sensitivity analysis of a scenario, before it is written to a folder."""

    scenario: Scenario
    method: str
    n: int
    measures: list[str]
    samples: pd.DataFrame
    indices: pd.DataFrame
    worlds: int
    seed: int
    timings: dict[str, float] = field(default_factory=dict)
    engine: dict[str, Any] = field(default_factory=dict)


def run_sensitivity(
    scenario: Scenario,
    method: str = "sobol",
    n: int = 64,
    worlds: int = 1000,
    measures: list[str] | None = None,
    seed: int | None = None,
    engine: Engine | None = None,
    progress: bool = False,
) -> SensitivityResult:
    """Run a sensitivity analysis of the scenario's declared uncertainties.

    ``engine`` (default: this process) runs the points; it is held for the whole
    analysis, so its workers start once.
    """
    from sim.experiments.sweep import evaluate_design

    measures = list(measures or DEFAULT_MEASURES)
    known = measure_names()
    unknown = [m for m in measures if m not in known]
    if unknown:
        raise UserError(f"Unknown measure {', '.join(unknown)}. Measures: {', '.join(known)}.")
    seed = scenario.seed if seed is None else seed
    engine = InProcess() if engine is None else engine
    problem = problem_of(scenario)
    integers = [p for p in problem["names"] if parameter(scenario, p).kind == INTEGER]

    def evaluate(design: pd.DataFrame) -> pd.DataFrame:
        design = design.copy()
        for path in integers:  # sampled continuously, run at the nearest whole number
            design[path] = design[path].round().astype(int)
        table = evaluate_design(scenario, design, worlds, seed, engine, progress)
        return table.drop(columns=list(design.columns))

    started = time.perf_counter()
    with engine:
        samples, indices = analyse(problem, evaluate, method, n, measures, seed)
    return SensitivityResult(
        scenario,
        method,
        n,
        measures,
        samples,
        indices,
        worlds,
        seed,
        timings={"simulate_s": round(time.perf_counter() - started, 3)},
        engine=engine.describe(),
    )


def points_needed(scenario: Scenario, method: str, n: int) -> int:
    """Return how many ensembles a method and n will run (for estimates and checks)."""
    dimensions = len(scenario.uncertainties)
    return n * (dimensions + 2) if method == "sobol" else n * (dimensions + 1)


def write_sensitivity(
    result: SensitivityResult,
    out: Path,
    *,
    command: str = "",
    replace: bool = False,
    plots: bool = True,
) -> Path:
    """Write a sensitivity folder atomically: manifest, samples, indices (CSV too), plots."""
    from sim.folders.results import write_analysis_manifest
    from sim.folders.runfolder import atomic_folder

    scenario = result.scenario
    with atomic_folder(Path(out), replace) as folder:
        result.samples.to_parquet(folder / "samples.parquet", index=False)
        result.indices.to_parquet(folder / "indices.parquet", index=False)
        result.indices.to_csv(folder / "indices.csv", index=False)
        design = {
            "method": result.method,
            "n": result.n,
            "points": len(result.samples),
            "parameters": list(scenario.uncertainties),
            "measures": result.measures,
            "worlds_per_point": result.worlds,
            "seed": result.seed,
        }
        manifest = write_analysis_manifest(
            folder,
            "sensitivity",
            scenario,
            design,
            engine=result.engine,
            timings=result.timings,
            command=command,
        )
        if plots:
            (folder / "plots").mkdir()
            draw_indices(result.indices, manifest, folder / "plots")
    return Path(out)


def draw_indices(indices: pd.DataFrame, manifest: dict, out: Path) -> list[Path]:
    """Draw one ranked bar plot of indices (with 95% intervals) per varying measure."""
    from sim.catalogue.measures import describe
    from sim.plots.run import ACCENT, INK, save_figure, slide_figure
    from sim.spec.schema import Cast

    paths = []
    cast = Cast.model_validate(manifest.get("scenario", {}).get("cast") or {})
    sobol = manifest["method"] == "sobol"
    for measure, rows in indices[~indices["constant"]].groupby("measure", sort=False):
        key = "ST" if sobol else "mu_star"
        rows = rows.sort_values(key, ascending=True)
        labels = list(rows["parameter"])
        figure, axes = slide_figure(
            f"What drives {describe(measure, cast)}: {manifest['title']}",
            f"{'Sobol' if sobol else 'Morris'} indices, {manifest['points']:,} points x "
            f"{manifest['worlds_per_point']:,} worlds; bars: 95% intervals",
        )
        positions = np.arange(len(rows))
        if sobol:
            axes.barh(
                positions + 0.2,
                rows["ST"],
                0.4,
                xerr=rows["ST_conf"],
                color=ACCENT,
                label="total (ST): alone and in interactions",
                capsize=2,
            )
            axes.barh(
                positions - 0.2,
                rows["S1"],
                0.4,
                xerr=rows["S1_conf"],
                color="#9ca3af",
                label="first order (S1): alone",
                capsize=2,
            )
            axes.set_xlabel("share of the measure's variance")
            axes.legend(loc="lower right", frameon=False, fontsize=9)
        else:
            axes.barh(
                positions, rows["mu_star"], 0.6, xerr=rows["mu_star_conf"], color=ACCENT, capsize=2
            )
            axes.set_xlabel("mean absolute elementary effect (mu*)")
        axes.set_yticks(positions, labels, fontsize=8, color=INK)
        axes.axvline(0, color=INK, lw=0.8)
        axes.set_axisbelow(True)
        axes.grid(axis="x", color="#e5e7eb")
        paths.append(save_figure(figure, out / f"indices_{measure}.png"))
    return paths
