"""What the record of Kyrgyzstan-Tajikistan, September 2022 shows (cases-2011-2022.md, F)."""

from sim.readers.patterns import Pattern

PATTERNS = (
    Pattern(
        "fighting_at_once",
        "Fire was exchanged on the first day",
        "first_shot_day ≤ 1",
        ("first_shot_day",),
        lambda w: w.first_shot_day <= 1.0,
    ),
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
    Pattern(
        "about_a_hundred_killed",
        "About 100 killed in all (within a factor of three: 33 to 300)",
        "33 ≤ killed_defender + killed_attacker ≤ 300",
        ("killed_defender", "killed_attacker"),
        lambda w: (w.killed_defender + w.killed_attacker).between(33, 300),
    ),
    Pattern(
        "no_collective_measures",
        "The CSTO, both of whose members were fighting, took no collective measures",
        "alliance_final_state ≠ collective_measures",
        ("alliance_final_state",),
        lambda w: w.alliance_final_state != "collective_measures",
    ),
)
