"""The Compare screen: BEFORE against AFTER per CLI × model, then the cells that changed."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from cabtui.data.results import CHANGES, CellRow, Comparison, GroupChange, Sweep, compare_sweeps, sweep_keys
from cabtui.data.text import one_line
from cabtui.ui.messages import OpenCell, OpenPair, PairSide
from cabtui.ui.renderables.compare_columns import (
    CELL_TABLE,
    GROUP_DEFAULT_SORT,
    GROUP_TABLE,
    change_text,
    group_text,
    sort_groups,
)
from cabtui.ui.screens.sweep_panes.pane import clicked_sort, next_sort
from cabtui.ui.widgets.footer import KeyFooter
from cabtui.ui.widgets.status import StatusLine
from cabtui.ui.widgets.table import VirtualTable

Key = tuple[str, str, str, int]


class CompareScreen(Screen[None]):
    """Two tables: groups (`s`/`S` sort) and changed cells (`enter` sets the BEFORE and AFTER
    cells side by side, `o` opens one cell's page); `tab`, `1`, `2` move between them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "table('groups')", "Groups", id="compare.groups"),
        Binding("2", "table('cells')", "Cells", id="compare.cells"),
        Binding("tab", "switch", "Switch", show=False, id="compare.switch"),
        Binding("s", "sort(1)", "Sort", id="compare.sort", tooltip="Sort the groups by the next column"),
        Binding("S", "sort(-1)", "Reverse", id="compare.reverse", tooltip="Reverse the groups' order"),
        Binding(
            "o", "open_cell", "Open cell", id="compare.open_cell", tooltip="The AFTER cell's page (removed: BEFORE)"
        ),
        Binding("escape", "back", "Back", id="compare.back"),
    ]

    class Compared(Message):
        """The worker's comparison, and both sweeps' rows by key to open a cell from."""

        def __init__(self, comparison: Comparison, before: dict[Key, CellRow], after: dict[Key, CellRow]) -> None:
            super().__init__()
            self.comparison = comparison
            self.before = before
            self.after = after

    class Failed(Message):
        """The comparison raised: said on screen."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(self, before: Sweep, after: Sweep) -> None:
        super().__init__()
        self.before = before
        self.after = after
        self.comparison: Comparison | None = None
        """None until the worker has compared."""
        self.groups: list[GroupChange] = []
        """The groups in their shown order."""
        self.group_sort: tuple[str, bool] = GROUP_DEFAULT_SORT
        self._before_rows: dict[Key, CellRow] = {}
        self._after_rows: dict[Key, CellRow] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("comparing…", id="compare-summary", markup=False)
        yield Static("1 Groups: before → after per CLI × model", classes="compare-title", markup=False)
        yield VirtualTable(id="compare-groups")
        yield Static(
            "2 Changed cells, broken first (enter: BEFORE and AFTER side by side; o: one cell's page)",
            classes="compare-title",
            markup=False,
        )
        yield VirtualTable(id="compare-cells")
        yield StatusLine(id="compare-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Name both sweeps and compare them in a thread."""
        self.title = f"cabtui · compare {one_line(self.before.sweep_id, 60)} → {one_line(self.after.sweep_id, 60)}"
        self.query_one("#compare-groups", VirtualTable).focus()
        # At once, not after the first paint: the first frame comes 30 ms later, but the result
        # 150 ms sooner (after the paint the worker shares the GIL with the footer's mount).
        self._compare()

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def _compare(self) -> None:
        try:
            comparison = compare_sweeps(self.before, self.after)
            rows = sweep_keys(self.before).rows, sweep_keys(self.after).rows  # built by the comparison
            message: Message = self.Compared(comparison, *rows)
        except Exception as err:  # noqa: BLE001 - said on screen, never "comparing…" for ever
            message = self.Failed(f"could not compare ({type(err).__name__}: {err})")
        self.post_message(message)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.query_one("#compare-summary", Static).update(Content(one_line(message.error, 300)))

    @on(Compared)
    def _compared(self, message: Compared) -> None:
        c = self.comparison = message.comparison
        self._before_rows, self._after_rows = message.before, message.after
        counts = dict.fromkeys(CHANGES, 0)
        for change in c.cells:
            counts[change.change] += 1
        summary = (
            f"BEFORE {one_line(c.before_id, 60)}: {c.before_cells:,} cells  →  "
            f"AFTER {one_line(c.after_id, 60)}: {c.after_cells:,} cells\n"
            f"{len(c.changed_groups)} of {len(c.groups)} groups changed: "
            + ", ".join(f"{n:,} {change}" for change, n in counts.items())
        )
        if c.reworded:
            summary += f"; {c.reworded:,} changed outcome but not pass (not listed)"
        self.query_one("#compare-summary", Static).update(Content(summary))
        self._fill_groups()
        cells = self.query_one("#compare-cells", VirtualTable)
        cells.set_rows(CELL_TABLE, len(c.cells), lambda r, col: change_text(c.cells[r], CELL_TABLE[col]))
        self._status()

    def _fill_groups(self) -> None:
        if self.comparison is None:
            return
        key, descending = self.group_sort
        rows = self.groups = sort_groups(self.comparison.groups, key, descending=descending)
        table = self.query_one("#compare-groups", VirtualTable)
        table.sort_key, table.sort_descending = self.group_sort
        table.set_rows(GROUP_TABLE, len(rows), lambda r, c: group_text(rows[r], GROUP_TABLE[c]), keep_cursor=True)

    def _status(self) -> None:
        if self.comparison is None:
            return
        self.query_one("#compare-status", StatusLine).update(
            f"{len(self.comparison.groups)} groups  ·  {len(self.comparison.cells):,} changed cells"
            "  ·  s/S sort the groups  ·  enter on a group lists its cells, on a cell sets both sides side by side"
        )

    def action_table(self, which: str) -> None:
        """Focus the groups or the changed-cells table."""
        self.set_focus(self.query_one(f"#compare-{which}", VirtualTable))

    def action_switch(self) -> None:
        """The other table."""
        groups = self.query_one("#compare-groups", VirtualTable)
        self.action_table("cells" if self.focused is groups else "groups")

    def action_sort(self, direction: int) -> None:
        """`s` sorts the groups by the next column; `S` reverses the order."""
        self.group_sort = next_sort(self.group_sort, [c.key for c in GROUP_TABLE], direction)
        self._fill_groups()

    def action_back(self) -> None:
        """Back to where the comparison was asked for."""
        self.dismiss()

    @on(VirtualTable.HeaderClicked, "#compare-groups")
    def _header_clicked(self, event: VirtualTable.HeaderClicked) -> None:
        self.group_sort = clicked_sort(self.group_sort, event.key)
        self._fill_groups()

    @on(VirtualTable.RowSelected, "#compare-groups")
    def _group_selected(self, event: VirtualTable.RowSelected) -> None:
        """The group's first changed cell, in the cells table."""
        event.stop()
        if self.comparison is None:
            return
        group = self.groups[event.row]
        for i, change in enumerate(self.comparison.cells):
            if (change.tui, change.model) == (group.tui, group.model):
                cells = self.query_one("#compare-cells", VirtualTable)
                cells.cursor_row = i
                self.set_focus(cells)
                return
        self.notify("No cell of this group changed.")

    @on(VirtualTable.RowSelected, "#compare-cells")
    def _cell_selected(self, event: VirtualTable.RowSelected) -> None:
        """BEFORE and AFTER side by side; a cell on one side only (added, removed) opens its page."""
        event.stop()
        self.open_pair(event.row, event.table)

    def open_pair(self, index: int, table: VirtualTable) -> None:
        """Changed cell `index` with BEFORE and AFTER side by side (one side only: its page)."""
        if self.comparison is None or not 0 <= index < len(self.comparison.cells):
            return
        change = self.comparison.cells[index]
        key = (change.tui, change.model, change.task, change.run)
        before, after = self._before_rows.get(key), self._after_rows.get(key)
        if before is None or after is None:
            self._open_page(index, table)
            return
        self.post_message(
            OpenPair(
                PairSide(self.before, before, f"BEFORE {self.before.sweep_id}"),
                PairSide(self.after, after, f"AFTER {self.after.sweep_id}"),
            )
        )

    def action_open_cell(self) -> None:
        """The highlighted changed cell's page: AFTER, or BEFORE for a removed cell."""
        cells = self.query_one("#compare-cells", VirtualTable)
        if self.comparison is not None and self.comparison.cells:
            self._open_page(cells.cursor_row, cells)

    def _open_page(self, index: int, table: VirtualTable) -> None:
        """Open the AFTER cell, or the BEFORE one of a removed cell; n/p walk that side's changed cells."""
        assert self.comparison is not None
        change = self.comparison.cells[index]
        removed = change.change == "removed"
        sweep, rows = (self.before, self._before_rows) if removed else (self.after, self._after_rows)
        key = (change.tui, change.model, change.task, change.run)
        row = rows.get(key)
        if row is None:
            return
        order = [
            r
            for c in self.comparison.cells
            if (c.change == "removed") == removed and (r := rows.get((c.tui, c.model, c.task, c.run))) is not None
        ]
        self.post_message(OpenCell(sweep, row, order, control=table))
