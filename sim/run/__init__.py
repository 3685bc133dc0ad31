"""Running many worlds: engines, the ensemble, the recorder, the journal, a run to a folder.

- :mod:`sim.run.engine`: the engine objects that run chunks (in process, processes, Dask);
- :mod:`sim.run.ensemble`: :func:`run_ensemble`, chunks of worlds on an engine, merged;
- :mod:`sim.run.sets`: :func:`run_sets`, many parameter sets as the worlds of a few blocks;
- :mod:`sim.run.record`: what a run keeps of each tick and each world;
- :mod:`sim.run.journal`: finished chunks on disk, so a stopped run can resume;
- :mod:`sim.run.service`: :func:`run_to_folder`, a run written as a results folder.
"""
