"""The workshop's printed material: one brief per government, Markdown rendered to HTML.

Each brief (``sim/briefs/ROLE.md``) says what a government could know on 11 May 2021,
what it wants and what it fears, drawn from the case brief of the Sev Lake crisis; it
does not say what happened next, which is for the debrief. The list of moves at the
end of each brief is built from the action catalogue (:mod:`sim.core.actions`), so it names
exactly the buttons of the team's page and the actions of ``crisis-sim play``.

``crisis-sim briefs --out DIR`` writes the printable pages (``crisis-sim briefs FILE``,
those of a scenario's workshop); the team pages of the dashboard show the same brief
under "Our brief". A workshop of another crisis (one that
does not begin on :data:`BRIEFS_DAY`, or casts other states) gives each team a brief
made from its scenario instead: who the team plays, what that role can do, the
scenario's own description, and the moves of its page, with no word of May 2021.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from pathlib import Path

import jinja2
import markdown
from markupsafe import Markup

from sim import __version__
from sim.catalogue.roles import MAY_2021, ROLE_DOES, TEAM_ROLE_ORDER, Role
from sim.core.actions import CATALOGUE, actions_in, described
from sim.errors import UserError
from sim.folders.runfolder import atomic_folder
from sim.spec.schema import Cast, Scenario

BRIEFS = Path(__file__).parent / "briefs"
# The briefs are the May 2021 case's: one per state of its casting, in the teams' order.
ROLES: tuple[str, ...] = tuple(MAY_2021[role].state for role in TEAM_ROLE_ORDER)
_ROLE_OF_BRIEF = {casting.state: casting.role for casting in MAY_2021.values()}
INDEX = "index.html"
#: The day the written briefs describe: what each government could know on 11 May 2021.
BRIEFS_DAY = dt.date(2021, 5, 11)
_CODING = re.compile(r"\s*\(MID: [^)]*\)")


def brief_kind(role: str) -> str:
    """Return which brief a role reads: its own, or the Western capital's for a third party."""
    return role if role in ROLES else "third_party"


def brief_role(state: str) -> Role:
    """Return the role whose moves a state's brief lists (an outside power's, if not cast)."""
    return _ROLE_OF_BRIEF.get(brief_kind(state), Role.THIRD_PARTY)


def has_written_brief(state: str, scenario: Scenario | None = None) -> bool:
    """Return whether ``state``'s team reads a written brief (``briefs/STATE.md``).

    Without a scenario, every state does (its own, or the Western capital's). In a
    scenario, only where the crisis begins on :data:`BRIEFS_DAY` and the state plays the
    role it played in May 2021: Armenia's brief is no use to Armenia in September 2020,
    and none to Thailand.
    """
    if scenario is None:
        return True
    if scenario.start_date != BRIEFS_DAY:
        return False
    role = scenario.cast.role_of(state)
    return MAY_2021[role].state == state if role else brief_kind(state) == "third_party"


def _scenario_brief(state: str, role: Role, scenario: Scenario) -> str:
    """Return the brief of a crisis without written ones, from its scenario alone."""
    name = scenario.cast.label(state)
    started = f"{scenario.start_date:%d %B %Y}".lstrip("0")
    lines = [
        f"# {name}: {scenario.title}",
        "",
        f"Your team plays {name}, the {role.value.replace('_', ' ')} of this crisis: it "
        f"{ROLE_DOES[role]}.",
        "",
    ]
    if scenario.description:
        lines += [scenario.description.strip(), ""]
    lines += [
        f"The facilitator tells each team what its government knew on {started}, when the "
        "crisis began, and what it wanted and feared.",
    ]
    return "\n".join(lines)


def brief_markdown(state: str, scenario: Scenario | None = None) -> str:
    """Return a state's brief as Markdown, with its moves listed from the action catalogue.

    ``state`` is the team's state id. With the ``scenario`` of a workshop, the moves are
    exactly those of its team page (the role it plays there, less those that call on a
    role the cast lacks), and a crisis without written briefs gets one made from the
    scenario (:func:`has_written_brief`).
    """
    if scenario is None:
        cast, plays = Cast(), brief_role(state)  # the written briefs: May 2021's cast
    else:
        cast, plays = scenario.cast, scenario.cast.role_of(state) or Role.THIRD_PARTY
    if has_written_brief(state, scenario):
        text = (BRIEFS / f"{brief_kind(state)}.md").read_text(encoding="utf-8").rstrip()
    else:
        text = _scenario_brief(state, plays, scenario)
    rows = []
    for action in actions_in(plays, cast):
        plain = _CODING.sub("", described(action, cast))  # the event-data coding: analysts'
        rows.append(
            f"| {action.label} | {'yes' if CATALOGUE[action].targets_sector else ''} | {plain} |"
        )
    moves = "\n".join(
        [
            "## Your moves",
            "",
            "One move a day, made by every team at once. Some are aimed at a sector of the "
            "border: choose it first. A team that does not move holds.",
            "",
            "| move | aimed at a sector | what it does |",
            "|---|---|---|",
            *rows,
        ]
    )
    return f"{text}\n\n{moves}\n"


def brief_body(state: str, scenario: Scenario | None = None) -> str:
    """Return a state's brief as an HTML fragment (for a page that has its own frame)."""
    text = brief_markdown(state, scenario)
    return markdown.markdown(text, extensions=["tables"], output_format="html")


#: The pages' footer: where the written briefs come from, and where a scenario's do.
_WRITTEN = (
    "from the case brief of the May 2021 Sev Lake border crisis. A simulation exercise: "
    "the briefs say what each government could know on 11 May 2021, not what happened next."
)
_FROM_SCENARIO = (
    "from the scenario {title}. A simulation exercise: the facilitator tells each team what "
    "its government knew when the crisis began; the briefs do not say what happened next."
)


@functools.cache
def _template() -> jinja2.Template:
    """Return the briefs' page template, loaded once."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("sim", "templates"), autoescape=True, keep_trailing_newline=True
    )
    return environment.get_template("brief.html.j2")


def _page(title: str, kicker: str, body: str, scenario: Scenario | None, written: bool) -> str:
    """Return a printable page; its footer names the written briefs or ``scenario``."""
    source = _WRITTEN if written else _FROM_SCENARIO.format(title=scenario.title)
    return _template().render(
        title=title, kicker=kicker, body=Markup(body), version=__version__, source=source
    )


def brief_page(state: str, scenario: Scenario | None = None) -> str:
    """Return a state's brief as a printable, self-contained HTML page.

    With a ``scenario``, the brief of its workshop (:func:`brief_markdown`).
    """
    name = (Cast() if scenario is None else scenario.cast).label(state)
    body = brief_body(state, scenario)
    written = has_written_brief(state, scenario)
    return _page(f"Brief: {name}", f"brief for the team playing {name}", body, scenario, written)


def cast_teams(scenario: Scenario) -> tuple[str, ...]:
    """Return the cast's states in the teams' order (defender, attacker, patron, alliance).

    A role the crisis lacks (``cast: {patron: null}``) has no team.
    """
    return tuple(
        scenario.cast.state(role) for role in TEAM_ROLE_ORDER if role in scenario.cast.roles
    )


def team_states(scenario: Scenario) -> tuple[str, ...]:
    """Return the states a workshop of ``scenario`` can give a team: its cast, then outsiders.

    As the facilitator's set-up page lists them (:func:`cast_teams`, then third parties).
    """
    return (*cast_teams(scenario), *scenario.actors.third_parties)


def write_briefs(
    out: Path,
    roles: tuple[str, ...] | None = None,
    replace: bool = False,
    scenario: Scenario | None = None,
) -> list[Path]:
    """Write each team's printable brief and an index page into ``out``; return the pages.

    ``roles`` are the teams' states (default: May 2021's four, or with a ``scenario``
    every state a team of its workshop can play, :func:`team_states`). With a scenario
    the briefs are its workshop's, as the team pages show them. The folder is written
    whole or not at all, and an existing one is replaced only with ``replace`` and only
    if it holds briefs crisis-sim wrote (its ``index.html``).
    """
    teams = ROLES if scenario is None else team_states(scenario)
    if roles is None:
        roles = teams
    elif scenario is not None:
        unknown = [state for state in roles if state not in teams]
        if unknown:
            raise UserError(
                f"{unknown[0]!r} plays no part in {scenario.name!r}: its teams can play "
                f"{', '.join(teams)}. Give one of those with --role, or leave --role out "
                "for all of them."
            )
    cast = Cast() if scenario is None else scenario.cast
    written = all(has_written_brief(state, scenario) for state in roles)
    with atomic_folder(Path(out), replace, what="briefs folder", marker=INDEX) as folder:
        for state in roles:
            page = brief_page(state, scenario)
            (folder / f"{state}.html").write_text(page, encoding="utf-8")
        links = "".join(
            f'<a href="{html.escape(state)}.html">{html.escape(cast.label(state))}</a>'
            for state in roles
        )
        if written:
            title = "Workshop briefs: the Sev Lake border crisis"
            known = (
                "what that government could know on 11 May 2021, what it wants and what it fears"
            )
        else:
            title = f"Workshop briefs: {scenario.title}"
            known = "whom the team plays and the moves it may make"
        index = _page(
            "Workshop briefs",
            "briefs to print, one per team",
            f"<h1>{html.escape(title)}</h1>"
            "<p>Print one brief per team and hand it out before the first day. Each says "
            f"{html.escape(known)}.</p><nav>{links}</nav>",
            scenario,
            written,
        )
        (folder / INDEX).write_text(index, encoding="utf-8")
    return [Path(out) / f"{state}.html" for state in roles]
