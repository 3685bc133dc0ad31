"""Experiments over many ensembles: sweeps, sensitivity, calibration, directions, EMA.

- :mod:`sim.experiments.sweep`: a grid of parameter values, one ensemble per point;
- :mod:`sim.experiments.sensitivity`: Sobol and Morris indices through SALib;
- :mod:`sim.experiments.calibration`: parameter sets kept when the case's patterns hold;
- :mod:`sim.experiments.directions`: directional checks of the variants against the baseline;
- :mod:`sim.experiments.ema`: the adapter for the EMA Workbench.

See docs/analysis.md.
"""
