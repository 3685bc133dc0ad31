"""Comparing runs: differences of the right sign and size, noise called noise, refusals."""

from __future__ import annotations

import json
import math
import re
import shutil

import pytest

from sim.core.model import with_overrides
from sim.errors import UserError
from sim.folders.results import write_run
from sim.folders.runfolder import open_run
from sim.readers.compare.comparison import compare_runs
from sim.readers.compare.folder import write_comparison
from sim.run.ensemble import run_ensemble
from sim.spec.loading import load_scenario

from conftest import SCENARIOS, run_cli, run_main

pytestmark = pytest.mark.slow  # runs and comparisons through the command line

PNG = b"\x89PNG\r\n\x1a\n"
PLOTS = [
    "outcome_shares.png",
    "share_differences.png",
    "distributions.png",
    "ecdf_max_depth_km.png",
    "ecdf_max_rung.png",
    "ecdf_peak_alarm.png",
    "ecdf_talks_day.png",
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory, baseline_run_dir):
    """The shared baseline, variants that move outcomes, a copy, and runs that differ in kind."""
    root = tmp_path_factory.mktemp("compare")

    def make(name: str, out: str, worlds: int = 2000, seed: int | None = None, **overrides):
        scenario = load_scenario(SCENARIOS / f"{name}.yaml").scenario
        if overrides:
            scenario = with_overrides(scenario, overrides)
        return write_run(run_ensemble(scenario, worlds=worlds, seed=seed), root / out, plots=False)

    return {
        "root": root,
        "baseline": baseline_run_dir,
        "protector": make("response-protector-russia", "protector"),
        "army": make("advance-army-line", "army", worlds=1000),
        "copy": shutil.copytree(baseline_run_dir, root / "baseline-copy"),
        "other_seed": make("baseline-may-2021", "other-seed", worlds=800, seed=7),
        "short": make("baseline-may-2021", "short", worlds=200, horizon_days=20),
    }


def share_row(comparison, run: str, outcome: str):
    shares = comparison.shares
    return shares[(shares["run"] == run) & (shares["outcome"] == outcome)].iloc[0]


def test_a_protector_russia_ends_frozen_gains_beyond_noise(runs):
    comparison = compare_runs([runs["baseline"], runs["protector"]])
    base = open_run(runs["baseline"]).worlds
    variant = open_run(runs["protector"]).worlds
    frozen = share_row(comparison, "response-protector-russia", "frozen_gain")
    expected = (variant.outcome == "frozen_gain").mean() - (base.outcome == "frozen_gain").mean()
    # tests/test_variants.py: the protector cuts frozen gains by more than 30 points
    assert frozen["diff_pts"] == pytest.approx(expected * 100)
    assert frozen["diff_pts"] < -30
    assert frozen["diff_low_pts"] < frozen["diff_pts"] < frozen["diff_high_pts"] < 0
    assert frozen["changed"]
    # a 95% interval of about the normal approximation's width, not a degenerate one
    p1, p2 = (base.outcome == "frozen_gain").mean(), (variant.outcome == "frozen_gain").mean()
    se = math.sqrt(p1 * (1 - p1) / len(base) + p2 * (1 - p2) / len(variant)) * 100
    width = frozen["diff_high_pts"] - frozen["diff_low_pts"]
    assert 2 * 1.5 * se < width < 2 * 2.5 * se
    interposition = share_row(comparison, "response-protector-russia", "patron_interposition")
    assert interposition["diff_low_pts"] > 0 and interposition["changed"]
    reference = share_row(comparison, "baseline-may-2021", "frozen_gain")
    assert reference["ci_low"] < reference["share"] < reference["ci_high"]
    assert math.isnan(reference["diff_pts"])

    summary = comparison.summary
    line = re.search(r"Frozen gain: ([\d.]+)% → ([\d.]+)% \(−([\d.]+) points, 95% CI −", summary)
    assert line, summary
    assert float(line.group(1)) == pytest.approx(p1 * 100, abs=0.05)
    assert float(line.group(3)) == pytest.approx(-frozen["diff_pts"], abs=0.05)
    changed = summary.split("changed (95% interval excludes 0)")[1].split("\n- ")[0]
    assert "Frozen gain" in changed and "Patron interposition" in changed
    assert "outcome distributions as a whole differ" in summary
    assert "Same seed" in summary


def test_the_army_on_the_line_shrinks_the_advance_and_the_summary_says_less_escalatory(runs):
    comparison = compare_runs([runs["baseline"], runs["army"]])
    measures = comparison.measures.set_index(["run", "measure"])
    depth = measures.loc[("advance-army-line", "max_depth_km")]
    assert depth["mean_diff"] < 0 and depth["mean_diff_high"] < 0
    assert depth["cliffs_delta"] < -0.5 and depth["shifted"]
    assert depth["p_holm"] < 0.001
    base_depth = measures.loc[("baseline-may-2021", "max_depth_km")]
    assert depth["mean"] < 0.5 * base_depth["mean"]  # as tests/test_variants.py documents
    assert base_depth["q05"] <= base_depth["q50"] <= base_depth["q95"]
    largest = re.search(r"Largest shift in a measure: (.*)", comparison.summary)
    assert largest, comparison.summary
    assert "in B, less escalatory" in largest.group(1)


def test_a_copy_of_a_run_differs_by_nothing(runs):
    comparison = compare_runs([runs["baseline"], runs["copy"]])
    later = comparison.shares[comparison.shares["run"] == comparison.labels[1]]
    assert (later["diff_pts"] == 0).all()
    assert ((later["diff_low_pts"] < 0) & (later["diff_high_pts"] > 0)).all()
    assert not later["changed"].any()
    measures = comparison.measures[comparison.measures["run"] == comparison.labels[1]]
    tested = measures[measures["p_holm"].notna()]
    assert len(tested) >= 10
    assert (tested["mean_diff"] == 0).all() and not tested["shifted"].any()
    assert (tested["cliffs_delta"] == 0).all()
    assert not measures["event_changed"].any()
    assert "Nothing changed beyond noise" in comparison.summary
    assert "exactly the same worlds" in comparison.summary
    assert "Largest shift" not in comparison.summary
    assert comparison.labels[0] != comparison.labels[1]  # same scenario: told apart by folder


def test_different_seeds_and_world_counts_are_compared_and_said(runs):
    comparison = compare_runs([runs["baseline"], runs["other_seed"]])
    assert "Seeds differ" in comparison.summary
    assert "World counts differ" in comparison.summary
    worlds = comparison.shares.groupby("run")["worlds"].first()
    assert sorted(worlds) == [800, 2000]


def test_refusals(runs):
    with pytest.raises(UserError, match="horizons differ") as refused:
        compare_runs([runs["baseline"], runs["short"]])
    message = str(refused.value)
    assert "30 days" in message and "20 days" in message and "not comparable" in message
    with pytest.raises(UserError, match="at least two"):
        compare_runs([runs["baseline"]])
    with pytest.raises(UserError, match="given twice"):
        compare_runs([runs["baseline"], runs["protector"], runs["baseline"]])
    with pytest.raises(UserError, match="not a folder"):
        compare_runs([runs["baseline"], runs["root"] / "missing"])


def test_the_folder_is_written_whole_and_never_over_something_else(runs, tmp_path):
    comparison = compare_runs([runs["baseline"], runs["protector"], runs["army"]])
    out = write_comparison(comparison, tmp_path / "cmp")
    names = json.loads((out / "comparison.json").read_text())
    assert [r["label"] for r in names["runs"]] == comparison.labels
    for entry, path in zip(
        names["runs"], [runs["baseline"], runs["protector"], runs["army"]], strict=True
    ):
        manifest = open_run(path).manifest
        assert entry["seed"] == manifest["seed"]
        assert entry["worlds"] == manifest["worlds"]
        assert entry["outcome_hash"] == manifest["outcome_hash"]
        assert entry["scenario_name"] == manifest["scenario_name"]
    for name in ["shares.csv", "measures.csv", "summary.md", *(f"plots/{p}" for p in PLOTS)]:
        assert (out / name).stat().st_size > 0, name
    assert comparison.summary in (out / "summary.md").read_text()
    with pytest.raises(UserError, match="already exists"):
        write_comparison(comparison, out)
    before = (out / "comparison.json").stat().st_mtime_ns
    write_comparison(comparison, out, replace=True)
    assert (out / "comparison.json").stat().st_mtime_ns != before
    victim = shutil.copytree(runs["baseline"], tmp_path / "a-run")
    with pytest.raises(UserError, match="not a comparison folder crisis-sim wrote"):
        write_comparison(comparison, victim, replace=True)
    assert (victim / "worlds.parquet").exists() and not (victim / "comparison.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-run", "cmp"]  # no partial siblings


def test_the_command_prints_and_writes_the_folder(runs, tmp_path):
    out = tmp_path / "cmp"
    done = run_cli(
        tmp_path, "compare", str(runs["baseline"]), str(runs["protector"]), "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert "frozen gain" in done.stdout and "Frozen gain: " in done.stdout
    assert "Largest shift in a measure" in done.stdout
    for name in PLOTS:
        data = (out / "plots" / name).read_bytes()
        assert data.startswith(PNG) and len(data) > 10_000, name
    assert (out / "shares.csv").read_text().startswith("run,outcome,")
    # without --out: a new folder under results/, plots included
    again = run_cli(tmp_path, "compare", str(runs["baseline"]), str(runs["copy"]))
    assert again.returncode == 0, again.stderr
    assert "Nothing changed beyond noise" in again.stdout
    made = list((tmp_path / "results").glob("compare-baseline-may-2021-vs-baseline-may-2021-*"))
    assert len(made) == 1 and (made[0] / "plots" / "outcome_shares.png").exists()


@pytest.mark.parametrize(
    ("which", "message"),
    [
        (["baseline"], "at least two"),
        (["baseline", "baseline"], "given twice"),
        (["baseline", "short"], "horizons differ"),
        (["baseline", "missing"], "not a folder"),
        (["baseline", "protector", "--out", "taken"], "already exists"),
        ([], "Missing argument"),
    ],
)
def test_bad_input_exits_2_without_a_traceback(runs, tmp_path, which, message):
    (tmp_path / "taken").mkdir()
    paths = {**runs, "missing": tmp_path / "missing", "taken": tmp_path / "taken"}
    args = [w if w.startswith("--") else str(paths[w]) for w in which]
    done = run_main(tmp_path, "compare", *args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert message in done.stderr
    assert not (tmp_path / "results").exists()
    assert list((tmp_path / "taken").iterdir()) == []


def test_odd_folder_names_are_drawn_and_printed_as_written(runs, tmp_path):
    first = shutil.copytree(runs["baseline"], tmp_path / r"costs $\nosuchsymbol$")
    second = shutil.copytree(runs["baseline"], tmp_path / "[red]second")
    done = run_cli(tmp_path, "compare", first.name, second.name, "--out", "cmp")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert r"costs $\nosuchsymbol$" in done.stdout and "[red]second" in done.stdout
    assert (tmp_path / "cmp" / "plots" / "outcome_shares.png").read_bytes().startswith(PNG)
