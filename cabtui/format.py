"""Numbers as people read them in tables and tiles; '—' where there is no value."""

from __future__ import annotations

import math

NONE = "—"


def fmt_number(value: float | None, digits: int = 3) -> str:
    """A headline number with fixed digits; huge or non-finite values stay readable."""
    if value is None:
        return NONE
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 1e9:
        return f"{value:.3g}"
    return f"{value:,.{digits}f}" if digits else f"{value:,.0f}"


def fmt_rate(value: float | None) -> str:
    """A share as a percentage."""
    return NONE if value is None else f"{value * 100:.0f}%"


def fmt_ms(value: float | None) -> str:
    """A duration in ms as ms, s or min, whichever reads best."""
    if value is None:
        return NONE
    if not math.isfinite(value):
        return str(value)
    if abs(value) < 1000:
        return f"{value:.0f} ms"
    seconds = value / 1000
    if abs(seconds) < 120:
        return f"{seconds:.1f} s"
    if abs(seconds) < 1e7:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.3g} s"
