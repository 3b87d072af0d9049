"""The Grid tab: CLI × model rows, task columns, each square coloured by one axis."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical

from cabtui.data.results import LOWER_IS_BETTER, CellRow, Sweep, SweepViews
from cabtui.data.text import one_line
from cabtui.ui.messages import OpenCell
from cabtui.ui.renderables.columns import axis_label, headline_text
from cabtui.ui.screens.sweep_panes.pane import MARK_CELL, PAIR_CELL, SweepPane
from cabtui.ui.widgets.grid import GLYPHS, GridView
from cabtui.ui.widgets.status import StatusLine


class GridPane(SweepPane):
    """The grid, its legend and the line naming the square under the cursor; `a` picks the axis."""

    MAIN = "#grid-view"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "cycle_axis", "Axis", id="sweep.axis", tooltip="Colour the grid by the next axis"),
        MARK_CELL,
        PAIR_CELL,
    ]

    def __init__(self, sweep: Sweep, views: SweepViews) -> None:
        super().__init__("2 Grid", sweep, views, id="grid")
        self.grid = views.grid
        self.axis = "pass_rate"
        """The axis the squares are coloured by."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield GridView(id="grid-view")
            yield StatusLine(id="grid-legend")
            yield StatusLine(id="grid-status")

    def on_mount(self) -> None:
        """The grid is the tab a sweep opens on: filled before the first paint."""
        self.query_one(GridView).set_grid(self.grid, self.axis)
        self._update_legend()

    def views_changed(self, views: SweepViews) -> None:
        """A grown pivot: the cursor stays on the same CLI × model and task, wherever they moved."""
        super().views_changed(views)
        view = self.query_one(GridView)
        old = self.grid
        col, row = view.cursor
        key = (old.rows[row] if row < len(old.rows) else None, old.columns[col] if col < len(old.columns) else None)
        self.grid = views.grid
        if self.axis not in views.axes:
            self.axis = "pass_rate"
        view.set_grid(views.grid, self.axis)
        rows = {k: i for i, k in enumerate(views.grid.rows)}
        columns = {t: i for i, t in enumerate(views.grid.columns)}
        if key[0] in rows and key[1] in columns:
            view.cursor = (columns[key[1]], rows[key[0]])
        self._update_legend()

    def action_cycle_axis(self) -> None:
        """Colour the grid by the next axis."""
        axes = self.views.axes
        self.axis = axes[(axes.index(self.axis) + 1) % len(axes)]
        grid = self.query_one(GridView)
        grid.set_axis(self.axis)
        grid.cursor = grid.cursor  # the status line names the axis: announce the square again
        self._update_legend()

    def _update_legend(self) -> None:
        better = "lower" if self.axis in LOWER_IS_BETTER else "higher"
        glyphs = "  ".join(f"{g} {name.replace('_', ' ')}" for name, g in GLYPHS.items())
        self.query_one("#grid-legend", StatusLine).update(
            ("partial  ·  " if self.partial else "")
            + f"colour: {axis_label(self.axis)} ({better} is better, green best)  ·  {glyphs}  ·  k/n runs passed"
            "  ·  a: next axis"
        )

    def highlighted_cell(self) -> tuple[CellRow | None, list[CellRow]]:
        """The square under the cursor: the run enter opens, and all its runs."""
        square = self.query_one(GridView).highlighted()
        return (square.first, list(square.runs)) if square is not None else (None, [])

    def show_mark(self, row: CellRow | None) -> None:
        """Draw the marked cell's square apart (None: no mark)."""
        where = None
        if row is not None:
            try:
                where = (self.grid.columns.index(row.task), self.grid.rows.index((row.tui, row.model)))
            except ValueError:
                where = None
        self.query_one(GridView).set_marked(where)

    @on(GridView.SquareHighlighted)
    def _square_highlighted(self, event: GridView.SquareHighlighted) -> None:
        status = self.query_one("#grid-status", StatusLine)
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
        self.post_message(OpenCell(self.sweep, event.square.first, order, control=event.grid))
