"""Results folders on disk: writing one whole or not at all, and reading one back.

Plots, comparisons, narrated worlds and reports all start from a folder written by
``crisis-sim run`` (see docs/results.md); this is the one place that opens it, and
runs, sweeps, sensitivity analyses and comparisons are all written through
:func:`atomic_folder`. It imports nothing from the model, so reading a folder never
needs the simulator.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.errors import UserError
from sim.interrupts import deferred_interrupts, raise_if_interrupted

if TYPE_CHECKING:
    from sim.spec.schema import Cast


class RunFolderError(UserError):
    """A folder cannot be read: it is missing, incomplete, damaged or not a results folder."""


@dataclass
class RunFolder:
    """A complete results folder: its path, its manifest and (on first use) its tables."""

    path: Path
    manifest: dict
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        """The folder's name, as a short label for the run."""
        return self.path.name

    @property
    def worlds(self) -> pd.DataFrame:
        """One row per world (``worlds.parquet``)."""
        return self.table("worlds")

    @property
    def cast(self) -> Cast | None:
        """Who played each role in the run (None when the manifest does not say).

        The catalogue's words name it (``WorldMeasure.named``, ``RunPlot.named``), so a
        report of the Kyrgyz-Tajik case speaks of Kyrgyzstan, not Armenia.
        """
        from sim.spec.schema import Cast  # the schema only: no model is loaded

        scenario = self.manifest.get("scenario")
        if not isinstance(scenario, dict):
            return None
        return Cast.model_validate(scenario.get("cast") or {})

    def table(self, name: str) -> pd.DataFrame:
        """Return ``<name>.parquet`` (read once), or raise if the folder lacks it."""
        if name not in self._tables:
            path = self.path / f"{name}.parquet"
            if not path.exists():
                raise RunFolderError(
                    f"{self.path} is damaged: {path.name} is missing. Rerun the scenario."
                )
            try:
                self._tables[name] = pd.read_parquet(path)
            except (OSError, ValueError) as error:
                raise RunFolderError(
                    f"{path} cannot be read ({error}). The folder is damaged; rerun the scenario."
                ) from None
        return self._tables[name]


def common_cast(runs: list[RunFolder]) -> Cast | None:
    """Return the cast the runs share, or None when they differ (then words name the roles)."""
    casts = [run.cast for run in runs]
    first = casts[0] if casts else None
    return first if all(cast == first for cast in casts) else None


def read_manifest(run_dir: Path) -> dict:
    """Return a complete results folder's manifest, or raise a RunFolderError saying why not."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise RunFolderError(
            f"{run_dir} is not a folder. Pass a results folder written by "
            "`crisis-sim run` (they live under results/)."
        )
    path = run_dir / "manifest.json"
    if not path.exists() and (run_dir / "request.json").exists():
        out = run_dir.name.removesuffix(".incomplete")
        raise RunFolderError(
            f"{run_dir} is a run that was stopped before it finished: it holds only the "
            f"chunks done so far. Finish it with `crisis-sim run --resume {run_dir}`; the "
            f"results will then be in {run_dir.with_name(out)}."
        )
    if not path.exists():
        raise RunFolderError(
            f"{run_dir} is not a crisis-sim results folder: manifest.json is "
            "missing. Pass a folder written by `crisis-sim run`."
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RunFolderError(
            f"{path} is not valid JSON ({error}). The folder is damaged; rerun the scenario."
        ) from None
    if not isinstance(manifest, dict) or manifest.get("complete") is not True:
        raise RunFolderError(
            f"{run_dir} holds an incomplete run (manifest.json does not say complete). "
            "Rerun the scenario."
        )
    return manifest


def open_run(run_dir: Path | str) -> RunFolder:
    """Open a complete results folder, or raise a RunFolderError saying what is wrong."""
    run_dir = Path(run_dir)
    return RunFolder(run_dir, read_manifest(run_dir))


def stamped_folder(root: Path, stem: str, tail: str = "") -> Path:
    """Return a new folder name under ``root``: ``STEM-<UTC time>TAIL``.

    ``-2``, ``-3``... are added when two folders are named in the same second.
    """
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    base = f"{stem}-{stamp}{tail}"
    candidate, suffix = Path(root) / base, 1
    while candidate.exists():
        suffix += 1
        candidate = Path(root) / f"{base}-{suffix}"
    return candidate


def check_target(
    out: Path, replace: bool, what: str = "run", marker: str = "manifest.json"
) -> None:
    """Refuse, before any work, to write a folder where it would overwrite something or cannot.

    ``what`` names the folder's kind in messages; ``marker`` is the file that shows an
    existing folder is one of ours, so ``--replace`` may swap it out.
    """
    out = Path(out)
    blocker = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise UserError(
            f"Cannot write {out}: {blocker} is a file, not a folder. Choose another --out."
        )
    if out.exists() and not replace:
        raise UserError(
            f"{out} already exists and a {what} is never overwritten silently. "
            f"Choose another --out, or pass --replace to swap it for the new {what}."
        )
    if out.exists() and not (out.is_dir() and (out / marker).exists()):
        raise UserError(
            f"{out} exists and is not a {what} folder crisis-sim wrote (no {marker}), so "
            "--replace will not delete it. Choose another --out."
        )


@contextlib.contextmanager
def atomic_folder(
    out: Path, replace: bool = False, what: str = "run", marker: str = "manifest.json"
) -> Iterator[Path]:
    """Yield a hidden temporary sibling of ``out`` to fill; rename it into place when done.

    Checked first with :func:`check_target`. If the block raises (or is interrupted),
    the temporary folder is removed and ``out`` is untouched; with ``replace``, an
    existing ``out`` is swapped out only once the new folder is complete. So a folder
    that exists is whole: runs, sweeps and comparisons are all written this way.
    ``what`` and ``marker`` are as in :func:`check_target`.
    """
    out = Path(out)
    check_target(out, replace, what, marker)
    temporary = out.parent / f".{out.name}.partial-{os.getpid()}"
    try:
        # Inside the clean-up's try: a Ctrl-C just after the folder is made, before the
        # block begins, must not leave it behind (the CI saw one, stop 21).
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(temporary, ignore_errors=True)
            temporary.mkdir()
        except OSError as error:
            raise UserError(
                f"Cannot write {out} ({error.strerror or error}). Check that its folder can "
                "be written to, or choose another --out."
            ) from None
        yield temporary
        raise_if_interrupted()  # one a finalizer swallowed while the folder was filled
        with deferred_interrupts():  # a Ctrl-C between the two renames would lose ``out``
            if out.exists():
                retired = out.parent / f".{out.name}.replaced-{os.getpid()}"
                out.rename(retired)
                temporary.rename(out)
                shutil.rmtree(retired, ignore_errors=True)
            else:
                temporary.rename(out)
    except OSError as error:  # a full disk, a lost network share: say so, leave nothing
        shutil.rmtree(temporary, ignore_errors=True)
        raise UserError(
            f"Writing {out} failed ({error.strerror or error}"
            + (f": {error.filename}" if error.filename else "")
            + "). Nothing was left behind"
            + (" and the earlier folder is unchanged" if replace and out.exists() else "")
            + ". Free some space, or choose another --out."
        ) from None
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
