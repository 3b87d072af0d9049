"""The sweeps screen: one row per sweep when PATH holds several."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, Static

from cabtui.data.numbers import NONE, fmt_number, fmt_rate
from cabtui.data.results import Results, SweepSummary, summarize
from cabtui.data.text import one_line
from cabtui.ui.messages import OpenSweep
from cabtui.ui.widgets.footer import KeyFooter
from cabtui.ui.widgets.status import StatusLine
from cabtui.ui.widgets.table import CellText, Column, VirtualTable

COLUMNS = [
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
    """Pick a sweep: `enter` opens it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.quit", "Quit", show=False, id="sweeps.back"),
    ]

    def __init__(self, results: Results) -> None:
        super().__init__()
        self.results = results
        self.summaries = [summarize(s) for s in results.sweeps]

    def compose(self) -> ComposeResult:
        yield Header()
        yield VirtualTable(id="sweeps-table")
        yield StatusLine(id="sweeps-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Fill the table from the loaded results."""
        self.title = "cabtui · sweeps"
        rows = self.summaries
        self.query_one(VirtualTable).set_rows(COLUMNS, len(rows), lambda r, c: summary_text(rows[r], COLUMNS[c].key))
        cells = sum(s.cells for s in rows)
        self.query_one("#sweeps-status", Static).update(
            f"{len(rows)} sweeps, {cells:,} cells, {len(self.results.problems)} problems"
            f" under {one_line(str(self.results.path), 80)}  ·  enter opens a sweep"
        )
        self.query_one(VirtualTable).focus()

    @on(VirtualTable.RowSelected)
    def _open(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        self.post_message(OpenSweep(self.results.sweeps[event.row], control=event.table))
