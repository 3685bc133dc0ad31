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
    Pattern(
        "ground_taken",
        "The attacker took ground far beyond a border incident's",
        "max_depth_km ≥ 10",
        ("max_depth_km",),
        lambda w: w.max_depth_km >= 10.0,
    ),
    Pattern(
        "heavy_losses",
        "Over a thousand battle deaths",
        "casualties_defender + casualties_attacker ≥ 1000",
        ("casualties_defender", "casualties_attacker"),
        lambda w: w.casualties_defender + w.casualties_attacker >= 1000,
    ),
    Pattern(
        "no_collective_measures",
        "The CSTO took no collective measures (the treaty did not cover the ground)",
        "alliance_final_state ≠ collective_measures",
        ("alliance_final_state",),
        lambda w: w.alliance_final_state != "collective_measures",
    ),
)
