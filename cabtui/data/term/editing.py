"""Scrolling, inserting and erasing: the screen operations that move or blank whole cells
and lines. Erased cells take the pen's background, as in tmux and xterm."""

from __future__ import annotations

from cabtui.data.term.cells import CELLS_PER_UNIT, WIDE_TAIL, Row, bg_only, blank_frozen
from cabtui.data.term.frames import DEFAULT_STYLE, CellStyle
from cabtui.data.term.state import ScreenState


class EditingOps:
    """Base of `screen.Screen`: it owns these attributes."""

    state: ScreenState
    lines: list[Row]
    written: dict[Row, None] | None
    styled: bool
    work: int
    """Units of work done beyond reading the input (see cells.CELLS_PER_UNIT): the keyframe
    cost model adds it, so an erase of a 1000x1000 screen is not priced as 4 characters."""

    def blank_row(self, style: CellStyle) -> Row:
        cols = self.state.cols
        chars, styles = frozen = blank_frozen(cols, style)
        self.work += cols // CELLS_PER_UNIT
        return Row(list(chars), list(styles), frozen)

    def _clear_split(self, row: Row, a: int, b: int) -> None:
        """Before cells [a, b) are overwritten: blank the halves of wide characters cut in two."""
        chars, cols = row.chars, self.state.cols
        if 0 < a < cols and chars[a] == WIDE_TAIL:
            chars[a - 1] = " "
            row.styles[a - 1] = bg_only(row.styles[a - 1])
        if b < cols and chars[b] == WIDE_TAIL:
            chars[b] = " "
            row.styles[b] = bg_only(row.styles[b])

    # --- whole lines ---------------------------------------------------------------------

    def scroll_up(self, n: int) -> None:
        s = self.state
        top, bottom = s.top, s.bottom
        n = min(n, bottom - top + 1)
        style = bg_only(s.pen)
        del self.lines[top : top + n]
        self.lines[bottom - n + 1 : bottom - n + 1] = [self.blank_row(style) for _ in range(n)]

    def scroll_down(self, n: int) -> None:
        s = self.state
        top, bottom = s.top, s.bottom
        n = min(n, bottom - top + 1)
        style = bg_only(s.pen)
        del self.lines[bottom - n + 1 : bottom + 1]
        self.lines[top:top] = [self.blank_row(style) for _ in range(n)]

    def insert_lines(self, n: int) -> None:
        s = self.state
        end = s.bottom if s.top <= s.y <= s.bottom else s.rows - 1
        n = min(n, end - s.y + 1)
        style = bg_only(s.pen)
        del self.lines[end - n + 1 : end + 1]
        self.lines[s.y : s.y] = [self.blank_row(style) for _ in range(n)]

    def delete_lines(self, n: int) -> None:
        s = self.state
        end = s.bottom if s.top <= s.y <= s.bottom else s.rows - 1
        n = min(n, end - s.y + 1)
        style = bg_only(s.pen)
        del self.lines[s.y : s.y + n]
        self.lines[end - n + 1 : end - n + 1] = [self.blank_row(style) for _ in range(n)]

    # --- erasing ---------------------------------------------------------------------------

    def erase_cells(self, y: int, a: int, b: int) -> None:
        """Blank cells [a, b) of row y with the pen's background."""
        if a >= b:
            return
        row = self.lines[y]
        row.segs = row.frozen = None
        if self.written is not None:
            self.written[row] = None
        self.work += (b - a) // CELLS_PER_UNIT
        self._clear_split(row, a, b)
        row.chars[a:b] = [" "] * (b - a)
        if self.styled:
            row.styles[a:b] = [bg_only(self.state.pen)] * (b - a)

    def erase_line(self, mode: int) -> None:
        """EL: 0 from the cursor, 1 up to it, 2 the whole line."""
        s = self.state
        x, cols = s.x, s.cols
        if mode == 0:
            self.erase_cells(s.y, x, cols)
        elif mode == 1:
            self.erase_cells(s.y, 0, cols if x >= cols - 1 else x + 1)
        elif mode == 2:
            self.erase_cells(s.y, 0, cols)

    def erase_display(self, mode: int) -> None:
        """ED: 0 from the cursor, 1 up to it, 2 the whole screen."""
        s = self.state
        style = bg_only(s.pen)
        if mode == 0:
            self.erase_line(0)
            self.lines[s.y + 1 :] = [self.blank_row(style) for _ in range(s.rows - s.y - 1)]
        elif mode == 1:
            self.lines[: s.y] = [self.blank_row(style) for _ in range(s.y)]
            self.erase_line(1)
        elif mode == 2:
            self.lines = [self.blank_row(style) for _ in range(s.rows)]

    def erase_chars(self, n: int) -> None:
        s = self.state
        if s.x < s.cols:
            self.erase_cells(s.y, s.x, min(s.cols, s.x + n))

    # --- cells within a line ---------------------------------------------------------------

    def insert_chars(self, n: int) -> None:
        s = self.state
        x, cols = s.x, s.cols
        if x >= cols:
            return
        n = min(n, cols - x)
        row = self.lines[s.y]
        row.segs = row.frozen = None
        if self.written is not None:
            self.written[row] = None
        self.work += cols // CELLS_PER_UNIT
        self._clear_split(row, x, x)
        style = bg_only(s.pen)
        row.chars[x:x] = [" "] * n
        row.styles[x:x] = [style] * n
        if row.chars[cols] == WIDE_TAIL:  # a wide character pushed half off the edge
            row.chars[cols - 1] = " "
        del row.chars[cols:], row.styles[cols:]

    def delete_chars(self, n: int) -> None:
        s = self.state
        x, cols = s.x, s.cols
        if x >= cols:
            return
        n = min(n, cols - x)
        row = self.lines[s.y]
        row.segs = row.frozen = None
        if self.written is not None:
            self.written[row] = None
        self.work += cols // CELLS_PER_UNIT
        self._clear_split(row, x, x + n)
        style = bg_only(s.pen)
        del row.chars[x : x + n], row.styles[x : x + n]
        row.chars.extend([" "] * n)
        row.styles.extend([style] * n)

    def alignment_test(self) -> None:
        """DECALN: fill the screen with E, home the cursor, reset the region."""
        s = self.state
        self.lines = [Row(["E"] * s.cols, [DEFAULT_STYLE] * s.cols) for _ in range(s.rows)]
        if self.written is not None:
            self.written.update(dict.fromkeys(self.lines))
        self.work += s.rows * s.cols // CELLS_PER_UNIT
        s.top, s.bottom = 0, s.rows - 1
        s.x = s.y = 0
