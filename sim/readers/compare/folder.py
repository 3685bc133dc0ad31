"""A comparison written as a folder: tables, the summary, plots and ``comparison.json``.

The folder (``results/compare-A-vs-B-<UTC time>/`` unless given) holds ``shares.csv``,
``measures.csv``, ``summary.md``, ``plots/*.png`` and ``comparison.json``. It is
written atomically, like a run's (:func:`sim.folders.runfolder.atomic_folder`), and
replaces only a comparison folder. See docs/analysis.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from sim import __version__
from sim.folders.runfolder import atomic_folder, check_target, stamped_folder
from sim.plots.compare import draw_comparison
from sim.readers.compare.comparison import Comparison
from sim.readers.compare.statistics import run_letters

FORMAT = 1
MANIFEST_NAME = "comparison.json"


def default_comparison_dir(root: Path, comparison: Comparison) -> Path:
    """Return a new folder under ``root``: ``compare-A-vs-B[-and-N-more]-<UTC time>``."""
    names = [
        re.sub(r"[^A-Za-z0-9._-]+", "-", str(r.manifest.get("scenario_name") or r.name)).strip("-.")
        or "run"
        for r in comparison.runs
    ]
    stem = f"compare-{names[0]}-vs-{names[1]}"
    if len(names) > 2:
        stem += f"-and-{len(names) - 2}-more"
    return stamped_folder(root, stem)


def check_comparison_target(out: Path, replace: bool) -> None:
    """Refuse, before any work, to write where it would overwrite something or cannot."""
    check_target(Path(out), replace, what="comparison", marker=MANIFEST_NAME)


def _manifest(comparison: Comparison, files: list[str]) -> dict:
    runs = []
    for run, label, letter in zip(
        comparison.runs, comparison.labels, run_letters(len(comparison.runs)), strict=True
    ):
        manifest = run.manifest
        runs.append(
            {
                "letter": letter,
                "label": label,
                "path": str(run.path.resolve()),
                "scenario_name": manifest.get("scenario_name"),
                "title": manifest.get("title"),
                "scenario_hash": manifest.get("scenario_hash"),
                "seed": manifest.get("seed"),
                "worlds": len(run.worlds),
                "horizon_days": manifest.get("horizon_days"),
                "tick_hours": manifest.get("tick_hours"),
                "outcome_hash": manifest.get("outcome_hash"),
            }
        )
    return {
        "format": FORMAT,
        "kind": "comparison",
        "reference": comparison.labels[0],
        "runs": runs,
        "methods": {
            "shares": "Wilson 95% interval per run; difference vs the reference: Newcomb 95% "
            "interval (statsmodels confint_proportions_2indep)",
            "outcomes": "chi-square test of the outcome distribution (scipy chi2_contingency)",
            "measures": "Welch 95% interval for the difference of means; Mann-Whitney U "
            "(Holm-adjusted across measures), Cliff's delta, Kolmogorov-Smirnov (scipy)",
        },
        "files": files,
        "crisis-sim": __version__,
        "created_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _markdown(comparison: Comparison) -> str:
    title = " vs ".join(comparison.labels)
    return (
        f"# Comparison: {title}\n\n{comparison.summary}\n\n"
        "Tables: `shares.csv` (outcome shares and differences), `measures.csv` (measures and "
        "tests). Plots: `plots/`.\n"
    )


def write_comparison(comparison: Comparison, out_dir: Path | str, *, replace: bool = False) -> Path:
    """Write a comparison folder at ``out_dir`` atomically; return it.

    The folder holds shares.csv, measures.csv, summary.md, plots/*.png and
    comparison.json. It is written as a hidden temporary sibling and renamed into place
    when complete; an existing folder is replaced only with ``replace=True``, only if it
    is a comparison folder, and only after the new one is complete.
    """
    out = Path(out_dir)
    with atomic_folder(out, replace, what="comparison", marker=MANIFEST_NAME) as temporary:
        comparison.shares.to_csv(temporary / "shares.csv", index=False)
        comparison.measures.to_csv(temporary / "measures.csv", index=False)
        (temporary / "summary.md").write_text(_markdown(comparison), encoding="utf-8")
        plots = draw_comparison(comparison, temporary / "plots")
        files = ["shares.csv", "measures.csv", "summary.md"]
        files += [f"plots/{p.name}" for p in plots]
        text = json.dumps(_manifest(comparison, files), indent=2)
        (temporary / MANIFEST_NAME).write_text(text + "\n", encoding="utf-8")
    return out
