"""The workshop's briefs: what each team reads, printed from Markdown as HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from sim.core.actions import CATALOGUE, actions_for
from sim.teach.workshop import ROLES, brief_body, brief_kind, brief_page, brief_role, write_briefs

from conftest import run_main


class _Text(HTMLParser):
    """Collect a page's headings and table cells."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.cells: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "td"):
            self._in = tag
            (self.cells if tag == "td" else self.headings).append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "td":
            self.cells[-1] += data
        elif self._in:
            self.headings[-1] += data


def _parse(page: str) -> _Text:
    parser = _Text()
    parser.feed(page)
    return parser


@pytest.mark.parametrize("role", [*ROLES, "france"])
def test_each_brief_says_what_its_government_knows_wants_and_fears(role):
    page = _parse(brief_page(role))
    for section in ("What you know", "What you want", "What you fear", "Your moves"):
        assert section in page.headings, (role, page.headings)
    body = brief_body(role)
    assert "##" not in body and "|---" not in body  # Markdown was rendered, not copied
    assert "MID:" not in body  # the event-data coding is for analysts, not for teams


@pytest.mark.parametrize("role", [*ROLES, "united_states"])
def test_a_brief_lists_exactly_the_moves_of_its_team_page(role):
    cells = _parse(brief_page(role)).cells
    listed = cells[0::3]
    kind = brief_role(role)
    assert listed == [action.label for action in actions_for(kind)]
    aimed = [cells[3 * i + 1] == "yes" for i in range(len(listed))]
    assert aimed == [CATALOGUE[action].targets_sector for action in actions_for(kind)]


def test_a_third_party_reads_the_western_capital_s_brief():
    assert brief_kind("france") == brief_kind("united_states") == "third_party"
    assert "Western" in brief_body("france")


def test_a_brief_page_loads_nothing_from_outside():
    page = brief_page("armenia")
    assert "default-src 'none'" in page
    assert not re.search(r"""(src|href)=["']?https?:""", page)


def test_briefs_are_written_whole_and_never_over_something_else(tmp_path):
    out = tmp_path / "briefs"
    pages = write_briefs(out)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{r}.html" for r in ROLES] + ["index.html"]
    )
    assert pages == [out / f"{r}.html" for r in ROLES]
    index = (out / "index.html").read_text()
    assert all(f'href="{r}.html"' in index for r in ROLES)
    with pytest.raises(Exception, match="never overwritten silently"):
        write_briefs(out)
    write_briefs(out, ("armenia",), replace=True)
    assert sorted(p.name for p in out.iterdir()) == ["armenia.html", "index.html"]
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep me")
    with pytest.raises(Exception, match="not a briefs folder"):
        write_briefs(other, replace=True)
    assert (other / "mine.txt").read_text() == "keep me"


def test_the_briefs_command_writes_them_and_refuses_a_bad_role(tmp_path):
    done = run_main(tmp_path, "briefs", "--role", "armenia", "--role", "france")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "results" / "briefs").iterdir()) == [
        "armenia.html",
        "france.html",
        "index.html",
    ]
    refused = run_main(tmp_path, "briefs", "--role", "../etc", "--out", str(tmp_path / "x"))
    assert refused.returncode == 2
    assert "not a role" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "x").exists()


def _moves_listed(body: str) -> list[str]:
    return _parse(body).cells[0::3]


def test_a_team_of_another_crisis_reads_its_own_crisis_and_its_page_s_moves():
    # Thailand's team in the 2011 case once read the Western capital's May 2021 brief,
    # with a third party's moves: nothing it could do on its page.
    from sim.catalogue.roles import Role
    from sim.core.actions import actions_in
    from sim.spec.loading import load_scenario

    from conftest import SCENARIOS

    scenario = load_scenario(SCENARIOS / "cases/thailand-cambodia-2011/scenario.yaml").scenario
    for state in (*(scenario.cast.state(r) for r in scenario.cast.roles), "indonesia"):
        plays = scenario.cast.role_of(state) or Role.THIRD_PARTY
        body = brief_body(state, scenario)
        assert scenario.cast.label(state) in body and scenario.title in body
        for word in ("2021", "Armenia", "Azerbaijan", "Sev Lake", "Russia", "CSTO"):
            assert word not in body, (state, word)
        assert _moves_listed(body) == [a.label for a in actions_in(plays, scenario.cast)]


def test_the_written_briefs_are_for_the_crisis_of_may_2021_only():
    from sim.spec.loading import load_scenario

    from conftest import SCENARIOS

    workshop = load_scenario(SCENARIOS / "workshop-sev-lake.yaml").scenario
    assert brief_body("armenia", workshop) == brief_body("armenia")
    assert brief_body("france", workshop) == brief_body("france")
    war = load_scenario(SCENARIOS / "cases/karabakh-2020/scenario.yaml").scenario
    body = brief_body("armenia", war)  # the same ids, another crisis
    assert "What you know" not in _parse(body).headings and "May 2021" not in body
    assert "27 September 2020" in body


def test_the_printed_briefs_of_another_crisis_are_its_team_pages_briefs(tmp_path):
    # `crisis-sim briefs` printed May 2021's four whatever the workshop played.
    from sim.errors import UserError
    from sim.spec.loading import load_scenario

    from conftest import SCENARIOS

    path = SCENARIOS / "cases/thailand-cambodia-2011/scenario.yaml"
    scenario = load_scenario(path).scenario
    pages = write_briefs(tmp_path / "b", scenario=scenario)
    assert [p.name for p in pages] == ["cambodia.html", "thailand.html", "indonesia.html"]
    for page in pages:
        text = page.read_text()
        assert brief_body(page.stem, scenario) in text
        for word in ("2021", "Armenia", "Azerbaijan", "Sev Lake", "Russia", "CSTO"):
            assert word not in text, (page.name, word)
    index = (tmp_path / "b" / "index.html").read_text()
    assert scenario.title in index and "11 May" not in index
    with pytest.raises(UserError, match=r"'armenia' plays no part.*cambodia, thailand, indonesia"):
        write_briefs(tmp_path / "c", ("armenia",), scenario=scenario)
    assert not (tmp_path / "c").exists()
    workshop = load_scenario(SCENARIOS / "workshop-sev-lake.yaml").scenario
    written = write_briefs(tmp_path / "w", ("armenia",), scenario=workshop)[0].read_text()
    assert written == brief_page("armenia")  # May 2021's own briefs, word for word

    done = run_main(tmp_path, "briefs", str(path), "--role", "indonesia", "--out", "x")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["index.html", "indonesia.html"]
    refused = run_main(tmp_path, "briefs", str(path), "--role", "france", "--out", "y")
    assert refused.returncode == 2 and "plays no part" in refused.stderr
    assert "Traceback" not in refused.stderr and not (tmp_path / "y").exists()
