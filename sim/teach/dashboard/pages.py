"""The workshop's pages: the facilitator's, each team's, and the printable join sheet.

- ``/game?key=…``: the facilitator. Without the key it only asks for it. Starts a game,
  hands out the teams' join links (and a sheet of QR codes), watches who has moved,
  sends news, reads every channel, closes the days, debriefs.
- ``/team/ROLE?code=…``: a team. Without its code it shows the public state of the game
  and asks for the code; with it, the team's view, its moves, its inbox, messages and
  proposals to the other teams.
- ``/sheet?key=…``: one card per team with its join link as a QR code, to print.

The room (:class:`~sim.teach.dashboard.room.Room`) is the game's one copy, shared by all
pages; with ``crisis-sim dashboard`` it journals every change to the game's folder.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import sys
import threading
from pathlib import Path

import solara

from sim.catalogue.roles import TEAM_ROLE_ORDER, Role
from sim.errors import UserError
from sim.spec.schema import FACILITATOR_EVENTS
from sim.teach.dashboard.access import qr_svg, query_value
from sim.teach.dashboard.drawing import MapState, draw_map, figure_png
from sim.teach.dashboard.room import Room
from sim.teach.dashboard.widgets import Grid, Heading, Lines, Para
from sim.teach.game import Choice, Debrief, GameError
from sim.teach.negotiation import EVERYONE, MAX_LENGTH, ProposalKind
from sim.teach.workshop import brief_body

SCENARIO_FILE = os.environ.get("CRISIS_SIM_SCENARIO", "scenarios/baseline-may-2021.yaml")
RESULTS_ROOT = Path(os.environ.get("CRISIS_SIM_RESULTS", "results"))
DEBRIEF_WORLDS = int(os.environ.get("CRISIS_SIM_DEBRIEF_WORLDS", "2000"))
#: The address students open (``crisis-sim dashboard`` picks the room's network's).
BASE_URL = os.environ.get("CRISIS_SIM_BASE_URL", "http://localhost:8765")
POLL_SECONDS = 0.3


def _open_room() -> Room:
    """Return the server's room: the game folder's (``crisis-sim dashboard``) or a new one."""
    folder = os.environ.get("CRISIS_SIM_GAME_DIR")
    if folder:
        room = Room.resume(SCENARIO_FILE, Path(folder), DEBRIEF_WORLDS)
        room.prepare_debrief()  # a game that ended before the crash: its debrief again
        return room
    room = Room(SCENARIO_FILE, DEBRIEF_WORLDS)  # served by `solara run` itself: no journal
    print(f"Facilitator: {room.access.facilitator_link(BASE_URL)}", file=sys.stderr)
    return room


ROOM = _open_room()


def use_room(ticking: bool = False, facilitator: bool = False) -> None:
    """Redraw the page whenever the room changes (another page moved, a day closed).

    A thread polls :attr:`Room.version` and pokes the page until a render has shown the
    latest version: a poke that arrives while the page is rendering for another reason
    can be absorbed by that render, so "changed once, poked once" may leave a page stale.
    ``ticking``: also redraw each second while a timer runs (the countdown). The
    facilitator's page also closes the day when its timer runs out.
    """
    shown = solara.use_ref(-1)
    _, set_pokes = solara.use_state(0)

    def watch(cancel: threading.Event) -> None:
        last_second = None
        while not cancel.wait(POLL_SECONDS):
            if facilitator:
                ROOM.tick_timer()
            if ticking:
                left = ROOM.seconds_left()
                second = None if left is None else int(left)
                if second != last_second:
                    last_second = second
                    set_pokes(lambda n: n + 1)
            if ROOM.version != shown.current:
                set_pokes(lambda n: n + 1)

    solara.use_thread(watch, dependencies=[])
    shown.current = ROOM.version  # read before the page reads the room: never newer


def _date(day: int) -> str:
    start = dt.datetime.combine(ROOM.scenario.start_date, dt.time())
    return (start + dt.timedelta(days=day)).strftime("%-d %B %Y")


def SituationMap(role: str | None = None) -> None:
    """Show the border map: the world as it is, or as ``role``'s government perceives it.

    The defender's depths are its estimates (late and noisy), drawn pale and marked "≈";
    an outside power, which sees only the total, gets no map.
    """
    game = ROOM.game
    if role is None:
        state = MapState.of_world(game.model.world)
    else:
        kind = game.kind(role)
        name = ROOM.scenario.cast.label(role)
        state = MapState.of_view(game.perception(role), name, kind is Role.DEFENDER)
        if state is None:
            return
    figure = draw_map(state, ROOM.scenario, day=game.day + 1)
    solara.Image(figure_png(figure), width="100%", classes=["situation-map"])


def Countdown():
    """Return the day's countdown, or nothing without a timer."""
    left = ROOM.seconds_left()
    if left is None:
        return solara.Text("No timer is running.", classes=["quiet"])
    minutes, seconds = divmod(int(left), 60)
    return solara.HTML(
        tag="p",
        unsafe_innerHTML=f"The day closes in <strong>{minutes}:{seconds:02d}</strong>.",
        classes=["countdown"],
    )


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
    Timeline(role)


def Timeline(role: str | None = None) -> None:
    """Show the game day by day: the teams' moves beside what was said that day."""
    game = ROOM.game
    if game is None:
        return
    rows = []
    for day in range(game.day + (0 if game.finished else 1)):
        moves = [
            f"{m.role}: {m.text(game.sector_names)}"
            for m in game.moves
            if m.day == day and m.action.name != "HOLD"
        ]
        said = [p.line() for p in ROOM.feed(role) if p.day == day]
        rows.append([str(day + 1), "; ".join(moves) or "all held", "\n".join(said) or "-"])
    with solara.Card("Timeline: the moves and what was said, day by day"):
        Grid(["day", "moves", "what was said"], rows)


def use_attempt():
    """Return ``(attempt, said)``: ``attempt(action)`` runs it and keeps what it said.

    ``action`` returns a sentence for the user, or raises GameError with the refusal;
    :func:`Said` shows the last of either.
    """
    said = solara.use_reactive(("", ""))  # (kind, text)

    def attempt(action) -> None:
        try:
            said.set(("ok", action()))
        except GameError as error:
            said.set(("error", str(error)))

    return attempt, said


def Said(said) -> None:
    """Show what the last attempt said: its success, or its refusal.

    In a column that is always there, so the buttons above keep their place when it shows.
    """
    kind, words = said.value
    with solara.Column():
        if kind == "ok":
            solara.Success(words)
        elif kind == "error":
            solara.Error(words)


# -- the facilitator ---------------------------------------------------------------------
@solara.component
def KeyGate(given: str | None, on_key):
    """Ask for the facilitator's key; nothing of the game is shown without it."""
    typed = solara.use_reactive("")
    wrong = solara.use_reactive(bool(given))
    solara.Title("crisis-sim: facilitator")
    with solara.Column(style={"max-width": "700px", "margin": "auto"}):
        Heading("The facilitator's page needs its key")
        Para(
            "Open the facilitator link that `crisis-sim dashboard` printed when it started "
            "(…/game?key=…), or paste the key here."
        )
        solara.InputText("facilitator's key", value=typed, password=True, continuous_update=True)

        def check() -> None:
            key = typed.value.strip()
            if ROOM.access.is_facilitator(key):
                on_key(key)
            else:
                wrong.set(True)

        solara.Button("Open the facilitator's page", on_click=check, color="primary")
        with solara.Column():
            if wrong.value:
                solara.Error("That is not this server's facilitator key.")


@solara.component
def Facilitator():
    """Start the game, hand out the join links, watch, inject, close the days, debrief."""
    router = solara.use_router()
    key, set_key = solara.use_state(query_value(router.search, "key"))
    if not ROOM.access.is_facilitator(key):
        KeyGate(key, set_key)
        return
    FacilitatorDesk(key)


@solara.component
def FacilitatorDesk(key: str):
    """Show the facilitator's page, once its key is checked."""
    use_room(ticking=True, facilitator=True)
    roles = list(ROOM.scenario.actors.third_parties)
    teams = [ROOM.scenario.cast.state(role) for role in TEAM_ROLE_ORDER]
    chosen, set_chosen = solara.use_state(teams)
    message, set_message = solara.use_state("")
    confirming = solara.use_reactive(False)  # the "drop the game under way?" dialog
    game = ROOM.game
    solara.Title("crisis-sim: facilitator")
    with solara.Column(style={"max-width": "1200px", "margin": "auto"}):
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
            JoinLinks(key, teams + roles)
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
            SituationMap()
            waiting = game.waiting_for()
            Grid(
                ["team", "browser", "this day"],
                [
                    [
                        role,
                        "joined" if role in ROOM.claims else "not joined yet",
                        "waiting" if role in waiting else "has moved ✓",
                    ]
                    for role in game.teams
                ],
            )
            # Rows that are always there (empty or not) keep the buttons below in place.
            with solara.Row():
                for role in [role for role in game.teams if role in ROOM.claims]:
                    solara.Button(
                        f"Free {role}", on_click=lambda r=role: ROOM.release(r), outlined=True
                    )
            with solara.Row():
                Countdown()

            def close_day() -> None:
                try:
                    ROOM.advance()
                except GameError as error:  # another page closed the last day first
                    set_message(str(error))

            with solara.Row():
                solara.Button("Close the day now", on_click=close_day, color="primary")
                solara.Button("Timer: 2 minutes", on_click=lambda: ROOM.set_timer(120))
                solara.Button("Timer: 5 minutes", on_click=lambda: ROOM.set_timer(300))
                solara.Button("No timer", on_click=lambda: ROOM.set_timer(None))
            solara.Checkbox(
                label="Close the day as soon as every team has moved",
                value=ROOM.close_when_all_moved,
                on_value=ROOM.set_close_when_all_moved,
            )
            with solara.Row():
                if message:
                    solara.Info(message)
            NewsDesk(game.teams)
            EventDesk(ROOM.version)
        with solara.Card("Every channel: messages, statements, proposals, news (newest first)"):
            Lines([p.line() for p in reversed(ROOM.feed(None))], "Nobody has said anything yet.")
        with solara.Card("What has happened (newest first)"):
            Lines([e.sentence for e in reversed(game.log[-300:])], "Nothing has happened yet.")
        JoinLinks(key, game.teams)


@solara.component
def JoinLinks(key: str, roles: list[str]):
    """Show each team's join link with its code, and the printable sheet of QR codes."""
    with solara.Details(summary="Join links for the teams (each with its team's code)"):
        Para(
            "Give each team its own link (or its code, typed on its page). A page without "
            "its team's code can watch the game but not move."
        )
        Grid(
            ["team", "code", "join link"],
            [[r, ROOM.access.codes[r], ROOM.access.join_link(BASE_URL, r)] for r in roles],
        )
        sheet = f"/sheet?key={html.escape(key)}"
        solara.HTML(
            tag="p",
            unsafe_innerHTML=f'<a href="{sheet}" target="_blank">Printable sheet of join '
            "links with QR codes</a> (opens in a new tab; print it and cut it up).",
        )


@solara.component
def NewsDesk(teams: list[str]):
    """Send a news item to every team or some, as a tabletop exercise's inject."""
    text = solara.use_reactive("")
    to = solara.use_reactive(list(teams))
    attempt, said = use_attempt()

    def send() -> str:
        audience = None if set(to.value) >= set(teams) else list(to.value)
        if audience == []:
            raise GameError("Choose at least one team to send the news to.")
        ROOM.news(text.value, audience)
        text.set("")
        return "News sent."

    with solara.Card("Send news to the teams (an inject)"):
        solara.InputTextArea(
            f"news item (plain text, up to {MAX_LENGTH} characters)",
            value=text,
            continuous_update=True,
        )
        solara.SelectMultiple("to", values=to, all_values=list(teams))
        solara.Button("Send news", on_click=lambda: attempt(send), color="primary")
        Said(said)


@solara.component
def EventDesk(version: int):
    """Release the scenario's prepared injects, or fire one of the model's events."""
    labels = {k.value.replace("_", " "): k.value for k in FACILITATOR_EVENTS}
    speakers = list(ROOM.scenario.actors.third_parties)
    event = solara.use_reactive(next(iter(labels)))
    speaker = solara.use_reactive(speakers[0] if speakers else None)
    attempt, said = use_attempt()

    def fire() -> str:
        kind = labels[event.value]
        actor = speaker.value if kind == "third_party_statement" else None
        ROOM.fire_event(kind, actor)
        return f"Fired today: {event.value}" + (f" ({actor})" if actor else "") + "."

    with solara.Card("Injects: the model's events, and the scenario's prepared ones"):
        for index, prepared in enumerate(ROOM.scenario.workshop_injects):
            cue = f"day {prepared.day + 1}: " if prepared.day is not None else ""
            with solara.Row(style={"align-items": "center"}):
                if index in ROOM.released:
                    solara.Text(f"✓ released — {cue}{prepared.title}")
                else:
                    solara.Button(
                        f"Release: {cue}{prepared.title}",
                        on_click=lambda i=index: attempt(lambda: ROOM.release_inject(i)),
                        outlined=True,
                    )
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
            solara.Select("model event", value=event, values=list(labels))
            if speakers:
                solara.Select("speaker (a statement)", value=speaker, values=speakers)
            solara.Button("Fire the event today", on_click=lambda: attempt(fire), outlined=True)
        Said(said)


@solara.component
def JoinSheet():
    """Show a printable page: one card per team with its join link as a QR code."""
    router = solara.use_router()
    key = query_value(router.search, "key")
    solara.Title("crisis-sim: join links")
    if not ROOM.access.is_facilitator(key):
        Heading("The sheet of join links needs the facilitator's key")
        Para("Open it from the facilitator's page.")
        return
    roles = ROOM.game.teams if ROOM.game else list(ROOM.access.codes)
    cards = []
    for role in roles:
        link = ROOM.access.join_link(BASE_URL, role)
        cards.append(
            '<div class="join-card" style="display:inline-block; width:300px; margin:12px; '
            'padding:12px; border:1px dashed #888; break-inside:avoid; text-align:center">'
            f"<h2>{html.escape(ROOM.scenario.cast.label(role))}</h2>{qr_svg(link)}"
            f'<p style="font-family:monospace; word-break:break-all">{html.escape(link)}</p>'
            f"<p>code: <strong>{html.escape(ROOM.access.codes[role])}</strong></p></div>"
        )
    Heading(f"{ROOM.scenario.title}: join links")
    solara.HTML(tag="div", unsafe_innerHTML="".join(cards))


# -- the teams ---------------------------------------------------------------------------
@solara.component
def TeamPage():
    """Show one team's page: the public state, and with the team's code its moves."""
    use_room(ticking=True)
    router = solara.use_router()
    role = router.path.rstrip("/").split("/")[-1]
    code, set_code = solara.use_state(query_value(router.search, "code"))
    session = solara.get_session_id()  # the browser: its cookie outlives a server restart
    game = ROOM.game
    entitled = ROOM.access.opens(role, code)

    def take_role_once():
        # A page with the team's code claims the team for its browser when it opens (or
        # when the first game starts). The claim stays when the tab closes: only the
        # facilitator frees a team, so a reload or a resumed server finds it still here.
        if entitled and game is not None and role in game.teams and role not in ROOM.claims:
            ROOM.claim(role, session, code)

    solara.use_effect(take_role_once, [game is None, entitled])
    solara.Title(f"crisis-sim: {role}")
    with solara.Column(style={"max-width": "1000px", "margin": "auto"}):
        Heading(ROOM.scenario.cast.label(role))
        if game is None:
            solara.Info("The game has not started yet: this page will update when it does.")
            if not entitled:
                CodeGate(role, code, set_code)
            return
        if role not in game.teams:
            solara.Error(
                f"{role!r} is not a team in this game. Teams: {', '.join(game.teams)}. "
                "Open one of their pages, e.g. /team/" + game.teams[0] + "."
            )
            return
        if not entitled:
            PublicView(role)
            CodeGate(role, code, set_code)
            return
        if not ROOM.holds(role, session):
            # Claimed on opening only: a page the facilitator freed does not take its team
            # back by itself, so that the facilitator can give it to another browser.
            if role in ROOM.claims:
                solara.Warning(ROOM.held_elsewhere(role))
            else:
                solara.Info(f"Nobody plays {role} from a browser now.")
                solara.Button(
                    f"Play {role} from this browser",
                    on_click=lambda: ROOM.claim(role, session, code),
                    color="primary",
                )
            PublicView(role)
            return
        # The room's version as an argument: a component redraws only when its arguments
        # or its own state change, and the game behind these has moved on.
        TeamDesk(role, session, ROOM.version)


@solara.component
def CodeGate(role: str, given: str | None, on_code):
    """Ask for the team's code (the join link carries it)."""
    typed = solara.use_reactive("")
    wrong = solara.use_reactive(bool(given))

    def check() -> None:
        code = typed.value.strip()
        if ROOM.access.opens(role, code):
            on_code(code)
        else:
            wrong.set(True)

    with solara.Card(f"Play {role}: your team's code"):
        Para(
            "This page shows the game but cannot move without your team's code. Open the "
            "join link the facilitator gave you, or type the code here."
        )
        solara.InputText("team code", value=typed, continuous_update=True)
        solara.Button("Join", on_click=check, color="primary")
        with solara.Column():
            if wrong.value:
                solara.Error(f"That is not {role}'s code.")


def PublicView(role: str) -> None:
    """Show what anyone may see: the day, the countdown, public statements and news."""
    game = ROOM.game
    with solara.Column():
        if game.finished:
            Heading(f"The game is over after day {game.day}.", 2)
        else:
            Heading(f"Day {game.day + 1} of {game.days}: {_date(game.day)}", 2)
            Countdown()
        public = [p for p in ROOM.feed(None) if EVERYONE in p.to]
        with solara.Card("Public statements and news"):
            Lines([p.line() for p in reversed(public)], "Nothing public yet.")


@solara.component
def TeamDesk(role: str, session: str, version: int):
    """Show a team's page: its view, its move, its inbox, its messages and proposals."""
    sector, set_sector = solara.use_state(None)
    # What this page shows now, for its buttons: a button's handler may come from an
    # earlier render (a button whose look did not change keeps its first handler), so the
    # handler reads the day and sector from these refs, not from its closure.
    shown_day = solara.use_ref(-1)
    chosen_sector = solara.use_ref(None)
    chosen_sector.current = sector
    feedback, set_feedback = solara.use_state((-1, "", ""))  # (day, kind, text)
    brief = solara.use_memo(lambda: brief_body(role), [role])  # the package's own text
    game = ROOM.game
    if game.finished:
        DebriefView(ROOM.debrief, role)
        return
    with solara.Details(summary="Our brief (what we know, want and fear)"):
        solara.HTML(unsafe_innerHTML=brief, classes=["brief"])
    day = shown_day.current = game.day
    Heading(f"Day {day + 1} of {game.days}: {_date(day)}", 2)
    Countdown()
    SituationMap(role)
    Grid(["what we see", ""], [[label, value] for label, value in game.view(role)])
    # Conditional messages sit in columns that are always there, so the buttons keep
    # their place (and their widgets) from one render to the next: a click that lands
    # while the page redraws still reaches its button.
    pending = game.pending.get(role)
    with solara.Column():
        if pending is not None:
            fixed = " (agreed with another team)" if role in ROOM.agreed else ""
            solara.Success(
                f"Your move for day {day + 1}: {pending.text(game.sector_names)}{fixed}. "
                + ("" if fixed else "You may change it until the day closes.")
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
            done = ROOM.submit(role, session, choice.name, aimed, shown)
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
    Inbox(role, session, version)
    with solara.Card("What we know has happened (newest first)"):
        Lines(list(reversed(game.news_for(role))), "Nothing yet.", ["news"])
    ours = [m for m in game.moves if m.role == role and m.action.name != "HOLD"]
    with solara.Card("Our moves so far"):
        Lines(
            [f"Day {m.day + 1}: {m.text(game.sector_names)}" for m in reversed(ours)], "None yet."
        )


@solara.component
def Inbox(role: str, session: str, version: int):
    """Show a team's inbox and outbox: proposals to answer, messages, statements, news."""
    game = ROOM.game
    others = [t for t in game.teams if t != role]
    to = solara.use_reactive(others[0] if others else EVERYONE)
    text = solara.use_reactive("")
    kind = solara.use_reactive(ProposalKind.CEASEFIRE.label)
    attempt, said = use_attempt()
    labels = {k.label: k for k in ProposalKind}
    sectors = list(game.sector_names.values())
    sector = solara.use_reactive(sectors[0])

    def send_message() -> str:
        ROOM.send(role, session, to.value, text.value)
        text.set("")
        return "Sent to everyone." if to.value == EVERYONE else f"Sent to {to.value}."

    def propose() -> str:
        chosen = labels[kind.value]
        aimed = sector.value if chosen is ProposalKind.PULL_BACK else None
        ROOM.propose(role, session, to.value, chosen.value, aimed, text.value)
        text.set("")
        return f"Proposed {chosen.label} to {to.value}."

    with solara.Card("Inbox: proposals, messages, statements and news"):
        for proposal in ROOM.open_proposals(role):
            with solara.Row(style={"align-items": "center"}):
                Para(proposal.line(), strong=f"Proposal {proposal.number + 1}:")
                solara.Button(
                    f"Accept proposal {proposal.number + 1}",
                    on_click=lambda n=proposal.number: attempt(
                        lambda: ROOM.answer(role, session, n, True).line()
                    ),
                    color="success",
                )
                solara.Button(
                    f"Reject proposal {proposal.number + 1}",
                    on_click=lambda n=proposal.number: attempt(
                        lambda: ROOM.answer(role, session, n, False).line()
                    ),
                    outlined=True,
                )
        Lines([p.line() for p in reversed(ROOM.feed(role))], "Nothing yet.", ["inbox"])
    with solara.Card("Write to another team, or to everyone"):
        solara.Select("to", value=to, values=[*others, EVERYONE])
        solara.InputTextArea(
            f"message (plain text, up to {MAX_LENGTH} characters)",
            value=text,
            continuous_update=True,
        )
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
            solara.Button("Send message", on_click=lambda: attempt(send_message), color="primary")
            solara.Select("proposal", value=kind, values=list(labels), style={"max-width": "22em"})
            solara.Select("sector (a pull-back)", value=sector, values=sectors)
            solara.Button("Propose", on_click=lambda: attempt(propose), outlined=True)
        Para(
            "A proposal goes to the team chosen above, with the message as its note. If it "
            "is accepted, it is both teams' move for today."
        )
        Said(said)
