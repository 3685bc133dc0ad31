"""How a scenario's world works: its mechanisms' strengths, its misreadings, its outcome lines.

The ``dynamics:``, ``perception:`` and ``thresholds:`` sections of a scenario file
(:class:`~sim.spec.schema.Scenario`). A new mechanism's coefficients go in
:class:`Dynamics`, each with its range and meaning (docs/architecture.md).
"""

from __future__ import annotations

from pydantic import Field

from sim.spec.base import Strict, Unit


class Dynamics(Strict):
    """How the world responds to actions: the model's mechanisms and their strengths."""

    advance_step_km: float = Field(
        0.8, gt=0.0, le=5.0, description="Depth one unopposed advance step gains, km."
    )
    resistance_border_guards: Unit = Field(
        0.3, description="Share of an advance step that NSS border guards stop."
    )
    resistance_army: Unit = Field(
        0.85, description="Share of an advance step that regular army units stop."
    )
    partial_withdrawal_share: Unit = Field(
        0.5,
        description="Share of its advance in a sector Azerbaijan gives back when it "
        "withdraws partially.",
    )
    incident_probability_border_guards: Unit = Field(
        0.001,
        description="Chance per tick and sector that border guards facing advanced units "
        "exchange fire nobody ordered.",
    )
    incident_probability_army: Unit = Field(
        0.03,
        description="Chance per tick and sector that army units facing advanced units "
        "exchange fire nobody ordered.",
    )
    incident_entrenched_multiplier: float = Field(
        1.0,
        ge=0.0,
        le=10.0,
        description="How many times likelier an incident is where the advanced units have "
        "dug in, face to face with the defenders for good (1: no different).",
    )
    incident_alarm_gain: float = Field(
        0.0,
        ge=0.0,
        le=10.0,
        description="Extra share of the chance of an incident per unit of the defender's "
        "public alarm (nervous troops on a frightened border; 0: none).",
    )
    clash_escalation: Unit = Field(
        0.35, description="Clash intensity (0-1) one side's fire adds in a tick."
    )
    counter_attack_fire_multiplier: float = Field(
        2.0,
        ge=0.0,
        le=5.0,
        description="How many times `clash_escalation` an Armenian counter-attack adds: "
        "an assault on held ground, not an exchange of fire.",
    )
    assault_fire_multiplier: float = Field(
        2.0,
        ge=0.0,
        le=5.0,
        description="How many times `clash_escalation` an assault (an advance under "
        "artillery and drone fire, as on 27 September 2020) adds.",
    )
    patron_force_fire_multiplier: float = Field(
        2.0,
        ge=0.0,
        le=5.0,
        description="How many times `clash_escalation` Russia's use of force in "
        "Armenia's defence adds.",
    )
    ceasefire_offer_days: float = Field(
        1.0,
        ge=0.0,
        le=30.0,
        description="Days an offer of a ceasefire stays open for both governments to accept.",
    )
    ceasefire_incidents: Unit = Field(
        0.5,
        description="Share of the usual chance of incidents while a ceasefire holds (the "
        "line is quieter, not silent; returning the fire of one breaks it).",
    )
    ceasefire_breach_cost: float = Field(
        0.1,
        ge=0.0,
        le=5.0,
        description="Cost of defiance an attacker's breach of a ceasefire adds (the "
        "brokers' word defied).",
    )
    clash_persistence: Unit = Field(
        0.5, description="Share of clash intensity that carries over to the next tick."
    )
    casualties_per_tick: float = Field(
        2.0,
        ge=0.0,
        le=100.0,
        description="Expected casualties per side per tick at full clash intensity.",
    )
    assault_breakthrough: Unit = Field(
        0.5,
        description="Share of the defenders' resistance an assault overcomes: artillery "
        "and armour take prepared heights that a step without fire could not (April "
        "2016: two heights in two days).",
    )
    assault_casualty_multiplier: float = Field(
        4.0,
        ge=1.0,
        le=50.0,
        description="How many times the usual casualties a tick of assault costs both "
        "sides: an offensive's massed artillery and armour against prepared lines (about "
        "160 killed a day in the 2020 war, against tens in a clash).",
    )
    killed_share: Unit = Field(
        0.35,
        description="Share of casualties who are killed, the rest wounded (April 2016: "
        "about 90 killed and 120 wounded on the Armenian side; Kyrgyzstan-Tajikistan "
        "2022: about 100 killed and a few hundred wounded).",
    )
    fatigue_per_combat_day: float = Field(
        0.1,
        ge=0.0,
        le=5.0,
        description="Culmination: how fast days of fighting wear the clash down: its "
        "persistence is multiplied by exp(-(this x days of fighting so far + "
        "fatigue_per_killed x soldiers killed so far)) (Richardson's fatigue term).",
    )
    fatigue_per_killed: float = Field(
        0.001,
        ge=0.0,
        le=0.1,
        description="Culmination: how fast losses wear the clash down, per soldier killed "
        "(see fatigue_per_combat_day; 0.001 is a tenth per hundred killed).",
    )
    ceasefire_pressure_per_killed: float = Field(
        0.005,
        ge=0.0,
        le=0.2,
        description="Pressure to stop, per soldier killed: the odds that a broker offers "
        "a ceasefire, or a government accepts one, are multiplied by 1 + the pressure "
        "(Fearon's war of attrition; Beardsley et al. 2006 on mediation).",
    )
    ceasefire_pressure_per_attention: float = Field(
        1.0,
        ge=0.0,
        le=20.0,
        description="Pressure to stop per unit of international attention (0-1), added to "
        "the pressure of the killed.",
    )
    ceasefire_settling: Unit = Field(
        0.5,
        description="Share of a ceasefire's incidents left for each ceasefire broken "
        "before it: the next one is likelier to hold (Kyrgyzstan-Tajikistan 2022: two "
        "broke within hours, the third held).",
    )
    clash_ends_below: Unit = Field(
        0.05,
        description="Clash intensity below which a clash is over: intensity falls to 0 "
        "and no casualties are drawn.",
    )
    false_report_probability: Unit = Field(
        0.25,
        description="Chance per tick, while forces are in contact and Yerevan has not "
        "spoken, of a false report of clashes (as near Goris on 12 May).",
    )
    false_report_size: Unit = Field(0.35, description="Rumour level a false report adds.")
    rumour_per_km: Unit = Field(0.15, description="Rumour level each km of new advance adds.")
    clash_rumour: Unit = Field(
        0.3, description="Rumour level a tick in which the fighting grows adds."
    )
    rhetoric_rumour: Unit = Field(
        0.05, description="Rumour level Azerbaijan's irredentist rhetoric adds in a tick."
    )
    rumour_persistence: Unit = Field(
        0.85, description="Share of the rumour level that carries over to the next tick."
    )
    statement_calming: Unit = Field(
        0.6,
        description="How much an official statement cuts the rumour level at once (and, "
        "times `statement_facts_calming`, the alarm facts justify).",
    )
    statement_facts_calming: Unit = Field(
        0.5,
        description="Share of `statement_calming` by which, once Yerevan has spoken, the "
        "alarm facts justify is damped: words calm rumours more than they calm facts.",
    )
    alarm_per_km: Unit = Field(
        0.15,
        description="Alarm the facts justify per km of total advance (clash intensity "
        "adds to it; capped at 1).",
    )
    alarm_response: Unit = Field(
        0.5, description="How fast public alarm moves toward the level rumours and facts justify."
    )
    attention_persistence: Unit = Field(
        0.93, description="Share of international attention that carries over to the next tick."
    )
    attention_per_km: Unit = Field(
        0.1, description="International attention each km of new advance adds."
    )
    clash_attention: Unit = Field(
        0.3, description="International attention a tick in which the fighting grows adds."
    )
    rhetoric_attention: Unit = Field(
        0.05,
        description="International attention Azerbaijan's irredentist rhetoric adds in a tick.",
    )
    appeal_west_attention: Unit = Field(
        0.15, description="International attention Armenia's appeal to the West adds."
    )
    appeal_alliance_attention: Unit = Field(
        0.05, description="International attention Armenia's appeal to the CSTO adds."
    )
    third_party_statement_attention: Unit = Field(
        0.2,
        description="International attention a scheduled third-party statement "
        "(a `third_party_statement` inject) adds.",
    )
    restraint_call_cost: float = Field(
        0.04,
        ge=0.0,
        le=2.0,
        description="Cost of defiance a call for restraint adds (scaled by the caller's "
        "influence).",
    )
    mediation_offer_share: Unit = Field(
        0.5,
        description="Share of `restraint_call_cost` Russia's offer to mediate adds (scaled "
        "by Russia's influence).",
    )
    demand_cost: float = Field(
        0.12,
        ge=0.0,
        le=2.0,
        description="Cost of defiance a public demand to withdraw or a Russian warning adds.",
    )
    patron_force_cost_multiplier: float = Field(
        3.0,
        ge=0.0,
        le=10.0,
        description="How many times `demand_cost` Russia's use of force in Armenia's "
        "defence adds (scaled by Russia's influence): the strongest signal Moscow can send.",
    )
    alliance_cost: float = Field(
        0.08,
        ge=0.0,
        le=2.0,
        description="Cost of defiance a CSTO statement or fact-finding mission adds.",
    )
    justify_relief: Unit = Field(
        0.1,
        description="Cost of defiance Azerbaijan's map argument removes, times the "
        "ambiguity of the sectors it holds.",
    )
    defiance_persistence: Unit = Field(
        0.97, description="Share of the cost of defiance that carries over to the next tick."
    )
    talks_agreement_probability: Unit = Field(
        0.001, description="Chance per tick that local talks reach an agreement."
    )
    mediation_multiplier: float = Field(
        3.0,
        ge=1.0,
        le=20.0,
        description="How many times likelier agreement is when Russia mediates.",
    )
    agreement_pullback_share: Unit = Field(
        0.9, description="Share of its advance Azerbaijan gives back under an agreement."
    )


class Perception(Strict):
    """What each government gets wrong, and how late."""

    defender_depth_noise: Unit = Field(
        0.3, description="Relative error of Yerevan's reading of the advance depth."
    )
    defender_lag_ticks: int = Field(
        1, ge=0, le=8, description="Ticks before Yerevan learns of ground changes."
    )
    attacker_cost_noise: Unit = Field(
        0.1, description="Error (+/-) in Baku's reading of the cost of defiance."
    )
    alliance_clarity_noise: Unit = Field(
        0.1, description="Error (+/-) in each CSTO member's reading of how clear the attack is."
    )


class Thresholds(Strict):
    """Where the outcome classes draw their lines."""

    war_intensity: Unit = Field(
        0.8, description="Clash intensity that counts as sustained fighting."
    )
    war_battle_deaths: int = Field(
        1000,
        ge=1,
        le=1_000_000,
        description="Soldiers killed, both sides together, at which fighting is a war: the "
        "Correlates of War and UCDP line of 1,000 battle deaths.",
    )
    war_days: float = Field(
        30.0,
        ge=0.25,
        le=400.0,
        description="Days in a row of fighting at war_intensity or more that make a war "
        "whatever its deaths (sustained combat).",
    )
    withdrawn_below_km: float = Field(
        0.5,
        ge=0.0,
        le=5.0,
        description="A final total advance at or below this counts as Azerbaijan having "
        "gone back, km.",
    )
