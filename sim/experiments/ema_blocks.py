"""An EMA Workbench evaluator that runs every experiment as the worlds of a few blocks.

EMA's own evaluators call the model once per experiment, so each experiment pays an
ensemble's fixed price (about 115 ms for 100 worlds). :class:`BlockEvaluator` runs them
all first through :func:`sim.run.sets.run_sets`: the experiments that share their
levers form one block, each world carrying its experiment's uncertainties, and the
blocks' chunks run on any engine of :mod:`sim.run.engine`. EMA then asks the model for
each experiment as usual and gets the measures already computed, so its tables,
callbacks and analyses are as with any evaluator, and the numbers are those of each
experiment run alone::

    from ema_workbench import perform_experiments
    from sim.experiments.ema import ema_model
    from sim.experiments.ema_blocks import BlockEvaluator
    from sim.run.engine import Processes

    model = ema_model(scenario, worlds=100)
    with BlockEvaluator(model, engine=Processes(workers=2)) as evaluator:
        experiments, outcomes = perform_experiments(
            model, scenarios=250, policies=4, evaluator=evaluator
        )
"""

from __future__ import annotations

from sim.experiments.ema import ScenarioFunction, _workbench
from sim.run.engine import Engine, InProcess

_ema = _workbench()


class BlockEvaluator(_ema.SequentialEvaluator):
    """Evaluate EMA experiments as parameter sets of one block (module docstring).

    Args:
        msis: the model (or models) from :func:`sim.experiments.ema.ema_model`.
        engine: where the blocks' chunks run (default: this process).
        progress: show a progress bar counting worlds.
    """

    def __init__(self, msis, engine: Engine | None = None, progress: bool = False) -> None:
        super().__init__(msis)
        self.engine = InProcess() if engine is None else engine
        self.progress = progress

    def initialize(self) -> None:
        """Keep the engine's workers for the whole block of experiments."""
        self.engine.__enter__()

    def finalize(self) -> None:
        """Stop the engine's workers."""
        self.engine.__exit__(None, None, None)

    def evaluate_experiments(self, experiments, callback, **kwargs) -> None:
        """Run the experiments together, then hand EMA each one's measures."""
        experiments = list(experiments)
        functions = []
        for model in self._msis:
            function = getattr(model, "function", None)
            if not isinstance(function, ScenarioFunction):
                continue  # not a crisis-sim model: EMA runs it one experiment at a time
            constants = {constant.name: constant.value for constant in model.constants}
            mine = [e for e in experiments if e.model_name == model.name]
            values = [{**e.scenario, **e.policy, **constants} for e in mine]
            function.prepare(values, self.engine, self.progress)
            functions.append(function)
        try:
            super().evaluate_experiments(experiments, callback, **kwargs)
        finally:
            for function in functions:
                function.forget()
