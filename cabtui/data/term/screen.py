"""The emulator's screen: the grid, its state, and the operations escape sequences perform.

Semantics follow tmux (the reference the tests compare against): the cursor may sit one past
the last column (x == cols) meaning "wrap pending"; erasing fills with the pen's background;
the alternate screen is a fresh grid with the main one kept aside. Rows (cells.Row) cache
their frozen copy and their segments until written: snapshots share unchanged rows, frames
rebuild only changed ones. Cursor operations are in cursor.py, scrolling and erasing in
editing.py; the parser (parser.Terminal) owns a Screen and calls these.
"""

from __future__ import annotations

from cabtui.data.term.cells import CELLS_PER_UNIT, MAX_CLUSTER, MAX_COLS, MAX_ROWS, WIDE_TAIL, Row
from cabtui.data.term.cursor import CursorOps
from cabtui.data.term.editing import EditingOps
from cabtui.data.term.frames import DEFAULT_STYLE, Frame
from cabtui.data.term.state import ASCII, AltCursor, SavedCursor, ScreenSnapshot, ScreenState, default_tabs


class Screen(CursorOps, EditingOps):
    """A grid of `Row`s (plus the main grid while the alternate screen shows) and its state."""

    def __init__(self, cols: int, rows: int) -> None:
        self.state = ScreenState.power_on(max(1, min(cols, MAX_COLS)), max(1, min(rows, MAX_ROWS)))
        self.work = 0
        self.written: dict[Row, None] | None = None
        """When a dict (set by whoever wants it, e.g. the search's line tracker): every row
        written since its owner last emptied it, in the order first written. None (the
        player's case) records nothing."""
        self.styled = True
        """False (a text-only `Terminal`): the pen never changes, so every cell's style is the
        default already and writing text or erasing skips storing it again."""
        self._stops_of: frozenset[int] | None = None
        self._stops_sorted: list[int] = []
        self.reset()

    @property
    def cols(self) -> int:
        return self.state.cols

    @property
    def rows(self) -> int:
        return self.state.rows

    # --- state ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Power-on state (RIS): blank main screen, home cursor, default modes; size kept."""
        s = self.state = ScreenState.power_on(self.state.cols, self.state.rows)
        self.lines = [self.blank_row(DEFAULT_STYLE) for _ in range(s.rows)]
        self.main_lines: list[Row] | None = None

    def soft_reset(self) -> None:
        """DECSTR: modes, pen, region and saved cursor to defaults; the grid and cursor are kept."""
        s = self.state
        s.insert = s.origin = False
        s.autowrap = s.cursor_visible = True
        s.pen = DEFAULT_STYLE
        s.top, s.bottom = 0, s.rows - 1
        s.charsets, s.shift = (ASCII, ASCII), 0
        s.saved = SavedCursor()

    def snapshot(self) -> ScreenSnapshot:
        """Freeze the screen (cheap: unchanged rows reuse their frozen tuples)."""
        main = None if self.main_lines is None else tuple(r.freeze() for r in self.main_lines)
        return ScreenSnapshot(tuple(r.freeze() for r in self.lines), main, self.state.copy())

    def restore(self, snapshot: ScreenSnapshot) -> None:
        """Resume from a snapshot; its frozen rows stay valid caches of the rebuilt rows."""
        self.state = snapshot.state.copy()
        self.lines = [Row(list(c), list(s), (c, s)) for c, s in snapshot.lines]
        self.main_lines = (
            None if snapshot.main_lines is None else [Row(list(c), list(s), (c, s)) for c, s in snapshot.main_lines]
        )

    def frame(self, time: float) -> Frame:
        """The screen as an immutable Frame (rows unchanged since the last call are reused)."""
        s = self.state
        return Frame(
            s.cols,
            s.rows,
            tuple(row.segments() for row in self.lines),
            (min(s.x, s.cols - 1), s.y),
            s.cursor_visible,
            self.main_lines is not None,
            time,
        )

    # --- writing text --------------------------------------------------------------------

    def put_run(self, text: str) -> None:
        """Write characters one cell wide each, wrapping at the right edge (the hot path).
        Walks `text` by index: slicing off what was written each line would be quadratic."""
        s = self.state
        cols = s.cols
        pen = s.pen
        styled = self.styled
        i, end = 0, len(text)
        while i < end:
            if s.x >= cols:
                self.wrap()
            x = s.x
            n = min(end - i, cols - x)
            row = self.lines[s.y]
            row.segs = row.frozen = None
            if self.written is not None:
                self.written[row] = None
            self._clear_split(row, x, x + n)
            row.chars[x : x + n] = text[i : i + n] if n < end else text
            if styled:
                row.styles[x : x + n] = [pen] * n
            i += n
            if s.autowrap:
                s.x = x + n
            elif x + n >= cols:
                if i < end:  # without autowrap the rest overwrites the last column
                    row.chars[cols - 1] = text[-1]
                    i = end
                s.x = cols - 1
            else:
                s.x = x + n

    def put_narrow(self, text: str) -> None:
        """Insert-mode text, one cell wide each: up to the end of the line at once (one shift of
        the row, not one per character), the same screen as writing them one by one."""
        s = self.state
        cols, i, end = s.cols, 0, len(text)
        while i < end:
            if s.x >= cols:  # a pending wrap: the first character goes to the next line unshifted
                self.put_char(text[i], 1)
                i += 1
                continue
            n = min(end - i, cols - s.x)
            self.insert_chars(n)
            self.put_run(text[i : i + n])
            i += n
            if i < end and not s.autowrap:  # the rest replaces the last column in turn
                self.put_char(text[-1], 1)
                return

    def put_text(self, text: str) -> None:
        """One-cell-wide characters at the cursor, inserted or overwriting as IRM says."""
        self.put_narrow(text) if self.state.insert else self.put_run(text)

    def put_char(self, ch: str, width: int) -> None:
        """Write one character of width 1 or 2 (insert mode and wide characters go here)."""
        s = self.state
        cols = s.cols
        if not s.autowrap and width > 1 and (width > cols or (s.x != cols and s.x > cols - width)):
            return
        if s.insert:
            self.insert_chars(width)
        if s.autowrap and s.x > cols - width:
            self.wrap()
        x = s.x
        if x > cols - width:
            return
        row = self.lines[s.y]
        row.segs = row.frozen = None
        if self.written is not None:
            self.written[row] = None
        self._clear_split(row, x, x + width)
        row.chars[x] = ch
        row.styles[x] = s.pen
        if width == 2:
            row.chars[x + 1] = WIDE_TAIL
            row.styles[x + 1] = s.pen
        not_wrap = 0 if s.autowrap else 1
        s.x = x + width if x <= cols - not_wrap - width else cols - not_wrap

    def combine(self, ch: str) -> None:
        """Attach a zero-width character (accent, joiner, selector) to the cell before the cursor."""
        x = self.state.x
        if x == 0:
            return
        row = self.lines[self.state.y]
        px = x - 1
        if px >= 1 and row.chars[px] == WIDE_TAIL:
            px -= 1
        if row.chars[px] == WIDE_TAIL or len(row.chars[px]) >= MAX_CLUSTER:
            return
        row.chars[px] += ch
        row.segs = row.frozen = None
        if self.written is not None:
            self.written[row] = None

    def after_joiner(self) -> bool:
        """Whether the cell before the cursor ends in a zero-width joiner: the next non-ASCII
        character joins it (an emoji sequence is one glyph, as tmux draws it)."""
        x = self.state.x
        if x == 0:
            return False
        chars = self.lines[self.state.y].chars
        px = x - 2 if x >= 2 and chars[x - 1] == WIDE_TAIL else x - 1
        return chars[px].endswith("\u200d")

    # --- alternate screen and size ---------------------------------------------------------

    def alt_on(self, save_cursor: bool) -> None:
        """Enter the alternate screen: a blank grid; the main one is kept aside (47/1047/1049)."""
        s = self.state
        if save_cursor:
            s.alt_saved = AltCursor(s.x, s.y, s.pen)
        if self.main_lines is not None:
            return
        self.main_lines = self.lines
        self.lines = [self.blank_row(DEFAULT_STYLE) for _ in range(s.rows)]

    def alt_off(self, restore_cursor: bool) -> None:
        """Leave the alternate screen, showing the main grid again (1049 restores the cursor)."""
        s = self.state
        if restore_cursor and s.alt_saved is not None:
            s.x, s.y, s.pen = s.alt_saved.x, s.alt_saved.y, s.alt_saved.pen
        if self.main_lines is not None:
            self.lines = self.main_lines
            self.main_lines = None
        s.x = min(s.x, s.cols - 1)
        s.y = min(s.y, s.rows - 1)

    def resize(self, cols: int, rows: int) -> None:
        """Change size as tmux does without reflow: cut or pad columns; when shrinking, drop
        blank-below-cursor lines first, then lines from the top; when growing, add at the bottom."""
        s = self.state
        cols, rows = max(1, min(cols, MAX_COLS)), max(1, min(rows, MAX_ROWS))
        if (cols, rows) == (s.cols, s.rows):
            return
        old_cols = s.cols
        s.cols = cols
        self.work += (cols * rows + old_cols * s.rows) // CELLS_PER_UNIT
        for grid in (self.lines, self.main_lines):
            if grid is None:
                continue
            for row in grid:
                self._resize_row(row, old_cols)
        if rows < s.rows:
            needed = s.rows - rows
            below = min(needed, s.rows - 1 - s.y)
            if below > 0:
                del self.lines[s.rows - below :]
            top = needed - below
            del self.lines[:top]
            s.y -= top
            if self.main_lines is not None:
                del self.main_lines[rows:]
        elif rows > s.rows:
            for grid in (self.lines, self.main_lines):
                if grid is not None:
                    grid.extend(self.blank_row(DEFAULT_STYLE) for _ in range(rows - s.rows))
        s.rows = rows
        s.top, s.bottom = 0, rows - 1
        s.tabs = default_tabs(cols)
        s.x = min(s.x, cols - 1)
        s.y = max(0, min(s.y, rows - 1))

    def _resize_row(self, row: Row, old_cols: int) -> None:
        row.segs = row.frozen = None
        if self.written is not None:
            self.written[row] = None
        cols = self.state.cols
        if cols < old_cols:
            if row.chars[cols] == WIDE_TAIL:
                row.chars[cols - 1] = " "
            del row.chars[cols:], row.styles[cols:]
        else:
            row.chars.extend([" "] * (cols - old_cols))
            row.styles.extend([DEFAULT_STYLE] * (cols - old_cols))
