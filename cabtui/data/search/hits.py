"""What a search asks (`Pattern`) and what it finds (`Hit`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex as regex_lib

from cabtui.data.results import CellRow
from cabtui.data.search.sources import WHERE

WHERE_ORDER = {where: i for i, where in enumerate(WHERE)}
"""Each place's rank in a cell's hits (`Hit.sort_key`)."""


class BadPattern(ValueError):
    """A `--regex` pattern that does not compile, or backtracks past `LINE_BUDGET_S`; the
    message says why."""


LINE_BUDGET_S = 0.1
"""The longest one line's match may take (`regex` checks its clock coarsely: it stops within
about half a second). A line is at most 1,000 characters, which a sane pattern matches in
microseconds; `(a|a)+$` takes 2^n steps. Python's `re` can neither be interrupted nor lets
go of the GIL while it matches (the app would freeze); `regex` does both."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """A substring (by default, case-sensitive as grep is) or a regular expression."""

    text: str
    ignore_case: bool = False
    regex: bool = False

    def compiled(self) -> re.Pattern[str] | regex_lib.Pattern[str]:
        """The pattern as a regular expression, Python's syntax: a substring escaped, on `re`
        (it cannot backtrack, and `re` without a timeout is 8x quicker a line); a regex on
        `regex`, which `search_line` bounds.

        Raises:
            BadPattern: an empty pattern, or a regex that does not compile.
        """
        if not self.text:
            raise BadPattern("empty pattern")
        if not self.regex:
            return re.compile(re.escape(self.text), re.IGNORECASE if self.ignore_case else 0)
        try:
            return regex_lib.compile(self.text, regex_lib.IGNORECASE if self.ignore_case else 0)
        except (regex_lib.error, ValueError, OverflowError, RecursionError) as err:
            raise BadPattern(f"not a regular expression: {err}") from None

    def search_line(
        self, compiled: re.Pattern[str] | regex_lib.Pattern[str], line: str
    ) -> re.Match[str] | regex_lib.Match[str] | None:
        """The first match in one line; a regex's within `LINE_BUDGET_S`.

        Raises:
            BadPattern: the pattern backtracked past the budget on this line.
        """
        if isinstance(compiled, re.Pattern):
            return compiled.search(line)
        try:
            return compiled.search(line, timeout=LINE_BUDGET_S)
        except TimeoutError:
            raise BadPattern(
                f"the regular expression took too long (over {LINE_BUDGET_S} s on one line): "
                "a repeat of overlapping choices such as (a|a)+ backtracks without end"
            ) from None

    @property
    def literal(self) -> str | None:
        """The text every match contains, for the index to narrow by (None for a regex)."""
        return None if self.regex else self.text


@dataclass(frozen=True, slots=True, eq=False)
class Hit:
    """One line that matched, in one cell."""

    row: CellRow
    where: str
    """record, stdout_tail, stderr_tail, span, model_call or recording."""
    at_s: float | None
    """Recording: the time of the event that completed the match (recording seconds). Span:
    its start on the cell's timeline (s). Otherwise None."""
    text: str
    """The line, made visible."""
    match: tuple[int, int]
    """Where the (first) match is in `text`."""
    ref: str = ""
    """The record field, span id or model call index the line belongs to."""
    recording: Path | None = None
    """The recording file, for a recording hit."""

    @property
    def cell_id(self) -> str:
        return self.row.cell_id

    def as_json(self) -> dict[str, Any]:
        """The documented JSON shape of a hit (docs/search.md)."""
        return {
            "cell_id": self.row.cell_id,
            "where": self.where,
            "at_s": None if self.at_s is None else round(self.at_s, 6),
            "text": self.text,
        }

    def sort_key(self, position: int) -> tuple[int, int, float]:
        """Cells in the results' order; in a cell, by `WHERE`, then by time (a stable sort
        keeps a field's lines in order)."""
        return (position, WHERE_ORDER.get(self.where, 99), -1.0 if self.at_s is None else self.at_s)
