"""A team's move buttons, drawn in the browser: each press says the day the team saw.

A move is for the day on the team's screen, not the day the server is on when the press
arrives. The two differ when the day closes while a page is still showing it (a phone
on a slow network, a press in the second the day closed): had the server filled in its
own day, that press would have become the next day's move, silently. So the buttons are
one Vue template (:class:`MoveButtons`) holding the day they were drawn for, which
they show ("Moves for day 2"); a press sends that day with the action and the sector,
and the room refuses a move for a day already closed, which the page then says.

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
    <p class="move-hint"><strong>Moves for day {{ day + 1 }}.</strong> Choose a sector
    first if your action is aimed at one; then press your action.</p>
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


PROPOSALS = """
<template>
  <div class="open-proposals">
    <div v-for="p in proposals" :key="'p-' + p.number" class="open-proposal">
      <p><strong>To answer today:</strong> {{ p.text }}</p>
      <div class="move-row">
        <v-btn color="success" class="ma-1" @click="answer({number: p.number, accept: true})"
          >Accept {{ p.called }}</v-btn>
        <v-btn outlined class="ma-1" @click="answer({number: p.number, accept: false})"
          >Reject {{ p.called }}</v-btn>
      </div>
    </div>
  </div>
</template>
<style id="open-proposals">
.open-proposals .open-proposal { border-left: 4px solid #2e7d32; padding: 4px 0 4px 12px;
  margin: 0 0 12px; }
.open-proposals .open-proposal p { margin: 0 0 4px; overflow-wrap: anywhere; }
.open-proposals .move-row { display: flex; flex-wrap: wrap; }
.open-proposals .v-btn { text-transform: none; letter-spacing: normal; font-size: 15px; }
</style>
"""


class ProposalsWidget(v.VuetifyTemplate):
    """A team's open proposals, each with its terms and its Accept and Reject buttons.

    One template rather than a card of widgets per proposal: a new proposal is data for
    the browser, not new widgets to create, so it shows on the other team's page sooner.
    """

    template = traitlets.Unicode(PROPOSALS).tag(sync=True)
    proposals = traitlets.List([]).tag(sync=True)  # {number, called, text}
    on_answer = traitlets.Callable(None, allow_none=True)

    def vue_answer(self, data: dict) -> None:
        """Pass an answer pressed in the browser on: ``(number, accept)``."""
        number = data.get("number") if isinstance(data, dict) else None
        if self.on_answer is not None and isinstance(number, int):
            self.on_answer(number, bool(data.get("accept")))


def OpenProposals(proposals: list[dict], on_answer: Callable[[int, bool], None]):
    """Return the open proposals (``{number, called, text}``) with their buttons."""
    return ProposalsWidget.element(proposals=proposals, on_answer=on_answer)


NAMED_BUTTONS = """
<template>
  <div class="move-row" style="display: flex; flex-wrap: wrap">
    <v-btn v-for="item in items" :key="item.value" outlined class="ma-1"
      style="text-transform: none; letter-spacing: normal"
      @click="press({value: item.value})">{{ item.label }}</v-btn>
  </div>
</template>
"""


class NamedButtonsWidget(v.VuetifyTemplate):
    """A row of buttons, one per item: a press says which item it was drawn for."""

    template = traitlets.Unicode(NAMED_BUTTONS).tag(sync=True)
    items = traitlets.List([]).tag(sync=True)  # {value, label}
    on_press = traitlets.Callable(None, allow_none=True)

    def vue_press(self, data: dict) -> None:
        """Pass a press in the browser on, with the item its button showed."""
        value = data.get("value") if isinstance(data, dict) else None
        if self.on_press is not None and any(i["value"] == value for i in self.items):
            self.on_press(value)


def NamedButtons(items: list[tuple[str, str]], on_press: Callable[[str], None]):
    """Return a row of buttons ``(value, label)``: ``on_press(value)`` of the one pressed.

    Buttons made by a loop share their places: when one goes (a team freed), the next
    takes its widget, and a press that lands meanwhile would reach the wrong one. Here
    each press carries its own item, as the browser showed it.
    """
    return NamedButtonsWidget.element(
        items=[{"value": value, "label": label} for value, label in items], on_press=on_press
    )
