"""The cabtui application and the factory the CLI and the tests share."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ProgressBar, Static
from textual.worker import get_current_worker

from cabtui.data.results import (
    OTLP_SUFFIX,
    CellArtifacts,
    Results,
    Sweep,
    SweepViews,
    UnreadablePath,
    load,
    sweep_views,
)
from cabtui.data.text import visible
from cabtui.ui.commands import JumpProvider
from cabtui.ui.messages import OpenCell, OpenCompare, OpenPair, OpenSweep, ShowTab
from cabtui.ui.pair_commands import PairProvider
from cabtui.ui.screens.compare import CompareScreen
from cabtui.ui.screens.help import HelpScreen
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.screens.sweeps import SweepsScreen
from cabtui.ui.search_actions import SEARCH_BINDINGS, SearchActions
from cabtui.ui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from cabtui.data.results import Cell

RECORDING_SUFFIXES = (".cast", ".gz")


BIG_SWEEP = 20_000
"""Opening a sweep this big says so while its views are built."""

LOADING_DELAY_S = 0.25
"""A load that ends sooner opens its sweep at once, with no loading screen flashing by."""


class LoadingScreen(Screen[None]):
    """Shown while a slow load runs in a thread; says how far it has got, or why it failed."""

    def __init__(self, path: Path, failure: str | None = None) -> None:
        super().__init__()
        self.path = path
        self.failure = failure

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Loading {visible(str(self.path))} …"), id="loading-text")
        yield ProgressBar(id="loading-bar", show_eta=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Show a failure that came before this screen did."""
        if self.failure is not None:
            self.failed(self.failure)

    def progress(self, done: int, total: int) -> None:
        """Move the bar."""
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)

    def failed(self, message: str) -> None:
        """Say why nothing could be loaded; q quits."""
        self.query_one(ProgressBar).display = False
        self.query_one("#loading-text", Static).update(Text(visible(message) + "\n\nq quits.", "bold red"))


class CabApp(SearchActions):
    """Browse sweeps, cells, traces and terminal recordings.

    Screens and the palette post `OpenSweep`, `OpenCell`, `OpenCompare`, `OpenPair` and `ShowTab`; the app
    handles them, so it alone knows which screen comes next.
    """

    CSS_PATH = "app.tcss"
    TITLE = "cabtui"
    COMMANDS = App.COMMANDS | {JumpProvider, PairProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Every key of this screen"),
        *SEARCH_BINDINGS,  # g search, n / N hits (search_actions.py)
    ]

    def __init__(self, path: Path, *, get_time: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.path = path
        self.get_time = get_time
        """The time source every playback clock uses; tests inject a fake one."""
        self.results: Results | None = None
        self._views: dict[str, SweepViews] = {}
        """Each opened sweep's pivot, leaderboard and axes, by sweep id: built once."""
        self._show_loading: Timer | None = None
        """Puts up the loading screen if the load is still running after LOADING_DELAY_S."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text, whatever the caller asked.

        Messages name sweeps, cells and files from the data; read as markup, a
        name such as `[/x]` would raise and `[@click=...]` would run an action.
        Screens' and widgets' `notify` come here too.
        """
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def on_mount(self) -> None:
        """Open a recording straight away, or load the sweeps in a worker."""
        if self.path.suffix in RECORDING_SUFFIXES:
            from cabtui.ui.screens.player import PlayerScreen  # the terminal emulator: imported only to play

            self.push_screen(PlayerScreen(self.path))
            return
        if self.path.name.endswith(OTLP_SUFFIX):
            self.open_trace()
            return
        self.load_results()
        self._show_loading = self.set_timer(LOADING_DELAY_S, self._loading)

    def _loading(self) -> None:
        if self.results is None and not isinstance(self.screen, LoadingScreen):
            self.push_screen(LoadingScreen(self.path))

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_results(self) -> None:
        """Load off the UI thread, posting progress; cancelled when the app quits."""
        worker = get_current_worker()
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last > 0.1:
                last = now
                self.call_from_thread(self._progress, done, total)

        try:
            results = load(self.path, progress=progress, should_stop=lambda: worker.is_cancelled)
        except UnreadablePath as err:
            self.call_from_thread(self._failed, str(err))
            return
        except Exception as err:  # noqa: BLE001 - never a dead worker behind a "Loading…" screen
            self.call_from_thread(self._failed, f"{self.path}: could not be loaded ({type(err).__name__}: {err})")
            return
        # A single sweep opens at once: its pivot and leaderboard are built here, off the UI thread.
        views = None
        if len(results.sweeps) == 1:
            views = sweep_views(results.sweeps[0].cells)
        if not worker.is_cancelled:
            self.call_from_thread(self._loaded, results, views)

    # -- an OTLP trace alone (`cabtui FILE.otlp.jsonl`) ------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def open_trace(self) -> None:
        """Read an OpenTelemetry trace file off the UI thread, then replay it."""
        from cabtui.data.results import otlp_replay

        try:
            cell, artifacts = otlp_replay(self.path)
        except Exception as err:  # noqa: BLE001 - said on screen, never a traceback
            self.call_from_thread(self._failed, f"{self.path}: could not be read ({type(err).__name__}: {err})")
            return
        self.call_from_thread(self._trace_ready, cell, artifacts)

    def _trace_ready(self, cell: Cell, artifacts: CellArtifacts) -> None:
        from cabtui.ui.screens.replay import ReplayScreen

        self.push_screen(ReplayScreen(cell, artifacts))
        if artifacts.problems:
            count = len(artifacts.problems)
            self.notify(
                f"{count} problem{'s' if count > 1 else ''} in the trace; first: {artifacts.problems[0]}",
                severity="warning",
                timeout=8,
            )

    # --------------------------------------------------------------------------------------

    def _progress(self, done: int, total: int) -> None:
        if isinstance(self.screen, LoadingScreen):
            self.screen.progress(done, total)

    def _failed(self, message: str) -> None:
        if self._show_loading is not None:
            self._show_loading.stop()
        if isinstance(self.screen, LoadingScreen):
            self.screen.failed(message)
        else:
            self.push_screen(LoadingScreen(self.path, failure=message))

    def _loaded(self, results: Results, views: SweepViews | None) -> None:
        if not results.sweeps:
            self._failed(f"{results.path}: no sweep could be read")
            return
        self.results = results
        if self._show_loading is not None:
            self._show_loading.stop()
        if len(results.sweeps) == 1:
            if views is not None:
                self._views[results.sweeps[0].sweep_id] = views
            screen: Screen[None] = SweepScreen(results.sweeps[0], views=views)
        else:
            screen = SweepsScreen(results)
        if isinstance(self.screen, LoadingScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
        if results.problems:
            self.notify(
                f"{len(results.problems)} problems while loading: see the Problems tab.", severity="warning", timeout=6
            )

    @on(OpenSweep)
    def _open_sweep(self, message: OpenSweep) -> None:
        """Push a sweep's screen (escape comes back); its views are built in a thread, once.

        They take 0.8 s at 100,000 cells: the screen on show keeps answering meanwhile.
        """
        sweep = message.sweep
        views = self._views.get(sweep.sweep_id)
        if views is not None:
            self._views_built(sweep, views)
            return
        if len(sweep.cells) >= BIG_SWEEP:
            self.notify(f"Opening {visible(sweep.sweep_id)} ({len(sweep.cells):,} cells) …", timeout=3)
        self._build_views(sweep)

    @work(thread=True, exclusive=True, group="views", exit_on_error=False)
    def _build_views(self, sweep: Sweep) -> None:
        try:
            views = sweep_views(sweep.cells)
        except Exception as err:  # noqa: BLE001 - said on screen, never a silent dead worker
            self.call_from_thread(
                self.notify, f"{visible(sweep.sweep_id)}: could not be opened ({err!r})", severity="error"
            )
            return
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._views_built, sweep, views)

    def _views_built(self, sweep: Sweep, views: SweepViews) -> None:
        self._views[sweep.sweep_id] = views
        self.push_screen(SweepScreen(sweep, single=False, views=views))

    @on(OpenCell)
    def _open_cell(self, message: OpenCell) -> None:
        """Push a cell's page."""
        # The cell page reads full records (pydantic): imported when a cell is first opened,
        # so that start-up does not pay for it.
        from cabtui.ui.screens.cell import CellScreen

        self.push_screen(CellScreen(message.sweep, message.row, message.order))

    @on(OpenCompare)
    def _open_compare(self, message: OpenCompare) -> None:
        """Push the Compare screen (it compares in a thread)."""
        self.push_screen(CompareScreen(message.before, message.after))

    @on(OpenPair)
    def _open_pair(self, message: OpenPair) -> None:
        """Push two cells side by side (the pair screen reads both records in a thread)."""
        from cabtui.ui.screens.pair import PairScreen  # reads full records, as the cell page

        self.push_screen(PairScreen(message.left, message.right))

    @on(ShowTab)
    def _show_tab(self, message: ShowTab) -> None:
        """Back to the topmost sweep screen, on that tab."""
        sweeps = [screen for screen in self.screen_stack if isinstance(screen, SweepScreen)]
        if not sweeps:
            self.notify("Open a sweep first.", severity="warning")
            return
        while len(self.screen_stack) > self.screen_stack.index(sweeps[-1]) + 1:
            self.pop_screen()
        sweeps[-1].action_tab(message.tab)

    def action_help(self) -> None:
        """Show every key of the current screen."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))


def make_app(path: Path, *, get_time: Callable[[], float] = time.monotonic) -> CabApp:
    """Build the app on a results path or a recording; the CLI and the tests both use this."""
    return CabApp(path, get_time=get_time)
