"""What a policy is: a named, documented decision rule for one kind of actor.

A policy class has typed parameters (a pydantic model whose fields carry range,
default and meaning), a docstring citing the fact of the case or the literature it
comes from, a ``classifier`` (in the manner of the Axelrod library's strategies) and
the list of ``reasons`` it can give for a choice, named by a :class:`Reason` enum so
that rules say which reason they give, not where it stands in a list. ``decide`` sees
only its actor's view and returns one :class:`~sim.core.world.Decision` for every world
at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, ClassVar, Self

import numpy as np
from pydantic import BaseModel, ConfigDict, create_model
from pydantic.fields import FieldInfo

from sim.catalogue.roles import PRINCIPAL_ROLES, Role
from sim.core.actions import Action
from sim.core.world import Decision

Draw = Callable[..., np.ndarray]


class Reason(IntEnum):
    """The reasons a policy can give, in the order of their codes, each with its text.

    A subclass lists its members as ``NAME = "text users read"``; a member's value is
    its position (the first, 0, must be "nothing calls for action"), which is the code a
    :class:`~sim.core.world.Decision` stores in ``reason`` and the index of the text in
    the policy's ``reasons`` (explanations, narration and the game read the text).
    """

    text: str

    def __new__(cls, text: str) -> Self:
        """Make the next member: its code is the number of members before it."""
        code = len(cls.__members__)
        member = int.__new__(cls, code)
        member._value_ = code
        member.text = text
        return member

    @classmethod
    def texts(cls) -> tuple[str, ...]:
        """Return every member's text, in code order: a policy's ``reasons``."""
        return tuple(member.text for member in cls)


class Params(BaseModel):
    """Base of every policy's parameters: unknown names are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


def with_defaults[P: Params](base: type[P], name: str, doc: str, **defaults: Any) -> type[P]:
    """Return a subclass of ``base`` whose listed fields have new defaults.

    Ranges and meanings stay the base's, so policies that share a rule differ only in
    what they value, and a test can check every default lies in its range.
    """
    fields = {
        key: (
            base.model_fields[key].annotation,
            FieldInfo.merge_field_infos(base.model_fields[key], default=value),
        )
        for key, value in defaults.items()
    }
    return create_model(name, __base__=base, __doc__=doc, **fields)


def chance(
    draw: Draw, stream: str, where: np.ndarray, probability: float | np.ndarray
) -> np.ndarray:
    """Return ``where & (draw(stream) < probability)``, drawing only if it can be true.

    For rules that apply in few worlds of few scenarios (a ceasefire on offer): the
    draws are keyed by stream, so skipping them changes no other number, and most ticks
    then cost nothing for the rule.
    """
    if np.max(probability) <= 0.0 or not where.any():
        return np.zeros(len(where), bool)
    return where & (draw(stream) < probability)


def no_ceasefire_yet(view) -> np.ndarray:
    """Where no ceasefire holds and none is on offer: where one may be offered."""
    return ~view.ceasefire & ~view.ceasefire_offered


def broker_would_offer(view) -> np.ndarray:
    """Where an outside broker offers a ceasefire: fire is exchanged and none is in hand.

    The patron's and the outside powers' rule (Karabakh, October 2020: Russia, France
    and the United States each brokered one).
    """
    return (view.clash_intensity > 0) & no_ceasefire_yet(view)


#: From this many worlds, ``first_match`` assigns by index (found once) rather than by
#: mask (scanned four times): 4.3 ms a tick against 1.2 at 100,000 worlds, while for a
#: handful of worlds the index costs more than it saves.
BY_INDEX_FROM = 256


@dataclass(frozen=True, slots=True)
class PolicyContext:
    """What a policy knows of its setting beyond its view."""

    actor_name: str
    kind: Role
    sector_ids: tuple[str, ...]
    tick_hours: int
    #: The principal roles the crisis has: a patron or an alliance may be missing, and a
    #: rule that would call on one is then left out (the defender's appeals).
    roles: frozenset[Role] = frozenset(PRINCIPAL_ROLES)


@dataclass(frozen=True, slots=True)
class Rule:
    """One line of a priority list: where ``when`` holds, take ``action``."""

    when: np.ndarray
    action: Action
    reason: Reason
    sector: np.ndarray | int = -1


REGISTRY: dict[tuple[Role, str], type[Policy]] = {}


class Policy:
    """Base class of every policy. Subclasses set the class attributes below."""

    name: ClassVar[str]
    actors: ClassVar[tuple[Role, ...]]
    Params: ClassVar[type[Params]] = Params
    classifier: ClassVar[dict[str, Any]] = {}
    #: The text of each reason code, by code: a :class:`Reason` enum's ``texts()``.
    reasons: ClassVar[tuple[str, ...]] = ("nothing calls for action",)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            for kind in cls.actors:
                REGISTRY[(kind, cls.name)] = cls

    def __init__(self, params: BaseModel, context: PolicyContext) -> None:
        self.params = params
        self.context = context

    def reset(self, worlds: int) -> None:
        """Prepare per-world memory for ``worlds`` worlds (override where a policy remembers)."""

    def decide(self, view: Any, draw: Draw) -> Decision:
        """Return this tick's choice in every world."""
        raise NotImplementedError

    def first_match(self, worlds: int, rules: Sequence[Rule]) -> Decision:
        """Return, per world, the first rule whose condition holds (else hold)."""
        decision = Decision.hold(worlds)
        free = np.ones(worlds, bool)  # worlds no earlier rule has taken
        for rule in rules:
            chosen = rule.when & free
            taken = np.count_nonzero(chosen)  # a third cheaper than .any()
            if not taken:
                continue
            if worlds >= BY_INDEX_FROM:  # find the chosen once, not in each of four scans
                chosen = np.flatnonzero(chosen)
            decision.action[chosen] = rule.action
            sector = rule.sector
            decision.sector[chosen] = sector[chosen] if isinstance(sector, np.ndarray) else sector
            decision.reason[chosen] = rule.reason
            free[chosen] = False
        return decision

    @classmethod
    def needs(cls, params: BaseModel, kind: Role) -> list[tuple[Role, tuple | None, str]]:
        """Return the roles this policy calls on that a crisis may lack (its patron, alliance).

        Each is (role, the parameter's path within ``params`` that calls on it, or None
        where the policy itself does, what calls on it in words). A scenario whose cast
        lacks the role is refused at that line (``sim.spec.absent``). A rule that merely
        could call on a missing role, at its defaults, is left out instead.
        """
        return []

    @classmethod
    def describe(cls) -> str:
        """Return the first paragraph of the docstring."""
        return (cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")


def policies_for(kind: Role) -> dict[str, type[Policy]]:
    """Return the policies registered for an actor kind, by name."""
    return {name: cls for (k, name), cls in sorted(REGISTRY.items()) if k == kind}


#: Hours in a day (the calendar's, not a coefficient): a day of the scenario into ticks.
HOURS_PER_DAY = 24


def tick_of_day(day: float, tick_hours: int) -> int:
    """Return the tick during which ``day`` (days from the start) falls (as a scenario's)."""
    return int(day * HOURS_PER_DAY // tick_hours)


def every(ticks_per_day: float, days: float | np.ndarray) -> int | np.ndarray:
    """Return a whole number of ticks (at least one) for a span of days.

    Per world where ``days`` is a column of a block of parameter sets (sim.core.columns).
    """
    if isinstance(days, np.ndarray):
        return np.maximum(1, np.round(days * ticks_per_day)).astype(np.int64)
    return max(1, round(days * ticks_per_day))
