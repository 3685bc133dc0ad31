"""A team's page, ``/team/STATE?code=…``: its government's view, its moves and its talks.

STATE is the id of the state the team plays (``/team/armenia``, ``/team/csto``).

Without its code the page shows the public state of the game and asks for the code;
with it, the team's view, its moves, its inbox, and messages and proposals to the other
teams.
"""

from __future__ import annotations

import solara

from sim.teach.dashboard.access import query_value
from sim.teach.dashboard.config import workshop_room
from sim.teach.dashboard.moves import Moves, OpenProposals
from sim.teach.dashboard.pages import (
    Countdown,
    DebriefView,
    Said,
    SituationMap,
    date_of_day,
    use_attempt,
    use_room,
)
from sim.teach.dashboard.screen import use_narrow
from sim.teach.dashboard.widgets import Grid, Heading, Lines, Para
from sim.teach.game import GameError
from sim.teach.negotiation import EVERYONE, MAX_LENGTH, ProposalKind
from sim.teach.workshop import brief_body

#: A team's page on a phone (390 px) as on a laptop: titles break between words, not in
#: them; tables and buttons wrap within the screen; no text under 12 px.
PHONE_CSS = """
.team-page .v-card__title { word-break: normal; overflow-wrap: break-word; }
.team-page { overflow-wrap: break-word; }
.team-page .crisis-table { min-width: 0 !important; max-width: 100%; }
.team-page .v-btn { text-transform: none; letter-spacing: normal; }
.team-page .v-btn__content { white-space: normal; }
@media (max-width: 700px) {
  .team-page .v-card__title { font-size: 18px; line-height: 1.3; }
  .team-page h1 { font-size: 26px; }
  .team-page h2 { font-size: 20px; }
}
"""


@solara.component
def TeamPage():
    """Show one team's page: the public state, and with the team's code its moves."""
    room = workshop_room()
    router = solara.use_router()
    team = router.path.rstrip("/").split("/")[-1]
    version = use_room(lambda: room.seen_by(team))
    code, set_code = solara.use_state(query_value(router.search, "code"))
    session = solara.get_session_id()  # the browser: its cookie outlives a server restart
    game = room.game
    entitled = room.access.opens(team, code)

    def take_team_once():
        # A page with the team's code claims the team for its browser when it opens (or
        # when the first game starts). The claim stays when the tab closes: only the
        # facilitator frees a team, so a reload or a resumed server finds it still here.
        if entitled and game is not None and team in game.teams and team not in room.claims:
            room.claim(team, session, code)

    solara.use_effect(take_team_once, [game is None, entitled])
    solara.Title(f"crisis-sim: {team}")
    solara.Style(PHONE_CSS)
    with solara.Column(classes=["team-page"], style={"max-width": "1000px", "margin": "auto"}):
        Heading(room.scenario.cast.label(team))
        if game is None:
            solara.Info("The game has not started yet: this page will update when it does.")
            if not entitled:
                CodeGate(team, code, set_code)
            return
        if team not in game.teams:
            solara.Error(
                f"{team!r} is not a team in this game. Teams: {', '.join(game.teams)}. "
                "Open one of their pages, e.g. /team/" + game.teams[0] + "."
            )
            return
        if not entitled:
            PublicView(team)
            CodeGate(team, code, set_code)
            return
        if not room.holds(team, session):
            # Claimed on opening only: a page the facilitator freed does not take its team
            # back by itself, so that the facilitator can give it to another browser.
            if team in room.claims:
                solara.Warning(room.held_elsewhere(team))
            else:
                solara.Info(f"Nobody plays {team} from a browser now.")
                solara.Button(
                    f"Play {team} from this browser",
                    on_click=lambda: room.claim(team, session, code),
                    color="primary",
                )
            PublicView(team)
            return
        # The room's version as an argument: a component redraws only when its arguments
        # or its own state change, and the game behind these has moved on.
        TeamDesk(team, session, version)


@solara.component
def CodeGate(team: str, given: str | None, on_code):
    """Ask for the team's code (the join link carries it)."""
    room = workshop_room()
    typed = solara.use_reactive("")
    wrong = solara.use_reactive(bool(given))

    def check() -> None:
        code = typed.value.strip()
        if room.access.opens(team, code):
            on_code(code)
        else:
            wrong.set(True)

    with solara.Card(f"Play {team}: your team's code"):
        Para(
            "This page shows the game but cannot move without your team's code. Open the "
            "join link the facilitator gave you, or type the code here."
        )
        solara.InputText("team code", value=typed, continuous_update=True)
        solara.Button("Join", on_click=check, color="primary")
        with solara.Column():
            if wrong.value:
                solara.Error(f"That is not {team}'s code.")


def PublicView(team: str) -> None:
    """Show what anyone may see: the day, the countdown, public statements and news."""
    room = workshop_room()
    game = room.game
    with solara.Column():
        if game.finished:
            Heading(f"The game is over after day {game.day}.", 2)
        else:
            Heading(f"Day {game.day + 1} of {game.days}: {date_of_day(game.day)}", 2)
            Countdown()
        public = [p for p in room.feed(None) if EVERYONE in p.to]
        with solara.Card("Public statements and news"):
            Lines([room.line(p) for p in reversed(public)], "Nothing public yet.")


@solara.component
def TeamDesk(team: str, session: str, version: int):
    """Show a team's page: its view, its move, its inbox, its messages and proposals."""
    room = workshop_room()
    narrow = use_narrow()  # a phone: the map drawn for it
    feedback, set_feedback = solara.use_state((-1, "", ""))  # (day, kind, text)
    game = room.game
    if game.finished:
        DebriefView(room.debrief, team)
        return
    # The parts that change once a day are components of their own, whose arguments say
    # so: a page redrawn for a message skips them (a redraw's cost is in its parts).
    Brief(team)
    day = game.day
    Heading(f"Day {day + 1} of {game.days}: {date_of_day(day)}", 2)
    Countdown()
    SituationMap(team, narrow)
    WhatWeSee(team, id(game), day)
    # Conditional messages sit in columns that are always there, so the buttons keep
    # their place (and their widgets) from one render to the next: a click that lands
    # while the page redraws still reaches its button.
    pending = game.pending.get(team)
    with solara.Column():
        if pending is not None:
            fixed = " (agreed with another team)" if team in room.agreed else ""
            solara.Success(
                f"Your move for day {day + 1}: {pending.text(game.sector_names)}{fixed}. "
                + ("" if fixed else "You may change it until the day closes.")
            )

    def send(press: dict) -> None:
        # The day the press was drawn for, from the browser: never the server's day now.
        shown = press["day"]
        try:
            done = room.submit(team, session, press["action"], press["sector"], shown)
            set_feedback((shown, "ok", f"Sent for day {shown + 1}: {done}."))
        except GameError as error:
            # Said on the day the team is now on: a late move's refusal is news there.
            set_feedback((room.game.day, "error", str(error)))

    Moves(day, game.choices(team), list(game.sector_names.values()), send)
    said_on, kind, text = feedback
    with solara.Column():
        # Only about the day on the screen: "Sent for day 3" is gone once day 4 opens.
        if said_on == day and kind == "ok":
            solara.Success(text)
        elif said_on == day and kind == "error":
            solara.Error(text)
    Inbox(team, session, version)
    WriteBox(team, session, tuple(t for t in game.teams if t != team))
    SoFar(team, id(game), day)


@solara.component
def Brief(team: str):
    """Show the team's brief, folded: what its government knows, wants and fears."""
    game = workshop_room().game  # the brief and its moves are those of the game's crisis
    brief = solara.use_memo(lambda: brief_body(team, game.scenario), [team, id(game)])
    with solara.Details(summary="Our brief (what we know, want and fear)"):
        solara.HTML(unsafe_innerHTML=brief, classes=["brief"])


@solara.component
def WhatWeSee(team: str, game_id: int, day: int):
    """Show what the team's government sees today (it changes when a day is played)."""
    game = workshop_room().game
    Grid(["what we see", ""], [[label, value] for label, value in game.view(team)])


@solara.component
def SoFar(team: str, game_id: int, day: int):
    """Show what the team's government knows has happened, and the team's moves so far."""
    game = workshop_room().game
    with solara.Card("What we know has happened (newest first)"):
        Lines(list(reversed(game.news_for(team))), "Nothing yet.", ["news"])
    ours = [m for m in game.moves if m.team == team and m.action.name != "HOLD"]
    with solara.Card("Our moves so far"):
        Lines(
            [f"Day {m.day + 1}: {m.text(game.sector_names)}" for m in reversed(ours)], "None yet."
        )


@solara.component
def Inbox(team: str, session: str, version: int):
    """Show a team's inbox: the proposals it must answer, messages, statements and news."""
    room = workshop_room()
    attempt, said = use_attempt()
    with solara.Card("Inbox: proposals, messages, statements and news"):
        OpenProposals(
            [
                {
                    "number": p.number,
                    "called": f"proposal {room.proposal_number(p)}",
                    "text": room.line(p),
                }
                for p in room.open_proposals(team)
            ],
            lambda number, accept: attempt(
                lambda: room.line(room.answer(team, session, number, accept))
            ),
        )
        Said(said)
        Lines([room.line(p) for p in reversed(room.feed(team))], "Nothing yet.", ["inbox"])


@solara.component
def WriteBox(team: str, session: str, others: tuple[str, ...]):
    """Write to another team or to everyone, or put a proposal to another team."""
    room = workshop_room()
    game = room.game
    to = solara.use_reactive(others[0] if others else EVERYONE)
    text = solara.use_reactive("")
    kind = solara.use_reactive(ProposalKind.CEASEFIRE.label)
    attempt, said = use_attempt()
    labels = {k.label: k for k in ProposalKind}
    sectors = list(game.sector_names.values())
    sector = solara.use_reactive(sectors[0])

    def send_message() -> str:
        room.send(team, session, to.value, text.value)
        text.set("")
        return "Sent to everyone." if to.value == EVERYONE else f"Sent to {to.value}."

    def propose() -> str:
        chosen = labels[kind.value]
        aimed = sector.value if chosen is ProposalKind.PULL_BACK else None
        room.propose(team, session, to.value, chosen.value, aimed, text.value)
        text.set("")
        return f"Proposed {chosen.label} to {to.value}."

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
