"""The cell page: everything the benchmark's web page shows for one cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static

from cabtui.data.problems import Problem
from cabtui.data.results import (
    AXES,
    Cell,
    CellArtifacts,
    CellRow,
    Sweep,
    load_artifacts,
    open_record,
    reproduce_command,
    rerun_partner,
)
from cabtui.data.text import visible
from cabtui.ui.messages import OpenPair, PairSide
from cabtui.ui.renderables import cell_artifacts_view, cell_breakdown, cell_page
from cabtui.ui.renderables.cell_harness import harness_fields, harness_section
from cabtui.ui.renderables.cell_related import RUNS, options, related
from cabtui.ui.widgets.footer import KeyFooter
from cabtui.ui.widgets.table import Column, VirtualTable


@dataclass(frozen=True)
class OpenedCell:
    """A cell read in full, with its artifacts."""

    row: CellRow
    cell: Cell
    artifacts: CellArtifacts
    neighbours: dict[str, list[CellRow]] = field(default_factory=dict)
    """Cells listed beside this one (other runs first), found in the worker: a scan of the sweep."""


def _problem(row: CellRow, what: str, err: BaseException) -> Problem:
    return Problem(str(row.source.path), row.line, f"{what}: {type(err).__name__}: {err}")


def open_cell(
    rows: list[CellRow], row: CellRow, *, with_neighbours: bool = True
) -> tuple[OpenedCell | None, tuple[Problem, ...], dict[str, list[CellRow]]]:
    """Read a cell again, its artifacts and (unless told not to: a scan of the sweep) its
    neighbours; nothing raised reaches the caller.

    The file may have changed since it was indexed (or be gone): whatever goes wrong
    becomes a `FILE:LINE: what is wrong` problem and the page shows the index row.
    """
    problems: list[Problem] = []
    groups: dict[str, list[CellRow]] = {}
    try:
        if with_neighbours:
            groups = related(rows, row)
    except Exception as err:  # noqa: BLE001 - the list is a nicety, the page is not
        problems.append(_problem(row, "neighbours not found", err))
    try:
        record = open_record(row)
    except Exception as err:  # noqa: BLE001 - a changed file must not take the app down
        return None, (_problem(row, "cannot be read again", err), *problems), groups
    got = record.cell
    if got is None:
        return None, (*record.problems, *problems), groups
    problems[:0] = record.problems  # fields left out for a wrong type, as `cabtui validate` says
    try:
        arts = load_artifacts(got, row.source)
    except Exception as err:  # noqa: BLE001 - a broken artifact must not take the page down
        problems.append(_problem(row, "artifacts unreadable", err))
        arts = CellArtifacts(trace_note="unreadable", calls_note="unreadable", recording_note="unreadable")
    return OpenedCell(row, got, arts, groups), (*problems, *arts.problems), groups


class CellPage(VerticalScroll, inherit_bindings=False):
    """The scrolling page; `end` goes to its very last line, at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="cell.scroll_up"),
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="cell.scroll_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="cell.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="cell.page_down"),
        Binding("home", "top", "Top", show=False, id="cell.top"),
        Binding("end", "bottom", "Bottom", show=False, id="cell.bottom"),
    ]

    def action_top(self) -> None:
        """Scroll to the title."""
        self.scroll_home(animate=False, immediate=True)

    def action_bottom(self) -> None:
        """Scroll until the page's last line is on screen (immediately: no animation to cut short)."""
        self.scroll_end(animate=False, immediate=True)


EXTRA_COLUMNS = [
    Column("axis", "Axis", 28),
    Column("headline", "Headline", 10, "right"),
    Column("values", "Values", 80),
]


class CellScreen(Screen[None]):
    """One cell in full; `n`/`p` walk the failed cells of the order it was opened from."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"cell--error"}
    """`cell--error`: unexpected files and span errors, in the theme's error text colour."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="cell.back"),
        Binding("n", "step_failed(1)", "Next failed", id="cell.next_failed"),
        Binding("p", "step_failed(-1)", "Prev failed", id="cell.previous_failed"),
        Binding("t", "replay", "Trace replay", id="cell.replay"),
        Binding("r", "recording", "Recording", id="cell.recording"),
        Binding(
            "c",
            "compare_run",
            "Compare run",
            id="cell.compare_run",
            tooltip="This run beside another run of the same task (one that disagrees, else the next)",
        ),
        Binding("y", "copy_command", "Copy reproduce", id="cell.copy", tooltip="Copy the docker command"),
        Binding(
            "v",
            "toggle_raw",
            "Raw tails",
            id="cell.raw_tails",
            tooltip="Show stdout/stderr tails as stored, control characters made visible",
        ),
        Binding(
            "e",
            "elsewhere",
            "Elsewhere",
            id="cell.elsewhere",
            tooltip="Move to the list of other runs and neighbouring cells",
        ),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-medium"), (132, "-wide")]
    """Tiles go 2, 4 or 7 to a row, so a label never breaks mid-word."""

    raw_tails: reactive[bool] = reactive(False)
    """Tails as stored (control characters visible) instead of as the terminal showed them."""

    class Loaded(Message):
        """A worker read a cell: what it found, and the problems on the way."""

        def __init__(
            self,
            row: CellRow,
            opened: OpenedCell | None,
            problems: tuple[Problem, ...],
            neighbours: dict[str, list[CellRow]],
        ) -> None:
            super().__init__()
            self.row = row
            self.opened = opened
            self.problems = problems
            self.neighbours = neighbours

    def __init__(self, sweep: Sweep, row: CellRow, order: list[CellRow], *, section: str | None = None) -> None:
        """`section`: scroll to it once the cell is read (a search hit); "top" or one of SECTIONS."""
        super().__init__()
        self.section = section
        self.sweep = sweep
        self.row = row
        """The cell this page is for: set as soon as one is asked for, so late results are dropped."""
        self.order = order
        self.opened: OpenedCell | None = None
        self.shown_row: CellRow | None = None
        """The cell whose result is on the page (None while the first one loads)."""
        self.problems: tuple[Problem, ...] = ()
        self._targets: list[CellRow] = []

    @property
    def _error_style(self) -> Style:
        return self.get_component_rich_style("cell--error")

    def compose(self) -> ComposeResult:
        yield Header()
        with CellPage(id="cell-page"):
            yield Static(id="cell-title", markup=False)
            yield Static(id="cell-banner", markup=False)
            with Grid(id="tiles"):
                for axis in AXES:
                    yield Static(id=f"tile-{axis}", classes="tile", markup=False)
            yield Static("Other axes", id="extra-axes-title", classes="section-title", markup=False)
            yield VirtualTable(id="extra-axes")
            for section, heading in SECTIONS:
                yield Static(heading, id=f"title-{section}", classes="section-title", markup=False)
                if section == "neighbours":
                    yield OptionList(id="elsewhere")
                else:
                    yield Static(id=f"section-{section}", classes="section", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        """Read the record and its artifacts off the UI thread."""
        self.query_one("#cell-title", Static).update(Text(f"loading {visible(self.row.cell_id)} …"))
        self.load_cell(self.row)

    def open_row(self, row: CellRow) -> None:
        """Show another cell on this page; whatever an earlier worker finds is dropped."""
        self.row = row
        self.load_cell(row)

    @work(thread=True, exclusive=True, group="cell", exit_on_error=False)
    def load_cell(self, row: CellRow) -> None:
        """Read the full record again from its line, then its trace and calls; post what was found."""
        self.post_message(self.Loaded(row, *open_cell(self.sweep.cells, row)))

    def on_cell_screen_loaded(self, message: CellScreen.Loaded) -> None:
        """Show a worker's result, unless another cell was asked for since."""
        message.stop()
        if message.row is not self.row:
            return
        self.opened, self.problems, self.shown_row = message.opened, message.problems, message.row
        self._show(
            message.row,
            message.opened.cell if message.opened else None,
            message.opened.artifacts if message.opened else None,
            message.neighbours,
        )

    def _show(
        self, row: CellRow, cell: Cell | None, arts: CellArtifacts | None, groups: dict[str, list[CellRow]]
    ) -> None:
        source = cell or row
        self.title = f"{visible(source.tui)} × {visible(source.model)}"
        self.sub_title = visible(source.task)
        self.query_one("#cell-title", Static).update(cell_page.title(source))
        banner = cell_page.banner(source.status, cell.status_detail if cell else None)
        if cell is None:
            first = str(self.problems[0]) if self.problems else "the record could not be read"
            banner = (banner or Text()).append(("\n" if banner else "") + first)
        banner_widget = self.query_one("#cell-banner", Static)
        banner_widget.update(banner or "")
        banner_widget.set_class(banner is not None, "-shown")
        banner_widget.set_class(source.status == "timed_out" and cell is not None, "-timed-out")
        for tile in cell_page.tiles(row, cell):
            self.query_one(f"#tile-{tile.axis}", Static).update(tile.render())
        extra = cell_page.extra_axes(row, cell)
        table = self.query_one("#extra-axes", VirtualTable)
        table.set_rows(EXTRA_COLUMNS, len(extra), lambda r, c: (extra[r][c], None))
        for widget in (table, self.query_one("#extra-axes-title")):
            widget.display = bool(extra)
        unknown = Text("not known: the record could not be read (see Problems below)", "italic")
        sections: dict[str, RenderableType] = {
            "identity": cell_page.identity(row, cell),
            "timing": cell_page.timing(row, cell),
            "breakdown": cell_breakdown.breakdown(cell, raw=self.raw_tails, error=self._error_style)
            if cell
            else unknown,
            "harness": harness_section(cell, raw=self.raw_tails) if cell else unknown,
            "spans": cell_artifacts_view.spans_table(arts, error=self._error_style) if arts else unknown,
            "calls": cell_artifacts_view.calls_section(arts) if arts else unknown,
            "recording": cell_artifacts_view.recording_text(arts) if arts else unknown,
            "reproduce": (
                Text(visible(reproduce_command(cell), multiline=True) + "\n\ny copies this command.")
                if cell
                else unknown
            ),
            "problems": _problems(self.problems),
        }
        for section, body in sections.items():
            self.query_one(f"#section-{section}", Static).update(body)
        harness = harness_fields(cell) if cell else None
        for part in ("#title-harness", "#section-harness"):  # a cell of another harness only
            self.query_one(part).display = harness is not None
        if harness is not None:
            self.query_one("#title-harness", Static).update(f"Harness: {visible(str(harness.get('harness', '')))}")
        self.query_one("#section-problems").set_class(bool(self.problems), "-bad")
        entries, self._targets = options(groups)
        elsewhere = self.query_one("#elsewhere", OptionList)
        elsewhere.clear_options()
        elsewhere.add_options(entries)
        self.query_one(CellPage).scroll_home(animate=False)
        if self.section in dict(SECTIONS) and self.section != "neighbours":
            section, self.section = self.section, None
            target = self.query_one(f"#section-{section}")
            self.call_after_refresh(self.query_one(CellPage).scroll_to_widget, target, animate=False, top=True)

    def watch_raw_tails(self, raw: bool) -> None:
        """Draw the breakdown's tails again in the other view."""
        if self.opened is not None:
            body = cell_breakdown.breakdown(self.opened.cell, raw=raw, error=self._error_style)
            self.query_one("#section-breakdown", Static).update(body)
            self.query_one("#section-harness", Static).update(harness_section(self.opened.cell, raw=raw))

    def action_toggle_raw(self) -> None:
        """Switch the tails between as-shown and raw."""
        self.raw_tails = not self.raw_tails
        self.notify(
            "Tails shown raw: control characters made visible."
            if self.raw_tails
            else "Tails shown as the terminal showed them.",
            timeout=2,
        )

    def action_elsewhere(self) -> None:
        """Focus the list of other runs and neighbours, and bring it on screen."""
        elsewhere = self.query_one("#elsewhere", OptionList)
        elsewhere.focus()
        self.query_one(CellPage).scroll_to_widget(elsewhere, animate=False, top=True)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Open the chosen cell on this page (its own runs switch in place)."""
        event.stop()
        if event.option.id is not None:
            self.query_one(CellPage).focus()
            self.open_row(self._targets[int(event.option.id)])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Opened from a search hit, `n` steps the hits (the app's key): not the failed cells."""
        if action == "step_failed" and parameters == (1,):
            stepping = getattr(self.app, "stepping_hits", None)
            return not (stepping is not None and stepping())
        return True

    def action_step_failed(self, direction: int) -> None:
        """Open the next (or previous) failed cell of the order, without going back."""
        try:
            index = self.order.index(self.row)
        except ValueError:
            index = -1 if direction > 0 else len(self.order)
        i = index + direction
        while 0 <= i < len(self.order):
            if self.order[i].failed:
                self.open_row(self.order[i])
                return
            i += direction
        self.notify("No more failed cells in this order.", severity="warning")

    def action_copy_command(self) -> None:
        """Copy the reproduce command to the clipboard (OSC 52)."""
        if self.opened is None:
            return
        self.app.copy_to_clipboard(visible(reproduce_command(self.opened.cell), multiline=True))
        self.notify("Reproduce command copied to the clipboard.")

    def action_replay(self) -> None:
        """Replay the trace (and recording) on one clock."""
        if self.opened is None:
            return
        from cabtui.ui.screens.replay import ReplayScreen

        self.app.push_screen(ReplayScreen(self.opened.cell, self.opened.artifacts))

    def action_compare_run(self) -> None:
        """This run and another of its task side by side, on one clock."""
        if self.opened is None:
            return
        row = self.opened.row
        other = rerun_partner(self.opened.neighbours.get(RUNS, []), row)
        if other is None:
            self.notify(
                "This task ran once here: mark two cells on the grid (m, then c) to compare across CLIs or models.",
                severity="warning",
            )
            return
        first, second = sorted((row, other), key=lambda r: r.run)
        self.post_message(
            OpenPair(PairSide(self.sweep, first, f"run {first.run}"), PairSide(self.sweep, second, f"run {second.run}"))
        )

    def action_recording(self) -> None:
        """Play the terminal recording."""
        if self.opened is None:
            return
        if self.opened.artifacts.recording is None:
            self.notify(
                f"No terminal recording: {visible(self.opened.artifacts.recording_note or '')}.",
                severity="warning",
                markup=False,
            )
            return
        from cabtui.ui.screens.player import PlayerScreen

        self.app.push_screen(PlayerScreen(self.opened.artifacts.recording))


SECTIONS = (
    ("identity", "Run identity"),
    ("timing", "Timing"),
    ("breakdown", "Scorer breakdown"),
    ("harness", "Harness"),
    ("spans", "Trace spans"),
    ("calls", "Model calls"),
    ("recording", "Terminal recording"),
    ("reproduce", "Run it yourself"),
    ("neighbours", "Elsewhere in this sweep (e, then enter opens)"),
    ("problems", "Problems reading this cell"),
)


def _problems(problems: tuple[Problem, ...]) -> Text:
    if not problems:
        return Text("none", "italic")
    return Text("\n".join(str(p) for p in problems))
