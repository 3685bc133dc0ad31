"""What the record of Armenia-Azerbaijan, July-August 2014 shows (../shared/brief/cases-2011-2022.md, H)."""

from sim.readers.patterns import Pattern

PATTERNS = (
    Pattern(
        "fighting_at_once",
        "Raids and fire in reply from the first day",
        "first_shot_day ≤ 1",
        ("first_shot_day",),
        lambda w: w.first_shot_day <= 1.0,
    ),
    Pattern(
        "no_ground_changed_hands",
        "No ground changed hands",
        "max_depth_km = 0",
        ("max_depth_km",),
        lambda w: w.max_depth_km == 0.0,
    ),
    Pattern(
        "tens_killed",
        "About 20 killed (within a factor of three: 7 to 60)",
        "7 ≤ killed_defender + killed_attacker ≤ 60",
        ("killed_defender", "killed_attacker"),
        lambda w: (w.killed_defender + w.killed_attacker).between(7, 60),
    ),
    Pattern(
        "no_collective_measures",
        "The CSTO took no collective measures",
        "alliance_final_state ≠ collective_measures",
        ("alliance_final_state",),
        lambda w: w.alliance_final_state != "collective_measures",
    ),
)
