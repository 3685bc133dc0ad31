"""Results folders: written whole or not at all, read back together with their manifest.

- :mod:`sim.folders.runfolder`: atomic folders, the manifest, opening a run's folder;
- :mod:`sim.folders.results`: writing a run (outcomes, aggregates, histories) and its hash.
"""
