"""What the record of Kyrgyzstan-Tajikistan, September 2022 shows (cases-2011-2022.md, F)."""

from sim.readers.patterns import Pattern, fire_by_day, killed_near, no_collective_measures

PATTERNS = (
    fire_by_day(1.0, "Fire was exchanged on the first day"),
    Pattern(
        "ground_taken",
        "Tajik units entered Kyrgyz villages",
        "max_depth_km > 0.5",
        ("max_depth_km",),
        lambda w: w.max_depth_km > 0.5,
    ),
    Pattern(
        "ceasefire_within_a_week",
        "A ceasefire held within a week, after two broke",
        "ceasefire_day ≤ 7",
        ("ceasefire_day",),
        lambda w: w.ceasefire_day <= 7.0,
    ),
    killed_near(100, "About 100 killed in all", "about_a_hundred_killed"),
    no_collective_measures(
        "The CSTO, both of whose members were fighting, took no collective measures"
    ),
)
