"""Every policy, registered by role and name (``crisis-sim policies`` lists them)."""

from sim.policies import alliance, attacker, defender, limited, patron, scripted, third_party
from sim.policies.base import REGISTRY, Policy, PolicyContext, policies_for

__all__ = [
    "REGISTRY",
    "Policy",
    "PolicyContext",
    "alliance",
    "attacker",
    "defender",
    "limited",
    "patron",
    "policies_for",
    "scripted",
    "third_party",
]
