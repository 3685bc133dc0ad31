"""The HTML report: self-contained, faithful to the run, escaped, and refused politely."""

from __future__ import annotations

import base64
import json
import re
import shutil

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from sim.errors import UserError
from sim.plots.run import slide_figure
from sim.readers.report import write_report

from conftest import run_cli, run_main

pytestmark = pytest.mark.slow  # runs and reports through the command line and a browser

TABLES = ["worlds", "per_tick", "histograms", "state_shares", "trajectories"]
PLOT_IDS = ["outcome_shares", "fan_depth", "fan_rung", "fan_alarm", "rung_heatmap"]


@pytest.fixture
def run_dir(tmp_path, baseline_run_dir):
    """A writable copy of the shared baseline folder (2,000 worlds, no plots)."""
    return shutil.copytree(baseline_run_dir, tmp_path / "run")


def files_in(folder) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


def open_page(browser, path):
    """Load a report as file://, collecting console errors, page errors and failed requests."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page, problems, requests


def test_report_renders_in_chromium_with_the_runs_numbers(run_dir, chromium_browser, tmp_path):
    before = files_in(run_dir)
    path = write_report(run_dir)
    assert path == run_dir / "report.html"
    assert files_in(run_dir).keys() - before.keys() == {"report.html"}  # no plots/ left behind
    assert all(files_in(run_dir)[name] == mtime for name, mtime in before.items())

    page, problems, requests = open_page(chromium_browser, path)
    try:
        assert problems == []
        assert requests == [path.resolve().as_uri()]  # the page itself, nothing else
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => [e.closest('figure').id, e.complete, e.naturalWidth])"
        )
        assert [i[0] for i in images] == [f"plot-{p}" for p in PLOT_IDS]
        assert all(complete and width > 0 for _, complete, width in images), images
        assert page.locator("h1").inner_text() == "Sev Lake, May 2021: baseline"

        # The outcome table shows the run's own shares, counted here from worlds.parquet.
        worlds = pd.read_parquet(run_dir / "worlds.parquet")
        classes = json.loads((run_dir / "manifest.json").read_text())["outcome_classes"]
        counts = worlds["outcome"].value_counts()
        rows = page.eval_on_selector_all(
            "#outcome-table tbody tr",
            "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))",
        )
        assert [r[0] for r in rows] == [c.replace("_", " ") for c in classes]
        assert len(worlds) == 2000 and counts.max() < 2000  # the check below can tell shares apart
        for (label, count, share, interval), outcome in zip(rows, classes, strict=True):
            n = int(counts.get(outcome, 0))
            assert int(count.replace(",", "")) == n, label
            assert share == f"{n / len(worlds):.1%}", label
            low, high = proportion_confint(n, len(worlds), alpha=0.05, method="wilson")
            assert interval == f"{low:.1%} – {high:.1%}", label

        # Key measures: the share of worlds with a shot fired, and the median deepest advance.
        shot = page.locator('#measure-table tr[data-measure="first_shot_day"] td.happened')
        fired = worlds["first_shot_day"].notna()
        assert shot.inner_text() == f"{fired.mean():.1%} ({fired.sum():,})"
        depth = page.locator('#measure-table tr[data-measure="max_depth_km"] td.q50')
        assert depth.inner_text() == f"{worlds['max_depth_km'].median():,.2f}"

        shot_path = tmp_path / "report.png"
        page.screenshot(path=shot_path, full_page=True)
        assert shot_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert shot_path.stat().st_size > 50_000
    finally:
        page.close()


def test_report_is_self_contained(run_dir):
    html = write_report(run_dir).read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"https?://", html.replace("http-equiv", ""))
    assert not re.search(r"url\(|@import|<script|<link", html, re.I)
    embedded = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(embedded) == 5
    assert all(base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n" for data in embedded)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_report_uses_the_folders_own_plots(run_dir):
    # A recognisable stand-in for one plot: the report must embed it byte for byte.
    (run_dir / "plots").mkdir()
    figure, _ = slide_figure("stand-in", "not a real plot")
    figure.set_size_inches(2, 1)
    figure.savefig(run_dir / "plots" / "fan_rung.png", dpi=50)
    marker = base64.b64encode((run_dir / "plots" / "fan_rung.png").read_bytes()).decode()
    (run_dir / "plots" / "fan_alarm.png").write_text("not a png")  # damaged: drawn afresh
    html = write_report(run_dir).read_text(encoding="utf-8")
    assert f"data:image/png;base64,{marker}" in html
    assert 'width="100" height="50"' in html
    assert len(re.findall(r'width="1500" height="840"', html)) == 4
    left = sorted(p.name for p in (run_dir / "plots").iterdir())
    assert left == ["fan_alarm.png", "fan_rung.png"]  # nothing drawn into the folder


def test_user_text_is_escaped(run_dir, chromium_browser):
    hostile = 'Sev <script>alert("x")</script> & <b>bold</b>'
    manifest = json.loads((run_dir / "manifest.json").read_text())
    manifest["title"] = manifest["scenario"]["title"] = hostile
    manifest["scenario"]["description"] = "<img src=x onerror=alert(1)> description"
    manifest["scenario"]["actors"]["russia"]["params"] = {"<i>p</i>": "<script>1</script>"}
    (run_dir / "manifest.json").write_text(json.dumps(manifest))
    path = write_report(run_dir)
    html = path.read_text(encoding="utf-8")
    assert "<script" not in html and "<b>bold" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html

    page, problems, _ = open_page(chromium_browser, path)
    try:
        assert problems == []
        assert page.locator("h1").inner_text() == hostile  # shown as written
        assert page.locator("script").count() == 0
        assert page.locator("main b").count() == 0
        assert page.locator("img").count() == 5  # the description's <img> is text
        assert page.title().startswith(hostile)
    finally:
        page.close()


def test_cli_writes_the_report(run_dir, tmp_path):
    result = run_cli(tmp_path, "report", str(run_dir))
    assert result.returncode == 0, result.stderr
    assert "Report:" in result.stdout and str(run_dir / "report.html") in result.stdout
    assert (run_dir / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    elsewhere = tmp_path / "out" / "sev lake.html"
    elsewhere.parent.mkdir()
    result = run_cli(tmp_path, "report", str(run_dir), "--out", str(elsewhere))
    assert result.returncode == 0, result.stderr
    assert "<h1" in elsewhere.read_text(encoding="utf-8")
    assert [p.name for p in elsewhere.parent.iterdir()] == ["sev lake.html"]  # no temporaries


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing folder", "is not a folder"),
        ("not a results folder", "manifest.json is missing"),
        ("incomplete run", "incomplete run"),
        ("--out in a missing folder", "does not exist"),
        ("--out is a folder", "is a folder"),
        ("--out is a data file", "one of the run's own files"),
    ],
)
def test_cli_refuses_bad_input(case, message, run_dir, tmp_path):
    args = [str(run_dir)]
    if case == "missing folder":
        args = [str(tmp_path / "no-such-run")]
    elif case == "not a results folder":
        (tmp_path / "empty").mkdir()
        args = [str(tmp_path / "empty")]
    elif case == "incomplete run":
        manifest = json.loads((run_dir / "manifest.json").read_text())
        manifest["complete"] = False
        (run_dir / "manifest.json").write_text(json.dumps(manifest))
    elif case == "--out in a missing folder":
        args += ["--out", str(tmp_path / "missing" / "report.html")]
    elif case == "--out is a folder":
        args += ["--out", str(tmp_path)]
    elif case == "--out is a data file":
        args += ["--out", str(run_dir / "worlds.parquet")]
    before = files_in(run_dir)
    result = run_main(tmp_path, "report", *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert message in result.stderr
    assert files_in(run_dir) == before  # nothing written, nothing damaged


def test_api_raises_user_errors(run_dir, tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        write_report(run_dir, tmp_path / "missing" / "r.html")
    worlds = pd.read_parquet(run_dir / "worlds.parquet")
    worlds.drop(columns=["peak_alarm"]).to_parquet(run_dir / "worlds.parquet")
    with pytest.raises(UserError, match="peak_alarm"):
        write_report(run_dir)
    assert not (run_dir / "report.html").exists()


def test_a_title_with_dollar_signs_is_drawn_as_written(run_dir):
    manifest = json.loads((run_dir / "manifest.json").read_text())
    manifest["title"] = r"Costs $\nosuchsymbol$"
    (run_dir / "manifest.json").write_text(json.dumps(manifest))
    page = write_report(run_dir).read_text()
    assert r"Costs $\nosuchsymbol$" in page
    assert page.count("data:image/png;base64,") == 5
    assert sorted(p.name for p in run_dir.iterdir()) == sorted(
        ["manifest.json", "report.html", *(f"{t}.parquet" for t in TABLES)]
    )
