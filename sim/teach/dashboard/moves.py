"""A team's move buttons, drawn in the browser: each press says the day the team saw.

A move is for the day on the team's screen, not the day the server is on when the press
arrives. The two differ when the day closes while a page is still showing it (a phone
on a slow network, a press in the second the day closed): had the server filled in its
own day, that press would have become the next day's move, silently. So the buttons are
one Vue template (:class:`MoveButtons`) holding the day they were drawn for; a press
sends that day with the action and the sector, and the room refuses a move for a day
already closed, which the page then says.

The sector is chosen in the browser too: pressing a sector shows at once, with no round
trip to the server, and the buttons wrap on a phone rather than run off its edge.
"""

from __future__ import annotations

from collections.abc import Callable

import ipyvuetify as v
import traitlets

TEMPLATE = """
<template>
  <div class="move-buttons">
    <p class="move-hint">Choose a sector first if your action is aimed at one; then press
    your action.</p>
    <div class="move-row" role="group" aria-label="sector">
      <v-btn v-for="name in sectors" :key="'s-' + name" small class="ma-1 move-sector"
        :color="name === sector ? 'primary' : undefined" :outlined="name !== sector"
        :aria-pressed="name === sector ? 'true' : 'false'"
        @click="sector = name">{{ name }}</v-btn>
    </div>
    <div class="move-row" role="group" aria-label="moves">
      <v-btn v-for="choice in choices" :key="'m-' + choice.name" class="ma-1 move-action"
        :color="choice.needs_sector ? 'primary' : undefined" :outlined="!choice.needs_sector"
        :title="choice.description"
        @click="move({action: choice.name, label: choice.label, needs_sector: choice.needs_sector,
                      sector: choice.needs_sector ? sector : null, day: day})"
        >{{ choice.label }}</v-btn>
    </div>
  </div>
</template>
<style id="move-buttons">
.move-buttons .move-row { display: flex; flex-wrap: wrap; }
.move-buttons .v-btn { text-transform: none; letter-spacing: normal; font-size: 15px;
  max-width: 100%; }
.move-buttons .v-btn__content { white-space: normal; }
.move-buttons .move-hint { margin: 0.4em 0 0.2em; }
</style>
"""


class MoveButtons(v.VuetifyTemplate):
    """The move buttons of one team for the day ``day`` (0 is the first)."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    day = traitlets.Int(0).tag(sync=True)
    choices = traitlets.List([]).tag(sync=True)  # {name, label, needs_sector, description}
    sectors = traitlets.List([]).tag(sync=True)
    sector = traitlets.Unicode(None, allow_none=True).tag(sync=True)
    on_move = traitlets.Callable(None, allow_none=True)  # called with the press, in Python

    def vue_move(self, data: dict) -> None:
        """Pass a press in the browser on: ``{action, label, needs_sector, sector, day}``."""
        if self.on_move is not None and isinstance(data, dict) and isinstance(data.get("day"), int):
            self.on_move(data)  # anything else did not come from these buttons


def Moves(day: int, choices: list, sectors: list[str], on_move: Callable[[dict], None]):
    """Return the move buttons for ``day``: ``on_move`` gets each press with its day.

    ``choices``: the team's :class:`~sim.teach.game.Choice` list, in catalogue order.
    """
    return MoveButtons.element(
        day=day,
        choices=[
            {
                "name": c.name,
                "label": c.label,
                "needs_sector": c.needs_sector,
                "description": c.description,
            }
            for c in choices
        ],
        sectors=sectors,
        on_move=on_move,
    )


DAY_BUTTON = """
<template>
  <v-btn :color="color || undefined" class="ma-1 day-button" @click="press({day: day})"
    >{{ label }}</v-btn>
</template>
"""


class DayButtonWidget(v.VuetifyTemplate):
    """A button for one day (the facilitator's "Close the day now"): a press says its day."""

    template = traitlets.Unicode(DAY_BUTTON).tag(sync=True)
    day = traitlets.Int(0).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    color = traitlets.Unicode("").tag(sync=True)
    on_press = traitlets.Callable(None, allow_none=True)

    def vue_press(self, data: dict) -> None:
        """Pass a press in the browser on, with the day the button was drawn for."""
        day = data.get("day") if isinstance(data, dict) else None
        if self.on_press is not None and isinstance(day, int):
            self.on_press(day)


def DayButton(label: str, day: int, on_press: Callable[[int], None], color: str = ""):
    """Return a button drawn for ``day``: ``on_press(day)`` gets the day on the screen."""
    return DayButtonWidget.element(label=label, day=day, on_press=on_press, color=color)
