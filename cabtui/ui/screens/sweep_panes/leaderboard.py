"""The Leaderboard tab: one row per CLI × model, sortable; enter lists that pair's cells."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message

from cabtui.data.results import LeaderRow, Sweep, SweepViews, sort_leaderboard
from cabtui.ui.renderables.columns import LEADER_DEFAULT_SORT, LEADER_TABLE, leader_columns, leader_text
from cabtui.ui.screens.sweep_panes.pane import SweepPane, clicked_sort, next_sort
from cabtui.ui.widgets.table import VirtualTable


class LeaderboardPane(SweepPane):
    """The leaderboard, filled the first time it is shown (most opens never look at it)."""

    MAIN = "#leaderboard-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "sort(1)", "Sort", id="sweep.sort", tooltip="Sort by the next column"),
        Binding("S", "sort(-1)", "Reverse", id="sweep.reverse", tooltip="Reverse the sort order"),
    ]

    class PairChosen(Message):
        """Enter on a row: the screen lists that CLI × model's cells."""

        def __init__(self, table: VirtualTable, row: LeaderRow) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> VirtualTable:
            """The leaderboard's table."""
            return self.table

    def __init__(self, sweep: Sweep, views: SweepViews) -> None:
        super().__init__("1 Leaderboard", sweep, views, id="leaderboard")
        self._leader_rows: list[LeaderRow] = []
        """The leaderboard in its shown order; empty until the tab is first shown."""
        self.leader_sort: tuple[str, bool] = LEADER_DEFAULT_SORT
        """The order, marked in the header: composite, best first, until `s` changes it."""

    def compose(self) -> ComposeResult:
        yield VirtualTable(id="leaderboard-table")

    def activated(self) -> None:
        """Fill on first show, then focus the table."""
        if not self._leader_rows:
            self._fill()
        super().activated()

    def views_changed(self, views: SweepViews) -> None:
        """Re-sorted with the new counts; the cursor stays on its CLI × model."""
        super().views_changed(views)
        if not self._leader_rows:
            return
        table = self.query_one(VirtualTable)
        old = self._leader_rows[min(table.cursor_row, len(self._leader_rows) - 1)]
        self._fill()
        where = next((i for i, r in enumerate(self._leader_rows) if (r.tui, r.model) == (old.tui, old.model)), None)
        if where is not None:
            table.cursor_row = where

    def _fill(self) -> None:
        rows = self.views.leaders  # already in LEADER_DEFAULT_SORT order
        if self.leader_sort != LEADER_DEFAULT_SORT:
            rows = sort_leaderboard(rows, self.leader_sort[0], descending=self.leader_sort[1])
        self._leader_rows = rows
        table = self.query_one(VirtualTable)
        table.sort_key, table.sort_descending = self.leader_sort
        columns = leader_columns(rows)
        table.set_rows(columns, len(rows), lambda r, c: leader_text(rows[r], columns[c]), keep_cursor=True)

    def action_sort(self, direction: int) -> None:
        """`s` sorts by the next column; `S` reverses the order."""
        self.leader_sort = next_sort(self.leader_sort, [c.key for c in LEADER_TABLE], direction)
        self._fill()

    @on(VirtualTable.HeaderClicked)
    def _header_clicked(self, event: VirtualTable.HeaderClicked) -> None:
        self.leader_sort = clicked_sort(self.leader_sort, event.key)
        self._fill()

    @on(VirtualTable.RowSelected)
    def _row_selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.PairChosen(event.table, self._leader_rows[event.row]))
