"""Figures sized for a slide, drawn from folders on disk, never from the model.

- :mod:`sim.plots.run`: a run's plots (the registry is :mod:`sim.catalogue.plots`);
- :mod:`sim.plots.compare`: a comparison's shares, their changes and the measures' ECDFs;
- :mod:`sim.plots.sweep`: a sweep's response curves;
- :mod:`sim.plots.calibration`: the calibration's accepted and rejected sets.
"""
