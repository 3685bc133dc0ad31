"""Negotiation between teams: messages, public statements, proposals and news.

In a tabletop exercise most of the learning happens between the moves. Teams write to
each other in private, speak to everyone in public, and put proposals to the other side:
a local ceasefire, talks, a withdrawal to the pre-crisis line or a pull-back of forces.
An accepted proposal becomes that day's move for both teams, as the model's own actions,
the way the commanders' meeting of May 2021 turned into talks on the spot. The
facilitator sees every channel and can send news to all teams or some.

What is said is plain text: it is shown escaped, never as HTML, and is limited to
:data:`MAX_LENGTH` characters. Nothing here touches the world: :class:`sim.teach.dashboard
.room.Room` turns an accepted proposal into the two teams' moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sim.catalogue.roles import Role
from sim.core.actions import Action
from sim.teach.game import GameError

MAX_LENGTH = 500  # characters: a message read aloud in under a minute
FACILITATOR = "facilitator"
EVERYONE = "everyone"


class Channel(StrEnum):
    """How a post travels."""

    MESSAGE = "message"  # to one team (the facilitator sees it too)
    STATEMENT = "statement"  # a team's public statement, to all
    NEWS = "news"  # the facilitator's inject, to all teams or some
    PROPOSAL = "proposal"  # a proposal to one team, to accept or reject
    ANSWER = "answer"  # the answer to a proposal


class ProposalKind(StrEnum):
    """What a team may propose to another, and the moves it becomes if accepted."""

    CEASEFIRE = "ceasefire"
    TALKS = "talks"
    WITHDRAWAL = "withdrawal"
    PULL_BACK = "pull_back"

    @property
    def label(self) -> str:
        """The proposal in plain words."""
        return _LABELS[self]

    def move(self, role: Role, proposer: bool) -> Action | None:
        """Return the move this proposal makes for a team of ``role``, or None if it has none.

        The proposer of a ceasefire offers it and the other side accepts it (an outside
        power, which cannot accept, offers it too); talks are each role's own way to talk;
        a withdrawal or a pull-back is the attacker's to make while the other side holds.
        """
        if self is ProposalKind.CEASEFIRE:
            if role in (Role.ATTACKER, Role.DEFENDER):
                return Action.OFFER_CEASEFIRE if proposer else Action.ACCEPT_CEASEFIRE
            return Action.OFFER_CEASEFIRE if role in (Role.PATRON, Role.THIRD_PARTY) else None
        return _MOVES[self].get(role)


_LABELS = {
    ProposalKind.CEASEFIRE: "a local ceasefire",
    ProposalKind.TALKS: "talks",
    ProposalKind.WITHDRAWAL: "a withdrawal to the pre-crisis line",
    ProposalKind.PULL_BACK: "a pull-back of forces half-way in a sector",
}
_MOVES: dict[ProposalKind, dict[Role, Action]] = {
    ProposalKind.TALKS: {
        Role.ATTACKER: Action.PROPOSE_TALKS,
        Role.DEFENDER: Action.LOCAL_TALKS,
        Role.PATRON: Action.OFFER_MEDIATION,
    },
    ProposalKind.WITHDRAWAL: {Role.ATTACKER: Action.WITHDRAW_FULL, Role.DEFENDER: Action.HOLD},
    ProposalKind.PULL_BACK: {Role.ATTACKER: Action.WITHDRAW_PARTIAL, Role.DEFENDER: Action.HOLD},
}


@dataclass(frozen=True)
class Post:
    """One thing said in the game: a message, statement, piece of news or proposal.

    ``to`` is a team, :data:`EVERYONE`, or for news a tuple of teams. A proposal's
    ``kind`` (and ``sector`` for a pull-back) say what is proposed; its answer is a post
    of channel ``ANSWER`` whose ``answers`` is the proposal's number.
    """

    number: int
    day: int
    channel: Channel
    sender: str
    to: tuple[str, ...]
    text: str
    kind: ProposalKind | None = None
    sector: str | None = None
    answers: int | None = None
    accepted: bool | None = None

    def reaches(self, team: str) -> bool:
        """Whether ``team`` sees this post (the facilitator sees every post)."""
        return team == self.sender or EVERYONE in self.to or team in self.to

    def as_record(self) -> dict:
        """Return the post as a journal record."""
        record = {
            "number": self.number,
            "day": self.day,
            "channel": self.channel.value,
            "sender": self.sender,
            "to": list(self.to),
            "text": self.text,
        }
        for name in ("kind", "sector", "answers", "accepted"):
            value = getattr(self, name)
            if value is not None:
                record[name] = value.value if isinstance(value, StrEnum) else value
        return record

    @classmethod
    def from_record(cls, record: dict) -> Post:
        """Return the post a journal record holds."""
        kind = record.get("kind")
        return cls(
            number=int(record["number"]),
            day=int(record["day"]),
            channel=Channel(record["channel"]),
            sender=str(record["sender"]),
            to=tuple(record["to"]),
            text=str(record["text"]),
            kind=ProposalKind(kind) if kind else None,
            sector=record.get("sector"),
            answers=record.get("answers"),
            accepted=record.get("accepted"),
        )

    def line(self, names: dict[str, str] | None = None) -> str:
        """Return the post as one line of a feed, e.g. ``"Day 2, armenia to azerbaijan: …"``."""
        names = names or {}
        who = names.get(self.sender, self.sender)
        audience = "all" if EVERYONE in self.to else ", ".join(names.get(t, t) for t in self.to)
        head = {
            Channel.MESSAGE: f"{who} to {audience}",
            Channel.STATEMENT: f"{who}, in public",
            Channel.NEWS: f"News to {audience}",
            Channel.PROPOSAL: f"{who} proposes to {audience}",
            Channel.ANSWER: f"{who} {'accepts' if self.accepted else 'rejects'}",
        }[self.channel]
        return (
            f"Day {self.day + 1}, {head}: {self.text}"
            if self.text
            else f"Day {self.day + 1}, {head}"
        )


def checked_text(text: str, required: bool = True) -> str:
    """Return ``text`` stripped, or raise GameError if it is empty or too long."""
    text = (text or "").strip()
    if required and not text:
        raise GameError("The message is empty: write something before sending.")
    if len(text) > MAX_LENGTH:
        raise GameError(
            f"The message is {len(text):,} characters long; the limit is {MAX_LENGTH}. "
            "Shorten it, or send it in two."
        )
    return text
