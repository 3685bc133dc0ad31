"""The ``crisis-sim`` command line: run, analyse and explain crisis scenarios.

:mod:`sim.cli.app` holds the Typer app and :func:`main`; one module per group of
commands holds the commands (see its docstring). ``python -m sim.cli`` runs it; the
console script goes through :mod:`sim.__main__`, which guards this import for Ctrl-C.
"""

from sim.cli.app import app, main

__all__ = ["app", "main"]
