"""What the record of Kyrgyzstan-Tajikistan, April 2021 shows (../shared/brief/cases-2020-2021.md)."""

from sim.readers.patterns import Pattern

PATTERNS = (
    Pattern(
        "fighting_within_days",
        "Fire was exchanged within the first two days",
        "first_shot_day ≤ 2",
        ("first_shot_day",),
        lambda w: w.first_shot_day <= 2.0,
    ),
    Pattern(
        "back_to_earlier_positions",
        "Troops returned to their earlier positions within days",
        "final_depth_km = 0",
        ("final_depth_km",),
        lambda w: w.final_depth_km == 0.0,
    ),
    Pattern(
        "no_collective_measures",
        "The CSTO, with both sides among its members, took no collective measures",
        "alliance_final_state ≠ collective_measures",
        ("alliance_final_state",),
        lambda w: w.alliance_final_state != "collective_measures",
    ),
)
