"""The cell page: everything the benchmark's web page shows for one cell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from cabtui.data.artifacts import CellArtifacts, load_artifacts
from cabtui.data.index import CellRow
from cabtui.data.loader import Sweep, read_cell
from cabtui.data.models import Cell
from cabtui.data.problems import Problem
from cabtui.data.query import neighbours
from cabtui.data.text import visible
from cabtui.ui import cell_page
from cabtui.ui.widgets.footer import KeyFooter


@dataclass(frozen=True)
class OpenedCell:
    """A cell read in full, with its artifacts."""

    row: CellRow
    cell: Cell
    artifacts: CellArtifacts
    neighbours: dict[str, list[CellRow]]
    """Cells listed beside this one, found in the worker: a scan of the whole sweep."""


class CellScreen(Screen[None]):
    """One cell in full; `n`/`p` walk the failed cells of the order it was opened from."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="cell.back"),
        Binding("n", "step_failed(1)", "Next failed", id="cell.next_failed"),
        Binding("p", "step_failed(-1)", "Prev failed", id="cell.previous_failed"),
        Binding("t", "replay", "Trace replay", id="cell.replay"),
        Binding("r", "recording", "Recording", id="cell.recording"),
        Binding("y", "copy_command", "Copy reproduce", id="cell.copy", tooltip="Copy the docker command"),
        Binding("up,k", "scroll(-1)", "Scroll up", show=False, id="cell.scroll_up"),
        Binding("down,j", "scroll(1)", "Scroll down", show=False, id="cell.scroll_down"),
    ]

    def __init__(self, sweep: Sweep, row: CellRow, order: list[CellRow]) -> None:
        super().__init__()
        self.sweep = sweep
        self.row = row
        self.order = order
        self.opened: OpenedCell | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="cell-page"):
            yield Static(id="cell-title", markup=False)
            yield Static(id="cell-banner", markup=False)
            yield Horizontal(id="tiles")
            for section, heading in SECTIONS:
                yield Static(heading, classes="section-title", markup=False)
                yield Static(id=f"section-{section}", classes="section", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the record and its artifacts off the UI thread."""
        self.query_one("#cell-title", Static).update(Text(f"loading {visible(self.row.cell_id)} …"))
        self.load_cell(self.row)

    @work(thread=True, exclusive=True, group="cell")
    def load_cell(self, row: CellRow) -> None:
        """Read the full record again from its line, then its trace and calls."""
        got = read_cell(row)
        if isinstance(got, Problem):
            self.app.call_from_thread(self._show_problem, row, got)
            return
        try:
            opened = OpenedCell(row, got, load_artifacts(got, row.source),
                                neighbours(self.sweep.cells, got.tui, got.model, got.task))
        except Exception as err:  # noqa: BLE001 - a broken artifact must not take the page down
            problem = Problem(str(row.source.path), row.line, f"artifacts unreadable: {type(err).__name__}: {err}")
            self.app.call_from_thread(self._show_problem, row, problem)
            return
        self.app.call_from_thread(self._show, opened)

    def _show_problem(self, row: CellRow, problem: Problem) -> None:
        self.row = row
        self.opened = None
        self.query_one("#cell-title", Static).update(Text(visible(str(problem)), "bold red"))

    def _show(self, opened: OpenedCell) -> None:
        self.opened = opened
        self.row = opened.row
        cell, arts = opened.cell, opened.artifacts
        self.title = f"{visible(cell.tui)} × {visible(cell.model)}"
        self.sub_title = visible(cell.task)
        self.query_one("#cell-title", Static).update(cell_page.title(cell))
        banner = cell_page.banner(cell)
        banner_widget = self.query_one("#cell-banner", Static)
        banner_widget.update(banner or "")
        banner_widget.set_class(banner is not None, "-shown")
        banner_widget.set_class(cell.status == "timed_out", "-timed-out")
        tiles = self.query_one("#tiles", Horizontal)
        tiles.remove_children()
        tiles.mount_all(Static(_tile(label, value), classes="tile", markup=False)
                        for label, value in cell_page.tile_values(cell))
        sections: dict[str, RenderableType] = {
            "identity": cell_page.identity(cell),
            "timing": cell_page.timing(cell),
            "breakdown": cell_page.breakdown(cell),
            "spans": cell_page.spans_table(arts),
            "calls": cell_page.calls_table(arts),
            "recording": cell_page.recording_text(arts),
            "reproduce": Text(visible(cell_page.reproduce_command(cell), multiline=True)
                              + "\n\ny copies this command.", "on grey11"),
            "neighbours": cell_page.neighbours(opened.neighbours),
            "problems": _problems(arts),
        }
        for section, body in sections.items():
            self.query_one(f"#section-{section}", Static).update(body)
        self.query_one("#cell-page").scroll_home(animate=False)

    def action_scroll(self, direction: int) -> None:
        """Scroll the page a line."""
        page = self.query_one("#cell-page", VerticalScroll)
        page.scroll_relative(y=direction, animate=False)

    def action_step_failed(self, direction: int) -> None:
        """Open the next (or previous) failed cell of the order, without going back."""
        try:
            index = self.order.index(self.row)
        except ValueError:
            index = -1 if direction > 0 else len(self.order)
        i = index + direction
        while 0 <= i < len(self.order):
            if self.order[i].failed:
                self.row = self.order[i]
                self.load_cell(self.order[i])
                return
            i += direction
        self.notify("No more failed cells in this order.", severity="warning")

    def action_copy_command(self) -> None:
        """Copy the reproduce command to the clipboard (OSC 52)."""
        if self.opened is None:
            return
        self.app.copy_to_clipboard(visible(cell_page.reproduce_command(self.opened.cell), multiline=True))
        self.notify("Reproduce command copied to the clipboard.")

    def action_replay(self) -> None:
        """Replay the trace (and recording) on one clock."""
        if self.opened is None:
            return
        from cabtui.ui.screens.replay import ReplayScreen

        self.app.push_screen(ReplayScreen(self.opened.cell, self.opened.artifacts))

    def action_recording(self) -> None:
        """Play the terminal recording."""
        if self.opened is None:
            return
        if self.opened.artifacts.recording is None:
            self.notify(f"No terminal recording: {visible(self.opened.artifacts.recording_note or '')}.",
                        severity="warning", markup=False)
            return
        from cabtui.ui.screens.player import PlayerScreen

        self.app.push_screen(PlayerScreen(self.opened.artifacts.recording))


SECTIONS = (
    ("identity", "Run identity"),
    ("timing", "Timing"),
    ("breakdown", "Scorer breakdown"),
    ("spans", "Trace spans"),
    ("calls", "Model calls"),
    ("recording", "Terminal recording"),
    ("reproduce", "Run it yourself"),
    ("neighbours", "Elsewhere in this sweep"),
    ("problems", "Problems reading this cell's artifacts"),
)


def _tile(label: str, value: str) -> Text:
    text = Text(label + "\n", "dim")
    text.append(value or " ", "bold")
    return text


def _problems(arts: CellArtifacts) -> Text:
    if not arts.problems:
        return Text("none", "italic")
    return Text("\n".join(visible(str(p)) for p in arts.problems), "red")
