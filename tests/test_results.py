"""Results folders: mergeable aggregates that match exact ones, written atomically."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.catalogue.measures import QUANTILES
from sim.errors import UserError
from sim.folders.results import per_tick_tables, quantiles_from_histogram, write_run
from sim.folders.runfolder import RunFolderError, open_run, read_manifest
from sim.run.ensemble import run_ensemble
from sim.run.record import MEASURES, Bins

from conftest import make_scenario


@pytest.fixture(scope="module")
def small_run(exercise_data):
    return run_ensemble(make_scenario(exercise_data), worlds=400)


def test_histogram_quantiles_are_within_a_bin_of_the_exact_ones():
    rng = np.random.default_rng(0)
    values = rng.gamma(2.0, 0.8, size=20_000)
    bins = Bins(0.0, 20.0, 400)
    counts = np.bincount(bins.index(values), minlength=bins.count)
    approx = quantiles_from_histogram(counts, bins.edges)
    exact = np.quantile(values, QUANTILES)
    width = (bins.high - bins.low) / bins.count
    assert np.all(np.abs(np.array(approx) - exact) <= width)


def test_per_tick_tables_agree_with_the_worlds(small_run, exercise_data):
    scenario = make_scenario(exercise_data)
    tables = per_tick_tables(small_run.recorder, scenario.tick_hours)
    per_tick = tables["per_tick"]
    assert set(per_tick.measure) == set(MEASURES)
    last = per_tick[(per_tick.tick == scenario.ticks - 1) & (per_tick.measure == "depth_km")]
    assert last["mean"].item() == pytest.approx(small_run.outcomes.final_depth_km.mean())
    rungs = per_tick[per_tick.measure == "rung"]
    for column in ("q05", "q25", "q50", "q75", "q95"):
        assert rungs[column].isin([1, 2, 3, 4, 5]).all()
    shares = tables["state_shares"].groupby(["tick", "variable"])["share"].sum()
    assert np.allclose(shares, 1.0)
    shots = tables["state_shares"].query("variable == 'shots_fired' and state == 'yes'")
    fired = small_run.outcomes.first_shot_day.notna().mean()
    assert shots.share.iloc[-1] == pytest.approx(fired)
    hist = tables["histograms"]
    assert (hist.groupby(["tick", "measure"])["count"].sum() == 400).all()


def test_write_run_writes_a_complete_folder(small_run, tmp_path):
    out = write_run(small_run, tmp_path / "run", plots=False)
    manifest = read_manifest(out)
    assert manifest["complete"] is True and manifest["worlds"] == 400
    worlds = pd.read_parquet(out / "worlds.parquet")
    assert len(worlds) == 400 and set(worlds.outcome) <= set(manifest["outcome_classes"])
    trajectories = pd.read_parquet(out / "trajectories.parquet")
    assert trajectories.world.nunique() == 5  # trajectory_sample: 5 in the exercise
    assert not list(tmp_path.glob(".*"))  # no temporary folder left behind


def test_an_existing_run_is_never_overwritten_silently(small_run, tmp_path):
    out = write_run(small_run, tmp_path / "run", plots=False)
    before = (out / "manifest.json").read_bytes()
    with pytest.raises(UserError, match="already exists"):
        write_run(small_run, out, plots=False)
    assert (out / "manifest.json").read_bytes() == before
    write_run(small_run, out, plots=False, replace=True)
    assert json.loads((out / "manifest.json").read_text())["complete"] is True
    assert not list(tmp_path.glob(".*"))


def test_replace_refuses_a_folder_that_is_not_a_run(small_run, tmp_path):
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.md").write_text("years of work")
    with pytest.raises(UserError, match="not a run folder crisis-sim wrote"):
        write_run(small_run, precious, plots=False, replace=True)
    assert (precious / "chapter1.md").exists()


def test_a_failure_while_writing_leaves_nothing_behind(small_run, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    # A UserError (a message, exit 2), not an OSError traceback.
    with pytest.raises(UserError, match=r"Writing .*run failed \(disk full\)\. Nothing was"):
        write_run(small_run, tmp_path / "run", plots=False)
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_replacing_keeps_the_old_run(small_run, tmp_path, monkeypatch):
    out = write_run(small_run, tmp_path / "run", plots=False)
    before = (out / "manifest.json").read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(UserError, match="the earlier folder is unchanged"):
        write_run(small_run, out, plots=False, replace=True)
    assert (out / "manifest.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_incomplete_or_foreign_folders_are_refused(tmp_path):
    with pytest.raises(UserError, match="not a folder"):
        read_manifest(tmp_path / "missing")
    with pytest.raises(UserError, match=r"manifest\.json is missing"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text('{"complete": false}')
    with pytest.raises(UserError, match="incomplete"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(UserError, match="not valid JSON"):
        read_manifest(tmp_path)


def test_quantiles_of_a_point_mass_are_exact(exercise_data):
    """All worlds at 0 km before any advance: every quantile is 0, not half a bin."""
    scenario = make_scenario(exercise_data)
    tables = per_tick_tables(run_ensemble(scenario, worlds=50).recorder, scenario.tick_hours)
    first = tables["per_tick"].query("tick == 0 and measure == 'depth_km'")
    assert (first[["q05", "q25", "q50", "q75", "q95"]].to_numpy() == 0).all()


def test_the_manifest_scenario_validates_as_a_scenario(small_run, tmp_path):
    """The resolved scenario in a manifest is itself a valid scenario (reruns need it)."""
    from pathlib import Path

    from sim.spec.validation import validate_data

    out = write_run(small_run, tmp_path / "run", plots=False)
    resolved = json.loads((out / "manifest.json").read_text())["scenario"]
    assert validate_data(resolved, Path("manifest")) == small_run.scenario


def test_a_damaged_table_is_named_not_a_traceback(small_run, tmp_path):
    out = write_run(small_run, tmp_path / "run", plots=False)
    (out / "worlds.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(RunFolderError, match=r"worlds\.parquet cannot be read"):
        open_run(out).table("worlds")
