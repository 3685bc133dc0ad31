"""The model itself: actions, world state, mechanisms, perception, random numbers, agents.

- :mod:`sim.core.actions`: the actors and their actions (the escalation ladder);
- :mod:`sim.core.world`: R worlds' state as arrays, and the resolver's mechanisms (the
  ODD submodels of docs/model.md, 7.1-7.8);
- :mod:`sim.core.perception`: what each actor sees (noisy, delayed views);
- :mod:`sim.core.rng`: counter-based random numbers keyed by (seed, world, tick, stream);
- :mod:`sim.core.agents`: the Mesa agents, one per actor, each holding its policy;
- :mod:`sim.core.model`: :class:`CrisisModel`, the Mesa model stepping R worlds in lockstep;
- :mod:`sim.core.rowwise`: a world-by-world reference stepper the tests compare against.
"""
