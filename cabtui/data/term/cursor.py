"""Cursor movement, tab stops, the scroll region, cursor save/restore and charsets.

Operations that move the cursor or change how it moves, never a cell. Semantics follow tmux:
a pending wrap (x == cols) is cancelled by any relative move; origin mode offsets rows.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable

from cabtui.data.term.state import SavedCursor, ScreenState


class CursorOps:
    """Base of `screen.Screen`, which owns `state` and scrolls (`scroll_up` / `scroll_down`)."""

    state: ScreenState
    _stops_of: frozenset[int] | None
    _stops_sorted: list[int]
    scroll_up: Callable[[int], None]
    scroll_down: Callable[[int], None]

    # --- line movement -----------------------------------------------------------------

    def linefeed(self) -> None:
        """LF, VT, FF, IND: down one line, scrolling the region at its bottom."""
        s = self.state
        if s.y == s.bottom:
            self.scroll_up(1)
        elif s.y < s.rows - 1:
            s.y += 1

    def reverse_index(self) -> None:
        """RI: up one line, scrolling the region down at its top."""
        s = self.state
        if s.y == s.top:
            self.scroll_down(1)
        elif s.y > 0:
            s.y -= 1

    def carriage_return(self) -> None:
        self.state.x = 0

    def next_line(self) -> None:
        """NEL: carriage return and line feed."""
        self.state.x = 0
        self.linefeed()

    def wrap(self) -> None:
        self.linefeed()
        self.state.x = 0

    def backspace(self) -> None:
        s = self.state
        if s.x > 0:
            s.x -= 1

    # --- tab stops -----------------------------------------------------------------------

    def _stops(self) -> list[int]:
        """The tab stops in order (recomputed when `tabs` changes): tabbing by bisection, not
        by walking cell by cell, which a thousand-column screen without stops made slow."""
        tabs = self.state.tabs
        if self._stops_of is not tabs:
            self._stops_of, self._stops_sorted = tabs, sorted(tabs)
        return self._stops_sorted

    def tab(self, n: int = 1) -> None:
        s = self.state
        stops, x, last = self._stops(), s.x, s.cols - 1
        for _ in range(min(n, s.cols)):
            if x >= last:
                break
            i = bisect_right(stops, x)
            x = stops[i] if i < len(stops) and stops[i] < last else last
        s.x = x

    def back_tab(self, n: int) -> None:
        s = self.state
        stops, x = self._stops(), min(s.x, s.cols - 1)
        for _ in range(min(n, s.cols)):
            if x <= 0:
                break
            i = bisect_left(stops, x) - 1
            x = stops[i] if i >= 0 else 0
        s.x = x

    def set_tab_stop(self) -> None:
        """HTS: a stop at the cursor's column (none while a wrap is pending)."""
        s = self.state
        if s.x < s.cols:
            s.tabs = s.tabs | {s.x}

    def clear_tab_stops(self, mode: int) -> None:
        """TBC: 0 clears the stop at the cursor, 3 clears them all."""
        s = self.state
        if mode == 0:
            s.tabs = s.tabs - {s.x}
        elif mode == 3:
            s.tabs = frozenset()

    # --- relative and absolute moves -----------------------------------------------------

    def cursor_up(self, n: int) -> None:
        s = self.state
        limit = s.y if s.y < s.top else s.y - s.top
        s.x = min(s.x, s.cols - 1)
        s.y -= min(n, limit)

    def cursor_down(self, n: int) -> None:
        s = self.state
        limit = s.rows - 1 - s.y if s.y > s.bottom else s.bottom - s.y
        s.x = min(s.x, s.cols - 1)
        s.y += min(n, max(0, limit))

    def cursor_right(self, n: int) -> None:
        s = self.state
        s.x = max(s.x, min(s.x + n, s.cols - 1))

    def cursor_left(self, n: int) -> None:
        s = self.state
        s.x -= min(n, s.x)

    def cursor_next_line(self, n: int, *, down: bool) -> None:
        """CNL / CPL: n lines down or up, to the first column."""
        self.cursor_down(n) if down else self.cursor_up(n)
        self.move_to(0, None)

    def move_to(self, x: int | None, y: int | None, *, origin: bool = True) -> None:
        """Absolute move (CUP, CHA, VPA); None keeps that coordinate. Honours origin mode."""
        s = self.state
        if y is not None:
            if origin and s.origin:
                y = s.bottom if y > s.bottom - s.top else y + s.top
            s.y = max(0, min(y, s.rows - 1))
        if x is not None:
            s.x = max(0, min(x, s.cols - 1))

    # --- saved cursor, region, charsets --------------------------------------------------

    def save_cursor(self) -> None:
        s = self.state
        s.saved = SavedCursor(s.x, s.y, s.pen, s.origin, s.charsets, s.shift)

    def restore_cursor(self) -> None:
        s = self.state
        saved = s.saved
        s.pen, s.origin, s.charsets, s.shift = saved.pen, saved.origin, saved.charsets, saved.shift
        self.move_to(saved.x, saved.y, origin=False)

    def set_region(self, top: int, bottom: int) -> None:
        """DECSTBM with 0-based inclusive lines; a region of one line is ignored."""
        s = self.state
        top, bottom = min(top, s.rows - 1), min(bottom, s.rows - 1)
        if top >= bottom:
            return
        s.top, s.bottom = top, bottom
        s.x = s.y = 0

    def designate_charset(self, g: int, designator: str) -> None:
        """`ESC ( F` (g = 0) or `ESC ) F` (g = 1): which set G0 or G1 is."""
        s = self.state
        g0, g1 = s.charsets
        s.charsets = (designator, g1) if g == 0 else (g0, designator)

    def shift_to(self, g: int) -> None:
        """SI (g = 0) or SO (g = 1): use G0 or G1."""
        self.state.shift = g

    def line_drawing(self) -> bool:
        """Whether the charset in use is DEC Special Graphics (`ESC ( 0`)."""
        s = self.state
        return s.charsets[s.shift] == "0"
