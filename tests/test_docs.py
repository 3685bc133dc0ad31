"""The docs are true to the code: generated references are current, examples run."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

import sim
from sim import docgen
from sim.catalogue.roles import Role
from sim.spec.loading import load_scenario
from sim.spec.validation import validate_data

from conftest import ROOT, SCENARIOS


@pytest.mark.parametrize("relative", list(docgen.GENERATED))
def test_generated_reference_is_current(relative):
    text = (ROOT / relative).read_text(encoding="utf-8")
    assert docgen.BEGIN in text and docgen.END in text
    expected = docgen.splice(text, docgen.GENERATED[relative]())
    assert text == expected, f"{relative} is out of date: run `make docs`"


def _yaml_blocks(path: Path) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_minimal_scenario_in_the_docs_is_valid(tmp_path):
    minimal = _yaml_blocks(ROOT / "docs" / "scenarios.md")[0]
    file = tmp_path / "minimal.yaml"
    file.write_text(minimal)
    scenario = load_scenario(file).scenario
    assert scenario.name == "my-crisis" and list(scenario.sectors) == ["lake"]


def test_variant_and_scripted_examples_apply_to_the_baseline(tmp_path):
    blocks = _yaml_blocks(ROOT / "docs" / "scenarios.md")
    variant = next(block for block in blocks if block.startswith("extends:"))
    scripted = next(block for block in blocks if "policy: scripted" in block)
    base = (SCENARIOS / "baseline-may-2021.yaml").read_text()
    (tmp_path / "baseline-may-2021.yaml").write_text(base)
    (tmp_path / "variant.yaml").write_text(variant)
    loaded = load_scenario(tmp_path / "variant.yaml").scenario
    assert loaded.sectors["sev_lake"].defender_force.value == "army"
    data = YAML(typ="safe").load(scripted)
    (tmp_path / "scripted.yaml").write_text(
        "extends: baseline-may-2021.yaml\n" + scripted.replace("actors:", "actors:", 1)
    )
    loaded = load_scenario(tmp_path / "scripted.yaml").scenario
    assert loaded.actors.spec("russia").policy == "scripted"
    assert len(data["actors"]["russia"]["params"]["timeline"]) == 2


def test_the_casting_example_casts_the_baseline_anew():
    block = next(b for b in _yaml_blocks(ROOT / "docs" / "scenarios.md") if "cast:" in b)
    data = YAML(typ="safe").load((SCENARIOS / "baseline-may-2021.yaml").read_text())
    example = YAML(typ="safe").load(block)
    data.update(cast=example["cast"], actors=example["actors"], levers={}, uncertainties={})
    scenario = validate_data(data, Path("<docs example>"))
    assert scenario.cast.state(Role.ATTACKER) == "tajikistan"
    assert scenario.cast.subject("kyrgyzstan") == "Bishkek"
    assert scenario.cast.label("csto") == "CSTO"  # left out: the May 2021 casting


def test_every_shipped_scenario_is_listed_in_the_docs():
    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    for file in SCENARIOS.glob("*.yaml"):
        assert f"`{file.name}`" in text, f"{file.name} is missing from docs/scenarios.md"


def test_package_docstring_example_runs():
    results = doctest.testmod(sim, optionflags=doctest.ELLIPSIS)
    assert results.attempted > 0 and results.failed == 0


def test_readme_opens_with_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()]
    assert [c for c in commands if c] == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_readme_python_example_runs(monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    monkeypatch.chdir(ROOT)
    exec(compile(block, "README.md", "exec"), {})
    assert "frozen_gain" in capsys.readouterr().out


@pytest.mark.slow  # the README's 10,000 worlds
def test_readme_run_output_matches_a_real_run():
    """The outcome table shown in the README is what the baseline really gives."""
    from sim.run.ensemble import run_ensemble

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = dict(re.findall(r"│ ([a-z ]+?)\s+│\s+([\d,]+) │", readme))
    scenario = load_scenario(SCENARIOS / "baseline-may-2021.yaml").scenario
    counts = run_ensemble(scenario, worlds=10_000).outcomes.outcome.value_counts()
    assert len(shown) == 7
    for label, count in shown.items():
        assert int(count.replace(",", "")) == counts.get(label.replace(" ", "_"), 0), label


def test_model_doc_action_table_matches_the_catalogue():
    from sim.core.actions import CATALOGUE, described

    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    for action, info in CATALOGUE.items():  # the table speaks of roles, as the model does
        actors = "all" if len(info.actors) == 5 else ", ".join(sorted(a.value for a in info.actors))
        row = (
            f"| `{action.name.lower()}` | {actors} | {int(info.rung)} | {info.goldstein:+.1f} "
            f"| {info.cameo} | {described(action, None)} |"
        )
        assert row in text, f"docs/model.md's action table is out of date at {action.name}"


def test_model_doc_names_only_real_parameters():
    """Every `dynamics.x`, `perception.x` and `thresholds.x` the model doc cites exists."""
    from sim.spec.schema import Dynamics, Perception, Thresholds

    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    sections = {
        "d": Dynamics,
        "dynamics": Dynamics,
        "perception": Perception,
        "thresholds": Thresholds,
    }
    cited = re.findall(r"`(d|dynamics|perception|thresholds)\.([a-z_]+)`", text)
    assert len(cited) > 20
    for section, name in cited:
        assert name in sections[section].model_fields, f"{section}.{name} does not exist"


def test_the_authoring_guides_ranges_and_levers_load(tmp_path):
    minimal = _yaml_blocks(ROOT / "docs" / "scenarios.md")[0]
    declared = _yaml_blocks(ROOT / "docs" / "authoring.md")[0]
    file = tmp_path / "my-crisis.yaml"
    file.write_text(minimal + declared)
    scenario = load_scenario(file).scenario
    assert scenario.uncertainties["dynamics.statement_calming"] == (0.2, 1.0)
    assert scenario.levers["actors.russia.policy"] == ["broker", "protector"]


def test_the_validation_page_shows_the_baselines_calibrated_values():
    """docs/validation.md's region table names the baseline's current value of each."""
    from sim.spec.parameters import parameter

    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    baseline = load_scenario(SCENARIOS / "baseline-may-2021.yaml").scenario
    for path in baseline.uncertainties:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{path}` |"))
        shown = row.rstrip(" |").rsplit("|", 1)[-1].replace("*", "").split("(")[0].strip()
        assert float(shown) == parameter(baseline, path).value, path


def test_the_authoring_guides_patterns_file_loads_and_checks_a_run(tmp_path, baseline_run_dir):
    from sim.readers.patterns import check_patterns, load_patterns

    text = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    example = re.findall(r"```python\n(.*?)```", text, re.S)[0]
    (tmp_path / "my-crisis.py").write_text(example)
    patterns = load_patterns(tmp_path / "my-crisis.py")
    assert [p.key for p in patterns] == ["advance_depth", "talks_within_a_week"]
    table = check_patterns(baseline_run_dir, patterns)
    assert list(table.pattern) == ["advance_depth", "talks_within_a_week", "all"]
