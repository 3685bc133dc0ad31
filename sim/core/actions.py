"""The action catalogue and the escalation ladder every history is scored on.

Each action belongs to one or more actor kinds and carries two scores:

* a **rung** on the Correlates of War militarised interstate dispute hostility levels
  (Jones, Bremer & Singer 1996; Palmer et al. 2022, MID5 codebook): 1 no militarised
  action, 2 threat to use force, 3 display of force, 4 use of force, 5 war. Where the
  MID codebook names the action (border violation, occupation of territory, clash),
  the rung is the codebook's;
* a **cooperation-conflict score** on the Goldstein (1992) scale from -10 (most
  conflictual) to +10 (most cooperative), taken from the CAMEO event code the action
  maps to (Schrodt 2012, CAMEO codebook, with the Goldstein weights distributed with
  it; where a sub-code's own weight was not at hand, its family's weight is used).

So a history from any policy, scripted or human, is scored the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from sim.catalogue.roles import Role, name_roles


class Rung(IntEnum):
    """Correlates of War hostility levels, the model's escalation ladder."""

    NO_MILITARISED_ACTION = 1
    THREAT = 2
    DISPLAY_OF_FORCE = 3
    USE_OF_FORCE = 4
    WAR = 5

    @property
    def label(self) -> str:
        """Return the level's name as the MID codebook words it."""
        return self.name.lower().replace("_", " ")


@dataclass(frozen=True, slots=True)
class ActionInfo:
    """What the catalogue knows of one action."""

    actors: frozenset[Role]
    rung: Rung
    goldstein: float
    cameo: str
    targets_sector: bool
    description: str  # roles as ``{attacker}``...: :func:`described` names a cast's states


_AZ, _AM, _RU, _CS, _TP = Role  # attacker, defender, patron, alliance, third party
_ALL = frozenset(Role)
_R1, _R2, _R3, _R4 = (
    Rung.NO_MILITARISED_ACTION,
    Rung.THREAT,
    Rung.DISPLAY_OF_FORCE,
    Rung.USE_OF_FORCE,
)


class Action(IntEnum):
    """Every action an actor can take in one tick (int codes are stored per world)."""

    HOLD = 0
    # The attacker
    ADVANCE = 1
    ENTRENCH = 2
    WITHDRAW_PARTIAL = 3
    WITHDRAW_FULL = 4
    ATTACKER_FIRE = 5
    JUSTIFY = 6
    RHETORIC = 7
    PROPOSE_TALKS = 8
    ASSAULT = 9
    # The defender
    SEND_BORDER_GUARDS = 20
    SEND_ARMY = 21
    DEFENDER_FIRE = 22
    COUNTER_ATTACK = 23
    OFFICIAL_STATEMENT = 24
    APPEAL_ALLIANCE = 25
    APPEAL_PATRON = 26
    APPEAL_WEST = 27
    LOCAL_TALKS = 28
    ACCEPT_LINE = 29
    # The patron
    PHONE_BOTH = 40
    URGE_RESTRAINT = 41
    OFFER_MEDIATION = 42
    DEPLOY_TROOPS = 43
    PRESSURE_ATTACKER = 44
    DEFEND_ALLY = 45
    # The alliance
    CONSULTATIONS = 60
    ALLIANCE_STATEMENT = 61
    FACT_FINDING = 62
    COLLECTIVE_MEASURES = 63
    # Third parties
    CALL_FOR_RESTRAINT = 80
    DEMAND_WITHDRAWAL = 81
    BACK_ATTACKER = 82
    # A ceasefire: offered by a broker or either government, accepted by both governments
    OFFER_CEASEFIRE = 100
    ACCEPT_CEASEFIRE = 101

    @property
    def info(self) -> ActionInfo:
        """Return this action's catalogue entry."""
        return CATALOGUE[self]

    @property
    def label(self) -> str:
        """Return the action's name in plain words, e.g. ``"send border guards"``."""
        return (
            self.name.lower().removeprefix("attacker_").removeprefix("defender_").replace("_", " ")
        )


def _a(actors, rung, goldstein, cameo, description, targets_sector=False) -> ActionInfo:
    return ActionInfo(frozenset(actors), rung, goldstein, cameo, targets_sector, description)


CATALOGUE: dict[Action, ActionInfo] = {
    Action.HOLD: _a(_ALL, _R1, 0.0, "-", "no new action; keep positions"),
    Action.ADVANCE: _a(
        {_AZ}, _R3, -7.2, "150", "push forward one step in a sector (MID: border violation)", True
    ),
    Action.ENTRENCH: _a(
        {_AZ},
        _R4,
        -9.5,
        "192",
        "dig in at the positions taken (MID: occupation of territory)",
        True,
    ),
    Action.WITHDRAW_PARTIAL: _a(
        {_AZ}, _R1, 9.0, "087", "pull back half-way in the deepest sector", True
    ),
    Action.WITHDRAW_FULL: _a({_AZ}, _R1, 10.0, "0874", "pull back to the pre-crisis line"),
    Action.ATTACKER_FIRE: _a({_AZ}, _R4, -10.0, "190", "open fire (MID: clash)"),
    Action.JUSTIFY: _a(
        {_AZ}, _R1, 0.0, "010", "explain the move: unagreed border, the maps, the weather"
    ),
    Action.RHETORIC: _a(
        {_AZ}, _R1, -2.0, "111", "irredentist rhetoric: {defender}'s land is historically ours"
    ),
    Action.PROPOSE_TALKS: _a({_AZ}, _R1, 4.0, "036", "propose talks between local commanders"),
    Action.ASSAULT: _a(
        {_AZ},
        _R4,
        -10.0,
        "190",
        "advance under fire: artillery and drones ahead of the units (MID: attack)",
        True,
    ),
    Action.SEND_BORDER_GUARDS: _a(
        {_AM}, _R3, -7.2, "150", "send border guards to a sector (MID: fortify border)", True
    ),
    Action.SEND_ARMY: _a(
        {_AM}, _R3, -7.2, "150", "send regular army units to a sector (MID: show of troops)", True
    ),
    Action.DEFENDER_FIRE: _a(
        {_AM}, _R4, -10.0, "190", "open fire on the advancing units (MID: clash)"
    ),
    Action.COUNTER_ATTACK: _a(
        {_AM}, _R4, -10.0, "190", "counter-attack to retake ground (MID: attack)", True
    ),
    Action.OFFICIAL_STATEMENT: _a(
        {_AM}, _R1, 0.0, "010", "official statement on what happened (calms rumours)"
    ),
    Action.APPEAL_ALLIANCE: _a({_AM}, _R1, 3.0, "02", "formal appeal to the {alliance}"),
    Action.APPEAL_PATRON: _a(
        {_AM}, _R1, 3.0, "02", "appeal to {patron} under the bilateral treaty"
    ),
    Action.APPEAL_WEST: _a({_AM}, _R1, 3.0, "02", "appeal to Western capitals"),
    Action.LOCAL_TALKS: _a({_AM}, _R1, 7.0, "046", "local commanders negotiate on the spot"),
    Action.ACCEPT_LINE: _a({_AM}, _R1, 5.0, "08", "accept the new line for now"),
    Action.PHONE_BOTH: _a({_RU}, _R1, 1.0, "040", "phone both sides' leaders or ministers"),
    Action.URGE_RESTRAINT: _a(
        {_RU}, _R1, 3.0, "0256", "urge restraint and strict adherence to the ceasefire"
    ),
    Action.OFFER_MEDIATION: _a({_RU, _TP}, _R1, 4.0, "039", "offer to mediate between the sides"),
    Action.DEPLOY_TROOPS: _a(
        {_RU}, _R3, 8.5, "074", "put {patron}'s troops on the line in a sector (peacekeeping)", True
    ),
    Action.PRESSURE_ATTACKER: _a(
        {_RU}, _R2, -5.0, "10", "demand that {attacker} pull back, with a warning"
    ),
    Action.DEFEND_ALLY: _a(
        {_RU}, _R4, -10.0, "190", "use force against the advance under the alliance", True
    ),
    Action.CONSULTATIONS: _a({_CS}, _R1, 1.0, "040", "members consult on the appeal"),
    Action.ALLIANCE_STATEMENT: _a(
        {_CS}, _R1, 0.0, "010", "statement: following events, will act if needed"
    ),
    Action.FACT_FINDING: _a({_CS}, _R1, -2.0, "09", "send a fact-finding mission"),
    Action.COLLECTIVE_MEASURES: _a(
        {_CS}, _R3, -7.2, "150", "collective measures under the security treaty"
    ),
    Action.CALL_FOR_RESTRAINT: _a({_TP}, _R1, 3.0, "0256", "voice concern and urge restraint"),
    Action.DEMAND_WITHDRAWAL: _a(
        {_TP}, _R1, -5.0, "10", "say forces crossed the border and must withdraw"
    ),
    Action.BACK_ATTACKER: _a({_TP}, _R1, 3.5, "05", "back {attacker}'s position in public"),
    Action.OFFER_CEASEFIRE: _a(
        {_AZ, _AM, _RU, _TP}, _R1, 5.0, "0356", "propose a ceasefire (both governments must accept)"
    ),
    Action.ACCEPT_CEASEFIRE: _a({_AZ, _AM}, _R1, 9.0, "0871", "accept the ceasefire on offer"),
}

#: Lookup tables indexed by action code, so a tick scores R choices in one numpy gather.
_MAX_CODE = max(Action) + 1
RUNG_OF = np.ones(_MAX_CODE, dtype=np.int8)
GOLDSTEIN_OF = np.zeros(_MAX_CODE, dtype=np.float32)
for _action, _info in CATALOGUE.items():
    RUNG_OF[_action] = _info.rung
    GOLDSTEIN_OF[_action] = _info.goldstein

ACTION_NAMES = {a.value: a.name.lower() for a in Action}

#: The attacker's steps forward (each gains ground in 7.3; talks do not start during one).
STEPS_FORWARD = (Action.ADVANCE, Action.ASSAULT)
#: What breaks a ceasefire, by side: fire or a step forward it ordered (docs/model.md, 7.5).
BREACHES = {
    Role.ATTACKER: (*STEPS_FORWARD, Action.ATTACKER_FIRE),
    Role.DEFENDER: (Action.DEFENDER_FIRE, Action.COUNTER_ATTACK),
}


def actions_for(kind: Role) -> list[Action]:
    """Return the actions an actor of this kind may take, in catalogue order."""
    return [a for a, info in CATALOGUE.items() if kind in info.actors]


#: The moves that call on a role a crisis may lack (``cast: {alliance: null}``).
CALLS_ON = {Action.APPEAL_ALLIANCE: Role.ALLIANCE, Action.APPEAL_PATRON: Role.PATRON}


def actions_in(kind: Role, cast) -> list[Action]:
    """Return :func:`actions_for` less the moves that call on a role ``cast`` lacks.

    Thailand and Cambodia in 2011 had no alliance to appeal to and no patron to call.
    """
    return [a for a in actions_for(kind) if a not in CALLS_ON or cast.has(CALLS_ON[a])]


def described(action: Action, cast) -> str:
    """Return what ``action`` does, in words, with ``cast``'s states (None: the roles')."""
    return name_roles(CATALOGUE[action].description, cast)


def parse_action(name: str) -> Action:
    """Return the action called ``name`` (case-insensitive, spaces or underscores)."""
    return Action[name.strip().upper().replace(" ", "_").replace("-", "_")]


def is_one_of(codes: np.ndarray, *actions: Action) -> np.ndarray:
    """Return, per world, whether ``codes`` holds one of ``actions``.

    The same as ``np.isin(codes, actions)``; comparing with each action in turn avoids
    ``isin``'s set-up, which dominates for the few actions and small blocks of a tick.
    """
    found = codes == actions[0]
    for action in actions[1:]:
        found |= codes == action
    return found
