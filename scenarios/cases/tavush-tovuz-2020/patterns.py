"""What the record of Tavush-Tovuz, July 2020 shows (../shared/brief/cases-2020-2021.md)."""

from sim.readers.patterns import (
    fire_by_day,
    killed_near,
    no_collective_measures,
    no_ground_changed_hands,
)

PATTERNS = (
    fire_by_day(1.0, "Fire was exchanged from the first day"),
    no_ground_changed_hands(),
    killed_near(18, "About 18 killed", "tens_killed"),
    no_collective_measures("The CSTO consulted and took no collective measures"),
)
