"""Roles a crisis may lack: a cast with no patron, no alliance, or neither (issue 25, item 5).

``cast: {patron: null, alliance: null}`` (Thailand and Cambodia, 2011): no agent plays
the role, no submodel reads it, no output names it, and whatever describes or calls on
it is refused with its line and fix. The submodels are checked on hand-built worlds
with known draws (as in test_mechanisms.py), the commands on a small scenario file.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from test_mechanisms import WORLDS, _setting

from sim.catalogue.outcomes import Outcome, classes_for
from sim.catalogue.roles import Role
from sim.core.actions import Action
from sim.core.agents import Alliance, Patron
from sim.core.facts import TickFacts
from sim.core.mechanisms.alliance import alliance_and_members
from sim.core.mechanisms.ceasefire import ceasefire
from sim.core.mechanisms.ground import ground
from sim.core.mechanisms.outcomes import classify_at_horizon
from sim.core.mechanisms.signals import signals_and_costs
from sim.core.mechanisms.talks import appeals_and_talks
from sim.core.mechanisms.violence import violence
from sim.core.model import CrisisModel, with_overrides
from sim.core.world import NEVER, AllianceState, Decision, Talks, WorldState
from sim.errors import ScenarioError
from sim.spec.loading import load_scenario
from sim.teach.game import Game, GameError

from conftest import ROOT, run_main

# Line numbers below count lines of this text (1-based).
NO_ONE = """\
name: no-one
title: "A border with no outside roles"
horizon_days: 6
cast:
  attacker: {state: thailand}
  defender: {state: cambodia}
  patron: null
  alliance: null
sectors:
  temple:
    name: Temple
    ambiguity: 0.9
    defender_force: army
actors:
  thailand:
    policy: cautious
  cambodia:
    policy: restraint
    params:
      ceasefire_offer_probability: 0.3
  third_parties:
    indonesia:
      policy: statements
      params:
        mediation_probability: 0.5
injects:
  - day: 0.0
    kind: clash
    magnitude: 0.8
"""


def write(folder: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def no_one(tmp_path):
    return load_scenario(write(tmp_path, NO_ONE)).scenario


@pytest.fixture
def no_patron(tmp_path):
    """The May 2021 border with its alliance but no patron."""
    text = (ROOT / "scenarios" / "baseline-may-2021.yaml").read_text()
    base = write(tmp_path, text, "baseline.yaml")
    return load_scenario(
        write(tmp_path, f"extends: {base.name}\nname: no-patron\ncast: {{patron: null}}\n")
    ).scenario


def _facts(w: WorldState, setting, tick: int = 4, **chosen) -> TickFacts:
    """Everyone present holds but the actors given (``defender=(actions, sectors)``)."""
    present = [name for name in setting.roles if name is not None]
    decisions = {name: Decision.hold(WORLDS) for name in (*present, *setting.third_parties)}
    by_role = dict(zip(("attacker", "defender"), setting.roles[:2], strict=True))
    for who, (actions, sectors) in chosen.items():
        decision = decisions[by_role.get(who, who)]
        decision.action[:] = [int(a) for a in actions]
        decision.sector[:] = sectors
    return TickFacts.begin(w, decisions, tick, setting.roles)


def test_a_missing_role_has_no_agent_and_its_decision_is_none(no_one):
    model = CrisisModel(no_one, worlds=2)
    assert list(model.actors) == ["thailand", "cambodia", "indonesia"]
    assert not any(isinstance(a, Patron | Alliance) for a in model.agents)
    setting = model.resolver.setting
    assert setting.roles == ("thailand", "cambodia", None, None)
    assert (setting.patron_influence, setting.alliance_influence) == (0.0, 0.0)
    assert no_one.alliance_members == {}  # the May 2021 members do not apply
    model.step()
    assert model.facts.patron is None and model.facts.alliance is None


def test_with_no_alliance_no_appeal_is_recorded_and_the_ladder_never_moves(no_one):
    setting = _setting(no_one)
    w = WorldState.initial(no_one, WORLDS)
    w.depth_km[:] = 1.0  # ground taken: with an alliance, the members would be asked
    w.update_total_depth()
    appeal = [Action.APPEAL_ALLIANCE] * WORLDS
    facts = _facts(w, setting, defender=(appeal, [-1] * WORLDS))
    attention = w.attention.copy()
    appeals_and_talks(w, facts, setting)
    alliance_and_members(w, facts, setting)
    assert (w.appeal_alliance_tick == NEVER).all()  # nobody to receive it: never recorded
    assert (w.alliance_state == AllianceState.NO_APPEAL).all()
    assert not w.member_consent.any()
    assert w.attention.tolist() == attention.tolist()  # an appeal to no one draws no eye
    outcomes = CrisisModel(no_one, worlds=200).run().outcomes()
    assert outcomes["appeal_day"].isna().all()
    assert (outcomes["alliance_final_state"] == "no_appeal").all()


def test_with_no_patron_no_offer_no_deployment_and_no_costs(no_patron):
    setting = _setting(no_patron)
    assert setting.roles[2] is None and setting.patron_influence == 0.0
    w = WorldState.initial(no_patron, WORLDS)
    asked = [Action.APPEAL_PATRON] * WORLDS
    facts = _facts(w, setting, defender=(asked, [-1] * WORLDS))
    for submodel in (ground, violence, appeals_and_talks, signals_and_costs):
        submodel(w, facts, setting)
    assert (w.appeal_patron_tick == NEVER).all()
    assert not w.patron_presence.any() and not w.patron_urged_restraint.any()
    assert not facts.patron_arrives.any()  # no troops to send: the fact stays "nothing"
    assert w.cost_of_defiance.tolist() == [0.0] * WORLDS  # no patron's line, no cost
    assert (w.talks == Talks.NONE).all()  # nobody offered mediation
    outcomes = CrisisModel(no_patron, worlds=300).run().outcomes()
    assert not outcomes["patron_urged_restraint"].any()
    assert Outcome.PATRON_INTERPOSITION.name.lower() not in set(outcomes["outcome"])
    assert "patron_interposition" not in classes_for(no_patron.cast)


def test_an_outside_powers_mediation_and_ceasefire_end_a_clash_with_no_patron(no_one):
    setting = _setting(no_one)
    w = WorldState.initial(no_one, WORLDS)
    w.clash_intensity[:] = 0.8
    w.first_shot_tick[:] = 0
    mediate = [Action.OFFER_MEDIATION, Action.HOLD, Action.HOLD]
    appeals_and_talks(w, _facts(w, setting, indonesia=(mediate, [-1] * WORLDS)), setting)
    assert w.talks.tolist() == [Talks.MEDIATED, Talks.NONE, Talks.NONE]
    offer = [Action.OFFER_CEASEFIRE, Action.OFFER_CEASEFIRE, Action.HOLD]
    accept = [Action.ACCEPT_CEASEFIRE] * WORLDS
    ceasefire(w, _facts(w, setting, tick=5, indonesia=(offer, [-1] * WORLDS)), setting)
    assert w.offer_open.tolist() == [True, True, False] and not w.ceasefire.any()
    chosen = {"attacker": (accept, [-1] * WORLDS), "defender": (accept, [-1] * WORLDS)}
    ceasefire(w, _facts(w, setting, tick=6, **chosen), setting)
    assert w.ceasefire.tolist() == [True, True, False]  # both governments took it up
    assert w.clash_intensity.tolist() == [0.0, 0.0, 0.8]
    classify_at_horizon(w, setting, 23)
    assert w.outcome[0] == Outcome.CLASH_CONTAINED


def test_a_null_role_survives_extends_and_a_results_folder_s_dump(no_patron):
    assert no_patron.cast.missing == (Role.PATRON,)  # the base casts Russia: null removes it
    assert "russia" not in no_patron.actors.principal  # the base's policy for it is dropped
    again = with_overrides(no_patron, {"horizon_days": 3})  # through exclude_none's dump
    assert again.cast.missing == (Role.PATRON,)


def _run_explain_report(tmp_path: Path, scenario: Path) -> str:
    said = []
    for args in (
        ("run", str(scenario), "--worlds", "30", "--out", "run"),
        ("explain", "run", "--world", "0"),
        ("explain", "run", "--typical", "clash_contained"),
        ("report", "run", "--out", "report.html"),
    ):
        result = run_main(tmp_path, *args)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        said.append(result.stdout)
    return "\n".join(said) + (tmp_path / "report.html").read_text()


def test_a_crisis_lacking_its_broker_runs_explains_and_reports_without_naming_a_patron(tmp_path):
    text = NO_ONE.replace("  alliance: null\n", "  alliance: {state: asean}\n")
    text = text.replace("  third_parties:", "  asean:\n    policy: consensus\n  third_parties:")
    text = text.replace("injects:", "alliance_members:\n  laos: {}\ninjects:")
    said = _run_explain_report(tmp_path, write(tmp_path, text)).lower()
    assert "patron" not in said and "russia" not in said
    assert "asean" in said  # the alliance it has is named


def test_a_crisis_with_neither_role_names_neither(tmp_path):
    said = _run_explain_report(tmp_path, write(tmp_path, NO_ONE)).lower()
    for word in ("patron", "alliance", "russia", "csto", "appeal to the"):
        assert word not in said, word
    assert "indonesia" in said


@pytest.mark.parametrize(
    ("edit", "line", "path", "says", "fix"),
    [
        (
            lambda t: t.replace(
                "  third_parties:", "  russia:\n    policy: broker\n  third_parties:"
            ),
            21,
            "actors.russia",
            "a policy for the patron, but the cast has no patron",
            "remove `russia:` from `actors:`",
        ),
        (
            lambda t: t.replace(
                "  third_parties:", "  alliance:\n    policy: consensus\n  third_parties:"
            ),
            21,
            "actors.alliance",
            "a policy for the alliance, but the cast has no alliance",
            "remove `alliance:` from `actors:`",
        ),
        (
            lambda t: t.replace("policy: restraint", "policy: rumour_driven"),
            18,
            "actors.cambodia.policy",
            "rumour_driven's own `appeal_probability` needs the alliance",
            "choose a policy that does not",
        ),
        (
            lambda t: t.replace(
                "      ceasefire_offer", "      appeal_probability: 0.5\n      ceasefire_offer"
            ),
            20,
            "actors.cambodia.params.appeal_probability",
            "of an appeal to the alliance, needs the alliance",
            "remove it, or cast a state as the alliance",
        ),
        (
            lambda t: t.replace(
                "    policy: restraint\n    params:\n      ceasefire_offer_probability: 0.3\n",
                "    policy: scripted\n    params:\n      timeline:\n"
                "        - {day: 1, action: appeal_patron}\n",
            ),
            21,
            "actors.cambodia.params.timeline.0.action",
            "the move 'appeal_patron' needs the patron",
            "remove it, or cast a state as the patron under `cast:`",
        ),
        (
            lambda t: t.replace("injects:", "alliance_members:\n  laos: {}\ninjects:"),
            26,
            "alliance_members",
            "members of an alliance, but the cast has no alliance",
            "remove `alliance_members:`",
        ),
        (
            lambda t: t.replace(
                "    defender_force: army", "    defender_force: army\n    patron_presence: true"
            ),
            14,
            "sectors.temple.patron_presence",
            "the patron's troops, but the cast has no patron",
            "remove it",
        ),
        (
            lambda t: t + "uncertainties:\n  actors.patron.influence: [0.5, 2.0]\n",
            31,
            "uncertainties.actors.patron.influence",
            "belongs to the patron, but the cast has no patron",
            "remove it",
        ),
    ],
    ids=[
        "patron's entry",
        "alliance's entry by role",
        "policy appeals",
        "appeal parameter",
        "scripted appeal",
        "members",
        "patron's troops",
        "patron's uncertainty",
    ],
)
def test_what_describes_or_calls_on_a_missing_role_is_refused_at_its_line(
    tmp_path, edit, line, path, says, fix
):
    file = write(tmp_path, edit(NO_ONE))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(file)
    problems = caught.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert (problem.line, problem.path) == (line, path), str(problem)
    assert says in problem.message and fix in problem.hint, str(problem)
    result = run_main(tmp_path, "validate", str(file))
    assert result.returncode == 2
    assert f"{file}:{line}: {path}: " in result.stderr + result.stdout
    assert "Fix: " in result.stderr + result.stdout


def test_a_base_shared_by_cases_says_nothing_to_a_case_without_the_role():
    case = load_scenario(ROOT / "scenarios/cases/thailand-cambodia-2011/scenario.yaml").scenario
    assert case.cast.missing == (Role.PATRON, Role.ALLIANCE)
    assert set(case.actors.principal) == {"thailand", "cambodia"}
    assert not any(path.startswith("actors.patron") for path in case.uncertainties)


def test_a_class_plays_a_crisis_without_a_patron_or_an_alliance(no_one):
    game = Game(no_one, ["cambodia", "thailand"])
    offered = [choice.name for choice in game.choices("cambodia")]
    assert "appeal_west" in offered  # an appeal that has someone to go to
    assert "appeal_alliance" not in offered and "appeal_patron" not in offered
    with pytest.raises(GameError, match="calls on the alliance, and this crisis has none"):
        game.submit("cambodia", "appeal_alliance")
    seen = [label for label, _ in game.view("cambodia")]
    assert "appealed to the West" in seen
    assert not any("alliance" in label or "patron" in label for label in seen), seen
    game.submit("cambodia", "offer_ceasefire")
    game.submit("thailand", "hold")
    game.play_to_end()
    debrief = game.debrief(worlds=40)
    assert debrief.outcome in classes_for(no_one.cast)
    assert list(debrief.shares["outcome"]) == classes_for(no_one.cast)
    assert not {"alliance_intervention", "patron_interposition"} & set(debrief.shares["outcome"])


CASE_G = ROOT / "scenarios/cases/thailand-cambodia-2011/scenario.yaml"
PLAYED = ("--as", "cambodia", "--debrief-worlds", "20", "--out", "g")


def test_the_workshop_room_plays_it_too():
    from sim.teach.dashboard.room import Room

    room = Room(CASE_G, debrief_worlds=20)
    assert room.states == ["thailand", "cambodia", "indonesia"]
    room.start(["cambodia"])
    assert room.claim("cambodia", "tab", room.access.codes["cambodia"]) is None
    assert room.submit("cambodia", "tab", "local_talks", None, day=0) == "local talks"


def test_the_facilitator_s_set_up_page_offers_its_teams(monkeypatch):
    # It once asked the cast for every team role and failed on the patron it lacks.
    import ipyvuetify as v
    import solara

    from sim.teach.dashboard import config
    from sim.teach.dashboard.facilitator import SetupDesk
    from sim.teach.dashboard.room import Room

    monkeypatch.setitem(config._opened, "room", Room(CASE_G, debrief_worlds=20))
    _, rendered = solara.render(SetupDesk("key"), handle_error=False)
    boxes = [found.widget for found in rendered.find(v.Checkbox)]
    assert [box.label for box in boxes] == ["Cambodia", "Thailand", "Indonesia"]  # defender first
    assert [box.v_model for box in boxes] == [True, True, False]  # the cast, not outsiders


@pytest.mark.slow  # the command line end to end
def test_the_terminal_plays_it_and_names_no_role_it_lacks(tmp_path):
    played = subprocess.run(  # the input ends at once: the team holds every day
        [sys.executable, "-m", "sim.cli", "play", str(CASE_G), *PLAYED],
        cwd=tmp_path,
        input="",
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert played.returncode == 0, played.stderr
    assert "The crisis ended in:" in played.stdout
    assert "How the simulated worlds ended" in played.stdout
    for may_2021 in ("CSTO", "Russia", "alliance", "patron interposition"):
        assert may_2021 not in played.stdout, may_2021


def test_a_full_run_without_either_role_draws_nothing_of_theirs(no_one):
    model = CrisisModel(no_one, worlds=50).run()
    w = model.world
    assert (w.appeal_alliance_tick == NEVER).all() and (w.appeal_patron_tick == NEVER).all()
    assert not w.patron_presence.any() and not w.patron_backs_defender.any()
    assert np.isin(
        w.outcome, [o.value for o in Outcome if "PATRON" not in o.name and "ALLIANCE" not in o.name]
    ).all()
