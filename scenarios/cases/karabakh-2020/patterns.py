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
        "war_within_weeks",
        "The fighting crossed the war line (1,000 battle deaths) within three weeks",
        "war_day ≤ 21",
        ("war_day",),
        lambda w: w.war_day <= 21.0,
    ),
    Pattern(
        "heavy_losses_at_once",
        "Thousands killed (about 7,000 soldiers in 44 days; within a factor of three: "
        "2,300 or more)",
        "killed_defender + killed_attacker ≥ 2,300",
        ("killed_defender", "killed_attacker"),
        lambda w: w.killed_defender + w.killed_attacker >= 2300,
    ),
    Pattern(
        "no_collective_measures",
        "The CSTO took no collective measures (the treaty did not cover the ground)",
        "alliance_final_state ≠ collective_measures",
        ("alliance_final_state",),
        lambda w: w.alliance_final_state != "collective_measures",
    ),
)
