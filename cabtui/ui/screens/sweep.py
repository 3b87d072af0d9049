"""The sweep screen: leaderboard, grid, cells and problems of one sweep, as tabs."""

from __future__ import annotations

import shlex
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.lazy import Lazy
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Input, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from cabtui.data.numbers import fmt_rate
from cabtui.data.problems import Problem
from cabtui.data.results import (
    LOWER_IS_BETTER,
    CellRow,
    LeaderRow,
    Sweep,
    SweepViews,
    check_fully,
    filter_cells,
    parse_query,
    sort_cells,
    sort_leaderboard,
    sweep_views,
)
from cabtui.data.text import one_line, visible
from cabtui.ui.renderables.columns import (
    LEADER_DEFAULT_SORT,
    LEADER_TABLE,
    axis_label,
    cell_columns,
    cell_text,
    headline_text,
    leader_text,
)
from cabtui.ui.widgets.footer import KeyFooter
from cabtui.ui.widgets.grid import GLYPHS, GridView
from cabtui.ui.widgets.status import StatusLine
from cabtui.ui.widgets.table import Column, VirtualTable

TABS = ("leaderboard", "grid", "cells", "problems")

CHECK_AT_ONCE = 100_000
"""Sweeps up to this many cells check every field as soon as they open; bigger ones when the
Problems tab is first shown (the check reads every line again)."""


class SweepScreen(Screen[None]):
    """One sweep: pick a tab with 1-4; each tab's keys are in the footer and in `?`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "tab('leaderboard')", "Leaderboard", show=False, id="sweep.leaderboard"),
        Binding("2", "tab('grid')", "Grid", show=False, id="sweep.grid"),
        Binding("3", "tab('cells')", "Cells", show=False, id="sweep.cells"),
        Binding("4", "tab('problems')", "Problems", show=False, id="sweep.problems"),
        Binding("a", "cycle_axis", "Axis", id="sweep.axis", tooltip="Colour the grid by the next axis"),
        Binding("s", "sort(1)", "Sort", id="sweep.sort", tooltip="Sort by the next column"),
        Binding("S", "sort(-1)", "Reverse", id="sweep.reverse", tooltip="Reverse the sort order"),
        # A priority key: taken before the key is passed to the focused widget, so the keys
        # typed right after it (a paste, type-ahead while a 100,000-row table redraws) reach the box.
        Binding(
            "slash", "filter", "Filter", id="sweep.filter", tooltip="Filter cells: text, tui: model: ...", priority=True
        ),
        Binding("f", "failed_only", "Failed only", id="sweep.failed", tooltip="Show only cells that did not pass"),
        Binding("escape", "back", "Back", id="sweep.back"),
    ]

    def __init__(self, sweep: Sweep, *, single: bool = True, views: SweepViews | None = None) -> None:
        """`views` are the sweep's pivot, leaderboard and axes when the loading worker already
        built them off the UI thread; otherwise they are built here."""
        super().__init__()
        self.sweep = sweep
        self.single = single
        self.views = views or sweep_views(sweep.cells)
        self.grid = self.views.grid
        self.axes = self.views.axes
        self.axis = "pass_rate"
        self._leader_rows: list[LeaderRow] = []
        """The leaderboard in its shown order."""
        self.leader_sort: tuple[str, bool] = LEADER_DEFAULT_SORT
        """The leaderboard's order, marked in its header: composite, best first, until `s` changes it."""
        self.shown: list[CellRow] = list(sweep.cells)
        self.query_text = ""
        self.failed_only = False
        self.cell_sort: tuple[str, bool] | None = None
        # The hidden tabs mount after the grid has painted (textual.lazy.Lazy), so they are
        # reached through these references, and filled before they mount.
        self.leader_table = VirtualTable(id="leaderboard-table")
        self.cells_table = VirtualTable(id="cells-table")
        self.filter_box = Input(
            placeholder="filter: words, tui: model: task: category: status:  (enter applies)", id="cells-filter"
        )
        self.filter_box.display = False  # shown by `/`; set inline, so it can take focus at once
        self.cells_status = StatusLine(id="cells-status")
        self.problems_table = VirtualTable(id="problems-table")
        self.problems: list[Problem] = list(sweep.problems)
        """Found while loading, then every one `cabtui validate` finds (the tab says `…` until then)."""
        self.checked = False
        self._check_started = False

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="grid", id="tabs"):
            with TabPane("1 Leaderboard", id="leaderboard"):
                yield Lazy(self.leader_table)
            with TabPane("2 Grid", id="grid"), Vertical():
                yield GridView(id="grid-view")
                yield StatusLine(id="grid-legend")
                yield StatusLine(id="grid-status")
            with TabPane("3 Cells", id="cells"):
                yield Lazy(Vertical(self.cells_table, self.filter_box, self.cells_status))
            with TabPane(self._problems_label(checking=True), id="problems"):
                yield Lazy(self.problems_table)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Fill every tab from the already-loaded sweep."""
        title = self.sweep.title or ""
        self.title = f"cabtui · {visible(self.sweep.sweep_id)}"
        self.sub_title = one_line(title, 80)
        self.query_one(GridView).set_grid(self.grid, self.axis)
        self._update_legend()
        self._fill_cells()
        self._fill_problems()
        self.query_one(GridView).focus()
        if len(self.sweep.cells) <= CHECK_AT_ONCE:
            self.call_after_refresh(self._start_check)

    # ---- problems ------------------------------------------------------------

    class Checked(Message):
        """Every field of the sweep's records was checked, as `cabtui validate` does."""

        def __init__(self, problems: list[Problem]) -> None:
            super().__init__()
            self.problems = problems

    def _problems_label(self, *, checking: bool) -> Content:
        more = "…" if checking else ""
        return Content(f"4 Problems ({len(self.problems)}{more})")

    def _fill_problems(self) -> None:
        problems = self.problems
        self.problems_table.set_rows(
            [Column("problem", "FILE:LINE: problem", max((len(str(p)) for p in problems[:1000]), default=20))],
            len(problems),
            lambda r, c: (one_line(str(problems[r]), 2000), "text--bad"),
            keep_cursor=True,
        )

    def _start_check(self) -> None:
        if not self._check_started:
            self._check_started = True
            self._check_fully()

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def _check_fully(self) -> None:
        """Loading checks what the index keeps; this finds the rest, off the UI thread."""
        worker = get_current_worker()
        problems = check_fully(self.sweep, should_stop=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.post_message(self.Checked(problems))

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        self.problems = message.problems
        self.checked = True
        self._fill_problems()
        self.query_one(TabbedContent).get_tab("problems").label = self._problems_label(checking=False)

    # ---- tabs -------------------------------------------------------------

    @property
    def active_tab(self) -> str:
        """The id of the tab on show."""
        return self.query_one(TabbedContent).active

    def action_tab(self, tab: str) -> None:
        """Show a tab and focus its main widget."""
        self.query_one(TabbedContent).active = tab
        self._focus_tab(tab)

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "leaderboard" and not self._leader_rows:
            self._fill_leaderboard()
        if event.pane.id == "problems":
            self._start_check()
        self._focus_tab(event.pane.id or "")
        self.refresh_bindings()

    def _focus_tab(self, tab: str) -> None:
        target = {
            "leaderboard": self.leader_table,
            "grid": self.query_one(GridView),
            "cells": self.cells_table,
            "problems": self.problems_table,
        }.get(tab)
        if target is not None:
            target.focus()

    def _focus_now(self, widget: Widget) -> None:
        """Focus `widget` before the next key is handled: `Widget.focus` waits a turn of the
        message queue, and keys already typed (a paste, a fast typist) would reach the old one."""
        if widget.is_mounted:
            self.set_focus(widget)
        if self.focused is not widget:  # not focusable yet (a tab still hidden, not mounted): next turn
            widget.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show each tab's keys only where they do something."""
        tab = self.active_tab if self.is_mounted else "grid"
        if action == "cycle_axis":
            return tab == "grid"
        if action == "sort":
            return tab in ("leaderboard", "cells")
        if action == "filter":  # in the box itself, `/` is text (task:polyglot/rust)
            return tab == "cells" and self.focused is not self.filter_box  # set at once, unlike has_focus
        if action == "failed_only":
            return tab == "cells"
        if action == "back":
            return not self.single
        return True

    def action_back(self) -> None:
        """Back to the list of sweeps."""
        self.dismiss()

    # ---- leaderboard -------------------------------------------------------

    def _fill_leaderboard(self) -> None:
        rows = self.views.leaders  # already in LEADER_DEFAULT_SORT order
        if self.leader_sort != LEADER_DEFAULT_SORT:
            rows = sort_leaderboard(rows, self.leader_sort[0], descending=self.leader_sort[1])
        self._leader_rows = rows
        table = self.leader_table
        table.sort_key, table.sort_descending = self.leader_sort
        table.set_rows(LEADER_TABLE, len(rows), lambda r, c: leader_text(rows[r], LEADER_TABLE[c]), keep_cursor=True)

    # ---- grid --------------------------------------------------------------

    def action_cycle_axis(self) -> None:
        """Colour the grid by the next axis."""
        self.axis = self.axes[(self.axes.index(self.axis) + 1) % len(self.axes)]
        grid = self.query_one(GridView)
        grid.set_axis(self.axis)
        grid.cursor = grid.cursor  # the status line names the axis: announce the square again
        self._update_legend()

    def _update_legend(self) -> None:
        better = "lower" if self.axis in LOWER_IS_BETTER else "higher"
        glyphs = "  ".join(f"{g} {name.replace('_', ' ')}" for name, g in GLYPHS.items())
        self.query_one("#grid-legend", Static).update(
            f"colour: {axis_label(self.axis)} ({better} is better, green best)  ·  {glyphs}  ·  k/n runs passed"
            "  ·  a: next axis"
        )

    @on(GridView.SquareHighlighted)
    def _square_highlighted(self, event: GridView.SquareHighlighted) -> None:
        status = self.query_one("#grid-status", Static)
        if event.square is None:
            tui, model = self.grid.rows[event.row] if self.grid.rows else ("", "")
            task = self.grid.columns[event.column] if self.grid.columns else ""
            status.update(one_line(f"{tui} × {model} · {task}: no cell", 300))
            return
        first = event.square.runs[0]
        runs = event.square.runs
        value = event.square.value(self.axis)
        text = (
            f"{first.tui} × {first.model} · {first.task} · {event.square.outcome}"
            f" · {len(runs)} run{'s' if len(runs) > 1 else ''}, {event.square.passed} passed"
            f" · {axis_label(self.axis)} {headline_text(self.axis, value)}"
        )
        status.update(one_line(text, 300))

    @on(GridView.SquareSelected)
    def _open_square(self, event: GridView.SquareSelected) -> None:
        # n / p then walk every run of every square, row by row as the grid reads.
        order = [run for _, square in sorted(self.grid.squares.items()) for run in square.runs]
        self._open_cell(event.square.first, order)

    # ---- cells -------------------------------------------------------------

    def _fill_cells(self, *, keep_cursor: bool = False) -> None:
        query = parse_query(self.query_text)
        rows = filter_cells(self.sweep.cells, query, failed_only=self.failed_only)
        if self.cell_sort is not None:
            rows = sort_cells(rows, self.cell_sort[0], descending=self.cell_sort[1])
        self.shown = rows
        columns = cell_columns(self.axes)
        table = self.cells_table
        table.sort_key, table.sort_descending = self.cell_sort or (None, False)
        table.set_rows(columns, len(rows), lambda r, c: cell_text(rows[r], columns[c]), keep_cursor=keep_cursor)
        if self.failed_only:
            passed = 0
        elif query.empty:
            passed = self.views.passed
        else:
            passed = sum(1 for r in rows if r.passed)
        parts = [f"{len(rows):,} of {len(self.sweep.cells):,} cells", f"{passed:,} passed"]
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
        parts.append(f"pass rate {fmt_rate(passed / len(rows) if rows else None)}")
        self.cells_status.update("  ·  ".join(parts))

    def action_sort(self, direction: int) -> None:
        """`s` sorts by the next column; `S` reverses the order."""
        if self.active_tab == "leaderboard":
            self.leader_sort = self._next_sort(self.leader_sort, [c.key for c in LEADER_TABLE], direction)
            self._fill_leaderboard()
        elif self.active_tab == "cells":
            keys = [c.key for c in cell_columns(self.axes)]
            self.cell_sort = self._next_sort(self.cell_sort, keys, direction)
            self._fill_cells()

    @staticmethod
    def _next_sort(current: tuple[str, bool] | None, keys: list[str], direction: int) -> tuple[str, bool]:
        if direction < 0:
            key, descending = current or (keys[0], False)
            return key, not descending
        if current is None:
            return keys[0], False
        return keys[(keys.index(current[0]) + 1) % len(keys)], current[1]

    @on(VirtualTable.HeaderClicked)
    def _header_clicked(self, event: VirtualTable.HeaderClicked) -> None:
        if event.table.id == "leaderboard-table":
            same = self.leader_sort[0] == event.key
            self.leader_sort = (event.key, not self.leader_sort[1] if same else False)
            self._fill_leaderboard()
        elif event.table.id == "cells-table":
            same = self.cell_sort is not None and self.cell_sort[0] == event.key
            self.cell_sort = (event.key, not self.cell_sort[1] if same and self.cell_sort else False)
            self._fill_cells()

    def action_filter(self) -> None:
        """Show the filter box."""
        box = self.filter_box
        box.display = True
        box.value = self.query_text
        self._focus_now(box)

    @on(Input.Submitted, "#cells-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.query_text = event.value.strip()
        self._fill_cells()
        if not self.query_text:
            event.input.display = False
        self._focus_now(self.cells_table)

    def action_failed_only(self) -> None:
        """Show only the cells that did not pass, or all again."""
        self.failed_only = not self.failed_only
        self._fill_cells()

    @on(VirtualTable.RowSelected)
    def _row_selected(self, event: VirtualTable.RowSelected) -> None:
        if event.table.id == "cells-table" and self.shown:
            self._open_cell(self.shown[event.row], self.shown)
        elif event.table.id == "leaderboard-table":
            row = self._leader_rows[event.row]
            self.query_text = f"tui:={shlex.quote(row.tui)} model:={shlex.quote(row.model)}"
            self.action_tab("cells")
            self._fill_cells()

    def _open_cell(self, row: CellRow, order: list[CellRow]) -> None:
        from cabtui.ui.screens.cell import CellScreen

        self.app.push_screen(CellScreen(self.sweep, row, order))
