"""Sweeps: one ensemble per point of a design, and a table of points by outcome measures.

A design is a table whose columns are parameter paths (see :mod:`sim.spec.parameters`) and
whose rows are points: a full grid of values (``--param PATH=LOW:HIGH:STEPS``), or a
space-filling sample of the scenario's declared ``uncertainties`` (Latin hypercube or a
scrambled Sobol' sequence, from ``scipy.stats.qmc``). Every point runs the same worlds
with the same seed (common random numbers), so two points differ by their parameters,
not by luck: differences between neighbouring points are far less noisy than between
independent runs.

The points run as the worlds of a few blocks (:func:`sim.run.sets.run_sets`): the
points that differ only in numbers share one block, each world carrying its point's
values, and the blocks' chunks of whole points spread over the same engines as an
ensemble's chunks. A point's worlds are those of its ensemble run alone, bit for bit.
"""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from sim.catalogue.measures import OUTCOME_NAMES, summarise
from sim.core.model import with_overrides
from sim.errors import UserError
from sim.run.engine import Engine, InProcess
from sim.run.sets import Ledger, Measure, run_sets
from sim.spec.parameters import BOOLEAN, INTEGER, Parameter, parameter
from sim.spec.schema import Scenario

#: The largest design a sweep accepts: beyond it a typo in STEPS is likelier than intent.
MAX_POINTS = 100_000
SAMPLERS = ("lhs", "sobol")
_AXIS = re.compile(r"^(?P<path>[^=\s]+)=(?P<values>.+)$")


@dataclass(frozen=True)
class Axis:
    """One swept parameter and the values it takes."""

    parameter: Parameter
    values: tuple

    @property
    def path(self) -> str:
        """The parameter's dotted path."""
        return self.parameter.path


def _option(found: Parameter, text: str) -> Any:
    text = text.strip()
    if found.kind == BOOLEAN:
        lowered = text.lower()
        if lowered not in ("true", "false", "yes", "no"):
            raise UserError(f"--param {found.path}: {text!r} is not true or false.")
        return lowered in ("true", "yes")
    if found.numeric:
        try:
            return float(text)
        except ValueError:
            raise UserError(f"--param {found.path}: {text!r} is not a number.") from None
    return text


def parse_axis(scenario: Scenario, text: str) -> Axis:
    """Parse ``PATH=LOW:HIGH:STEPS`` (evenly spaced) or ``PATH=A,B,C`` (listed values).

    Every value is checked against the parameter's bounds before any world runs.
    """
    match = _AXIS.match(text.strip())
    if match is None:
        raise UserError(
            f"--param {text!r} is not PATH=LOW:HIGH:STEPS or PATH=A,B,C, e.g. "
            "--param dynamics.advance_step_km=0.2:1.2:6 or --param actors.russia.policy="
            "broker,protector."
        )
    found = parameter(scenario, match["path"], where="--param")
    spec = match["values"]
    where = f"--param {found.path}"
    if ":" in spec:
        if not found.numeric:
            raise UserError(
                f"{where}: a {found.kind} parameter takes listed values, not a range: "
                f"--param {found.path}={','.join(map(str, found.options))}."
            )
        parts = spec.split(":")
        if len(parts) != 3:
            raise UserError(f"{where}={spec}: write LOW:HIGH:STEPS, e.g. 0.2:1.2:6.")
        low, high = (_option(found, part) for part in parts[:2])
        try:
            steps = int(parts[2])
        except ValueError:
            raise UserError(f"{where}: STEPS {parts[2]!r} is not a whole number.") from None
        if steps < 2 or not low < high:
            raise UserError(
                f"{where}={spec}: a range needs LOW < HIGH and at least 2 STEPS "
                "(to run one value, use --set on `crisis-sim run`)."
            )
        values = np.linspace(low, high, steps)
        if found.kind == INTEGER:
            values = np.unique(np.round(values))
        values = [round(float(v), 12) for v in values]
    else:
        values = [_option(found, part) for part in spec.split(",")]
        if len(set(map(repr, values))) < len(values):
            raise UserError(f"{where}={spec}: a value is listed twice.")
    return Axis(found, tuple(found.check(value, where) for value in values))


def grid_design(axes: list[Axis]) -> pd.DataFrame:
    """Return the full grid of the axes' values, one row per point."""
    paths = [axis.path for axis in axes]
    if len(set(paths)) < len(paths):
        raise UserError("A parameter is given twice with --param: give each once.")
    size = int(np.prod([len(axis.values) for axis in axes]))
    if size > MAX_POINTS:
        raise UserError(
            f"That grid has {size:,} points, more than {MAX_POINTS:,}. Use fewer STEPS, or "
            "--sample lhs --n N to spread N points over the same ranges."
        )
    rows = list(itertools.product(*(axis.values for axis in axes)))
    return pd.DataFrame(rows, columns=paths)


def sample_design(scenario: Scenario, method: str, n: int, seed: int) -> pd.DataFrame:
    """Return ``n`` points spread over the scenario's declared uncertainties.

    ``lhs`` is a Latin hypercube, ``sobol`` a scrambled Sobol' sequence (best with n a
    power of two); both from ``scipy.stats.qmc`` and reproducible from ``seed``.
    Integer parameters are rounded.
    """
    if method not in SAMPLERS:
        raise UserError(f"--sample {method!r} is not one of {', '.join(SAMPLERS)}.")
    if not 1 <= n <= MAX_POINTS:
        raise UserError(f"--n must be between 1 and {MAX_POINTS:,} (got {n}).")
    if not scenario.uncertainties:
        raise UserError(
            f"Scenario {scenario.name} declares no uncertainties to sample. Add a section "
            "such as\n  uncertainties:\n    dynamics.advance_step_km: [0.3, 1.2]\nto the file "
            "(`crisis-sim parameters FILE` lists the paths), or sweep a grid with --param."
        )
    paths = list(scenario.uncertainties)
    bounds = np.array([scenario.uncertainties[path] for path in paths], dtype=float)
    dimensions = len(paths)
    if method == "lhs":
        sampler = qmc.LatinHypercube(d=dimensions, rng=np.random.default_rng(seed))
    else:
        sampler = qmc.Sobol(d=dimensions, scramble=True, rng=np.random.default_rng(seed))
    unit = sampler.random(n)
    values = qmc.scale(unit, bounds[:, 0], bounds[:, 1])
    design = pd.DataFrame(values, columns=paths)
    for path in paths:
        if parameter(scenario, path).kind == INTEGER:
            design[path] = design[path].round().astype(int)
    return design


def _plain(value: Any) -> Any:
    """Return a design value as the plain Python type a scenario file would hold."""
    return value.item() if isinstance(value, np.generic) else value


def point_overrides(design: pd.DataFrame) -> list[dict[str, Any]]:
    """Return each point of a design as a dict of dotted-path overrides."""
    return [
        {path: _plain(value) for path, value in row.items()}
        for row in design.to_dict(orient="records")
    ]


def evaluate_point(
    scenario: Scenario, overrides: dict[str, Any], worlds: int, seed: int
) -> dict[str, float]:
    """Run one point's ensemble in this process and return its measures."""
    from sim.run.ensemble import run_ensemble

    point = with_overrides(scenario, overrides)
    return summarise(run_ensemble(point, worlds=worlds, seed=seed).outcomes)


#: How a refused point is named: "Point 3 of the design (path=value, ...) is not valid".
POINT = "Point {number} of the design"


def evaluate_design(
    scenario: Scenario,
    design: pd.DataFrame,
    worlds: int,
    seed: int | None = None,
    engine: Engine | None = None,
    progress: bool = False,
    measure: Measure = summarise,
    ledger: Ledger | None = None,
) -> pd.DataFrame:
    """Run every point of ``design``; return the design with one column per measure.

    ``measure(outcomes)`` measures one point's worlds (by default the outcome measures of
    :func:`sim.catalogue.measures.summarise`; calibration adds the case's patterns). It
    must be a module-level function (or a ``functools.partial`` of one), so the process
    and Dask engines can send it. ``engine`` (default: this process) runs the blocks'
    chunks; the table is the same on every engine. A ``ledger`` keeps each point's
    measures as it finishes and skips those it holds (:func:`sim.run.sets.run_sets`).
    """
    if worlds < 1:
        raise UserError(f"Each point needs at least 1 world (got --worlds {worlds}).")
    seed = scenario.seed if seed is None else seed
    found = run_sets(
        scenario,
        point_overrides(design),
        worlds,
        seed,
        measure,
        InProcess() if engine is None else engine,
        progress,
        label=POINT,
        ledger=ledger,
    )
    return pd.concat([design.reset_index(drop=True), pd.DataFrame(found)], axis=1)


@dataclass
class SweepResult:
    """A design and its measured points, before they are written to a folder."""

    scenario: Scenario
    method: str
    parameters: list[str]
    table: pd.DataFrame
    worlds: int
    seed: int
    timings: dict[str, float] = field(default_factory=dict)
    engine: dict[str, Any] = field(default_factory=dict)


def run_sweep(
    scenario: Scenario,
    design: pd.DataFrame,
    method: str,
    worlds: int,
    seed: int | None = None,
    engine: Engine | None = None,
    progress: bool = False,
) -> SweepResult:
    """Run a design (from :func:`grid_design` or :func:`sample_design`) and time it."""
    seed = scenario.seed if seed is None else seed
    started = time.perf_counter()
    engine = InProcess() if engine is None else engine
    table = evaluate_design(scenario, design, worlds, seed, engine, progress)
    return SweepResult(
        scenario,
        method,
        list(design.columns),
        table,
        worlds,
        seed,
        timings={"simulate_s": round(time.perf_counter() - started, 3)},
        engine=engine.describe(),
    )


def write_sweep(
    result: SweepResult, out: Path, *, command: str = "", replace: bool = False, plots: bool = True
) -> Path:
    """Write a sweep folder atomically: manifest, points table (parquet and CSV), plots."""
    from sim.folders.results import write_analysis_manifest
    from sim.folders.runfolder import atomic_folder

    with atomic_folder(Path(out), replace) as folder:
        result.table.to_parquet(folder / "points.parquet", index=False)
        result.table.to_csv(folder / "points.csv", index=False)
        design = {
            "method": result.method,
            "parameters": result.parameters,
            "points": len(result.table),
            "worlds_per_point": result.worlds,
            "seed": result.seed,
            "outcome_classes": OUTCOME_NAMES,
        }
        manifest = write_analysis_manifest(
            folder,
            "sweep",
            result.scenario,
            design,
            engine=result.engine,
            timings=result.timings,
            command=command,
        )
        if plots:
            from sim.plots.sweep import draw_sweep

            (folder / "plots").mkdir()
            draw_sweep(result.table, manifest, folder / "plots")
    return Path(out)
