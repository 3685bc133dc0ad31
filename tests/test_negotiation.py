"""Negotiation in the workshop room: messages, statements, proposals, the facilitator's news.

Issue 18: teams talk to each other, and an accepted proposal becomes that day's move
for both teams, as the model's own actions.
"""

from __future__ import annotations

import pytest

from sim.core.actions import Action
from sim.teach.dashboard.room import Room
from sim.teach.game import GameError
from sim.teach.negotiation import MAX_LENGTH, Channel

from conftest import SCENARIOS
from dashboards import short_scenario

TEAMS = ["armenia", "azerbaijan", "russia", "csto"]


@pytest.fixture
def room(tmp_path):
    short = short_scenario(tmp_path, days=3)
    room = Room(short, debrief_worlds=50)
    room.start(TEAMS)
    for role in TEAMS:
        assert room.claim(role, role, room.access.codes[role]) is None
    return room


def test_a_private_message_reaches_its_addressee_and_the_facilitator_only(room):
    room.send("armenia", "armenia", "azerbaijan", "Pull back from Sev Lake.")
    assert [p.text for p in room.feed("azerbaijan")] == ["Pull back from Sev Lake."]
    assert [p.text for p in room.feed("armenia")] == ["Pull back from Sev Lake."]
    assert room.feed("russia") == [] and room.feed("csto") == []
    assert len(room.feed(None)) == 1  # the facilitator sees every channel


def test_a_public_statement_and_the_facilitator_s_news_reach_whom_they_should(room):
    room.send("russia", "russia", "everyone", "We urge restraint.")
    room.news("Reuters: Azerbaijani units seen near Sev Lake.", to=["armenia", "csto"])
    assert [p.channel for p in room.feed("azerbaijan")] == [Channel.STATEMENT]
    assert [p.channel for p in room.feed("csto")] == [Channel.STATEMENT, Channel.NEWS]
    assert room.feed("armenia")[-1].line() == (
        "Day 1, News to armenia, csto: Reuters: Azerbaijani units seen near Sev Lake."
    )


def test_an_accepted_ceasefire_proposal_is_both_teams_move_and_changes_the_game(room):
    proposal = room.propose("armenia", "armenia", "azerbaijan", "ceasefire", text="Stop here.")
    assert room.open_proposals("azerbaijan") == [proposal]
    room.answer("azerbaijan", "azerbaijan", proposal.number, accept=True)
    assert room.game.pending["armenia"].action is Action.OFFER_CEASEFIRE
    assert room.game.pending["azerbaijan"].action is Action.ACCEPT_CEASEFIRE
    with pytest.raises(GameError, match="fixed by the agreement on a local ceasefire"):
        room.submit("azerbaijan", "azerbaijan", "advance", "Sev Lake", day=0)
    for role in ("russia", "csto"):
        room.submit(role, role, "hold", None, day=0)
    assert room.game.day == 1  # every team had moved: the day closed
    assert int(room.game.model.world.ceasefire_tick[0]) >= 0  # the ceasefire holds
    assert "accepts" in room.feed("armenia")[-1].line()


def test_a_rejected_proposal_leaves_the_moves_free_and_cannot_be_answered_twice(room):
    proposal = room.propose("azerbaijan", "azerbaijan", "armenia", "talks")
    room.answer("armenia", "armenia", proposal.number, accept=False)
    assert room.game.pending == {}
    with pytest.raises(GameError, match="already been answered"):
        room.answer("armenia", "armenia", proposal.number, accept=True)
    assert room.feed("azerbaijan")[-1].line() == "Day 1, armenia rejects: talks (proposal 1)"


def test_accepted_talks_and_a_pull_back_are_each_role_s_own_actions(room):
    talks = room.propose("russia", "russia", "armenia", "talks")
    room.answer("armenia", "armenia", talks.number, accept=True)
    assert room.game.pending["russia"].action is Action.OFFER_MEDIATION
    assert room.game.pending["armenia"].action is Action.LOCAL_TALKS
    room.advance()
    pull_back = room.propose("armenia", "armenia", "azerbaijan", "pull_back", "Sev Lake")
    room.answer("azerbaijan", "azerbaijan", pull_back.number, accept=True)
    assert room.game.pending["azerbaijan"].action is Action.WITHDRAW_PARTIAL
    assert room.game.pending["azerbaijan"].sector == "sev_lake"
    assert room.game.pending["armenia"].action is Action.HOLD


def test_bad_proposals_and_messages_are_refused_with_reasons(room):
    with pytest.raises(GameError, match="'georgia' is not a team in this game"):
        room.propose("armenia", "armenia", "georgia", "ceasefire")
    with pytest.raises(GameError, match="csto has no move for a local ceasefire"):
        room.propose("armenia", "armenia", "csto", "ceasefire")
    with pytest.raises(GameError, match="'surrender' is not a proposal"):
        room.propose("armenia", "armenia", "azerbaijan", "surrender")
    with pytest.raises(GameError, match="needs a sector"):
        room.propose("armenia", "armenia", "azerbaijan", "pull_back")
    with pytest.raises(GameError, match=f"the limit is {MAX_LENGTH}"):
        room.send("armenia", "armenia", "azerbaijan", "x" * (MAX_LENGTH + 1))
    with pytest.raises(GameError, match="is empty"):
        room.send("armenia", "armenia", "azerbaijan", "   ")
    with pytest.raises(GameError, match="cannot write to itself"):
        room.send("armenia", "armenia", "armenia", "hello")
    with pytest.raises(GameError, match="does not play russia"):
        room.send("russia", "armenia", "azerbaijan", "Sent from the wrong browser.")
    assert room.feed(None) == []


def test_a_proposal_expires_with_its_day(room):
    proposal = room.propose("armenia", "armenia", "azerbaijan", "withdrawal")
    room.advance()
    assert room.open_proposals("azerbaijan") == []
    with pytest.raises(GameError, match="was for day 1; it is now day 2"):
        room.answer("azerbaijan", "azerbaijan", proposal.number, accept=True)


def test_markup_in_a_message_is_kept_as_text(room):
    text = '<script>alert("x")</script><b>bold</b>'
    post = room.send("armenia", "armenia", "everyone", text)
    assert post.text == text  # stored as written; the pages show it escaped


def test_a_model_event_fired_by_the_facilitator_changes_that_day(room, tmp_path):
    quiet = Room(room.scenario_file, debrief_worlds=50)
    quiet.start(TEAMS)
    room.fire_event("rumour")
    for played in (room, quiet):
        played.advance()
    assert room.game.model.world.rumour[0] > quiet.game.model.world.rumour[0]
    assert any("False reports of clashes spread" in e.sentence for e in room.game.log)
    # The game's record holds the event: a saved game replays to the same world.
    while not room.game.finished:
        room.advance()
    assert room.game.record().injects[-1].kind.value == "rumour"
    assert (room.save(tmp_path / "saved") / "manifest.json").exists()


def test_events_the_facilitator_cannot_fire_are_refused(room):
    with pytest.raises(GameError, match="'advance_order' is not an event the facilitator"):
        room.fire_event("advance_order")
    with pytest.raises(GameError, match="'georgia' is not an outside power"):
        room.fire_event("third_party_statement", "georgia")
    assert room.fire_event("third_party_statement", "france") == "third_party_statement"


@pytest.fixture
def workshop(tmp_path):
    room = Room(SCENARIOS / "workshop-sev-lake.yaml", debrief_worlds=50)
    room.start(TEAMS)
    return room


def test_a_prepared_inject_sends_its_news_and_fires_its_event_once(workshop):
    first = workshop.scenario.workshop_injects[0]
    assert workshop.release_inject(0) == first.title
    (news,) = workshop.feed("armenia")
    assert news.channel is Channel.NEWS and "Goris" in news.text
    assert workshop.feed("azerbaijan") == []  # the news was for Armenia only
    assert workshop.game.fired[-1].kind.value == "rumour"
    with pytest.raises(GameError, match="was released already"):
        workshop.release_inject(0)
    with pytest.raises(GameError, match="There is no prepared inject 99"):
        workshop.release_inject(98)


def test_prepared_injects_naming_unknown_teams_or_speakers_are_refused(tmp_path):
    from sim.errors import ScenarioError
    from sim.spec.loading import load_scenario

    def problems(*injects: str) -> str:
        bad = tmp_path / "bad.yaml"
        lines = "".join(f"  - {inject}\n" for inject in injects)
        bad.write_text(
            f"extends: {SCENARIOS / 'baseline-may-2021.yaml'}\nworkshop_injects:\n{lines}"
        )
        with pytest.raises(ScenarioError) as refused:
            load_scenario(bad)
        return str(refused.value)

    said = problems("{title: c}", "{title: d, event: advance_order}")
    assert "bad.yaml:3: workshop_injects.0: a prepared inject needs news, an event" in said
    assert "bad.yaml:4: workshop_injects.1: advance_order is a government's move" in said
    said = problems(
        "{title: a, news: hello, to: [georgia]}",
        "{title: b, event: third_party_statement, actor: germany}",
    )
    assert "bad.yaml:3: workshop_injects.0.to: `to` names georgia: not actors" in said
    assert "bad.yaml:4: workshop_injects.1.actor: third_party_statement needs a declared" in said
