"""How wide the browser's window is: a phone gets pictures drawn for a phone.

The server draws the map as an image; scaled down to a phone's 390 px, the projector's
map would have 5 px labels. So a page asks its browser how wide it is, once when it
opens and again when it is turned or resized (a Vue template that reports
``window.innerWidth``), and the map is drawn narrow below :data:`NARROW_BELOW` px.
"""

from __future__ import annotations

import ipyvuetify as v
import solara
import traitlets

#: Windows narrower than this (CSS px) are phones: they get the narrow map.
NARROW_BELOW = 700

TEMPLATE = """
<template><span class="screen-width" style="display: none"></span></template>
<script>
module.exports = {
  mounted() {
    this.report();
    this.listener = () => this.report();
    window.addEventListener("resize", this.listener);
  },
  destroyed() { window.removeEventListener("resize", this.listener); },
  methods: {
    report() {
      const narrow = window.innerWidth < this.below;
      if (narrow !== this.last) { this.last = narrow; this.narrow(narrow); }
    },
  },
};
</script>
"""


class ScreenWidth(v.VuetifyTemplate):
    """Report whether the window is narrower than ``below`` px, and again when that changes."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    below = traitlets.Int(NARROW_BELOW).tag(sync=True)
    on_narrow = traitlets.Callable(None, allow_none=True)

    def vue_narrow(self, data) -> None:
        """Pass the browser's answer on: whether its window is narrow."""
        if self.on_narrow is not None:
            self.on_narrow(bool(data))


def use_narrow() -> bool:
    """Return whether this page's window is a phone's (False until the browser says)."""
    narrow, set_narrow = solara.use_state(False)
    ScreenWidth.element(on_narrow=set_narrow)
    return narrow
