"""A run in progress on disk, so that a killed run loses no finished work.

``crisis-sim run --out DIR`` works in ``DIR.incomplete/``: first the request (the
scenario as resolved, seed, worlds, chunk size), then each chunk of worlds as it
finishes, its outcome rows and its aggregates as plain arrays. Every file is written
under a temporary name, flushed to disk and renamed, so a chunk on disk is whole and a
``kill -9`` at any moment leaves at worst an unfinished temporary file, which is
ignored. When every chunk is done the results folder is written atomically
(:func:`sim.folders.runfolder.atomic_folder`) and the journal is removed.

So a folder under its final name is always complete, an interrupted one carries
``.incomplete`` in its name and says how far it got, and ``crisis-sim run --resume DIR``
simulates only the missing chunks. Worlds depend on their index and the seed alone, and
chunks merge exactly, so the resumed run's outcomes are byte-identical to an
uninterrupted run's (tests/test_resume.py kills real runs to check it).

Nothing here unpickles: chunks are Parquet tables and ``.npz`` arrays read with
``allow_pickle=False``, so resuming a journal someone else sent runs no code.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import UserError
from sim.run.ensemble import Chunk
from sim.run.record import Recorder

SUFFIX = ".incomplete"
REQUEST = "request.json"
#: What a request must say for a run to be resumed as it was started.
REQUIRED = {
    "scenario", "seed", "worlds", "chunk_size", "source", "command", "replace", "csv", "plots"
}  # fmt: skip
FORMAT = 1


def journal_path(out: Path) -> Path:
    """Return where the run that will become ``out`` keeps its journal."""
    out = Path(out)
    return out if out.name.endswith(SUFFIX) else out.with_name(out.name + SUFFIX)


def _write_atomically(path: Path, write) -> None:
    """Write a file under a temporary name, flush it to disk, then give it its name."""
    temporary = path.with_name(path.name + ".tmp")
    write(temporary)
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def begin(folder: Path, inside: str, request: dict[str, Any], what: str, resume: str) -> dict:
    """Make a new journal's folder (and ``inside`` it) and write its request; return it.

    ``what`` names the work (``a run``, ``a calibration``) and ``resume`` the command
    that finishes it, for the messages.
    """
    if folder.exists():
        raise UserError(
            f"{folder} holds an interrupted {what} of {folder.name.removesuffix(SUFFIX)}. "
            f"Finish it with `{resume} {folder}`, or delete that folder to start again."
        )
    request = {
        "format": FORMAT,
        **request,
        "started_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    # A journal is a folder with its request in it. Until the request is in place nothing
    # can tell the folder is a journal (to resume or to tidy after a Ctrl-C), so a failure
    # or an interrupt before then takes the folder away again.
    try:
        try:
            (folder / inside).mkdir(parents=True)
        except OSError as error:
            raise UserError(
                f"Cannot write {folder} ({error.strerror or error}). Check that its folder "
                "can be written to, or choose another --out."
            ) from None
        _write_atomically(
            folder / REQUEST, lambda p: p.write_text(json.dumps(request, indent=1), "utf-8")
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return request


def retire(folder: Path) -> None:
    """Remove a finished journal: renamed out of the way first, then deleted.

    The rename is one step, so a kill while the files are being deleted leaves a hidden
    leftover (``.NAME.finished-PID``), not a journal that looks unfinished.
    """
    retired = folder.with_name(f".{folder.name}.finished-{os.getpid()}")
    try:
        os.replace(folder, retired)
    except OSError:
        retired = folder
    shutil.rmtree(retired, ignore_errors=True)


def read_request(folder: Path, again: str) -> Any:
    """Return the JSON of a journal's request; a damaged one is a message.

    ``again`` says how to start over (``run the scenario again``).
    """
    try:
        return json.loads((folder / REQUEST).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise UserError(
            f"{folder / REQUEST} cannot be read ({error}). The journal is damaged: "
            f"delete {folder} and {again}."
        ) from None


class Journal:
    """The journal of one run: its request and its finished chunks."""

    def __init__(self, folder: Path, request: dict[str, Any]) -> None:
        self.folder = Path(folder)
        self.request = request
        self.chunks = self.folder / "chunks"

    @property
    def out(self) -> Path:
        """The results folder the run will become."""
        return self.folder.with_name(self.folder.name.removesuffix(SUFFIX))

    # -- starting and opening ------------------------------------------------------------------
    @classmethod
    def start(cls, out: Path, request: dict[str, Any]) -> Journal:
        """Begin the journal of a new run that will become ``out``."""
        folder = journal_path(out)
        request = begin(folder, "chunks", request, "run", "crisis-sim run --resume")
        return cls(folder, request)

    @classmethod
    def open(cls, path: Path) -> Journal:
        """Open the journal of an interrupted run: ``DIR`` or ``DIR.incomplete``."""
        path = Path(path)
        folder = journal_path(path)
        if not (folder / REQUEST).is_file():
            if (path / "manifest.json").is_file():
                raise UserError(
                    f"{path} is a complete run: there is nothing to resume. To repeat it, "
                    f"use `crisis-sim rerun {path}`."
                )
            raise UserError(
                f"No interrupted run at {path}: {folder} does not hold a run's journal "
                f"({REQUEST}). Pass the --out folder of a run that was stopped."
            )
        request = read_request(folder, "run the scenario again")
        if (
            not isinstance(request, dict)
            or request.get("format") != FORMAT
            or not set(request) >= REQUIRED
        ):
            raise UserError(
                f"{folder / REQUEST} is not a journal this version of crisis-sim wrote. "
                f"Delete {folder} and run the scenario again."
            )
        return cls(folder, request)

    # -- chunks ----------------------------------------------------------------------------------
    def _files(self, first: int) -> tuple[Path, Path]:
        stem = self.chunks / f"{first:012d}"
        return stem.with_suffix(".parquet"), stem.with_suffix(".npz")

    def save(self, chunk: Chunk, outcomes: pd.DataFrame, recorder: Recorder) -> None:
        """Record a finished chunk (its aggregates first: the table marks it done)."""
        table, arrays = self._files(chunk.first)
        try:
            _write_atomically(arrays, lambda p: _save_npz(p, recorder.to_arrays()))
            _write_atomically(table, lambda p: outcomes.to_parquet(p, index=False))
        except OSError as error:  # a full disk: the chunks before this one are safe
            raise UserError(
                f"Keeping worlds {chunk.first:,}-{chunk.first + chunk.size - 1:,} in "
                f"{self.folder} failed ({error.strerror or error}). The chunks finished "
                f"before are kept: free some space, then `crisis-sim run --resume {self.out}`."
            ) from None

    def done(self) -> dict[int, tuple[pd.DataFrame, Recorder]]:
        """Return the finished chunks by their first world."""
        found = {}
        for table in sorted(self.chunks.glob("*.parquet")):
            first = int(table.stem)
            arrays = table.with_suffix(".npz")
            try:
                with np.load(arrays, allow_pickle=False) as saved:
                    recorder = Recorder.from_arrays({k: saved[k] for k in saved.files})
                found[first] = (pd.read_parquet(table), recorder)
            except (OSError, ValueError, KeyError) as error:
                raise UserError(
                    f"Chunk {table.name} of {self.folder} cannot be read ({error}). The journal "
                    f"is damaged: delete {table} and {arrays.name} to redo that chunk."
                ) from None
        return found

    def has_chunks(self) -> bool:
        """Say whether any chunk has finished."""
        return any(self.chunks.glob("*.parquet"))

    def progress(self) -> str:
        """Say how far the run got, e.g. '3 of 8 chunks (3,000 of 8,000 worlds)'."""
        worlds, size = self.request["worlds"], self.request["chunk_size"]
        total = -(-worlds // size)
        finished = list(self.chunks.glob("*.parquet"))
        done_worlds = sum(min(size, worlds - int(p.stem)) for p in finished)
        return f"{len(finished)} of {total} chunks ({done_worlds:,} of {worlds:,} worlds)"

    def finish(self) -> None:
        """Remove the journal once the results folder is written.

        It is renamed out of the way first (one step), so a kill while its files are
        being deleted leaves a hidden leftover, not a journal that looks unfinished.
        """
        retire(self.folder)

    def finished_run(self) -> Path | None:
        """Return the results folder if this run was written already (killed just after)."""
        from sim.folders.runfolder import RunFolderError, read_manifest
        from sim.spec.loading import scenario_hash
        from sim.spec.schema import Scenario

        try:
            manifest = read_manifest(self.out)
            scenario = Scenario.model_validate(self.request["scenario"])
        except (RunFolderError, KeyError, ValueError):
            return None
        same = (
            manifest.get("scenario_hash") == scenario_hash(scenario)
            and manifest.get("seed") == self.request.get("seed")
            and manifest.get("worlds") == self.request.get("worlds")
        )
        return self.out if same else None


def _save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)
