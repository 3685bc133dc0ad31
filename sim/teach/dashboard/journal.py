"""A workshop game's journal: every change, on disk as it happens, to survive a crash.

A class's game lives in the server's memory; a laptop that sleeps or a server that dies
would lose it. So the room writes each change (a game started, a team's page claimed, a
move sent, a message, a proposal and its answer, a day closed) as one line of JSON to
``journal.jsonl`` in the game's folder, flushed and synced before the change is shown.
``crisis-sim dashboard --resume GAME_DIR`` replays the lines: the world is deterministic
given its seed and the moves (:class:`sim.teach.game.Game`), so replaying the moves and
closed days rebuilds it exactly, with the claims and messages beside it. A ``kill -9``
loses at most a line being written, and a torn last line is ignored.

The first line names the scenario and its hash: a folder written for another version of
the scenario is refused rather than replayed into a different world.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from sim.errors import UserError

JOURNAL = "journal.jsonl"
FORMAT = 1


class GameJournal:
    """The append-only journal of one game folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / JOURNAL
        self._file = None

    @classmethod
    def create(cls, folder: Path, scenario_file: str, scenario_hash: str) -> GameJournal:
        """Start a journal in a new folder ``folder``, headed by the scenario it plays."""
        try:
            folder.mkdir(parents=True, exist_ok=False)
        except FileExistsError:
            raise UserError(
                f"{folder}/ already exists: a game folder is never overwritten. Resume it "
                f"with --resume {folder}, or choose another folder."
            ) from None
        except OSError as error:
            raise UserError(
                f"Cannot create the game folder {folder}/ ({error.strerror or error}). "
                "Choose a folder you can write to."
            ) from None
        journal = cls(folder)
        journal.append(
            {
                "kind": "scenario",
                "format": FORMAT,
                "file": scenario_file,
                "hash": scenario_hash,
                "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
        )
        return journal

    @staticmethod
    def scenario_of(folder: Path) -> str:
        """Return the scenario file a game folder's journal was started with, as given."""
        path = folder / JOURNAL
        try:
            with path.open(encoding="utf-8") as file:
                head = json.loads(file.readline())
        except FileNotFoundError:
            raise UserError(
                f"{folder}/ holds no game journal ({JOURNAL}): it is not a game folder. "
                "A game's folder is printed when the dashboard starts (results/games/...)."
            ) from None
        except (OSError, json.JSONDecodeError, UnicodeDecodeError):
            head = {}
        if not isinstance(head, dict) or head.get("kind") != "scenario":
            raise UserError(
                f"{path} does not start with a scenario line: it was not written by "
                "crisis-sim dashboard."
            )
        return str(head["file"])

    @classmethod
    def reopen(
        cls, folder: Path, scenario_file: str, scenario_hash: str, repair: bool = True
    ) -> tuple[GameJournal, list]:
        """Return the journal of ``folder`` and its records after the heading.

        Raises a UserError naming the fix if the folder holds no journal, or one written
        for another version of the scenario. ``repair``: cut a torn last line off the
        file, so that new lines start whole (False: read it as it is, change nothing).
        """
        journal = cls(folder)
        if not journal.path.is_file():
            raise UserError(
                f"{folder}/ holds no game journal ({JOURNAL}): it is not a game folder. "
                "A game's folder is printed when the dashboard starts (results/games/...)."
            )
        if repair:
            journal._drop_torn_tail()  # new lines must not continue a torn one
        records = journal.records()
        head = records[0] if records else {}
        if head.get("kind") != "scenario" or head.get("format") != FORMAT:
            raise UserError(
                f"{journal.path} does not start with a scenario line of format {FORMAT}: it "
                "was not written by this version of crisis-sim. Start a new game."
            )
        if head["hash"] != scenario_hash:
            raise UserError(
                f"{journal.path} was written for another version of the scenario: its game "
                f"began with {head['file']} as it was then (hash {head['hash'][:12]}), and "
                f"{scenario_file} is now {scenario_hash[:12]}. Resume with the scenario as "
                "it was (e.g. from version control), or start a new game."
            )
        return journal, records[1:]

    def records(self) -> list[dict[str, Any]]:
        """Return every whole record; a torn last line (a crash mid-write) is left out."""
        *lines, torn = self.path.read_text(encoding="utf-8").split("\n")
        del torn  # each record is written with its newline: text after the last is torn
        records = []
        for number, line in enumerate(lines, 1):
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                raise UserError(
                    f"{self.path}, line {number}, is not valid JSON: the journal was edited "
                    "or damaged. Restore it, or start a new game."
                ) from None
        return records

    def _drop_torn_tail(self) -> None:
        data = self.path.read_bytes()
        whole = data.rfind(b"\n") + 1
        if whole < len(data):
            with self.path.open("r+b") as file:
                file.truncate(whole)

    def append(self, record: dict[str, Any]) -> None:
        """Write ``record`` as one line, flushed and synced to disk before returning."""
        if self._file is None:
            self._file = self.path.open("a", encoding="utf-8")
        self._file.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
