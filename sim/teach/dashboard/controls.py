"""The home page's controls: play one world, and its settings in named groups.

Mesa's SolaraViz shows every setting in one long list, under render controls of its
own ("Render Interval (steps)", "Use Threads") that a class has no use for, and its
Mesa 3.5 takes no option to leave them out. The home page keeps Mesa's parts,
``ModelController`` (Reset, ▶ and Step, which builds the new world from the settings)
and its ``model_params`` form (:func:`~.model.model_params`), and lays out the rest:

- "Play this world": Reset, ▶, Step, and the tick the world is on;
- the settings a class changes, as sliders and menus, open;
- the others folded under named groups (:func:`~.model.control_groups`): dynamics,
  perception, thresholds, each government's policy, and how fast ▶ plays.

Each control carries its meaning in a line beneath it, from the schema's field
descriptions, and its value now. The settings live in one reactive dictionary that
starts at every control's value, folded or not, so untouched controls give world N
of the scenario's ensemble.
"""

from __future__ import annotations

from typing import Any

import solara
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import update_counter

from sim.teach.dashboard.model import Group

#: Milliseconds between steps while ▶ plays (the home page's "Playback" group).
PLAY_MS = 400
CSS = """
.home-controls .control-help { font-size: 13px; line-height: 1.35; color: #4b5563;
    margin: -14px 0 10px; }
.home-controls .group-name { font-size: 16px; font-weight: 500; margin: 8px 0 4px; }
.home-controls .v-expansion-panel-header { font-size: 15px; font-weight: 500; }
.home-controls .v-expansion-panel-content__wrap { padding: 0 12px 8px; }
"""


def defaults(params: dict[str, Any]) -> dict[str, Any]:
    """Return the settings before anyone touches a control: each control's value."""
    return {k: v["value"] if isinstance(v, dict) and "type" in v else v for k, v in params.items()}


@solara.component
def Controls(model: solara.Reactive, params: dict[str, Any], groups: list[Group], title: str):
    """Show the sidebar's controls of ``model``: play it, and its settings in ``groups``."""
    play = solara.use_reactive(PLAY_MS)
    render = solara.use_reactive(1)  # every step drawn
    threads = solara.use_reactive(False)
    chosen = solara.use_reactive(defaults(params))

    def change(key: str, value: Any) -> None:
        chosen.set({**chosen.value, key: value})

    with solara.AppBar():
        solara.AppBarTitle(title)
    solara.Style(CSS)
    with solara.Sidebar(), solara.Column(classes=["home-controls"]):
        with solara.Card("Play this world"):
            ModelController(
                model,
                model_parameters=chosen,
                play_interval=play,
                render_interval=render,
                use_threads=threads,
            )
            Tick(model.value)
        with solara.Card("Settings"):
            solara.Text("Reset starts a new world with them.")
            for group in groups:
                if not group.folded:
                    solara.HTML(tag="div", unsafe_innerHTML=group.name, classes=["group-name"])
                    Inputs(group.keys, params, chosen.value, change)
                    continue
                with solara.Details(summary=f"{group.name} ({len(group.keys)})"):
                    Inputs(group.keys, params, chosen.value, change)
            with solara.Details(summary="Playback: how fast ▶ plays"):
                solara.SliderInt("Pause between steps, ms", value=play, min=50, max=2000, step=50)


@solara.component
def Tick(model):
    """Show the tick and the day the world is on."""
    update_counter.get()
    solara.Text(f"Tick {model.tick}")


def Inputs(keys: tuple[str, ...], params: dict[str, Any], values: dict, on_change) -> None:
    """Show a control for each of ``keys``, at its value now, with its meaning beneath."""
    for key in keys:
        Control(key, params[key], values.get(key, params[key]["value"]), on_change)


def Control(key: str, spec: dict[str, Any], value: Any, on_change) -> None:
    """Show one control of Mesa's ``model_params`` form, and the line that explains it."""
    label = spec.get("label", key)

    def changed(new: Any) -> None:
        on_change(key, new)

    kind = spec["type"]
    if kind in ("SliderInt", "SliderFloat"):
        slider = solara.SliderInt if kind == "SliderInt" else solara.SliderFloat
        slider(
            label,
            value=value,
            on_value=changed,
            min=spec["min"],
            max=spec["max"],
            step=spec["step"],
        )
        shown = f"{value:g}" if isinstance(value, float) else str(value)
    elif kind == "Select":
        solara.Select(label, value=value, values=spec["values"], on_value=changed)
        shown = ""
    elif kind == "Checkbox":
        solara.Checkbox(label=label, value=value, on_value=changed)
        shown = "yes" if value else "no"
    else:
        raise ValueError(f"{key}: {kind} is not a control the home page shows")
    words = " — ".join(part for part in (shown and f"now {shown}", spec.get("help", "")) if part)
    if words:
        solara.Text(words, classes=["control-help"])
