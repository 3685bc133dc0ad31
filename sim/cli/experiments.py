"""Commands that explore a scenario over many ensembles: sweep and sensitivity.

Holding the model to the record is in :mod:`sim.cli.calibrating` (calibrate, which
shares :func:`analysis_setup`) and :mod:`sim.cli.checking` (check-patterns,
check-directions, cases).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from sim.cli.shared import (
    RESULTS_ROOT,
    EngineOption,
    PerPointWorlds,
    PlotsOption,
    ReplaceOption,
    ScenarioFile,
    SchedulerOption,
    SeedOption,
    SetOption,
    WorkersOption,
    command_line,
    err,
    load_with_overrides,
    out,
    stoppable,
)
from sim.errors import UserError
from sim.run.engine import EngineKind, make_engine
from sim.wording import counted


class Sampler(StrEnum):
    """Space-filling samples of a scenario's declared uncertainties."""

    LHS = "lhs"
    SOBOL = "sobol"


class Method(StrEnum):
    """Global sensitivity methods (SALib)."""

    SOBOL = "sobol"
    MORRIS = "morris"


def analysis_setup(
    file: Path,
    overrides: list[str] | None,
    seed: int | None,
    out_dir: Path | None,
    replace: bool,
    kind: str,
):
    """Load an analysis's scenario and settle its seed and folder before any world runs."""
    from sim.folders.results import default_run_dir
    from sim.folders.runfolder import check_target

    scenario = load_with_overrides(file, overrides)
    seed = scenario.seed if seed is None else seed
    target = out_dir or default_run_dir(RESULTS_ROOT, f"{kind}-{scenario.name}", seed)
    check_target(target, replace)
    return scenario, seed, target


def sweep(
    file: ScenarioFile,
    params: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            metavar="PATH=LOW:HIGH:STEPS",
            help="A parameter to sweep over evenly spaced values, or listed ones "
            "(PATH=A,B,C); repeat for a grid. `crisis-sim parameters FILE` lists the paths.",
        ),
    ] = None,
    sample: Annotated[
        Sampler | None,
        typer.Option(
            case_sensitive=False,
            help="Instead of a grid, spread --n points over the scenario's declared "
            "uncertainties: a Latin hypercube or a scrambled Sobol' sequence.",
        ),
    ] = None,
    n: Annotated[
        int | None, typer.Option("--n", min=1, help="Points to sample (with --sample).")
    ] = None,
    worlds: PerPointWorlds = 1000,
    seed: SeedOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Folder to create (default: results/sweep-SCENARIO-TIME)."),
    ] = None,
    replace: ReplaceOption = False,
    plots: PlotsOption = True,
    overrides: SetOption = None,
    engine_kind: EngineOption = EngineKind.INPROCESS,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Run an ensemble at every point of a design and tabulate outcome shares by point.

    Writes points.csv (one row per point: parameters, outcome shares and counts, mean
    measures) and plots: shares against one parameter with 95% bands, heatmaps for two.
    """
    from sim.experiments.sweep import grid_design, parse_axis, run_sweep, sample_design, write_sweep

    if bool(params) == (sample is not None):
        raise UserError(
            "Give either --param (a grid, e.g. --param dynamics.advance_step_km=0.2:1.2:6) "
            "or --sample lhs|sobol --n N (points over the scenario's declared uncertainties)."
        )
    if (n is not None) != (sample is not None):
        raise UserError("--n goes with --sample: e.g. --sample lhs --n 64.")
    engine = make_engine(engine_kind, workers, scheduler)
    scenario, seed, target = analysis_setup(file, overrides, seed, out_dir, replace, "sweep")
    if sample is not None:
        assert n is not None
        design, method = sample_design(scenario, sample.value, n, seed), sample.value
    else:
        design, method = grid_design([parse_axis(scenario, p) for p in params or []]), "grid"
    err.print(
        f"Sweeping {escape(scenario.title)}: {len(design):,} points x {worlds:,} worlds x "
        f"{scenario.ticks} ticks, seed {seed}",
        highlight=False,
        soft_wrap=True,
    )
    with stoppable("sweep"), engine:
        result = run_sweep(
            scenario,
            design,
            method,
            worlds,
            seed,
            engine,
            progress=True,
        )
        written = write_sweep(result, target, command=command_line(), replace=replace, plots=plots)
    _print_points(result.table, result.parameters)
    out.print(f"Sweep:   {escape(str(written))}/", highlight=False, soft_wrap=True)


def _print_points(table, parameters: list[str], limit: int = 30) -> None:
    from sim.plots.sweep import varying_outcomes

    outcomes = varying_outcomes(table) or []
    grid = Table(box=box.SIMPLE_HEAD)
    for path in parameters:  # values whole (a policy name cut short says nothing)
        grid.add_column(escape(path.split(".")[-1]).replace("_", "\n"), no_wrap=True)
    for outcome in outcomes:
        grid.add_column(outcome.replace("_", "\n"), justify="right")
    grid.add_column("mean\nmax\nrung", justify="right")
    shown = table if len(table) <= limit else table.head(limit)
    for _, row in shown.iterrows():
        values = [
            f"{row[p]:.4g}" if isinstance(row[p], float) else escape(str(row[p]))
            for p in parameters
        ]
        shares = [f"{row['p_' + o]:6.1%}" for o in outcomes]
        grid.add_row(*values, *shares, f"{row['mean_max_rung']:.2f}")
    out.print(grid)
    if len(table) > limit:
        out.print(f"... {len(table) - limit:,} more points in points.csv", highlight=False)


def sensitivity(
    file: ScenarioFile,
    method: Annotated[
        Method,
        typer.Option(
            case_sensitive=False,
            help="sobol: first-order and total indices (variance shares); morris: "
            "elementary effects, a cheaper ranking for many parameters.",
        ),
    ] = Method.SOBOL,
    n: Annotated[
        int,
        typer.Option(
            "--n",
            min=2,
            help="Base sample size: Sobol' runs n x (parameters + 2) ensembles (n a power "
            "of two), Morris n x (parameters + 1).",
        ),
    ] = 64,
    measures: Annotated[
        list[str] | None,
        typer.Option(
            "--measure",
            help="An outcome measure to apportion (repeatable; default: p_war, "
            "p_frozen_gain, p_negotiated_withdrawal, mean_max_rung). Any share p_CLASS, "
            "p_shots_fired, p_talks, mean_max_depth_km, mean_peak_alarm, ...",
        ),
    ] = None,
    worlds: PerPointWorlds = 1000,
    seed: SeedOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder to create (default: results/sensitivity-SCENARIO-TIME)."
        ),
    ] = None,
    replace: ReplaceOption = False,
    plots: PlotsOption = True,
    overrides: SetOption = None,
    engine_kind: EngineOption = EngineKind.INPROCESS,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Rank the scenario's declared uncertainties by how much of each measure they explain.

    Uses SALib over the `uncertainties:` section of the file; writes indices.csv (with
    95% intervals), the sample and its measures, and one ranked bar plot per measure.
    """
    from sim.experiments.sensitivity import points_needed, run_sensitivity, write_sensitivity

    engine = make_engine(engine_kind, workers, scheduler)
    scenario, seed, target = analysis_setup(file, overrides, seed, out_dir, replace, "sensitivity")
    if scenario.uncertainties:
        err.print(
            f"{method.value.capitalize()} over {len(scenario.uncertainties)} uncertainties of "
            f"{escape(scenario.title)}: {points_needed(scenario, method.value, n):,} ensembles "
            f"of {counted(worlds, 'world')}, seed {seed}",
            highlight=False,
            soft_wrap=True,
        )
    with stoppable("analysis"), engine:
        result = run_sensitivity(
            scenario,
            method.value,
            n,
            worlds,
            measures,
            seed,
            engine,
            progress=True,
        )
        written = write_sensitivity(
            result, target, command=command_line(), replace=replace, plots=plots
        )
    _print_indices(result.indices, method)
    out.print(f"Sensitivity: {escape(str(written))}/", highlight=False, soft_wrap=True)


def _print_indices(indices, method: Method) -> None:
    key, columns = (
        ("ST", ("S1", "S1_conf", "ST", "ST_conf"))
        if method is Method.SOBOL
        else ("mu_star", ("mu_star", "mu_star_conf", "sigma"))
    )
    for measure, rows in indices.groupby("measure", sort=False):
        out.print(f"\n[bold]{escape(measure)}[/bold]", highlight=False)
        if rows["constant"].all():
            out.print("  the same at every point: nothing to apportion", highlight=False)
            continue
        table = Table()
        table.add_column("parameter")
        for column in columns:
            table.add_column(column.replace("_conf", " ±95%"), justify="right")
        for _, row in rows.sort_values(key, ascending=False).iterrows():
            table.add_row(escape(row["parameter"]), *(f"{row[c]:.3f}" for c in columns))
        out.print(table)
