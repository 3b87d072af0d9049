"""A table that draws only the rows on screen (Line API), for tens of thousands of rows.

Textual's DataTable measures every cell up front (6.5 s at 50k rows); this one
asks a callback for the text of the visible cells only, so first paint, sort
and filter cost the same at 100 rows and at 100,000.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cabtui.ui.widgets.line_styles import LineStyles

CellText = tuple[str, str | None]
"""A cell's (already visible-safe) text and the component class that colours it, if any."""


@dataclass(frozen=True)
class Column:
    """One column: its key (for sorting), header label, width in cells and alignment."""

    key: str
    label: str
    width: int
    justify: Literal["left", "right"] = "left"

    def __post_init__(self) -> None:
        """Never narrower than the label and its sort mark: a header is never cut."""
        object.__setattr__(self, "width", max(self.width, cell_len(self.label) + 1))


class VirtualTable(ScrollView, LineStyles, can_focus=True):
    """Rows come from `cell(row, column_index)`; only visible lines are ever built."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="table.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="table.page_down"),
        Binding("home", "edge(-1)", "First row", show=False, id="table.first"),
        Binding("end", "edge(1)", "Last row", show=False, id="table.last"),
        Binding("left,h", "scroll_left", "Scroll left", show=False, id="table.scroll_left"),
        Binding("right,l", "scroll_right", "Scroll right", show=False, id="table.scroll_right"),
        Binding("enter", "select", "Open", id="table.open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--sorted",
        "outcome--pass",
        "outcome--fail",
        "outcome--timed_out",
        "outcome--incompatible",
        "outcome--error",
        "outcome--mixed",
        "text--muted",
        "text--bad",
    }

    DEFAULT_CSS = """
    VirtualTable { height: 1fr; }
    """

    cursor_row: reactive[int] = reactive(0, always_update=True)
    """Index of the highlighted row."""

    class RowSelected(Message):
        """A row was opened (enter or a click on the highlighted row)."""

        def __init__(self, table: VirtualTable, row: int) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> VirtualTable:
            """The table the row belongs to."""
            return self.table

    class HeaderClicked(Message):
        """A column header was clicked: the owner sorts by it."""

        def __init__(self, table: VirtualTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> VirtualTable:
            """The table whose header was clicked."""
            return self.table

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.columns: list[Column] = []
        self.row_count = 0
        self._cell: Callable[[int, int], CellText] = lambda r, c: ("", None)
        self.sort_key: str | None = None
        self.sort_descending = False
        self._lines: dict[tuple[int, bool], Strip] = {}
        """Built rows by (row, is the cursor row): Textual asks for every line again after
        each focus change, layout or scroll, and a row costs a cell callback per column."""
        self._colours: dict[str, Style] = {}

    def set_rows(
        self,
        columns: list[Column],
        row_count: int,
        cell: Callable[[int, int], CellText],
        *,
        keep_cursor: bool = False,
    ) -> None:
        """Show `row_count` rows whose cells `cell(row, column)` describes."""
        self.columns = columns
        self.row_count = row_count
        self._cell = cell
        self._lines.clear()
        width = sum(c.width + 1 for c in columns)
        self.virtual_size = Size(width, row_count + 1)
        cursor = min(self.cursor_row, max(row_count - 1, 0)) if keep_cursor else 0
        self.cursor_row = cursor
        if not keep_cursor:
            self.scroll_to(y=0, animate=False)
        self.refresh()

    def watch_cursor_row(self, row: int) -> None:
        """Keep the highlighted row on screen."""
        view = max(self.scrollable_content_region.height - 1, 1)
        top = round(self.scroll_offset.y)
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + view:
            self.scroll_to(y=row - view + 1, animate=False)
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        """Move the highlight by `delta` rows."""
        if self.row_count:
            self.cursor_row = max(0, min(self.row_count - 1, self.cursor_row + delta))

    def action_page(self, direction: int) -> None:
        """Move the highlight by a screenful."""
        self.action_cursor(direction * max(self.scrollable_content_region.height - 2, 1))

    def action_edge(self, direction: int) -> None:
        """Jump to the first or last row."""
        if self.row_count:
            self.cursor_row = 0 if direction < 0 else self.row_count - 1

    def action_select(self) -> None:
        """Open the highlighted row."""
        if self.row_count:
            self.post_message(self.RowSelected(self, self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        """A click on a header sorts; on a row it highlights; on the highlighted row it opens."""
        if event.y == 0:
            x = event.x + round(self.scroll_offset.x)
            for column in self.columns:
                if x < column.width + 1:
                    self.post_message(self.HeaderClicked(self, column.key))
                    return
                x -= column.width + 1
            return
        row = round(self.scroll_offset.y) + event.y - 1
        if 0 <= row < self.row_count:
            if row == self.cursor_row or event.chain > 1:
                self.post_message(self.RowSelected(self, row))
            self.cursor_row = row

    def styles_changed(self, styles: dict[str, Style]) -> None:
        """A new theme, or focus (the cursor row is brighter): build the rows again."""
        self._lines.clear()
        self._colours.clear()

    def render_line(self, y: int) -> Strip:
        """Line 0 is the header (it never scrolls away); the rest are rows."""
        width = self.scrollable_content_region.width
        scroll_x = round(self.scroll_offset.x)
        styles = self.line_styles()
        base = styles[""]
        if y == 0:
            strip = self._header(styles)
        else:
            row = round(self.scroll_offset.y) + y - 1
            if row >= self.row_count:
                return Strip.blank(width, base)
            key = (row, row == self.cursor_row)
            strip = self._lines.get(key)  # type: ignore[assignment]
            if strip is None:
                if len(self._lines) > 1024:
                    self._lines.clear()
                strip = self._lines[key] = self._row(row, styles)
        return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, base)

    def _header(self, styles: dict[str, Style]) -> Strip:
        """Labels with one cell kept after them for the sort mark, so the mark is never the
        part an ellipsis cuts off."""
        base = styles["virtual-table--header"]
        segments: list[Segment] = []
        for column in self.columns:
            mark = " "
            style = base
            if column.key == self.sort_key:
                mark = "▼" if self.sort_descending else "▲"
                style = base + styles["virtual-table--sorted"]
            label = fit_cells(column.label, max(column.width - 1, 1), column.justify)
            if column.justify == "left":  # the mark right after the words, not at the far edge
                label = fit_cells(label.rstrip() + mark, column.width, "left")
            else:
                label += mark
            segments.append(Segment(label + " ", style))
        return Strip(Segment.simplify(segments))

    def _row(self, row: int, styles: dict[str, Style]) -> Strip:
        base = styles[""]
        if row == self.cursor_row:
            base = base + styles["virtual-table--cursor"]
        segments: list[Segment] = []
        for index, column in enumerate(self.columns):
            text, component = self._cell(row, index)
            style = base
            if component:
                style = base + self._plain(component)
            segments.append(Segment(fit_cells(text, column.width, column.justify), style))
            segments.append(Segment(" ", base))
        # One segment per run of a style, not two per cell: Textual's line filters and
        # crops walk every segment on every repaint.
        return Strip(Segment.simplify(segments))

    def _plain(self, component: str) -> Style:
        # Only the foreground: the cursor row's background must show through.
        colour = self._colours.get(component)
        if colour is None:
            style = self.get_component_rich_style(component, partial=True)
            colour = self._colours[component] = Style(color=style.color, bold=style.bold)
        return colour


def fit_cells(text: str, width: int, justify: str) -> str:
    """Cut or pad `text` to exactly `width` cells, with an ellipsis when cut."""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
    pad = " " * (width - length)
    return pad + text if justify == "right" else text + pad
