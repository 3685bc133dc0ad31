"""The defender's reasons and parameters, shared by its policies (sim/policies/defender.py)."""

from __future__ import annotations

from pydantic import Field

from sim.catalogue.roles import Role
from sim.policies.base import Params, Reason


class DefenceReason(Reason):
    """Why Yerevan acts as it does (the codes in ``Decision.reason``)."""

    NOTHING = "nothing calls for action"
    RETURNING_FIRE = "returning fire"
    PAST_THE_LINE = "the advance went past the line we defend"
    RETAKING_GROUND = "retaking ground the army can reach"
    REINFORCING = "a threatened sector needs more forces"
    PUBLIC_NEEDS_WORD = "the public needs official word"
    APPEALING_TO_ALLIANCE = "an attack on a member state: appealing to the {alliance}"
    INVOKING_TREATY = "invoking the bilateral treaty with {patron}"
    TALKING_ON_THE_SPOT = "stopping the advance on the spot by talking"
    RAISING_COST_ABROAD = "raising the cost of staying put abroad"
    CEASEFIRE_STOPS_FIRE = "a ceasefire on offer stops the fire"
    PROPOSING_CEASEFIRE = "under fire: proposing a ceasefire"
    ACCEPTING_LINE = "in talks, and the public can bear it: accepting the line for now"


class DefenceParams(Params):
    """Parameters shared by every Armenian policy."""

    return_fire_probability: float = Field(
        0.0, ge=0.0, le=1.0, description="Chance of firing back in a tick after being fired on."
    )
    fire_depth_km: float = Field(
        2.0, ge=0.0, le=20.0, description="Reported advance in one sector past which to fire, km."
    )
    fire_probability: float = Field(
        0.0, ge=0.0, le=1.0, description="Chance per tick of firing once past that depth."
    )
    alarm_fire_gain: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Extra chance of firing per unit of public alarm (public pressure).",
    )
    alarm_appeal_gain: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="How far public alarm hurries the appeal to the alliance: the chance "
        "per tick rises by this times alarm, and the reported depth it waits for falls by "
        "that share.",
    )
    concede_probability: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Chance per tick, while talks run and ground is held, of accepting the "
        "new line for now (conceding the ground; 0: never, as Yerevan in May 2021).",
    )
    alarm_concession_brake: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="How far public alarm holds back that concession: its chance falls by "
        "this share at full alarm.",
    )
    alarm_talks_brake: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="How far public alarm holds the government back from local talks (read "
        "at home as giving in): the chance per tick falls by this share at full alarm.",
    )
    counter_attack_probability: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Chance per tick of counter-attacking where the army stands on lost ground.",
    )
    reinforce_probability: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Chance per tick of sending forces to an advanced-on sector held weakly.",
    )
    reinforce_depth_km: float = Field(
        0.1,
        ge=0.0,
        le=20.0,
        description="Reported advance in the deepest sector past which it counts as "
        "advanced on, and needs forces if held weakly, km.",
    )
    send_army: bool = Field(
        False,
        description="Reinforce with regular army (true) or NSS border guards (false, as in 2021).",
    )
    alarm_army_at: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description="Public alarm above which the government reinforces with the army even "
        "if it would send border guards (the public demands the army; 1: never).",
    )
    statement_alarm: float = Field(
        0.3, ge=0.0, le=1.0, description="Public alarm at which the government speaks."
    )
    statement_probability: float = Field(
        0.35,
        ge=0.0,
        le=1.0,
        description="Chance per tick of the official statement once due (Yerevan was slow).",
    )
    appeal_depth_km: float = Field(
        0.5, ge=0.0, le=20.0, description="Reported total advance past which to appeal, km."
    )
    appeal_probability: float = Field(
        0.5, ge=0.0, le=1.0, description="Chance per tick of appealing to the CSTO once due."
    )
    appeal_casualties: int = Field(
        0,
        ge=0,
        le=100_000,
        description="Own casualties since the start at which the appeal is due even with no "
        "ground taken: shelling is an attack too (0: ground alone decides, as in May 2021).",
    )
    appeal_patron_probability: float = Field(
        0.4,
        ge=0.0,
        le=1.0,
        description="Chance per tick, after the CSTO appeal, of calling on Russia directly.",
    )
    talks_probability: float = Field(
        0.3, ge=0.0, le=1.0, description="Chance per tick of proposing local talks once appealed."
    )
    talks_depth_km: float = Field(
        0.1,
        ge=0.0,
        le=20.0,
        description="Reported total advance past which there is ground to negotiate over: "
        "local talks, and accepting the new line, wait for more, km.",
    )
    appeal_west_probability: float = Field(
        0.1, ge=0.0, le=1.0, description="Chance per tick of appealing to Western capitals."
    )
    ceasefire_accept_probability: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Chance per tick of accepting an open offer of a ceasefire. While one "
        "holds, the government fires only to return fire.",
    )
    ceasefire_offer_probability: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Chance per tick, under fire, of proposing a ceasefire (Bishkek and "
        "Dushanbe agreed one within a day in April 2021).",
    )


#: The parameters that say only how the defender calls on a role a crisis may lack.
APPEAL_PARAMETERS = {
    "appeal_probability": Role.ALLIANCE,
    "alarm_appeal_gain": Role.ALLIANCE,
    "appeal_casualties": Role.ALLIANCE,
    "appeal_patron_probability": Role.PATRON,
}
