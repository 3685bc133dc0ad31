"""crisis-sim: an agent-based simulator of border-crisis escalation.

Grounded in the May 2021 Sev Lake crisis between Armenia and Azerbaijan. The Python API:

>>> from sim import load_scenario, run_ensemble
>>> loaded = load_scenario("scenarios/baseline-may-2021.yaml")
>>> result = run_ensemble(loaded.scenario, worlds=200)
>>> sorted(result.outcomes.columns)[:3]
['appeal_day', 'casualties_armenia', 'casualties_azerbaijan']
"""

from sim.ensemble import EnsembleResult, run_ensemble
from sim.model import CrisisModel
from sim.results import write_run
from sim.scenario import LoadedScenario, load_scenario

__version__ = "0.1.0"
__all__ = [
    "CrisisModel",
    "EnsembleResult",
    "LoadedScenario",
    "__version__",
    "load_scenario",
    "run_ensemble",
    "write_run",
]
