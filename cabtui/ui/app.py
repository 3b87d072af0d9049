"""The cabtui application and the factory the CLI and the tests share."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ProgressBar, Static
from textual.worker import get_current_worker

from cabtui.data.results import (
    OTLP_SUFFIX,
    POLL_S,
    Results,
    Sweep,
    SweepViews,
    sweep_views,
)
from cabtui.data.text import counted, visible
from cabtui.ui.commands import JumpProvider
from cabtui.ui.feed import Feed, Grew, LoadFailed, LoadProgress
from cabtui.ui.messages import OpenCell, OpenCompare, OpenPair, OpenSweep, ShowTab
from cabtui.ui.pair_commands import PairProvider
from cabtui.ui.screens.compare import CompareScreen
from cabtui.ui.screens.help import HelpScreen
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.screens.sweeps import SweepsScreen
from cabtui.ui.search_actions import SEARCH_BINDINGS, SearchActions
from cabtui.ui.widgets.footer import KeyFooter

if TYPE_CHECKING:  # the pydantic models: imported when a cell or trace is opened, not at start-up
    from cabtui.data.results import Cell, CellArtifacts

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

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "app.reload", "Reload", id="live.reload", tooltip="Read the files again"),
    ]

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

    def __init__(
        self,
        path: Path,
        *,
        get_time: Callable[[], float] = time.monotonic,
        poll_interval: float = POLL_S,
        polling: bool = False,
    ) -> None:
        super().__init__()
        self.path = path
        self.poll_interval = poll_interval
        """How often the files are looked at when polling (and at the latest with events)."""
        self.polling = polling
        """Poll the files even where file-system events are to be had."""
        self.feed: Feed | None = None
        """The thread that loads PATH and then follows its files as they grow."""
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
        """Open a recording straight away, or load the sweeps in a thread that then watches them."""
        if self.path.suffix in RECORDING_SUFFIXES:
            from cabtui.ui.screens.player import PlayerScreen  # the terminal emulator: imported only to play

            self.push_screen(PlayerScreen(self.path))
            return
        if self.path.name.endswith(OTLP_SUFFIX):
            self.open_trace()
            return
        self._start_feed()

    def _start_feed(self) -> None:
        self.feed = Feed(self.path, self.post_message, self.poll_interval, self.polling, self.get_time)
        self.feed.shown = threading.Event()  # set once the first screen is painted (`_first_data`)
        self.feed.start()
        self._show_loading = self.set_timer(LOADING_DELAY_S, self._loading)

    def _loading(self) -> None:
        if self.results is None and not isinstance(self.screen, LoadingScreen):
            self.push_screen(LoadingScreen(self.path))

    def on_unmount(self) -> None:
        """The feed's thread ends with the app."""
        if self.feed is not None:
            self.feed.stop()

    # -- an OTLP trace alone (`cabtui FILE.otlp.jsonl`) ------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def open_trace(self) -> None:
        """Read an OpenTelemetry trace file off the UI thread, then replay it."""
        from cabtui.data.results import otlp_replay

        try:
            cell, artifacts = otlp_replay(self.path)
        except Exception as err:  # noqa: BLE001 - said on screen, never a traceback
            self.post_message(LoadFailed(f"{self.path}: could not be read ({type(err).__name__}: {err})"))
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

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        if self._show_loading is not None:
            self._show_loading.stop()
        if isinstance(self.screen, LoadingScreen):
            self.screen.failed(message.message)
        else:
            self.push_screen(LoadingScreen(self.path, failure=message.message))

    @on(Grew)
    def _grew(self, message: Grew) -> None:
        """Cells came in: the first ones open a screen; later ones update every screen that shows them."""
        progress = message.progress
        self._progress = progress
        if self.results is None:
            if not message.results.sweeps:
                if not progress.loading:
                    self.post_message(LoadFailed(f"{message.results.path}: no sweep could be read"))
                elif isinstance(self.screen, LoadingScreen):
                    self.screen.progress(progress.done, progress.total)
                return
            self._first_data(message.results, progress)
        for sweep_id in message.sweeps:
            self._views.pop(sweep_id, None)  # built again when next opened
        feed = self.feed
        watching = feed.watching if feed is not None else ""
        for screen in self.screen_stack:
            if isinstance(screen, SweepScreen) and screen.is_mounted:
                sweep_id = screen.sweep.sweep_id
                live = feed is not None and feed.live(sweep_id)
                screen.grew(progress, changed=sweep_id in message.sweeps, live=live, watching=watching)
            elif isinstance(screen, SweepsScreen) and screen.is_mounted:
                screen.grew(progress, message.sweeps, live=feed.live if feed is not None else None, watching=watching)
        if not progress.loading and message.results.problems and not self._said_problems:
            self._said_problems = True
            count = len(message.results.problems)
            said = f"{counted(count, 'problem')} while loading: see the Problems tab."
            self.notify(said, severity="warning", timeout=6)

    _said_problems = False
    _progress: LoadProgress | None = None
    """The last progress of the first read: a sweep opened while it goes on opens partial."""

    def _first_data(self, results: Results, progress: LoadProgress) -> None:
        """The first chunk: open its sweep, or the list of sweeps (more may come as the rest loads)."""
        self.results = results
        if self._show_loading is not None:
            self._show_loading.stop()
        screen: SweepScreen | SweepsScreen
        if len(results.sweeps) == 1 and not (progress.loading and self._more_sweeps_coming()):
            screen = SweepScreen(results.sweeps[0])
        else:
            screen = SweepsScreen(results)
        screen.progress = progress
        if isinstance(screen, SweepScreen):
            screen.incomplete = progress.loading  # before its panes mount: the full check waits for the end
        if isinstance(self.screen, LoadingScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
        if self.feed is not None and self.feed.shown is not None:
            self.call_after_refresh(self.feed.shown.set)  # the reading waited for this paint

    def _more_sweeps_coming(self) -> bool:
        """Whether PATH holds other files than the first (then it opens on the list of sweeps)."""
        index = self.feed.index if self.feed is not None else None
        return index is not None and len(index.tails) > 1

    def action_toggle_watch(self) -> None:
        """Pause watching the files (changes wait in them), or resume and read what came meanwhile."""
        feed = self.feed
        if feed is None:
            return
        if feed.paused.is_set():
            feed.paused.clear()
            self.notify("Watching resumed: changes show as they are written.", timeout=3)
        else:
            feed.paused.set()
            self.notify("Watching paused: w resumes, ctrl+r reads everything again.", timeout=3)
        for screen in self.screen_stack:  # the sweep screens' bar, a live replay's mark
            changed = getattr(screen, "watching_changed", None)
            if screen.is_mounted and callable(changed):
                changed(feed.watching)

    def action_reload(self) -> None:
        """Read PATH again from scratch (a file rewritten, not appended to): back to its first screen."""
        if self.path.suffix in RECORDING_SUFFIXES:
            return
        if self.feed is not None:
            self.feed.stop()
        self.results = None
        self._views.clear()
        self._said_problems = False
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.notify(f"Reloading {visible(str(self.path))} …", timeout=2)
        self._start_feed()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's commands, and pausing watching and reloading."""
        yield from super().get_system_commands(screen)
        if self.feed is not None:
            yield SystemCommand(
                "Pause / resume watching (w)", "Stop or restart following the files", self.action_toggle_watch
            )
            yield SystemCommand("Reload (ctrl+r)", "Read every file again from its start", self.action_reload)

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
        screen = SweepScreen(sweep, single=False, views=views)
        if self._progress is not None and self._progress.loading:
            screen.progress, screen.incomplete = self._progress, True
        self.push_screen(screen)

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


def make_app(
    path: Path,
    *,
    get_time: Callable[[], float] = time.monotonic,
    poll_interval: float = POLL_S,
    polling: bool = False,
) -> CabApp:
    """Build the app on a results path or a recording; the CLI and the tests both use this.

    `poll_interval` and `polling` say how the files are watched (tests poll quickly).
    """
    return CabApp(path, get_time=get_time, poll_interval=poll_interval, polling=polling)
