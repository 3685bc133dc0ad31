"""The catalogues list the outcome classes, plots and measures once: every output shows them."""

from __future__ import annotations

import copy
import re
import shutil

import numpy as np
import pytest

from sim.catalogue import measures, roles
from sim.catalogue.measures import QUANTILES, measure_names
from sim.catalogue.outcomes import (
    ABSORBING,
    CATALOGUE,
    OUTCOME_CLASSES,
    OUTCOME_COLOURS,
    OUTCOME_NAMES,
    OUTCOME_RULES,
    Outcome,
)
from sim.catalogue.roles import Role
from sim.core.model import CrisisModel
from sim.folders.runfolder import open_run, read_manifest
from sim.readers.phrases import outcome_reason
from sim.run.record import CATEGORIES, STATUS_STATES
from sim.spec.loading import load_scenario

from conftest import SCENARIOS, make_scenario


def test_every_class_but_ongoing_is_declared_once_in_order():
    assert [entry.outcome for entry in CATALOGUE] == [
        o for o in Outcome if o is not Outcome.ONGOING
    ]
    assert len(set(OUTCOME_NAMES)) == len(OUTCOME_NAMES)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", colour) for colour in OUTCOME_COLOURS.values())
    assert len(set(OUTCOME_COLOURS.values())) == len(OUTCOME_COLOURS)  # told apart on a slide
    # War comes first: the record's yardstick, read over the whole crisis, outranks every
    # other class at the horizon. The absorbing classes follow it, before the horizon's.
    flags = [entry.absorbing for entry in CATALOGUE]
    assert CATALOGUE[0].outcome is Outcome.WAR and not flags[0]
    assert flags[1:] == sorted(flags[1:], reverse=True) and any(flags)


def test_each_rule_reads_in_words_for_a_world_of_the_run():
    scenario = load_scenario(SCENARIOS / "baseline-may-2021.yaml").scenario
    row = {"first_shot_day": 1.25, "final_depth_km": 2.5, "max_depth_km": 3.1}
    for outcome in OUTCOME_CLASSES:
        reason = outcome_reason(scenario, outcome, row)
        assert "{" not in reason and len(reason) > 30, outcome


def test_the_run_s_outputs_show_exactly_the_catalogue(baseline_run_dir):
    # The run's manifest, its status counts, the EMA outcomes and Mesa's model reporters.
    assert read_manifest(baseline_run_dir)["outcome_classes"] == OUTCOME_NAMES
    assert [Outcome.ONGOING, *(o for o in OUTCOME_CLASSES if o in ABSORBING)] == STATUS_STATES
    assert CATEGORIES["status"][1:] == [o.name.lower() for o in OUTCOME_CLASSES if o in ABSORBING]
    assert [m for m in measure_names() if m[2:] in OUTCOME_NAMES] == [
        f"p_{name}" for name in OUTCOME_NAMES
    ]
    model = CrisisModel(SCENARIOS / "baseline-may-2021.yaml").run()
    reported = model.datacollector.get_model_vars_dataframe().columns
    assert [c for c in reported if c.startswith("share_") and c[6:] in OUTCOME_NAMES] == [
        f"share_{name}" for name in OUTCOME_NAMES
    ]
    assert model.datacollector.model_vars["outcome"][-1] in OUTCOME_NAMES
    assert set(OUTCOME_RULES) == set(OUTCOME_CLASSES)


def test_only_absorbing_classes_end_a_world_before_the_horizon():
    # Armenia firing back brings wars, so both kinds of class occur.
    scenario = load_scenario(SCENARIOS / "response-armenia-fires.yaml").scenario
    model = CrisisModel(scenario, worlds=400).run()
    horizon = model.ticks - 1
    early = model.world.end_tick < horizon
    assert early.any(), "some world should end in an absorbing class before the horizon"
    assert set(np.unique(model.world.outcome[early])) <= ABSORBING


@pytest.mark.slow  # a run folder, its plots and its report
def test_a_new_fan_chart_is_one_entry_and_reaches_the_folder_and_the_report(
    tmp_path, monkeypatch, baseline_run_dir
):
    from sim.catalogue import plots as catalogue
    from sim.plots.run import draw_all
    from sim.readers.report import write_report

    run = tmp_path / "run"
    shutil.copytree(baseline_run_dir, run)
    rumours = catalogue.RunPlot(
        "fan_rumour",
        "Rumours in Armenia",
        "Rumour of an advance across worlds, by day.",
        measure="rumour",
        axis="rumour (0-1)",
    )
    monkeypatch.setattr(catalogue, "RUN_PLOTS", (*catalogue.RUN_PLOTS, rumours))
    drawn = draw_all(run)
    assert [path.name for path in drawn] == [plot.filename for plot in catalogue.RUN_PLOTS]
    assert (run / "plots" / "fan_rumour.png").read_bytes().startswith(b"\x89PNG")
    page = write_report(run).read_text()
    assert "Rumours in Armenia" in page and "Rumour of an advance across worlds, by day." in page


def test_every_measure_is_declared_once_and_born_in_the_worlds_table(baseline_run_dir):
    worlds = open_run(baseline_run_dir).worlds  # as sim.run.record.outcome_table writes it
    catalogue = measures.WORLD_MEASURES
    for field in ("column", "label", "long_label"):
        names = [getattr(m, field) for m in catalogue]
        assert len(set(names)) == len(names), field
    summaries = [m.summary.name for m in catalogue if m.summary]
    assert len(set(summaries)) == len(summaries)
    for measure in catalogue:
        assert worlds[measure.column].dtype.kind in "fi", measure.column
        # A day column is empty exactly where its event never happened.
        assert measure.is_event == measure.column.endswith("_day"), measure.column
        assert measure.more != measure.less and measure.decimals >= 0
    assert len(measures.plotted()) == 6  # one slide of 2 x 3
    assert list(QUANTILES) == sorted(QUANTILES) and 0.5 in QUANTILES


@pytest.mark.slow  # every output: EMA, a comparison, the report
def test_a_new_measure_is_one_entry_and_reaches_every_output(
    tmp_path, monkeypatch, baseline_run_dir
):
    from sim.experiments.ema import ema_model
    from sim.readers.compare.comparison import compare_runs
    from sim.readers.report import render_report

    # end_day is in every worlds table but is not a measure yet.
    assert "end_day" not in {m.column for m in measures.WORLD_MEASURES}
    end_day = measures.WorldMeasure(
        "end_day",
        "day the world ended",
        "Day the world ended (absorbed, or the horizon)",
        "days",
        1,
        measures.Escalation.LESS,
        "later",
        "sooner",
        summary=measures.Summary("mean_end_day", "mean day the world ended"),
    )
    monkeypatch.setattr(measures, "WORLD_MEASURES", (*measures.WORLD_MEASURES, end_day))
    run = open_run(baseline_run_dir)

    # Sweeps, sensitivity and EMA: a summary of every ensemble, declared as an outcome.
    found = measures.summarise(run.worlds)
    assert found["mean_end_day"] == pytest.approx(run.worlds["end_day"].mean())
    assert measure_names()[-1] == "mean_end_day"
    assert measures.describe("mean_end_day") == "mean day the world ended"
    scenario = load_scenario(SCENARIOS / "baseline-may-2021.yaml").scenario
    assert "mean_end_day" in [outcome.name for outcome in ema_model(scenario, worlds=10).outcomes]

    # The comparison tabulates and tests it; the report shows it.
    copy = shutil.copytree(baseline_run_dir, tmp_path / "copy")
    table = compare_runs([baseline_run_dir, copy]).measures.set_index("measure")
    assert list(table.loc["end_day", "label"]) == ["day the world ended"] * 2
    assert table.loc["end_day", "mean"].iloc[0] == pytest.approx(run.worlds["end_day"].mean())
    assert table.loc["end_day", "mean_diff"].iloc[1] == 0.0
    page = render_report(run)
    assert "Day the world ended (absorbed, or the horizon)" in page
    assert 'data-measure="end_day"' in page


def test_each_principal_role_has_one_agent_and_the_may_2021_casting_has_its_briefs():
    from sim.core.agents import AGENT_CLASSES
    from sim.teach.workshop import BRIEFS, ROLES

    principal = [role for role in Role if role is not Role.THIRD_PARTY]
    assert list(roles.PRINCIPAL_ROLES) == principal == list(AGENT_CLASSES)
    assert sorted(roles.TEAM_ROLE_ORDER) == sorted(principal) == sorted(roles.MAY_2021)
    assert set(roles.ROLE_DOES) == set(Role)
    states = [roles.MAY_2021[role].state for role in roles.TEAM_ROLE_ORDER]
    assert list(ROLES) == states and len(set(states)) == len(states)
    for state in states:
        assert (BRIEFS / f"{state}.md").exists(), f"{state} has no brief"


def test_a_cast_s_names_reach_the_narration_and_the_report(baseline_data):
    from sim.readers.phrases import actor_name
    from sim.readers.report import actor_rows

    data = copy.deepcopy(baseline_data)
    data["cast"] = {
        "alliance": {
            "state": "csto",
            "name": "Collective Security Treaty Organization",
            "subject": "The Organization",
        }
    }
    scenario = make_scenario(data)
    assert actor_name("csto", scenario) == "The Organization"
    assert actor_name("armenia", scenario) == "Armenia"  # left out: the May 2021 casting
    assert actor_name("united_states", scenario) == "United States"  # by its id, in words
    rows = {row["name"]: row["role"] for row in actor_rows(scenario.model_dump(mode="json"))}
    assert rows["Collective Security Treaty Organization"] == "alliance"
    assert rows["Azerbaijan"] == "attacker"


def test_summaries_are_pandas_means_to_the_bit():
    # mean_of and share_of replace Series.mean and notna().mean() for speed; a sweep's,
    # calibration's and sensitivity's tables must not move by one bit.
    import numpy as np
    import pandas as pd

    from sim.catalogue.measures import mean_of, share_of

    rng = np.random.default_rng(3)
    for size in (1, 7, 100, 1000, 12_345):
        values = rng.lognormal(0, 2, size)
        values[rng.uniform(size=size) < 0.3] = np.nan
        for column in (values, np.nan_to_num(values), rng.integers(0, 9, size).astype(np.int8)):
            series = pd.Series(column)
            expected = float(series.mean())
            assert mean_of(column) == expected or (np.isnan(expected) and np.isnan(mean_of(column)))
            assert share_of(column) == float(series.notna().mean())
    nothing = np.full(4, np.nan)
    assert np.isnan(mean_of(nothing)) and np.isnan(float(pd.Series(nothing).mean()))
    assert share_of(nothing) == 0.0
