"""What the record of Armenia-Azerbaijan, July-August 2014 shows (../shared/brief/cases-2011-2022.md, H)."""

from sim.readers.patterns import (
    fire_by_day,
    killed_near,
    no_collective_measures,
    no_ground_changed_hands,
)

PATTERNS = (
    fire_by_day(1.0, "Raids and fire in reply from the first day"),
    no_ground_changed_hands(),
    killed_near(20, "About 20 killed", "tens_killed"),
    no_collective_measures("The CSTO took no collective measures"),
)
