"""The sweep screen: leaderboard, grid, cells and problems of one sweep, as tabs."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, TabbedContent, Tabs

from cabtui.data.results import CellRow, Sweep, SweepViews, rerun_partner, sweep_views
from cabtui.data.text import one_line, visible
from cabtui.ui.messages import OpenPair, PairSide
from cabtui.ui.screens.sweep_panes import CellsPane, GridPane, LeaderboardPane, ProblemsPane, SweepPane
from cabtui.ui.widgets.footer import KeyFooter


class SweepScreen(Screen[None]):
    """One sweep: pick a tab with 1-4; each tab's keys are in the footer and in `?`.

    Each tab is a pane that owns its widgets and keys; this screen holds what they
    share (the sweep and its views) and switches between them.
    """

    AUTO_FOCUS = "#grid-view"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "tab('leaderboard')", "Leaderboard", show=False, id="sweep.leaderboard"),
        Binding("2", "tab('grid')", "Grid", show=False, id="sweep.grid"),
        Binding("3", "tab('cells')", "Cells", show=False, id="sweep.cells"),
        Binding("4", "tab('problems')", "Problems", show=False, id="sweep.problems"),
        Binding("escape", "back", "Back", id="sweep.back"),
        # `/` from any tab, and before a tab just asked for has taken the focus (`3/` typed
        # fast): the Cells tab's filter. Hidden here: the Cells pane shows its own `/`.
        Binding("slash", "filter_cells", "Filter", show=False, id="sweep.filter_any", priority=True),
    ]

    def __init__(self, sweep: Sweep, *, single: bool = True, views: SweepViews | None = None) -> None:
        """`views` are the sweep's pivot, leaderboard and axes when the loading worker already
        built them off the UI thread; otherwise they are built here."""
        super().__init__()
        self.sweep = sweep
        self.single = single
        """The only sweep of the results: escape does not go back to a list of sweeps."""
        self.views = views or sweep_views(sweep.cells)
        self.grid = self.views.grid
        self.axes = self.views.axes
        self.marked_cell: CellRow | None = None
        """The cell `m` marked on the grid or the cells table; `c` on another sets them side by side."""

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="grid", id="tabs"):
            yield LeaderboardPane(self.sweep, self.views)
            yield GridPane(self.sweep, self.views)
            yield CellsPane(self.sweep, self.views)
            yield ProblemsPane(self.sweep, self.views)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Name the sweep in the header.

        The tab strip takes no focus: `1`-`4` and clicks switch tabs, and with the focus
        on the strip no pane's keys (sort, filter, axis) would work.
        """
        self.title = f"cabtui · {visible(self.sweep.sweep_id)}"
        self.sub_title = one_line(self.sweep.title or "", 80)
        self.query_one(Tabs).can_focus = False

    @property
    def active_tab(self) -> str:
        """The id of the tab on show."""
        return self.query_one(TabbedContent).active

    def action_tab(self, tab: str) -> None:
        """Show a tab, its main widget focused before the next key."""
        tabs = self.query_one(TabbedContent)
        tabs.active = tab
        pane = tabs.get_pane(tab)
        if isinstance(pane, SweepPane):
            pane.activated()

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        """A key, a click on a tab or the palette showed a tab: it fills and focuses itself."""
        if isinstance(event.pane, SweepPane):
            event.pane.activated()
        self.refresh_bindings()

    @on(LeaderboardPane.PairChosen)
    def _pair_chosen(self, message: LeaderboardPane.PairChosen) -> None:
        message.stop()
        self.query_one(CellsPane).show_pair(message.row.tui, message.row.model)
        self.action_tab("cells")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape goes back only to a list of sweeps; in the filter box `/` is text."""
        if action == "back":
            return not self.single
        if action == "filter_cells":
            return self.focused is not self.query_one(CellsPane).filter_box
        return True

    def action_filter_cells(self) -> None:
        """Show the Cells tab with its filter box open, typed into from the very next key."""
        self.action_tab("cells")
        self.query_one(CellsPane).action_filter()

    def action_back(self) -> None:
        """Back to the list of sweeps."""
        self.dismiss()

    # ---- two cells side by side (m marks, c picks the second) -------------

    def highlighted_cell(self) -> tuple[CellRow | None, list[CellRow]]:
        """The cell under the grid's or the cells table's cursor, and every run of its task there."""
        tab = self.active_tab
        if tab == "grid":
            return self.query_one(GridPane).highlighted_cell()
        if tab == "cells":
            return self.query_one(CellsPane).highlighted_cell()
        return None, []

    def action_mark_cell(self) -> None:
        """Mark the highlighted cell (again: unmark it); `c` on another cell compares the two."""
        row, _ = self.highlighted_cell()
        if row is None:
            self.notify("No cell here to mark.", severity="warning")
            return
        self.marked_cell = None if self.marked_cell is row else row
        if self.marked_cell is None:
            self.notify("Mark cleared.", timeout=2)
        else:
            self.notify(f"Marked {one_line(row.cell_id, 120)}: c on another cell sets the two side by side.", timeout=4)
        self.query_one(GridPane).show_mark(self.marked_cell)
        self.query_one(CellsPane).show_mark(self.marked_cell)

    def action_pair_cell(self) -> None:
        """The marked cell beside the highlighted one; with no mark (or on it), two runs of its task."""
        row, runs = self.highlighted_cell()
        if row is None:
            self.notify("No cell here.", severity="warning")
            return
        marked = self.marked_cell
        if marked is not None and marked is not row:
            self.post_message(OpenPair(PairSide(self.sweep, marked, "marked"), PairSide(self.sweep, row, "picked")))
            return
        other = rerun_partner(runs, row)
        if other is None:
            self.notify("This task ran once here: mark a cell with m, then c on another.", severity="warning")
            return
        first, second = sorted((row, other), key=lambda r: r.run)
        self.post_message(
            OpenPair(PairSide(self.sweep, first, f"run {first.run}"), PairSide(self.sweep, second, f"run {second.run}"))
        )
