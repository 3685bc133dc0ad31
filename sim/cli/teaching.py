"""The workshop's commands: play, briefs, dashboard, transcript."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sim.cli.shared import (
    RESULTS_ROOT,
    ReplaceOption,
    ScenarioFile,
    SeedOption,
    err,
    out,
    stoppable,
)
from sim.errors import UserError


def play(
    file: ScenarioFile,
    roles: Annotated[
        list[str],
        typer.Option(
            "--as",
            metavar="ROLE",
            help="The government you play: armenia, azerbaijan, russia, csto or a third "
            "party's name (repeat to take turns at one keyboard).",
        ),
    ],
    seed: SeedOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Where to save the game (default: results/game-SCENARIO-TIME)."),
    ] = None,
    debrief_worlds: Annotated[
        int,
        typer.Option(
            min=1, max=1_000_000, help="Simulated worlds the debrief compares your game with."
        ),
    ] = 2000,
) -> None:
    """Play a government in the terminal, day by day, against the others' policies.

    Each day: what your government sees, the actions it may take; answer with a number
    or a name (and a sector where needed, e.g. `3 sev_lake`). Enter holds, `?` shows what
    your government's usual policy would do, `q` holds to the end. The debrief compares
    your world with thousands of simulated ones; the game is saved as a results folder.
    """
    from sim.folders.results import default_run_dir
    from sim.folders.runfolder import check_target
    from sim.spec.loading import load_scenario
    from sim.teach.game import Game
    from sim.teach.terminal import play as play_game

    scenario = load_scenario(file).scenario
    game = Game(scenario, roles, seed)
    target = out_dir or default_run_dir(RESULTS_ROOT, f"game-{scenario.name}", game.seed)
    check_target(target, replace=False)
    out.print(
        f"[bold]{escape(scenario.title)}[/bold]: you play {', '.join(map(escape, roles))}; "
        f"{game.days} days. {escape(scenario.description)}",
        highlight=False,
    )
    with stoppable("game"):
        play_game(game, lambda prompt: input(prompt), out, target, debrief_worlds)


def briefs(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="A scenario file: the briefs of its workshop's teams (default: the May 2021 "
            "workshop's written briefs).",
            show_default=False,
            metavar="FILE",
        ),
    ] = None,
    out_dir: Annotated[
        Path,
        typer.Option("--out", metavar="DIR", help="Where to write the briefs (a new folder)."),
    ] = RESULTS_ROOT / "briefs",
    roles: Annotated[
        list[str] | None,
        typer.Option(
            "--role",
            metavar="ROLE",
            help="A team's state; repeat for several (default: armenia, azerbaijan, russia, "
            "csto, or with FILE every state its teams can play). Without FILE a third party "
            "(e.g. france) gets the Western capital's brief.",
        ),
    ] = None,
    replace: ReplaceOption = False,
) -> None:
    """Write the workshop's printable briefs: one HTML page per team, and an index.

    Each says what its government could know on 11 May 2021, what it wants and fears,
    and the moves it may make. With a scenario FILE of another crisis, each brief is the
    one its team page shows: whom the team plays, what its role can do, the scenario's
    description and the page's moves. Open them in a browser and print; see
    docs/workshop.md.
    """
    from sim.spec.loading import load_scenario
    from sim.teach.workshop import write_briefs

    for role in roles or ():
        if not role.replace("_", "").isalnum() or role != role.lower():
            raise UserError(
                f"{role!r} is not a role: use a lower-case name such as armenia or "
                "united_states (--role may be repeated)."
            )
    scenario = None if file is None else load_scenario(file).scenario
    chosen = tuple(roles) if roles else None
    pages = write_briefs(out_dir, chosen, replace=replace, scenario=scenario)
    out.print(
        f"Briefs: {escape(str(out_dir))}/ ({', '.join(p.name for p in pages)}, index.html)",
        highlight=False,
        soft_wrap=True,
    )


def dashboard(
    file: Annotated[
        Path,
        typer.Argument(help="The scenario file (YAML).", show_default=False, metavar="FILE"),
    ] = Path("scenarios/baseline-may-2021.yaml"),
    host: Annotated[
        str,
        typer.Option(
            help="Address to serve on. 127.0.0.1 keeps it on this machine; 0.0.0.0 lets "
            "students' laptops on the room's network open their team pages."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 8765,
    ensemble_worlds: Annotated[
        int,
        typer.Option(min=1, max=1_000_000, help="Worlds the ensemble button and debrief run."),
    ] = 2000,
    resume: Annotated[
        Path | None,
        typer.Option(
            metavar="GAME_DIR",
            help="Resume the workshop game of this folder after a crash: the game, the teams' "
            "browsers, messages and codes, as its journal left them. FILE must be the scenario "
            "as it was when the game began.",
        ),
    ] = None,
) -> None:
    """Serve the workshop dashboard: one world step by step, team pages, the debrief.

    Pages: / (the dashboard of one world), /game?key=KEY (the facilitator: the link is
    printed at start), /team/ROLE?code=CODE (a team's join link, on the facilitator's page).
    Every change to the game is journaled in its folder (results/games/NAME-TIME/), so
    after a crash --resume GAME_DIR takes it up again. Stop it with Ctrl-C.
    """
    import datetime as dt
    import socket

    from sim.spec.loading import load_scenario
    from sim.teach.dashboard.access import addresses
    from sim.teach.dashboard.room import Room
    from sim.teach.dashboard.serve import Stopped, serve

    scenario = load_scenario(file).scenario  # a bad file is reported here, not in the browser
    if resume is not None:
        folder = resume
        room = Room.resume(file.resolve(), folder, debrief_worlds=1)  # refuses a foreign folder
    else:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = RESULTS_ROOT / "games" / f"{scenario.name}-{stamp}"
        room = None
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the server binds (asyncio sets SO_REUSEADDR on POSIX): a port whose last
        # dashboard closed browsers' connections a minute ago is free; a listening one is not.
        # (On Windows the option would let us share a port in use.)
        if os.name == "posix":
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UserError(
                f"Cannot serve on {host}:{port} ({error.strerror or error}): another program "
                f"(perhaps another dashboard) is using that port. Stop it, or choose another "
                f"with --port, e.g. --port {port + 1}."
            ) from None
    if room is None:  # the port is ours: now the game's folder may be made
        room = Room.create(file.resolve(), folder, debrief_worlds=1)
    shown = addresses(host)
    base = f"http://{shown[0]}:{port}"
    environ = {
        **os.environ,
        "CRISIS_SIM_GAME_DIR": str(folder.resolve()),
        "CRISIS_SIM_BASE_URL": base,
        "CRISIS_SIM_SCENARIO": str(file.resolve()),
        "CRISIS_SIM_RESULTS": str(RESULTS_ROOT.resolve()),
        "CRISIS_SIM_ENSEMBLE_WORLDS": str(ensemble_worlds),
        "CRISIS_SIM_DEBRIEF_WORLDS": str(ensemble_worlds),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",  # no calls home from a classroom
        # Solara warns that plain http cannot set samesite=none cookies; it falls back to
        # samesite=lax, which is right for a dashboard that is not embedded in a frame.
        "PYTHONWARNINGS": "ignore:Cookies with samesite=none require https:UserWarning",
        # A closed tab's session ends (and frees its team's role) 20 s after it goes.
        "SOLARA_KERNEL_CULL_TIMEOUT": "20s",
    }
    others = "".join(f"\n  also at:     http://{a}:{port}/" for a in shown[1:])
    resumed = "resumed from" if resume is not None else "journaled in"
    err.print(
        f"Serving {escape(str(file))} on {base}/{escape(others)}\n"
        f"  facilitator: {escape(room.access.facilitator_link(base))}\n"
        "  (keep this link to yourself: the teams' join links are on its page)\n"
        f"  the game is {resumed} {escape(str(folder))}/ (after a crash: crisis-sim "
        f"dashboard {escape(str(file))} --port {port} --resume {escape(str(folder))})\n"
        "Ctrl-C stops it.",
        highlight=False,
        soft_wrap=True,
    )
    command = [sys.executable, "-m", "solara", "run", "sim.teach.dashboard.app", "--host", host]
    command += ["--port", str(port), "--production", "--no-open", "--log-level", "warning"]
    command += ["--no-check-version"]  # solara is pinned (see pyproject.toml): no upgrade advice
    # The server runs in a child that stops with this process: on Ctrl-C (then stoppable
    # says so and exits 130), on SIGTERM or SIGHUP (exit 128 + the signal), and on Linux even
    # on SIGKILL; otherwise it would keep the port (see sim/teach/dashboard/serve.py).
    with stoppable("dashboard", "file"):
        try:
            status = serve(command, env=environ)
        except Stopped as stopped:
            err.print(f"stopped: the dashboard was stopped ({stopped.name}).")
            raise typer.Exit(128 + stopped.signum) from None
    if status:  # the server failed by itself (its own message is above)
        raise typer.Exit(status if status > 0 else 128 - status)


def transcript(
    game_dir: Annotated[
        Path,
        typer.Argument(
            help="The game's folder (results/games/NAME-TIME/, printed when the dashboard "
            "started).",
            show_default=False,
            metavar="GAME_DIR",
        ),
    ],
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            metavar="FILE",
            help="The scenario the game played, if not where its journal says (the path "
            "given to crisis-sim dashboard, from the folder it was started in).",
        ),
    ] = None,
    debrief_worlds: Annotated[
        int,
        typer.Option(min=1, max=1_000_000, help="Worlds of the debrief of a finished game."),
    ] = 500,
) -> None:
    """Write a workshop game's transcript: every message, proposal, answer, move and event.

    By day and team, as transcript.html (to read or print) and transcript.csv (to sort
    and count), in the game's folder, with the debrief if the game is over (and then
    debrief.html, the debrief to print: picture, measures, timeline). It is read
    from the game's journal, so a game that crashed has one too; nothing else in the
    folder changes.
    """
    from sim.teach.dashboard.journal import GameJournal
    from sim.teach.dashboard.room import Room
    from sim.teach.transcript import listed, write

    if not game_dir.is_dir():
        raise UserError(
            f"{game_dir} is not a folder. Give a game's folder (results/games/NAME-TIME/), "
            "as crisis-sim dashboard printed it."
        )
    file = scenario or Path(GameJournal.scenario_of(game_dir))
    if not file.is_file():
        raise UserError(
            f"The game was played with {file}, which is not there from {Path.cwd()}. Run "
            "this from the folder the dashboard was started in, or give the scenario "
            "with --scenario FILE."
        )
    room = Room.resume(file, game_dir, debrief_worlds, read_only=True)
    if room.game is not None and room.game.finished:
        room.debrief = room.game.debrief(debrief_worlds)
    written = write(room, game_dir)
    out.print(
        f"Transcript: {escape(listed(written))}",
        highlight=False,
        soft_wrap=True,
    )
