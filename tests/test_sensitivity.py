"""Sensitivity indices: right on a function whose indices are known, and through the CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.core.model import with_overrides
from sim.errors import UserError
from sim.experiments.sensitivity import analyse, problem_of, run_sensitivity, sample
from sim.spec.loading import load_scenario

from conftest import SCENARIOS, run_cli, run_main

pytestmark = pytest.mark.slow  # sensitivity analyses through the command line

BASELINE = SCENARIOS / "baseline-may-2021.yaml"
PI = np.pi
ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-PI, PI]] * 3}


def ishigami(design: pd.DataFrame) -> pd.DataFrame:
    """Ishigami & Homma (1990) with a = 7, b = 0.1, and a measure that never varies."""
    x1, x2, x3 = (design[name].to_numpy() for name in ("x1", "x2", "x3"))
    y = np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)
    return pd.DataFrame({"y": y, "flat": np.zeros_like(y)})


def test_sobol_indices_of_the_ishigami_function_match_the_analytic_values():
    # Analytic: S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
    _, indices = analyse(ISHIGAMI, ishigami, "sobol", 1024, ["y"], seed=3)
    rows = indices.set_index("parameter")
    assert rows["S1"].to_numpy() == pytest.approx([0.3139, 0.4424, 0.0], abs=0.05)
    assert rows["ST"].to_numpy() == pytest.approx([0.5576, 0.4424, 0.2437], abs=0.05)
    assert (rows["S1_conf"] > 0).all() and (rows["ST_conf"] < 0.15).all()


def test_morris_ranks_a_linear_function_by_its_slopes():
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}

    def linear(design):
        return pd.DataFrame({"y": 10 * design["a"] + 2 * design["b"] + 0 * design["c"]})

    _, indices = analyse(problem, linear, "morris", 20, ["y"], seed=1)
    mu = indices.set_index("parameter")["mu_star"]
    assert mu["a"] == pytest.approx(10) and mu["b"] == pytest.approx(2) and mu["c"] == 0


def test_a_measure_that_never_varies_is_marked_not_divided():
    _, indices = analyse(ISHIGAMI, ishigami, "sobol", 64, ["y", "flat"], seed=3)
    flat = indices[indices["measure"] == "flat"]
    assert len(flat) == 1 and flat["constant"].all()


def test_sobol_needs_a_power_of_two():
    with pytest.raises(UserError, match="power of two"):
        sample(ISHIGAMI, "sobol", 100, seed=1)


def test_the_simulator_through_the_same_code_path():
    """Talks' settling chance drives negotiated withdrawals; false reports cannot."""
    baseline = load_scenario(BASELINE).scenario
    scenario = with_overrides(
        baseline,
        {
            "uncertainties": {
                "dynamics.talks_agreement_probability": [0.0, 0.006],
                "dynamics.false_report_probability": [0.05, 0.5],
            }
        },
    )
    assert problem_of(scenario)["num_vars"] == 2
    result = run_sensitivity(
        scenario, "morris", 4, worlds=200, measures=["p_negotiated_withdrawal", "p_war"]
    )
    assert len(result.samples) == 4 * 3
    withdrawals = result.indices[result.indices["measure"] == "p_negotiated_withdrawal"]
    mu = withdrawals.set_index("parameter")["mu_star"]
    # The talks settle withdrawals; rumours reach them only through the public's alarm
    # (incidents and the army it calls for, since issue 17), far more weakly.
    assert mu["dynamics.talks_agreement_probability"] > 0.3
    assert (
        0 < mu["dynamics.false_report_probability"] < mu["dynamics.talks_agreement_probability"] / 5
    )
    war = result.indices[result.indices["measure"] == "p_war"]
    # A war stays rare across the baseline's region: since war is the record's line of
    # 1,000 killed, no world of these samples reaches it, and SALib leaves the effects
    # of a measure that never moves undefined (NaN).
    assert (war["mu_star"].fillna(0.0) < 0.05).all()


def test_the_sensitivity_command(tmp_path):
    result = run_cli(
        tmp_path,
        "sensitivity",
        str(BASELINE),
        "--method",
        "morris",
        "--n",
        "2",
        "--worlds",
        "50",
        "--measure",
        "p_frozen_gain",
        "--out",
        "s",
    )
    assert result.returncode == 0, result.stderr
    assert "p_frozen_gain" in result.stdout and "mu_star" in result.stdout
    indices = pd.read_csv(tmp_path / "s" / "indices.csv")
    assert set(indices["parameter"]) == set(load_scenario(BASELINE).scenario.uncertainties)
    assert (tmp_path / "s" / "plots" / "indices_p_frozen_gain.png").stat().st_size > 10_000


@pytest.mark.parametrize(
    ("file", "args", "message"),
    [
        (BASELINE, ("--n", "100"), "power of two"),
        (BASELINE, ("--measure", "p_peace"), "Unknown measure p_peace"),
        (BASELINE, ("--method", "fast"), "fast"),
        (SCENARIOS / "scripted-may-2021.yaml", (), "declares no uncertainties"),
    ],
)
def test_bad_sensitivity_requests_exit_2(tmp_path, file, args, message):
    result = run_main(tmp_path, "sensitivity", str(file), "--worlds", "10", *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "results").exists()
