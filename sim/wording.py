"""Small helpers for the words a person reads: counts with their noun."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """Return ``count`` with thousands separators and ``noun``, plural unless it is one.

    >>> counted(1, "world"), counted(10_000, "world"), counted(2, "ally", "allies")
    ('1 world', '10,000 worlds', '2 allies')
    """
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
