"""One self-contained HTML page per run, for an analyst to send or project.

``write_report(RUN_DIR)`` reads a results folder alone (like the plots, it never imports
the model) and writes ``RUN_DIR/report.html``: the scenario's title and description, a
summary of the manifest, the actors and their policies, the outcome shares with 95%
Wilson intervals, a table of key measures, and the run's five plots embedded as PNG data
URIs. The page needs nothing but itself: no scripts, no external style sheets, fonts or
images, so it opens offline, in a mail attachment or on a projector, and prints.

The folder's own ``plots/*.png`` are used when present; missing ones are drawn into a
temporary folder. Nothing is written into the results folder but the report, and the
report is written atomically (a hidden temporary file renamed into place).
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import os
import secrets
import struct
import tempfile
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined

from sim import __version__
from sim.catalogue import measures as measure_catalogue
from sim.catalogue import plots as plot_catalogue
from sim.catalogue.measures import QUANTILE_COLUMNS, QUANTILES
from sim.catalogue.outcomes import OUTCOME_COLOURS
from sim.catalogue.roles import CastLike
from sim.errors import UserError
from sim.folders.runfolder import RunFolder, RunFolderError, open_run
from sim.plots.run import draw_plot, outcome_share_table
from sim.spec.schema import Cast

REPORT_NAME = "report.html"
TEMPLATE = "report.html.j2"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def write_report(run_dir: Path | str, out: Path | str | None = None) -> Path:
    """Write a run's self-contained HTML report and return its path.

    ``out`` defaults to ``RUN_DIR/report.html``; an existing report there is replaced.
    Raises a ``UserError`` (a ``RunFolderError`` for the folder) when the folder is not a
    complete run or ``out`` cannot be written, before anything is drawn.
    """
    run = open_run(run_dir)
    target = Path(out) if out is not None else run.path / REPORT_NAME
    _check_target(target, run)
    html = render_report(run)
    _write_atomically(target, html)
    return target


def render_report(run: RunFolder) -> str:
    """Return the report of an open results folder as one HTML string."""
    manifest = run.manifest
    worlds = run.worlds
    classes = manifest.get("outcome_classes")
    if not isinstance(classes, list) or not classes:
        raise RunFolderError(
            f"{run.path}/manifest.json lists no outcome classes. The folder is damaged; "
            "rerun the scenario."
        )
    needed = {"outcome", *(m.column for m in measure_catalogue.reported())}
    missing = sorted(needed - set(worlds.columns))
    if missing:
        raise RunFolderError(
            f"{run.path}/worlds.parquet lacks the column(s) {', '.join(missing)}. The folder "
            "is damaged or from another version of crisis-sim; rerun the scenario."
        )
    if worlds.empty:
        raise RunFolderError(f"{run.path}/worlds.parquet holds no worlds. Rerun the scenario.")
    scenario = manifest.get("scenario") if isinstance(manifest.get("scenario"), dict) else {}
    summary = _run_summary(run)
    context = {
        "title": str(manifest.get("title") or scenario.get("title") or run.name),
        "description": _paragraphs(scenario.get("description", "")),
        "run": summary,
        "facts": dict(summary),
        "versions": _versions(manifest.get("versions")),
        "actors": actor_rows(scenario),
        "outcomes": _outcome_rows(worlds, classes),
        "measures": _measure_rows(key_measures(worlds, run.cast), run.cast),
        "plots": _plots(run),
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
    }
    return _environment().get_template(TEMPLATE).render(**context)


def key_measures(worlds: pd.DataFrame, cast: CastLike | None = None) -> pd.DataFrame:
    """Return mean and 5/50/95% quantiles of each key measure, and how often events happened.

    Labels name the run's ``cast`` (None: the roles). ``*_day`` measures are summarised
    over the worlds where the event happened (their other rows are NaN); ``happened`` is
    the share of worlds where it did (NaN for measures every world has).
    """
    rows = []
    total = len(worlds)
    shown = measure_catalogue.shown(measure_catalogue.reported(), cast)
    for measure in (m.named(cast) for m in shown):
        values = worlds[measure.column].astype(float)
        present = values.dropna()
        quantiles = dict.fromkeys(QUANTILE_COLUMNS, math.nan)
        if len(present):
            quantiles = dict(zip(QUANTILE_COLUMNS, present.quantile(list(QUANTILES)), strict=True))
        rows.append(
            {
                "measure": measure.column,
                "label": measure.long_label,
                "mean": present.mean() if len(present) else math.nan,
                "q05": quantiles["q05"],
                "q50": quantiles["q50"],
                "q95": quantiles["q95"],
                "worlds": len(present),
                "happened": len(present) / total if measure.is_event else math.nan,
            }
        )
    return pd.DataFrame(rows)


def actor_rows(scenario: dict) -> list[dict]:
    """Return one row per actor of a resolved scenario: name, policy, influence, parameters."""
    actors = scenario.get("actors")
    cast = Cast.model_validate(scenario.get("cast") or {})
    rows = []
    for key, spec in (actors if isinstance(actors, dict) else {}).items():
        if key == "third_parties":
            for name, party in (spec if isinstance(spec, dict) else {}).items():
                rows.append(_actor_row(cast, name, party, "third party"))
        else:
            role = cast.role_of(key)
            rows.append(_actor_row(cast, key, spec, role.value if role else ""))
    return rows


def _actor_row(cast: Cast, name: str, spec: object, role: str) -> dict:
    spec = spec if isinstance(spec, dict) else {}
    params = spec.get("params") if isinstance(spec.get("params"), dict) else {}
    influence = spec.get("influence")
    return {
        "name": cast.label(name),
        "role": role,
        "policy": str(spec.get("policy", "—")),
        "influence": f"{influence:g}" if isinstance(influence, int | float) else "—",
        "params": [f"{key} = {value}" for key, value in params.items()],
    }


def _check_target(target: Path, run: RunFolder) -> None:
    if target.is_dir():
        raise UserError(
            f"Cannot write the report to {target}: it is a folder. Give a file name instead, "
            f"e.g. --out {target / REPORT_NAME}."
        )
    if not target.parent.is_dir():
        raise UserError(
            f"Cannot write the report to {target}: the folder {target.parent} does not exist. "
            "Create it first or give another --out."
        )
    resolved, folder = target.resolve(), run.path.resolve()
    if (
        resolved.is_relative_to(folder)
        and resolved.exists()
        and resolved.suffix.lower() not in (".html", ".htm")
    ):
        raise UserError(
            f"Cannot write the report to {target}: it is one of the run's own files and the "
            "report would destroy it. "
            f"Write the report to {run.path / REPORT_NAME} or outside the folder."
        )


def _write_atomically(target: Path, text: str) -> None:
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        # os.open with 0o666 lets the umask decide, as for any file the user writes.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        temporary.replace(target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise UserError(
            f"Cannot write the report to {target}: {error.strerror or error}."
        ) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("sim", "templates"),
        autoescape=True,  # titles, descriptions, parameters and paths are the user's text
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _label(name: str) -> str:
    return str(name).replace("_", " ")


def _paragraphs(text: object) -> list[str]:
    blocks = str(text or "").strip().split("\n\n")
    return [" ".join(block.split()) for block in blocks if block.strip()]


def _missing(value: object) -> bool:
    return value is None or value == ""


def _run_summary(run: RunFolder) -> list[tuple[str, str]]:
    m = run.manifest

    def get(key: str) -> str:
        value = m.get(key)
        return "—" if _missing(value) else str(value)

    worlds = m.get("worlds")
    horizon = "—"
    if not _missing(m.get("horizon_days")):
        horizon = f"{m['horizon_days']:g} days"
        if not _missing(m.get("ticks")) and not _missing(m.get("tick_hours")):
            horizon += f" ({m['ticks']} ticks of {m['tick_hours']} h)"
        if not _missing(m.get("start_date")):
            horizon += f" from {m['start_date']}"
    engine = m.get("engine") if isinstance(m.get("engine"), dict) else {}
    engine_text = "—"
    if engine:
        parts = [str(engine.get("name", "?"))]
        if "workers" in engine:
            parts.append(f"{engine['workers']} worker{'s' if engine['workers'] != 1 else ''}")
        if "chunks" in engine:
            parts.append(f"{engine['chunks']} chunk{'s' if engine['chunks'] != 1 else ''}")
        engine_text = ", ".join(parts)
    return [
        ("Scenario", get("scenario_name")),
        ("Title", get("title")),
        ("Scenario file", get("scenario_file")),
        ("Worlds", f"{worlds:,}" if isinstance(worlds, int) else get("worlds")),
        ("Seed", get("seed")),
        ("Horizon", horizon),
        ("Engine", engine_text),
        ("Created", get("created_utc")),
        ("Command", get("command")),
        ("Scenario hash", get("scenario_hash")),
        ("Outcome hash", get("outcome_hash")),
        ("Results folder", str(run.path)),
    ]


def _versions(versions: object) -> list[tuple[str, str]]:
    if not isinstance(versions, dict):
        return []
    return [(str(name), str(version)) for name, version in versions.items()]


def _percent(share: float) -> str:
    return f"{share:.1%}"


def _outcome_rows(worlds: pd.DataFrame, classes: list[str]) -> list[dict]:
    table = outcome_share_table(worlds, classes)
    return [
        {
            "outcome": row.outcome,
            "label": _label(row.outcome),
            "colour": OUTCOME_COLOURS[row.outcome],
            "count": f"{row.count:,}",
            "share": _percent(row.share),
            "ci": f"{_percent(row.ci_low)} – {_percent(row.ci_high)}",
        }
        for row in table.itertuples(index=False)
    ]


def _number(value: float, digits: int) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def _measure_rows(table: pd.DataFrame, cast: CastLike | None) -> list[dict]:
    rows = []
    for row in table.itertuples(index=False):
        measure = measure_catalogue.world_measure(row.measure).named(cast)
        happened = ""
        if measure.is_event:
            happened = f"{_percent(row.happened)} ({row.worlds:,})"
        rows.append(
            {
                "measure": row.measure,
                "label": row.label,
                "event": measure.event,
                "mean": _number(row.mean, measure.decimals),
                "q05": _number(row.q05, measure.decimals),
                "q50": _number(row.q50, measure.decimals),
                "q95": _number(row.q95, measure.decimals),
                "happened": happened,
            }
        )
    return rows


def _is_png(path: Path) -> bool:
    try:
        with path.open("rb") as stream:
            return stream.read(8) == PNG_SIGNATURE
    except OSError:
        return False


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def _draw(plot: plot_catalogue.RunPlot, run: RunFolder, out: Path) -> Path:
    name = plot.filename
    try:
        return draw_plot(plot, run, out)
    except ValueError as error:  # matplotlib could not lay out the figure
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        raise UserError(f"Cannot draw {name} for the report of {run.path}: {reason}.") from None
    except KeyError as error:
        raise RunFolderError(
            f"{run.path}/manifest.json lacks {error}, which {name} needs. The folder is "
            "damaged or from another version of crisis-sim; rerun the scenario."
        ) from None


def _plots(run: RunFolder) -> list[dict]:
    """Return the catalogue's plots as data URIs: the folder's own PNGs, or drawn afresh."""
    plots = []
    with tempfile.TemporaryDirectory(prefix="crisis-sim-report-") as scratch:
        for plot in (p.named(run.cast) for p in plot_catalogue.RUN_PLOTS):
            existing = run.path / "plots" / plot.filename
            path = existing if _is_png(existing) else _draw(plot, run, Path(scratch))
            data = path.read_bytes()
            size = _png_size(data)
            plots.append(
                {
                    "name": plot.name,
                    "title": plot.title,
                    "caption": plot.caption,
                    "uri": "data:image/png;base64," + base64.b64encode(data).decode("ascii"),
                    "width": size[0] if size else None,
                    "height": size[1] if size else None,
                }
            )
    return plots
