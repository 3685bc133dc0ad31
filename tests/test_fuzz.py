"""Fuzzing: mutated scenario files either run or end in a clear error, never a traceback.

``make test`` runs a fixed, bounded set of cases (1,000 files, from a fixed seed);
``make quick`` fewer, ``make fuzz`` many more (``CRISIS_SIM_FUZZ_CASES``,
``CRISIS_SIM_FUZZ_SEED``). A failing case is reproduced from its number:
``tests.fuzzing.case(N, seed)`` returns its bytes and how it was made.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from pathlib import Path

import psutil
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.errors import ScenarioError, UserError
from sim.run.ensemble import run_ensemble
from sim.spec.loading import load_scenario
from sim.spec.validation import validate_data

from fuzzing import SCENARIOS, Case, case, examples

CASES = int(os.environ.get("CRISIS_SIM_FUZZ_CASES", "1000"))
SEED = int(os.environ.get("CRISIS_SIM_FUZZ_SEED", "20210512"))
#: Valid mutants run as ensembles (of 2 worlds), and cases driven through the CLI.
RUNS = int(os.environ.get("CRISIS_SIM_FUZZ_RUNS", "10"))
CLI_CASES = int(os.environ.get("CRISIS_SIM_FUZZ_CLI", "10"))
#: Bounds on any one case: loading it, and running 2 worlds of it.
LOAD_SECONDS = 5.0
RUN_SECONDS = 60.0
MEMORY_GROWTH = 1.5 * 2**30


def _place(target: Path, mutant: Case) -> None:
    if target.is_dir():
        shutil.rmtree(target)
    elif target.exists():
        target.unlink()
    if mutant.content is None:
        target.mkdir()
    else:
        target.write_bytes(mutant.content)


def _unclear(error: UserError, target: Path) -> str | None:
    """Return what is wrong with an error message, or None when it is clear."""
    text = str(error)
    if target.name not in text:
        return "does not name the file"
    if "Traceback" in text or len(text) > 20_000:
        return "is a traceback or a flood"
    if isinstance(error, ScenarioError):
        if not error.problems:
            return "lists no problem"
        for problem in error.problems:
            if problem.line is None and problem.path:
                return f"gives no line for {problem.path}"
            if not problem.hint:
                return f"gives no fix for {problem.path or 'the file'}"
    return None


@pytest.fixture
def workspace(tmp_path):
    """A copy of the shipped scenarios, so mutants can ``extends:`` them."""
    folder = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, folder)
    return folder


def test_mutated_scenarios_load_or_fail_clearly_then_run(workspace):
    target = workspace / "case.yaml"
    process = psutil.Process()
    rss_before = process.memory_info().rss
    bad, valid, slowest = [], [], (0.0, "")
    for number in range(CASES):
        mutant = case(number, SEED)
        _place(target, mutant)
        start = time.perf_counter()
        try:
            loaded = load_scenario(target)
        except UserError as error:
            why = _unclear(error, target)
            if why:
                bad.append(f"case {number} ({mutant.how}): the message {why}:\n{error}")
        except Exception as error:  # a traceback for the user
            bad.append(f"case {number} ({mutant.how}): {type(error).__name__}: {error}")
        else:
            valid.append((number, loaded.scenario))
        took = time.perf_counter() - start
        slowest = max(slowest, (took, f"case {number} ({mutant.how})"))
    assert not bad, f"{len(bad)} of {CASES} cases, seed {SEED}:\n" + "\n".join(bad[:20])
    assert slowest[0] < LOAD_SECONDS, f"loading took {slowest[0]:.1f} s: {slowest[1]}"
    assert 0.05 * CASES < len(valid) < 0.95 * CASES  # the mutants probe both sides

    step = max(1, len(valid) // RUNS)
    for number, scenario in valid[::step][:RUNS]:
        start = time.perf_counter()
        try:
            run_ensemble(scenario, worlds=2, seed=number)
        except UserError:
            pass  # refused before work with a message: allowed
        except Exception as error:
            bad.append(f"case {number} ({case(number, SEED).how}) ran into {error!r}")
        took = time.perf_counter() - start
        assert took < RUN_SECONDS, f"case {number} ran {took:.0f} s"
    assert not bad, "\n".join(bad)
    assert process.memory_info().rss - rss_before < MEMORY_GROWTH


def _cli(*args: str) -> int:
    argv = sys.argv
    sys.argv = ["crisis-sim", *args]
    try:
        main()
    except SystemExit as done:
        return int(done.code or 0)
    finally:
        sys.argv = argv
    return 0


def test_mutated_scenarios_through_the_command_line(workspace, tmp_path, capsys):
    target = workspace / "case.yaml"
    for number in range(0, CASES, max(1, CASES // CLI_CASES)):
        mutant = case(number, SEED)
        _place(target, mutant)
        validated = _cli("validate", str(target))
        out = tmp_path / f"run-{number}"
        ran = _cli("run", str(target), "--worlds", "2", "--no-plots", "--out", str(out))
        said = capsys.readouterr()
        assert validated in (0, 2) and ran in (0, 2), (number, mutant.how, said.err)
        assert "Traceback" not in said.err + said.out, (number, mutant.how)
        if ran == 2:
            assert not out.exists(), (number, mutant.how)  # no partial folder passed off
            assert "case.yaml" in said.err, (number, mutant.how, said.err)
        else:
            assert (out / "manifest.json").exists(), (number, mutant.how)


# -- the Python API --------------------------------------------------------------------------
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


@pytest.fixture(scope="module")
def baseline_data():
    import json

    loaded = load_scenario(SCENARIOS / "baseline-may-2021.yaml")
    return json.loads(json.dumps(loaded.resolved))


def _set(data, path, value):
    node = data
    for step in path[:-1]:
        node = node[step] if isinstance(node, dict) and step in node else None
        if node is None:
            return
    if isinstance(node, dict):
        node[path[-1]] = value


_PATHS = st.sampled_from(
    [
        ("name",),
        ("worlds",),
        ("horizon_days",),
        ("tick_hours",),
        ("sectors",),
        ("sectors", "sev_lake"),
        ("sectors", "sev_lake", "terrain_value"),
        ("actors", "azerbaijan", "policy"),
        ("actors", "azerbaijan", "params"),
        ("actors", "azerbaijan", "params", "target_depth_km"),
        ("actors", "third_parties"),
        ("injects",),
        ("dynamics",),
        ("dynamics", "advance_step_km"),
        ("uncertainties",),
        ("levers",),
        ("alliance_members",),
        ("new_key",),
    ]
)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(_PATHS, _VALUES), min_size=1, max_size=4))
def test_any_data_validates_or_raises_a_scenario_error(baseline_data, changes):
    import copy

    data = copy.deepcopy(baseline_data)
    for path, value in changes:
        _set(data, path, value)
    with contextlib.suppress(ScenarioError):
        validate_data(data, Path("api.yaml"))
