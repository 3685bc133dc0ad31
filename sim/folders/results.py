"""Results folders: written atomically, read back by plots and comparisons.

The format is documented in docs/results.md. A run is first written into a hidden
temporary sibling and renamed into place once complete, so a folder that exists under
its final name is whole; an existing folder is replaced only when asked, and only
after the new one is complete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import time
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from sim.catalogue.measures import QUANTILE_COLUMNS, QUANTILES
from sim.catalogue.outcomes import classes_for
from sim.core.actions import Rung
from sim.folders.runfolder import atomic_folder, stamped_folder
from sim.run.ensemble import EnsembleResult
from sim.run.record import CATEGORIES, MEASURES, SUM_SCALE, Recorder
from sim.spec.loading import scenario_hash

FORMAT = 1
OUTCOME_HASH_COLUMNS = [
    "world",
    "outcome",
    "max_depth_km",
    "final_depth_km",
    "max_rung",
    "killed_defender",
    "killed_attacker",
    "wounded_defender",
    "wounded_attacker",
    "first_shot_day",
    "talks_day",
    "end_day",
]


def versions() -> dict[str, str]:
    """Return the versions of Python and the libraries a result depends on."""
    found = {"python": platform.python_version()}
    for name in (
        "crisis-sim",
        "mesa",
        "numpy",
        "pandas",
        "pyarrow",
        "scipy",
        "pydantic",
        "matplotlib",
    ):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def outcome_hash(outcomes: pd.DataFrame) -> str:
    """SHA-256 of the per-world outcomes in a canonical form (same worlds, same hash)."""
    frame = outcomes[OUTCOME_HASH_COLUMNS].sort_values("world")
    digest = hashlib.sha256()
    for column in OUTCOME_HASH_COLUMNS:
        values = frame[column].to_numpy()
        digest.update(column.encode())
        if values.dtype == object:
            digest.update("\x00".join(map(str, values)).encode())
        else:
            digest.update(np.ascontiguousarray(values.astype(np.float64)).tobytes())
    return digest.hexdigest()


def quantiles_from_histogram(counts: np.ndarray, edges: np.ndarray) -> list[float]:
    """Return the QUANTILES of a fixed-bin histogram, interpolating within a bin."""
    total = counts.sum()
    if total == 0:
        return [float("nan")] * len(QUANTILES)
    cumulative = np.concatenate([[0], np.cumsum(counts)]) / total
    return [float(np.interp(q, cumulative, edges)) for q in QUANTILES]


def per_tick_tables(recorder: Recorder, tick_hours: int) -> dict[str, pd.DataFrame]:
    """Return the per-tick tables (per_tick, histograms, state_shares) of a run."""
    days = (np.arange(recorder.ticks) + 1) * tick_hours / 24
    stats, hist_rows, share_rows = [], [], []
    for name, bins in MEASURES.items():
        edges = bins.edges
        counts = recorder.histograms[name]
        if name == "rung":  # integer rungs: exact quantiles at the rung itself
            edges = np.arange(bins.count + 1) + 0.5
        for tick in range(recorder.ticks):
            q = quantiles_from_histogram(counts[tick], edges)
            q = list(np.clip(q, recorder.mins[name][tick], recorder.maxs[name][tick]))
            if name == "rung":
                q = [float(np.ceil(v - 0.5)) for v in q]
            mean = recorder.sums[name][tick] / SUM_SCALE / recorder.worlds
            stats.append((tick, days[tick], name, mean, *q))
        nonzero = np.nonzero(counts)
        hist_rows.append(
            pd.DataFrame(
                {
                    "tick": nonzero[0],
                    "measure": name,
                    "bin": nonzero[1],
                    "lower": bins.edges[nonzero[1]],
                    "upper": bins.edges[nonzero[1] + 1],
                    "count": counts[nonzero],
                }
            )
        )
    for variable, states in CATEGORIES.items():
        counts = recorder.category_counts[variable]
        shares = counts / counts.sum(axis=1, keepdims=True)
        for index, state in enumerate(states):
            share_rows.append(
                pd.DataFrame(
                    {
                        "tick": np.arange(recorder.ticks),
                        "day": days,
                        "variable": variable,
                        "state": state,
                        "share": shares[:, index],
                    }
                )
            )
    per_tick = pd.DataFrame(
        stats,
        columns=["tick", "day", "measure", "mean", *QUANTILE_COLUMNS],
    )
    return {
        "per_tick": per_tick,
        "histograms": pd.concat(hist_rows, ignore_index=True),
        "state_shares": pd.concat(share_rows, ignore_index=True),
    }


def default_run_dir(root: Path, scenario_name: str, seed: int) -> Path:
    """Return a new folder name under ``root`` for a run of this scenario and seed."""
    return stamped_folder(root, scenario_name, f"-seed{seed}")


def write_run(
    result: EnsembleResult,
    out: Path,
    *,
    source: Path | None = None,
    command: str = "",
    csv: bool = False,
    replace: bool = False,
    plots: bool = True,
) -> Path:
    """Write a complete results folder at ``out`` atomically; return ``out``."""
    out = Path(out)
    started = time.perf_counter()
    scenario = result.scenario
    with atomic_folder(out, replace) as temporary:
        result.outcomes.to_parquet(temporary / "worlds.parquet", index=False)
        if csv:
            result.outcomes.to_csv(temporary / "worlds.csv", index=False)
        for name, table in per_tick_tables(result.recorder, scenario.tick_hours).items():
            table.to_parquet(temporary / f"{name}.parquet", index=False)
        trajectories = result.recorder.trajectories(list(scenario.sectors), scenario.tick_hours)
        trajectories.to_parquet(temporary / "trajectories.parquet", index=False)
        manifest = {
            "format": FORMAT,
            "complete": True,
            "scenario_name": scenario.name,
            "title": scenario.title,
            "scenario_file": str(source) if source else None,
            "scenario": scenario.model_dump(mode="json", exclude_none=True),
            "scenario_hash": scenario_hash(scenario),
            "seed": result.seed,
            "worlds": result.worlds,
            "start_date": scenario.start_date.isoformat(),
            "tick_hours": scenario.tick_hours,
            "ticks": scenario.ticks,
            "horizon_days": scenario.horizon_days,
            "outcome_classes": classes_for(scenario.cast),  # none of a missing role
            "rung_labels": {str(int(r)): r.label for r in Rung},
            "outcome_hash": outcome_hash(result.outcomes),
            "versions": versions(),
            "engine": dict(result.engine),
            "timings": dict(result.timings),
            "created_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "command": command,
        }
        write_manifest(temporary, manifest)
        if plots:
            from sim.plots.run import draw_all

            draw_all(temporary)
        manifest["timings"]["write_s"] = round(time.perf_counter() - started, 3)
        manifest["timings"]["total_s"] = round(
            manifest["timings"].get("simulate_s", 0) + manifest["timings"]["write_s"], 3
        )
        write_manifest(temporary, manifest)
    return out


def analysis_manifest(
    kind: str, scenario, design: dict, *, engine: dict, timings: dict, command: str
) -> dict:
    """Return the manifest of a sweep or sensitivity folder: identity, design, provenance.

    The same scenario identity and provenance fields as a run's manifest, with ``kind``
    telling the folders apart and ``design`` (method, parameters, points, seed...) between.
    """
    return {
        "format": FORMAT,
        "kind": kind,
        "complete": True,
        "scenario_name": scenario.name,
        "title": scenario.title,
        "scenario": scenario.model_dump(mode="json", exclude_none=True),
        "scenario_hash": scenario_hash(scenario),
        **design,
        "versions": versions(),
        "engine": engine,
        "timings": timings,
        "created_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": command,
    }


def write_analysis_manifest(
    folder: Path, kind: str, scenario, design: dict, *, engine: dict, timings: dict, command: str
) -> dict:
    """Write an analysis folder's manifest (see :func:`analysis_manifest`) and return it."""
    manifest = analysis_manifest(
        kind, scenario, design, engine=engine, timings=timings, command=command
    )
    write_manifest(folder, manifest)
    return manifest


def write_manifest(folder: Path, manifest: dict) -> None:
    """Write ``manifest.json`` into ``folder`` (readable JSON, keys in the given order)."""
    text = json.dumps(manifest, indent=2, sort_keys=False)
    (folder / "manifest.json").write_text(text + "\n", encoding="utf-8")
