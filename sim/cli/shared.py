"""What the command groups share: the consoles, the common options, Ctrl-C, small helpers.

Kept light, like every module of the command line at import time: `crisis-sim --help`
and `validate` must not load Mesa, pandas or matplotlib, so the commands import the
layers they drive inside their bodies.
"""

from __future__ import annotations

import contextlib
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sim.errors import UserError
from sim.run.engine import EngineKind
from sim.wording import counted

# Paths, titles and messages are the user's text: printed with rich's markup escaped, so
# `[/b]` in a title or `[red]` in a folder name is shown as written (never a crash), and
# on one line however long (soft_wrap), so `file:line` stays whole for editors and grep.
out = Console()
err = Console(stderr=True)

RESULTS_ROOT = Path("results")
#: The schema's limits (sim/spec/schema.py), so the command line cannot pass what a file cannot.
MAX_WORLDS = 100_000_000
MAX_SEED = 2**63 - 1

# Options shared by the commands that run worlds (run, sweep, sensitivity).
ScenarioFile = Annotated[
    Path, typer.Argument(help="The scenario file (YAML).", show_default=False, metavar="FILE")
]
RunDir = Annotated[
    Path, typer.Argument(help="A results folder.", show_default=False, metavar="RUN_DIR")
]
SeedOption = Annotated[
    int | None,
    typer.Option(min=0, max=MAX_SEED, help="Seed of every draw (default: the scenario's)."),
]
ReplaceOption = Annotated[
    bool, typer.Option("--replace", help="Replace --out if it holds an earlier result.")
]
PlotsOption = Annotated[bool, typer.Option("--plots/--no-plots", help="Draw the plots.")]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Change a scenario field for this run, e.g. --set horizon_days=90 or "
        "--set dynamics.advance_step_km=0.5 (repeatable; validated like the file).",
    ),
]
EngineOption = Annotated[
    EngineKind,
    typer.Option(
        "--engine",
        case_sensitive=False,
        help="Where the worlds run: this process, local worker processes, or Dask. "
        "Every engine gives identical worlds.",
    ),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        help="Worker processes for --engine processes or a local Dask cluster "
        "(default: the machine's cores)."
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        help="Address of a running Dask scheduler, e.g. tcp://127.0.0.1:8786 "
        "(--engine dask; default: start a local cluster)."
    ),
]
PerPointWorlds = Annotated[
    int,
    typer.Option(
        "--worlds",
        min=1,
        max=MAX_WORLDS,
        help="Worlds in each point's ensemble (the same worlds and seed at every point).",
    ),
]


class Interrupted(typer.Exit):
    """Exit 130 after a Ctrl-C that has been reported (by :func:`stoppable`)."""

    def __init__(self) -> None:
        super().__init__(130)


@contextlib.contextmanager
def stoppable(what: str, folder: str = "folder", journal_of: Path | None = None) -> Iterator[None]:
    """On Ctrl-C, say what state the disk is in and exit 130 (Click would print "Aborted!").

    ``journal_of``: the --out of a run that keeps a journal, to say how to resume it.
    """
    try:
        yield
    except KeyboardInterrupt:
        left = None
        if journal_of is not None:
            from sim.run.service import journal_after_interrupt

            left = journal_after_interrupt(journal_of)
        if isinstance(left, Path):  # stopped between writing the folder and removing the journal
            err.print(
                f"interrupted: the run had finished; its results are in {escape(str(left))}/.",
                highlight=False,
                soft_wrap=True,
            )
        elif left is not None:
            err.print(
                f"interrupted: {left.progress()} were kept in {escape(str(left.folder))}/."
                f" Finish the run with: crisis-sim run --resume {escape(str(journal_of))}",
                highlight=False,
                soft_wrap=True,
            )
        else:
            err.print(f"interrupted: the {what} was stopped and no {folder} was written.")
        raise Interrupted from None


def command_line() -> str:
    """Return the command as typed, for a manifest."""
    return "crisis-sim " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def load_with_overrides(file: Path, overrides: list[str] | None):
    """Load a scenario file and apply the --set overrides, validated like the file."""
    from sim.core.model import with_overrides
    from sim.spec.loading import load_scenario

    scenario = load_scenario(file).scenario
    return with_overrides(scenario, parse_overrides(overrides)) if overrides else scenario


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


def print_shares(outcomes, title: str, worlds: int, cast=None) -> None:
    """Print the share of worlds in each outcome class, every class the cast can reach."""
    from sim.catalogue.outcomes import CATALOGUE, classes_for

    counts = outcomes["outcome"].value_counts()
    out.print(
        f"\n[bold]{escape(title)}[/bold]: outcomes of {counted(worlds, 'world')}",
        highlight=False,
        soft_wrap=True,
    )
    table = Table()
    table.add_column("outcome")
    table.add_column("worlds", justify="right")
    table.add_column("share", justify="right")
    reachable = classes_for(cast)
    for outcome in (entry.outcome for entry in CATALOGUE if entry.name in reachable):
        count = int(counts.get(outcome.name.lower(), 0))
        table.add_row(outcome.label, f"{count:,}", f"{count / worlds:6.1%}")
    out.print(table)
