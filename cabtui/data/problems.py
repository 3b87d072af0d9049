"""Problems found while reading results: collected, never raised, so the rest still opens."""

from __future__ import annotations

from dataclasses import dataclass

from cabtui.data.text import visible


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located as `FILE:LINE: message`.

    `line` is 0 when the problem concerns a whole file (missing, unreadable, empty).
    """

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        # Messages quote record text (ids, paths): one visible line whatever it holds.
        where = f"{self.file}:{self.line}" if self.line else self.file
        return visible(f"{where}: {self.message}")
