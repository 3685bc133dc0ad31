"""What the record of Thailand-Cambodia, April 2011 shows (cases-2011-2022.md, G)."""

from sim.readers.patterns import fire_by_day, killed_near, no_ground_changed_hands

PATTERNS = (
    fire_by_day(1.0, "Fire was exchanged on the first day"),
    no_ground_changed_hands(),
    killed_near(18, "About 18 killed", "about_eighteen_killed"),
)
