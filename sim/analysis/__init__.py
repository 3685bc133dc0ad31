"""Analysis of runs: sweeps, sensitivity, comparisons, narrated worlds and reports.

Each operation is a function returning pandas objects (the Python API) and a
``crisis-sim`` command that writes a results folder or prints a summary. See
docs/analysis.md.
"""
