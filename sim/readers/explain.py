"""Narrated worlds: replay one world of a run and tell, day by day, what happened and why.

For the analyst's question "what actually happens in a typical world where it goes to
war?": :func:`typical_world` picks a representative world of an outcome class,
:func:`replay_world` replays it alone from the run's manifest (every draw is keyed by
the world's index, so world N alone is world N of the ensemble) and checks the replay
against the run's record of it, and :func:`narrate` writes its story::

    run = open_run("results/baseline-may-2021-...")
    story = replay_world(run, typical_world(run, "clash_contained"))
    print(narrate(story))

Unlike the rest of :mod:`sim.analysis`, this module runs the model: a narrated world is
replayed, not read, because results folders keep full histories of a sample of worlds
only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from sim.catalogue.measures import typical, world_measure
from sim.catalogue.outcomes import ABSORBING, CATALOGUE, OUTCOME_NAMES, Outcome, classes_for
from sim.catalogue.roles import Role
from sim.core.actions import Rung
from sim.errors import UserError
from sim.folders.runfolder import RunFolder, RunFolderError, open_run
from sim.readers.narration import Event, tick_events
from sim.readers.phrases import outcome_reason, stamp, with_cast_names
from sim.spec.schema import Scenario

#: The columns of worlds.parquet a typical world is chosen on: the catalogue's measures that
#: place a world among others (as the game's debrief does), and the day the world ended.
KEY_MEASURES = (*(measure.column for measure in typical()), "end_day")


@dataclass
class WorldStory:
    """One world of a run, replayed.

    Attributes:
        run: the results folder the world belongs to.
        world: the world's index in the run.
        seed: the run's seed.
        scenario: the run's scenario, rebuilt from its manifest.
        ticks: one row per tick, with the columns of trajectories.parquet (``day`` counts
            to the end of the tick) plus ``date``: total depth, rung, alarm, rumour, cost
            of defiance, clash intensity, talks, CSTO state, and each actor's action and
            target sector.
        events: what happened, in order (see :class:`sim.readers.narration.Event`).
        outcome: the replayed outcome row, equal to the run's row for this world.
        typical_of: the outcome class this world was chosen to represent, if it was.
    """

    run: RunFolder
    world: int
    seed: int
    scenario: Scenario
    ticks: pd.DataFrame
    events: list[Event]
    outcome: pd.Series
    typical_of: str | None = None


def _folder(run: RunFolder | str | Path) -> RunFolder:
    return run if isinstance(run, RunFolder) else open_run(run)


def _installed_version() -> str:
    try:
        return metadata.version("crisis-sim")
    except metadata.PackageNotFoundError:
        from sim import __version__

        return __version__


def _version_note(folder: RunFolder) -> str:
    """Say which versions made the run and which are installed now."""
    from sim.folders.results import versions

    made = folder.manifest.get("versions") or {}
    now = versions()
    now["crisis-sim"] = _installed_version()
    made_by = made.get("crisis-sim", "an unknown version")
    text = (
        f"The run was made by a different version of the model: crisis-sim {made_by} "
        f"(its manifest), and crisis-sim {now['crisis-sim']} is installed."
    )
    others = [
        f"{name} {made[name]} then, {now[name]} now"
        for name in sorted(made)
        if name != "crisis-sim" and name in now and str(made[name]) != now[name]
    ]
    if others:
        text += " Libraries that differ: " + "; ".join(others) + "."
    elif made_by == now["crisis-sim"]:
        text += (
            " The version numbers agree, so the model's code changed without a new version "
            "number, or the folder was edited since."
        )
    return text


def _rerun_hint(folder: RunFolder) -> str:
    manifest = folder.manifest
    source = manifest.get("scenario_file") or "SCENARIO.yaml"
    return (
        f"Rerun the scenario with the installed version (crisis-sim run {source} "
        f"--worlds {manifest.get('worlds', 'N')} --seed {manifest.get('seed', 'S')}) and "
        "explain a world of the new run."
    )


def run_scenario(run: RunFolder | str | Path) -> Scenario:
    """Rebuild a run's scenario from its manifest (as resolved when the run was made)."""
    from sim.spec.validation import validate_data

    folder = _folder(run)
    data = folder.manifest.get("scenario")
    if not isinstance(data, dict):
        raise RunFolderError(
            f"{folder.path}/manifest.json holds no scenario, so its worlds cannot be "
            "replayed. The folder is damaged or was not written by `crisis-sim run`; rerun "
            "the scenario."
        )
    try:
        return validate_data(data, Path(f"{folder.path}/manifest.json (scenario)"))
    except UserError as error:
        raise UserError(
            f"The scenario recorded in {folder.path}/manifest.json is not valid for the "
            f"installed model:\n{error}\n{_version_note(folder)} {_rerun_hint(folder)}"
        ) from None


def _world_count(folder: RunFolder) -> int:
    worlds = folder.manifest.get("worlds")
    if not isinstance(worlds, int) or isinstance(worlds, bool) or worlds < 1:
        raise RunFolderError(
            f"{folder.path}/manifest.json does not say how many worlds the run holds. "
            "The folder is damaged; rerun the scenario."
        )
    return worlds


def check_world(run: RunFolder | str | Path, world: int) -> int:
    """Return ``world`` if the run holds it, else raise a UserError giving the valid range."""
    folder = _folder(run)
    worlds = _world_count(folder)
    if not 0 <= world < worlds:
        raise UserError(
            f"World {world} is not in {folder.path}: the run has {worlds:,} worlds, numbered "
            f"0 to {worlds - 1}. Pass --world with a number in that range."
        )
    return world


def _same(recorded: object, replayed: object) -> bool:
    if isinstance(recorded, float | np.floating) and isinstance(replayed, float | np.floating):
        return (math.isnan(recorded) and math.isnan(replayed)) or recorded == replayed
    return recorded == replayed


def _check_replay(folder: RunFolder, world: int, replayed: pd.Series) -> None:
    """Raise a UserError unless the replayed row equals the run's row for ``world``."""
    table = folder.worlds
    rows = table[table["world"] == world] if "world" in table.columns else table.iloc[0:0]
    if len(rows) != 1:
        raise RunFolderError(
            f"{folder.path}/worlds.parquet has {len(rows)} rows for world {world}, not one. "
            "The folder is damaged; rerun the scenario."
        )
    recorded = rows.iloc[0]
    differ = [
        f"{column}: recorded {recorded[column]!r}, replayed {replayed.get(column, 'nothing')!r}"
        for column in recorded.index
        if column not in replayed or not _same(recorded[column], replayed[column])
    ]
    if differ:
        raise UserError(
            f"World {world} of {folder.path} does not replay as the run recorded it "
            f"({'; '.join(differ[:4])}{'; ...' if len(differ) > 4 else ''}). "
            f"{_version_note(folder)} Narrating the replay would tell the story of a different "
            f"world, so it is not shown. {_rerun_hint(folder)}"
        )


def replay_world(run: RunFolder | str | Path, world: int) -> WorldStory:
    """Replay world ``world`` of a run alone and collect its events and per-tick state.

    The scenario is rebuilt from the manifest and the world replayed with the run's
    seed; its outcome and every measure must equal the run's row in worlds.parquet, or a
    UserError says the run was made by a different version of the model.
    """
    from sim.core.model import CrisisModel

    folder = _folder(run)
    check_world(folder, world)
    scenario = run_scenario(folder)
    seed = folder.manifest.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise RunFolderError(
            f"{folder.path}/manifest.json does not give the run's seed. The folder is "
            "damaged; rerun the scenario."
        )
    # sample_stride=1 keeps this world's full history (it changes no draw).
    model = CrisisModel(scenario, worlds=1, first_world=world, seed=seed, sample_stride=1)
    events = tick_events(model)
    while model.running:
        model.step()
        events += tick_events(model)
    replayed = model.outcomes().iloc[0]
    _check_replay(folder, world, replayed)
    ticks = model.recorder.trajectories(list(scenario.sectors), scenario.tick_hours)
    start = pd.Timestamp(scenario.start_date)
    ticks.insert(3, "date", start + pd.to_timedelta(ticks["day"], unit="D"))
    return WorldStory(folder, world, seed, scenario, ticks, events, replayed)


def _outcome_name(folder: RunFolder, outcome_class: str) -> str:
    """Return the class name ``outcome_class`` means, or raise a UserError listing them."""
    name = outcome_class.strip().lower().replace(" ", "_").replace("-", "_")
    if name in OUTCOME_NAMES:
        return name
    close = difflib.get_close_matches(name, OUTCOME_NAMES, n=1)
    hint = f" Did you mean {close[0]}?" if close else ""
    raise UserError(
        f"{outcome_class!r} is not an outcome class.{hint} The classes are: "
        f"{', '.join(OUTCOME_NAMES)}."
    )


def typical_world(run: RunFolder | str | Path, outcome_class: str) -> int:
    """Return a representative world of ``outcome_class`` in a run.

    The rule: among the run's worlds of that class, each of :data:`KEY_MEASURES`
    (``max_depth_km``, ``max_rung``, ``peak_alarm``, ``cooperation_score``, ``end_day``) is
    standardised by its median and standard deviation within the class, z = (x - median)
    / sd (a measure that does not vary within the class is left out); the typical world is the one
    closest to the class's medians, by the sum of squared z, and of worlds equally
    close, the one with the lowest index. It is a world that happened, not an average
    of worlds, and the same run always gives the same world.

    ``outcome_class`` is a class name (``war``, ``clash_contained``...; spaces or hyphens
    for underscores are accepted). A UserError names the classes if it is not one, and
    the classes the run has, with counts, if the run has no world of it.
    """
    folder = _folder(run)
    name = _outcome_name(folder, outcome_class)
    table = folder.worlds
    members = table[table["outcome"] == name]
    if members.empty:
        counts = table["outcome"].value_counts()
        found = ", ".join(f"{cls} ({counts[cls]:,})" for cls in OUTCOME_NAMES if cls in counts)
        raise UserError(
            f"No world of {folder.path} ends in {name}. Its {len(table):,} worlds end in: "
            f"{found or 'nothing'}. Pass --typical with one of those classes."
        )
    values = members[list(KEY_MEASURES)].astype(float)
    spread = values.std(ddof=0)
    varying = [m for m in KEY_MEASURES if spread[m] > 0 and np.isfinite(spread[m])]
    z = (values[varying] - values[varying].median()) / spread[varying]
    distance = (z**2).sum(axis=1).to_numpy()
    order = np.lexsort((members["world"].to_numpy(), distance))
    return int(members["world"].iloc[order[0]])


def typical_story(run: RunFolder | str | Path, outcome_class: str) -> WorldStory:
    """Replay the typical world of ``outcome_class`` (see :func:`typical_world`)."""
    folder = _folder(run)
    world = typical_world(folder, outcome_class)
    story = replay_world(folder, world)
    return dataclasses.replace(story, typical_of=_outcome_name(folder, outcome_class))


# -- the text ------------------------------------------------------------------------------
def _state_line(rows: pd.DataFrame, scenario: Scenario) -> str:
    last = rows.iloc[-1]
    rung = int(rows["rung"].max())
    parts = [
        f"highest rung {rung} ({Rung(rung).label})",
        f"depth {last['depth_km']:.2f} km",
        f"alarm {last['alarm']:.2f}",
    ]
    if last["talks"] != "none":
        parts.append(f"talks: {last['talks']}")
    if last["alliance_state"] != "no_appeal":
        alliance = scenario.cast.casting(Role.ALLIANCE).label
        parts.append(f"{alliance}: {last['alliance_state'].replace('_', ' ')}")
    return f"State by {last['date']:%H:%M}: " + " · ".join(parts)


def _day_heading(start: dt.date, day: int) -> str:
    date = start + dt.timedelta(days=day)
    return f"Day {day} — {date:%A} {date.day} {date:%B %Y}"


def _quiet_heading(start: dt.date, first: int, last: int) -> str:
    if first == last:
        return _day_heading(start, first) + ": nothing new"
    a, b = start + dt.timedelta(days=first), start + dt.timedelta(days=last)
    return f"Days {first}–{last} — {a.day} {a:%B} to {b.day} {b:%B}: nothing new"


def _measures_line(row: pd.Series, scenario: Scenario) -> str:
    def day(value: float) -> str:
        return "none" if pd.isna(value) else f"day {value:g}"

    def value(column: str) -> str:  # to the catalogue's decimals, as compare and report show it
        return world_measure(column).text(row[column])

    rung = int(row["max_rung"])
    line = (
        f"deepest advance {value('max_depth_km')} km, held at the end "
        f"{value('final_depth_km')} km; highest rung {rung} ({Rung(rung).label}); "
        f"cooperation score {value('cooperation_score')}; killed "
        f"{int(row['killed_defender'])} on {{defender}}'s side and "
        f"{int(row['killed_attacker'])} on {{attacker}}'s, wounded "
        f"{int(row['wounded_defender'])} and {int(row['wounded_attacker'])}; first shot "
        f"{day(row['first_shot_day'])}; talks {day(row['talks_day'])}; "
        f"official statement {day(row['statement_day'])}; "
        + (
            f"appeal to the {{alliance}} {day(row['appeal_day'])}; the {{alliance}}'s last "
            f"state {str(row['alliance_final_state']).replace('_', ' ')}; "
            if scenario.cast.has(Role.ALLIANCE)
            else ""
        )
        + (
            f"{{patron}} urged restraint: {'yes' if row['patron_urged_restraint'] else 'no'}; "
            if scenario.cast.has(Role.PATRON)
            else ""
        )
        + f"peak alarm {value('peak_alarm')}, final alarm {value('final_alarm')}."
    )
    return with_cast_names(line, scenario)


def _classes_in_order(scenario: Scenario) -> str:
    """Say how the classes are checked, naming only those the cast can reach."""
    absorbing = [
        c.outcome.label for c in CATALOGUE if c.absorbing and c.name in classes_for(scenario.cast)
    ]
    first = (
        f"in order: {' and '.join(absorbing)} after every tick (a world that reaches "
        f"{'one' if len(absorbing) > 1 else 'it'} stops changing); at the horizon, "
        if absorbing
        else "at the horizon, in order: "
    )
    return (
        f"The classes are checked {first}a war if the fighting ever crossed the "
        "war line (1,000 battle deaths, or sustained combat), a contained clash if any "
        "shot was fired, then a frozen gain, a negotiated withdrawal, or no incursion "
        "(docs/model.md, section 7.11)."
    )


def narrate(story: WorldStory) -> str:
    """Return the world's story as Markdown text: a header, one block per day, the outcome.

    Each day lists its events (times are the ends of ticks, as in the results tables)
    and a one-line state summary (the day's highest rung, and depth, alarm, talks and
    the CSTO's state at its last tick). Runs of days without events are one line. The
    story ends with the outcome, why the world was classified so, and its measures.
    """
    scenario, row = story.scenario, story.outcome
    outcome = Outcome[str(row["outcome"]).upper()]
    start = scenario.start_date
    lines = [f"# {scenario.title} — world {story.world}", ""]
    chosen = (
        f": the typical {story.typical_of.replace('_', ' ')} world of this run, the one "
        "closest to its class's medians of depth, rung, alarm, end day and cooperation score"
        if story.typical_of
        else ""
    )
    manifest = story.run.manifest
    lines += [
        f"Outcome: **{outcome.label}**. World {story.world} of {manifest.get('worlds', 0):,} "
        f"in {story.run.path}{chosen}. Seed {story.seed}; replayed alone, it matches the "
        "run's record of this world.",
        "",
        f"Times are the ends of {scenario.tick_hours}-hour ticks, as in the results tables; "
        f"day 0 is {start.day} {start:%B %Y}.",
    ]
    ticks = story.ticks
    if outcome in ABSORBING:  # the world stopped changing: tell up to the tick it ended
        ticks = ticks[ticks["day"] <= float(row["end_day"]) + 1e-9]
    tick_day = np.floor(ticks["day"].to_numpy() + 1e-9).astype(int)
    by_day: dict[int, list[Event]] = {}
    for event in story.events:
        by_day.setdefault(math.floor(event.day + 1e-9), []).append(event)
    last_day = int(tick_day.max())
    quiet: list[int] = []

    def flush_quiet() -> None:
        if quiet:
            rows = ticks[tick_day == quiet[-1]]
            lines.extend(["", f"## {_quiet_heading(start, quiet[0], quiet[-1])}", ""])
            lines.append(_state_line(rows, scenario))
            quiet.clear()

    for day in range(last_day + 1):
        rows = ticks[tick_day == day]
        if rows.empty:
            continue
        if day not in by_day:
            quiet.append(day)
            continue
        flush_quiet()
        lines.extend(["", f"## {_day_heading(start, day)}", ""])
        for event in by_day[day]:
            because = f" ({event.reason})" if event.reason else ""
            lines.append(f"- {event.date:%H:%M} — {event.text}{because}")
        lines.extend(["", _state_line(rows, scenario)])
    flush_quiet()

    end = dt.datetime.combine(start, dt.time()) + dt.timedelta(days=float(row["end_day"]))
    lines.extend(["", f"## Outcome: {outcome.label}", ""])
    if outcome in ABSORBING:
        lines.append(
            f"Reached by {stamp(end)} (day {row['end_day']:g}), and the world stopped "
            f"changing there: {outcome_reason(scenario, outcome, row.to_dict())}."
        )
    else:
        lines.append(
            f"Classified at the horizon, {stamp(end)} (day {row['end_day']:g}): "
            f"{outcome_reason(scenario, outcome, row.to_dict())}."
        )
    lines.extend(
        [
            "",
            _classes_in_order(scenario),
            "",
            f"Measures, as the run recorded them: {_measures_line(row, scenario)}",
        ]
    )
    return "\n".join(lines) + "\n"
