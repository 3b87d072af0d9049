"""The sweep screen: leaderboard, grid, cells and problems of one sweep, as tabs."""

from __future__ import annotations

import time
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, TabbedContent, Tabs
from textual.worker import get_current_worker

from cabtui.data.results import CellRow, Sweep, SweepViews, rerun_partner, sweep_views
from cabtui.data.text import one_line, visible
from cabtui.ui.feed import LoadProgress
from cabtui.ui.messages import OpenPair, PairSide
from cabtui.ui.screens.sweep_panes import CellsPane, GridPane, LeaderboardPane, ProblemsPane, SweepPane
from cabtui.ui.widgets.footer import KeyFooter
from cabtui.ui.widgets.load_bar import LoadBar

REBUILD_GROWTH = 2
"""While loading, the views are built again once the sweep has this many times the cells they show..."""

REBUILD_SHARE = 0.05
"""... and only while such a build, its cost foreseen from the last one's in proportion to the
cells, takes at most this share of the time the load has left (`worth_rebuilding`)."""


def worth_rebuilding(cells: int, built: int, took: float, left_s: float | None) -> bool:
    """Whether the partial views of a sweep still loading are worth building again now.

    A build reads every cell so far and competes with the reading for the interpreter, so it
    waits for the sweep to have doubled, and is given up once it would cost more than a
    twentieth of the load's time left: at 1,000,000 cells, builds of 60,000 and then 525,000
    cells (the last build's cost alone was the rule) took 1.8 s of a 10 s load; now the partial
    views stop at the first of them, and the whole is built once at the end.
    """
    if cells < built * REBUILD_GROWTH:
        return False
    foreseen = took * cells / max(built, 1)
    return left_s is not None and foreseen <= REBUILD_SHARE * left_s


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
        Binding("w", "app.toggle_watch", "Watch", id="live.watch", tooltip="Pause or resume watching the files"),
        Binding("ctrl+r", "app.reload", "Reload", show=False, id="live.reload", tooltip="Read the files again"),
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
        self.built = len(sweep.cells)
        """How many cells the views were built from."""
        self.incomplete = False
        """Cells are still coming in (the first read of a big sweep): the views are partial."""
        self.catching_up = False
        """The first read is done, but the views are still those of part of it: the build of the
        whole is under way (1.8 s at 1,000,000 cells), and the panes still say partial."""
        self._bar = (False, "")
        """What the load bar last said of the sweep: (live, how it is watched)."""
        self._stale = False
        """The sweep grew while its views were being built: build them again when done."""
        self._building = False
        self._build_started = 0.0
        self._build_took = 0.0
        self.progress: LoadProgress | None = None
        """How far the first read had got when the screen opened (the app sets it)."""
        self.marked_cell: CellRow | None = None
        """The cell `m` marked on the grid or the cells table; `c` on another sets them side by side."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield LoadBar(id="load-bar")
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
        if self.progress is not None:
            self.grew(self.progress, changed=False, live=False, watching="")

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

    # -- a sweep that grows ----------------------------------------------------------------

    def grew(self, progress: LoadProgress | None, *, changed: bool, live: bool, watching: str) -> None:
        """The index grew (`changed`: this sweep did), or only the progress moved: update what is shown.

        The views are built again off the UI thread, one build at a time; while loading, only
        while that is worth its cost (`worth_rebuilding`).
        """
        loading = progress is not None and progress.loading
        finished = self.incomplete and not loading
        self.incomplete = loading
        if finished and self.built < len(self.sweep.cells):
            self.catching_up = True
        self._bar = (live, watching)
        self.query_one(LoadBar).show(progress, live=live, watching=watching, building=self._building_all())
        if changed or finished:
            for pane in self.query(SweepPane):
                pane.grew()
            left = progress.left_s if progress is not None else None
            if not loading or finished or worth_rebuilding(len(self.sweep.cells), self.built, self._build_took, left):
                self._rebuild()

    def watching_changed(self, watching: str) -> None:
        """Watching was paused or resumed: the bar says so."""
        live = bool(getattr(self.app, "feed", None) and self.app.feed.live(self.sweep.sweep_id))  # type: ignore[attr-defined]
        self._bar = (live, watching)
        self.query_one(LoadBar).show(None, live=live, watching=watching, building=self._building_all())

    def _building_all(self) -> int | None:
        """The cells the views are being built of, once the first read is done (None: none are)."""
        return len(self.sweep.cells) if self.catching_up else None

    def _rebuild(self) -> None:
        if self._building:
            self._stale = True
            return
        self._building, self._stale = True, False
        self._build_started = time.monotonic()
        self._build_views(len(self.sweep.cells))

    @work(thread=True, exclusive=True, group="grow-views", exit_on_error=False)
    def _build_views(self, count: int) -> None:
        """The pivot, leaderboard and axes of the first `count` cells (the list only grows)."""
        views = sweep_views(self.sweep.cells[:count])
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._views_built, views, count)

    def _views_built(self, views: SweepViews, count: int) -> None:
        self._building = False
        self._build_took = time.monotonic() - self._build_started
        self.views, self.grid, self.axes, self.built = views, views.grid, views.axes, count
        if self.catching_up and count >= len(self.sweep.cells):
            self.catching_up = False
            live, watching = self._bar
            self.query_one(LoadBar).show(None, live=live, watching=watching)
        for pane in self.query(SweepPane):
            pane.views_changed(views)
        if not self.incomplete and (self._stale or len(self.sweep.cells) > count):
            self._rebuild()  # while loading, the next chunk's `grew` decides (the builds' share stays bounded)

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
