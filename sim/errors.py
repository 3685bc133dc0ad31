"""Errors a user can fix: each is printed as a clear paragraph, never as a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class UserError(Exception):
    """Something the user asked for cannot be done; the message says why and how to fix it.

    The command line prints the message and exits with status 2.
    """

    exit_code = 2


def clip(text: str, limit: int = 400) -> str:
    """Shorten text quoted from a file (a 100,000-character value) to a readable length."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 40]}… ({len(text) - limit + 40:,} more characters)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a scenario file."""

    file: Path
    line: int | None
    path: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        path, message = clip(self.path, 120), clip(self.message)
        text = f"{where}: {path + ': ' if path else ''}{message}"
        return f"{text}. Fix: {self.hint}" if self.hint else text + "."


class ScenarioError(UserError):
    """A scenario file (or one it extends) is not valid; every problem found is listed."""

    def __init__(self, problems: list[Problem], source: Path | None = None) -> None:
        self.problems = problems
        #: The scenario file that was loaded (its problems may lie in a file it extends).
        self.source = source or problems[0].file
        count = len(problems)
        head = f"{count} problem{'s' if count != 1 else ''} in scenario {self.source}:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in problems)]))
