"""The line that says a sweep is still loading (cells, bytes, rate, time left) or growing live."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import ProgressBar, Static

from cabtui.ui.feed import LoadProgress


def progress_text(progress: LoadProgress) -> str:
    """`partial: loading · 2% · 12,345 cells · 45.2 of 1,956.6 MB · 61,000 cells/s · 30 s left`."""
    left = progress.left_s
    parts = [
        "partial: loading",
        f"{100 * progress.done // max(progress.total, 1)}%",
        f"{progress.cells:,} cells",
        f"{progress.done / 1e6:,.1f} of {progress.total / 1e6:,.1f} MB",
        f"{progress.rate:,.0f} cells/s",
        "time left …" if left is None else f"{left:,.0f} s left",
    ]
    return "  ·  ".join(parts)


class LoadBar(Horizontal):
    """Shown while the first read goes on, and while the sweep grows or watching is paused; else hidden.

    Its size never changes while it shows: an update repaints it without the layout of the
    whole screen that a `Static.update` (and the bar's own percentage label) asks for, which
    took the UI thread twice a second while a big sweep loads. The percentage is in the text.
    """

    def compose(self) -> ComposeResult:
        yield ProgressBar(id="load-bar-progress", show_eta=False, show_percentage=False)
        yield Static(id="load-bar-text", markup=False)

    def show(
        self, progress: LoadProgress | None, *, live: bool = False, watching: str = "", building: int | None = None
    ) -> None:
        """Say how far loading has got; once every cell is read, that the views of all `building`
        cells are being built; then whether the sweep is live or watching paused."""
        bar = self.query_one(ProgressBar)
        text = self.query_one("#load-bar-text", Static)
        if progress is not None and progress.loading:
            bar.update(total=max(progress.total, 1), progress=progress.done)
            text.update(progress_text(progress), layout=False)
            self._shown(bar, True)
            self._shown(self, True)
            return
        self._shown(bar, False)
        if building is not None:
            text.update(
                f"partial: all {building:,} cells read  ·  building the grid and leaderboard of them…", layout=False
            )
            self._shown(self, True)
            return
        if watching == "paused":
            text.update("watching paused: changes to the files wait (w resumes)", layout=False)
        elif live:
            text.update(f"● live: this sweep is growing; new cells show as they are written ({watching})", layout=False)
        self._shown(self, watching == "paused" or live)

    @staticmethod
    def _shown(widget: Widget, shown: bool) -> None:
        """Show or hide a widget, only when that changes (a change lays the screen out)."""
        if widget.display != shown:
            widget.display = shown
