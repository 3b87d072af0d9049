"""The emulator's screen: the grid and the operations escape sequences perform on it.

Semantics follow tmux (the reference the tests compare against): the cursor may sit one past
the last column (x == cols) meaning "wrap pending"; erasing fills with the pen's background;
the alternate screen is a fresh grid with the main one kept aside. Rows (vtcells.Row) cache
their frozen copy and their segments until written: snapshots share unchanged rows, frames
rebuild only changed ones.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from cabtui.data.term.cells import (
    CELLS_PER_UNIT,
    MAX_CLUSTER,
    MAX_COLS,
    MAX_ROWS,
    WIDE_TAIL,
    Row,
    ScreenState,
)
from cabtui.data.term.editing import EditingOps
from cabtui.data.term.frames import DEFAULT_STYLE, CellStyle, Frame

_SCALARS = ("cols", "rows", "x", "y", "pen", "top", "bottom", "autowrap", "insert", "origin",
            "cursor_visible", "tabs", "charsets", "shift", "saved", "alt_saved")


class Screen(EditingOps):
    """Grid state and editing operations; `vt.Terminal` parses the byte stream into calls."""

    def __init__(self, cols: int, rows: int) -> None:
        self.cols = max(1, min(cols, MAX_COLS))
        self.rows = max(1, min(rows, MAX_ROWS))
        self.work = 0
        self._stops_of: frozenset[int] | None = None
        self._stops_sorted: list[int] = []
        self.reset()

    # --- state -------------------------------------------------------------------------

    def reset(self) -> None:
        """Power-on state (RIS): blank main screen, home cursor, default modes."""
        self.lines = [self.blank_row(DEFAULT_STYLE) for _ in range(self.rows)]
        self.main_lines: list[Row] | None = None
        self.x = self.y = 0
        self.pen = DEFAULT_STYLE
        self.top, self.bottom = 0, self.rows - 1
        self.autowrap = True
        self.insert = False
        self.origin = False
        self.cursor_visible = True
        self.tabs = frozenset(range(8, self.cols, 8))
        self.charsets = ("B", "B")
        self.shift = 0
        self.saved: tuple[int, int, CellStyle, bool, tuple[str, str], int] = (
            0, 0, DEFAULT_STYLE, False, ("B", "B"), 0)
        self.alt_saved: tuple[int, int, CellStyle] | None = None

    def snapshot(self) -> ScreenState:
        """Freeze the screen (cheap: unchanged rows reuse their frozen tuples)."""
        main = None if self.main_lines is None else tuple(r.freeze() for r in self.main_lines)
        return ScreenState(tuple(r.freeze() for r in self.lines), main,
                           tuple(getattr(self, name) for name in _SCALARS))

    def restore(self, state: ScreenState) -> None:
        """Resume from a snapshot; its frozen rows stay valid caches of the rebuilt rows."""
        for name, value in zip(_SCALARS, state.scalars, strict=True):
            setattr(self, name, value)
        self.lines = [Row(list(c), list(s), (c, s)) for c, s in state.lines]
        self.main_lines = (None if state.main_lines is None
                           else [Row(list(c), list(s), (c, s)) for c, s in state.main_lines])

    def frame(self, time: float) -> Frame:
        """The screen as an immutable Frame (rows unchanged since the last call are reused)."""
        return Frame(self.cols, self.rows, tuple(row.segments() for row in self.lines),
                     (min(self.x, self.cols - 1), self.y), self.cursor_visible,
                     self.main_lines is not None, time)

    # --- writing text ------------------------------------------------------------------

    def put_run(self, text: str) -> None:
        """Write characters one cell wide each, wrapping at the right edge (the hot path).
        Walks `text` by index: slicing off what was written each line would be quadratic."""
        cols = self.cols
        pen = self.pen
        i, end = 0, len(text)
        while i < end:
            if self.x >= cols:
                self.wrap()
            x = self.x
            n = min(end - i, cols - x)
            row = self.lines[self.y]
            row.segs = row.frozen = None
            self._clear_split(row, x, x + n)
            row.chars[x:x + n] = text[i:i + n] if n < end else text
            row.styles[x:x + n] = [pen] * n
            i += n
            if self.autowrap:
                self.x = x + n
            elif x + n >= cols:
                if i < end:  # without autowrap the rest overwrites the last column
                    row.chars[cols - 1] = text[-1]
                    i = end
                self.x = cols - 1
            else:
                self.x = x + n

    def put_char(self, ch: str, width: int) -> None:
        """Write one character of width 1 or 2 (insert mode and wide characters go here)."""
        cols = self.cols
        if not self.autowrap and width > 1 and (width > cols or (self.x != cols and self.x > cols - width)):
            return
        if self.insert:
            self.insert_chars(width)
        if self.autowrap and self.x > cols - width:
            self.wrap()
        x = self.x
        if x > cols - width:
            return
        row = self.lines[self.y]
        row.segs = row.frozen = None
        self._clear_split(row, x, x + width)
        row.chars[x] = ch
        row.styles[x] = self.pen
        if width == 2:
            row.chars[x + 1] = WIDE_TAIL
            row.styles[x + 1] = self.pen
        not_wrap = 0 if self.autowrap else 1
        self.x = x + width if x <= cols - not_wrap - width else cols - not_wrap

    def combine(self, ch: str) -> None:
        """Attach a zero-width character (accent, joiner, selector) to the cell before the cursor."""
        x = self.x
        if x == 0:
            return
        row = self.lines[self.y]
        px = x - 1
        if px >= 1 and row.chars[px] == WIDE_TAIL:
            px -= 1
        if row.chars[px] == WIDE_TAIL or len(row.chars[px]) >= MAX_CLUSTER:
            return
        row.chars[px] += ch
        row.segs = row.frozen = None

    def after_joiner(self) -> bool:
        """Whether the cell before the cursor ends in a zero-width joiner: the next non-ASCII
        character joins it (an emoji sequence is one glyph, as tmux draws it)."""
        x = self.x
        if x == 0:
            return False
        chars = self.lines[self.y].chars
        px = x - 2 if x >= 2 and chars[x - 1] == WIDE_TAIL else x - 1
        return chars[px].endswith("\u200d")

    def wrap(self) -> None:
        self.linefeed()
        self.x = 0

    # --- cursor ------------------------------------------------------------------------

    def linefeed(self) -> None:
        if self.y == self.bottom:
            self.scroll_up(1)
        elif self.y < self.rows - 1:
            self.y += 1

    def reverse_index(self) -> None:
        if self.y == self.top:
            self.scroll_down(1)
        elif self.y > 0:
            self.y -= 1

    def backspace(self) -> None:
        if self.x > 0:
            self.x -= 1

    def _stops(self) -> list[int]:
        """The tab stops in order (recomputed when `tabs` changes): tabbing by bisection, not
        by walking cell by cell, which a thousand-column screen without stops made slow."""
        if self._stops_of is not self.tabs:
            self._stops_of, self._stops_sorted = self.tabs, sorted(self.tabs)
        return self._stops_sorted

    def tab(self, n: int = 1) -> None:
        stops, x, last = self._stops(), self.x, self.cols - 1
        for _ in range(min(n, self.cols)):
            if x >= last:
                break
            i = bisect_right(stops, x)
            x = stops[i] if i < len(stops) and stops[i] < last else last
        self.x = x

    def back_tab(self, n: int) -> None:
        stops, x = self._stops(), min(self.x, self.cols - 1)
        for _ in range(min(n, self.cols)):
            if x <= 0:
                break
            i = bisect_left(stops, x) - 1
            x = stops[i] if i >= 0 else 0
        self.x = x

    def cursor_up(self, n: int) -> None:
        limit = self.y if self.y < self.top else self.y - self.top
        self.x = min(self.x, self.cols - 1)
        self.y -= min(n, limit)

    def cursor_down(self, n: int) -> None:
        limit = self.rows - 1 - self.y if self.y > self.bottom else self.bottom - self.y
        self.x = min(self.x, self.cols - 1)
        self.y += min(n, max(0, limit))

    def cursor_right(self, n: int) -> None:
        self.x = max(self.x, min(self.x + n, self.cols - 1))

    def cursor_left(self, n: int) -> None:
        self.x -= min(n, self.x)

    def move_to(self, x: int | None, y: int | None, *, origin: bool = True) -> None:
        """Absolute move (CUP, CHA, VPA); None keeps that coordinate. Honours origin mode."""
        if y is not None:
            if origin and self.origin:
                y = self.bottom if y > self.bottom - self.top else y + self.top
            self.y = max(0, min(y, self.rows - 1))
        if x is not None:
            self.x = max(0, min(x, self.cols - 1))

    def save_cursor(self) -> None:
        self.saved = (self.x, self.y, self.pen, self.origin, self.charsets, self.shift)

    def restore_cursor(self) -> None:
        x, y, self.pen, self.origin, self.charsets, self.shift = self.saved
        self.move_to(x, y, origin=False)

    def set_region(self, top: int, bottom: int) -> None:
        """DECSTBM with 0-based inclusive lines; a region of one line is ignored."""
        top, bottom = min(top, self.rows - 1), min(bottom, self.rows - 1)
        if top >= bottom:
            return
        self.top, self.bottom = top, bottom
        self.x = self.y = 0

    # --- alternate screen and size -----------------------------------------------------

    def alt_on(self, save_cursor: bool) -> None:
        """Enter the alternate screen: a blank grid; the main one is kept aside (47/1047/1049)."""
        if save_cursor:
            self.alt_saved = (self.x, self.y, self.pen)
        if self.main_lines is not None:
            return
        self.main_lines = self.lines
        self.lines = [self.blank_row(DEFAULT_STYLE) for _ in range(self.rows)]

    def alt_off(self, restore_cursor: bool) -> None:
        """Leave the alternate screen, showing the main grid again (1049 restores the cursor)."""
        if restore_cursor and self.alt_saved is not None:
            self.x, self.y, self.pen = self.alt_saved
        if self.main_lines is not None:
            self.lines = self.main_lines
            self.main_lines = None
        self.x = min(self.x, self.cols - 1)
        self.y = min(self.y, self.rows - 1)

    def resize(self, cols: int, rows: int) -> None:
        """Change size as tmux does without reflow: cut or pad columns; when shrinking, drop
        blank-below-cursor lines first, then lines from the top; when growing, add at the bottom."""
        cols, rows = max(1, min(cols, MAX_COLS)), max(1, min(rows, MAX_ROWS))
        if (cols, rows) == (self.cols, self.rows):
            return
        old_cols = self.cols
        self.cols = cols
        self.work += (cols * rows + old_cols * self.rows) // CELLS_PER_UNIT
        for grid in (self.lines, self.main_lines):
            if grid is None:
                continue
            for row in grid:
                self._resize_row(row, old_cols)
        if rows < self.rows:
            needed = self.rows - rows
            below = min(needed, self.rows - 1 - self.y)
            if below > 0:
                del self.lines[self.rows - below:]
            top = needed - below
            del self.lines[:top]
            self.y -= top
            if self.main_lines is not None:
                del self.main_lines[rows:]
        elif rows > self.rows:
            for grid in (self.lines, self.main_lines):
                if grid is not None:
                    grid.extend(self.blank_row(DEFAULT_STYLE) for _ in range(rows - self.rows))
        self.rows = rows
        self.top, self.bottom = 0, rows - 1
        self.tabs = frozenset(range(8, cols, 8))
        self.x = min(self.x, cols - 1)
        self.y = max(0, min(self.y, rows - 1))

    def _resize_row(self, row: Row, old_cols: int) -> None:
        row.segs = row.frozen = None
        cols = self.cols
        if cols < old_cols:
            if row.chars[cols] == WIDE_TAIL:
                row.chars[cols - 1] = " "
            del row.chars[cols:], row.styles[cols:]
        else:
            row.chars.extend([" "] * (cols - old_cols))
            row.styles.extend([DEFAULT_STYLE] * (cols - old_cols))
