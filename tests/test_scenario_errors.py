"""Bad scenario files end in one report of every problem, each with file, line and fix."""

from __future__ import annotations

import copy
import itertools
import math
import shutil
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from sim.errors import Problem, ScenarioError, UserError
from sim.spec.loading import load_scenario
from sim.spec.schema import Scenario

from conftest import SCENARIOS, read_yaml
from fuzzing import examples

# Line numbers in the tests below count lines of this text (1-based); a line appended
# to it is line 16.
MINIMAL = """\
name: test
title: "A test"
sectors:
  lake:
    name: Lake
    ambiguity: 0.5
actors:
  azerbaijan:
    policy: prober
  armenia:
    policy: restraint
  russia:
    policy: broker
  csto:
    policy: consensus
"""


def write(folder: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(path: Path) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(path) in str(caught.value)
    return caught.value.problems


def only(path: Path) -> Problem:
    found = problems(path)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def test_the_minimal_file_is_valid(tmp_path):
    scenario = load_scenario(write(tmp_path, MINIMAL)).scenario
    assert scenario.name == "test" and list(scenario.sectors) == ["lake"]


def test_unknown_top_level_key_says_did_you_mean(tmp_path):
    path = write(tmp_path, MINIMAL + "horizon_day: 10\n")
    problem = only(path)
    assert (problem.file, problem.line, problem.path) == (path, 16, "horizon_day")
    assert "unknown key" in problem.message and "did you mean `horizon_days`?" in problem.hint


@pytest.mark.parametrize(
    ("edit", "line", "path", "guess"),
    [
        (
            lambda t: t.replace(
                "    ambiguity: 0.5\n", "    ambiguity: 0.5\n    terain_value: 0.4\n"
            ),
            7,
            "sectors.lake.terain_value",
            "terrain_value",
        ),
        (
            lambda t: t + "dynamics:\n  clash_escalation: 0.3\n  advance_step: 1.0\n",
            18,
            "dynamics.advance_step",
            "advance_step_km",
        ),
        (
            lambda t: t + "  third_parties:\n    france: {policy: statements, influense: 1}\n",
            17,
            "actors.third_parties.france.influense",
            "influence",
        ),
    ],
    ids=["sector", "dynamics", "third-party"],
)
def test_unknown_nested_key(tmp_path, edit, line, path, guess):
    problem = only(write(tmp_path, edit(MINIMAL)))
    assert (problem.line, problem.path) == (line, path)
    assert problem.message == "unknown key" and f"did you mean `{guess}`?" in problem.hint


def test_wrong_type(tmp_path):
    problem = only(write(tmp_path, MINIMAL + "worlds: many\n"))
    assert (problem.line, problem.path) == (16, "worlds")
    assert "'many'" in problem.message and "from 1 to 100000000" in problem.hint


def test_out_of_range_names_the_range(tmp_path):
    problem = only(write(tmp_path, MINIMAL.replace("ambiguity: 0.5", "ambiguity: 1.5")))
    assert (problem.line, problem.path) == (6, "sectors.lake.ambiguity")
    assert "1.5" in problem.message and "from 0.0 to 1.0" in problem.hint


def test_exclusive_bounds_are_named_as_such(tmp_path):
    """horizon_days must be above 0: a hint that offers 0.0 contradicts the message."""
    found = problems(write(tmp_path, MINIMAL + "horizon_days: 0\nseed: 9223372036854775808\n"))
    hints = {p.path: p.hint for p in found}
    assert "above 0.0" in hints["horizon_days"] and "from 0.0" not in hints["horizon_days"]
    assert "365.0" in hints["horizon_days"]
    assert "below 9223372036854775808" in hints["seed"]


def test_missing_required_field(tmp_path):
    problem = only(write(tmp_path, MINIMAL.replace('title: "A test"\n', "")))
    assert (problem.line, problem.path) == (1, "title")
    assert "required" in problem.message and "add `title:`" in problem.hint


def test_missing_nested_field_points_at_its_parent(tmp_path):
    problem = only(write(tmp_path, MINIMAL.replace("    name: Lake\n", "")))
    assert (problem.line, problem.path) == (4, "sectors.lake.name")
    assert "add `name:`" in problem.hint


def test_unknown_policy_says_did_you_mean(tmp_path):
    problem = only(write(tmp_path, MINIMAL.replace("policy: prober", "policy: probr")))
    assert (problem.line, problem.path) == (9, "actors.azerbaijan.policy")
    assert "'probr'" in problem.message and "did you mean `prober`" in problem.hint
    assert "cautious" in problem.hint  # lists the policies for this actor


def test_unknown_and_out_of_range_policy_parameters(tmp_path):
    text = MINIMAL.replace(
        "    policy: prober\n",
        "    policy: prober\n    params:\n      advance_probabilty: 0.5\n      halt_cost: -1\n",
    )
    found = problems(write(tmp_path, text))
    assert [(p.line, p.path) for p in found] == [
        (11, "actors.azerbaijan.params.advance_probabilty"),
        (12, "actors.azerbaijan.params.halt_cost"),
    ]
    assert "did you mean `advance_probability`?" in found[0].hint
    assert "from 0.0 to 5.0" in found[1].hint


def test_inject_references(tmp_path):
    text = MINIMAL + textwrap.dedent("""\
        injects:
          - {day: 1, kind: advance_order, sector: moon}
          - {day: 1, kind: third_party_statement, actor: mars, magnitude: 0.1}
          - {day: 1, kind: rumour, sector: lake}
          - {day: 99, kind: rumour}
        """)
    found = problems(write(tmp_path, text))
    assert len(found) == 4
    messages = {p.line: (p.path, p.message, p.hint) for p in found}
    assert messages[17][0] == "injects.0.sector"
    assert "moon" in messages[17][1] and "use one of: lake" in messages[17][2]
    assert messages[18][0] == "injects.1.actor"
    assert "mars" in messages[18][1] and "(none declared)" in messages[18][2]
    assert "does nothing for a rumour" in messages[19][1]
    assert "horizon" in messages[20][1]


def test_inject_names_of_the_wrong_type(tmp_path):
    """A list or mapping where a name belongs is a problem, not a crash."""
    text = MINIMAL + textwrap.dedent("""\
        injects:
          - {day: 1, kind: advance_order, sector: [lake]}
          - {day: 1, kind: third_party_statement, actor: {name: mars}}
        """)
    found = problems(write(tmp_path, text))
    assert {(p.line, p.path) for p in found} == {(17, "injects.0.sector"), (18, "injects.1.actor")}


def test_scripted_timeline_problems(tmp_path):
    text = MINIMAL.replace(
        "    policy: restraint\n",
        "    policy: scripted\n    params:\n      timeline:\n"
        "        - {day: 1, action: advance, sector: lake}\n"
        "        - {day: 2, action: appeal_alliance}\n"
        "        - {day: 2.1, action: official_statement}\n",
    )
    found = problems(write(tmp_path, text))
    assert len(found) == 2
    assert found[0].line == 14 and found[0].path == "actors.armenia.params.timeline.0.action"
    assert (
        "not an action of the defender" in found[0].message and "appeal_alliance" in found[0].hint
    )
    assert found[1].line == 16 and "same tick" in found[1].message
    assert "one action per tick" in found[1].hint


def test_scripted_moves_that_would_never_be_played_as_written(tmp_path):
    """A move past the horizon was silently never played; a sector on a move not aimed
    at one was silently ignored."""
    text = MINIMAL.replace(
        "    policy: restraint\n",
        "    policy: scripted\n    params:\n      timeline:\n"
        "        - {day: 1, action: appeal_alliance, sector: lake}\n"
        "        - {day: 45, action: official_statement}\n",
    )
    found = problems(write(tmp_path, text))
    assert [(p.line, p.path) for p in found] == [
        (14, "actors.armenia.params.timeline.0.sector"),
        (15, "actors.armenia.params.timeline.1.day"),
    ]
    assert "does nothing" in found[0].message and "remove `sector`" in found[0].hint
    assert "past the horizon (30 days)" in found[1].message and "horizon_days" in found[1].hint


def test_tick_hours_must_divide_a_day(tmp_path):
    problem = only(write(tmp_path, MINIMAL + "tick_hours: 5\n"))
    assert (problem.line, problem.path) == (16, "tick_hours")
    assert "use 1, 2, 3, 4, 6, 8, 12 or 24" in str(problem)


def test_many_problems_reported_at_once(tmp_path):
    text = (
        MINIMAL.replace("ambiguity: 0.5", "ambiguity: 2").replace("policy: broker", "policy: brokr")
        + "worlds: 0\nhorizon_day: 3\n"
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write(tmp_path, text))
    found = caught.value.problems
    assert [p.line for p in found] == [6, 13, 16, 17]
    assert str(caught.value).startswith("4 problems in scenario")
    assert str(caught.value).count("\n  - ") == 4


@pytest.mark.parametrize(
    ("text", "expected", "line"),
    [
        ("name: x\n  title: [unclosed\n", "not valid YAML", 2),
        (MINIMAL + "\tworlds: 3\n", "not valid YAML", 16),
        (MINIMAL + "title: again\n", "duplicate key", 16),
        ("", "empty", 1),
        ("# only a comment\n\n", "empty", 1),
        ("- a\n- b\n", "mapping", 1),
        ("just text\n", "mapping", 1),
    ],
    ids=["syntax", "tab", "duplicate-key", "empty", "comment-only", "list", "scalar"],
)
def test_files_that_are_not_scenarios(tmp_path, text, expected, line):
    path = write(tmp_path, text)
    problem = only(path)
    assert problem.file == path and problem.line == line
    assert expected in problem.message and problem.hint


@pytest.mark.parametrize(
    ("template", "line", "expected"),
    [
        ("name: !!python/object/apply:os.system ['touch {marker}']\n", 1, "not allowed"),
        (
            MINIMAL + "description: !!python/object/apply:os.system ['touch {marker}']\n",
            16,
            "not allowed",
        ),
        (
            MINIMAL + "worlds: !!python/object/apply:subprocess.call [['touch', '{marker}']]\n",
            16,
            "not allowed",
        ),
        ("!!python/object/apply:os.system ['touch {marker}']\n", 1, "mapping"),
    ],
    ids=["value", "late-value", "argv", "document"],
)
def test_python_tags_run_nothing(tmp_path, template, line, expected):
    marker = tmp_path / "ran"
    problem = only(write(tmp_path, template.format(marker=marker)))
    assert not marker.exists()
    assert problem.line == line and expected in problem.message and problem.hint


def test_alias_bomb_fails_fast(tmp_path):
    levels = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    names = "abcdefghi"
    for previous, name in itertools.pairwise(names):
        levels.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    path = write(tmp_path, "\n".join(levels) + "\n")  # 9**9 values if expanded
    started = time.perf_counter()
    problem = only(path)
    assert time.perf_counter() - started < 5
    assert "expands to over" in problem.message and "aliases" in problem.message


# -- found by the fuzz test (tests/test_fuzz.py) --------------------------------------------
def test_an_alias_bomb_in_a_duplicated_key_fails_fast(tmp_path):
    """The YAML library's duplicate-key message printed the whole expansion (hours)."""
    levels = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for previous, name in itertools.pairwise("abcdefgh"):
        levels.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    path = write(tmp_path, MINIMAL + "\n".join(levels) + "\nworlds: *h\nworlds: *h\n")
    started = time.perf_counter()
    problem = only(path)
    assert time.perf_counter() - started < 5
    assert "expands to over" in problem.message and 16 < problem.line <= 16 + 8


@pytest.mark.parametrize("tag", ["!!omap [a: 1]", "!!set {a, b}", "!!binary aGk="])
def test_ordered_maps_sets_and_binary_are_refused(tmp_path, tag):
    """!!omap crashed the loader: ruamel keeps no line table for it."""
    problem = only(write(tmp_path, MINIMAL + f"description: {tag}\n"))
    assert problem.line == 16 and f"{tag.split()[0]} is not allowed" in problem.message


def test_a_huge_value_is_quoted_short(tmp_path):
    """A 100,000-character key was echoed whole, burying the message."""
    path = write(tmp_path, MINIMAL + "? " + "x" * 100_000 + "\n: 1\n")  # a long key
    message = str(problems(path)[0])
    assert len(message) < 1000 and "more characters" in message


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("tick_hours: 5", "use 1, 2, 3, 4, 6, 8, 12 or 24"),
        ("uncertainties:\n  dynamics.advance_step_km: [1.0, 0.5]", "lower bound first"),
        ("levers:\n  actors.russia.policy: [broker]", "list the choices"),
    ],
)
def test_checks_across_fields_say_how_to_fix(tmp_path, line, expected):
    """Validator messages came without a fix."""
    problem = only(write(tmp_path, MINIMAL + line + "\n"))
    assert expected in problem.hint and "||" not in problem.message


# -- one test per limit (docs/reliability.md) ----------------------------------------------
def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    path = write(tmp_path, MINIMAL + "#" * 1_000_001 + "\n")
    with pytest.raises(UserError, match=r"is 1,000,\d{3} bytes; the limit is 1,000,000"):
        load_scenario(path)


@pytest.mark.slow
def test_deep_nesting_is_refused_with_its_line(tmp_path):
    """It ended in "maximum recursion depth exceeded", with no line."""
    problem = only(write(tmp_path, MINIMAL + "description: " + "[" * 5000 + "]" * 5000 + "\n"))
    assert problem.line == 16 and "nested more than 100 deep" in problem.message


def test_a_long_extends_chain_is_refused(tmp_path):
    write(tmp_path, MINIMAL, "f0.yaml")
    for n in range(1, 12):
        write(tmp_path, f"extends: f{n - 1}.yaml\n", f"f{n}.yaml")
    with pytest.raises(ScenarioError, match="chain is too deep"):
        load_scenario(tmp_path / "f11.yaml")
    load_scenario(tmp_path / "f7.yaml")  # a chain of eight is fine


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(UserError, match="does not exist") as caught:
        load_scenario(tmp_path / "nope.yaml")
    assert not isinstance(caught.value, ScenarioError)
    with pytest.raises(UserError, match="not a file") as caught:
        load_scenario(tmp_path)
    assert not isinstance(caught.value, ScenarioError)
    for name in ("x" * 300 + ".yaml", "a\0b.yaml"):  # a name too long; a NUL byte
        with pytest.raises(UserError, match="cannot be read"):
            load_scenario(tmp_path / name)


def test_variant_errors_point_at_the_file_that_holds_them(tmp_path):
    write(tmp_path, MINIMAL.replace("ambiguity: 0.5", "ambiguity: 7"), "base.yaml")
    variant = write(
        tmp_path,
        "extends: base.yaml\nname: v\nworlds: -1\nsectors:\n  lake: {terrain_value: 3}\n",
        "variant.yaml",
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(variant)
    where = {(p.file.name, p.line, p.path) for p in caught.value.problems}
    assert where == {
        ("base.yaml", 6, "sectors.lake.ambiguity"),
        ("variant.yaml", 3, "worlds"),
        ("variant.yaml", 5, "sectors.lake.terrain_value"),
    }
    # The report is about the file the user asked for, not the first file in it.
    assert str(caught.value).splitlines()[0] == f"3 problems in scenario {variant}:"


def test_a_broken_base_is_reported_in_the_base(tmp_path):
    write(tmp_path, "name: [unclosed\n", "base.yaml")
    variant = write(tmp_path, "extends: base.yaml\nname: v\n", "variant.yaml")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(variant)
    (problem,) = caught.value.problems
    assert problem.file.name == "base.yaml" and "not valid YAML" in problem.message
    assert str(variant) in str(caught.value).splitlines()[0]


def test_extends_problems(tmp_path):
    missing = write(tmp_path, "name: v\nextends: gone.yaml\n", "a.yaml")
    problem = only(missing)
    assert (problem.file, problem.line, problem.path) == (missing, 2, "extends")
    assert "gone.yaml" in problem.message and "not found" in problem.message
    write(tmp_path, "extends: c.yaml\nname: b\n", "b.yaml")
    loop = write(tmp_path, "extends: b.yaml\nname: c\n", "c.yaml")
    with pytest.raises(ScenarioError, match="loop") as caught:
        load_scenario(loop)
    assert caught.value.problems[0].file.name == "b.yaml"  # where the loop closes
    assert caught.value.problems[0].line == 1
    itself = write(tmp_path, "name: d\nextends: d.yaml\n", "d.yaml")
    assert "loop" in only(itself).message


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (".", "not a file"),
        ("''", "not a file"),
        ("sub", "not a file"),
        ('"a\\0b.yaml"', "cannot be read"),
        ("x" * 300 + ".yaml", "cannot be read"),
    ],
    ids=["dot", "empty", "folder", "nul", "too-long"],
)
def test_extends_naming_something_that_is_not_a_file(tmp_path, target, expected):
    (tmp_path / "sub").mkdir()
    variant = write(tmp_path, f"name: v\nextends: {target}\n", "v.yaml")
    problem = only(variant)  # a ScenarioError at the extends: line, not a crash
    assert (problem.file, problem.line, problem.path) == (variant, 2, "extends")
    assert expected in problem.message and problem.hint


def test_yaml_merge_keys_are_plain_yaml(tmp_path):
    """`<<: *anchor` shares settings between sectors; lines stay where values were written."""
    shared = MINIMAL.replace("  lake:\n", "  lake: &shore\n").replace(
        "actors:\n", "  hill:\n    <<: *shore\n    terrain_value: 0.9\nactors:\n"
    )
    scenario = load_scenario(write(tmp_path, shared)).scenario
    assert scenario.sectors["hill"].name == "Lake" and scenario.sectors["hill"].ambiguity == 0.5
    assert scenario.sectors["hill"].terrain_value == 0.9
    typo = shared.replace(
        "    terrain_value: 0.9\n", "    terrain_value: 0.9\n    max_advance: 2\n"
    )
    problem = only(write(tmp_path, typo))
    assert (problem.line, problem.path) == (10, "sectors.hill.max_advance")
    bad = shared.replace("ambiguity: 0.5", "ambiguity: 2")
    found = problems(write(tmp_path, bad))
    assert {(p.line, p.path) for p in found} == {
        (6, "sectors.lake.ambiguity"),
        (6, "sectors.hill.ambiguity"),  # where the shared value was written
    }


def test_a_new_policy_drops_the_base_params(tmp_path):
    base = MINIMAL.replace(
        "  csto:\n    policy: consensus\n",
        "  csto:\n    policy: consensus\n  third_parties:\n"
        "    france: {policy: statements, params: {demand_depth_km: 1.0}}\n",
    ).replace("    policy: prober\n", "    policy: prober\n    params: {halt_cost: 0.9}\n")
    write(tmp_path, base, "base.yaml")
    same = write(tmp_path, "extends: base.yaml\nname: v\n", "same.yaml")
    actors = load_scenario(same).scenario.actors
    assert actors.azerbaijan.params == {"halt_cost": 0.9}  # same policy: params inherited
    assert actors.third_parties["france"].params == {"demand_depth_km": 1.0}
    variant = write(
        tmp_path,
        """\
        extends: base.yaml
        name: v
        actors:
          azerbaijan: {policy: scripted}
          third_parties:
            france: {policy: scripted, params: {timeline: [{day: 1, action: call_for_restraint}]}}
        """,
        "variant.yaml",
    )
    actors = load_scenario(variant).scenario.actors
    assert actors.azerbaijan.policy == "scripted" and actors.azerbaijan.params == {}
    assert actors.third_parties["france"].params == {
        "timeline": [{"day": 1, "action": "call_for_restraint"}]
    }


def test_variant_merge_rules(tmp_path):
    base = MINIMAL.replace(
        "  csto:\n    policy: consensus\n",
        "  csto:\n    policy: consensus\n  third_parties:\n    france: {policy: statements}\n"
        "    usa: {policy: statements}\n",
    )
    write(tmp_path, base + "injects:\n  - {day: 1, kind: rumour}\n", "base.yaml")
    variant = write(
        tmp_path,
        """\
        extends: base.yaml
        name: v
        sectors:
          lake: {defender_force: army}
        actors:
          third_parties: {france: null}
        injects:
          - {day: 2, kind: official_statement}
        """,
        "variant.yaml",
    )
    scenario = load_scenario(variant).scenario
    assert scenario.sectors["lake"].defender_force.value == "army"
    assert scenario.sectors["lake"].ambiguity == 0.5  # merged, not replaced
    assert list(scenario.actors.third_parties) == ["usa"]  # null removes
    assert [i.kind.value for i in scenario.injects] == ["official_statement"]  # lists replace


def test_null_removes_any_mapping_entry(tmp_path):
    """`null` removes an entry of any kind, so the default applies again."""
    base = MINIMAL + textwrap.dedent("""\
        description: Base.
        dynamics: {advance_step_km: 2.0, clash_escalation: 0.5}
        perception: {defender_lag_ticks: 3}
        """)
    write(tmp_path, base, "base.yaml")
    variant = write(
        tmp_path,
        """\
        extends: base.yaml
        name: v
        description: null
        dynamics: {advance_step_km: null}
        perception: {defender_lag_ticks: null}
        """,
        "variant.yaml",
    )
    scenario = load_scenario(variant).scenario
    defaults = Scenario.model_fields
    assert scenario.description == defaults["description"].default
    assert scenario.dynamics.advance_step_km == 0.8  # the schema default
    assert scenario.dynamics.clash_escalation == 0.5  # kept from the base
    assert scenario.perception.defender_lag_ticks == 1
    # null on a name the base does not have removes nothing: reported, as it is likely a typo
    typo = write(tmp_path, "extends: base.yaml\nname: v\ndynamics: {advance_stp_km: null}\n")
    problem = only(typo)
    assert (problem.file, problem.line) == (typo, 3) and "advance_step_km" in problem.hint


# -- fuzzing: wrong values anywhere in the baseline ------------------------------------------
BASELINE = read_yaml(SCENARIOS / "baseline-may-2021.yaml")


def _paths(node, prefix=()):
    if prefix:
        yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


PATHS = [
    *_paths(BASELINE),
    ("actors", "azerbaijan", "params", "advance_probability"),
    ("actors", "third_parties", "turkey"),
    ("injects", 0, "sector"),
    ("injects", 1, "actor"),
    ("dynamics",),
    ("extends",),
]
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        ["scripted", "advance_order", "third_party_statement", "sev_lake", "army", ".", "x.yaml"]
    ),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(
        st.sampled_from(["policy", "params", "day", "kind", "sector", "actor", "timeline", "x"]),
        st.sampled_from([None, 1, -1.5, "scripted", "sev_lake", [1], {"a": 1}]),
        max_size=4,
    ),
)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copy(SCENARIOS / "baseline-may-2021.yaml", folder / "baseline.yaml")
    return folder


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    mutations=st.lists(st.tuples(st.sampled_from(PATHS), VALUES), min_size=1, max_size=3),
    as_variant=st.booleans(),
)
def test_any_wrong_value_ends_in_a_scenario_or_a_scenario_error(fuzz_dir, mutations, as_variant):
    data, variant = copy.deepcopy(BASELINE), {"extends": "baseline.yaml"}
    for path, value in mutations:
        _set(data, path, value)
        variant[path[0]] = copy.deepcopy(data.get(path[0]))
    file = fuzz_dir / "mutated.yaml"
    with file.open("w", encoding="utf-8") as stream:
        YAML(typ="safe", pure=True).dump(variant if as_variant else data, stream)
    try:
        scenario = load_scenario(file).scenario
    except ScenarioError as error:
        assert error.problems and str(error).startswith(f"{len(error.problems)} problem")
        assert all(p.line is None or p.line >= 1 for p in error.problems)
        if not any(path[0] == "extends" for path, _ in mutations):
            assert {p.file.name for p in error.problems} <= {"mutated.yaml", "baseline.yaml"}
    else:
        assert scenario.worlds >= 1 and math.isfinite(scenario.horizon_days)
        assert all(0 <= s.ambiguity <= 1 for s in scenario.sectors.values())


def _set(data: dict, path: tuple, value) -> None:
    """Set ``value`` at ``path`` where the (already mutated) data still has that shape."""
    node = data
    for step in path[:-1]:
        if isinstance(node, dict):
            node = node.setdefault(step, {})
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            return
    last = path[-1]
    fits = isinstance(node, list) and isinstance(last, int) and last < len(node)
    if isinstance(node, dict) or fits:
        node[last] = value
