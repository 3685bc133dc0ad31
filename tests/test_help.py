"""`--help` reads well in an 80-column terminal: each paragraph wraps to the width.

The commands' docstrings are wrapped at 88 columns in the source; their line breaks are
not the reader's. Help runs in this process (no new interpreter per command), so these
tests are quick.
"""

from __future__ import annotations

import inspect
import re
from functools import cache
from itertools import pairwise

import pytest
from typer.testing import CliRunner

from sim.cli.app import app

WIDTH = 80
#: Rich pads help by a column on each side.
TEXT_WIDTH = WIDTH - 2
ANSI = re.compile(r"\x1b\[[0-9;]*m")
COMMANDS = [command.name or command.callback.__name__ for command in app.registered_commands]


@cache  # each command's help is read by several tests
def _help(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": str(WIDTH)})
    assert result.exit_code == 0, result.output
    return ANSI.sub("", result.output)


def _description(output: str) -> list[list[str]]:
    """Return the paragraphs between the usage line and the first panel, as their lines."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("Usage:")) + 1
    paragraphs: list[list[str]] = [[]]
    for line in lines[start:]:
        if line.strip().startswith("╭"):
            break
        if line.strip():
            paragraphs[-1].append(line.strip())
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_paragraphs_wrap_to_the_terminal_not_to_the_source(command):
    output = _help(*filter(None, [command]))
    paragraphs = _description(output)
    assert paragraphs, output
    for paragraph in paragraphs:
        assert max(map(len, paragraph)) <= TEXT_WIDTH, output
        for line, following in pairwise(paragraph):
            # A line breaks early only if the next word would not have fitted on it.
            next_word = following.split()[0]
            assert len(line) + 1 + len(next_word) > TEXT_WIDTH, (
                f"{command or 'crisis-sim'} --help breaks after {line!r}:\n{output}"
            )


@pytest.mark.parametrize("command", COMMANDS)
def test_help_keeps_every_word_of_the_docstring(command):
    callback = next(
        c.callback for c in app.registered_commands if (c.name or c.callback.__name__) == command
    )
    words = inspect.cleandoc(callback.__doc__).split()
    shown = " ".join(line for p in _description(_help(command)) for line in p).split()
    assert shown == words


def test_run_help_is_not_broken_at_the_docstring_line_ends():
    lines = [line for paragraph in _description(_help("run")) for line in paragraph]
    # With the docstring's line breaks kept, "are." and "run is" stood alone at 80 columns.
    assert "are." not in lines and "run is" not in lines
    assert any(line.startswith("are. While it runs, finished chunks") for line in lines), lines
