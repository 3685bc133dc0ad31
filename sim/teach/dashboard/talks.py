"""What teams say to each other in a room: messages, statements, proposals, answers.

A mixin of :class:`sim.teach.dashboard.room.Room`, which keeps the posts, the lock and
the journal; every post goes through the room's ``_apply``. Here too is how a post
reads on a page (:meth:`Talks.line`): a proposal says what it proposes, the moves it
makes for each side and who must answer, numbered from 1 in each game.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.actions import Action
from sim.teach.game import Game, GameError
from sim.teach.negotiation import EVERYONE, Channel, Post, ProposalKind, checked_text

if TYPE_CHECKING:
    import threading

    from sim.spec.schema import Scenario


class Talks:
    """The room's channels between teams (see :mod:`sim.teach.dashboard.talks`)."""

    posts: list[Post]
    lock: threading.RLock
    scenario: Scenario

    def name(self, team: str) -> str:
        """Return a team's name as the class reads it (``Armenia``, ``CSTO``)."""
        return self.scenario.cast.label(team)

    def proposal_number(self, proposal: Post) -> int:
        """Return a proposal's number in its game: 1 for the first proposal."""
        return 1 + sum(1 for p in self.posts[: proposal.number] if p.channel is Channel.PROPOSAL)

    def terms(self, proposal: Post) -> tuple[str, dict[str, str]]:
        """Return what a proposal proposes, and the move it makes for each of its teams."""
        game = self._game()
        what = proposal.kind.label
        sector = game.sector_names.get(proposal.sector or "", None)
        if sector:
            what = what.replace("in a sector", f"in {sector}")
        moves = {}
        for team, proposer in ((proposal.sender, True), (proposal.to[0], False)):
            action = proposal.kind.move(game.role_of(team), proposer)
            aimed = sector and action.info.targets_sector
            moves[team] = action.label + (f" ({sector})" if aimed else "")
        return what, moves

    def line(self, post: Post) -> str:
        """Return a post as a line of a feed, with the teams by name.

        A proposal says what it proposes and what each side's move would be; an answer
        names the proposal it answers.
        """
        names = {t: self.name(t) for t in {post.sender, *post.to} if t != EVERYONE}
        if post.channel is Channel.PROPOSAL:
            what, moves = self.terms(post)
            sender, other = post.sender, post.to[0]
            text = (
                f"Proposal {self.proposal_number(post)}, day {post.day + 1}: "
                f"{names[sender]} proposes {what} to {names[other]}. If {names[other]} "
                f"accepts, {names[sender]} will {moves[sender]} and {names[other]} will "
                f"{moves[other]} that day."
            )
            answer = self.answer_to(post.number)
            if answer is None:
                text += f" {names[other]} must answer during day {post.day + 1}."
            return text + (f" Note: {post.text}" if post.text else "")
        if post.channel is Channel.ANSWER:
            proposal = self.posts[post.answers]
            verb = "accepts" if post.accepted else "rejects"
            what = self.terms(proposal)[0]
            then = ": both teams' move that day" if post.accepted else ""
            return (
                f"Day {post.day + 1}, {names[post.sender]} {verb} proposal "
                f"{self.proposal_number(proposal)} ({what}){then}."
            )
        return post.line(names)

    def send(self, team: str, session: str, to: str, text: str) -> Post:
        """Send a private message to a team, or a public statement (``to`` everyone)."""
        with self.lock:
            game = self._player(team, session)
            if to == EVERYONE:
                return self._post(Channel.STATEMENT, team, (EVERYONE,), checked_text(text))
            self._teams_in_game(game, [to], sender=team)
            return self._post(Channel.MESSAGE, team, (to,), checked_text(text))

    def propose(
        self, team: str, session: str, to: str, kind: str, sector: str | None = None, text: str = ""
    ) -> Post:
        """Put a proposal to another team; refused if either side has no move for it."""
        with self.lock:
            game = self._player(team, session)
            self._teams_in_game(game, [to], sender=team)
            try:
                chosen = ProposalKind(kind)
            except ValueError:
                names = ", ".join(k.value for k in ProposalKind)
                raise GameError(f"{kind!r} is not a proposal. Choose: {names}.") from None
            for side, proposer in ((team, True), (to, False)):
                if chosen.move(game.role_of(side), proposer) is None:
                    raise GameError(
                        f"{side} has no move for {chosen.label}: propose it between teams "
                        "that can act on it (a ceasefire: the two sides or an outside power; "
                        "talks: the two sides or the patron; a withdrawal or a pull-back: "
                        "the advancing side and the other)."
                    )
            if chosen is ProposalKind.PULL_BACK:
                sector = game._sector(sector, Action.WITHDRAW_PARTIAL)
            else:
                sector = None
            return self._post(
                Channel.PROPOSAL, team, (to,), checked_text(text, required=False), chosen, sector
            )

    def answer(self, team: str, session: str, number: int, accept: bool) -> Post:
        """Accept or reject a proposal made to ``team``; acceptance sets both teams' move."""
        with self.lock:
            game = self._player(team, session)
            if not 0 <= number < len(self.posts) or self.posts[number].channel != Channel.PROPOSAL:
                raise GameError("There is no such proposal.")
            proposal = self.posts[number]
            called = f"Proposal {self.proposal_number(proposal)}"
            if team not in proposal.to:
                raise GameError(f"{called} was not made to {self.name(team)}.")
            if self.answer_to(number) is not None:
                raise GameError(f"{called} has already been answered.")
            if proposal.day != game.day:
                raise GameError(
                    f"{called} was for day {proposal.day + 1}; it is now day "
                    f"{game.day + 1}. Ask for it again."
                )
            text = f"{self.terms(proposal)[0]} (proposal {self.proposal_number(proposal)})"
            post = self._post(
                Channel.ANSWER,
                team,
                (proposal.sender,),
                text,
                proposal.kind,
                answers=number,
                accepted=bool(accept),
            )
            closed = accept and self._close_if_all_moved(finish=False)
        if closed:
            self._finish_if_over()
        return post

    def answer_to(self, number: int) -> Post | None:
        """Return the answer to proposal ``number``, or None while it is open."""
        return next((p for p in self.posts if p.answers == number), None)

    def _post(
        self,
        channel: Channel,
        sender: str,
        to: tuple[str, ...],
        text: str,
        kind: ProposalKind | None = None,
        sector: str | None = None,
        answers: int | None = None,
        accepted: bool | None = None,
    ) -> Post:
        post = Post(
            len(self.posts),
            self._game().day,
            channel,
            sender,
            to,
            text,
            kind,
            sector,
            answers,
            accepted,
        )
        return self._apply({"kind": "post", "post": post.as_record()})

    def _teams_in_game(self, game: Game, teams: list[str], sender: str | None = None) -> None:
        for team in teams:
            if team not in game.teams:
                raise GameError(
                    f"{team!r} is not a team in this game: teams are {', '.join(game.teams)}."
                )
            if team == sender:
                raise GameError(f"{team} cannot write to itself: choose another team.")

    def feed(self, team: str | None = None) -> list[Post]:
        """Return the posts ``team`` sees, oldest first (None: the facilitator, all)."""
        with self.lock:
            return [p for p in self.posts if team is None or p.reaches(team)]

    def open_proposals(self, team: str) -> list[Post]:
        """Return today's unanswered proposals made to ``team``."""
        with self.lock:
            day = self._game().day
            return [
                p
                for p in self.posts
                if p.channel is Channel.PROPOSAL
                and team in p.to
                and p.day == day
                and self.answer_to(p.number) is None
            ]
