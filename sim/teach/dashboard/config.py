"""What a workshop server is told, and the one room all its pages share, opened on demand.

``crisis-sim dashboard`` starts the Solara server with its settings in the environment
(the scenario, the game's folder, the students' address...). They are read when a
workshop page first asks for the room, not when a module is imported: the plain
dashboard (``/``) never opens a game room, and a test can set the environment first.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from sim.teach.dashboard.room import DEBRIEF_WORLDS, Room

#: The scenario ``solara run`` serves when ``crisis-sim dashboard`` has not set one.
DEFAULT_SCENARIO = "scenarios/baseline-may-2021.yaml"


@dataclass(frozen=True, slots=True)
class WorkshopConfig:
    """A workshop server's settings (``crisis-sim dashboard`` sets them; see its --help).

    Attributes:
        scenario_file: the scenario played (``CRISIS_SIM_SCENARIO``).
        results_root: where saved games and runs go (``CRISIS_SIM_RESULTS``).
        debrief_worlds: worlds of the debrief's ensemble (``CRISIS_SIM_DEBRIEF_WORLDS``).
        base_url: the address students open (``CRISIS_SIM_BASE_URL``).
        game_dir: the game's journal folder, to resume from (``CRISIS_SIM_GAME_DIR``);
            None when ``solara run`` serves the app itself, with no journal.
    """

    scenario_file: str
    results_root: Path
    debrief_worlds: int
    base_url: str
    game_dir: Path | None

    @classmethod
    def from_environment(cls) -> WorkshopConfig:
        """Return the settings the server was started with."""
        env = os.environ
        folder = env.get("CRISIS_SIM_GAME_DIR")
        return cls(
            scenario_file=env.get("CRISIS_SIM_SCENARIO", DEFAULT_SCENARIO),
            results_root=Path(env.get("CRISIS_SIM_RESULTS", "results")),
            debrief_worlds=int(env.get("CRISIS_SIM_DEBRIEF_WORLDS", str(DEBRIEF_WORLDS))),
            base_url=env.get("CRISIS_SIM_BASE_URL", "http://localhost:8765"),
            game_dir=Path(folder) if folder else None,
        )


def open_room(config: WorkshopConfig) -> Room:
    """Return a room for ``config``: the game folder's (resumed) or a new one."""
    if config.game_dir is not None:
        room = Room.resume(config.scenario_file, config.game_dir, config.debrief_worlds)
        room.prepare_debrief()  # a game that ended before the crash: its debrief again
        return room
    room = Room(config.scenario_file, config.debrief_worlds)  # `solara run`: no journal
    print(f"Facilitator: {room.access.facilitator_link(config.base_url)}", file=sys.stderr)
    return room


_opened: dict[str, Room] = {}
_opening = threading.Lock()


def workshop_config() -> WorkshopConfig:
    """Return this server's settings, read from the environment."""
    return WorkshopConfig.from_environment()


def workshop_room() -> Room:
    """Return the server's one room, opening it when a workshop page first asks for it.

    Every page of a class shares it; two pages opening at the same moment get the same
    room (a lock), so a class never ends up with two games.
    """
    room = _opened.get("room")
    if room is None:
        with _opening:
            room = _opened.get("room")
            if room is None:
                room = _opened["room"] = open_room(workshop_config())
    return room
