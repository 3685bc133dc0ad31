"""SplitMix64's finaliser constants (Steele, Lea & Flood 2014), declared once.

Read by the numpy draws (:mod:`sim.core.rng`) and the compiled ones
(:mod:`sim.core.kernels`), which must make the same numbers: as Python integers,
as numpy's uint64, and the conversion of a mixed key to a double on [0, 1).
"""

from __future__ import annotations

import numpy as np

GOLDEN, MIX1, MIX2 = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
SHIFT1, SHIFT2, SHIFT3 = 30, 27, 31
UGOLDEN, UMIX1, UMIX2 = np.uint64(GOLDEN), np.uint64(MIX1), np.uint64(MIX2)
USHIFT1, USHIFT2, USHIFT3 = np.uint64(SHIFT1), np.uint64(SHIFT2), np.uint64(SHIFT3)
MANTISSA_SHIFT = np.uint64(11)  # keep the top 53 bits: a double's precision
TO_UNIT = 2.0**-53
