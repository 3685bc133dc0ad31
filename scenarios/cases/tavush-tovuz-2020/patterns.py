"""What the record of Tavush-Tovuz, July 2020 shows (../shared/brief/cases-2020-2021.md)."""

from sim.readers.patterns import Pattern

PATTERNS = (
    Pattern(
        "fighting_at_once",
        "Fire was exchanged from the first day",
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
        "tens_of_casualties",
        "Tens of casualties, not hundreds (about 18 killed, with the wounded)",
        "10 ≤ casualties_defender + casualties_attacker ≤ 150",
        ("casualties_defender", "casualties_attacker"),
        lambda w: (w.casualties_defender + w.casualties_attacker).between(10, 150),
    ),
    Pattern(
        "no_collective_measures",
        "The CSTO consulted and took no collective measures",
        "alliance_final_state ≠ collective_measures",
        ("alliance_final_state",),
        lambda w: w.alliance_final_state != "collective_measures",
    ),
)
