"""Roles, not names: the code knows an attacker, a defender, a patron and an alliance.

A scenario casts states in those roles (``cast:``); the May 2021 casting (Azerbaijan,
Armenia, Russia, the CSTO) is the default and the one place in the code that names a
state (``sim.catalogue.roles.MAY_2021``). These tests hold the code to that, run a crisis
cast with other names, and check the casting's bad input.
"""

from __future__ import annotations

import copy
import io
import re
import tokenize
from pathlib import Path

import pytest

from sim.core.model import CrisisModel
from sim.errors import ScenarioError
from sim.readers.narration import tick_events

from conftest import make_scenario

SIM = Path(__file__).resolve().parents[1] / "sim"
STATES = re.compile(r"armenia|azerbaijan|russia|csto|kyrgyz|tajik|baku|yerevan|moscow", re.I)
KEY = re.compile(r"^[rbuf]*['\"]([A-Za-z0-9_.{}]+)['\"]$")  # a one-word string: a key, an id
# Random streams are keyed by their labels: renamed, every world of every scenario would
# move. This one kept the name it had before roles.
FROZEN_STREAM_LABELS = {("policies/defender.py", '"appeal_russia"')}


def _state_names_in_code(path: Path) -> list[str]:
    """Identifiers and one-word strings naming a state (prose, comments and docs aside)."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
        word = token.type == tokenize.NAME or (
            token.type == tokenize.STRING and KEY.match(token.string)
        )
        if word and STATES.search(token.string):
            found.append(f"{token.string} (line {token.start[0]})")
    return found


def test_no_code_names_a_state_but_the_default_casting():
    offenders = {}
    for path in sorted(SIM.rglob("*.py")):
        relative = path.relative_to(SIM).as_posix()
        if relative == "catalogue/roles.py":  # MAY_2021: the default casting, by design
            continue
        names = [
            name
            for name in _state_names_in_code(path)
            if (relative, name.split(" (")[0]) not in FROZEN_STREAM_LABELS
        ]
        if names:
            offenders[relative] = names
    assert offenders == {}


def test_the_scan_finds_a_state_named_in_code(tmp_path):
    # The scan above must be able to fail: a key, an identifier, not a sentence.
    probe = tmp_path / "probe.py"
    probe.write_text(
        'decision = decisions["azerbaijan"]\nrussia_backs = 1\nprint("Armenia appealed")\n'
    )
    assert [name.split(" (")[0] for name in _state_names_in_code(probe)] == [
        '"azerbaijan"',
        "russia_backs",
    ]


def _kyrgyz_tajik(baseline_data: dict) -> dict:
    """The baseline's mechanics with the April 2021 Kyrgyz-Tajik casting (names only)."""
    data = copy.deepcopy(baseline_data)
    data["cast"] = {
        "attacker": {"state": "tajikistan"},
        "defender": {"state": "kyrgyzstan", "subject": "Bishkek"},
        "patron": {"state": "russia"},
        "alliance": {"state": "csto"},
    }
    actors = data["actors"]
    actors["tajikistan"] = actors.pop("azerbaijan")
    actors["kyrgyzstan"] = actors.pop("armenia")
    data["alliance_members"] = {
        "russia": {"clarity_needed": 0.65, "follows_patron": 0.0},
        "belarus": {"clarity_needed": 0.6, "follows_patron": 0.4},
        "kazakhstan": {"clarity_needed": 0.8, "follows_patron": 0.2},
        "armenia": {"clarity_needed": 0.7, "follows_patron": 0.3},
    }
    data["levers"] = {}
    data["uncertainties"] = {
        path: bounds
        for path, bounds in data.get("uncertainties", {}).items()
        if "azerbaijan" not in path and "armenia" not in path
    }
    return data


def test_a_crisis_cast_with_other_names_runs_and_speaks_their_names(baseline_data):
    scenario = make_scenario(_kyrgyz_tajik(baseline_data))
    model = CrisisModel(scenario, worlds=200).run()
    assert list(model.actors)[:4] == ["tajikistan", "kyrgyzstan", "russia", "csto"]
    assert [type(actor).__name__ for actor in model.actors.values()][:4] == [
        "Attacker",
        "Defender",
        "Patron",
        "Alliance",
    ]
    outcomes = model.outcomes()
    assert len(outcomes) == 200 and outcomes["max_depth_km"].max() > 0  # it advanced
    assert outcomes["appeal_day"].notna().any()  # and the defender appealed
    sentences = " ".join(event.sentence for event in _story(scenario))
    assert "Tajikistan advanced" in sentences
    assert "Bishkek" in sentences and "Armenia" not in sentences


def _story(scenario) -> list:
    """Every event of the scenario's first world, as the narration tells them."""
    model = CrisisModel(scenario, worlds=1)
    events = tick_events(model)
    while model.running:
        model.step()
        events += tick_events(model)
    return events


def test_renaming_the_states_keeps_the_mechanics(baseline_data):
    # Same roles and policies under other ids: different random streams (they are keyed by
    # the state's id), the same model. The shares agree within sampling error.
    may = CrisisModel(make_scenario(baseline_data), worlds=2000).run().outcomes()
    other = CrisisModel(make_scenario(_kyrgyz_tajik(baseline_data)), worlds=2000).run()
    renamed = other.outcomes()
    for outcome in ("frozen_gain", "negotiated_withdrawal"):
        a, b = (may["outcome"] == outcome).mean(), (renamed["outcome"] == outcome).mean()
        assert abs(a - b) < 0.05, (outcome, a, b)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (
            lambda d: d.setdefault("cast", {}).update(attacker={"state": "armenia"}),
            "armenia is cast both as attacker and as defender",
        ),
        (lambda d: d["actors"].pop("russia"), "russia, cast as the patron, has no policy"),
        (
            lambda d: d["actors"].update(turkey={"policy": "backer"}),
            "not a state of the cast",
        ),
        (
            lambda d: d["actors"]["armenia"].update(influence=2.0),
            "influence weighs a voice on the attacker's costs; armenia is the defender",
        ),
        (
            lambda d: d.update(alliance_members={"armenia": {}, "belarus": {}}),
            "armenia is the defender: the appellant does not vote on its own appeal",
        ),
        (
            lambda d: d.update(alliance_members={"csto": {}, "belarus": {}}),
            "csto is the alliance itself, not a member state",
        ),
    ],
    ids=[
        "cast twice",
        "no policy",
        "not cast",
        "influence of a side",
        "defender a member",
        "alliance a member",
    ],
)
def test_bad_casting_is_one_clear_problem(baseline_data, change, says):
    data = copy.deepcopy(baseline_data)
    change(data)
    with pytest.raises(ScenarioError) as raised:
        make_scenario(data)
    messages = [problem.message for problem in raised.value.problems]
    assert any(says in message for message in messages), messages
    assert all(problem.hint for problem in raised.value.problems)


def test_a_base_shared_by_cases_may_give_policies_by_role(baseline_data):
    data = copy.deepcopy(baseline_data)
    actors = data["actors"]
    data["actors"] = {"attacker": actors.pop("azerbaijan"), "defender": actors.pop("armenia")}
    data["actors"].update(actors)
    data["uncertainties"] = {
        path.replace("actors.azerbaijan.", "actors.attacker."): bounds
        for path, bounds in data["uncertainties"].items()
    }
    data["levers"] = {}
    data["cast"] = {"attacker": {"state": "tajikistan"}}
    scenario = make_scenario(data)
    assert scenario.actors.spec("tajikistan").policy == "prober"  # the attacker's, by role
    assert scenario.actors.spec("armenia").policy == "restraint"  # the default defender
    assert "actors.tajikistan.params.halt_cost" in scenario.uncertainties


def test_a_role_and_its_state_cannot_both_give_the_policy(baseline_data):
    data = copy.deepcopy(baseline_data)
    data["actors"]["defender"] = {"policy": "firm_defender"}  # armenia is the defender
    with pytest.raises(ScenarioError) as raised:
        make_scenario(data)
    messages = [problem.message for problem in raised.value.problems]
    assert "both actors.defender and actors.armenia give the defender's policy" in messages


def test_every_field_of_every_view_has_a_label_for_the_players():
    # The game shows a government every labelled field of its view: a field added to a
    # view without a label would silently not be shown.
    from dataclasses import fields

    from sim.core import perception

    base = {f.name for f in fields(perception.View)}
    for view in (
        perception.AttackerView,
        perception.DefenderView,
        perception.PatronView,
        perception.AllianceView,
        perception.ThirdPartyView,
    ):
        unlabelled = [
            f.name for f in fields(view) if f.name not in base and "label" not in f.metadata
        ]
        assert not unlabelled, f"{view.__name__}: {unlabelled}"


#: What a report, a narrated world or a debrief of another crisis must not say.
MAY_2021_WORDS = re.compile(
    r"Armenia|Azerbaijan|Russia|CSTO|Baku|Yerevan|Moscow|Pashinyan|Aliyev", re.IGNORECASE
)


def _fictional(baseline_data: dict) -> dict:
    """The baseline's mechanics, every role cast with a state of no real crisis."""
    data = copy.deepcopy(baseline_data)
    data["title"] = "Northland and Southland: a border crisis"
    data["description"] = "A made-up crisis, to check that the outputs speak its names."
    data["cast"] = {
        "attacker": {"state": "northland"},
        "defender": {"state": "southland"},
        "patron": {"state": "bigland"},
        "alliance": {"state": "pact", "name": "Mountain Pact", "subject": "The Pact"},
    }
    actors = data["actors"]
    for old, new in (("azerbaijan", "northland"), ("armenia", "southland")):
        actors[new] = actors.pop(old)
    actors["bigland"], actors["pact"] = actors.pop("russia"), actors.pop("csto")
    data["alliance_members"] = {
        "eastland": {"clarity_needed": 0.6, "follows_patron": 0.4},
        "westland": {"clarity_needed": 0.7, "follows_patron": 0.2},
    }
    data["levers"], data["uncertainties"] = {}, {}
    return data


@pytest.mark.slow  # a run written to a folder, its report, a world replayed
def test_a_report_and_a_story_of_another_cast_name_no_state_of_may_2021(baseline_data, tmp_path):
    from sim.folders.results import write_run
    from sim.folders.runfolder import open_run
    from sim.readers.explain import narrate, replay_world
    from sim.readers.report import render_report
    from sim.run.ensemble import run_ensemble

    scenario = make_scenario(_fictional(baseline_data))
    folder = write_run(run_ensemble(scenario, worlds=300, seed=2), tmp_path / "run")
    html = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", render_report(open_run(folder)))
    assert "Southland" in html and "Mountain Pact" in html
    assert not MAY_2021_WORDS.findall(html), sorted(set(MAY_2021_WORDS.findall(html)))
    story = " ".join(narrate(replay_world(folder, world)) for world in range(12))
    assert "Southland" in story
    assert not MAY_2021_WORDS.findall(story), sorted(set(MAY_2021_WORDS.findall(story)))
