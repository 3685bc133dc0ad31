"""The model itself: actions, world state, mechanisms, perception, random numbers, agents.

- :mod:`sim.core.actions`: the actors and their actions (the escalation ladder);
- :mod:`sim.core.world`: R worlds' state as arrays, each field declared once;
- :mod:`sim.core.border`: the scenario's sectors and what each force does there;
- :mod:`sim.core.mechanisms`: the submodels of a tick (docs/model.md, section 7), one
  module each, and ``SUBMODELS``, their order;
- :mod:`sim.core.facts`: what one tick's submodels did (``TickFacts``), for later ones
  and for narration;
- :mod:`sim.core.setting`: what the submodels read of a scenario, computed once;
- :mod:`sim.core.resolver`: the resolve phase, running ``SUBMODELS`` in order;
- :mod:`sim.core.perception`: what each actor sees (noisy, delayed views);
- :mod:`sim.core.rng`: counter-based random numbers keyed by (seed, world, tick, stream);
- :mod:`sim.core.agents`: the Mesa agents, one per actor, each holding its policy;
- :mod:`sim.core.model`: :class:`CrisisModel`, the Mesa model stepping R worlds in lockstep;
- :mod:`sim.core.rowwise`: a world-by-world reference stepper the tests compare against.
"""
