"""The Problems tab: every problem in the sweep's files, as FILE:LINE: problem."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.widgets import TabbedContent
from textual.worker import get_current_worker

from cabtui.data.problems import Problem
from cabtui.data.results import Sweep, SweepViews, check_fully
from cabtui.data.text import one_line
from cabtui.ui.screens.sweep_panes.pane import SweepPane
from cabtui.ui.widgets.table import Column, VirtualTable

CHECK_AT_ONCE = 100_000
"""Sweeps up to this many cells check every field as soon as they open; bigger ones when the
Problems tab is first shown (the check reads every line again)."""


class ProblemsPane(SweepPane):
    """The problems found while loading, then every one `cabtui validate` finds (its tab says `…` until then)."""

    MAIN = "#problems-table"

    class Checked(Message):
        """Every field of the sweep's records was checked, as `cabtui validate` does."""

        def __init__(self, problems: list[Problem]) -> None:
            super().__init__()
            self.problems = problems

    def __init__(self, sweep: Sweep, views: SweepViews) -> None:
        self.problems: list[Problem] = list(sweep.problems)
        self.checked = False
        """True once the full check is in: the count on the tab is final."""
        self._check_started = False
        super().__init__(self._label(), sweep, views, id="problems")

    def compose(self) -> ComposeResult:
        yield VirtualTable(id="problems-table")

    def on_mount(self) -> None:
        """List what loading found; start the full check after the first paint on all but the biggest sweeps."""
        self._fill()
        if len(self.sweep.cells) <= CHECK_AT_ONCE and not self.partial:
            self.call_after_refresh(self._start_check)

    def activated(self) -> None:
        """Shown: the full check starts now if it has not yet."""
        self._start_check()
        super().activated()

    def _label(self) -> Content:
        return Content(f"4 Problems ({len(self.problems)}{'' if self.checked else '…'})")

    def _fill(self) -> None:
        problems = self.problems
        self.query_one(VirtualTable).set_rows(
            [Column("problem", "FILE:LINE: problem", max((len(str(p)) for p in problems[:1000]), default=20))],
            len(problems),
            lambda r, c: (one_line(str(problems[r]), 2000), "text--bad"),
            keep_cursor=True,
        )

    def grew(self) -> None:
        """Problems found in lines appended since: listed after the ones shown.

        The full check of a sweep still loading waits for its end (it reads every line again).
        """
        if not self.partial and not self._check_started and len(self.sweep.cells) <= CHECK_AT_ONCE:
            self.call_after_refresh(self._start_check)
        shown = {str(p) for p in self.problems}
        new = [p for p in self.sweep.problems if str(p) not in shown]
        if new:
            self.problems = [*self.problems, *new]
            self._fill()
            self.query_ancestor(TabbedContent).get_tab(self).label = self._label()

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
        message.stop()
        self.problems = message.problems
        self.checked = True
        self._fill()
        self.query_ancestor(TabbedContent).get_tab(self).label = self._label()
