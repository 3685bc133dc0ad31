"""Running many worlds: engines, the ensemble, the journal of a long run, the recorder.

- :mod:`sim.run.engine`: which engine runs the chunks (in process, processes, Dask);
- :mod:`sim.run.ensemble`: :func:`run_ensemble`, chunks of worlds on an engine, merged;
- :mod:`sim.run.record`: what a run keeps of each tick and each world;
- :mod:`sim.run.journal`: finished chunks on disk, so a stopped run can resume.
"""
