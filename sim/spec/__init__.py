"""What a scenario says: the schema, loading a file, overrides and the parameters.

- :mod:`sim.spec.schema`: the pydantic models of a scenario file (:class:`Scenario`);
  its parts beside it, each re-exported there: :mod:`sim.spec.base` (the base model
  and field types), :mod:`sim.spec.casting` (who takes part), :mod:`sim.spec.dynamics`
  (how the world works) and :mod:`sim.spec.injects` (events on the timeline);
- :mod:`sim.spec.yaml_source`: reading YAML with the line of every key, and ``extends:``;
- :mod:`sim.spec.validation`: every problem of a file at once, each with file, line and fix;
  :mod:`sim.spec.schema_problems` turns the schema's errors into those problems;
- :mod:`sim.spec.loading`: the two joined into ``load_scenario``, the scenario's hash,
  and building an actor's policy;
- :mod:`sim.spec.parameters`: every tunable number, by dotted path, for sweeps,
  sensitivity, calibration and ``crisis-sim parameters``.

Nothing here runs the model; ``crisis-sim validate`` imports only this layer.
"""
