"""Every policy, registered by actor kind and name (``crisis-sim policies`` lists them)."""

from sim.policies import armenia, azerbaijan, csto, russia, scripted, third_party
from sim.policies.base import REGISTRY, Policy, PolicyContext, policies_for

__all__ = [
    "REGISTRY",
    "Policy",
    "PolicyContext",
    "armenia",
    "azerbaijan",
    "csto",
    "policies_for",
    "russia",
    "scripted",
    "third_party",
]
