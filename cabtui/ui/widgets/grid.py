"""The cell grid: rows tui x model, task columns grouped by category, one square per cell.

Drawn with the Line API from the pivot in `cabtui.data.results.query`, so a grid of
250 rows x 250 tasks costs only what is on screen. Each square is coloured by
the chosen axis and carries a glyph, so pass and fail read without colour too.
A ScrollView: the wheel and the scrollbars scroll the squares under the header
lines and the row labels, which stay put.
"""

from __future__ import annotations

import math
from typing import ClassVar

from rich.color import Color, blend_rgb
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cabtui.data.results import LOWER_IS_BETTER, Grid, Square
from cabtui.data.text import visible
from cabtui.ui.widgets.line_styles import LineStyles
from cabtui.ui.widgets.table import fit_cells

SQUARE = 4
"""Cells per square, the separating space included."""

GLYPHS = {"pass": "✓", "fail": "✗", "timed_out": "T", "incompatible": "∅", "error": "!", "mixed": "≠"}
"""Outcome glyphs: single-cell BMP characters, legible without colour."""

LOG_AXES = frozenset({"tokens", "latency"})
"""Axes spread over orders of magnitude: coloured on a log scale."""

HEADER_LINES = 3
"""The cursor column's task and category in full, the category bands, the column numbers."""

HEAT_LEVELS = 64
"""Shades between worst and best: finer steps than the eye tells apart, and each one's style built once."""


def square_text(square: Square) -> str:
    """The square's text: the glyph, or `k/n` passes when the cell has several runs."""
    runs = len(square.runs)
    if runs > 1:
        text = f"{square.passed}/{runs}"
        # A square is 3 cells: 10 runs or more read as the share that passed.
        if len(text) <= SQUARE - 1:
            return text
        return "all" if square.passed == runs else f"{min(99, round(100 * square.passed / runs))}%"
    return GLYPHS.get(square.outcome, "?")


class GridView(LineStyles, ScrollView, can_focus=True, inherit_bindings=False):
    """The heat-map grid with a square cursor.

    One virtual column per cell of the squares and one line per row; the scroll
    offset snaps to whole squares when drawn. Its own keys move the cursor, so
    the scroll keys ScrollView would add are not inherited.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(0, -1)", "Up", show=False, id="grid.up"),
        Binding("down,j", "move(0, 1)", "Down", show=False, id="grid.down"),
        Binding("left,h", "move(-1, 0)", "Left", show=False, id="grid.left"),
        Binding("right,l", "move(1, 0)", "Right", show=False, id="grid.right"),
        Binding("home", "move(-9999, 0)", "Row start", show=False, id="grid.row_start"),
        Binding("end", "move(9999, 0)", "Row end", show=False, id="grid.row_end"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="grid.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="grid.page_down"),
        Binding("enter", "open", "Open cell", id="grid.open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "grid--header",
        "grid--label",
        "grid--good",
        "grid--mid",
        "grid--bad",
        "grid--empty",
        "grid--cursor",
        "grid--marked",
    }

    DEFAULT_CSS = """
    GridView { height: 1fr; overflow: auto auto; }
    """

    cursor: reactive[tuple[int, int]] = reactive((0, 0), always_update=True)
    """(column, row) of the highlighted square."""

    class SquareHighlighted(Message):
        """The cursor moved onto a square (None where that combination has no cell)."""

        def __init__(self, grid: GridView, square: Square | None, row: int, column: int) -> None:
            super().__init__()
            self.grid = grid
            self.square = square
            self.row = row
            self.column = column

        @property
        def control(self) -> GridView:
            """The grid it came from (what `@on(..., "#id")` matches)."""
            return self.grid

    class SquareSelected(Message):
        """A square was opened."""

        def __init__(self, grid: GridView, square: Square) -> None:
            super().__init__()
            self.grid = grid
            self.square = square

        @property
        def control(self) -> GridView:
            """The grid it came from."""
            return self.grid

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.grid = Grid((), (), ())
        self.axis = "pass_rate"
        self._range: tuple[float, float] = (0.0, 1.0)
        self._longest_label = 10
        self._shades: dict[int, Style] = {}
        """The style of each heat level, for the current colour scale."""
        self.marked: tuple[int, int] | None = None
        """(column, row) of the square marked to compare, drawn apart."""
        self._lines: LRUCache[tuple[int, ...], Strip] = LRUCache(4096)
        """Drawn lines by what they show: a cursor move redraws two rows, not the screen."""

    def set_grid(self, grid: Grid, axis: str) -> None:
        """Show a new pivot, coloured by `axis`."""
        self.grid = grid
        self._longest_label = max((len(t) + len(m) + 3 for t, m in grid.rows), default=10)
        self._fit_virtual_size()
        self.set_axis(axis)
        col, row = self.cursor
        self.cursor = (min(col, max(len(grid.columns) - 1, 0)), min(row, max(len(grid.rows) - 1, 0)))

    def set_axis(self, axis: str) -> None:
        """Colour the squares by another axis."""
        self.axis = axis
        span = self.grid.value_range(axis)
        if span is not None and axis in LOG_AXES:
            span = (math.log10(max(span[0], 1e-3)), math.log10(max(span[1], 1e-3)))
        self._range = span or (0.0, 1.0)
        self._lines.clear()
        self.refresh()

    def set_marked(self, where: tuple[int, int] | None) -> None:
        """Draw one square as marked (None: none)."""
        if where != self.marked:
            self.marked = where
            self._lines.clear()
            self.refresh()

    @property
    def label_width(self) -> int:
        """Width of the row labels, fitted to the longest `tui × model` up to a cap."""
        return min(max(self._longest_label, 12), 48, max(self.size.width // 2, 12))

    def _visible_columns(self) -> int:
        return max((self.scrollable_content_region.width - self.label_width - 1) // SQUARE, 1)

    def _visible_rows(self) -> int:
        return max(self.scrollable_content_region.height - HEADER_LINES, 1)

    @property
    def first_column(self) -> int:
        """The first column drawn after the labels: the scroll offset rounded up to a whole
        square, so a column scrolled to at the right edge is drawn in full."""
        return -(-round(self.scroll_offset.x) // SQUARE)

    @property
    def first_row(self) -> int:
        """The first row drawn under the header lines."""
        return round(self.scroll_offset.y)

    def _fit_virtual_size(self) -> None:
        """Labels and every square across, the header lines and every row down."""
        width = self.label_width + 1 + len(self.grid.columns) * SQUARE
        size = Size(width, HEADER_LINES + len(self.grid.rows))
        if size != self.virtual_size:
            self.virtual_size = size

    def highlighted(self) -> Square | None:
        """The square under the cursor."""
        col, row = self.cursor
        return self.grid.square(row, col)

    def watch_cursor(self, cursor: tuple[int, int]) -> None:
        """Scroll just enough that the cursor shows, and announce the square."""
        col, row = cursor
        cols, rows = self._visible_columns(), self._visible_rows()
        left, top = self.first_column, self.first_row
        if col < left:
            left = col
        elif col >= left + cols:
            left = col - cols + 1
        if row < top:
            top = row
        elif row >= top + rows:
            top = row - rows + 1
        # Whole squares, so the columns stay where the header numbers them.
        self.scroll_to(left * SQUARE, top, animate=False, force=True)
        self.post_message(self.SquareHighlighted(self, self.grid.square(row, col), row, col))
        self.refresh()

    def on_resize(self) -> None:
        """Re-fit the virtual size (the labels' width follows the window) and the scroll position."""
        self._fit_virtual_size()
        self.cursor = self.cursor

    def action_move(self, dx: int, dy: int) -> None:
        """Move the cursor, stopping at the edges."""
        if not self.grid.rows:
            return
        col, row = self.cursor
        col = max(0, min(len(self.grid.columns) - 1, col + dx))
        row = max(0, min(len(self.grid.rows) - 1, row + dy))
        self.cursor = (col, row)

    def action_page(self, direction: int) -> None:
        """Move a screenful up or down."""
        self.action_move(0, direction * self._visible_rows())

    def action_open(self) -> None:
        """Open the highlighted square's cell."""
        square = self.highlighted()
        if square is not None:
            self.post_message(self.SquareSelected(self, square))

    def on_click(self, event: events.Click) -> None:
        """Click a square to highlight it; click it again to open it."""
        row = self.first_row + event.y - HEADER_LINES
        col = self.first_column + (event.x - self.label_width - 1) // SQUARE
        if event.y < HEADER_LINES or event.x <= self.label_width or not self.grid.rows:
            return
        if 0 <= row < len(self.grid.rows) and 0 <= col < len(self.grid.columns):
            if (col, row) == self.cursor or event.chain > 1:
                self.action_open()
            self.cursor = (col, row)

    def _heat(self, square: Square, styles: dict[str, Style]) -> Style:
        value = square.value(self.axis)
        if value is None:
            return styles["grid--empty"]
        if self.axis in LOG_AXES:
            value = math.log10(max(value, 1e-3))
        low, high = self._range
        t = 0.5 if high <= low else (value - low) / (high - low)
        if self.axis in LOWER_IS_BETTER:
            t = 1 - t
        level = round(t * HEAT_LEVELS)
        style = self._shades.get(level)
        if style is None:
            style = self._shades[level] = _shade(level / HEAT_LEVELS, styles)
        return style

    def styles_changed(self, styles: dict[str, Style]) -> None:
        """A new theme or stylesheet: new heat shades, and every line drawn again."""
        self._shades = {}
        self._lines.clear()  # read while drawing: the lines being drawn already use the new styles

    def render_line(self, y: int) -> Strip:
        """Three header lines (the cursor's task, categories, column numbers), then one line per row."""
        styles = self.line_styles()
        width = self.scrollable_content_region.width
        col, cursor_row = self.cursor
        row = self.first_row + y - HEADER_LINES
        left = self.first_column
        if y < HEADER_LINES:
            key = (y, -1, width, left, col)
        else:
            key = (-1, row, width, left, col if row == cursor_row else -1)
        line = self._lines.get(key)
        if line is None:
            line = self._render_line(y, row, width, styles)
            self._lines.set(key, line)
        return line

    def _render_line(self, y: int, row: int, width: int, styles: dict[str, Style]) -> Strip:
        base = styles[""]
        label_w = self.label_width
        left = self.first_column
        cols = range(left, min(len(self.grid.columns), left + self._visible_columns()))
        header = styles["grid--header"]
        if y == 0:
            segments = self._task_segments(label_w, header)
        elif y == 1:
            segments = [Segment(" " * (label_w + 1), header), *self._category_segments(cols, header)]
        elif y == 2:
            title = fit_cells(f"{len(self.grid.rows)} rows × {len(self.grid.columns)} tasks", label_w, "left")
            cursor_col = self.cursor[0]
            marked = header + Style(reverse=True, bold=True)
            segments = [Segment(title + " ", header)]
            for c in cols:
                segments += [
                    Segment(f"{c + 1:>{SQUARE - 1}}", marked if c == cursor_col else header),
                    Segment(" ", header),
                ]
        else:
            if row >= len(self.grid.rows):
                return Strip.blank(width, base)
            segments = self._row_segments(row, cols, label_w, styles)
        fill = header if y < HEADER_LINES else base
        return Strip(segments).crop(0, width).extend_cell_length(width, fill)

    def _task_segments(self, label_w: int, style: Style) -> list[Segment]:
        """The column under the cursor, named in full: the numbered columns and the cut
        category bands say which task only by position."""
        col = self.cursor[0]
        if not self.grid.columns:
            return [Segment("", style)]
        category, start = "", 0
        for name, span in self.grid.categories:
            if start <= col < start + span:
                category = name
                break
            start += span
        where = f"task {col + 1} of {len(self.grid.columns)}"
        names = f"{visible(self.grid.columns[col])}  ·  category {visible(category)}"
        if label_w + 1 + len(names) <= self.scrollable_content_region.width:  # lined up with the squares when it fits
            where = fit_cells(where, label_w, "left")
        else:
            where += ":"
        return [Segment(f"{where} {names}", style)]

    def _category_segments(self, cols: range, style: Style) -> list[Segment]:
        out: list[Segment] = []
        start = 0
        for name, span in self.grid.categories:
            shown = [c for c in cols if start <= c < start + span]
            start += span
            if shown:
                out.append(Segment(fit_cells(f"├{visible(name)}", len(shown) * SQUARE, "left"), style))
        return out

    def _row_segments(self, row: int, cols: range, label_w: int, styles: dict[str, Style]) -> list[Segment]:
        tui, model = self.grid.rows[row]
        cursor_col, cursor_row = self.cursor
        base, empty, cursor_style = styles[""], styles["grid--empty"], styles["grid--cursor"]
        label_style = styles["grid--label"]
        if row == cursor_row:
            label_style = label_style + Style(bold=True, reverse=True)
        out = [Segment(fit_cells(visible(f"{tui} × {model}"), label_w, "left") + " ", label_style)]
        for col in cols:
            square = self.grid.square(row, col)
            if square is None:
                out.append(Segment(" · ".center(SQUARE - 1), empty))
            else:
                style = self._heat(square, styles)
                if (col, row) == self.marked:
                    style = style + styles["grid--marked"]
                if (col, row) == (cursor_col, cursor_row):
                    style = style + cursor_style
                out.append(Segment(square_text(square).center(SQUARE - 1), style))
            out.append(Segment(" ", base))
        return out


def _shade(t: float, styles: dict[str, Style]) -> Style:
    """The colour at `t` from worst (0) through middling to best (1), and a legible text colour on it."""
    bad, mid, good = (styles[f"grid--{name}"].bgcolor for name in ("bad", "mid", "good"))
    if bad is None or mid is None or good is None:
        return Style()
    a, b, f = (bad, mid, t * 2) if t < 0.5 else (mid, good, (t - 0.5) * 2)
    rgb = blend_rgb(a.get_truecolor(), b.get_truecolor(), f)
    fg = Color.parse("black") if (rgb.red * 299 + rgb.green * 587 + rgb.blue * 114) > 128000 else None
    return Style(bgcolor=Color.from_triplet(rgb), color=fg or Color.parse("white"), bold=True)
