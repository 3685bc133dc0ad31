"""Reading a results folder: its manifest and tables, with clear errors when it is not one.

Plots, comparisons, narrated worlds and reports all start from a folder written by
``crisis-sim run`` (see docs/results.md); this is the one place that opens it. It
imports nothing from the model, so reading a folder never needs the simulator.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.errors import UserError


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


def read_manifest(run_dir: Path) -> dict:
    """Return a complete results folder's manifest, or raise a RunFolderError saying why not."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise RunFolderError(
            f"{run_dir} is not a folder. Pass a results folder written by "
            "`crisis-sim run` (they live under results/)."
        )
    path = run_dir / "manifest.json"
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
