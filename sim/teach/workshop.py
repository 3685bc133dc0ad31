"""The workshop's printed material: one brief per government, Markdown rendered to HTML.

Each brief (``sim/briefs/ROLE.md``) says what a government could know on 11 May 2021,
what it wants and what it fears, drawn from the case brief of the Sev Lake crisis; it
does not say what happened next, which is for the debrief. The list of moves at the
end of each brief is built from the action catalogue (:mod:`sim.core.actions`), so it names
exactly the buttons of the team's page and the actions of ``crisis-sim play``.

``crisis-sim briefs --out DIR`` writes the printable pages; the team pages of the
dashboard show the same brief under "Our brief".
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import jinja2
import markdown
from markupsafe import Markup

from sim import __version__
from sim.catalogue.roles import MAY_2021, TEAM_ROLE_ORDER, Role
from sim.core.actions import CATALOGUE, actions_for
from sim.folders.runfolder import atomic_folder
from sim.spec.schema import Cast

BRIEFS = Path(__file__).parent / "briefs"
# The briefs are the May 2021 case's: one per state of its casting, in the teams' order.
ROLES: tuple[str, ...] = tuple(MAY_2021[role].state for role in TEAM_ROLE_ORDER)
_ROLE_OF_BRIEF = {casting.state: casting.role for casting in MAY_2021.values()}
INDEX = "index.html"
_CODING = re.compile(r"\s*\(MID: [^)]*\)")


def brief_kind(role: str) -> str:
    """Return which brief a role reads: its own, or the Western capital's for a third party."""
    return role if role in ROLES else "third_party"


def brief_role(state: str) -> Role:
    """Return the role whose moves a state's brief lists (an outside power's, if not cast)."""
    return _ROLE_OF_BRIEF.get(brief_kind(state), Role.THIRD_PARTY)


def brief_markdown(role: str) -> str:
    """Return a role's brief as Markdown, with its moves listed from the action catalogue."""
    kind = brief_kind(role)
    text = (BRIEFS / f"{kind}.md").read_text(encoding="utf-8").rstrip()
    rows = []
    for action in actions_for(brief_role(role)):
        info = CATALOGUE[action]
        plain = _CODING.sub("", info.description)  # the event-data coding is for analysts
        rows.append(f"| {action.label} | {'yes' if info.targets_sector else ''} | {plain} |")
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


def brief_body(role: str) -> str:
    """Return a role's brief as an HTML fragment (for a page that has its own frame)."""
    return markdown.markdown(brief_markdown(role), extensions=["tables"], output_format="html")


def _page(title: str, kicker: str, body: str) -> str:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("sim", "templates"), autoescape=True, keep_trailing_newline=True
    )
    template = environment.get_template("brief.html.j2")
    return template.render(title=title, kicker=kicker, body=Markup(body), version=__version__)


def brief_page(role: str) -> str:
    """Return a role's brief as a printable, self-contained HTML page."""
    name = Cast().label(role)
    return _page(f"Brief: {name}", f"brief for the team playing {name}", brief_body(role))


def write_briefs(out: Path, roles: tuple[str, ...] = ROLES, replace: bool = False) -> list[Path]:
    """Write each role's printable brief and an index page into ``out``; return the pages.

    The folder is written whole or not at all, and an existing one is replaced only with
    ``replace`` and only if it holds briefs crisis-sim wrote (its ``index.html``).
    """
    with atomic_folder(Path(out), replace, what="briefs folder", marker=INDEX) as folder:
        for role in roles:
            (folder / f"{role}.html").write_text(brief_page(role), encoding="utf-8")
        links = "".join(
            f'<a href="{html.escape(role)}.html">{html.escape(role.replace("_", " "))}</a>'
            for role in roles
        )
        index = _page(
            "Workshop briefs",
            "briefs to print, one per team",
            "<h1>Workshop briefs: the Sev Lake border crisis</h1>"
            "<p>Print one brief per team and hand it out before the first day. Each says "
            "what that government could know on 11 May 2021, what it wants and what it "
            f"fears.</p><nav>{links}</nav>",
        )
        (folder / INDEX).write_text(index, encoding="utf-8")
    return [Path(out) / f"{role}.html" for role in roles]
