"""bench/latest.json: each benchmark records its figures under its own key."""

from __future__ import annotations

import json
from pathlib import Path

PATH = Path(__file__).resolve().parent / "latest.json"


def record(section: str, figures: dict) -> None:
    """Store ``figures`` under ``section`` in bench/latest.json, keeping other sections."""
    latest = json.loads(PATH.read_text()) if PATH.exists() else {}
    latest[section] = figures
    PATH.write_text(json.dumps(latest, indent=2) + "\n")
