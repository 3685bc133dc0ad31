"""The dashboard: a Solara app with three kinds of page.

- ``/``: one world of the scenario on Mesa's SolaraViz: choose policies and the declared
  uncertainties, step, play, pause and reset; a schematic map of the border sectors,
  gauges of the escalation rung, public alarm and the cost of defiance, a running event
  log in plain words, and a button that runs an ensemble of the current settings and
  shows its plots.
- ``/game``: the facilitator's page: start a game with the teams present, see who has
  moved, set a timer, close the day; the debrief at the end; save the game.
- ``/team/ROLE``: a team's page: only what its government sees and the actions it may
  take; one move per day.

``crisis-sim dashboard FILE`` serves it (on 127.0.0.1 unless ``--host`` says otherwise).
The scenario file comes from the environment variable ``CRISIS_SIM_SCENARIO``.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import threading
from pathlib import Path

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.catalogue import plots as catalogue
from sim.catalogue.roles import TEAM_ROLE_ORDER
from sim.errors import UserError
from sim.spec.loading import load_scenario
from sim.teach.dashboard.drawing import draw_border_map, draw_gauges
from sim.teach.dashboard.model import DashboardModel, model_params
from sim.teach.dashboard.room import Room
from sim.teach.game import Choice, Debrief, GameError
from sim.teach.workshop import brief_body

SCENARIO_FILE = os.environ.get("CRISIS_SIM_SCENARIO", "scenarios/baseline-may-2021.yaml")
RESULTS_ROOT = Path(os.environ.get("CRISIS_SIM_RESULTS", "results"))
ENSEMBLE_WORLDS = int(os.environ.get("CRISIS_SIM_ENSEMBLE_WORLDS", "2000"))
ROOM = Room(SCENARIO_FILE, int(os.environ.get("CRISIS_SIM_DEBRIEF_WORLDS", "2000")))
POLL_SECONDS = 0.3


# -- the dashboard of one world ------------------------------------------------------------
@solara.component
def BorderMap(model: DashboardModel):
    """Show the schematic map of the border sectors."""
    update_counter.get()
    solara.FigureMatplotlib(draw_border_map(model.world, model.spec, day=model.day), format="png")


@solara.component
def Gauges(model: DashboardModel):
    """Show the escalation rung, public alarm and the cost of defiance."""
    update_counter.get()
    solara.FigureMatplotlib(draw_gauges(model.world, model.spec), format="png")


@solara.component
def EventLog(model: DashboardModel):
    """Show what has happened so far, newest first."""
    update_counter.get()
    day = model.tick * model.spec.tick_hours / 24
    with solara.Card(f"Event log: day {day:g} of {model.spec.horizon_days:g}"):
        if not model.events:
            solara.Text("Nothing has happened yet: press Step or ▶.")
        with solara.Column(classes=["event-log"]):
            for event in reversed(model.events[-200:]):
                solara.Text(event.sentence, classes=["event"])


@solara.component
def Ensemble(model: DashboardModel):
    """Run an ensemble of the current settings and show its plots."""
    from sim.folders.results import default_run_dir
    from sim.run.service import plan_run, run_to_folder

    def run() -> Path:
        out = default_run_dir(RESULTS_ROOT, f"dashboard-{model.spec.name}", model.seed)
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


SCENARIO_CHOICES = scenario_choices(SCENARIO_FILE)


@solara.component
def Home():
    """Show one world, step by step, of a scenario chosen from the served file's folder."""
    chosen, set_chosen = solara.use_state(str(Path(SCENARIO_FILE).resolve()))
    scenario = solara.use_memo(lambda: load_scenario(chosen).scenario, [chosen])
    model = solara.use_memo(lambda: DashboardModel(chosen), [chosen])
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
    SolaraViz(
        model,
        components=[(BorderMap, 0), (Gauges, 0), (EventLog, 0), (Ensemble, 0)],
        model_params=model_params(chosen, scenario),
        name=f"crisis-sim: {scenario.title}",
        play_interval=400,
    ).key(chosen)  # a new scenario: new settings, a new world


# -- the game ----------------------------------------------------------------------------
def use_room(facilitator: bool = False) -> None:
    """Redraw the page whenever the room changes (another page moved, a day closed).

    A thread polls :attr:`Room.version` and pokes the page until a render has shown the
    latest version: a poke that arrives while the page is rendering for another reason
    can be absorbed by that render, so "changed once, poked once" may leave a page stale.
    The facilitator's page also closes the day when its timer runs out, and redraws each
    second while a timer runs.
    """
    shown = solara.use_ref(-1)
    _, set_pokes = solara.use_state(0)

    def watch(cancel: threading.Event) -> None:
        last_second = None
        while not cancel.wait(POLL_SECONDS):
            if facilitator:
                ROOM.tick_timer()
                left = ROOM.seconds_left()
                second = None if left is None else int(left)
                if second != last_second:
                    last_second = second
                    set_pokes(lambda n: n + 1)
            if ROOM.version != shown.current:
                set_pokes(lambda n: n + 1)

    solara.use_thread(watch, dependencies=[])
    shown.current = ROOM.version  # read before the page reads the room: never newer


def Heading(text: str, level: int = 1):
    """Return a heading of user text, escaped (not Markdown: its maths renderer needs the web)."""
    return solara.HTML(tag=f"h{level}", unsafe_innerHTML=html.escape(text))


def Para(text: str, strong: str = ""):
    """Return a paragraph of user text, escaped, with an optional bold lead."""
    lead = f"<strong>{html.escape(strong)}</strong> " if strong else ""
    return solara.HTML(tag="p", unsafe_innerHTML=lead + html.escape(text))


def Grid(header: list[str], rows: list[list[str]], links: dict[int, str] | None = None):
    """Return a table of escaped text; ``links`` maps a column to a URL prefix for its cells."""
    padded = 'style="padding: 3px 14px 3px 0; text-align: left; vertical-align: top"'
    head = "".join(f"<th {padded}>{html.escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for column, cell in enumerate(row):
            text = html.escape(cell)
            if links and column in links:
                text = f'<a href="{html.escape(links[column] + cell)}">{text}</a>'
            cells.append(f"<td {padded}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return solara.HTML(
        tag="table",
        unsafe_innerHTML=f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>",
        style="border-collapse: collapse; margin: 0.5em 0; min-width: 50%",
        classes=["crisis-table"],
    )


def _date(day: int) -> str:
    start = dt.datetime.combine(ROOM.scenario.start_date, dt.time())
    return (start + dt.timedelta(days=day)).strftime("%-d %B %Y")


@solara.component
def DebriefView(debrief: Debrief | None, role: str | None = None):
    """Show the game's world against the ensemble (a team sees only its own departures).

    The debrief is an argument, not read from the room: a component re-renders only when
    its arguments or its own state change, so one that read the room would keep showing
    "Preparing…" after the debrief is ready.
    """
    if debrief is None:
        solara.Text("The crisis is over. Preparing the debrief…")
        return
    with solara.Card("Debrief", classes=["debrief"]):
        Para(
            f"In {debrief.worlds:,} simulated worlds of the same scenario, with every "
            f"government on its usual policy, {debrief.outcome_share:.1%} ended that way.",
            strong=f"The crisis ended in: {debrief.outcome.replace('_', ' ')}.",
        )
        Grid(
            ["measure", "your game", "median world", "percentile"],
            [
                [r.measure, f"{r.game:.2f}", f"{r.ensemble_median:.2f}", f"{r.percentile:.0f}"]
                for r in debrief.percentiles.itertuples()
            ],
        )
        Grid(
            ["simulated worlds ended in", "share"],
            [[r.outcome.replace("_", " "), f"{r.share:.1%}"] for r in debrief.shares.itertuples()],
        )
        shown = [d for d in debrief.divergences if role in (None, d.role)]
        if shown:
            Para("Where teams did not do what their government's usual policy would have done:")
            Grid(
                ["day", "team", "chose", "the policy would have chosen", "because"],
                [[str(d.day + 1), d.role, d.chosen, d.default, d.default_reason] for d in shown],
            )
        else:
            solara.Text("Every team did what its government's usual policy would have done.")


@solara.component
def Facilitator():
    """Start the game, watch the teams, close the days, debrief."""
    use_room(facilitator=True)
    roles = list(ROOM.scenario.actors.third_parties)
    teams = [ROOM.scenario.cast.state(role) for role in TEAM_ROLE_ORDER]
    chosen, set_chosen = solara.use_state(teams)
    message, set_message = solara.use_state("")
    confirming = solara.use_reactive(False)  # the "drop the game under way?" dialog
    game = ROOM.game
    solara.Title("crisis-sim: facilitator")
    with solara.Column(style={"max-width": "1100px", "margin": "auto"}):
        Heading(f"{ROOM.scenario.title}: the facilitator's page")
        if game is None:
            Para("Choose the governments the teams will play, then start.")
            for role in [*teams, *roles]:
                solara.Checkbox(
                    label=role,
                    value=role in chosen,
                    on_value=lambda on, r=role: set_chosen(
                        [x for x in chosen if x != r] + ([r] if on else [])
                    ),
                )

            def start() -> None:
                try:
                    ROOM.start(chosen)
                except GameError as error:
                    set_message(str(error))

            solara.Button("Start the game", on_click=start, color="primary")
            if message:
                solara.Error(message)
            return

        def new_game() -> None:
            if game.finished:
                ROOM.start(game.teams)
            else:  # a misclick must not throw away a class's game
                confirming.set(True)

        with solara.Row():
            solara.Button("New game", on_click=new_game)
        solara.lab.ConfirmationDialog(
            confirming,
            title="Drop the game under way?",
            content=f"The game is on day {game.day + 1} of {game.days}. A new game starts "
            "again from day 1 with the same teams; the moves so far are lost.",
            ok="Start a new game",
            on_ok=lambda: ROOM.start(game.teams),
        )
        if game.finished:
            Heading(f"The game is over after day {game.day}.", 2)
            DebriefView(ROOM.debrief)

            def save() -> None:
                from sim.folders.results import default_run_dir

                try:
                    out = default_run_dir(RESULTS_ROOT, f"game-{game.scenario.name}", game.seed)
                    set_message(f"Saved in {ROOM.save(out)}/")
                except (UserError, OSError) as error:
                    set_message(str(error))

            solara.Button("Save the game as a results folder", on_click=save)
            if message:
                solara.Info(message)
        else:
            Heading(f"Day {game.day + 1} of {game.days}: {_date(game.day)}", 2)
            waiting = game.waiting_for()
            Grid(
                ["team", "page", "this day"],
                [
                    [
                        role,
                        "page open" if role in ROOM.claims else "page not open yet",
                        "waiting" if role in waiting else "has moved ✓",
                    ]
                    for role in game.teams
                ],
                links={0: "/team/"},
            )
            # Rows that are always there (empty or not) keep the buttons below in place.
            with solara.Row():
                for role in [role for role in game.teams if role in ROOM.claims]:
                    solara.Button(
                        f"Free {role}", on_click=lambda r=role: ROOM.release(r), outlined=True
                    )
            left = ROOM.seconds_left()
            with solara.Row():
                if left is not None:
                    solara.Text(f"The day closes in {left:.0f} s.")

            def close_day() -> None:
                try:
                    ROOM.advance()
                except GameError as error:  # another page closed the last day first
                    set_message(str(error))

            with solara.Row():
                solara.Button("Close the day now", on_click=close_day, color="primary")
                solara.Button("Timer: 2 minutes", on_click=lambda: ROOM.set_timer(120))
                solara.Button("No timer", on_click=lambda: ROOM.set_timer(None))
            solara.Checkbox(
                label="Close the day as soon as every team has moved",
                value=ROOM.close_when_all_moved,
                on_value=ROOM.set_close_when_all_moved,
            )
            with solara.Row():
                if message:
                    solara.Info(message)
        with solara.Card("What has happened"):
            for event in reversed(game.log[-300:]):
                solara.Text(event.sentence, classes=["event"])


@solara.component
def TeamPage():
    """Show one team's page: its government's view and its moves."""
    use_room()
    router = solara.use_router()
    role = router.path.rstrip("/").split("/")[-1]
    page_id = solara.get_kernel_id()  # one browser tab
    sector, set_sector = solara.use_state(None)
    # What this page shows now, for its buttons: a button's handler may come from an
    # earlier render (a button whose look did not change keeps its first handler), so the
    # handler reads the day and sector from these refs, not from its closure.
    shown_day = solara.use_ref(-1)
    chosen_sector = solara.use_ref(None)
    chosen_sector.current = sector
    feedback, set_feedback = solara.use_state((-1, "", ""))  # (day, kind, text)
    game = ROOM.game
    brief = solara.use_memo(lambda: brief_body(role), [role])  # the package's own text

    def take_role_once():
        # Claimed when the page opens (or when the first game starts), not on every
        # redraw, so a tab that was closed cannot take a role back; freed when it closes.
        if game is not None and role in game.teams and role not in ROOM.claims:
            ROOM.claim(role, page_id)

        def free():
            if ROOM.claims.get(role) == page_id:
                ROOM.release(role)

        return free

    solara.use_effect(take_role_once, [game is None])
    solara.Title(f"crisis-sim: {role}")
    with solara.Column(style={"max-width": "900px", "margin": "auto"}):
        Heading(role.replace("_", " ").title())
        if game is None:
            solara.Info("The game has not started yet: this page will update when it does.")
            return
        if role not in game.teams:
            solara.Error(
                f"{role!r} is not a team in this game. Teams: {', '.join(game.teams)}. "
                "Open one of their pages, e.g. /team/" + game.teams[0] + "."
            )
            return
        holder = ROOM.claims.get(role)
        refusal = None
        with solara.Column():
            if holder is None:
                solara.Info(f"Nobody plays {role} from a browser now.")
                solara.Button(
                    f"Play {role} from this page", on_click=lambda: ROOM.claim(role, page_id)
                )
                refusal = "free"
            elif holder != page_id:
                refusal = (
                    f"{role} is already played from another browser. This page shows the game "
                    "but cannot move; the facilitator can free the role if that is wrong."
                )
                solara.Warning(refusal)
        if game.finished:
            DebriefView(ROOM.debrief, role)
            return
        with solara.Details(summary="Our brief (what we know, want and fear)"):
            solara.HTML(unsafe_innerHTML=brief, classes=["brief"])
        day = shown_day.current = game.day
        Heading(f"Day {day + 1} of {game.days}: {_date(day)}", 2)
        Grid(["what we see", ""], [[label, value] for label, value in game.view(role)])
        if refusal:
            return
        # Conditional messages sit in columns that are always there, so the buttons keep
        # their place (and their widgets) from one render to the next: a click that lands
        # while the page redraws still reaches its button.
        pending = game.pending.get(role)
        with solara.Column():
            if pending is not None:
                solara.Success(
                    f"Your move for day {day + 1}: {pending.text(game.sector_names)}. "
                    "You may change it until the day closes."
                )
        Para("Choose a sector first if your action is aimed at one; then press your action.")
        sectors = list(game.sector_names.values())
        solara.ToggleButtonsSingle(value=sector, values=sectors, on_value=set_sector)

        def send(choice: Choice) -> None:
            shown, chosen = shown_day.current, chosen_sector.current
            try:
                if choice.needs_sector and chosen is None:
                    raise GameError(f"{choice.label} is aimed at a sector: choose one first.")
                aimed = chosen if choice.needs_sector else None
                done = ROOM.submit(role, page_id, choice.name, aimed, shown)
                set_feedback((shown, "ok", f"Sent for day {shown + 1}: {done}."))
            except GameError as error:
                set_feedback((shown, "error", str(error)))

        with solara.Row(style={"flex-wrap": "wrap"}):
            for choice in game.choices(role):
                solara.Button(
                    choice.label,
                    on_click=lambda c=choice: send(c),
                    color="primary" if choice.needs_sector else None,
                    outlined=not choice.needs_sector,
                )
        said_on, kind, text = feedback
        with solara.Column():
            # Kept after the day closes (the last move often closes it), and says its day.
            if kind == "ok":
                solara.Success(text)
            elif kind == "error" and said_on == day:  # an old refusal is no longer news
                solara.Error(text)
        ours = [m for m in game.moves if m.role == role and m.action.name != "HOLD"]
        with solara.Card("Our moves so far"):
            if not ours:
                solara.Text("None yet.")
            for move in reversed(ours):
                solara.Text(f"Day {move.day + 1}: {move.text(game.sector_names)}")


routes = [
    solara.Route(path="/", component=Home, label="Dashboard"),
    solara.Route(path="game", component=Facilitator, label="Facilitator"),
    solara.Route(path="team", component=TeamPage, label="Teams"),
]
