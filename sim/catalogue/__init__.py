"""The catalogue: what the model's outputs are, each declared once, read everywhere else.

- :mod:`sim.catalogue.outcomes`: the outcome classes (order, absorbing or not, label,
  colour, and the rule in words). The resolver, the recorder, the plots, the narration,
  the comparisons and the EMA adapter read them from here, so a new class is one entry
  (and, if it is absorbing, its condition in the resolver).
- :mod:`sim.catalogue.plots`: the plots of a run (file, title, caption, the measure of a
  fan chart, whether the dashboard shows it), which ``sim.plots.run.draw_all``, the report
  and the dashboard read; a new fan chart is one entry.
- :mod:`sim.catalogue.measures`: the per-world measures of a run's worlds table (words,
  unit, decimals, which way is escalation, the summary sweeps and EMA report), which
  ``summarise``, the EMA adapter, ``compare``, the report, the game's debrief, ``explain``
  and the directional checks read; a new measure is one entry.

- :mod:`sim.catalogue.roles`: the roles of a crisis and the actor that plays each by
  default, with its names for tables and sentences.

``tests/test_catalogue.py`` checks that every entry reaches every place that shows it.
"""
