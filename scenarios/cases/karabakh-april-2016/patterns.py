"""What the record of the April 2016 fighting shows (../shared/brief/cases-2011-2022.md, E)."""

from sim.readers.patterns import Pattern

PATTERNS = (
    Pattern(
        "heavy_fire_at_once",
        "The attack opened with heavy fire on the first night",
        "first_shot_day ≤ 1",
        ("first_shot_day",),
        lambda w: w.first_shot_day <= 1.0,
    ),
    Pattern(
        "ground_taken_and_kept",
        "Two heights were taken and kept",
        "final_depth_km > 0.5",
        ("final_depth_km",),
        lambda w: w.final_depth_km > 0.5,
    ),
    Pattern(
        "ceasefire_within_a_week",
        "A ceasefire agreed on day 4 held",
        "ceasefire_day ≤ 7",
        ("ceasefire_day",),
        lambda w: w.ceasefire_day <= 7.0,
    ),
    Pattern(
        "about_two_hundred_killed",
        "About 200 killed in all (within a factor of three: 67 to 600)",
        "67 ≤ killed_defender + killed_attacker ≤ 600",
        ("killed_defender", "killed_attacker"),
        lambda w: (w.killed_defender + w.killed_attacker).between(67, 600),
    ),
    Pattern(
        "no_collective_measures",
        "The CSTO took no collective measures (the ground lay outside the treaty)",
        "alliance_final_state ≠ collective_measures",
        ("alliance_final_state",),
        lambda w: w.alliance_final_state != "collective_measures",
    ),
)
