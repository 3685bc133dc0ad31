"""The ``crisis-sim`` command line: validate, run, plot and list policies.

Every error a user can fix ends in one clear paragraph and exit status 2, never a
traceback.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sim.actions import ActorKind
from sim.engine import Engine
from sim.errors import UserError

app = typer.Typer(
    name="crisis-sim",
    help="Simulate border-crisis escalation, from the May 2021 Sev Lake crisis onwards.\n\n"
    "Start with: crisis-sim run scenarios/baseline-may-2021.yaml",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
# Paths, titles and messages are the user's text: printed with rich's markup escaped, so
# `[/b]` in a title or `[red]` in a folder name is shown as written (never a crash), and
# on one line however long (soft_wrap), so `file:line` stays whole for editors and grep.
out = Console()
err = Console(stderr=True)

RESULTS_ROOT = Path("results")
#: The schema's limits (sim/schema.py), so the command line cannot pass what a file cannot.
MAX_WORLDS = 100_000_000
MAX_SEED = 2**63 - 1


@app.command()
def validate(
    files: Annotated[
        list[Path],
        typer.Argument(help="Scenario files to check.", show_default=False, metavar="FILE"),
    ],
) -> None:
    """Check scenario files against the schema and the policies, reporting every problem.

    Exits 0 when every file is valid, 2 otherwise. Nothing is run.
    """
    from sim.scenario import load_scenario

    failed = 0
    for file in files:
        try:
            loaded = load_scenario(file)
        except UserError as error:
            failed += 1
            err.print(f"[red]✗[/red] {escape(str(error))}", highlight=False, soft_wrap=True)
            continue
        s = loaded.scenario
        actors = ", ".join(
            f"{name}={getattr(s.actors, name).policy}"
            for name in ("azerbaijan", "armenia", "russia", "csto")
        )
        out.print(
            f"[green]✓[/green] {escape(str(file))}: {s.name}, {len(s.sectors)} sectors, "
            f"{s.ticks} ticks of {s.tick_hours} h; {actors}",
            highlight=False,
            soft_wrap=True,
        )
    if failed:
        raise typer.Exit(2)


@app.command()
def run(
    file: Annotated[
        Path, typer.Argument(help="The scenario file (YAML).", show_default=False, metavar="FILE")
    ],
    worlds: Annotated[
        int | None,
        typer.Option(
            "--worlds",
            "-n",
            min=1,
            max=MAX_WORLDS,
            help="Worlds in the ensemble (default: the scenario's).",
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(min=0, max=MAX_SEED, help="Seed of every draw (default: the scenario's)."),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Results folder to create (default: results/SCENARIO-TIME-seedSEED).",
        ),
    ] = None,
    csv: Annotated[bool, typer.Option("--csv", help="Also write worlds.csv.")] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace --out if it holds an earlier run.")
    ] = False,
    plots: Annotated[bool, typer.Option("--plots/--no-plots", help="Draw the plots.")] = True,
    chunk_size: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Worlds simulated at once: memory and speed, never results "
            "(default: 50,000, or enough chunks to keep every worker busy).",
        ),
    ] = None,
    overrides: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="PATH=VALUE",
            help="Change a scenario field for this run, e.g. --set horizon_days=90 or "
            "--set dynamics.advance_step_km=0.5 (repeatable; validated like the file).",
        ),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            case_sensitive=False,
            help="Where the worlds run: this process, local worker processes, or Dask. "
            "Every engine gives identical worlds.",
        ),
    ] = Engine.INPROCESS,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Worker processes for --engine processes or a local Dask cluster "
            "(default: the machine's cores)."
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Address of a running Dask scheduler, e.g. tcp://127.0.0.1:8786 "
            "(--engine dask; default: start a local cluster)."
        ),
    ] = None,
) -> None:
    """Run an ensemble of worlds and write a results folder with tables and plots.

    Prints the share of worlds ending in each outcome class and where the results are.
    """
    from sim.ensemble import run_ensemble
    from sim.model import with_overrides
    from sim.results import check_target, default_run_dir, write_run
    from sim.scenario import load_scenario

    loaded = load_scenario(file)
    scenario = loaded.scenario
    if overrides:
        scenario = with_overrides(scenario, parse_overrides(overrides))
    seed = scenario.seed if seed is None else seed
    target = out_dir or default_run_dir(RESULTS_ROOT, scenario.name, seed)
    check_target(target, replace)  # before simulating, not after
    n = scenario.worlds if worlds is None else worlds
    err.print(
        f"Running {escape(scenario.title)}: {n:,} worlds x {scenario.ticks} ticks, seed {seed}",
        highlight=False,
        soft_wrap=True,
    )
    if scheduler and engine is not Engine.DASK:
        raise UserError("--scheduler is the address of a Dask scheduler: add --engine dask.")
    try:
        result = run_ensemble(
            scenario,
            worlds=n,
            seed=seed,
            chunk_size=chunk_size,
            progress=True,
            engine=engine,
            workers=workers,
            scheduler=scheduler,
        )
        command = "crisis-sim " + " ".join(shlex.quote(a) for a in sys.argv[1:])
        written = write_run(
            result, target, source=file, command=command, csv=csv, replace=replace, plots=plots
        )
    except KeyboardInterrupt:
        # Click would print a bare "Aborted!"; say what state the disk is in.
        err.print("interrupted: the run was stopped and no results folder was written.")
        raise typer.Exit(130) from None
    _print_shares(result.outcomes, scenario.title, n)
    out.print(f"Results: {escape(str(written))}/", highlight=False, soft_wrap=True)
    if plots:
        out.print(f"Plots:   {escape(str(written / 'plots'))}/", highlight=False, soft_wrap=True)


def parse_overrides(items: list[str]) -> dict[str, object]:
    """Turn ``PATH=VALUE`` strings into overrides, reading each value as YAML."""
    from ruamel.yaml import YAML

    parsed = {}
    for item in items:
        path, sep, text = item.partition("=")
        if not sep or not path.strip():
            raise UserError(f"--set {item!r} is not PATH=VALUE. Write e.g. --set horizon_days=90.")
        parsed[path.strip()] = YAML(typ="safe", pure=True).load(text) if text.strip() else None
    return parsed


def _print_shares(outcomes, title: str, worlds: int) -> None:
    from sim.world import OUTCOME_CLASSES

    counts = outcomes["outcome"].value_counts()
    out.print(
        f"\n[bold]{escape(title)}[/bold]: outcomes of {worlds:,} worlds",
        highlight=False,
        soft_wrap=True,
    )
    table = Table()
    table.add_column("outcome")
    table.add_column("worlds", justify="right")
    table.add_column("share", justify="right")
    for outcome in OUTCOME_CLASSES:
        count = int(counts.get(outcome.name.lower(), 0))
        table.add_row(outcome.label, f"{count:,}", f"{count / worlds:6.1%}")
    out.print(table)


@app.command()
def plot(
    run_dir: Annotated[
        Path, typer.Argument(help="A results folder.", show_default=False, metavar="RUN_DIR")
    ],
) -> None:
    """Redraw a run's plots from its results folder alone (no rerun)."""
    from sim.plots import draw_all
    from sim.runfolder import read_manifest

    read_manifest(run_dir)
    for path in draw_all(run_dir):
        out.print(f"wrote {escape(str(path))}", highlight=False, soft_wrap=True)


@app.command()
def policies(
    actor: Annotated[
        ActorKind | None,
        typer.Option(help="Only this actor kind's policies.", case_sensitive=False),
    ] = None,
) -> None:
    """List every policy with its parameters (range, default, meaning)."""
    from sim.policies import REGISTRY

    for (kind, name), cls in sorted(REGISTRY.items()):
        if actor is not None and kind != actor:
            continue
        out.print(f"\n[bold]{kind.value} / {name}[/bold]  {cls.describe()}", highlight=False)
        table = Table(show_header=True, header_style="dim", box=None, pad_edge=False)
        for column in ("parameter", "range", "default", "meaning"):
            table.add_column(column, overflow="fold")
        for field_name, info in cls.Params.model_fields.items():
            low = high = None
            for meta in info.metadata:
                low = getattr(meta, "ge", low)
                high = getattr(meta, "le", high)
            span = (
                f"{low}-{high}"
                if low is not None
                else info.annotation.__name__
                if hasattr(info.annotation, "__name__")
                else "list"
            )
            default = info.get_default(call_default_factory=True)
            table.add_row(
                field_name, span, str(default if default != [] else "[]"), info.description or ""
            )
        out.print(table)


def main() -> None:
    """Entry point: run the app, turning user errors into a message and exit status 2."""
    try:
        app()
    except UserError as error:
        err.print(f"error: {escape(str(error))}", highlight=False, soft_wrap=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted: no results folder was left behind.")
        sys.exit(130)


if __name__ == "__main__":
    main()
