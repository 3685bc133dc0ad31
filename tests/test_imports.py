"""The package's modules import each other without a cycle, counting imports inside functions.

An import tucked into a function can hide a cycle (two modules that each need the other),
which only shows when the two are loaded in an unlucky order. Imports only for type
checking (``if TYPE_CHECKING:``) do not count: they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import sim

PACKAGE = Path(sim.__file__).parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(tree: ast.AST) -> list[str]:
    """Return every ``sim`` module named by an import that can run, at any depth."""
    found = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found += [n for child in node.orelse for n in _imports(child)]
            continue
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        found += _imports(node)
    return [name for name in found if name == "sim" or name.startswith("sim.")]


def _owning_module(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def import_graph() -> nx.DiGraph:
    """Return which sim module imports which (a package's own submodules aside)."""
    graph = nx.DiGraph()
    for module, path in MODULES.items():
        graph.add_node(module)
        for name in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            target = _owning_module(name)
            if target and target != module and not module.startswith(f"{target}."):
                graph.add_edge(module, target)
    return graph


def test_no_module_imports_itself_round_a_cycle():
    cycles = sorted(nx.simple_cycles(import_graph()), key=len)
    assert not cycles, f"import cycles: {cycles[:5]}"


def test_the_check_sees_imports_inside_functions():
    # The command line imports most of the package inside its commands; the graph has them.
    assert import_graph().has_edge("sim.cli.running", "sim.run.service")
