"""Bad scenario files end in one report of every problem, each with file, line and fix."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import Problem, ScenarioError, UserError
from sim.scenario import load_scenario, validate_data

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
    path.write_text(textwrap.dedent(text))
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
    assert scenario.name == "test"


def test_unknown_top_level_key_says_did_you_mean(tmp_path):
    problem = only(write(tmp_path, MINIMAL + "horizon_day: 10\n"))
    assert problem.line == 16 and problem.path == "horizon_day"
    assert "unknown key" in problem.message and "horizon_days" in problem.hint


def test_unknown_nested_key(tmp_path):
    text = MINIMAL.replace("    ambiguity: 0.5\n", "    ambiguity: 0.5\n    terain_value: 0.4\n")
    problem = only(write(tmp_path, text))
    assert problem.line == 7 and problem.path == "sectors.lake.terain_value"
    assert "terrain_value" in problem.hint


def test_wrong_type(tmp_path):
    problem = only(write(tmp_path, MINIMAL + "worlds: many\n"))
    assert problem.line == 16 and "many" in problem.message


def test_out_of_range_names_the_range(tmp_path):
    problem = only(write(tmp_path, MINIMAL.replace("ambiguity: 0.5", "ambiguity: 1.5")))
    assert problem.line == 6 and "from 0.0 to 1.0" in problem.hint


def test_missing_required_field(tmp_path):
    problem = only(write(tmp_path, MINIMAL.replace('title: "A test"\n', "")))
    assert problem.path == "title" and "required" in problem.message
    assert "add `title:`" in problem.hint


def test_unknown_policy_says_did_you_mean(tmp_path):
    problem = only(write(tmp_path, MINIMAL.replace("policy: prober", "policy: probr")))
    assert problem.line == 9 and "did you mean `prober`" in problem.hint
    assert "cautious" in problem.hint  # lists the policies for this actor


def test_unknown_and_out_of_range_policy_parameters(tmp_path):
    text = MINIMAL.replace(
        "    policy: prober\n",
        "    policy: prober\n    params:\n      advance_probabilty: 0.5\n      halt_cost: -1\n",
    )
    found = problems(write(tmp_path, text))
    assert [p.line for p in found] == [11, 12]
    assert "advance_probability" in found[0].hint
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
    messages = {p.line: (p.message, p.hint) for p in found}
    assert "moon" in messages[17][0] and "lake" in messages[17][1]
    assert "mars" in messages[18][0]
    assert "does nothing for a rumour" in messages[19][0]
    assert "horizon" in messages[20][0]


def test_scripted_timeline_problems(tmp_path):
    text = MINIMAL.replace(
        "    policy: restraint\n",
        "    policy: scripted\n    params:\n      timeline:\n"
        "        - {day: 1, action: advance, sector: lake}\n"
        "        - {day: 2, action: appeal_csto}\n"
        "        - {day: 2.1, action: official_statement}\n",
    )
    found = problems(write(tmp_path, text))
    assert "not an action of armenia" in found[0].message and found[0].line == 14
    assert "same tick" in found[1].message and found[1].line == 16


def test_tick_hours_must_divide_a_day(tmp_path):
    problem = only(write(tmp_path, MINIMAL + "tick_hours: 5\n"))
    assert "divide a day" in problem.message


def test_many_problems_reported_at_once(tmp_path):
    text = (
        MINIMAL.replace("ambiguity: 0.5", "ambiguity: 2").replace("policy: broker", "policy: brokr")
        + "worlds: 0\nhorizon_day: 3\n"
    )
    found = problems(write(tmp_path, text))
    assert len(found) == 4
    assert [p.line for p in found] == sorted(p.line for p in found)


@pytest.mark.parametrize(
    ("text", "expected", "line"),
    [
        ("name: x\n  title: [unclosed\n", "not valid YAML", 2),
        ("", "empty", 1),
        ("- a\n- b\n", "mapping", 1),
        ("name: !!python/object/apply:os.system ['touch /tmp/pwned']\n", "not allowed", 1),
    ],
    ids=["syntax", "empty", "list", "python-tag"],
)
def test_files_that_are_not_scenarios(tmp_path, text, expected, line):
    found = problems(write(tmp_path, text))
    assert expected in found[0].message
    if line is not None:
        assert found[0].line == line
    assert not Path("/tmp/pwned").exists()


def test_alias_bomb_fails_fast(tmp_path):
    levels = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        levels.append(f"a{level}: &a{level} [{refs}]")
    problem = problems(write(tmp_path, "\n".join(levels) + "\n"))[0]
    assert "expands to over" in problem.message


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        load_scenario(tmp_path / "nope.yaml")
    with pytest.raises(UserError, match="not a file"):
        load_scenario(tmp_path)


def test_variant_errors_point_at_the_file_that_holds_them(tmp_path):
    write(tmp_path, MINIMAL.replace("ambiguity: 0.5", "ambiguity: 7"), "base.yaml")
    variant = write(tmp_path, "extends: base.yaml\nname: v\nworlds: -1\n", "variant.yaml")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(variant)
    where = {(p.file.name, p.line) for p in caught.value.problems}
    assert where == {("base.yaml", 6), ("variant.yaml", 3)}


def test_extends_problems(tmp_path):
    missing = write(tmp_path, "extends: gone.yaml\nname: v\n", "a.yaml")
    assert "not found" in only(missing).message
    write(tmp_path, "extends: c.yaml\nname: b\n", "b.yaml")
    loop = write(tmp_path, "extends: b.yaml\nname: c\n", "c.yaml")
    with pytest.raises(ScenarioError, match="loop") as caught:
        load_scenario(loop)
    assert caught.value.problems[0].file.name == "b.yaml"  # where the loop closes


def test_variant_merge_rules(tmp_path):
    base = MINIMAL.replace(
        "  csto:\n    policy: consensus\n",
        "  csto:\n    policy: consensus\n  third_parties:\n    france: {policy: statements}\n"
        "    usa: {policy: statements}\n",
    ).replace("    policy: prober\n", "    policy: prober\n    params: {halt_cost: 0.9}\n")
    write(tmp_path, base, "base.yaml")
    variant = write(
        tmp_path,
        """\
        extends: base.yaml
        name: v
        sectors:
          lake: {armenian_force: army}
        actors:
          azerbaijan: {policy: scripted}
          third_parties: {france: null}
        """,
        "variant.yaml",
    )
    scenario = load_scenario(variant).scenario
    assert scenario.sectors["lake"].armenian_force.value == "army"
    assert scenario.sectors["lake"].ambiguity == 0.5  # merged, not replaced
    assert scenario.actors.azerbaijan.params == {}  # a new policy drops the old params
    assert list(scenario.actors.third_parties) == ["usa"]  # null removes


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(
        [
            ("worlds",),
            ("seed",),
            ("horizon_days",),
            ("tick_hours",),
            ("sectors", "lake", "ambiguity"),
            ("sectors", "lake"),
            ("actors", "russia", "policy"),
            ("actors", "csto"),
            ("dynamics",),
            ("injects",),
            ("name",),
        ]
    ),
    value=st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=30),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    ),
)
def test_any_wrong_value_ends_in_a_scenario_error_or_a_scenario(path, value):
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(MINIMAL)
    node = data
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    try:
        scenario = validate_data(data, Path("fuzz.yaml"))
    except ScenarioError as error:
        assert all(p.file == Path("fuzz.yaml") for p in error.problems)
        assert "Traceback" not in str(error)
    else:
        assert scenario.worlds >= 1 and not math.isnan(scenario.horizon_days)
