"""Calibration against the case: approximate Bayesian computation by rejection.

Pattern-oriented modelling asks which parameter values reproduce every pattern the case
shows at once (:mod:`sim.readers.patterns`). The scenario's declared ``uncertainties``
are the prior: each parameter uniform over its range. A Latin hypercube draws parameter
sets from it; each set runs one ensemble (the same worlds and seed at every set, so sets
differ by their parameters, not by luck); a set is **accepted** when every pattern holds
in more than half of its worlds (:data:`sim.readers.patterns.MAJORITY`). That is ABC by
rejection with the pattern shares as summary statistics and the majority rule as the
tolerance (Hartig et al. 2011, "Statistical inference for stochastic simulation models").

The accepted sets approximate the posterior. For each parameter, the **accepted region**
says how much of its prior range survives: the case *pins down* a parameter whose
accepted values crowd into a small part of the range, and *leaves open* one whose
accepted values still spread over all of it. The **conclusions** table says how the
outcome shares vary across the accepted sets, i.e. how much an analyst's conclusion
depends on values the case cannot fix.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
from scipy import stats

from sim.catalogue.measures import OUTCOME_NAMES, share_name, summarise
from sim.core.model import with_overrides
from sim.errors import UserError
from sim.experiments.journal import CalibrationJournal
from sim.experiments.sweep import evaluate_design, sample_design
from sim.folders.runfolder import read_manifest
from sim.plots.calibration import draw_calibration
from sim.readers.patterns import MAJORITY, load_patterns, pattern_table
from sim.run.engine import Engine, InProcess
from sim.spec.loading import load_scenario, scenario_hash
from sim.spec.parameters import parameter
from sim.spec.schema import Scenario

#: How far the case moves a parameter, as the Kolmogorov-Smirnov distance between its
#: accepted values and its (uniform) prior: below :data:`NARROWED` (or not significant at
#: :data:`SIGNIFICANCE`) the case leaves it *open*; from :data:`PINNED` it *pins it down*.
NARROWED = 0.1
PINNED = 0.4
SIGNIFICANCE = 0.01
#: Fewer accepted sets than this say too little about the region to classify it.
MIN_ACCEPTED = 20


def pattern_column(key: str) -> str:
    """Return the sets-table column holding a pattern's share of worlds."""
    return f"pattern_{key}"


def pattern_columns(table: pd.DataFrame) -> list[str]:
    """Return a sets table's pattern-share columns (one per pattern, not ``pattern_all``)."""
    return [c for c in table.columns if c.startswith("pattern_") and c != "pattern_all"]


def evaluate_patterns(
    scenario: Scenario,
    overrides: dict[str, Any],
    worlds: int,
    seed: int,
    patterns_file: str | None = None,
) -> dict[str, float]:
    """Run one parameter set's ensemble; return its outcome measures and pattern shares.

    The patterns are the May 2021 case's, or those of ``patterns_file``: a path, not the
    patterns themselves, so that every engine's workers can load them.
    """
    from sim.run.ensemble import run_ensemble

    outcomes = run_ensemble(with_overrides(scenario, overrides), worlds=worlds, seed=seed).outcomes
    return measure_patterns(outcomes, patterns_file)


def measure_patterns(outcomes: pd.DataFrame, patterns_file: str | None = None) -> dict[str, float]:
    """Return one set's outcome measures and the share of its worlds where each pattern holds.

    The measure of a calibration's sets (:func:`sim.run.sets.run_sets`); see
    :func:`evaluate_patterns` for ``patterns_file``.
    """
    patterns = load_patterns(patterns_file)
    held = pattern_table(outcomes, patterns)
    found = summarise(outcomes)
    for pattern in patterns:
        found[pattern_column(pattern.key)] = float(held[pattern.key].mean())
    found["pattern_all"] = float(held.all(axis=1).mean())
    return found


def accepted(table: pd.DataFrame) -> pd.Series:
    """Return, per parameter set, whether every pattern holds in most of its worlds."""
    return (table[pattern_columns(table)] > MAJORITY).all(axis=1)


@dataclass
class Calibration:
    """A calibration's sampled sets, before they are written to a folder."""

    scenario: Scenario
    parameters: list[str]
    table: pd.DataFrame  # one row per set: parameters, measures, pattern shares, accepted
    worlds: int
    seed: int
    timings: dict[str, float] = field(default_factory=dict)
    engine: dict[str, Any] = field(default_factory=dict)
    patterns_file: str | None = None  # None: the May 2021 case's patterns

    @property
    def accepted(self) -> pd.DataFrame:
        """The accepted parameter sets."""
        return self.table[self.table["accepted"]]

    def region(self) -> pd.DataFrame:
        """Return the accepted region, one row per parameter (see :func:`accepted_region`)."""
        return accepted_region(self.table, self.scenario)

    def conclusions(self) -> pd.DataFrame:
        """Return how outcome shares vary across the accepted sets (see :func:`conclusions`)."""
        return conclusions(self.table)

    def rejections(self) -> pd.DataFrame:
        """Return how often each pattern rules a set out (see :func:`rejections`)."""
        return rejections(self.table)


def run_calibration(
    scenario: Scenario,
    sets: int,
    worlds: int,
    seed: int | None = None,
    engine: Engine | None = None,
    progress: bool = False,
    patterns_file: Path | str | None = None,
    journal: CalibrationJournal | None = None,
) -> Calibration:
    """Draw ``sets`` parameter sets from the scenario's uncertainties and test each one.

    Every set runs ``worlds`` worlds from ``seed`` (default: the scenario's) and the Latin
    hypercube is drawn from the same seed, so a calibration repeats exactly. The patterns
    are the May 2021 case's, or those a ``patterns_file`` defines (see
    :func:`sim.readers.patterns.load_patterns`). With a ``journal``, each set's measures
    are kept as it finishes and the sets it holds are not run again
    (:mod:`sim.experiments.journal`).
    """
    if sets < 2:
        raise UserError(f"A calibration needs at least 2 parameter sets (got --sets {sets}).")
    seed = scenario.seed if seed is None else seed
    patterns_file = None if patterns_file is None else str(Path(patterns_file).resolve())
    load_patterns(patterns_file)  # a broken file is reported before any world runs
    design = sample_design(scenario, "lhs", sets, seed)
    engine = InProcess() if engine is None else engine
    started = time.perf_counter()
    table = evaluate_design(
        scenario,
        design,
        worlds,
        seed,
        engine,
        progress,
        measure=partial(measure_patterns, patterns_file=patterns_file),
        ledger=None if journal is None else journal.part("round 1"),
    )
    table["accepted"] = accepted(table)
    return Calibration(
        scenario,
        list(design.columns),
        table,
        worlds,
        seed,
        timings={"simulate_s": round(time.perf_counter() - started, 3)},
        engine=engine.describe(),
        patterns_file=patterns_file,
    )


def _round(value: float, digits: int = 2) -> float:
    """Round to ``digits`` significant figures (a default a person would write)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def verdict(shift: float, p_value: float) -> str:
    """Name how far the case constrains a parameter from its accepted values' KS distance."""
    if not math.isfinite(shift):
        return "too few accepted"
    if shift < NARROWED or p_value >= SIGNIFICANCE:
        return "open"
    return "pinned" if shift >= PINNED else "narrowed"


def accepted_region(table: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Return, per parameter, its prior range, accepted quantiles and the case's verdict.

    ``shift`` is the Kolmogorov-Smirnov distance between the accepted values and the
    uniform prior (0: the patterns say nothing about the parameter; 1: they fix it),
    ``p_value`` its significance, ``leans`` whether accepted values crowd to the range's
    ``low`` or ``high`` side. ``suggested`` is the accepted median at two significant
    figures; ``current`` is the scenario's value.
    """
    chosen = table[table["accepted"]]
    rows = []
    for path, (low, high) in scenario.uncertainties.items():
        values = chosen[path].astype(float)
        shift = p_value = math.nan
        if len(values) >= MIN_ACCEPTED:
            test = stats.kstest(values, stats.uniform(loc=low, scale=high - low).cdf)
            shift, p_value = float(test.statistic), float(test.pvalue)
        q05, q50, q95 = (values.quantile(q) if len(values) else math.nan for q in (0.05, 0.5, 0.95))
        named = verdict(shift, p_value)
        rows.append(
            {
                "parameter": path,
                "prior_low": low,
                "prior_high": high,
                "accepted_q05": q05,
                "accepted_median": q50,
                "accepted_q95": q95,
                "shift": shift,
                "p_value": p_value,
                "verdict": named,
                "leans": ("high" if q50 > (low + high) / 2 else "low")
                if named in ("narrowed", "pinned")
                else "",
                "suggested": _round(q50) if len(values) else math.nan,
                "current": parameter(scenario, path).value,
            }
        )
    return pd.DataFrame(rows)


def conclusions(table: pd.DataFrame) -> pd.DataFrame:
    """Return each occurring outcome share's 5%, median and 95% across the accepted sets."""
    chosen = table[table["accepted"]]
    rows = []
    for outcome in OUTCOME_NAMES:
        shares = chosen[share_name(outcome)]
        if len(shares) == 0 or shares.max() == 0:
            continue
        rows.append(
            {
                "outcome": outcome,
                "q05": shares.quantile(0.05),
                "median": shares.median(),
                "q95": shares.quantile(0.95),
            }
        )
    return pd.DataFrame(rows, columns=["outcome", "q05", "median", "q95"])


def rejections(table: pd.DataFrame) -> pd.DataFrame:
    """Return, per pattern, the share of sets in which it fails (held in too few worlds)."""
    columns = pattern_columns(table)
    return pd.DataFrame(
        {
            "pattern": [c.removeprefix("pattern_") for c in columns],
            "fails_in": [float((table[c] <= MAJORITY).mean()) for c in columns],
        }
    )


def write_calibration(
    result: Calibration, out: Path, *, command: str = "", replace: bool = False, plots: bool = True
) -> Path:
    """Write a calibration folder atomically: sets, region, conclusions, manifest, plots."""
    from sim.folders.results import write_analysis_manifest
    from sim.folders.runfolder import atomic_folder

    with atomic_folder(Path(out), replace) as folder:
        result.table.to_parquet(folder / "sets.parquet", index=False)
        result.table.to_csv(folder / "sets.csv", index=False)
        result.region().to_csv(folder / "region.csv", index=False)
        result.conclusions().to_csv(folder / "conclusions.csv", index=False)
        design = {
            "method": "abc-rejection",
            "sampler": "lhs",
            "parameters": result.parameters,
            "priors": {
                path: list(bounds) for path, bounds in result.scenario.uncertainties.items()
            },
            "sets": len(result.table),
            "accepted": int(result.table["accepted"].sum()),
            "worlds_per_set": result.worlds,
            "seed": result.seed,
            "acceptance": f"every pattern holds in more than {MAJORITY:.0%} of a set's worlds",
            "patterns": [c.removeprefix("pattern_") for c in pattern_columns(result.table)],
            "patterns_file": result.patterns_file,
        }
        write_analysis_manifest(
            folder,
            "calibration",
            result.scenario,
            design,
            engine=result.engine,
            timings=result.timings,
            command=command,
        )
        if plots:
            (folder / "plots").mkdir()
            draw_calibration(result, folder / "plots")
    return Path(out)


def calibrated_sets(folder: Path, scenario_file: Path) -> tuple[Scenario, pd.DataFrame]:
    """Return the scenario in ``scenario_file`` and the sets a calibration of it accepted.

    ``folder`` must be a calibration (``crisis-sim calibrate``) of that file as it is now:
    sets accepted for another version of the scenario say nothing about this one.
    """
    manifest = read_manifest(folder)
    table_path = Path(folder) / "sets.parquet"
    if manifest.get("kind") != "calibration" or not table_path.is_file():
        raise UserError(
            f"{folder} is not a calibration folder (no sets.parquet, or its manifest "
            "says otherwise). Make one with `crisis-sim calibrate FILE`."
        )
    scenario = load_scenario(scenario_file).scenario
    if manifest.get("scenario_hash") != scenario_hash(scenario):
        raise UserError(
            f"{folder} calibrated another version of {Path(scenario_file).stem} than "
            f"{scenario_file} (the file changed, or --set was used). "
            "Calibrate the file as it is now, then check the directions."
        )
    return scenario, pd.read_parquet(table_path).query("accepted")
