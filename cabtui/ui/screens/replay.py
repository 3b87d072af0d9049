"""Trace replay: one clock drives the span waterfall, the model calls and the terminal."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from cabtui.data.numbers import fmt_ms, fmt_number
from cabtui.data.results import Cell, CellArtifacts, ModelCall, Span
from cabtui.data.term import CastError, FramePlayer, load_cast
from cabtui.data.text import one_line, visible
from cabtui.data.trace import Timeline
from cabtui.ui.renderables.replay_panes import calls_at, span_detail
from cabtui.ui.screens.playback import (
    END,
    FASTER,
    NEXT_MARKER,
    PREVIOUS_MARKER,
    SLOWER,
    START,
    frame_for,
)
from cabtui.ui.screens.replay_live import LIVE_MARK, LiveReplay
from cabtui.ui.widgets.footer import KeyFooter
from cabtui.ui.widgets.status import StatusLine
from cabtui.ui.widgets.terminal_view import TerminalView
from cabtui.ui.widgets.waterfall import Waterfall

TERMINAL_BORDER = 1
"""The terminal pane's left border (app.tcss)."""

LEFT_MIN_WIDTH = 40
"""What the waterfall keeps when the terminal takes the rest."""

TERMINAL_MIN_WIDTH = 20


def fmt_t(t_ms: float, duration_ms: float) -> str:
    """`t = 1 234 ms / 4.00 s`: the playhead in ms with thin grouping, the length in seconds."""
    return f"t = {round(t_ms):,} ms / {duration_ms / 1000:.2f} s".replace(",", " ")


def cell_timeline(
    cell: Cell, artifacts: CellArtifacts, duration_s: float | None, markers: tuple[tuple[float, str], ...] = ()
) -> Timeline:
    """A cell's timeline, with its recording's length and markers once they are known."""
    timeline = Timeline.build(
        artifacts.spans,
        artifacts.calls,
        duration_s,
        artifacts.recording_offset_ms,
        started_at=cell.started_at,
        recording_markers=markers,
    )
    # Without spans the timeline would be 1 ms long (or the recording's length): the run
    # lasted as long as the cell says. A trace's own extent is kept as it is.
    wall = cell.wall_ms if not timeline.rows() else None
    if wall is not None and wall > timeline.duration_ms:
        timeline = dataclasses.replace(timeline, duration_ms=wall)
    return timeline


def span_under(timeline: Timeline, t: float) -> Span | None:
    """The innermost span under `t` (the latest to start when two are as deep)."""
    best: tuple[int, float] | None = None
    under: Span | None = None
    for span, depth in timeline.rows():
        if span.start_ms <= t <= span.end_ms and (best is None or (depth, span.start_ms) >= best):
            best, under = (depth, span.start_ms), span
    return under


class ReplayScreen(LiveReplay):
    """Step span by span or 100 ms at a time; the terminal shows what the agent's screen showed then.

    A cell still running is followed as its files grow (`LiveReplay`).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "span(-1)", "Prev span", id="replay.previous_span", priority=True),
        Binding("right", "span(1)", "Next span", id="replay.next_span", priority=True),
        Binding("comma", "step(-100)", "-100 ms", id="replay.back_100ms"),
        Binding("full_stop", "step(100)", "+100 ms", id="replay.forward_100ms"),
        SLOWER,
        FASTER,
        PREVIOUS_MARKER,
        NEXT_MARKER,
        START,
        END,
        Binding("w", "app.toggle_watch", "Watch", show=False, id="replay.watch", tooltip="Pause or resume watching"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"replay--error"}
    """The span detail's error line (app.tcss: the theme's error colour)."""

    selected: reactive[Span | None] = reactive(None, init=False)
    """The span the user picked (left/right, enter, a click); None: the panes follow the playhead."""

    def __init__(
        self,
        cell: Cell,
        artifacts: CellArtifacts,
        *,
        recording_s: float | None = None,
        span_id: str | None = None,
        mark: str | None = None,
    ) -> None:
        """A search hit opens it at a moment of the recording (`recording_s`, `mark` marked on
        the terminal) or on a span (`span_id`)."""
        super().__init__(artifacts.live, artifacts.recording)
        self.cell = cell
        self.artifacts = artifacts
        self.start_recording_s = recording_s
        self.start_span = span_id
        self.start_mark = mark
        self._recording_extent: tuple[float | None, tuple[tuple[float, str], ...]] = (None, ())
        """The recording's length and markers once it is read: every layout of the timeline takes them."""
        self.timeline = self._timeline(None, ())
        self.player: FramePlayer | None = None
        self.recording_note = artifacts.recording_note or ""
        self._frame_note = ""
        """The status line's note on the frame, as the last full draw left it."""

    def _timeline(self, duration_s: float | None, markers: tuple[tuple[float, str], ...]) -> Timeline:
        return cell_timeline(self.cell, self.artifacts, duration_s, markers)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="replay-body"):
            with Vertical(id="replay-left"):
                yield Waterfall(self.timeline, id="waterfall", empty=self._no_trace())
                yield Static(id="span-detail", markup=False)
                yield Static(id="replay-calls", markup=False)
            yield TerminalView(id="replay-terminal")
        yield StatusLine(id="replay-status")
        yield KeyFooter()

    def _no_trace(self) -> str:
        return f"No trace: this cell has no spans ({visible(self.artifacts.trace_note or 'none')})."

    def on_mount(self) -> None:
        """Wire the clock to the app's time source; load the recording off the UI thread."""
        self.start_clock(self.timeline.duration_ms)
        self.title = f"replay · {visible(self.cell.tui)} × {visible(self.cell.model)}"
        self.sub_title = visible(self.cell.task)
        self.query_one("#replay-terminal").display = self.artifacts.recording is not None
        self.query_one(Waterfall).focus()
        if self.artifacts.recording is not None:
            self.load_recording()
        self.query_one(TerminalView).mark(self.start_mark)
        self._go_to_start()
        self.draw()
        self.follow_growth()

    def _go_to_start(self) -> None:
        """Where a search hit asked to open: its span, or its moment of the recording."""
        if self.start_span is not None:
            span = next((s for s in self.artifacts.spans if s.span_id == self.start_span), None)
            if span is not None:
                self.selected = span
                self.clock.seek(span.start_ms)
        elif self.start_recording_s is not None:
            self.selected = None
            # Just past the event that completed the match, so the frame shows it.
            self.clock.seek(self.timeline.recording_offset_ms + self.start_recording_s * 1000 + 1e-3)
        self.clock.pause()
        self.sync()

    def show_hit(self, hit: Any) -> None:
        """Move to another hit of this cell (n / N): a span, or a moment of the recording."""
        if hit.where == "span":
            self.start_span, self.start_recording_s, self.start_mark = hit.ref, None, None
        else:
            self.start_span, self.start_recording_s = None, hit.at_s
            self.start_mark = hit.text[hit.match[0] : hit.match[1]]
        self.query_one(TerminalView).mark(self.start_mark)
        self._go_to_start()

    @work(thread=True, exclusive=True, group="recording")
    def load_recording(self) -> None:
        """Read and index the recording; the first frame shows before indexing ends."""
        path = self.artifacts.recording
        assert path is not None
        try:
            recording = load_cast(path)
        except CastError as err:
            self.app.call_from_thread(self._recording_failed, str(err))
            return
        except Exception as err:  # noqa: BLE001 - any input must end in a message, not a crash
            self.app.call_from_thread(self._recording_failed, f"{path}: unreadable ({type(err).__name__}: {err})")
            return
        player = FramePlayer(recording)
        self.app.call_from_thread(self._recording_ready, player)
        worker = get_current_worker()
        player.build_index(should_stop=lambda: worker.is_cancelled)

    def _recording_failed(self, message: str) -> None:
        self.recording_note = message
        self.query_one("#replay-terminal").display = False
        self.draw()

    def _recording_ready(self, player: FramePlayer) -> None:
        again = self.player is not None  # the recording grew: read again, the playhead kept
        follow = again and self.clock.at_end
        self.player = player
        recording = player.recording
        self._recording_extent = (recording.duration, recording.markers)
        self._lay_out(follow=follow)
        if self.start_recording_s is not None and not again:  # the trace alone may have ended before the hit
            self._go_to_start()
        self._fit_terminal()
        self.sync()
        self.draw()  # the first frame, and the timeline's new extent

    def _lay_out(self, *, follow: bool) -> None:
        """The timeline laid out again (a recording read, the trace grown): the playhead kept, or
        at the new end when it `follow`s the live edge."""
        position = self.clock.position
        self.timeline = self._timeline(*self._recording_extent)
        self.clock.set_duration(self.timeline.duration_ms)
        if follow:
            self.selected = None
            position = self.timeline.duration_ms
        self.clock.seek(position)
        self.query_one(Waterfall).timeline = self.timeline

    # ---- a cell still running (replay_live.py) ---------------------------

    def trace_grew(self, spans: tuple[Span, ...] | None, calls: tuple[ModelCall, ...] | None) -> None:
        """New spans or calls were written: shown, the timeline longer; at the end, the playhead follows."""
        arts = self.artifacts
        if spans is not None:
            arts = dataclasses.replace(arts, spans=spans, trace_note=None if spans else arts.trace_note)
        if calls is not None:
            arts = dataclasses.replace(arts, calls=calls, calls_note=None if calls else arts.calls_note)
        self.artifacts = arts
        self.query_one(Waterfall).empty = self._no_trace()
        self._lay_out(follow=self.clock.at_end)
        self.sync()
        self.draw()

    def recording_grew(self) -> None:
        """Read the recording again; `_recording_ready` keeps the playhead (or follows the end)."""
        if self.player is not None:
            self.load_recording()

    def live_changed(self) -> None:
        """The header says live too."""
        super().live_changed()
        self.sub_title = visible(self.cell.task) + (f"  ·  {LIVE_MARK}" if self.is_live else "")

    def on_resize(self) -> None:
        """A new window size: give the recording its width again."""
        self._fit_terminal()

    def _fit_terminal(self) -> None:
        """The terminal pane at the recording's width (border and scrollbar included), the
        waterfall taking what is left down to its minimum; narrower than that, the pane scrolls."""
        if self.player is None:
            return
        recording = self.player.recording
        view = self.query_one(TerminalView)
        body_height = self.query_one("#replay-body").size.height
        scrollbar = view.styles.scrollbar_size_vertical if recording.rows > body_height else 0
        wanted = recording.cols + TERMINAL_BORDER + scrollbar
        room = self.size.width - LEFT_MIN_WIDTH
        view.styles.width = max(min(wanted, room), TERMINAL_MIN_WIDTH)

    # ---- clock -----------------------------------------------------------

    def action_play_pause(self) -> None:
        """Play or pause; playing lets go of the selected span (the panes follow the playhead)."""
        self.selected = None
        super().action_play_pause()

    def action_step(self, delta_ms: float) -> None:
        """Back / forward 100 ms; the panes follow the playhead."""
        self.selected = None
        super().action_step(delta_ms)

    def action_span(self, direction: int) -> None:
        """Select the previous / next span and put the playhead at its start."""
        current = self.selected.span_id if self.selected else None
        t = self.clock.position
        span = self.timeline.next_span(t, current) if direction > 0 else self.timeline.previous_span(t, current)
        if span is not None:
            self.selected = span
            self.clock.seek(span.start_ms)
            self.sync()

    def action_edge(self, direction: int) -> None:
        """Start or end of the run."""
        self.selected = None
        super().action_edge(direction)

    def marker_after(self, t_ms: float) -> float | None:
        """Recording markers and span errors: the timeline bisects its sorted marker times."""
        marker = self.timeline.next_marker(t_ms)
        return marker.t_ms if marker else None

    def marker_before(self, t_ms: float) -> float | None:
        marker = self.timeline.previous_marker(t_ms)
        return marker.t_ms if marker else None

    def seek_marker(self, t_ms: float) -> None:
        self.selected = None
        super().seek_marker(t_ms)

    @on(Waterfall.JumpRequested)
    def _jump(self, event: Waterfall.JumpRequested) -> None:
        self.selected = event.span
        self.clock.seek(event.span.start_ms)
        self.sync()

    def watch_selected(self) -> None:
        self.draw()

    # ---- drawing ---------------------------------------------------------

    def shown_span(self) -> Span | None:
        """The span the panes describe: the one the user selected, else the innermost span
        under the playhead (the latest to start when two are as deep)."""
        if self.selected is not None:
            return self.selected
        return span_under(self.timeline, self.position)

    def draw(self) -> None:
        """Draw every pane at the playhead."""
        t = self.position
        shown = self.shown_span()
        self.query_one(Waterfall).set_time(t, shown.span_id if shown else None)
        error = self.get_component_rich_style("replay--error")
        detail = span_detail(shown, self.timeline, no_trace=self._no_trace(), error=error)
        self.query_one("#span-detail", Static).update(detail)
        self.query_one("#replay-calls", Static).update(calls_at(self.timeline, t, self.artifacts.calls_note))
        frame_note = ""
        if self.player is not None:
            rec_t = self.timeline.recording_time(t)
            if rec_t is None:
                frame_note = "  ·  recording starts at " + fmt_ms(self.timeline.recording_offset_ms)
            frame, waiting = frame_for(self.player, rec_t or 0.0)
            self.query_one(TerminalView).show(frame)
            frame_note = f"  ·  {waiting}" if waiting else frame_note
        elif self.artifacts.recording is None or self.recording_note:
            frame_note = f"  ·  no recording: {one_line(self.recording_note, 80)}"
        self._draw_status(shown, frame_note)

    def draw_state(self) -> None:
        """Play state and speed are in the status line only."""
        if self.is_mounted:
            self._draw_status(self.shown_span(), self._frame_note)

    def _draw_status(self, shown: Span | None, frame_note: str) -> None:
        self._frame_note = frame_note
        t = self.position
        state = "playing" if self.playing else "paused"
        live = self.live_note()
        state += f"  ·  {live}" if live else ""
        if shown is not None:
            span = f"  ·  span {one_line(shown.name, 200)}"
        else:
            span = "  ·  no trace" if not self.timeline.rows() else ""
        self.query_one("#replay-status", Static).update(
            f"{fmt_t(t, self.timeline.duration_ms)}  ·  {fmt_number(self.speed, 2).rstrip('0').rstrip('.')}x"
            f"  ·  {state}{span}{frame_note}"
        )
