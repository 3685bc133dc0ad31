"""Sweeps: designs, their checks, and points that move the way the case says they should."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.catalogue.measures import summarise
from sim.core.model import with_overrides
from sim.errors import UserError
from sim.experiments.sweep import (
    MAX_POINTS,
    evaluate_design,
    grid_design,
    parse_axis,
    run_sweep,
    sample_design,
    write_sweep,
)
from sim.run.engine import Processes
from sim.run.ensemble import run_ensemble
from sim.spec.loading import load_scenario

from conftest import SCENARIOS, run_cli, run_main

pytestmark = pytest.mark.slow  # sweeps through the command line

BASELINE = SCENARIOS / "baseline-may-2021.yaml"


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE).scenario


def test_a_range_is_evenly_spaced_and_checked(baseline):
    axis = parse_axis(baseline, "dynamics.advance_step_km=0.2:1.2:6")
    assert axis.values == pytest.approx((0.2, 0.4, 0.6, 0.8, 1.0, 1.2))
    lag = parse_axis(baseline, "perception.defender_lag_ticks=0:3:7")
    assert lag.values == (0, 1, 2, 3)  # integers: rounded, repeats dropped
    assert all(isinstance(v, int) for v in lag.values)


def test_listed_values_take_the_parameters_type(baseline):
    assert parse_axis(baseline, "actors.russia.policy=broker,protector").values == (
        "broker",
        "protector",
    )
    assert parse_axis(baseline, "sectors.sev_lake.patron_presence=false,true").values == (
        False,
        True,
    )
    assert parse_axis(baseline, "dynamics.advance_step_km=0.5,1").values == (0.5, 1.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("dynamics.advance_step_km", "is not PATH=LOW:HIGH:STEPS"),
        ("dynamics.advance_stp_km=0.2:1:3", "Did you mean dynamics.advance_step_km"),
        ("dynamics.advance_step_km=0.2:9:3", "9.0 is outside what dynamics.advance_step_km"),
        ("dynamics.advance_step_km=0:1:3", "0.0 is outside"),  # gt=0: the bound itself is out
        ("dynamics.advance_step_km=1:0.2:3", "LOW < HIGH"),
        ("dynamics.advance_step_km=0.2:1:1", "at least 2 STEPS"),
        ("dynamics.advance_step_km=0.2:1", "LOW:HIGH:STEPS"),
        ("dynamics.advance_step_km=a,b", "'a' is not a number"),
        ("actors.russia.policy=broker:protector:2", "takes listed values"),
        ("actors.russia.policy=broker,guardian", "'guardian' is outside"),
        ("actors.russia.policy=broker,broker", "listed twice"),
    ],
)
def test_bad_axes_are_refused_before_any_world_runs(baseline, text, message):
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(".", r"\.")):
        parse_axis(baseline, text)


def test_a_grid_is_the_product_of_its_axes(baseline):
    design = grid_design(
        [
            parse_axis(baseline, "dynamics.advance_step_km=0.2:1.2:3"),
            parse_axis(baseline, "actors.russia.policy=broker,protector"),
        ]
    )
    assert len(design) == 6
    assert set(map(tuple, design.to_numpy().tolist())) == {
        (step, policy) for step in (0.2, 0.7, 1.2) for policy in ("broker", "protector")
    }


def test_an_absurd_grid_is_refused(baseline):
    axes = [
        parse_axis(baseline, f"dynamics.{name}=0.1:0.9:100")
        for name in ("clash_escalation", "clash_persistence", "alarm_response")
    ]
    with pytest.raises(UserError, match=f"more than {MAX_POINTS:,}"):
        grid_design(axes)


@pytest.mark.parametrize("method", ["lhs", "sobol"])
def test_samples_fill_the_declared_ranges_reproducibly(baseline, method):
    design = sample_design(baseline, method, 64, seed=7)
    assert list(design.columns) == list(baseline.uncertainties)
    assert len(design) == 64
    for path, (low, high) in baseline.uncertainties.items():
        assert design[path].between(low, high).all()
        assert design[path].max() - design[path].min() > 0.8 * (high - low)  # space-filling
    pd.testing.assert_frame_equal(design, sample_design(baseline, method, 64, seed=7))
    assert not design.equals(sample_design(baseline, method, 64, seed=8))


def test_sampling_needs_declared_uncertainties():
    scripted = load_scenario(SCENARIOS / "scripted-may-2021.yaml").scenario
    with pytest.raises(UserError, match="declares no uncertainties"):
        sample_design(scripted, "lhs", 8, seed=1)


def test_faster_local_agreements_turn_frozen_gains_into_withdrawals(baseline):
    """The negotiation variants' reading, swept: talks that settle sooner leave less ground held.

    With no chance of agreement every advance stays (negotiation-no-talks); the case's
    local commanders did talk, and the likelier their deal, the more worlds end in a
    negotiated withdrawal and the fewer in a frozen gain.
    """
    axis = parse_axis(baseline, "dynamics.talks_agreement_probability=0:0.006:4")
    table = run_sweep(baseline, grid_design([axis]), "grid", worlds=400).table
    withdrawals = table["p_negotiated_withdrawal"].to_numpy()
    frozen = table["p_frozen_gain"].to_numpy()
    assert withdrawals[0] == 0  # no agreement is possible
    assert np.all(np.diff(withdrawals) >= 0) and withdrawals[-1] > 0.5
    assert np.all(np.diff(frozen) <= 0) and frozen[-1] < frozen[0] - 0.4


def test_each_point_is_the_ensemble_of_its_scenario_on_any_engine(baseline):
    design = grid_design([parse_axis(baseline, "actors.russia.policy=broker,protector")])
    table = evaluate_design(baseline, design, worlds=150)
    for row, policy in zip(table.to_dict(orient="records"), ("broker", "protector"), strict=True):
        alone = run_ensemble(
            with_overrides(baseline, {"actors.russia.policy": policy}), worlds=150
        ).outcomes
        assert {k: row[k] for k in summarise(alone)} == summarise(alone)
    spread = evaluate_design(baseline, design, worlds=150, engine=Processes(workers=2))
    pd.testing.assert_frame_equal(table, spread)


def test_a_point_that_breaks_the_scenario_is_refused_before_running(baseline):
    # Switching Azerbaijan to a scripted policy needs a timeline the design cannot give.
    design = pd.DataFrame({"actors.azerbaijan.policy": ["prober", "scripted"]})
    with pytest.raises(UserError, match=r"Point 1 of the design \(actors\.azerbaijan"):
        evaluate_design(baseline, design, worlds=10)


def test_the_sweep_folder_holds_table_manifest_and_plots(baseline, tmp_path):
    design = grid_design([parse_axis(baseline, "actors.russia.influence=0.5:2:3")])
    result = run_sweep(baseline, design, "grid", worlds=100)
    out = write_sweep(result, tmp_path / "sweep")
    manifest = __import__("json").loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "sweep" and manifest["points"] == 3
    assert manifest["parameters"] == ["actors.russia.influence"]
    table = pd.read_csv(out / "points.csv")
    assert len(table) == 3 and table["worlds"].eq(100).all()
    assert (out / "plots" / "shares_by_parameter.png").stat().st_size > 10_000


def test_the_sweep_command(tmp_path):
    result = run_cli(
        tmp_path,
        "sweep",
        str(BASELINE),
        "--param",
        "actors.russia.policy=broker,protector",
        "--param",
        "dynamics.advance_step_km=0.4:0.8:2",
        "--worlds",
        "100",
        "--out",
        "s",
    )
    assert result.returncode == 0, result.stderr
    assert "protector" in result.stdout and "Sweep:" in result.stdout
    assert (tmp_path / "s" / "plots" / "shares_heatmap.png").exists()
    assert len(pd.read_parquet(tmp_path / "s" / "points.parquet")) == 4
    sampled = run_cli(
        tmp_path, "sweep", str(BASELINE), "--sample", "lhs", "--n", "3", "--worlds", "50"
    )
    assert sampled.returncode == 0, sampled.stderr
    assert (tmp_path / "results").is_dir()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Give either --param"),
        (("--param", "dynamics.advance_step_km=0.2:1:2", "--sample", "lhs"), "Give either"),
        (("--param", "dynamics.advance_step_km=0.2:1:2", "--n", "4"), "--n goes with --sample"),
        (("--param", "dynamics.advnce_step_km=0.2:1:2"), "Did you mean"),
        (("--param", "dynamics.advance_step_km=0.2:8:2"), "outside what"),
        (("--param", "dynamics.advance_step_km=0.2:1:2", "--worlds", "-3"), "--worlds"),
    ],
)
def test_bad_sweep_requests_exit_2_with_a_message(tmp_path, args, message):
    result = run_main(tmp_path, "sweep", str(BASELINE), *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "results").exists()


def test_sampling_a_scenario_without_uncertainties_says_how_to_declare_them(tmp_path):
    result = run_cli(
        tmp_path, "sweep", str(SCENARIOS / "scripted-may-2021.yaml"), "--sample", "lhs", "--n", "4"
    )
    assert result.returncode == 2
    assert "uncertainties:" in result.stderr and "Traceback" not in result.stderr
