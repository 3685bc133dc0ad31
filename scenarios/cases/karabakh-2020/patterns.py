"""What the record of the 2020 Karabakh war shows (../shared/brief/cases-2020-2021.md)."""

from sim.readers.patterns import Pattern

PATTERNS = (
    Pattern(
        "fighting_from_the_start",
        "The offensive opened with fire on the first day",
        "first_shot_day ≤ 1",
        ("first_shot_day",),
        lambda w: w.first_shot_day <= 1.0,
    ),
    # The model ends a world when its fighting becomes a war (the outcome is absorbing), so
    # the record's patterns are those of the war's first days. Its course (44 days, the
    # southern districts and Shusha retaken, some 6,700 soldiers killed) lies beyond a
    # border-crisis model: docs/validation.md, section 4.
    Pattern(
        "war_within_days",
        "Fire became sustained heavy fighting within the first days",
        "end_day ≤ 5 and the world ends in war",
        ("end_day", "outcome"),
        lambda w: (w.end_day <= 5.0) & (w.outcome == "war"),
    ),
    Pattern(
        "heavy_losses_at_once",
        "Hundreds killed or wounded in the first days (Armenia alone reported over 100 "
        "soldiers killed by 30 September)",
        "casualties_defender + casualties_attacker ≥ 200",
        ("casualties_defender", "casualties_attacker"),
        lambda w: w.casualties_defender + w.casualties_attacker >= 200,
    ),
    Pattern(
        "no_collective_measures",
        "The CSTO took no collective measures (the treaty did not cover the ground)",
        "alliance_final_state ≠ collective_measures",
        ("alliance_final_state",),
        lambda w: w.alliance_final_state != "collective_measures",
    ),
)
