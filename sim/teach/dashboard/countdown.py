"""The day's countdown, ticking in the browser: the server sends the seconds left, once.

Redrawing a page each second to move a countdown costs the server a render of every
page of the class every second, which is what made the pages slow to show a move or a
message. So the countdown is a Vue template: the server sends the seconds left when the
page is drawn (again whenever it redraws, which keeps it in step), and the browser
counts down from there on its own clock. No clock is compared between the two: only the
seconds since the page received the number.
"""

from __future__ import annotations

import ipyvuetify as v
import traitlets

TEMPLATE = """
<template>
  <p class="countdown" role="timer" aria-live="off">
    <span v-if="left === null" class="quiet">No timer is running.</span>
    <span v-else-if="remaining > 0">The day closes in <strong>{{ shown }}</strong>.</span>
    <span v-else>Time is up: the day is closing.</span>
  </p>
</template>
<script>
module.exports = {
  data() { return { remaining: 0, since: 0, ticker: null }; },
  computed: {
    shown() {
      const whole = Math.ceil(this.remaining);
      return Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0");
    },
  },
  watch: { left() { this.restart(); } },
  mounted() {
    this.restart();
    this.ticker = setInterval(() => this.tick(), 250);
  },
  destroyed() { clearInterval(this.ticker); },
  methods: {
    restart() { this.since = performance.now(); this.tick(); },
    tick() {
      if (this.left === null) { return; }
      this.remaining = Math.max(0, this.left - (performance.now() - this.since) / 1000);
    },
  },
};
</script>
"""


class CountdownWidget(v.VuetifyTemplate):
    """The countdown of ``left`` seconds from when the browser received it (None: none)."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    left = traitlets.Float(None, allow_none=True).tag(sync=True)


def Countdown(left: float | None):
    """Return the day's countdown: ``left`` seconds until the day closes (None: no timer)."""
    return CountdownWidget.element(left=None if left is None else round(left, 1))
