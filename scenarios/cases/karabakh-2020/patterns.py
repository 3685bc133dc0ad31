"""What the record of the 2020 Karabakh war shows (../shared/brief/cases-2020-2021.md)."""

from sim.readers.patterns import Pattern, fire_by_day, no_collective_measures

PATTERNS = (
    fire_by_day(
        1.0, "The offensive opened with fire on the first day", key="fighting_from_the_start"
    ),
    # A world past the war line runs on to the horizon with its killed counted (a war is
    # not absorbing, docs/model.md, section 7.11), so the record's losses can be read;
    # the war's course (the southern districts and Shusha retaken) lies beyond a
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
    no_collective_measures(
        "The CSTO took no collective measures (the treaty did not cover the ground)"
    ),
)
