"""Small helpers for the words a person reads: counts with their noun, signed numbers, shares."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """Return ``count`` with thousands separators and ``noun``, plural unless it is one.

    >>> counted(1, "world"), counted(10_000, "world"), counted(2, "ally", "allies")
    ('1 world', '10,000 worlds', '2 allies')
    """
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


MINUS = "\N{MINUS SIGN}"


def signed(value: float, digits: int = 1) -> str:
    """Return a number with its sign (a true minus); a non-zero value never shows as 0.

    >>> signed(2.345), signed(-0.5), signed(0.004), signed(0.0)
    ('+2.3', '−0.5', '+0.004', '0.0')
    """
    text = f"{abs(value):.{digits}f}"
    while float(text) == 0 and value != 0 and digits < 4:
        digits += 1
        text = f"{abs(value):.{digits}f}"
    if float(text) == 0:
        return f"{0:.{digits}f}"
    return ("+" if value > 0 else MINUS) + text


def percent(share: float) -> str:
    """Return a share as a percentage to one decimal, e.g. ``12.5%``."""
    return f"{share * 100:.1f}%"
