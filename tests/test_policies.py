"""The contract every registered policy keeps (in the manner of Axelrod's strategy tests).

One generic test runs over every policy: documented, typed parameters with defaults in
range, an honest classifier, and decisions that are valid, deterministic under a seed
and built only from the actor's own view. Their source hides no number: every number
that decides behaviour is a named parameter, and every reason is named.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import importlib
from pathlib import Path

import numpy as np
import pytest
from pydantic import BaseModel

from sim.catalogue.roles import MAY_2021, Role
from sim.core.actions import CATALOGUE, Action, actions_for
from sim.core.model import CrisisModel
from sim.core.perception import View
from sim.core.rowwise import row_all
from sim.core.world import Decision
from sim.policies import REGISTRY

from conftest import ROOT, fingerprint, make_scenario, quick_first

CASES = sorted(REGISTRY.items())
IDS = [f"{kind.value}-{name}" for (kind, name), _ in CASES]
POLICY_FILES = sorted((ROOT / "sim" / "policies").glob("*.py"))


def _scenario_with(exercise_data: dict, kind: Role, name: str, params: dict | None = None):
    data = copy.deepcopy(exercise_data)
    slot = (
        data["actors"]["third_parties"]["critic"]
        if kind is Role.THIRD_PARTY
        else data["actors"][MAY_2021[kind].state]
    )
    slot["policy"], slot["params"] = name, params or {}
    return make_scenario(data)


def _actor_name(kind: Role) -> str:
    return "critic" if kind is Role.THIRD_PARTY else MAY_2021[kind].state


def _acting_params(kind: Role, name: str) -> dict:
    """Return parameters under which the policy acts: a scripted actor needs a move."""
    if name != "scripted":
        return {}
    action = next(a for a in actions_for(kind) if a is not Action.HOLD)
    move = {"day": 1.5, "action": action.name.lower()}
    if action.info.targets_sector:
        move["sector"] = "lake"
    return {"timeline": [move]}


#: Forced draws: every one 0 (each chance taken), or just under 1 (no chance taken).
EVERY_CHANCE, NO_CHANCE = 0.0, float(np.nextafter(1.0, 0.0))


def _watch(scenario, kind: Role, forced: float | None = None, worlds: int = 60) -> list:
    """Run the scenario and return each tick's (view, decision) of the actor of ``kind``.

    With ``forced``, every draw its policy makes is that number (the other actors and
    the world draw as always): a policy's chances are then all taken, or none.
    """
    model = CrisisModel(scenario, worlds=worlds)
    policy = model.actors[_actor_name(kind)].policy
    decide, seen = policy.decide, []

    def watched(view, draw):
        if forced is not None:

            def draw(purpose: str, slots: int | None = None) -> np.ndarray:
                return np.full(view.worlds if slots is None else (view.worlds, slots), forced)

        decision = decide(view, draw)
        seen.append((view, decision))  # the actor then holds where a world has ended
        return decision

    policy.decide = watched
    model.run()
    return seen


def _same_choices(one: list, other: list) -> bool:
    return len(one) == len(other) and all(
        np.array_equal(a.action, b.action) and np.array_equal(a.sector, b.sector)
        for (_, a), (_, b) in zip(one, other, strict=True)
    )


@pytest.mark.parametrize(("key", "cls"), CASES, ids=IDS)
def test_policy_is_documented(key, cls):
    _, name = key
    doc = cls.__doc__ or ""
    assert len(doc.split()) >= 25, f"{name}: the docstring should say where the rule comes from"
    assert cls.describe() and not cls.describe().endswith(","), name
    assert "stochastic" in cls.classifier and "reads" in cls.classifier
    params = cls.Params()  # defaults validate against their own ranges
    for field, info in cls.Params.model_fields.items():
        assert info.description and len(info.description) > 15, f"{name}.{field} needs a meaning"
        assert getattr(params, field) is not None
    assert cls.reasons[0] == "nothing calls for action"
    assert len(set(cls.reasons)) == len(cls.reasons)


@pytest.mark.parametrize(("key", "cls"), CASES, ids=IDS)
def test_decisions_are_valid(key, cls, exercise_data):
    kind, name = key
    scenario = _scenario_with(exercise_data, kind, name)
    model = CrisisModel(scenario, worlds=200)
    actor = model.actors[_actor_name(kind)]
    sectors = len(scenario.sectors)
    seen: set[int] = set()
    while model.running:
        model.step()
        decision = actor.last_decision
        assert isinstance(decision, Decision)
        for array, dtype in (
            (decision.action, np.int16),
            (decision.sector, np.int8),
            (decision.reason, np.int8),
        ):
            assert array.shape == (200,) and array.dtype == dtype
        for code in np.unique(decision.action):
            action = Action(int(code))
            assert kind in CATALOGUE[action].actors, f"{name} took {action.name}"
            aimed = decision.sector[decision.action == code]
            if CATALOGUE[action].targets_sector:
                assert ((aimed >= 0) & (aimed < sectors)).all(), f"{name}: {action.name} unaimed"
        assert ((decision.reason >= 0) & (decision.reason < len(cls.reasons))).all()
        held = decision.action == Action.HOLD
        assert (decision.reason[~held] > 0).all(), f"{name} acted without giving a reason"
        seen.update(np.unique(decision.action).tolist())
    if name != "scripted":  # a scripted actor with an empty timeline only holds
        assert seen - {Action.HOLD}, f"{name} never did anything in the exercise scenario"


@pytest.mark.parametrize(("key", "cls"), quick_first(CASES, IDS, group=lambda case: case[0][0]))
def test_same_seed_same_choices_and_classifier_is_honest(key, cls, exercise_data):
    kind, name = key
    scenario = _scenario_with(exercise_data, kind, name, _acting_params(kind, name))
    assert fingerprint(scenario, worlds=60) == fingerprint(scenario, worlds=60)
    # A stochastic policy's own draws move its choices: with every chance taken it
    # chooses otherwise than with none. A deterministic one draws nothing that matters.
    every_chance = _watch(scenario, kind, EVERY_CHANCE, worlds=20)
    no_chance = _watch(scenario, kind, NO_CHANCE, worlds=20)
    stochastic = cls.classifier["stochastic"]
    assert _same_choices(every_chance, no_chance) != stochastic, f"{name}: stochastic={stochastic}"
    if stochastic:
        return
    # A deterministic policy makes the same choices whatever the seed of the world.
    choices = []
    for seed in (1, 2):
        model = CrisisModel(scenario, worlds=20, seed=seed)
        actions = []
        while model.running:
            model.step()
            actions.append(model.actors[_actor_name(kind)].last_decision.action.copy())
        choices.append(np.array(actions))
    assert np.array_equal(*choices)


def _fires_first(seen: list) -> bool:
    fire = (Action.DEFENDER_FIRE, Action.COUNTER_ATTACK)
    return any((np.isin(d.action, fire) & ~v.fired_upon).any() for v, d in seen)


def _takes(action: Action):
    return lambda seen: any((d.action == action).any() for _, d in seen)


def _acts_without_consensus(seen: list) -> bool:
    measures = Action.COLLECTIVE_MEASURES
    return any(((d.action == measures) & ~row_all(v.members_consenting)).any() for v, d in seen)


@dataclasses.dataclass(frozen=True)
class Claim:
    """A classifier entry as a fact about a run's views and decisions."""

    happens: object  # (view, decision) per tick -> whether the behaviour happened
    claimed: object  # the entry's value -> whether it says the behaviour happens
    possible: object = None  # for a "never" claim, what must happen for it to mean much


#: What each classifier entry says a policy does or never does. ``reads`` names what a
#: rule reads in words ("appeals", "consent"), not view fields: documentation only.
CLAIMS = {
    "fires_first": Claim(_fires_first, lambda value: value),
    "uses_force": Claim(_takes(Action.DEFEND_ALLY), lambda value: value),
    "needs_consensus": Claim(
        _acts_without_consensus,
        lambda value: not value,
        possible=_takes(Action.COLLECTIVE_MEASURES),
    ),
    "side": Claim(_takes(Action.BACK_ATTACKER), lambda value: value == "attacker"),
}


WATCHED = 60  # worlds: enough for a rare claimed move (a protector's force past 3 km) to show


@pytest.mark.parametrize(("key", "cls"), CASES, ids=IDS)
def test_what_a_classifier_says_a_policy_does_it_does(key, cls, exercise_data):
    # A claim that the policy does something is shown with every chance it has taken
    # (its draws forced to 0); a claim that it never does is checked both so and with
    # its own draws, in the exercise, where every mechanism is active.
    kind, name = key
    claims = {k: v for k, v in cls.classifier.items() if k not in ("stochastic", "reads")}
    assert set(claims) <= set(CLAIMS), "a classifier entry that nothing checks"
    if not claims:
        return
    scenario = _scenario_with(exercise_data, kind, name, _acting_params(kind, name))
    every_chance = _watch(scenario, kind, EVERY_CHANCE, worlds=WATCHED)
    own_draws = _watch(scenario, kind, worlds=WATCHED)
    for entry, value in claims.items():
        claim = CLAIMS[entry]
        if claim.claimed(value):
            assert claim.happens(every_chance), f"{name} claims {entry}={value!r}: never seen"
        else:
            for seen in (every_chance, own_draws):
                assert not claim.happens(seen), f"{name} claims {entry}={value!r}: broken"
            if claim.possible is not None:
                assert claim.possible(every_chance), f"{name}: {entry} is never put to the test"


#: Named numbers in sim/policies/ that decide no behaviour, and why.
NOT_BEHAVIOUR = {
    "BY_INDEX_FROM": "a speed switch: first_match finds the same worlds either way",
    "HOURS_PER_DAY": "the calendar's: a scenario's days into ticks",
}


def _declarations(path: Path, tree: ast.Module) -> set[int]:
    """Return the ids of the nodes that declare parameters or name a constant above.

    A parameter's default and range are numbers by nature: the parameter models' bodies
    (pydantic models, with Field(default, ge=, le=)) and with_defaults(...) calls.
    """
    module = importlib.import_module(f"sim.policies.{path.stem}")
    declared: set[int] = set()
    for node in ast.walk(tree):
        value = getattr(module, node.name, None) if isinstance(node, ast.ClassDef) else None
        targets = node.targets if isinstance(node, ast.Assign) else []
        if (
            (isinstance(value, type) and issubclass(value, BaseModel))
            or (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "with_defaults")
            or (targets and all(getattr(t, "id", None) in NOT_BEHAVIOUR for t in targets))
        ):
            declared.update(id(inner) for inner in ast.walk(node))
    return declared


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda path: path.name)
def test_every_number_that_decides_a_policy_s_behaviour_is_a_named_parameter(path):
    # As tests/test_world.py asks of the resolve and perceive phases (issue 23): a rate,
    # threshold or weight written as a number in a rule is one that `crisis-sim
    # parameters`, sweeps, sensitivity runs and tests/test_parameters_matter.py cannot
    # see. It belongs in the policy's parameters, with a range and a meaning. Only
    # identities are left: 0 and 1 (none, all; -1 is "no sector").
    tree = ast.parse(path.read_text(encoding="utf-8"))
    declared = _declarations(path, tree)
    hidden = [
        f"line {node.lineno}: {node.value!r}"
        for node in sorted(ast.walk(tree), key=lambda node: getattr(node, "lineno", 0))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
        and node.value not in (0, 1)
        and id(node) not in declared
    ]
    assert not hidden, f"{path.name} hides numbers: " + ", ".join(hidden)


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda path: path.name)
def test_rules_name_their_reasons(path):
    # A reason is a member of the policy's Reason enum, never a place in a list
    # (reasons[11]) nor a bare code written into a decision.
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            named = getattr(node.value, "id", None) or getattr(node.value, "attr", None)
            assert named not in ("reasons", "_REASONS"), f"line {node.lineno}: a reason by index"
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                written = target.value if isinstance(target, ast.Subscript) else target
                assert getattr(written, "attr", None) != "reason", f"line {node.lineno}: a code"


def test_views_are_read_only_and_hold_no_world(exercise_data):
    """A policy sees only its view: plain read-only arrays, never the world or the model."""
    model = CrisisModel(make_scenario(exercise_data), worlds=30)
    for _ in range(8):
        model.step()
    for actor in model.actors.values():
        view = actor.perceive()
        assert isinstance(view, View)
        for field in dataclasses.fields(view):
            value = getattr(view, field.name)
            assert isinstance(value, np.ndarray | int | float) or field.name == "border"
            if isinstance(value, np.ndarray):
                assert len(value) == 30
                with pytest.raises(ValueError, match="read-only"):
                    value[...] = 0


def test_armenia_hears_late_and_wrong(exercise_data):
    """Yerevan's reading of the advance lags the ground by the set ticks and carries error."""
    scenario = make_scenario(exercise_data)
    model = CrisisModel(scenario, worlds=300)
    for _ in range(12):
        model.step()
    truth_before = model.perceiver._past_depths[-1].copy()
    seen = model.perceiver.defender(model.world, model.tick).depth_km
    assert not np.allclose(seen, model.world.depth_km)
    ratio = np.divide(seen, truth_before, out=np.ones_like(seen), where=truth_before > 0)
    noise = scenario.perception.defender_depth_noise
    assert (np.abs(ratio - 1) <= noise + 1e-9).all()
    assert (np.abs(ratio - 1) > 0.01).any()


def test_cooperation_score_sums_the_catalogue_scores(exercise_data):
    """Every history is scored the same way: the sum of its actions' Goldstein scores."""
    from sim.core.actions import GOLDSTEIN_OF

    model = CrisisModel(make_scenario(exercise_data), worlds=50)
    expected = np.zeros(50)
    while model.running:
        active = model.world.active.copy()
        model.step()
        for actor in model.actors.values():
            expected += np.where(active, GOLDSTEIN_OF[actor.last_decision.action], 0.0)
    assert np.allclose(model.outcomes().cooperation_score, expected, atol=1e-3)
    assert (expected != 0).any()


def test_a_defender_shelled_on_undisputed_ground_can_appeal_for_its_casualties():
    # Tavush, July 2020: fire along the line, no ground taken, and Armenia raised it with
    # the CSTO. Ground alone decided the appeal before (issue 17).
    from sim.core.model import with_overrides
    from sim.spec.loading import load_scenario

    from conftest import ROOT

    tavush = load_scenario(ROOT / "scenarios" / "cases" / "tavush-tovuz-2020" / "scenario.yaml")
    ground_only = CrisisModel(tavush.scenario, worlds=400).run().outcomes()
    shelled = with_overrides(tavush.scenario, {"actors.armenia.params.appeal_casualties": 1})
    reads_losses = CrisisModel(shelled, worlds=400).run().outcomes()
    assert ground_only["max_depth_km"].max() == 0 and ground_only["appeal_day"].isna().all()
    assert reads_losses["appeal_day"].notna().mean() > 0.5


def test_the_maximalist_attacks_the_army_under_fire_and_the_prober_does_not(exercise_data):
    # Issue 17: the maximalist's max_resistance (0.9) was above the army's resistance
    # (0.85), so it stepped into army lines without a shot, against its own docstring,
    # and with one action per tick no policy could fire and advance at once.
    data = copy.deepcopy(exercise_data)
    for sector in data["sectors"].values():
        sector["defender_force"] = "army"
    data["injects"] = []
    runs = {}
    for name in ("maximalist", "prober"):
        data["actors"]["azerbaijan"] = {"policy": name}
        model = CrisisModel(make_scenario(data), worlds=200)
        assaults = np.zeros(200, int)
        while model.running:
            model.step()
            assaults += model.actors["azerbaijan"].last_decision.action == Action.ASSAULT
        runs[name] = (assaults, model.outcomes())
    assaults, outcomes = runs["maximalist"]
    assert (assaults > 0).mean() > 0.9
    assert outcomes["max_depth_km"].gt(0).mean() > 0.9  # the assault gains ground...
    assert outcomes["first_shot_day"].notna().all()  # ...and is fire
    assaults, outcomes = runs["prober"]
    assert assaults.sum() == 0 and outcomes["max_depth_km"].max() == 0


def test_an_attacker_accepts_a_ceasefire_for_its_gains_only_where_it_holds_ground():
    # An attacker with nothing taken accepts a ceasefire to end the fire, not to keep
    # gains it does not have: the reason explain and the debrief print must say which.
    from types import SimpleNamespace

    from sim.policies.attacker import AdvanceReason, Standing

    cls = REGISTRY[(Role.ATTACKER, "cautious")]
    policy = cls(cls.Params(ceasefire_accept_probability=0.5), context=None)
    offered = np.array([True, True, True, False])
    view = SimpleNamespace(
        worlds=4,
        fired_upon=np.ones(4, bool),
        ceasefire=np.zeros(4, bool),
        ceasefire_offered=offered,
        ceasefire_pressure=np.zeros(4),
    )
    holding = np.array([True, False, True, True])
    standing = Standing(holding, np.zeros(4), np.zeros(4, bool), np.ones(4, bool))
    draws = {"ceasefire": np.array([0.1, 0.1, 0.9, 0.1])}  # world 2's draw refuses

    def draw(stream, slots=None):
        return draws.get(stream, np.full(4, 0.99))

    decision = policy.first_match(4, policy.answer_ceasefires(view, standing, draw))
    accepted = decision.action == Action.ACCEPT_CEASEFIRE
    assert accepted.tolist() == [True, True, False, False]
    assert decision.reason[:2].tolist() == [
        AdvanceReason.CEASEFIRE_KEEPS_GAINS,
        AdvanceReason.CEASEFIRE_ENDS_FIRE,
    ]
    assert (
        policy.reasons[decision.reason[1]] == "a ceasefire on offer would end the fire, "
        "with no ground to keep"
    )
