"""A calibration in progress on disk, so that a stopped calibration loses no finished set.

``crisis-sim calibrate ... --out DIR`` keeps ``DIR.incomplete/`` while it runs, as
``crisis-sim run`` does (:mod:`sim.run.journal`): first the request (what was asked,
and a hash of every input the answer depends on), then one line of ``measures.jsonl``
per parameter set as soon as it is measured. ``crisis-sim calibrate --resume DIR`` reads
the request, refuses inputs that have changed since, and runs only the sets whose
measures are missing.

The answer is the same, to the byte, as an uninterrupted calibration's: a set's worlds
depend on its values, its world indices and the seed alone, never on which sets run
beside it (:mod:`sim.run.sets`), and its design and later rounds' boxes are drawn from
the seed and the measures, which the journal keeps exactly (JSON keeps a float's every
digit). The lines of a chunk's sets go in one ``write``, flushed to disk, so a kill at any
moment leaves at worst a cut last line, which is ignored and its set run again.

A calibration's journal is read as data only: nothing in it is run or unpickled.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sim.errors import UserError
from sim.run.journal import (
    FORMAT,
    REQUEST,
    SUFFIX,
    begin,
    journal_path,
    read_request,
    retire,
)

MEASURES = "measures.jsonl"
KIND = "calibration"


def inputs_hash(texts: Iterable[str]) -> str:
    """Return one SHA-256 over the texts a calibration's answer depends on, in order."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(hashlib.sha256(text.encode()).digest())
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    """Return a measure as JSON keeps it exactly: numpy's numbers as Python's (NaN stays)."""
    return value.item() if hasattr(value, "item") else value


class SetsLedger:
    """The finished sets of one part of a calibration (one round, in one case)."""

    def __init__(self, journal: CalibrationJournal, part: str) -> None:
        self.journal = journal
        self.part = part

    def finished(self) -> dict[int, dict[str, Any]]:
        """Return the measures already kept, by set number."""
        return dict(self.journal.measures().get(self.part, {}))

    def keep(self, measured: dict[int, dict[str, Any]]) -> None:
        """Keep the measures of sets just finished (by set number), flushed to disk."""
        self.journal.append(self.part, measured)


class CalibrationJournal:
    """The journal of one calibration: its request and its measured sets."""

    def __init__(self, folder: Path, request: dict[str, Any]) -> None:
        self.folder = Path(folder)
        self.request = request
        self._measures: dict[str, dict[int, dict[str, Any]]] | None = None
        self._made: list[Path] = []  # folders made for the journal, to remove with it

    @property
    def out(self) -> Path:
        """The calibration folder the journal will become."""
        return self.folder.with_name(self.folder.name.removesuffix(SUFFIX))

    @classmethod
    def start(cls, out: Path, request: dict[str, Any]) -> CalibrationJournal:
        """Begin the journal of a new calibration that will become ``out``."""
        folder = journal_path(out)
        made = [parent for parent in folder.parents if not parent.exists()]
        request = begin(
            folder, ".", {"kind": KIND, **request}, "calibration", "crisis-sim calibrate --resume"
        )
        journal = cls(folder, request)
        journal._made = made
        return journal

    @classmethod
    def open(cls, path: Path) -> CalibrationJournal:
        """Open the journal of a stopped calibration: ``DIR`` or ``DIR.incomplete``."""
        path = Path(path)
        folder = journal_path(path)
        if not (folder / REQUEST).is_file():
            if path.is_dir() and (path / "sets.csv").is_file():
                raise UserError(
                    f"{path} is a finished calibration: there is nothing to resume. To "
                    "repeat it, run its command again (manifest.json says what it was)."
                )
            raise UserError(
                f"No stopped calibration at {path}: {folder} does not hold a calibration's "
                f"journal ({REQUEST}). Pass the --out folder of a calibration that was stopped."
            )
        request = read_request(folder, "start the calibration again")
        if (
            not isinstance(request, dict)
            or request.get("format") != FORMAT
            or request.get("kind") != KIND
        ):
            raise UserError(
                f"{folder / REQUEST} is not a calibration's journal that this version of "
                f"crisis-sim wrote (a run's is resumed by `crisis-sim run --resume`). Delete "
                f"{folder} and start the calibration again."
            )
        return cls(folder, request)

    def check_inputs(self, found: str, what: str) -> None:
        """Refuse to resume when an input has changed since the calibration started."""
        if found != self.request.get("inputs"):
            raise UserError(
                f"{what} changed since the calibration in {self.folder} started, so its "
                "finished sets and the rest would answer two different questions. Restore "
                f"the files as they were, or delete {self.folder} and start again."
            )

    def part(self, name: str) -> SetsLedger:
        """Return the ledger of one part (e.g. ``"round 1"``, ``"round 1/sev-lake-2021"``)."""
        return SetsLedger(self, name)

    def measures(self) -> dict[str, dict[int, dict[str, Any]]]:
        """Return every kept set's measures, by part and set number."""
        if self._measures is None:
            self._measures = {}
            path = self.folder / MEASURES
            lines = path.read_text("utf-8").split("\n") if path.exists() else []
            for number, line in enumerate(lines, 1):
                if not line:
                    continue
                try:
                    entry = json.loads(line)
                    part, index, values = entry["part"], int(entry["set"]), entry["measures"]
                except (ValueError, KeyError, TypeError):
                    if number == len(lines):  # cut by a kill while it was written
                        continue
                    raise UserError(
                        f"Line {number} of {path} cannot be read. The journal is damaged: "
                        f"delete {self.folder} and start the calibration again."
                    ) from None
                self._measures.setdefault(part, {})[index] = values
        return self._measures

    def append(self, part: str, measured: dict[int, dict[str, Any]]) -> None:
        """Add sets' measures to the journal, a line each, in one write flushed to disk."""
        lines = "".join(
            json.dumps(
                {"part": part, "set": int(number), "measures": {k: _plain(v) for k, v in m.items()}}
            )
            + "\n"
            for number, m in measured.items()
        )
        try:
            with open(self.folder / MEASURES, "a", encoding="utf-8") as handle:
                handle.write(lines)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            raise UserError(
                f"Keeping measured sets in {self.folder} failed ({error.strerror or error}). "
                "The sets finished before are kept: free some space, then "
                f"`crisis-sim calibrate --resume {self.out}`."
            ) from None
        self.measures().setdefault(part, {}).update(measured)

    def progress(self) -> str:
        """Say how far the calibration got, as the disk holds it: e.g. '1,200 sets measured'."""
        kept = sum(len(sets) for sets in self.on_disk().values())
        return f"{kept:,} {'set' if kept == 1 else 'sets'} measured"

    def has_measures(self) -> bool:
        """Say whether the disk holds any set's measures.

        Read from the file, not from what this process remembers: a Ctrl-C between a
        chunk's write and the memory's update must not make a kept set look lost (and
        its journal be removed).
        """
        return any(self.on_disk().values())

    def on_disk(self) -> dict[str, dict[int, dict[str, Any]]]:
        """Return every kept set's measures as the file holds them now."""
        self._measures = None
        return self.measures()

    def finish(self) -> None:
        """Remove the journal: the calibration's folder is written, or nothing was kept.

        Folders made only to hold the journal go too if nothing else is in them, so a
        calibration refused before its first set leaves nothing behind.
        """
        retire(self.folder)
        for parent in self._made:  # innermost first
            try:
                parent.rmdir()
            except OSError:  # not empty: the results folder, or someone else's files
                break
