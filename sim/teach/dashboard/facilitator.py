"""The facilitator's pages: ``/game?key=…`` and the printable join sheet ``/sheet?key=…``.

Without the key the page only asks for it. With it: choose the teams and start; hand
out the join links (and a sheet of QR codes); during play watch who has moved, send
news, release injects, read every channel and close the days; once the game is over,
debrief and save it. Each of the three moments is one component.

During play the page is a control desk that fits a laptop's 1280×720: the day, its
countdown, who has moved and the day's buttons at the top; below them, in tabs, the
news and injects, every channel, the map, the log, and the teams' links and codes
(behind a click: the page may be seen by others in the room). It is not for the
projector: the class screen (``/class``) is.
"""

from __future__ import annotations

import html

import solara

from sim.errors import UserError
from sim.spec.schema import FACILITATOR_EVENTS
from sim.teach.dashboard.access import qr_svg, query_value
from sim.teach.dashboard.config import workshop_config, workshop_room
from sim.teach.dashboard.moves import DayButton, NamedButtons
from sim.teach.dashboard.pages import (
    Countdown,
    DebriefView,
    Said,
    SituationMap,
    date_of_day,
    use_attempt,
    use_room,
)
from sim.teach.dashboard.printing import PrintButton
from sim.teach.dashboard.widgets import Grid, Heading, Lines, Para
from sim.teach.game import Debrief, GameError
from sim.teach.negotiation import MAX_LENGTH
from sim.teach.views import event_line
from sim.teach.workshop import cast_teams, team_states


@solara.component
def KeyGate(given: str | None, on_key):
    """Ask for the facilitator's key; nothing of the game is shown without it."""
    room = workshop_room()
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
            if room.access.is_facilitator(key):
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
    room = workshop_room()
    router = solara.use_router()
    key, set_key = solara.use_state(query_value(router.search, "key"))
    if not room.access.is_facilitator(key):
        KeyGate(key, set_key)
        return
    FacilitatorDesk(key)


DESK_CSS = """
.desk h1 { font-size: 22px; margin: 0; font-weight: 500; }
.desk h2 { font-size: 24px; margin: 0; }
.desk .countdown { font-size: 20px; margin: 0; }
.desk .crisis-table td, .desk .crisis-table th { padding: 1px 14px 1px 0 !important; }
.desk .v-btn { text-transform: none; letter-spacing: normal; }
"""


@solara.component
def FacilitatorDesk(key: str):
    """Show the facilitator's page, once its key is checked: one desk per moment."""
    version = use_room()
    room = workshop_room()
    game = room.game
    solara.Title("crisis-sim: facilitator")
    solara.Style(DESK_CSS)
    with solara.Column(classes=["desk"], style={"max-width": "1260px", "margin": "auto"}):
        Heading(f"{room.scenario.title}: the facilitator's page")
        if game is None:
            SetupDesk(key)
            return
        if game.finished:
            FinishedDesk(room.debrief, version, key)
        else:
            PlayDesk(version)
        # Each tab's content is a component whose arguments say when it changes: the
        # page redraws at every change in the room, its tabs only when theirs do.
        with solara.lab.Tabs():
            if not game.finished:
                with solara.lab.Tab("News and injects"):
                    NewsDesk(game.teams)
                    EventDesk(id(game), tuple(sorted(room.released)))
            with solara.lab.Tab("Every channel"):
                Channels(id(game), len(room.posts))
            with solara.lab.Tab("The map"):
                SituationMap()
            with solara.lab.Tab("What has happened"):
                EventLog(id(game), len(game.log))
            with solara.lab.Tab("Teams: links and codes"):
                TeamBrowsers(tuple(sorted(room.claims)))
                JoinLinks(key, game.teams)
            with solara.lab.Tab("Transcript"):
                TranscriptButton()
            with solara.lab.Tab("New game"):
                NewGameButton(version)


@solara.component
def Channels(game_id: int, posts: int):
    """Show every channel: messages, statements, proposals, answers and news, newest first."""
    room = workshop_room()
    said = [room.line(p) for p in reversed(room.feed(None))]
    Lines(said, "Nobody has said anything yet.")


@solara.component
def EventLog(game_id: int, events: int):
    """Show what has happened, newest first, by the game's days counted from 1."""
    game = workshop_room().game
    log = [event_line(e, game.ticks_per_day) for e in reversed(game.log[-300:])]
    Lines(log, "Nothing has happened yet.")


@solara.component
def TranscriptButton():
    """Write the game's transcript (HTML and CSV) into its folder, during play or after."""
    from sim.teach.transcript import listed, write

    room = workshop_room()
    attempt, said = use_attempt()

    def transcript() -> str:
        folder = room.journal.folder if room.journal else workshop_config().results_root
        try:
            written = write(room, folder)
        except UserError as error:
            raise GameError(str(error)) from None
        return f"Written: {listed(written)}"

    Para(
        "Every message, proposal, answer, move and event so far, by day and team, with "
        "the debrief once the game is over: an HTML page to read or print, and a CSV "
        "file; then also debrief.html, the debrief to print. (After a crash: crisis-sim "
        "transcript GAME_DIR.)"
    )
    solara.Button("Write the transcript", on_click=lambda: attempt(transcript), outlined=True)
    Said(said)


@solara.component
def TeamBrowsers(claimed: tuple[str, ...]):
    """Free a team's browser, so that another with the team's code may play it."""
    room = workshop_room()
    Para(
        "Each team is played from the first browser that opened its join link. Free a "
        "team to play it from another (its page then offers to play from there)."
    )
    # One template whose presses name their team: a press that lands while the row
    # redraws (a team freed a moment ago) frees the team it showed, not its neighbour.
    NamedButtons(
        [(t, f"Free {room.name(t)}") for t in room.game.teams if t in room.claims], room.release
    )


@solara.component
def SetupDesk(key: str):
    """Before the game: choose the governments the teams will play, and start."""
    room = workshop_room()
    teams = list(cast_teams(room.scenario))  # a role the crisis lacks has no team
    chosen, set_chosen = solara.use_state(teams)
    message, set_message = solara.use_state("")
    Para("Choose the governments the teams will play, then start.")
    for state in team_states(room.scenario):
        solara.Checkbox(
            label=room.name(state),
            value=state in chosen,
            on_value=lambda on, s=state: set_chosen(
                [x for x in chosen if x != s] + ([s] if on else [])
            ),
        )

    def start() -> None:
        try:
            room.start(chosen)
        except GameError as error:
            set_message(str(error))

    solara.Button("Start the game", on_click=start, color="primary")
    if message:
        solara.Error(message)
    ClassScreenLink()
    JoinLinks(key, list(team_states(room.scenario)))


def ClassScreenLink():
    """Return the link to the class screen, for the projector."""
    return solara.HTML(
        tag="p",
        unsafe_innerHTML='<a href="/class" target="_blank">The class screen</a> (opens in a '
        "new tab): put it on the projector, not this page. It shows only what the whole "
        "room may see.",
    )


@solara.component
def NewGameButton(version: int):
    """Offer a new game with the same teams; during play, only after a confirmation.

    ``version`` is the room's: a component redraws only when its arguments or its own
    state change, and the dialog says the day the game is on.
    """
    room = workshop_room()
    game = room.game
    confirming = solara.use_reactive(False)  # the "drop the game under way?" dialog

    def new_game() -> None:
        if game.finished:
            room.start(game.teams)
        else:  # a misclick must not throw away a class's game
            confirming.set(True)

    Para(
        "A new game starts again from day 1 with the same teams and the same browsers."
        + ("" if game.finished else " The game under way is dropped: you will be asked first.")
    )
    with solara.Row():
        solara.Button("New game", on_click=new_game)
    solara.lab.ConfirmationDialog(
        confirming,
        title="Drop the game under way?",
        content=f"The game is on day {game.day + 1} of {game.days}. A new game starts "
        "again from day 1 with the same teams; the moves so far are lost.",
        ok="Start a new game",
        on_ok=lambda: room.start(game.teams),
    )


@solara.component
def FinishedDesk(debrief: Debrief | None, version: int, key: str):
    """After the game: the debrief, printing it, and saving the game as a results folder.

    The debrief and the room's version are arguments, so that the desk redraws when the
    debrief is ready (a component redraws only when its arguments or its state change).
    ``key``: the facilitator's, for the printable debrief with every message.
    """
    room = workshop_room()
    game = room.game
    message, set_message = solara.use_state("")
    Heading(f"The game is over after day {game.day}.", 2)
    DebriefView(debrief)

    def save() -> None:
        from sim.folders.results import default_run_dir

        try:
            root = workshop_config().results_root
            out = default_run_dir(root, f"game-{game.scenario.name}", game.seed)
            set_message(f"Saved in {room.save(out)}/")
        except (UserError, OSError) as error:
            set_message(str(error))

    with solara.Row(style={"flex-wrap": "wrap"}):
        if debrief is not None:
            PrintButton(key)
        solara.Button("Save the game as a results folder", on_click=save)
    if message:
        solara.Info(message)


@solara.component
def PlayDesk(version: int):
    """During play: who has moved, the timer, closing the day, news and injects.

    ``version`` is the room's: a component redraws only when its arguments change.
    """
    room = workshop_room()
    game = room.game
    message, set_message = solara.use_state("")
    with solara.Row(style={"align-items": "baseline", "flex-wrap": "wrap", "gap": "24px"}):
        Heading(f"Day {game.day + 1} of {game.days}: {date_of_day(game.day)}", 2)
        Countdown()
        ClassScreenLink()
    waiting = game.waiting_for()
    Grid(
        ["team", "browser", "this day"],
        [
            [
                room.name(team),
                "joined" if team in room.claims else "not joined yet",
                "waiting" if team in waiting else "has moved ✓",
            ]
            for team in game.teams
        ],
    )

    def close_day(day: int) -> None:
        # The day on the facilitator's screen: a press that comes after the timer closed
        # it must not close the next day too.
        try:
            room.advance(day)
            set_message("")
        except GameError as error:
            set_message(str(error))

    with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
        DayButton("Close the day now", game.day, close_day, color="primary")
        solara.Button("Timer: 2 minutes", on_click=lambda: room.set_timer(120))
        solara.Button("Timer: 5 minutes", on_click=lambda: room.set_timer(300))
        solara.Button("No timer", on_click=lambda: room.set_timer(None))
        solara.Checkbox(
            label="Close the day as soon as every team has moved",
            value=room.close_when_all_moved,
            on_value=room.set_close_when_all_moved,
        )
    with solara.Row():
        if message:
            solara.Info(message)


@solara.component
def JoinLinks(key: str, teams: list[str]):
    """Show each team's join link with its code, and the printable sheet of QR codes.

    ``teams``: the game's teams, or before it starts the states teams may play.
    """
    room = workshop_room()
    with solara.Details(summary="Show the join links for the teams (each with its code)"):
        Para(
            "Give each team its own link (or its code, typed on its page). A page without "
            "its team's code can watch the game but not move."
        )
        Grid(
            ["team", "code", "join link"],
            [
                [
                    room.name(team),
                    room.access.codes[team],
                    room.access.join_link(workshop_config().base_url, team),
                ]
                for team in teams
            ],
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
    room = workshop_room()
    names = {room.name(team): team for team in teams}  # the list shows the cast's names
    text = solara.use_reactive("")
    to = solara.use_reactive(list(names))
    attempt, said = use_attempt()

    def send() -> str:
        chosen = [names[name] for name in to.value if name in names]
        audience = None if set(chosen) >= set(teams) else chosen
        if audience == []:
            raise GameError("Choose at least one team to send the news to.")
        room.news(text.value, audience)
        text.set("")
        return "News sent."

    with solara.Card("Send news to the teams (an inject)"):
        solara.InputTextArea(
            f"news item (plain text, up to {MAX_LENGTH} characters)",
            value=text,
            continuous_update=True,
        )
        solara.SelectMultiple("to", values=to, all_values=list(names))
        solara.Button("Send news", on_click=lambda: attempt(send), color="primary")
        Said(said)


@solara.component
def EventDesk(game_id: int, released: tuple[int, ...]):
    """Release the scenario's prepared injects, or fire one of the model's events."""
    room = workshop_room()
    labels = {k.value.replace("_", " "): k.value for k in FACILITATOR_EVENTS}
    speakers = {room.name(s): s for s in room.scenario.actors.third_parties}  # by name
    event = solara.use_reactive(next(iter(labels)))
    speaker = solara.use_reactive(next(iter(speakers), None))
    attempt, said = use_attempt()

    def fire() -> str:
        kind = labels[event.value]
        said_by = speaker.value if kind == "third_party_statement" else None
        room.fire_event(kind, speakers.get(said_by) if said_by else None)
        return f"Fired today: {event.value}" + (f" ({said_by})" if said_by else "") + "."

    with solara.Card("Injects: the model's events, and the scenario's prepared ones"):
        for index, prepared in enumerate(room.scenario.workshop_injects):
            cue = f"day {prepared.day + 1}: " if prepared.day is not None else ""
            with solara.Row(style={"align-items": "center"}):
                if index in room.released:
                    solara.Text(f"✓ released — {cue}{prepared.title}")
                else:
                    solara.Button(
                        f"Release: {cue}{prepared.title}",
                        on_click=lambda i=index: attempt(lambda: room.release_inject(i)),
                        outlined=True,
                    )
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
            solara.Select("model event", value=event, values=list(labels))
            if speakers:
                solara.Select("speaker (a statement)", value=speaker, values=list(speakers))
            solara.Button("Fire the event today", on_click=lambda: attempt(fire), outlined=True)
        Said(said)


@solara.component
def JoinSheet():
    """Show a printable page: one card per team with its join link as a QR code."""
    room = workshop_room()
    router = solara.use_router()
    key = query_value(router.search, "key")
    solara.Title("crisis-sim: join links")
    if not room.access.is_facilitator(key):
        Heading("The sheet of join links needs the facilitator's key")
        Para("Open it from the facilitator's page.")
        return
    teams = room.game.teams if room.game else list(room.access.codes)
    cards = []
    for team in teams:
        link = room.access.join_link(workshop_config().base_url, team)
        cards.append(
            '<div class="join-card" style="display:inline-block; width:300px; margin:12px; '
            'padding:12px; border:1px dashed #888; break-inside:avoid; text-align:center">'
            f"<h2>{html.escape(room.scenario.cast.label(team))}</h2>{qr_svg(link)}"
            f'<p style="font-family:monospace; word-break:break-all">{html.escape(link)}</p>'
            f"<p>code: <strong>{html.escape(room.access.codes[team])}</strong></p></div>"
        )
    Heading(f"{room.scenario.title}: join links")
    solara.HTML(tag="div", unsafe_innerHTML="".join(cards))
