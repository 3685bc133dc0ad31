"""The game in a terminal: ``crisis-sim play FILE --as armenia``.

One player (or several, taking turns at one keyboard: ``--as armenia --as russia``)
plays governments day by day against the others' policies. Each day the player sees
what their government sees and the actions it may take, and answers with a number or a
name, and a sector where the action needs one (``3 sev_lake``, ``send_army 1``). An
empty line holds; ``?`` shows what the government's usual policy would do; ``q`` (or
the end of the input) holds for the rest of the game. The debrief follows, and the game
is saved as a results folder that ``crisis-sim explain`` and ``crisis-sim report`` read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sim.teach.game import Debrief, Game, GameError


class _Quit(Exception):
    """The player asked to stop choosing (or the input ended)."""


def _date(game: Game) -> str:
    start = dt.datetime.combine(game.scenario.start_date, dt.time())
    return (start + dt.timedelta(days=game.day)).strftime("%-d %B %Y")


def _show_day(game: Game, team: str, console: Console) -> None:
    console.print(
        f"\n[bold]Day {game.day + 1} of {game.days}, {_date(game)}.[/bold] "
        f"You are {team.replace('_', ' ').title()}.",
        highlight=False,
    )
    view = Table(show_header=False, box=None, pad_edge=False)
    view.add_column(style="dim")
    view.add_column()
    for label, value in game.view(team):
        view.add_row(escape(label), escape(value))
    console.print(view)
    choices = Table(show_header=False, box=None, pad_edge=False)
    for number, choice in enumerate(game.choices(team), start=1):
        aim = " + sector" if choice.needs_sector else ""
        choices.add_row(f"{number:>2}", f"{choice.name}{aim}", f"[dim]{choice.description}[/dim]")
    console.print(choices)
    sectors = ", ".join(
        f"{n} {sid} ({name})" for n, (sid, name) in enumerate(game.sector_names.items(), 1)
    )
    console.print(f"[dim]sectors: {escape(sectors)}[/dim]", highlight=False)


def _parse(game: Game, team: str, line: str) -> tuple[str, str | None]:
    words = line.split()
    choices = game.choices(team)
    first = words[0]
    if first.isdigit():
        number = int(first)
        if not 1 <= number <= len(choices):
            raise GameError(f"{number} is not one of the options 1-{len(choices)}.")
        action = choices[number - 1].name
    else:
        action = first
    sector = words[1] if len(words) > 1 else None
    if sector is not None and sector.isdigit():
        ids = list(game.sector_names)
        if not 1 <= int(sector) <= len(ids):
            raise GameError(f"{sector} is not one of the sectors 1-{len(ids)}.")
        sector = ids[int(sector) - 1]
    return action, sector


def _choose(game: Game, team: str, ask: Callable[[str], str], console: Console) -> None:
    while True:
        try:
            line = ask(f"{team}> ").strip()
        except EOFError:
            raise _Quit from None
        if line.lower() in ("q", "quit"):
            raise _Quit
        if line == "?":
            move, reason = game.suggestion(team)
            console.print(
                f"Your government's usual policy would: {move.text(game.sector_names)} "
                f"({escape(reason)})",
                highlight=False,
            )
            continue
        if not line:
            game.submit(team, "hold")
            return
        try:
            action, sector = _parse(game, team, line)
            move = game.submit(team, action, sector)
        except GameError as error:
            console.print(f"[red]{escape(str(error))}[/red]", highlight=False)
            continue
        console.print(f"[green]✓[/green] {move.text(game.sector_names)}", highlight=False)
        return


def _show_debrief(game: Game, debrief: Debrief, console: Console) -> None:
    outcome = debrief.outcome.replace("_", " ")
    console.print(
        f"\n[bold]The crisis ended in: {outcome}.[/bold] In {debrief.worlds:,} simulated "
        f"worlds of the same scenario, with every government on its usual policy, "
        f"{debrief.outcome_share:.1%} ended that way.",
        highlight=False,
    )
    table = Table(title="Your world among the simulated ones")
    for column in ("measure", "your game", "median world", "percentile"):
        table.add_column(column, justify="right" if column != "measure" else "left")
    for row in debrief.percentiles.itertuples():
        table.add_row(
            row.measure, f"{row.game:.2f}", f"{row.ensemble_median:.2f}", f"{row.percentile:.0f}"
        )
    console.print(table)
    shares = Table(title="How the simulated worlds ended")
    shares.add_column("outcome")
    shares.add_column("share", justify="right")
    for row in debrief.shares.itertuples():
        shares.add_row(row.outcome.replace("_", " "), f"{row.share:.1%}")
    console.print(shares)
    if debrief.divergences:
        console.print("\n[bold]Where you did not do what your government's policy would:[/bold]")
        for d in debrief.divergences:
            console.print(
                f"  day {d.day + 1}, {d.team}: you chose {d.chosen}; the policy would have "
                f"chosen {d.default} ({escape(d.default_reason)})",
                highlight=False,
            )
    else:
        console.print("\nEvery day you did what your government's usual policy would have done.")


def play(
    game: Game,
    ask: Callable[[str], str],
    console: Console,
    out: Path,
    debrief_worlds: int = 2000,
) -> Path:
    """Play ``game`` to its end, reading moves through ``ask``; debrief, save, return the folder."""
    quitting = False
    while not game.finished:
        if not quitting:
            try:
                for team in game.teams:
                    _show_day(game, team, console)
                    _choose(game, team, ask, console)
            except _Quit:
                quitting = True
                console.print("Holding for the rest of the game.")
        for event in game.advance_day():
            console.print(escape(event.sentence), highlight=False)
    folder = game.save(out)
    _show_debrief(game, game.debrief(debrief_worlds), console)
    console.print(
        f"\nThe game is saved in {escape(str(folder))}/: "
        f"`crisis-sim explain {escape(str(folder))} --world 0` narrates it.",
        highlight=False,
        soft_wrap=True,
    )
    return folder
