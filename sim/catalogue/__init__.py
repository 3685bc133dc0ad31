"""The catalogue: what the model's outputs are, each declared once, read everywhere else.

:mod:`sim.catalogue.outcomes` declares the outcome classes (order, absorbing or not, label,
colour, and the rule in words). The resolver, the recorder, the plots, the narration,
the comparisons and the EMA adapter all read them from here, so a new class is one entry
(and, if it is absorbing, its condition in the resolver); ``tests/test_catalogue.py``
checks that every entry reaches every place that shows outcome classes.
"""
