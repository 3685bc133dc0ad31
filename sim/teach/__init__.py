"""The workshop: the browser game, terminal play, briefs and the dashboard.

- :mod:`sim.teach.game`: the classroom game, one team per government;
- :mod:`sim.teach.terminal`: playing one government at the terminal;
- :mod:`sim.teach.workshop`: the printable briefs (``briefs/ROLE.md``);
- :mod:`sim.teach.dashboard`: the Solara dashboard that a class watches.

See docs/workshop.md.
"""
