"""The May 2021 patterns (docs/model.md, section 1.2): the calibration case's own."""

from sim.readers.patterns import PATTERNS

__all__ = ["PATTERNS"]
