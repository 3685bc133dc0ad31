"""Reading results folders back: comparisons, narrated worlds, the case's patterns, reports.

- :mod:`sim.readers.compare`: two or more runs side by side, with their differences;
- :mod:`sim.readers.explain`: one world told day by day (it reruns that world);
- :mod:`sim.readers.narration`: a tick of a world in plain words, from the tick's facts
  (for ``explain``, the game's event log and the dashboard), with its phrases in
  :mod:`sim.readers.phrases`;
- :mod:`sim.readers.patterns`: the May 2021 case's patterns, checked in each world;
- :mod:`sim.readers.report`: a run's one-page HTML report.
"""
