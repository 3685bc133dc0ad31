"""The world's transcendental functions give the same bits on every processor.

numpy's own ``exp`` and ``power`` of doubles differ in the last bit between a processor
with AVX-512 and one without (about one value in twenty), and the recorded worlds of
``tests/test_recorded_worlds.py`` moved on an AVX-512 machine. :mod:`sim.core.portable`
takes both from the C library, as :mod:`math` does, on every path.
"""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.core import portable
from sim.core.compiled import LARGE_BLOCK, kernels

PACKAGE = Path(sim.__file__).parent
#: numpy's functions whose doubles come from vector code that depends on the processor.
PROCESSOR_DEPENDENT = {
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "power", "float_power",
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh",
    "arcsinh", "arccosh", "arctanh", "cbrt",
}  # fmt: skip


@pytest.fixture(params=["math", "compiled"])
def size(request):
    """A block small enough for :mod:`math`, or large enough for the compiled loops."""
    if request.param == "compiled" and kernels() is None:
        pytest.skip("numba is not importable here")
    return 100 if request.param == "math" else LARGE_BLOCK + 1


def test_exp_is_the_c_library_s_on_either_path(size):
    x = -np.random.default_rng(1).uniform(0.0, 8.0, (size, 3))
    x[::7] = 0.0  # worlds where nobody has fired: exp(0) is 1, exactly
    expected = np.array([[math.exp(v) for v in row] for row in x])
    got = portable.exp(x)
    assert got.shape == x.shape and got.tobytes() == expected.tobytes()


def test_power_is_the_c_library_s_on_either_path(size):
    rng = np.random.default_rng(2)
    base, exponent = rng.uniform(0.05, 1.0, size), rng.integers(0, 12, size).astype(np.int16)
    expected = np.array([math.pow(b, float(e)) for b, e in zip(base, exponent, strict=True)])
    assert portable.power(base, exponent).tobytes() == expected.tobytes()
    scalar = np.array([math.pow(0.7, float(e)) for e in exponent])
    assert portable.power(0.7, exponent).tobytes() == scalar.tobytes()  # counts: a table
    assert portable.power(0.7, exponent.astype(float)).tobytes() == scalar.tobytes()


def _constant(node: ast.expr) -> bool:
    """Whether an exponent is written as a number (``2``, ``-53``): no array's power."""
    if isinstance(node, ast.UnaryOp):
        return _constant(node.operand)
    return isinstance(node, ast.Constant)


#: Where numpy's own may stay: the module that replaces them, the compiled loops (numba
#: calls the C library), and the Poisson quantile, whose ``np.exp`` decides only far from
#: a step (its docstring).
ALLOWED = {"portable.py", "kernels.py", "poisson.py"}


def _processor_dependent_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "np"
            and node.func.attr in PROCESSOR_DEPENDENT
        ):
            found.append(f"{path.name}:{node.lineno}: np.{node.func.attr}")
        if (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Pow)
            and not _constant(node.right)
        ):
            found.append(f"{path.name}:{node.lineno}: ** with a computed exponent")
    return found


def test_no_submodel_or_policy_calls_numpy_s_processor_dependent_functions():
    modules = [
        path
        for folder in ("core", "core/mechanisms", "policies", "run")
        for path in sorted((PACKAGE / folder).glob("*.py"))
        if path.name not in ALLOWED
    ]
    assert len(modules) > 30
    found = [call for path in modules for call in _processor_dependent_calls(path)]
    assert found == [], f"use sim.core.portable instead: {found}"
