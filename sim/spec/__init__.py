"""What a scenario says: the schema, loading a file, overrides and the parameters.

- :mod:`sim.spec.schema`: the pydantic models of a scenario file (:class:`Scenario`);
- :mod:`sim.spec.loading`: reading YAML with line numbers, ``extends:``, validation with
  errors that name file and line, and building a scenario's policies;
- :mod:`sim.spec.parameters`: every tunable number, by dotted path, for sweeps,
  sensitivity, calibration and ``crisis-sim parameters``.

Nothing here runs the model; ``crisis-sim validate`` imports only this layer.
"""
