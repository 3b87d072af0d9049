"""Text and time formats the cell records use."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-B]|\x1b[=>]")


def strip_ansi(s: str) -> str:
    """Terminal output as plain text: escape sequences removed, carriage returns folded."""
    return _ANSI.sub("", s).replace("\r\n", "\n").replace("\r", "")


def tail(s: str, limit: int = 900) -> str:
    """The end of an output, cut at a line start, at most `limit` characters."""
    s = s.rstrip() + "\n" if s.strip() else ""
    if len(s) <= limit:
        return s
    cut = s[-limit:]
    return cut[cut.find("\n") + 1 :] if "\n" in cut[:-1] else cut


def iso(dt: datetime) -> str:
    """UTC, microseconds (`started_at`, `ended_at`)."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_ms(dt: datetime) -> str:
    """UTC, milliseconds (a model call's `ts`)."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"
