"""The dashboard: a Solara app with four kinds of page.

- ``/``: one world of the scenario, on Mesa's ModelController: the settings a class
  changes (the world, the policies, four dynamics) as sliders and menus, the others
  folded under named groups (:mod:`sim.teach.dashboard.controls`); step, play, pause
  and reset; a schematic map of the border sectors,
  gauges of the escalation rung, public alarm and the cost of defiance, a running event
  log in plain words, and a button that runs an ensemble of the current settings and
  shows its plots.
- ``/game?key=…``: the facilitator's page; ``/team/STATE?code=…``: the page of the team
  playing the state STATE (``/team/armenia``); ``/sheet?key=…``: the teams' join links
  to print; ``/class``: the class screen for the projector, with nothing secret on it;
  ``/debrief``: the debrief to print once the game is over (every message only with
  the facilitator's key).
  These are the workshop's pages
  (:mod:`sim.teach.dashboard.facilitator`, :mod:`sim.teach.dashboard.team`).

``crisis-sim dashboard FILE`` serves it (on 127.0.0.1 unless ``--host`` says otherwise).
The scenario file comes from the environment variable ``CRISIS_SIM_SCENARIO``.
"""

from __future__ import annotations

import os
from pathlib import Path

import solara
import solara.server.settings
from mesa.visualization.utils import update_counter

from sim.catalogue import plots as catalogue
from sim.errors import UserError
from sim.spec.loading import load_scenario
from sim.teach.dashboard.class_screen import ClassScreen
from sim.teach.dashboard.config import workshop_config
from sim.teach.dashboard.controls import Controls
from sim.teach.dashboard.drawing import draw_border_map, draw_gauges, figure_png
from sim.teach.dashboard.facilitator import Facilitator, JoinSheet
from sim.teach.dashboard.model import (
    DashboardModel,
    control_groups,
    model_params,
    settings_in_words,
)
from sim.teach.dashboard.printing import PrintedDebrief
from sim.teach.dashboard.team import TeamPage
from sim.teach.dashboard.widgets import Lines, Para
from sim.teach.views import event_line

ENSEMBLE_WORLDS = int(os.environ.get("CRISIS_SIM_ENSEMBLE_WORLDS", "2000"))
# Solara's "This website runs on Solara" badge sits over the pages' bottom right corner,
# where the map's legend is (the setting SOLARA_THEME_SHOW_BANNER, from the server).
solara.server.settings.theme.show_banner = False


# -- the dashboard of one world ------------------------------------------------------------
@solara.component
def Situation(model: DashboardModel):
    """Show the world: the border map across the page, the gauges and the log below it.

    Laid out here rather than in Mesa SolaraViz's grid of movable cards, whose fixed
    cells cut the map to a thumbnail: at 1280×720 the map and the gauges fill the main
    area, for a projector, with the event log and the settings side by side below them.
    The gauges' smallest text is 12 px there (drawing.GAUGE_TEXT_PT).
    """
    update_counter.get()
    map_png = figure_png(draw_border_map(model.world, model.spec, day=model.day))
    solara.Image(map_png, width="100%", classes=["situation-map"])
    # The gauges across the page too: in a column their 13 pt labels shrank to 6 px.
    solara.Image(figure_png(draw_gauges(model.world, model.spec)), width="100%", classes=["gauges"])
    with solara.Columns([1, 1]):
        EventLog(model)
        with solara.Card("This world's settings (the sliders' values)"):
            Lines(settings_in_words(model.spec), "The scenario declares no ranges.")


@solara.component
def EventLog(model: DashboardModel):
    """Show what has happened so far, newest first."""
    update_counter.get()
    per_day = max(1, round(24 / model.spec.tick_hours))
    day = model.tick // per_day + 1
    with solara.Card(
        f"Event log: day {min(day, model.spec.horizon_days):g} of {model.spec.horizon_days:g}"
    ):
        Lines(
            [event_line(event, per_day) for event in reversed(model.events[-200:])],
            "Nothing has happened yet: press Step or ▶.",
            ["event-log"],
        )


@solara.component
def Ensemble(model: DashboardModel):
    """Run an ensemble of the current settings and show its plots."""
    from sim.folders.results import default_run_dir
    from sim.run.service import plan_run, run_to_folder

    def run() -> Path:
        out = default_run_dir(
            workshop_config().results_root, f"dashboard-{model.spec.name}", model.seed
        )
        plan = plan_run(
            model.spec, out, worlds=ENSEMBLE_WORLDS, seed=model.seed, command="crisis-sim dashboard"
        )
        return run_to_folder(plan)[1]

    # A thread of its own: the page stays live while the worlds run. Not started on render.
    ensemble = solara.lab.use_task(run, dependencies=None)
    with solara.Card("Outcomes of many worlds"):
        solara.Button(
            f"Run {ENSEMBLE_WORLDS:,} worlds of these settings",
            on_click=ensemble,
            disabled=ensemble.pending,
            color="primary",
        )
        if ensemble.pending:
            solara.ProgressLinear(True)
        elif ensemble.error:
            failure = ensemble.exception
            known = isinstance(failure, (UserError, OSError))
            solara.Error(str(failure) if known else f"The ensemble failed: {failure!r}")
        elif ensemble.finished and ensemble.value is not None:
            folder = ensemble.value
            Para(f"{folder}/", strong="Results:")
            for plot in catalogue.RUN_PLOTS:
                if plot.on_dashboard:
                    solara.Image(Path(folder) / "plots" / plot.filename, width="100%")


def scenario_choices(served: str | Path) -> dict[str, str]:
    """Return the scenarios the page offers: the served file and its folder's valid files.

    A fixed list read when the server starts: the page never opens a path a visitor typed.
    """
    served = Path(served).resolve()
    choices = {}
    for path in sorted({served, *served.parent.glob("*.yaml")}):
        try:
            title = load_scenario(path).scenario.title
        except UserError:
            continue  # a broken neighbour is not offered (crisis-sim validate explains it)
        choices[str(path)] = f"{path.name}: {title}"
    return choices


SCENARIO_CHOICES = scenario_choices(workshop_config().scenario_file)


@solara.component
def Home():
    """Show one world, step by step, of a scenario chosen from the served file's folder."""
    chosen, set_chosen = solara.use_state(str(Path(workshop_config().scenario_file).resolve()))
    scenario = solara.use_memo(lambda: load_scenario(chosen).scenario, [chosen])
    # A reactive model of our own: Mesa's ModelController steps and resets it, and the
    # page below, which reads it, redraws with it.
    model = solara.use_memo(lambda: solara.reactive(DashboardModel(chosen)), [chosen])
    labels = {label: path for path, label in SCENARIO_CHOICES.items()}
    with solara.Sidebar(), solara.Card("Scenario"):
        solara.Select(
            label="scenario file",
            value=SCENARIO_CHOICES[chosen],
            values=list(labels),
            on_value=lambda label: set_chosen(labels[label]),
        )
        if scenario.description:
            Para(scenario.description.strip())
    params = solara.use_memo(lambda: model_params(chosen, scenario), [chosen])
    groups = control_groups(params, scenario)
    # Mesa's ModelController and model_params, our sidebar: the class's settings as
    # sliders, the rest folded in named groups, no render controls (controls.py).
    Controls(model, params, groups, f"crisis-sim: {scenario.title}").key(chosen)
    Situation(model.value)
    Ensemble(model.value)


@solara.component
def Layout(children=[]):  # noqa: B006 - Solara's signature for an app's layout
    """Lay out every page without the router's tabs: a class opens each page by its link.

    Tabs would lead a student to /game or /team without a key or a code, and lead nowhere.
    """
    return solara.AppLayout(children=children, navigation=False)


routes = [
    # The first route's layout wraps every page (solara.autorouting: the root layout).
    solara.Route(path="/", component=Home, label="Dashboard", layout=Layout),
    solara.Route(path="game", component=Facilitator, label="Facilitator"),
    solara.Route(path="team", component=TeamPage, label="Teams"),
    solara.Route(path="sheet", component=JoinSheet, label="Join links"),
    solara.Route(path="class", component=ClassScreen, label="Class screen"),
    solara.Route(path="debrief", component=PrintedDebrief, label="Debrief to print"),
]
