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
        "ceasefire_at_once",
        "The governments agreed a ceasefire the evening the troops joined in",
        "ceasefire_day ≤ 2.5",
        ("ceasefire_day",),
        lambda w: w.ceasefire_day <= 2.5,
    ),
    Pattern(
        "tens_killed",
        "About 55 killed (within a factor of three: 18 to 165)",
        "18 ≤ killed_defender + killed_attacker ≤ 165",
        ("killed_defender", "killed_attacker"),
        lambda w: (w.killed_defender + w.killed_attacker).between(18, 165),
    ),
    Pattern(
        "no_collective_measures",
        "The CSTO, with both sides among its members, took no collective measures",
        "alliance_final_state ≠ collective_measures",
        ("alliance_final_state",),
        lambda w: w.alliance_final_state != "collective_measures",
    ),
)
