"""What the record of Thailand-Cambodia, April 2011 shows (cases-2011-2022.md, G)."""

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
        "no_ground_changed_hands",
        "No ground changed hands",
        "max_depth_km = 0",
        ("max_depth_km",),
        lambda w: w.max_depth_km == 0.0,
    ),
    Pattern(
        "about_eighteen_killed",
        "About 18 killed (within a factor of three: 6 to 54)",
        "6 ≤ killed_defender + killed_attacker ≤ 54",
        ("killed_defender", "killed_attacker"),
        lambda w: (w.killed_defender + w.killed_attacker).between(6, 54),
    ),
)
