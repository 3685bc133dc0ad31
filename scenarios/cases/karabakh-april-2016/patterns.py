"""What the record of the April 2016 fighting shows (../shared/brief/cases-2011-2022.md, E)."""

from sim.readers.patterns import Pattern, fire_by_day, killed_near, no_collective_measures

PATTERNS = (
    fire_by_day(
        1.0, "The attack opened with heavy fire on the first night", key="heavy_fire_at_once"
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
    killed_near(200, "About 200 killed in all", "about_two_hundred_killed"),
    no_collective_measures(
        "The CSTO took no collective measures (the ground lay outside the treaty)"
    ),
)
