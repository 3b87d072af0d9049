"""Scrolling, inserting and erasing: the screen operations that move or blank whole cells
and lines. Erased cells take the pen's background, as in tmux and xterm."""

from __future__ import annotations

from cabtui.data.term.cells import CELLS_PER_UNIT, WIDE_TAIL, Row, bg_only, blank_frozen
from cabtui.data.term.frames import DEFAULT_STYLE, CellStyle


class EditingOps:
    """Base of `vtscreen.Screen`: it owns these attributes."""

    cols: int
    rows: int
    lines: list[Row]
    pen: CellStyle
    x: int
    y: int
    top: int
    bottom: int
    work: int
    """Units of work done beyond reading the input (see vtcells.CELLS_PER_UNIT): the keyframe
    cost model adds it, so an erase of a 1000x1000 screen is not priced as 4 characters."""

    def blank_row(self, style: CellStyle) -> Row:
        chars, styles = frozen = blank_frozen(self.cols, style)
        self.work += self.cols // CELLS_PER_UNIT
        return Row(list(chars), list(styles), frozen)

    def _clear_split(self, row: Row, a: int, b: int) -> None:
        """Before cells [a, b) are overwritten: blank the halves of wide characters cut in two."""
        chars = row.chars
        if 0 < a < self.cols and chars[a] == WIDE_TAIL:
            chars[a - 1] = " "
            row.styles[a - 1] = bg_only(row.styles[a - 1])
        if b < self.cols and chars[b] == WIDE_TAIL:
            chars[b] = " "
            row.styles[b] = bg_only(row.styles[b])

    def scroll_up(self, n: int) -> None:
        top, bottom = self.top, self.bottom
        n = min(n, bottom - top + 1)
        style = bg_only(self.pen)
        del self.lines[top:top + n]
        self.lines[bottom - n + 1:bottom - n + 1] = [self.blank_row(style) for _ in range(n)]

    def scroll_down(self, n: int) -> None:
        top, bottom = self.top, self.bottom
        n = min(n, bottom - top + 1)
        style = bg_only(self.pen)
        del self.lines[bottom - n + 1:bottom + 1]
        self.lines[top:top] = [self.blank_row(style) for _ in range(n)]

    def insert_lines(self, n: int) -> None:
        end = self.bottom if self.top <= self.y <= self.bottom else self.rows - 1
        n = min(n, end - self.y + 1)
        style = bg_only(self.pen)
        del self.lines[end - n + 1:end + 1]
        self.lines[self.y:self.y] = [self.blank_row(style) for _ in range(n)]

    def delete_lines(self, n: int) -> None:
        end = self.bottom if self.top <= self.y <= self.bottom else self.rows - 1
        n = min(n, end - self.y + 1)
        style = bg_only(self.pen)
        del self.lines[self.y:self.y + n]
        self.lines[end - n + 1:end - n + 1] = [self.blank_row(style) for _ in range(n)]

    def erase_cells(self, y: int, a: int, b: int) -> None:
        """Blank cells [a, b) of row y with the pen's background."""
        if a >= b:
            return
        row = self.lines[y]
        row.segs = row.frozen = None
        self.work += (b - a) // CELLS_PER_UNIT
        self._clear_split(row, a, b)
        row.chars[a:b] = [" "] * (b - a)
        row.styles[a:b] = [bg_only(self.pen)] * (b - a)

    def erase_line(self, mode: int) -> None:
        x, cols = self.x, self.cols
        if mode == 0:
            self.erase_cells(self.y, x, cols)
        elif mode == 1:
            self.erase_cells(self.y, 0, cols if x >= cols - 1 else x + 1)
        elif mode == 2:
            self.erase_cells(self.y, 0, cols)

    def erase_display(self, mode: int) -> None:
        style = bg_only(self.pen)
        if mode == 0:
            self.erase_line(0)
            self.lines[self.y + 1:] = [self.blank_row(style) for _ in range(self.rows - self.y - 1)]
        elif mode == 1:
            self.lines[:self.y] = [self.blank_row(style) for _ in range(self.y)]
            self.erase_line(1)
        elif mode == 2:
            self.lines = [self.blank_row(style) for _ in range(self.rows)]

    def insert_chars(self, n: int) -> None:
        x, cols = self.x, self.cols
        if x >= cols:
            return
        n = min(n, cols - x)
        row = self.lines[self.y]
        row.segs = row.frozen = None
        self.work += cols // CELLS_PER_UNIT
        self._clear_split(row, x, x)
        style = bg_only(self.pen)
        row.chars[x:x] = [" "] * n
        row.styles[x:x] = [style] * n
        if row.chars[cols] == WIDE_TAIL:  # a wide character pushed half off the edge
            row.chars[cols - 1] = " "
        del row.chars[cols:], row.styles[cols:]

    def delete_chars(self, n: int) -> None:
        x, cols = self.x, self.cols
        if x >= cols:
            return
        n = min(n, cols - x)
        row = self.lines[self.y]
        row.segs = row.frozen = None
        self.work += cols // CELLS_PER_UNIT
        self._clear_split(row, x, x + n)
        style = bg_only(self.pen)
        del row.chars[x:x + n], row.styles[x:x + n]
        row.chars.extend([" "] * n)
        row.styles.extend([style] * n)

    def erase_chars(self, n: int) -> None:
        if self.x < self.cols:
            self.erase_cells(self.y, self.x, min(self.cols, self.x + n))

    def alignment_test(self) -> None:
        """DECALN: fill the screen with E, home the cursor, reset the region."""
        self.lines = [Row(["E"] * self.cols, [DEFAULT_STYLE] * self.cols) for _ in range(self.rows)]
        self.work += self.rows * self.cols // CELLS_PER_UNIT
        self.top, self.bottom = 0, self.rows - 1
        self.x = self.y = 0
