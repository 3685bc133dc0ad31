"""Armenia's policies: whether to fire, whom to call, and when to speak.

All share one priority list (return fire, answer ceasefires, fire, counter-attack,
reinforce, speak, appeal to the CSTO, to Russia, talk, accept the line for now, appeal
to the West) and differ in its weights.
They read Yerevan's view: the advance as reported (late, with error), its own
forces, and its public's alarm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.catalogue.roles import Role
from sim.core.actions import Action
from sim.core.mechanisms.culmination import pressed
from sim.core.perception import DefenderView
from sim.core.rowwise import row_argmax, row_sum
from sim.core.world import FORCE_RANK, Decision, Talks
from sim.policies.base import Draw, Policy, Rule, chance, no_ceasefire_yet, with_defaults
from sim.policies.defence import APPEAL_PARAMETERS, DefenceParams, DefenceReason
from sim.spec.schema import ForceKind

#: Force levels as ``own_force`` holds them (FORCE_RANK; 0: nobody). The army stands
#: in a sector whose level is ARMY or above (the army with border guards).
BORDER_GUARDS = FORCE_RANK[ForceKind.BORDER_GUARDS]
ARMY = FORCE_RANK[ForceKind.ARMY]


@dataclass(frozen=True, slots=True)
class Threat:
    """The advance as Yerevan reads it (late, with error), per world."""

    total: np.ndarray  # reported total advance, km
    deepest: np.ndarray  # the sector advanced into deepest
    deepest_km: np.ndarray  # how deep, km
    force_there: np.ndarray  # who holds that sector (a force level)


@dataclass(frozen=True, slots=True)
class Pressed:
    """The government's chances and thresholds as its public's alarm presses them, per world.

    With every alarm parameter at 0 (the defaults) they are the policy's own.
    """

    wants_army: np.ndarray  # reinforce with the army: the policy's choice, or the public's
    fire_chance: np.ndarray  # of firing past the line
    appeal_due: np.ndarray  # the appeal to the alliance is due: ground taken, or shelling
    appeal_chance: np.ndarray  # of that appeal, once due
    talks_chance: np.ndarray  # of proposing local talks
    concede_chance: np.ndarray  # of accepting the new line for now, in talks


class _Defender(Policy):
    """The shared rule: return fire, answer ceasefires, fight, reinforce, speak, negotiate."""

    actors: ClassVar = (Role.DEFENDER,)
    reasons: ClassVar = DefenceReason.texts()
    Params: ClassVar = DefenceParams

    def decide(self, view: DefenderView, draw: Draw) -> Decision:
        """Choose per world by the shared priority list: the first rule that holds decides."""
        threat = self.threat(view)
        pressed = self.pressed(view, threat)
        u = draw("choice")  # one draw for returning fire and for firing past the line
        return self.first_match(
            view.worlds,
            [
                self.return_fire(view, u),
                *self.answer_ceasefires(view, draw),
                *self.fight(view, threat, pressed, u, draw),
                *self.reinforce(threat, pressed, draw),
                *self.speak_and_appeal(view, threat, pressed, draw),
                *self.negotiate(view, threat, pressed, draw),
                self.appeal_west(view, threat, draw),
            ],
        )

    def threat(self, view: DefenderView) -> Threat:
        """Read the reported advance: its total, and the sector it went deepest into."""
        depth = view.depth_km
        worlds = np.arange(view.worlds)
        deepest = row_argmax(depth)
        return Threat(
            total=row_sum(depth),
            deepest=deepest,
            deepest_km=depth[worlds, deepest],
            force_there=view.own_force[worlds, deepest],
        )

    def pressed(self, view: DefenderView, threat: Threat) -> Pressed:
        """Let public alarm press each choice as far as the policy's parameters let it."""
        p = self.params
        alarm = view.alarm
        shelled = (p.appeal_casualties > 0) & (view.casualties >= p.appeal_casualties)
        hurried = p.alarm_appeal_gain * alarm
        return Pressed(
            wants_army=np.full(view.worlds, p.send_army) | (alarm > p.alarm_army_at),
            fire_chance=p.fire_probability + p.alarm_fire_gain * alarm,
            appeal_due=(threat.total > p.appeal_depth_km * (1.0 - hurried)) | shelled,
            appeal_chance=p.appeal_probability + hurried,
            talks_chance=p.talks_probability * (1.0 - p.alarm_talks_brake * alarm),
            concede_chance=p.concede_probability * (1.0 - p.alarm_concession_brake * alarm),
        )

    def return_fire(self, view: DefenderView, u: np.ndarray) -> Rule:
        """Fire back where Azerbaijan fired last tick (or an incident broke out)."""
        return Rule(
            view.fired_upon & (u < self.params.return_fire_probability),
            Action.DEFENDER_FIRE,
            DefenceReason.RETURNING_FIRE,
        )

    def answer_ceasefires(self, view: DefenderView, draw: Draw) -> list[Rule]:
        """Accept a ceasefire on offer; under fire, propose one."""
        p = self.params
        under_fire = view.fired_upon & no_ceasefire_yet(view)
        return [
            Rule(
                chance(
                    draw,
                    "ceasefire",
                    view.ceasefire_offered,
                    pressed(p.ceasefire_accept_probability, view.ceasefire_pressure),
                ),
                Action.ACCEPT_CEASEFIRE,
                DefenceReason.CEASEFIRE_STOPS_FIRE,
            ),
            Rule(
                chance(draw, "offer_ceasefire", under_fire, p.ceasefire_offer_probability),
                Action.OFFER_CEASEFIRE,
                DefenceReason.PROPOSING_CEASEFIRE,
            ),
        ]

    def fight(
        self, view: DefenderView, threat: Threat, pressed: Pressed, u: np.ndarray, draw: Draw
    ) -> list[Rule]:
        """Past the line it defends, with no ceasefire: fire, or counter-attack with the army."""
        p = self.params
        past_the_line = ~view.ceasefire & (threat.deepest_km > p.fire_depth_km)
        return [
            Rule(
                past_the_line & (u < pressed.fire_chance),
                Action.DEFENDER_FIRE,
                DefenceReason.PAST_THE_LINE,
                threat.deepest,
            ),
            Rule(
                past_the_line
                & (threat.force_there >= ARMY)  # the army is there, alone or with guards
                & (draw("counter") < p.counter_attack_probability),
                Action.COUNTER_ATTACK,
                DefenceReason.RETAKING_GROUND,
                threat.deepest,
            ),
        ]

    def reinforce(self, threat: Threat, pressed: Pressed, draw: Draw) -> list[Rule]:
        """Send forces to the sector advanced into deepest, if held more weakly than it would be."""
        p = self.params
        sent = np.where(pressed.wants_army, ARMY, BORDER_GUARDS)
        reinforces = (
            (threat.deepest_km > p.reinforce_depth_km)
            & (threat.force_there < sent)
            & (draw("reinforce") < p.reinforce_probability)
        )
        return [
            Rule(
                reinforces & pressed.wants_army,
                Action.SEND_ARMY,
                DefenceReason.REINFORCING,
                threat.deepest,
            ),
            Rule(
                reinforces & ~pressed.wants_army,
                Action.SEND_BORDER_GUARDS,
                DefenceReason.REINFORCING,
                threat.deepest,
            ),
        ]

    @classmethod
    def needs(cls, params: DefenceParams, kind: Role) -> list[tuple[Role, tuple | None, str]]:
        """Return the appeals' parameters set in the file, or by this policy's own defaults."""
        found = {}
        for name, role in APPEAL_PARAMETERS.items():
            if name in params.model_fields_set:
                found[name] = (role, (name,), f"`{name}`, of an appeal to the {role.value},")
            elif cls.Params.model_fields[name].default != DefenceParams.model_fields[name].default:
                found.setdefault(role, (role, None, f"{cls.name}'s own `{name}`"))
        return list(found.values())

    def appealed(self, view: DefenderView) -> np.ndarray:
        """Where it has appealed to the alliance; everywhere if the crisis has none."""
        return view.appealed_alliance | (Role.ALLIANCE not in self.context.roles)

    def speak_and_appeal(
        self, view: DefenderView, threat: Threat, pressed: Pressed, draw: Draw
    ) -> list[Rule]:
        """Give the public official word once alarm is high; appeal to the CSTO, then Russia.

        An appeal to a role the crisis lacks is never made; with no alliance, the call on
        the patron waits for the appeal depth alone.
        """
        p, roles = self.params, self.context.roles
        rules = [
            Rule(
                ~view.statement_made
                & (view.alarm >= p.statement_alarm)
                & (draw("statement") < p.statement_probability),
                Action.OFFICIAL_STATEMENT,
                DefenceReason.PUBLIC_NEEDS_WORD,
            )
        ]
        if Role.ALLIANCE in roles:
            rules.append(
                Rule(
                    ~view.appealed_alliance
                    & pressed.appeal_due
                    & (draw("appeal") < pressed.appeal_chance),
                    Action.APPEAL_ALLIANCE,
                    DefenceReason.APPEALING_TO_ALLIANCE,
                )
            )
        if Role.PATRON in roles:
            due = (
                view.appealed_alliance
                if Role.ALLIANCE in roles
                else threat.total > p.appeal_depth_km
            )
            rules.append(
                Rule(
                    due
                    & ~view.appealed_patron
                    # The stream keeps its first name: renamed, every world would move.
                    & (draw("appeal_russia") < p.appeal_patron_probability),
                    Action.APPEAL_PATRON,
                    DefenceReason.INVOKING_TREATY,
                )
            )
        return rules

    def negotiate(
        self, view: DefenderView, threat: Threat, pressed: Pressed, draw: Draw
    ) -> list[Rule]:
        """Once appealed, propose local talks; in talks, perhaps accept the line for now."""
        held = threat.total > self.params.talks_depth_km
        in_talks = (view.talks == Talks.LOCAL) | (view.talks == Talks.MEDIATED)
        return [
            Rule(
                self.appealed(view)
                & (view.talks == Talks.NONE)
                & held
                & (draw("talks") < pressed.talks_chance),
                Action.LOCAL_TALKS,
                DefenceReason.TALKING_ON_THE_SPOT,
            ),
            Rule(
                chance(draw, "concede", in_talks & held, pressed.concede_chance),
                Action.ACCEPT_LINE,
                DefenceReason.ACCEPTING_LINE,
            ),
        ]

    def appeal_west(self, view: DefenderView, threat: Threat, draw: Draw) -> Rule:
        """Appeal to Western capitals once the reported advance passes the appeal depth."""
        p = self.params
        return Rule(
            ~view.appealed_west
            & (threat.total > p.appeal_depth_km)
            & (draw("appeal_west") < p.appeal_west_probability),
            Action.APPEAL_WEST,
            DefenceReason.RAISING_COST_ABROAD,
        )


class Restraint(_Defender):
    """Stop the advance without firing; speak, appeal to allies, talk on the spot.

    What Yerevan did in May 2021: after an emergency Security Council meeting the
    prime minister said the advance had been stopped without a shot; Armenia appealed
    formally to the CSTO on 13 May, the prime minister phoned Russia's president that
    evening, and local commanders negotiated. Border guards, not the army, held the line.
    """

    name = "restraint"
    classifier: ClassVar = {"stochastic": True, "fires_first": False, "reads": ["alarm"]}


FirmParams = with_defaults(
    DefenceParams,
    "FirmParams",
    "A firm defender: army forward, fire past a depth.",
    return_fire_probability=0.5,
    fire_depth_km=0.5,
    fire_probability=0.15,
    counter_attack_probability=0.1,
    reinforce_probability=0.7,
    send_army=True,
    talks_probability=0.05,
)


class FirmDefender(_Defender):
    """Send the army forward and fire once the advance passes a depth.

    The road not taken in 2021, and the one the border-guard reading implies: had
    regular army units held the line, the advance would have met resistance, at the
    price of a likelier exchange of fire (Armenia had pulled the army back as Russian
    positions in Syunik grew).
    """

    name = "firm_defender"
    Params: ClassVar = FirmParams
    classifier: ClassVar = {"stochastic": True, "fires_first": True, "reads": ["depth_km"]}


RumourParams = with_defaults(
    DefenceParams,
    "RumourParams",
    "A government that follows its public's alarm.",
    return_fire_probability=0.5,
    fire_depth_km=0.2,
    alarm_fire_gain=0.25,
    statement_alarm=0.8,
    statement_probability=0.2,
    appeal_depth_km=0.0,
    appeal_probability=0.7,
    appeal_west_probability=0.3,
)


class RumourDriven(_Defender):
    """Let public alarm push the government: late word, early appeals, fire under pressure.

    On 12 May 2021 local officials around Goris reported clashes that proved false;
    Yerevan was slow to comment and panic spread on social networks. Analysts note
    that in Armenia threat perception and rumour weigh as much as facts. This
    government speaks only when alarm is very high and fires more the more alarmed
    its public is.
    """

    name = "rumour_driven"
    Params: ClassVar = RumourParams
    classifier: ClassVar = {"stochastic": True, "fires_first": True, "reads": ["alarm", "rumour"]}
