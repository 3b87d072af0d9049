"""The Cells tab: every cell of the sweep as a table, filtered (`/`, `f`) and sorted (`s`, `S`)."""

from __future__ import annotations

import shlex
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input

from cabtui.data.numbers import fmt_rate
from cabtui.data.results import CellRow, Query, Sweep, SweepViews, filter_cells, parse_query, sort_cells
from cabtui.data.text import one_line
from cabtui.ui.messages import OpenCell
from cabtui.ui.renderables.columns import cell_columns, cell_text
from cabtui.ui.screens.sweep_panes.pane import MARK_CELL, PAIR_CELL, SweepPane, clicked_sort, next_sort
from cabtui.ui.widgets.status import StatusLine
from cabtui.ui.widgets.table import CellText, VirtualTable


class CellsPane(SweepPane):
    """The cells table, its filter box and the status line that counts what is shown."""

    MAIN = "#cells-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "sort(1)", "Sort", id="sweep.sort", tooltip="Sort by the next column"),
        Binding("S", "sort(-1)", "Reverse", id="sweep.reverse", tooltip="Reverse the sort order"),
        # A priority key: taken before the key is passed to the focused widget, so the keys
        # typed right after it (a paste, type-ahead while a 100,000-row table redraws) reach the box.
        Binding(
            "slash", "filter", "Filter", id="sweep.filter", tooltip="Filter cells: text, tui: model: ...", priority=True
        ),
        Binding("f", "failed_only", "Failed only", id="sweep.failed", tooltip="Show only cells that did not pass"),
        MARK_CELL,
        PAIR_CELL,
    ]

    def __init__(self, sweep: Sweep, views: SweepViews) -> None:
        super().__init__("3 Cells", sweep, views, id="cells")
        self.shown: list[CellRow] = list(sweep.cells)
        """The rows in the table, in its order."""
        self.query_text = ""
        self.failed_only = False
        self.cell_sort: tuple[str, bool] | None = None
        """None: file order."""
        self._passed_count = (0, 0)
        """(cells counted, of which passed), from the sweep's start."""
        self.cells_table = VirtualTable(id="cells-table")
        self.filter_box = Input(
            placeholder="filter: words, tui: model: task: category: status:  (enter applies)", id="cells-filter"
        )
        self.filter_box.display = False  # shown by `/`
        self.marked: CellRow | None = None
        """The row `m` marked (drawn with a `◆` before its status)."""
        self._behind: str | None = None
        """What the hidden table has not caught up with yet: "grew" or "views" (`activated`)."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield self.cells_table
            yield self.filter_box
            yield StatusLine(id="cells-status")

    def on_mount(self) -> None:
        """Filled at once, though hidden: `3` then only shows it."""
        self._fill()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In the filter box, `/` is text (task:polyglot/rust), not the key that opens it."""
        if action == "filter":
            return self.screen.focused is not self.filter_box  # set at once, unlike has_focus
        return True

    def _fill(self, *, keep_cursor: bool = False) -> None:
        query = parse_query(self.query_text)
        table = self.cells_table
        highlighted = self.shown[table.cursor_row] if keep_cursor and table.cursor_row < len(self.shown) else None
        if query.empty and not self.failed_only:  # the sweep's own list, not a copy (8 bytes a cell)
            rows = self.sweep.cells
        else:
            rows = filter_cells(self.sweep.cells, query, failed_only=self.failed_only)
        if self.cell_sort is not None:
            rows = sort_cells(rows, self.cell_sort[0], descending=self.cell_sort[1])
        self.shown = rows
        table.sort_key, table.sort_descending = self.cell_sort or (None, False)
        self._show_rows(keep_cursor=keep_cursor)
        if highlighted is not None and (table.cursor_row >= len(rows) or rows[table.cursor_row] is not highlighted):
            # A sweep that grew: the highlighted cell moved (sorted, filtered); the cursor follows it.
            where = next((i for i, row in enumerate(rows) if row is highlighted), None)
            if where is not None:
                table.cursor_row = where
        self.query_one("#cells-status", StatusLine).update(self._status(query, rows))

    def _show_rows(self, *, keep_cursor: bool) -> None:
        rows, columns, marked = self.shown, cell_columns(self.views.axes), self.marked

        def text(r: int, c: int) -> CellText:
            got = cell_text(rows[r], columns[c])
            return ("◆ " + got[0], got[1]) if c == 0 and rows[r] is marked else got

        self.cells_table.set_rows(columns, len(rows), text, keep_cursor=keep_cursor)

    def highlighted_cell(self) -> tuple[CellRow | None, list[CellRow]]:
        """The row under the cursor, and every run of its task in the sweep."""
        if not self.shown:
            return None, []
        row = self.shown[self.cells_table.cursor_row]
        key = (row.tui, row.model, row.task)
        return row, [r for r in self.sweep.cells if (r.tui, r.model, r.task) == key]

    def show_mark(self, row: CellRow | None) -> None:
        """Mark a row (None: no mark), the cursor kept where it is."""
        self.marked = row
        self._show_rows(keep_cursor=True)

    def grew(self) -> None:
        """In file order and unfiltered, new cells only add rows at the end: shown at once, in time
        that does not grow with the sweep (the table reads the sweep's own list, which only grows).

        Hidden (another tab is on show), the table catches up when shown (`activated`): its
        growing lays the screen out, twice a second while a big sweep loads.
        """
        if self.query_text or self.failed_only or self.cell_sort is not None:
            return
        if not self.display:
            self._behind = self._behind or "grew"
            return
        self.shown = self.sweep.cells
        count = len(self.shown)
        self._show_rows(keep_cursor=True)
        self.query_one("#cells-status", StatusLine).update(self._status(parse_query(""), self.shown[:0], count))

    def views_changed(self, views: SweepViews) -> None:
        """Filtered or sorted, the cells are listed again with the views (new axes too); hidden,
        when shown (`activated`)."""
        super().views_changed(views)
        if not self.display:
            self._behind = "views"
            return
        self._fill(keep_cursor=True)

    def activated(self) -> None:
        """Shown: the table catches up with what the sweep and its views did while it was hidden."""
        behind, self._behind = self._behind, None
        if behind == "views":
            self._fill(keep_cursor=True)
        elif behind == "grew":
            self.grew()
        super().activated()

    def _status(self, query: Query, rows: list[CellRow], all_of: int | None = None) -> str:
        """The status line; `all_of`: the table shows the first so many of the sweep's cells, unfiltered."""
        count = len(rows) if all_of is None else all_of
        if self.failed_only:
            passed = 0
        elif query.empty:
            passed = self._passed_of(count)
        else:
            passed = sum(1 for r in rows if r.passed)
        parts = [f"{count:,} of {len(self.sweep.cells):,} cells", f"{passed:,} passed"]
        if self.partial:
            parts.insert(0, "partial")
        if self.failed_only:
            parts.append("failed only (f)")
        if self.query_text:
            parts.append(f"filter: {one_line(self.query_text, 60)}")
        if query.errors:
            parts.append("; ".join(query.errors))
        if self.cell_sort:
            parts.append(f"sorted by {self.cell_sort[0]} {'▼' if self.cell_sort[1] else '▲'}")
        else:
            parts.append("in file order (s sorts)")
        parts.append(f"pass rate {fmt_rate(passed / count if count else None)}")
        return "  ·  ".join(parts)

    def _passed_of(self, count: int) -> int:
        """How many of the sweep's first `count` cells passed: counted on from the last count (the list only grows)."""
        counted, passed = self._passed_count
        if count < counted:
            counted, passed = 0, 0
        passed += sum(1 for r in self.sweep.cells[counted:count] if r.passed)
        self._passed_count = (count, passed)
        return passed

    def show_pair(self, tui: str, model: str) -> None:
        """List exactly one CLI × model's cells (enter on the leaderboard)."""
        self.query_text = f"tui:={shlex.quote(tui)} model:={shlex.quote(model)}"
        self._fill()

    def action_sort(self, direction: int) -> None:
        """`s` sorts by the next column; `S` reverses the order."""
        self.cell_sort = next_sort(self.cell_sort, [c.key for c in cell_columns(self.views.axes)], direction)
        self._fill()

    @on(VirtualTable.HeaderClicked)
    def _header_clicked(self, event: VirtualTable.HeaderClicked) -> None:
        self.cell_sort = clicked_sort(self.cell_sort, event.key)
        self._fill()

    def action_filter(self) -> None:
        """Show the filter box and type into it from the very next key."""
        box = self.filter_box
        box.display = True
        box.value = self.query_text
        self.screen.set_focus(box)  # now, not a turn later as Widget.focus: the next key may be queued already

    @on(Input.Submitted, "#cells-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.query_text = event.value.strip()
        self._fill()
        if not self.query_text:
            event.input.display = False
        self.screen.set_focus(self.cells_table)

    def action_failed_only(self) -> None:
        """Show only the cells that did not pass, or all again."""
        self.failed_only = not self.failed_only
        self._fill()

    @on(VirtualTable.RowSelected)
    def _row_selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        if self.shown:
            self.post_message(OpenCell(self.sweep, self.shown[event.row], self.shown, control=event.table))
