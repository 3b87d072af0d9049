"""Numbers as people read them in tables, tiles and key/value lists; '—' where there is no value.

One place, so a duration, a count or a score reads the same on every screen.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

NONE = "—"

DECIMALS = 3
"""Digits kept of a float that is not a whole number (a record's 13504.996000000001)."""


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
    """A duration in ms, in the one format every screen uses: `850 ms`, `6.42 s`, `10.5 min`, `3.2 h`."""
    if value is None:
        return NONE
    if not math.isfinite(value):
        return str(value)
    if abs(value) < 1000:
        return f"{value:.0f} ms"
    seconds = value / 1000
    if abs(seconds) < 120:
        return f"{seconds:.2f} s"
    if abs(seconds) < 120 * 60:
        return f"{seconds / 60:.1f} min"
    if abs(seconds) < 1e7:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds:.3g} s"


def fmt_seconds(value: float | None) -> str:
    """A duration in seconds, as `fmt_ms` shows it."""
    return fmt_ms(None if value is None else value * 1000)


def fmt_count(value: int | None) -> str:
    """A count: digits grouped, never `0.0`."""
    return NONE if value is None else f"{value:,}"


def fmt_timestamp(value: datetime | None) -> str:
    """A time as the runner writes it: ISO 8601, UTC as `Z` (not `+00:00`)."""
    if value is None:
        return NONE
    text = value.isoformat()
    if value.utcoffset() == UTC.utcoffset(None) and text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return text


def rounded(value: Any) -> Any:
    """`value` with floats rounded to `DECIMALS` and whole floats as ints, at any depth (for JSON)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return value
        if value.is_integer() and abs(value) < 1e15:
            return int(value)
        return round(value, DECIMALS)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [rounded(v) for v in value]
    return value


def fmt_value(value: Any) -> str:
    """Any value of a record as one plain string: rounded numbers, JSON for lists and objects,
    '—' for a missing one. The caller makes the result visible (it may quote record text)."""
    if value is None:
        return NONE
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(rounded(value))
    if isinstance(value, str):
        return value if value else '""'
    return json.dumps(rounded(value), ensure_ascii=False)


def fmt_p(value: float) -> str:
    """A p-value: three decimals, or two significant digits below 0.001."""
    return f"{value:.3f}" if value >= 0.001 else f"{value:.1e}"


def fmt_share(passed: int, cells: int, interval: tuple[float, float] | None) -> str:
    """`5/12 42% [19–68%]`: passes of cells, the rate and its interval; `—` without cells."""
    if interval is None or not cells:
        return NONE
    low, high = interval
    return f"{fmt_count(passed)}/{fmt_count(cells)} {fmt_rate(passed / cells)} [{low * 100:.0f}–{high * 100:.0f}%]"
