"""What a government sees, in a player's words: its view's labelled fields, read aloud.

Each field of a view declares its label (:func:`sim.core.perception.seen`), speaking of
roles; here the values become words (forces by name, codes by state, ticks as hours,
one value per sector) and the labels take the cast's names.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from sim.catalogue.roles import names_missing
from sim.core.perception import View
from sim.core.world import FORCE_RANK, AllianceState, Talks
from sim.readers.phrases import stamp, with_cast_names
from sim.spec.schema import Scenario

#: How a sector's force reads, by FORCE_RANK.
FORCES = {rank: kind.value.replace("_", " ") for kind, rank in FORCE_RANK.items()}
#: Fields that hold a code, and the words of each code.
CODES = {
    "talks": {t.value: t.name.lower() for t in Talks},
    "alliance_state": {s.value: s.name.lower().replace("_", " ") for s in AllianceState},
    "state": {s.value: s.name.lower().replace("_", " ") for s in AllianceState},
}
#: Fields that count ticks, shown as hours.
HOURS = {"ticks_since_contact", "ticks_since_appeal", "ticks_in_state"}
#: Fields that hold a force by FORCE_RANK.
FORCE_FIELDS = {"defender_force", "own_force"}


def view_lines(view: View, scenario: Scenario, world: int = 0) -> list[tuple[str, str]]:
    """Return ``(label, value)`` for each labelled field of ``view``, in ``world``.

    A field that speaks of a role the crisis lacks (an appeal to the alliance where
    there is none) is left out: it would always read "no".
    """
    return [
        (
            with_cast_names(f.metadata["label"], scenario),
            value_words(f.name, np.asarray(getattr(view, f.name))[world], scenario),
        )
        for f in dataclasses.fields(view)
        if "label" in f.metadata and not names_missing(scenario.cast, f.metadata["label"])
    ]


def value_words(name: str, value: Any, scenario: Scenario) -> str:
    """Return one field's value in words (one value per sector: each sector's)."""
    if name == "members_consenting":
        members = list(scenario.alliance_members)
        agreed = [m for m, yes in zip(members, value, strict=True) if yes]
        return f"{len(agreed)} of {len(members)}" + (f" ({', '.join(agreed)})" if agreed else "")
    if np.ndim(value) == 1:  # one value per sector
        return "; ".join(
            f"{sector.name} {value_words(name, v, scenario)}"
            for sector, v in zip(scenario.sectors.values(), value, strict=True)
        )
    if name in FORCE_FIELDS:
        return FORCES[int(value)]
    if name in CODES:
        return CODES[name][int(value)].replace("_", " ")
    if name in HOURS:
        return "-" if value < 0 else f"{int(value) * scenario.tick_hours}"
    if isinstance(value, np.bool_ | bool):
        return "yes" if value else "no"
    return f"{float(value):.2f}"


def event_line(event, ticks_per_day: int, reason: bool = True) -> str:
    """Return an event as the class reads it: ``Day 2, 13 May, 06:00 — …``.

    Days are counted from 1, as the pages count the game's days, and the scenario's own
    scheduling ("scheduled for day 1.25", counted from 0 in fractions) is left out: a
    prepared event is news, not a timetable. ``reason``: keep an actor's reason (its
    own team, the facilitator); others learn what was done, not why.
    """
    why = f" ({event.reason})" if reason and event.reason and event.kind != "inject" else ""
    return f"Day {event.tick // ticks_per_day + 1}, {stamp(event.date)} — {event.text}{why}"
