"""What the record of Kyrgyzstan-Tajikistan, April 2021 shows (../shared/brief/cases-2020-2021.md)."""

from sim.readers.patterns import Pattern, fire_by_day, killed_near, no_collective_measures

PATTERNS = (
    fire_by_day(2.0, "Fire was exchanged within the first two days", key="fighting_within_days"),
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
    killed_near(55, "About 55 killed", "tens_killed"),
    no_collective_measures(
        "The CSTO, with both sides among its members, took no collective measures"
    ),
)
