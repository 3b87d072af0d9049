"""Two cells of a task side by side: scores with deltas, breakdowns key by key, and two
replays on one relative clock.

How spans are matched and what the clock does is pure (`cabtui.data.trace.PairTimeline`):
`right` / `left` step both sides to their next span of the same kind, the n-th model call
on the left meeting the n-th on the right; `space` plays both from there (from t = 0 at
first), `,` / `.` move both 100 ms, `home` puts both back at their own start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from cabtui.data.numbers import fmt_ms, fmt_number
from cabtui.data.problems import Problem
from cabtui.data.results import AXES, KeyDiff, Span, breakdown_diff, headline_deltas
from cabtui.data.term import CastError, FramePlayer, load_cast
from cabtui.data.text import one_line, visible
from cabtui.data.trace import PairCursor, PairTimeline, Side, Timeline
from cabtui.ui.messages import OpenCell, PairSide
from cabtui.ui.renderables.columns import OUTCOME_WORDS
from cabtui.ui.renderables.pair_view import BREAKDOWN_COLUMNS, breakdown_text, tiles
from cabtui.ui.screens.cell import OpenedCell, open_cell
from cabtui.ui.screens.playback import END, FASTER, SLOWER, START, PlaybackScreen, frame_for
from cabtui.ui.screens.replay import cell_timeline, fmt_t, span_under
from cabtui.ui.widgets.footer import KeyFooter
from cabtui.ui.widgets.status import StatusLine
from cabtui.ui.widgets.table import VirtualTable
from cabtui.ui.widgets.terminal_view import TerminalView

SIDES: tuple[Side, Side] = ("left", "right")

TERMINAL_MIN_WIDTH = 20


def _empty_timeline() -> Timeline:
    return Timeline.build([], [], None, None)


@dataclass
class Half:
    """What one side of the pair has loaded so far."""

    pick: PairSide
    loaded: bool = False
    opened: OpenedCell | None = None
    problems: tuple[Problem, ...] = ()
    timeline: Timeline = field(default_factory=_empty_timeline)
    player: FramePlayer | None = None
    recording_note: str = ""
    """Why there is no recording to show (not recorded, unreadable), once known."""


class BreakdownTable(VirtualTable):
    """The breakdowns key by key; enter shows a key's two values in full."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Full values", id="pair.values", tooltip="Both values of this key, uncut"),
    ]


class PairScreen(PlaybackScreen):
    """Two cells, one clock: `right` / `left` step both to their next / previous span of a kind."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: the breakdown table and the terminals would take these to scroll.
        Binding("left", "pair_step(-1)", "Prev span", id="pair.previous_span", priority=True),
        Binding("right", "pair_step(1)", "Next span", id="pair.next_span", priority=True),
        Binding("comma", "step(-100)", "-100 ms", id="pair.back_100ms"),
        Binding("full_stop", "step(100)", "+100 ms", id="pair.forward_100ms"),
        Binding("d", "differing", "Differing keys", id="pair.differing", tooltip="List only the keys that differ"),
        Binding("o", "open_side('left')", "Open left", id="pair.open_left", tooltip="The left cell's page"),
        Binding("O", "open_side('right')", "Open right", id="pair.open_right", tooltip="The right cell's page"),
        SLOWER,
        FASTER,
        START,
        END,
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"pair--better", "pair--worse"}
    """Deltas where the right cell is better / worse than the left (app.tcss: theme colours)."""

    class Loaded(Message):
        """A worker read one side's cell and artifacts."""

        def __init__(self, side: Side, opened: OpenedCell | None, problems: tuple[Problem, ...]) -> None:
            super().__init__()
            self.side = side
            self.opened = opened
            self.problems = problems

    def __init__(self, left: PairSide, right: PairSide) -> None:
        super().__init__()
        self.halves: dict[Side, Half] = {"left": Half(left), "right": Half(right)}
        self.pair = PairTimeline.build(_empty_timeline(), _empty_timeline())
        self.cursor = PairCursor()
        """The shifts and the step last moved to (pure: `PairTimeline` moves it)."""
        self.differing_only = False
        self.keys: list[KeyDiff] = []
        """The breakdown rows on show."""
        self._breakdown_note = ""
        """How many breakdown keys differ: said in the status line."""

    # ---- building --------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="pair-tiles", markup=False)
        yield BreakdownTable(id="pair-breakdown")
        with Horizontal(id="pair-replays"):
            for side in SIDES:
                with Vertical(id=f"pair-{side}", classes="pair-side"):
                    yield Static(id=f"pair-{side}-head", classes="pair-head", markup=False)
                    yield TerminalView(id=f"pair-{side}-terminal")
        yield StatusLine(id="pair-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        """The index rows' headlines at once; records, traces and recordings from workers."""
        left, right = (self.halves[s].pick for s in SIDES)
        self.title = f"pair · {visible(left.label)} ↔ {visible(right.label)}"
        self.sub_title = visible(left.row.task) + (
            "" if left.row.task == right.row.task else f" ↔ {visible(right.row.task)}"
        )
        self.start_clock(self.pair.duration_ms(self.cursor))
        for side in SIDES:
            self.query_one(f"#pair-{side}-terminal").display = False
        self._draw_tiles()
        self._fill_breakdown()
        self.query_one(BreakdownTable).focus()
        self._load_cells()
        self.draw()

    @work(thread=True, exclusive=True, group="pair-cells", exit_on_error=False)
    def _load_cells(self) -> None:
        """Read both records again with their artifacts (no neighbour scan: the pair lists none)."""
        for side in SIDES:
            pick = self.halves[side].pick
            opened, problems, _ = open_cell(pick.sweep.cells, pick.row, with_neighbours=False)
            self.post_message(self.Loaded(side, opened, problems))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        message.stop()
        half = self.halves[message.side]
        half.loaded, half.opened, half.problems = True, message.opened, message.problems
        if message.opened is not None:
            arts = message.opened.artifacts
            half.timeline = cell_timeline(message.opened.cell, arts, None)
            if arts.recording is not None:
                self.run_worker(
                    partial(self._read_recording, message.side, arts.recording),
                    thread=True,
                    exclusive=True,
                    group=f"recording-{message.side}",
                    exit_on_error=False,
                )
            else:
                half.recording_note = arts.recording_note or "not recorded"
        else:
            half.recording_note = "the record could not be read"
        self._fill_breakdown()  # before the redraw: its note is in the status line
        self._rebuild()

    def _read_recording(self, side: Side, path: Path) -> None:
        """Read and index one side's recording; its first frame shows before indexing ends."""
        try:
            recording = load_cast(path)
        except CastError as err:
            self.app.call_from_thread(self._recording_failed, side, str(err))
            return
        except Exception as err:  # noqa: BLE001 - any input must end in a message, not a crash
            self.app.call_from_thread(self._recording_failed, side, f"{path}: unreadable ({type(err).__name__}: {err})")
            return
        player = FramePlayer(recording)
        self.app.call_from_thread(self._recording_ready, side, player)
        worker = get_current_worker()
        player.build_index(should_stop=lambda: worker.is_cancelled)

    def _recording_failed(self, side: Side, message: str) -> None:
        self.halves[side].recording_note = message
        self.draw()

    def _recording_ready(self, side: Side, player: FramePlayer) -> None:
        half = self.halves[side]
        half.player = player
        if half.opened is not None:
            recording = player.recording
            half.timeline = cell_timeline(
                half.opened.cell, half.opened.artifacts, recording.duration, recording.markers
            )
        view = self.query_one(f"#pair-{side}-terminal", TerminalView)
        view.display = True
        self._fit_terminals()
        self._rebuild()

    def _rebuild(self) -> None:
        """Match the two timelines again (a side loaded, or a recording gave a side its length).

        The steps come from the spans only, so the cursor's step stays the same step."""
        self.pair = PairTimeline.build(self.halves["left"].timeline, self.halves["right"].timeline)
        position = self.clock.position
        self.clock.set_duration(self.pair.duration_ms(self.cursor))
        self.clock.seek(position)
        self.sync()
        self.draw()

    def on_resize(self) -> None:
        """A new window size: each terminal gets its recorded width again, as far as its half allows."""
        self._fit_terminals()

    def _fit_terminals(self) -> None:
        for side in SIDES:
            player = self.halves[side].player
            if player is None:
                continue
            view = self.query_one(f"#pair-{side}-terminal", TerminalView)
            room = self.query_one(f"#pair-{side}").size.width
            height = self.query_one("#pair-replays").size.height - 3
            recording = player.recording
            scrollbar = view.styles.scrollbar_size_vertical if recording.rows > height else 0
            width = max(min(recording.cols + scrollbar, room), TERMINAL_MIN_WIDTH)
            below = view.styles.scrollbar_size_horizontal if recording.cols + scrollbar > width else 0
            view.styles.width = width
            view.styles.height = max(min(recording.rows + below, height), 1)

    # ---- scores ----------------------------------------------------------

    def _draw_tiles(self) -> None:
        left, right = (self.halves[s].pick for s in SIDES)
        deltas = headline_deltas(
            list(AXES),
            {axis: left.row.headline(axis) for axis in AXES},
            {axis: right.row.headline(axis) for axis in AXES},
        )
        labels = (one_line(left.label, 24), one_line(right.label, 24))
        table = tiles(
            deltas,
            labels,
            better=self.get_component_rich_style("pair--better"),
            worse=self.get_component_rich_style("pair--worse"),
        )
        self.query_one("#pair-tiles", Static).update(table)

    def _fill_breakdown(self) -> None:
        cells = [self.halves[s].opened for s in SIDES]
        axes = [o.cell.scores.axes() if o is not None else None for o in cells]
        keys = breakdown_diff(axes[0], axes[1])
        self.keys = [k for k in keys if k.differs] if self.differing_only else keys
        shown = self.keys
        table = self.query_one(BreakdownTable)
        table.set_rows(
            BREAKDOWN_COLUMNS, len(shown), lambda r, c: breakdown_text(shown[r], BREAKDOWN_COLUMNS[c]), keep_cursor=True
        )
        self._breakdown_note = (
            "loading the records…"
            if not all(self.halves[s].loaded for s in SIDES)
            else f"{sum(k.differs for k in keys):,}/{len(keys):,} keys differ"
            + (" (d: all)" if self.differing_only else " (d: only those)")
        )

    def action_differing(self) -> None:
        """List only the breakdown keys that differ, or all again."""
        self.differing_only = not self.differing_only
        self._fill_breakdown()
        self.draw_state()

    @on(VirtualTable.RowSelected, "#pair-breakdown")
    def _key_selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        key = self.keys[event.row]
        values = [breakdown_text(key, column)[0] for column in BREAKDOWN_COLUMNS[3:]]
        self.notify(
            f"{one_line(key.axis, 60)}.{one_line(key.key, 60)}\nleft: {values[0]}\nright: {values[1]}", timeout=10
        )

    def action_open_side(self, side: Side) -> None:
        """The page of one side's cell (escape comes back here)."""
        pick = self.halves[side].pick
        self.post_message(OpenCell(pick.sweep, pick.row, [self.halves[s].pick.row for s in SIDES]))

    # ---- clock -----------------------------------------------------------

    def action_pair_step(self, direction: int) -> None:
        """Both sides to their next (previous) span of the same kind, started together."""
        t = self.clock.position
        pair = self.pair
        index = pair.next_step(t, self.cursor) if direction > 0 else pair.previous_step(t, self.cursor)
        if index is None:
            self.notify(f"No span {'after' if direction > 0 else 'before'} this one on either side.", timeout=2)
            return
        self.cursor, target = pair.move_to(index, self.cursor)
        self.clock.set_duration(pair.duration_ms(self.cursor))
        self.clock.seek(target)
        self.sync()
        self.draw()

    def action_edge(self, direction: int) -> None:
        """`home`: both sides back at their own start, unshifted; `end`: the end of the later one."""
        if direction < 0:
            self.cursor = PairCursor()
            self.clock.set_duration(self.pair.duration_ms(self.cursor))
        super().action_edge(direction)
        self.draw()

    def marker_after(self, t_ms: float) -> float | None:
        """The pair screen binds no marker keys (each side has its own markers)."""
        return None

    def marker_before(self, t_ms: float) -> float | None:
        return None

    # ---- drawing ---------------------------------------------------------

    def shown_span(self, side: Side, t: float) -> tuple[Span | None, str]:
        """The span one side's pane describes, and how it got there: the step last moved to
        while the clock sits on it, else the innermost span under that side's time."""
        pair = self.pair
        step_index = self.cursor.step
        on_step = (
            step_index is not None
            and step_index < len(pair.steps)
            and self.cursor.anchor_ms is not None
            and abs(t - self.cursor.anchor_ms) <= 1e-6
        )
        if on_step and step_index is not None:
            step = pair.steps[step_index]
            span = step.span(side)
            if span is None:
                have = pair.count(side, step.kind)
                return None, f"no {visible(step.label)} here (this run has {have} {visible(step.kind)})"
            return span, f"{visible(step.label)} of {pair.count(side, step.kind)}"
        half = self.halves[side]
        return span_under(half.timeline, pair.clamped_time(side, t, self.cursor)), ""

    def draw(self) -> None:
        """Both panes at the playhead."""
        if not self.is_mounted:
            return
        t = self.position
        for side in SIDES:
            self._draw_side(side, t)
        self._draw_status()

    def draw_state(self) -> None:
        if self.is_mounted:
            self._draw_status()

    def _draw_side(self, side: Side, t: float) -> None:
        half = self.halves[side]
        pick = half.pick
        row = pick.row
        raw = self.pair.side_time(side, t, self.cursor)
        own = self.pair.clamped_time(side, t, self.cursor)
        timeline = half.timeline
        head = Text()  # three lines, each cut to the pane (app.tcss: nowrap, ellipsis)
        head.append(f" {one_line(pick.label, 40)} ", "bold reverse")
        head.append(f" {OUTCOME_WORDS.get(row.outcome, visible(row.outcome))}  ·  run {row.run}  ·  ")
        head.append(f"{visible(row.tui)} × {visible(row.model)}\n", "bold")
        where = fmt_t(own, timeline.duration_ms)
        if raw < 0:
            where += f"  ·  waits {fmt_ms(-raw)}"
        span, how = self.shown_span(side, t)
        if not half.loaded:
            where += "  ·  loading…"
        elif half.opened is None:
            first = str(half.problems[0]) if half.problems else "the record could not be read"
            where += f"  ·  {one_line(first, 200)}"
        elif not timeline.rows():
            where += f"  ·  no trace ({visible(half.opened.artifacts.trace_note or 'none')})"
        elif span is not None:
            # On a step the kind is in `how` already ("model_call 2 of 3").
            where += f"  ·  {how}: " if how else f"  ·  {visible(span.kind)} "
            where += one_line(span.name, 120)
        elif how:
            where += f"  ·  {how}"
        head.append(where + "\n")
        calls = timeline.calls
        extra = f"model calls {timeline.calls_started_by(own)} of {len(calls)} started" if calls else "no model calls"
        if half.player is not None:
            recording = half.player.recording
            rec_t = timeline.recording_time(own)
            frame, waiting = frame_for(half.player, rec_t or 0.0)
            self.query_one(f"#pair-{side}-terminal", TerminalView).show(frame)
            extra += f"  ·  terminal {recording.cols}×{recording.rows}"
            if rec_t is None:
                extra += f", starts at {fmt_ms(timeline.recording_offset_ms)}"
            if waiting:
                extra += f"  ·  {waiting}"
        elif half.recording_note:
            extra += f"  ·  no recording: {one_line(half.recording_note, 120)}"
        head.append(extra, "dim")
        self.query_one(f"#pair-{side}-head", Static).update(head)

    def _draw_status(self) -> None:
        t = self.position
        state = "playing" if self.playing else "paused"
        speed = fmt_number(self.speed, 2).rstrip("0").rstrip(".")
        parts = [fmt_t(t, self.clock.duration_ms), f"{speed}x", state]
        step = self.cursor.step
        if step is not None and step < len(self.pair.steps):
            parts.append(f"aligned on {visible(self.pair.steps[step].label)}")
        for side in SIDES:
            shift = self.cursor.shift(side)
            if shift > 0:
                parts.append(f"{side} delayed {fmt_ms(shift)}")
        parts.append(self._breakdown_note)
        self.query_one("#pair-status", StatusLine).update("  ·  ".join(p for p in parts if p))
