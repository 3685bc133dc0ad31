"""The workshop game: teams' moves, closed days, the record that replays, the debrief."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sim.core.actions import Action
from sim.core.model import with_overrides
from sim.folders.runfolder import open_run
from sim.readers.explain import replay_world
from sim.run.ensemble import run_ensemble
from sim.spec.loading import load_scenario
from sim.teach.game import Game, GameError

from conftest import SCENARIOS, run_cli

BASELINE = SCENARIOS / "baseline-may-2021.yaml"


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(SCENARIOS / "baseline-may-2021.yaml").scenario


def test_teams_that_always_hold_leave_the_others_to_their_policies(baseline):
    """Armenia and Russia played by holding teams: the rest is the scenario's world 0."""
    game = Game(baseline, ["armenia", "russia"])
    game.play_to_end()
    assert game.day == game.days and game.finished
    assert [m.action for m in game.moves] == [Action.HOLD] * (2 * game.days)
    # Holding differs from Armenia's restraint (it makes a statement, appeals...):
    assert any(d.team == "armenia" and d.chosen == "hold" for d in game.divergences)


def test_teams_that_take_their_policys_suggestion_play_the_simulated_world(baseline):
    """With one tick a day, following the default every day reproduces ensemble world 0."""
    daily = with_overrides(baseline, {"tick_hours": 24})
    game = Game(daily, ["armenia", "russia"])
    while not game.finished:
        for role in game.teams:
            move, reason = game.suggestion(role)
            assert reason
            game.submit(role, move.action.name, move.sector)
        game.advance_day()
    assert not game.divergences
    assert game.outcome().equals(run_ensemble(daily, worlds=1).outcomes.iloc[0])
    assert any(m.action is not Action.HOLD for m in game.moves)  # they did act


def test_moves_are_checked_and_a_late_move_is_refused(baseline):
    game = Game(baseline, ["armenia", "azerbaijan"])
    with pytest.raises(GameError, match="not an action armenia can take"):
        game.submit("armenia", "advance", "sev_lake")
    with pytest.raises(GameError, match="needs a sector"):
        game.submit("armenia", "send_army")
    with pytest.raises(GameError, match="not a role in this game"):
        game.submit("georgia", "hold")
    with pytest.raises(GameError, match="played by its policy"):
        game.submit("russia", "phone_both")
    game.submit("armenia", "send_army", "Sev Lake", day=0)  # a sector by name or id
    assert game.waiting_for() == ["azerbaijan"]
    game.advance_day()
    with pytest.raises(GameError, match="came after that day closed"):
        game.submit("armenia", "appeal_alliance", day=0)
    game.submit("armenia", "appeal_alliance", day=1)  # and the game goes on
    assert game.waiting_for() == ["azerbaijan"]


def test_a_game_needs_known_distinct_roles(baseline):
    for teams in ([], ["armenia", "armenia"], ["yerevan"]):
        with pytest.raises(GameError, match="Roles in baseline-may-2021"):
            Game(baseline, teams)


def test_a_team_sees_its_actors_view_not_the_world(baseline):
    game = Game(baseline, ["armenia", "azerbaijan"])
    game.submit("azerbaijan", "advance", "sev_lake")
    game.advance_day()
    armenia = dict(game.view("armenia"))
    azerbaijan = dict(game.view("azerbaijan"))
    assert "public alarm (0-1)" in armenia and "public alarm (0-1)" not in azerbaijan
    assert "cost of defiance (pressure to stop)" in azerbaijan
    assert "cost of defiance (pressure to stop)" not in armenia
    assert "Sev Lake" in azerbaijan["advance past the line, km"]


def test_the_record_replays_the_game_and_explain_reads_it(baseline, tmp_path):
    game = Game(baseline, ["armenia", "russia"])
    game.submit("armenia", "send_army", "sev_lake")
    game.submit("russia", "phone_both")
    game.advance_day()
    game.submit("armenia", "appeal_alliance")
    game.advance_day()
    game.play_to_end()
    record = game.record()
    assert record.actors.armenia.policy == "scripted"
    assert run_ensemble(record, worlds=1, seed=game.seed).outcomes.iloc[0].equals(game.outcome())
    folder = game.save(tmp_path / "game")
    run = open_run(folder)
    assert run.worlds.iloc[0].equals(game.outcome())
    story = replay_world(folder, 0)
    assert any("appealed to the CSTO" in e.sentence for e in story.events)


def test_the_debrief_places_the_game_in_the_ensemble(baseline):
    game = Game(baseline, ["armenia"])
    game.submit("armenia", "defender_fire")  # fire on day 1: not what restraint would do
    game.play_to_end()
    debrief = game.debrief(worlds=300)
    assert debrief.outcome == game.outcome()["outcome"]
    assert set(debrief.percentiles["measure"]) >= {"deepest advance, km", "peak public alarm"}
    assert debrief.percentiles["percentile"].between(0, 100).all()
    assert debrief.shares["share"].sum() == pytest.approx(1.0)
    first = debrief.divergences[0]
    assert (first.team, first.day, first.chosen) == ("armenia", 0, "fire")
    # Issue 26: a debrief to teach from.
    from sim.teach.debrief import departures_that_mattered, draw_debrief, note, shown_value

    rung = debrief.percentiles.set_index("column").loc["max_rung"]
    assert shown_value("max_rung", 3.0) == "display of force (3)"
    assert shown_value("max_rung", rung.game).split(" (")[0] in {
        "no militarised action",
        "threat",
        "display of force",
        "use of force",
        "war",
    }
    assert all(note(c, "Armenia") for c in debrief.percentiles["column"])  # each explained
    assert "Armenia's public" in note("peak_alarm", "Armenia")
    assert departures_that_mattered(debrief.divergences)[0] == first  # fire mattered
    assert len(debrief.ensemble) == 300 and set(debrief.game) == {"depth", "killed", "rung"}
    figure = draw_debrief(debrief)
    assert len(figure.axes) == 4
    bars = figure.axes[0].patches  # the outcomes' shares, the game's in the accent colour
    assert len({tuple(bar.get_facecolor()) for bar in bars}) == (2 if len(bars) > 1 else 1)


def test_departures_that_mattered_leave_out_words_where_the_policy_held():
    from sim.teach.debrief import departures_that_mattered, grouped
    from sim.teach.game import Divergence

    spoke = Divergence("russia", 0, "phone both", "hold", "nothing calls for action")
    advanced = [
        Divergence("azerbaijan", day, "advance (Sev Lake)", "hold", "nothing calls for action")
        for day in (0, 3, 5)
    ]
    appealed = Divergence("armenia", 1, "appeal alliance", "hold", "nothing calls for action")
    kept = departures_that_mattered([spoke, *advanced, appealed])
    assert kept == [*advanced, appealed]
    assert [(team, days) for team, days, _ in grouped(kept)] == [
        ("azerbaijan", [1, 4, 6]),
        ("armenia", [2]),
    ]


def test_no_moves_after_the_end(baseline):
    game = Game(baseline, ["russia"])
    game.play_to_end()
    with pytest.raises(GameError, match="game is over"):
        game.submit("russia", "phone_both")
    with pytest.raises(GameError, match="game is over"):
        game.advance_day()


def _play(tmp_path, stdin: str, *args: str):
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", "play", str(BASELINE), *args],
        cwd=tmp_path,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.slow
def test_a_terminal_game_driven_through_standard_input(tmp_path):
    moves = "3 sev_lake\n?\nbogus\n99\nappeal_alliance\n\n6\n"  # then the input ends: hold
    result = _play(tmp_path, moves, "--as", "armenia", "--debrief-worlds", "200", "--out", "g")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "Day 1 of 30" in text and "You are Armenia" in text
    assert "✓ send army (Sev Lake)" in text
    assert "Your government's usual policy would:" in text
    assert "'bogus' is not an action armenia can take" in text
    assert "99 is not one of the options" in text
    assert "Armenia appealed to the CSTO (the team's choice)" in text
    assert "Holding for the rest of the game." in text
    assert "The crisis ended in:" in text and "How the simulated worlds ended" in text
    assert "day 1, armenia: you chose send army (Sev Lake)" in text
    explained = run_cli(tmp_path, "explain", "g", "--world", "0")
    assert explained.returncode == 0, explained.stderr
    assert "appealed to the CSTO" in explained.stdout


@pytest.mark.slow
def test_two_players_take_turns_and_bad_roles_are_refused(tmp_path):
    result = _play(
        tmp_path, "\n" * 4, "--as", "armenia", "--as", "russia", "--debrief-worlds", "50"
    )
    assert result.returncode == 0, result.stderr
    assert "russia>" in result.stdout and "armenia>" in result.stdout
    refused = _play(tmp_path, "", "--as", "yerevan")
    assert refused.returncode == 2
    assert "Roles in baseline-may-2021" in refused.stderr and "Traceback" not in refused.stderr


def test_a_team_s_news_holds_only_what_its_government_would_know():
    """Issue 18: each team's feed is what its government would know, not the world's log."""
    from sim.teach.views import event_line

    scenario = load_scenario(SCENARIOS / "workshop-sev-lake.yaml").scenario
    game = Game(scenario, ["csto", "united_states"], seed=1)
    game.play_to_end()
    log = [event.sentence for event in game.log]
    armenia, russia = game.news_for("armenia"), game.news_for("russia")
    assert any("False reports" in line for line in log)  # the facilitator's log says so
    assert not any("False reports" in line for line in armenia + russia)
    assert any("Reports of clashes and wounded spread in Armenia" in line for line in armenia)
    assert not any("Reports of clashes" in line for line in russia)
    advances = [e for e in game.log if e.action == "advance"]
    assert advances and not any("advanced" in line for line in armenia)  # Yerevan's map
    assert any("advanced" in line for line in russia)  # Moscow watches the ground
    words = [e for e in game.log if e.action == "justify"]
    public = [event_line(e, game.ticks_per_day, reason=False) for e in words]
    assert words and all(line in armenia for line in public)  # public, without the why
    assert not any("(the move needs a public explanation)" in line for line in armenia)
    own = [event_line(e, game.ticks_per_day) for e in game.log if e.actor == "armenia"]
    csto = game.news_for("csto")
    assert all(line in armenia for line in own if "(" in line)  # its own, with reasons
    assert len(csto) < len(log)
