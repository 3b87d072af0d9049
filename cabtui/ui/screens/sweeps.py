"""The sweeps screen: one row per sweep when PATH holds several; `m` and `c` compare two."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from cabtui.data.numbers import NONE, fmt_number, fmt_rate
from cabtui.data.results import Results, Sweep, SweepSummary, summarize, sweep_keys
from cabtui.data.text import counted, one_line
from cabtui.ui.feed import LoadProgress
from cabtui.ui.messages import OpenCompare, OpenSweep
from cabtui.ui.renderables.compare_columns import previous_in_time
from cabtui.ui.widgets.footer import KeyFooter
from cabtui.ui.widgets.load_bar import LoadBar
from cabtui.ui.widgets.status import StatusLine
from cabtui.ui.widgets.table import CellText, Column, VirtualTable

COLUMNS = [
    Column("mark", "", 7),  # BEFORE on the sweep `m` marked
    Column("live", "", 6),  # ● live on a sweep that grew lately
    Column("sweep_id", "Sweep", 28),
    Column("cells", "Cells", 7, "right"),
    Column("tuis", "CLIs", 4, "right"),
    Column("models", "Models", 6, "right"),
    Column("tasks", "Tasks", 5, "right"),
    Column("pass_rate", "Pass rate", 9, "right"),
    Column("mean_composite", "Composite", 9, "right"),
    Column("dates", "Dates", 23),
    Column("problems", "Problems", 8, "right"),
    Column("title", "Title", 40),
]


def summary_text(s: SweepSummary, key: str) -> CellText:
    """One cell of the sweeps table."""
    if key == "sweep_id":
        return one_line(s.sweep_id, 200), None
    if key in ("mark", "live"):
        return "", None
    if key == "title":
        return one_line(s.title or "", 200), None
    if key == "pass_rate":
        return fmt_rate(s.pass_rate), None
    if key == "mean_composite":
        return fmt_number(s.mean_composite), None
    if key == "dates":
        first = s.first_start.date().isoformat() if s.first_start else NONE
        last = s.last_end.date().isoformat() if s.last_end else NONE
        return (first if first == last else f"{first} → {last}"), None
    if key == "problems":
        return str(s.problems), "text--bad" if s.problems else "text--muted"
    return f"{getattr(s, key):,}", None


class SweepsScreen(Screen[None]):
    """Pick a sweep: `enter` opens it; `m` marks it BEFORE, `c` compares it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.quit", "Quit", show=False, id="sweeps.back"),
        Binding("m", "mark", "Mark before", id="sweeps.mark", tooltip="Mark the highlighted sweep as BEFORE"),
        Binding(
            "c",
            "compare",
            "Compare",
            id="sweeps.compare",
            tooltip="Compare the marked sweep (or the one before it in time) with the highlighted one",
        ),
        Binding("w", "app.toggle_watch", "Watch", id="live.watch", tooltip="Pause or resume watching the files"),
        Binding("ctrl+r", "app.reload", "Reload", show=False, id="live.reload", tooltip="Read the files again"),
    ]

    def __init__(self, results: Results) -> None:
        super().__init__()
        self.results = results
        self.summaries = [summarize(s) for s in results.sweeps]
        self.marked: int | None = None
        """The index of the sweep marked BEFORE, if any."""
        self.live: Callable[[str], bool] = lambda sweep_id: False
        """Whether a sweep grew lately (the app's feed knows)."""
        self.progress: LoadProgress | None = None
        self._summarizing = False
        self._changed: set[str] = set()
        """Sweeps that grew since their line was last summed up."""

    @property
    def marked_sweep(self) -> Sweep | None:
        """The sweep marked BEFORE, if any."""
        return None if self.marked is None else self.results.sweeps[self.marked]

    def previous(self, index: int) -> Sweep | None:
        """The sweep that started before `results.sweeps[index]`, if any."""
        return previous_in_time(self.results.sweeps, [s.first_start for s in self.summaries], index)

    def compose(self) -> ComposeResult:
        yield Header()
        yield LoadBar(id="load-bar")
        yield VirtualTable(id="sweeps-table")
        yield StatusLine(id="sweeps-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Fill the table from the loaded results."""
        self.title = "cabtui · sweeps"
        self._fill()
        if self.progress is not None:
            self.query_one(LoadBar).show(self.progress)
        self.query_one(VirtualTable).focus()
        self.call_after_refresh(self._warm_keys)

    def _status(self) -> None:
        rows = self.summaries
        cells = sum(s.cells for s in rows)
        partial = "partial: " if self.progress is not None and self.progress.loading else ""
        self.query_one("#sweeps-status", Static).update(
            f"{partial}{counted(len(rows), 'sweep')}, {counted(cells, 'cell')},"
            f" {counted(len(self.results.problems), 'problem')}"
            f" under {one_line(str(self.results.path), 80)}  ·  enter opens a sweep  ·  m marks BEFORE, c compares"
        )

    def grew(
        self, progress: LoadProgress, changed: set[str], *, live: Callable[[str], bool] | None, watching: str
    ) -> None:
        """Sweeps grew or appeared: their lines are summed up again off the UI thread, one batch at a time."""
        self.progress = progress
        if live is not None:
            self.live = live
        self._changed |= changed
        self.query_one(LoadBar).show(
            progress, live=any(self.live(s.sweep_id) for s in self.results.sweeps), watching=watching
        )
        if not self._summarizing and (self._changed or len(self.summaries) != len(self.results.sweeps)):
            self._summarizing = True
            ids, self._changed = self._changed, set()
            self._summarize(ids)
        else:
            self._status()

    def watching_changed(self, watching: str) -> None:
        """Watching was paused or resumed."""
        live = any(self.live(s.sweep_id) for s in self.results.sweeps)
        self.query_one(LoadBar).show(self.progress, live=live, watching=watching)

    @work(thread=True, exclusive=True, group="summaries", exit_on_error=False)
    def _summarize(self, ids: set[str]) -> None:
        """The lines of the sweeps that grew (each reads its cells), the others kept."""
        old = {s.sweep_id: s for s in self.summaries}
        summaries = [
            old[sweep.sweep_id] if sweep.sweep_id in old and sweep.sweep_id not in ids else summarize(sweep)
            for sweep in list(self.results.sweeps)
        ]
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._summarized, summaries)

    def _summarized(self, summaries: list[SweepSummary]) -> None:
        self.summaries = summaries
        self._summarizing = False
        self._fill()
        if self._changed or len(summaries) != len(self.results.sweeps):
            self.grew(self.progress or LoadProgress(loading=False), set(), live=None, watching="")

    @work(thread=True, exclusive=True, group="compare-keys", exit_on_error=False)
    def _warm_keys(self) -> None:
        """Key every sweep's cells for comparing, in the background: a comparison asked for
        later then only matches (0.2 s of its wait at 2 x 100,000 cells)."""
        for sweep in self.results.sweeps:
            sweep_keys(sweep)

    def _fill(self) -> None:
        rows = self.summaries

        def text(r: int, c: int) -> CellText:
            if COLUMNS[c].key == "mark":
                return ("BEFORE", "outcome--mixed") if r == self.marked else ("", None)
            if COLUMNS[c].key == "live":
                return ("● live", "outcome--pass") if self.live(rows[r].sweep_id) else ("", None)
            return summary_text(rows[r], COLUMNS[c].key)

        self.query_one(VirtualTable).set_rows(COLUMNS, len(rows), text, keep_cursor=True)
        self._status()

    def action_mark(self) -> None:
        """Mark the highlighted sweep as BEFORE; `m` on the marked one clears the mark."""
        row = self.query_one(VirtualTable).cursor_row
        self.marked = None if self.marked == row else row
        self._fill()

    def action_compare(self) -> None:
        """The marked sweep against the highlighted one; with none marked, the one before it in time."""
        row = self.query_one(VirtualTable).cursor_row
        after = self.results.sweeps[row]
        if self.marked == row:
            self.notify("This is the sweep marked BEFORE: highlight another, then c.", severity="warning")
            return
        if self.marked is not None:
            before = self.results.sweeps[self.marked]
        else:
            found = self.previous(row)
            if found is None:
                self.notify("No sweep started before this one: mark one with m, then c on another.", severity="warning")
                return
            before = found
        self.post_message(OpenCompare(before, after))

    @on(VirtualTable.RowSelected)
    def _open(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        self.post_message(OpenSweep(self.results.sweeps[event.row], control=event.table))
