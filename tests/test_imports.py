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


#: The package's layers, lowest first: a module may import its own layer and those below.
#: Top-level modules (``sim.errors``, ``sim.wording``...) are beneath every layer, but
#: ``sim.docgen`` and ``sim.__main__``, which stand above them all. The catalogue is
#: below the scenario's schema: a scenario casts states in the catalogue's roles.
LAYERS = (
    "catalogue",
    "spec",
    "core",
    "policies",
    "run",
    "folders",
    "plots",
    "experiments",
    "readers",
    "teach",
    "cli",
)
ABOVE_ALL = {"sim.docgen", "sim.__main__"}

#: Imports that climb, each with its reason. Keep this short: each is a debt.
_POLICY_PARAMS = (
    "a policy's parameters are part of the scenario's schema, and the registry of "
    "self-registering policy classes is the one place they are declared"
)
CLIMBS: dict[tuple[str, str], str] = {
    ("sim.spec.loading", "sim.policies"): _POLICY_PARAMS + " (a loaded scenario builds them)",
    ("sim.spec.validation", "sim.policies"): _POLICY_PARAMS,
    ("sim.spec.parameters", "sim.policies.base"): _POLICY_PARAMS,
    ("sim.core.model", "sim.run.record"): (
        "the record phase of a tick: the recorder belongs in core (to be moved; run/ "
        "merges recorders of chunks)"
    ),
    ("sim.run.service", "sim.folders.results"): "a run to a folder: the one step of run/ "
    "above folders/ (docs/architecture.md)",
    ("sim.run.service", "sim.folders.runfolder"): "a run to a folder, as above",
    ("sim.run.journal", "sim.folders.runfolder"): (
        "a journal reads the manifest of a folder it resumes into"
    ),
    ("sim.folders.results", "sim.plots.run"): (
        "write_run(plots=True) draws a run's plots into its folder, inside the function"
    ),
    ("sim.experiments.calibration", "sim.readers.patterns"): (
        "a calibration scores the case's patterns, which readers also check in a folder"
    ),
    ("sim.experiments.cases", "sim.readers.patterns"): "the cases are scored on patterns",
    ("sim.experiments.joint", "sim.readers.patterns"): "the cases are scored on patterns",
}


def _layer(module: str) -> int:
    if module in ABOVE_ALL:
        return len(LAYERS)
    parts = module.split(".")
    if len(parts) < 3 and (len(parts) < 2 or parts[1] not in LAYERS):
        return -1  # sim itself and the shared top-level modules
    return LAYERS.index(parts[1])


def test_every_package_is_a_declared_layer():
    packages = {m.split(".")[1] for m in MODULES if m.count(".") > 1}
    assert packages == set(LAYERS)


def test_no_import_climbs_the_layers():
    climbs = sorted(
        (module, target)
        for module, target in import_graph().edges
        if _layer(target) > _layer(module) and (module, target) not in CLIMBS
    )
    assert not climbs, "imports that climb the layers (LAYERS, lowest first):\n" + "\n".join(
        f"  {module} imports {target}" for module, target in climbs
    )


def test_every_listed_climb_is_still_there():
    graph = import_graph()
    assert [pair for pair in CLIMBS if not graph.has_edge(*pair)] == []
