"""Plots are drawn from a results folder alone, and look like what they claim."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

from sim.folders.results import write_run
from sim.folders.runfolder import RunFolderError
from sim.plots.run import draw_all, outcome_share_table
from sim.run.ensemble import run_ensemble

from conftest import make_scenario

EXPECTED = [
    "outcome_shares.png",
    "fan_depth.png",
    "fan_rung.png",
    "fan_alarm.png",
    "rung_heatmap.png",
]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, exercise_data):
    result = run_ensemble(make_scenario(exercise_data), worlds=300)
    return write_run(result, tmp_path_factory.mktemp("runs") / "exercise", plots=False)


def test_draw_all_writes_every_plot_from_the_folder_alone(run_dir):
    paths = draw_all(run_dir)
    assert [p.name for p in paths] == EXPECTED
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size > 10_000
        image = imread(path)
        assert image.shape[0] >= 700 and image.shape[1] >= 1300  # slide-sized at 150 dpi
        assert image[..., :3].std() > 0.05  # not a blank canvas


def test_outcome_share_intervals(run_dir):
    manifest = json.loads((run_dir / "manifest.json").read_text())
    worlds = pd.read_parquet(run_dir / "worlds.parquet")
    table = outcome_share_table(worlds, manifest["outcome_classes"])
    assert list(table.outcome) == manifest["outcome_classes"]  # every class, even at 0
    assert table["count"].sum() == len(worlds)
    assert np.isclose(table["share"].sum(), 1.0)
    assert ((table.ci_low <= table.share) & (table.share <= table.ci_high)).all()
    empty = table[table["count"] == 0]
    assert (empty.ci_low == 0).all() and (empty.ci_high > 0).all()


def test_folders_that_are_not_runs_are_refused(tmp_path, run_dir):
    with pytest.raises(RunFolderError, match=r"manifest\.json is missing"):
        draw_all(tmp_path)
    incomplete = tmp_path / "incomplete"
    incomplete.mkdir()
    manifest = json.loads((run_dir / "manifest.json").read_text())
    (incomplete / "manifest.json").write_text(json.dumps({**manifest, "complete": False}))
    with pytest.raises(RunFolderError, match="incomplete"):
        draw_all(incomplete)
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(RunFolderError, match=r"worlds\.parquet is missing"):
        draw_all(damaged)


@pytest.mark.slow  # draws every plot again; test_draw_all_writes_every_plot... is the quick one
def test_a_title_with_dollar_signs_is_drawn_as_written(tmp_path, exercise_data):
    """Matplotlib reads $...$ as maths: a title such as "$\\foo$ costs" crashed every plot."""
    data = dict(exercise_data, title=r"Costs in $\foo$")
    result = run_ensemble(make_scenario(data), worlds=20)
    out = write_run(result, tmp_path / "dollars", plots=False)
    assert len(draw_all(out)) == len(EXPECTED)


@pytest.mark.parametrize("total", [1, 7, 100, 10_000])
def test_wilson_interval_is_scipy_s(total):
    from scipy.stats import binomtest

    from sim.plots.run import wilson_interval

    for count in sorted({0, 1, total // 3, total - 1, total}):
        expected = binomtest(count, total).proportion_ci(confidence_level=0.95, method="wilson")
        assert wilson_interval(count, total) == pytest.approx(
            (expected.low, expected.high), abs=1e-15
        )
