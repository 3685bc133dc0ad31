"""crisis-sim: an agent-based simulator of border-crisis escalation.

Grounded in the May 2021 Sev Lake crisis between Armenia and Azerbaijan. The Python API:

>>> from sim import load_scenario, run_ensemble
>>> loaded = load_scenario("scenarios/baseline-may-2021.yaml")
>>> result = run_ensemble(loaded.scenario, worlds=200)
>>> sorted(result.outcomes.columns)[:3]
['alliance_final_state', 'appeal_day', 'ceasefire_day']
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The public names load on first use (PEP 562), so `crisis-sim --help` and other light
# commands do not pay for importing Mesa, pandas and scipy.
_EXPORTS = {
    "CrisisModel": "sim.core.model",
    "EnsembleResult": "sim.run.ensemble",
    "LoadedScenario": "sim.spec.loading",
    "load_scenario": "sim.spec.loading",
    "run_ensemble": "sim.run.ensemble",
    "write_run": "sim.folders.results",
}
__all__ = [  # noqa: RUF022 - the order of _EXPORTS
    "CrisisModel",
    "EnsembleResult",
    "LoadedScenario",
    "load_scenario",
    "run_ensemble",
    "write_run",
    "__version__",
]

if TYPE_CHECKING:
    from sim.core.model import CrisisModel
    from sim.folders.results import write_run
    from sim.run.ensemble import EnsembleResult, run_ensemble
    from sim.spec.loading import LoadedScenario, load_scenario


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
