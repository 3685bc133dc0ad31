"""Comparing runs, split by job.

- :mod:`~sim.readers.compare.comparison`: ``compare_runs`` and the ``Comparison`` it returns;
- :mod:`~sim.readers.compare.statistics`: the tables of shares, measures and tests;
- :mod:`~sim.readers.compare.summary`: the plain-language summary;
- :mod:`~sim.readers.compare.folder`: the comparison written as a folder.

Its plots are in :mod:`sim.plots.compare`.
"""
