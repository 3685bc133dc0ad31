"""The patterns of the May 2021 case, as checks on the worlds of a results folder.

Pattern-oriented modelling asks a model to reproduce, at once, several patterns seen in
the real case, each at a different level (the ground taken, the violence, the
alliance, the patron, the talks, the public). Each :class:`Pattern` states one fact of
the case brief (``docs/model.md``, section 1.2) and checks it on every world of a run's
``worlds.parquet``. A pattern *holds* in a run when it holds in most of its worlds.

``crisis-sim check-patterns RUN_DIR`` prints the table; :func:`check_patterns` returns it.
Another crisis has other patterns: write them as a ``PATTERNS`` tuple in a Python file
and pass it with ``--patterns FILE`` (:func:`load_patterns`; docs/authoring.md).
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import UserError
from sim.folders.runfolder import RunFolderError, open_run

#: A pattern holds in a run when it holds in more than this share of its worlds.
MAJORITY = 0.5


@dataclass(frozen=True)
class Pattern:
    """One observed pattern of the case, and its check on a table of worlds."""

    key: str
    statement: str  # what the case shows, in plain words
    check_text: str  # the check, in terms of the worlds table's columns
    columns: tuple[str, ...]
    check: Callable[[pd.DataFrame], pd.Series]


# -- patterns the real cases share (scenarios/cases/*/patterns.py) ---------------------------
def fire_by_day(day: float, statement: str, key: str = "fighting_at_once") -> Pattern:
    """Fire was exchanged by ``day`` (counted from 0): the clash cases' opening."""
    return Pattern(
        key,
        statement,
        f"first_shot_day ≤ {day:g}",
        ("first_shot_day",),
        lambda w: w.first_shot_day <= day,
    )


def no_ground_changed_hands(statement: str = "No ground changed hands") -> Pattern:
    """Return the pattern that the line stayed where it was: no ground was ever held."""
    return Pattern(
        "no_ground_changed_hands",
        statement,
        "max_depth_km = 0",
        ("max_depth_km",),
        lambda w: w.max_depth_km == 0.0,
    )


def killed_near(record: int, about: str, key: str) -> Pattern:
    """Both sides' killed within a factor of three of the record's ``record``.

    ``about`` says the record in words (``About 20 killed``); the range is added.
    """
    low, high = round(record / 3), record * 3
    return Pattern(
        key,
        f"{about} (within a factor of three: {low} to {high})",
        f"{low} ≤ killed_defender + killed_attacker ≤ {high}",
        ("killed_defender", "killed_attacker"),
        lambda w: (w.killed_defender + w.killed_attacker).between(low, high),
    )


def no_collective_measures(statement: str) -> Pattern:
    """Return the pattern that the alliance never reached collective measures."""
    return Pattern(
        "no_collective_measures",
        statement,
        "alliance_final_state ≠ collective_measures",
        ("alliance_final_state",),
        lambda w: w.alliance_final_state != "collective_measures",
    )


def _no_shot_before(day: float) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda w: ~(w.first_shot_day <= day)


PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "advance_depth",
        "Azerbaijani forces advanced a few km, at most 3.5, meeting little resistance",
        "1 ≤ max_depth_km ≤ 3.5",
        ("max_depth_km",),
        lambda w: w.max_depth_km.between(1.0, 3.5 + 1e-9),
    ),
    Pattern(
        "no_shots",
        "No shot was fired in the first days",
        "no shot by day 4 (first_shot_day empty or later)",
        ("first_shot_day",),
        _no_shot_before(4.0),
    ),
    Pattern(
        "alliance_statement_only",
        "Armenia appealed to the CSTO, which answered with a statement and no collective measures",
        "appeal_day set and alliance_final_state = statement",
        ("appeal_day", "alliance_final_state"),
        lambda w: w.appeal_day.notna() & (w.alliance_final_state == "statement"),
    ),
    Pattern(
        "patron_urges_restraint",
        "Russia phoned both sides and urged restraint",
        "patron_urged_restraint",
        ("patron_urged_restraint",),
        lambda w: w.patron_urged_restraint.astype(bool),
    ),
    Pattern(
        "patron_no_troops",
        "Russia did not move troops against Azerbaijan",
        "outcome is neither patron_interposition nor alliance_intervention",
        ("outcome",),
        lambda w: ~w.outcome.isin(["patron_interposition", "alliance_intervention"]),
    ),
    Pattern(
        "local_talks",
        "Local commanders began talks within days, from the positions taken",
        "talks_day ≤ 5",
        ("talks_day",),
        lambda w: w.talks_day <= 5.0,
    ),
    Pattern(
        "alarm_spike_then_calm",
        "Public alarm in Armenia spiked before the official statement and fell after it",
        "peak_alarm ≥ 0.4, peak_alarm_day ≤ statement_day ≤ 3, final_alarm < 0.75 × peak_alarm",
        ("peak_alarm", "peak_alarm_day", "statement_day", "final_alarm"),
        lambda w: (
            (w.peak_alarm >= 0.4)
            & (w.peak_alarm_day <= w.statement_day)
            & (w.statement_day <= 3.0)
            & (w.final_alarm < 0.75 * w.peak_alarm)
        ),
    ),
)


def _refuse(path: Path, problem: str) -> UserError:
    return UserError(
        f"{path}: {problem} A patterns file defines PATTERNS, a tuple of "
        "sim.readers.patterns.Pattern, each with a unique key; see docs/authoring.md, "
        "section 6, and sim/readers/patterns.py for the May 2021 case's."
    )


@cache
def _patterns_from(path: Path, digest: str) -> tuple[Pattern, ...]:
    """Import a patterns file once per content (``digest``), in any process."""
    name = f"crisis_sim_patterns_{digest[:16]}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise _refuse(path, "is not a Python file.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # before running it, as importlib's recipe: dataclasses need it
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # the user's code: report where it failed, not a traceback
        del sys.modules[name]
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(path)]
        line = getattr(error, "lineno", None) or (frames[-1].lineno if frames else "?")
        raise _refuse(path, f"line {line}: {type(error).__name__}: {error}.") from None
    found = getattr(module, "PATTERNS", None)
    if not isinstance(found, Sequence) or not found:
        raise _refuse(path, "defines no PATTERNS (or an empty one).")
    if not all(isinstance(p, Pattern) for p in found):
        raise _refuse(path, "PATTERNS holds something that is not a Pattern.")
    keys = [p.key for p in found]
    if len(set(keys)) < len(keys) or not all(k.isidentifier() for k in keys):
        raise _refuse(path, f"pattern keys must be unique names (got {', '.join(keys)}).")
    return tuple(found)


def patterns_digest(path: Path | str | None) -> str:
    """Return the SHA-256 of a patterns file, or ``"may-2021"`` for the built-in patterns."""
    if path is None:
        return "may-2021"
    try:
        return hashlib.sha256(Path(path).resolve().read_bytes()).hexdigest()
    except OSError as error:
        raise UserError(
            f"Cannot read the patterns file {path}: {error.strerror or error}. Check the path."
        ) from None


def load_patterns(path: Path | str | None) -> tuple[Pattern, ...]:
    """Return the patterns a file defines, or the May 2021 case's when ``path`` is None."""
    if path is None:
        return PATTERNS
    return _patterns_from(Path(path).resolve(), patterns_digest(path))


def pattern_table(worlds: pd.DataFrame, patterns: Sequence[Pattern] = PATTERNS) -> pd.DataFrame:
    """Return one boolean column per pattern, saying whether it holds in each world."""
    missing = sorted({c for p in patterns for c in p.columns} - set(worlds.columns))
    if missing:
        raise RunFolderError(
            f"The worlds table lacks {', '.join(missing)}, which the pattern checks read. "
            "It was written by an older crisis-sim (rerun the scenario), or a pattern "
            "names a column that does not exist (docs/results.md lists them)."
        )
    held = {}
    for p in patterns:
        try:
            held[p.key] = np.asarray(p.check(worlds), dtype=bool)
        except Exception as error:  # a user's check: name it, do not dump a traceback
            raise UserError(
                f"The check of pattern {p.key} failed: {type(error).__name__}: {error}. It "
                "must take the worlds table and return one true or false per world."
            ) from None
        if held[p.key].shape != (len(worlds),):
            raise UserError(
                f"The check of pattern {p.key} returned {held[p.key].size} values for "
                f"{len(worlds)} worlds: it must return one true or false per world."
            )
    return pd.DataFrame(held)


def check_patterns(run_dir: Path | str, patterns: Sequence[Pattern] = PATTERNS) -> pd.DataFrame:
    """Return, for each pattern, the share of the run's worlds in which it holds.

    Columns: ``pattern``, ``statement``, ``check``, ``share``, ``holds`` (share above
    :data:`MAJORITY`). The last row, ``all``, is the share of worlds where every pattern
    holds at once.
    """
    worlds = open_run(run_dir).worlds
    table = pattern_table(worlds, patterns)
    rows = [
        {
            "pattern": p.key,
            "statement": p.statement,
            "check": p.check_text,
            "share": float(table[p.key].mean()),
        }
        for p in patterns
    ]
    rows.append(
        {
            "pattern": "all",
            "statement": "every pattern at once, in the same world",
            "check": "all of the above",
            "share": float(np.logical_and.reduce(table.to_numpy(), axis=1).mean()),
        }
    )
    result = pd.DataFrame(rows)
    result["holds"] = result["share"] > MAJORITY
    return result
