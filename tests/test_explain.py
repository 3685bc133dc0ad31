"""Narrated worlds: `crisis-sim explain`, sim.readers.explain and sim.readers.narration.

A narrated world is a replay, so the tests check the replay against what the run
recorded (outcome rows, sampled histories, the days of first shots and talks), that the
live event log and the replay tell the same story, how the typical world is chosen, and
that every bad request ends in one clear message and exit status 2.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.catalogue.outcomes import OUTCOME_CLASSES, OUTCOME_RULES
from sim.core.actions import Action
from sim.core.model import CrisisModel
from sim.core.world import AllianceState
from sim.errors import UserError
from sim.folders.results import write_run
from sim.folders.runfolder import open_run
from sim.readers.explain import (
    KEY_MEASURES,
    narrate,
    replay_world,
    typical_story,
    typical_world,
)
from sim.readers.narration import tick_events
from sim.readers.phrases import ACTION_PHRASES, ALLIANCE_STAGES, INJECT_PHRASES
from sim.run.ensemble import run_ensemble
from sim.spec.loading import load_scenario
from sim.spec.schema import InjectKind

from conftest import EXERCISE, run_cli, run_main


@pytest.fixture(scope="module")
def exercise_run_dir(tmp_path_factory) -> Path:
    """300 worlds of the exercise scenario: wars, interventions, interpositions, clashes."""
    loaded = load_scenario(EXERCISE)
    out = tmp_path_factory.mktemp("exercise") / "exercise-300"
    return write_run(run_ensemble(loaded.scenario), out, source=loaded.source, plots=False)


def recorded_row(run_dir: Path, world: int) -> pd.Series:
    table = open_run(run_dir).worlds
    rows = table[table["world"] == world]
    assert len(rows) == 1
    return rows.iloc[0]


def same_row(a: pd.Series, b: pd.Series) -> list[str]:
    """Return the columns where two outcome rows differ (NaN equals NaN)."""
    differ = []
    for column in a.index:
        x, y = a[column], b[column]
        if isinstance(x, float) and math.isnan(x):
            if not (isinstance(y, float) and math.isnan(y)):
                differ.append(column)
        elif x != y:
            differ.append(column)
    return differ


def first_world_of(run_dir: Path, outcome: str) -> int:
    table = open_run(run_dir).worlds
    return int(table.loc[table["outcome"] == outcome, "world"].min())


# -- the replay is the run's world ---------------------------------------------------------
EXERCISE_CLASSES = [
    "war",
    "alliance_intervention",
    "patron_interposition",
    "clash_contained",
    "negotiated_withdrawal",
]


@pytest.mark.parametrize("outcome", EXERCISE_CLASSES)
def test_replay_gives_the_recorded_outcome_and_measures(exercise_run_dir, outcome):
    world = first_world_of(exercise_run_dir, outcome)
    story = replay_world(exercise_run_dir, world)
    recorded = recorded_row(exercise_run_dir, world)
    assert story.outcome["outcome"] == outcome
    assert same_row(recorded, story.outcome) == []
    assert story.world == world and story.seed == 7


@pytest.mark.parametrize("outcome", ["frozen_gain", "negotiated_withdrawal", "clash_contained"])
def test_replay_of_baseline_worlds(baseline_run_dir, outcome):
    world = typical_world(baseline_run_dir, outcome)
    story = replay_world(baseline_run_dir, world)
    assert story.outcome["outcome"] == outcome
    assert same_row(recorded_row(baseline_run_dir, world), story.outcome) == []


def test_replayed_ticks_equal_the_sampled_histories(exercise_run_dir):
    run = open_run(exercise_run_dir)
    trajectories = run.table("trajectories")
    sampled = sorted(trajectories["world"].unique())
    assert len(sampled) == 5
    outcomes = set()
    for world in sampled:
        story = replay_world(run, int(world))
        outcomes.add(story.outcome["outcome"])
        theirs = trajectories[trajectories["world"] == world].reset_index(drop=True)
        pd.testing.assert_frame_equal(story.ticks.drop(columns="date"), theirs)
    assert len(outcomes) >= 2  # the sample covers more than one way of ending


def test_first_advance_is_narrated_on_the_day_the_trajectory_says(baseline_run_dir):
    run = open_run(baseline_run_dir)
    trajectories = run.table("trajectories")
    checked = 0
    for world in sorted(trajectories["world"].unique())[:4]:
        history = trajectories[trajectories["world"] == world]
        advances = history[history["action_azerbaijan"] == "advance"]
        if advances.empty:
            continue
        first = advances.iloc[0]
        story = replay_world(run, int(world))
        event = next(e for e in story.events if e.actor == "azerbaijan" and e.action == "advance")
        assert (event.tick, event.day) == (first["tick"], first["day"])
        assert (
            event.sector == run.manifest["scenario"]["sectors"][first["sector_azerbaijan"]]["name"]
        )
        assert event.date == pd.Timestamp("2021-05-11") + dt.timedelta(days=float(first["day"]))
        # ... and the text puts it under that day's heading.
        text = narrate(story)
        before = text[: text.index(f"— {event.text} (")]
        heading = re.findall(r"^## Day (\d+) ", before, re.M)[-1]
        assert int(heading) == math.floor(first["day"])
        checked += 1
    assert checked >= 3


@pytest.mark.parametrize("outcome", ["war", "clash_contained", "patron_interposition"])
def test_events_fall_on_the_recorded_days(exercise_run_dir, outcome):
    world = typical_world(exercise_run_dir, outcome)
    story = replay_world(exercise_run_dir, world)
    row = story.outcome

    def day_of(action: str, actor: str | None = None) -> float:
        days = [e.day for e in story.events if e.action == action and e.actor == actor]
        return days[0] if days else math.nan

    def same(a: float, b: float) -> bool:
        return (math.isnan(a) and math.isnan(b)) or a == b

    assert same(day_of("first shot"), row["first_shot_day"])
    assert same(day_of("talks started"), row["talks_day"])
    assert same(day_of("appeal alliance", "armenia"), row["appeal_day"])
    statement = min(
        [e.day for e in story.events if e.action in {"official statement"}] or [math.nan]
    )
    assert same(statement, row["statement_day"])
    assert day_of("outcome") == row["end_day"]
    if outcome != "patron_interposition":
        assert not math.isnan(row["first_shot_day"])
    casualties = [e for e in story.events if e.action == "casualties"]
    total = [int(x) for x in re.findall(r"\((\d+) and (\d+) killed since", casualties[-1].text)[0]]
    assert total == [row["killed_defender"], row["killed_attacker"]]


def test_hold_is_never_narrated_and_every_event_is_in_order(exercise_run_dir):
    story = replay_world(exercise_run_dir, typical_world(exercise_run_dir, "clash_contained"))
    assert story.events
    assert all(e.action != "hold" for e in story.events)
    ticks = [e.tick for e in story.events]
    assert ticks == sorted(ticks)
    for event in story.events:
        assert event.sentence.startswith(f"{event.date.day} {event.date:%B}, {event.date:%H:%M} — ")
        assert event.kind in {"action", "inject", "state"}
        if event.kind == "action":
            assert event.actor is not None and event.reason
        if event.kind == "state":
            assert event.actor is None


# -- the live event log -------------------------------------------------------------------
def test_live_model_tells_the_same_story_as_the_replay(baseline_run_dir):
    run = open_run(baseline_run_dir)
    world = typical_world(run, "clash_contained")
    story = replay_world(run, world)
    scenario = story.scenario
    model = CrisisModel(scenario, worlds=1, first_world=world, seed=story.seed)
    assert tick_events(model) == []
    live = []
    while model.running:
        model.step()
        live += tick_events(model)
    assert [e.sentence for e in live] == [e.sentence for e in story.events]
    assert any(e.action == "first shot" for e in live)

    # A dashboard that asks only after the first step still hears tick 0.
    late = CrisisModel(scenario, worlds=1, first_world=world, seed=story.seed)
    late.step()
    assert tick_events(late) == [e for e in story.events if e.tick == 0]


def test_the_ending_tick_keeps_its_choices_in_a_world_that_ends_early(exercise_run_dir):
    # When every world has ended, the model resets its last decisions to hold; the events
    # of the tick the world ended in must still name what each side did.
    world = typical_world(exercise_run_dir, "war")
    story = replay_world(exercise_run_dir, world)
    end = next(e for e in story.events if e.action == "outcome")
    trajectories = story.ticks
    choices = trajectories[trajectories["tick"] == end.tick].iloc[0]
    told = {e.actor: e.action for e in story.events if e.tick == end.tick and e.actor}
    for actor in ("azerbaijan", "armenia", "russia", "csto"):
        action = choices[f"action_{actor}"]
        if action != "hold":
            assert told.get(actor) == Action[action.upper()].label


def test_every_action_outcome_and_stage_has_words():
    assert set(ACTION_PHRASES) == set(Action) - {Action.HOLD}
    assert set(INJECT_PHRASES) == set(InjectKind)
    assert set(OUTCOME_RULES) == set(OUTCOME_CLASSES)
    assert set(ALLIANCE_STAGES) == set(AllianceState) - {AllianceState.NO_APPEAL}


# -- the typical world ----------------------------------------------------------------------
def test_typical_world_is_of_its_class_closest_to_the_medians_and_deterministic(
    exercise_run_dir,
):
    table = open_run(exercise_run_dir).worlds
    for outcome in ("clash_contained", "patron_interposition"):
        world = typical_world(exercise_run_dir, outcome)
        assert typical_world(open_run(exercise_run_dir), outcome) == world
        members = table[table["outcome"] == outcome]
        assert world in set(members["world"])
        values = members[list(KEY_MEASURES)].astype(float)
        sd = values.std(ddof=0).replace(0.0, np.nan)
        distance = (((values - values.median()) / sd) ** 2).sum(axis=1, min_count=1)
        distance = distance.fillna(0.0)
        best = distance.min()
        assert distance[members["world"] == world].iloc[0] == pytest.approx(best)
        assert world == int(members.loc[np.isclose(distance, best), "world"].min())


def test_typical_world_ties_go_to_the_lowest_index(exercise_run_dir, tmp_path):
    copy = tmp_path / "ties"
    shutil.copytree(exercise_run_dir, copy)
    table = pd.read_parquet(copy / "worlds.parquet")
    # Identical war worlds: every one sits at the medians; the lowest index wins.
    wars = table.index[table["outcome"] == "war"]
    assert len(wars) >= 2
    table.loc[wars, list(KEY_MEASURES)] = table.loc[wars[-1], list(KEY_MEASURES)].to_numpy()
    table.to_parquet(copy / "worlds.parquet", index=False)
    assert typical_world(copy, "war") == int(table.loc[wars, "world"].min())


def test_typical_class_names_are_forgiving_and_stories_say_so(exercise_run_dir):
    world = typical_world(exercise_run_dir, "clash_contained")
    assert typical_world(exercise_run_dir, "Clash contained") == world
    assert typical_world(exercise_run_dir, "clash-contained") == world
    story = typical_story(exercise_run_dir, "clash contained")
    assert (story.world, story.typical_of) == (world, "clash_contained")
    assert "the typical clash contained world of this run" in narrate(story)


def test_bad_requests_are_user_errors(exercise_run_dir, baseline_run_dir):
    with pytest.raises(UserError, match=r"numbered 0 to 299"):
        replay_world(exercise_run_dir, 300)
    with pytest.raises(UserError, match=r"numbered 0 to 1999"):
        replay_world(baseline_run_dir, -1)
    with pytest.raises(UserError, match=r"Did you mean war\?"):
        typical_world(exercise_run_dir, "warr")
    with pytest.raises(UserError, match=r"clash_contained \(\d+\)"):
        typical_world(exercise_run_dir, "no_incursion")


# -- the narration ---------------------------------------------------------------------------
def test_narration_has_a_header_days_and_the_outcome_with_its_reason(exercise_run_dir):
    story = typical_story(exercise_run_dir, "war")
    text = narrate(story)
    row = story.outcome
    assert text.startswith(f"# Test scenario: every mechanism active — world {story.world}\n")
    assert "Outcome: **war**" in text and "Seed 7" in text
    days = [int(d) for d in re.findall(r"^## Day (\d+) ", text, re.M)]
    assert days == sorted(days) and days[0] == 0
    # A war ends the world: the story stops on the day it was reached.
    assert days[-1] == math.floor(row["end_day"])
    assert len(re.findall(r"^State by \d\d:\d\d: highest rung \d", text, re.M)) >= len(days)
    ending = text.split("## Outcome: war", 1)[1]
    assert "a war is 8 battle deaths" in ending  # the exercise's low war line
    assert f"killed {row['killed_defender']} on Armenia's side" in ending


def test_quiet_days_are_one_line(baseline_run_dir):
    story = replay_world(baseline_run_dir, typical_world(baseline_run_dir, "frozen_gain"))
    text = narrate(story)
    event_days = {math.floor(e.day) for e in story.events}
    quiet = sorted(set(range(int(story.outcome["end_day"]) + 1)) - event_days)
    assert quiet  # a month-long frozen gain has days when nothing new happens
    for day in quiet:
        assert not re.search(rf"^## Day {day} — [^:\n]*$", text, re.M)  # no block of its own
    runs = re.findall(r"^## Days? (\d+)(?:–(\d+))? — .*: nothing new$", text, re.M)
    covered = {d for first, last in runs for d in range(int(first), int(last or first) + 1)}
    assert covered == set(quiet)
    assert "Classified at the horizon" in text
    assert f"## Day {int(story.outcome['end_day'])} " in text  # the horizon's own line


# -- the command line ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cli_runs(exercise_run_dir, baseline_run_dir, tmp_path_factory):
    """Every command the CLI tests need: those that narrate as real processes, at once (each
    start costs about a second); the refusals through the same main, in this process."""
    cwd = tmp_path_factory.mktemp("explain-cli")
    tampered = cwd / "tampered"
    shutil.copytree(baseline_run_dir, tampered)
    table = pd.read_parquet(tampered / "worlds.parquet")
    table.loc[table["world"] == 3, "max_depth_km"] += 0.5
    table.to_parquet(tampered / "worlds.parquet", index=False)
    (cwd / "empty").mkdir()
    base, ex = str(baseline_run_dir), str(exercise_run_dir)
    commands = {
        "world": (base, "--world", "3"),
        "typical": (ex, "--typical", "war"),
        "out": (ex, "--typical", "war", "--out", "war.md"),
    }
    refusals = {
        "negative": (base, "--world", "-1"),
        "past": (base, "--world", "2000"),
        "neither": (base,),
        "both": (base, "--world", "3", "--typical", "war"),
        "unknown": (ex, "--typical", "wars"),
        "absent": (ex, "--typical", "no_incursion"),
        "not_a_run": (str(cwd / "empty"), "--world", "0"),
        "tampered": (str(tampered), "--world", "3"),
    }
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        done = dict(
            zip(
                commands,
                pool.map(lambda args: run_cli(cwd, "explain", *args), commands.values()),
                strict=True,
            )
        )
    done |= {name: run_main(cwd, "explain", *args) for name, args in refusals.items()}
    return cwd, done


@pytest.mark.slow
def test_cli_prints_the_narration(cli_runs, baseline_run_dir):
    _, done = cli_runs
    result = done["world"]
    assert result.returncode == 0, result.stderr
    assert result.stdout == narrate(replay_world(baseline_run_dir, 3))
    assert result.stdout.startswith("# Sev Lake, May 2021: baseline — world 3\n")
    label = recorded_row(baseline_run_dir, 3)["outcome"].replace("_", " ")
    assert f"## Outcome: {label}" in result.stdout


@pytest.mark.slow
def test_cli_typical_and_out(cli_runs, exercise_run_dir):
    cwd, done = cli_runs
    world = typical_world(exercise_run_dir, "war")
    assert done["typical"].returncode == 0, done["typical"].stderr
    assert f"World {world}: the typical war world" in done["typical"].stderr
    assert done["typical"].stdout.startswith(
        f"# Test scenario: every mechanism active — world {world}\n"
    )
    assert done["out"].returncode == 0, done["out"].stderr
    assert "wrote war.md" in done["out"].stdout
    assert (cwd / "war.md").read_text(encoding="utf-8") == done["typical"].stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("negative", "World -1 is not in .*numbered 0 to 1999"),
        ("past", "World 2000 is not in .*2,000 worlds, numbered 0 to 1999"),
        ("neither", "give --world N .* or --typical CLASS"),
        ("both", "either --world N or --typical CLASS, not both"),
        ("unknown", "'wars' is not an outcome class. Did you mean war\\? The classes are: war, "),
        ("absent", "No world of .* ends in no_incursion.* clash_contained \\(\\d+\\)"),
        ("not_a_run", "not a crisis-sim results folder: manifest.json is missing"),
        ("tampered", "max_depth_km: recorded .*different version of the model: crisis-sim "),
    ],
)
def test_cli_bad_input_exits_2_with_a_message(cli_runs, name, message):
    _, done = cli_runs
    result = done[name]
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert re.search(message, result.stderr), result.stderr
    assert result.stdout == ""


def test_tampered_row_is_refused_with_the_versions(baseline_run_dir, tmp_path):
    copy = tmp_path / "tampered"
    shutil.copytree(baseline_run_dir, copy)
    table = pd.read_parquet(copy / "worlds.parquet")
    table.loc[table["world"] == 5, "outcome"] = "war"
    table.to_parquet(copy / "worlds.parquet", index=False)
    with pytest.raises(UserError) as caught:
        replay_world(copy, 5)
    text = str(caught.value)
    manifest_version = open_run(copy).manifest["versions"]["crisis-sim"]
    assert "different version of the model" in text
    assert f"crisis-sim {manifest_version} (its manifest)" in text
    assert "outcome: recorded 'war'" in text
    replay_world(copy, 6)  # the other worlds still replay
