"""The EMA Workbench adapter: a scenario as an exploratory model (Kwakkel 2017).

Uncertainties come from the scenario's ``uncertainties:`` (real or integer ranges),
levers from its ``levers:`` (a government's choices), and outcomes are the measures of
:mod:`sim.catalogue.measures` (the share of worlds in each outcome class, of worlds with
shots fired, mean highest rung...). One EMA experiment is one ensemble of ``worlds``
worlds at that point, with the same seed at every point, exactly as a sweep point::

    from ema_workbench import perform_experiments
    from sim.experiments.ema import ema_model
    from sim.spec.loading import load_scenario

    model = ema_model(load_scenario("scenarios/baseline-may-2021.yaml").scenario)
    experiments, outcomes = perform_experiments(model, scenarios=100, policies=4)

EMA names must be Python identifiers, so a parameter's EMA name is its dotted path with
each dot written as a double underscore (:func:`ema_name`): ``dynamics__advance_step_km``.

EMA's own samplers, evaluators (multiprocessing, MPI) and analyses (PRIM, CART, feature
scoring) then apply unchanged, levers included (``tests/test_ema.py`` runs each). Needs
the ``ema`` extra: ``pip install crisis-sim[ema]``, which keeps pandas below 3 because
EMA 3.0's PRIM cannot show a box that restricts a lever on pandas 3.

An experiment's lever values must be among the options the scenario declares; an
analyst's own policy with another value is refused with a message naming the lever.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

from sim.catalogue.measures import measure_names
from sim.errors import UserError
from sim.spec.parameters import BOOLEAN, INTEGER, parameter
from sim.spec.schema import Scenario


def _workbench():
    try:
        with warnings.catch_warnings():  # it announces optional evaluators it lacks
            warnings.simplefilter("ignore", UserWarning)
            import ema_workbench
    except ImportError:
        raise UserError(
            "The EMA Workbench is not installed. Install it with "
            "`pip install 'crisis-sim[ema]'` (or `pip install ema-workbench`)."
        ) from None
    return ema_workbench


def _warn_if_prim_cannot_show_levers(scenario: Scenario) -> None:
    """Warn when this pandas breaks EMA's PRIM on levers (see the ``ema`` extra's pin)."""
    import pandas

    if scenario.levers and int(pandas.__version__.split(".")[0]) >= 3:
        warnings.warn(
            f"pandas {pandas.__version__} with ema-workbench: PRIM's box.inspect() fails on a "
            "box that restricts a lever (EMA writes the lever's options into a float "
            "table, which pandas 3 refuses). Install crisis-sim's ema extra, which keeps "
            "pandas below 3: pip install 'crisis-sim[ema]'.",
            UserWarning,
            stacklevel=3,
        )


SEPARATOR = "__"


def ema_name(path: str) -> str:
    """Return the EMA name of a dotted parameter path (dots become double underscores)."""
    return path.replace(".", SEPARATOR)


def path_of(name: str) -> str:
    """Return the dotted parameter path of an EMA name (the inverse of :func:`ema_name`)."""
    return name.replace(SEPARATOR, ".")


@dataclass(frozen=True)
class ScenarioFunction:
    """The callable EMA runs: keyword parameters in, one ensemble's measures out.

    A module-level class (not a closure), so EMA's multiprocessing evaluator can pickle it.
    :class:`sim.experiments.ema_blocks.BlockEvaluator` runs all the experiments first, as
    the worlds of a few blocks, and leaves their measures here (:meth:`prepare`); a call
    then returns the prepared measures, the same numbers a call alone computes.
    """

    scenario: Scenario
    worlds: int
    seed: int
    _prepared: dict[str, dict[str, float]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __call__(self, **values: Any) -> dict[str, float]:
        """Run the ensemble at ``values`` (by EMA name) and return every measure."""
        from sim.experiments.sweep import evaluate_point

        overrides = self.overrides(values)
        prepared = self._prepared.pop(_key(overrides), None)
        if prepared is not None:
            return prepared
        self.check_levers(overrides)
        return evaluate_point(self.scenario, overrides, self.worlds, self.seed)

    def overrides(self, values: dict[str, Any]) -> dict[str, Any]:
        """Return an experiment's values (by EMA name) as dotted-path overrides."""
        return {
            path_of(name): value.item() if hasattr(value, "item") else value
            for name, value in values.items()
        }

    def prepare(self, experiments: list[dict[str, Any]], engine=None, progress=False) -> None:
        """Run ``experiments`` (values by EMA name) together; keep each one's measures."""
        from sim.catalogue.measures import summarise
        from sim.run.sets import run_sets

        sets = [self.overrides(values) for values in experiments]
        for overrides in sets:
            self.check_levers(overrides)
        found = run_sets(
            self.scenario,
            sets,
            self.worlds,
            self.seed,
            summarise,
            engine,
            progress,
            label="EMA experiment {number}",
        )
        self._prepared.update((_key(o), measures) for o, measures in zip(sets, found, strict=True))

    def forget(self) -> None:
        """Drop the measures prepared and not asked for."""
        self._prepared.clear()

    def check_levers(self, overrides: dict[str, Any]) -> None:
        """Refuse a lever value that is not among the options the scenario declares.

        EMA samples levers from their categories, but an analyst's own policies
        (``ema_workbench.Sample(name, **values)``) can carry any value; a value outside the
        declared options would run, then break EMA's categorical tables and PRIM later.
        """
        for path, options in self.scenario.levers.items():
            if path in overrides and overrides[path] not in options:
                shown = ", ".join(map(str, options))
                raise UserError(
                    f"EMA experiment: lever {ema_name(path)} ({path}) = "
                    f"{overrides[path]!r} is not one of its options ({shown}), as declared "
                    f"under levers: in scenario {self.scenario.name}. Use one of those "
                    f"options, or add {overrides[path]!r} to the lever's list in the "
                    "scenario file and build the model again."
                )


def _key(overrides: dict[str, Any]) -> str:
    return repr(sorted(overrides.items()))


def ema_model(
    scenario: Scenario,
    worlds: int = 1000,
    seed: int | None = None,
    measures: list[str] | None = None,
    name: str = "crisis",
):
    """Return an ``ema_workbench.Model`` of the scenario's declared uncertainties and levers.

    Args:
        scenario: a scenario with ``uncertainties:`` (and optionally ``levers:``).
        worlds: worlds in each experiment's ensemble.
        seed: the seed of every experiment (default: the scenario's).
        measures: outcomes to report (default: every measure).
        name: the model's name in EMA's tables (letters and digits).
    """
    ema = _workbench()
    if not scenario.uncertainties and not scenario.levers:
        raise UserError(
            f"Scenario {scenario.name} declares no uncertainties or levers for the EMA "
            "Workbench to explore. Add `uncertainties:` (ranges) and `levers:` (options) "
            "sections; `crisis-sim parameters FILE` lists the paths."
        )
    known = measure_names()
    measures = list(measures or known)
    unknown = [m for m in measures if m not in known]
    if unknown:
        raise UserError(f"Unknown measure {', '.join(unknown)}. Measures: {', '.join(known)}.")
    clashing = [p for p in [*scenario.uncertainties, *scenario.levers] if SEPARATOR in p]
    if clashing:
        raise UserError(
            f"{', '.join(clashing)}: a name with a double underscore cannot be told apart "
            "from a dot in EMA's names. Rename the sector, member or third party."
        )
    _warn_if_prim_cannot_show_levers(scenario)
    seed = scenario.seed if seed is None else seed
    model = ema.Model(name, function=ScenarioFunction(scenario, worlds, seed))
    uncertainties = []
    for path, (low, high) in scenario.uncertainties.items():
        if parameter(scenario, path).kind == INTEGER:
            uncertainties.append(ema.IntegerParameter(ema_name(path), int(low), int(high)))
        else:
            uncertainties.append(ema.RealParameter(ema_name(path), low, high))
    levers = []
    for path, options in scenario.levers.items():
        if parameter(scenario, path).kind == BOOLEAN and set(options) == {False, True}:
            levers.append(ema.BooleanParameter(ema_name(path)))
        else:
            levers.append(ema.CategoricalParameter(ema_name(path), list(options)))
    model.uncertainties = uncertainties
    model.levers = levers
    model.outcomes = [ema.ScalarOutcome(measure) for measure in measures]
    return model
