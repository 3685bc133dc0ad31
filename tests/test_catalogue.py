"""The outcome catalogue is the one list of outcome classes: every output shows exactly it."""

from __future__ import annotations

import re
import shutil

import numpy as np

from sim.catalogue.measures import measure_names
from sim.catalogue.outcomes import (
    ABSORBING,
    CATALOGUE,
    OUTCOME_CLASSES,
    OUTCOME_COLOURS,
    OUTCOME_NAMES,
    OUTCOME_RULES,
    Outcome,
)
from sim.core.model import CrisisModel
from sim.folders.runfolder import read_manifest
from sim.run.record import CATEGORIES, STATUS_STATES
from sim.spec.loading import load_scenario
from sim.teach.narration import outcome_reason

from conftest import SCENARIOS


def test_every_class_but_ongoing_is_declared_once_in_order():
    assert [entry.outcome for entry in CATALOGUE] == [
        o for o in Outcome if o is not Outcome.ONGOING
    ]
    assert len(set(OUTCOME_NAMES)) == len(OUTCOME_NAMES)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", colour) for colour in OUTCOME_COLOURS.values())
    assert len(set(OUTCOME_COLOURS.values())) == len(OUTCOME_COLOURS)  # told apart on a slide
    # The absorbing classes come first: the resolver checks them before the horizon's.
    flags = [entry.absorbing for entry in CATALOGUE]
    assert flags == sorted(flags, reverse=True) and any(flags)


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
