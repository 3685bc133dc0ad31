"""The ``crisis-sim`` command: the Typer app, its commands in --help's order, and ``main``.

Every error a user can fix ends in one clear paragraph and exit status 2, never a
traceback; a Ctrl-C ends in one line and exit status 130.

The commands live by group: :mod:`sim.cli.running` (run, rerun, plot),
:mod:`sim.cli.experiments` (sweep, sensitivity), :mod:`sim.cli.calibrating` (calibrate),
:mod:`sim.cli.checking` (check-patterns, check-directions, cases), :mod:`sim.cli.reading`
(validate, policies, parameters, report, explain, compare) and :mod:`sim.cli.teaching`
(play, briefs, dashboard, transcript); what they share is in :mod:`sim.cli.shared`. They are
registered here, so that no group imports the app.
"""

from __future__ import annotations

import inspect
import sys

import typer
from rich.markup import escape

from sim.cli import calibrating, checking, experiments, reading, running, teaching
from sim.cli.shared import Interrupted, err
from sim.errors import UserError
from sim.interrupts import remember_interrupts

app = typer.Typer(
    name="crisis-sim",
    help="Simulate border-crisis escalation, from the May 2021 Sev Lake crisis onwards.\n\n"
    "Start with: crisis-sim run scenarios/baseline-may-2021.yaml",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _reflowed(doc: str | None) -> str:
    r"""Return a command's docstring with each paragraph on one line, for rich to wrap.

    Typer keeps a docstring's line breaks, and they are the source's, not the terminal's:
    in 80 columns a paragraph broke both where rich wrapped it and where the source did.
    Click's markers keep their meaning: a paragraph that starts with ``\b`` keeps its
    lines, and ``\f`` ends the help.
    """
    text = inspect.cleandoc(doc or "").partition("\f")[0]
    return "\n\n".join(
        paragraph if paragraph.startswith("\b") else " ".join(paragraph.split())
        for paragraph in text.split("\n\n")
    )


def _command(callback, name: str | None = None) -> None:
    app.command(name, help=_reflowed(callback.__doc__))(callback)


# The order of --help, which starts with what a newcomer does first.
_command(reading.validate)
_command(running.run)
_command(experiments.sweep)
_command(experiments.sensitivity)
_command(teaching.play)
_command(checking.check_patterns_command, "check-patterns")
_command(calibrating.calibrate)
_command(checking.check_directions_command, "check-directions")
_command(checking.cases)
_command(running.rerun)
_command(teaching.briefs)
_command(teaching.dashboard)
_command(teaching.transcript)
_command(running.plot)
_command(reading.policies)
_command(reading.parameters)
_command(reading.report)
_command(reading.explain)
_command(reading.compare)

#: The line for a Ctrl-C that no command reported itself (see main).
INTERRUPTED = "interrupted: crisis-sim was stopped before it wrote anything."


def main() -> None:
    """Entry point: run the app; user errors exit 2 with a message, Ctrl-C 130 with one line."""
    remember_interrupts()  # a Ctrl-C that a finalizer swallows is still honoured
    try:
        app()
    except UserError as error:
        err.print(f"error: {escape(str(error))}", highlight=False, soft_wrap=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:  # outside the command, e.g. while Typer reads the options
        err.print(INTERRUPTED)
        sys.exit(130)
    except SystemExit as leaving:
        # Typer turns a Ctrl-C it meets into a silent exit 130; a command's own report of
        # one (stoppable) leaves as Interrupted. Anything else still deserves its line.
        if leaving.code == 130 and not isinstance(leaving.__context__, Interrupted):
            err.print(INTERRUPTED)
        raise
