"""Trace replay: one clock drives the span waterfall, the model calls and the terminal."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from cabtui.data.artifacts import CellArtifacts
from cabtui.data.asciicast import CastError, load_cast
from cabtui.data.keyframes import FramePlayer
from cabtui.data.models import Cell, Span
from cabtui.data.text import one_line, visible
from cabtui.data.trace import Timeline
from cabtui.format import fmt_ms, fmt_number
from cabtui.ui.cell_page import key_values
from cabtui.ui.screens.playback import PlaybackScreen, frame_for
from cabtui.ui.widgets.footer import KeyFooter
from cabtui.ui.widgets.status import StatusLine
from cabtui.ui.widgets.terminal_view import TerminalView
from cabtui.ui.widgets.waterfall import Waterfall


def fmt_t(t_ms: float, duration_ms: float) -> str:
    """`t = 1 234 ms / 4.00 s`: the playhead in ms with thin grouping, the length in seconds."""
    return f"t = {round(t_ms):,} ms / {duration_ms / 1000:.2f} s".replace(",", " ")


class ReplayScreen(PlaybackScreen):
    """Step span by span or 100 ms at a time; the terminal shows what the agent's screen showed then."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="replay.back"),
        Binding("space", "toggle", "Play/pause", id="replay.toggle"),
        Binding("left", "span(-1)", "Prev span", id="replay.previous_span", priority=True),
        Binding("right", "span(1)", "Next span", id="replay.next_span", priority=True),
        Binding("comma", "step(-100)", "-100 ms", id="replay.back_100ms"),
        Binding("full_stop", "step(100)", "+100 ms", id="replay.forward_100ms"),
        Binding("left_square_bracket", "speed(-1)", "Slower", id="replay.slower"),
        Binding("right_square_bracket", "speed(1)", "Faster", id="replay.faster"),
        Binding("home", "edge(-1)", "Start", show=False, id="replay.start"),
        Binding("end", "edge(1)", "End", show=False, id="replay.end"),
        Binding("m", "marker", "Next marker", id="replay.marker"),
    ]

    def __init__(self, cell: Cell, artifacts: CellArtifacts) -> None:
        super().__init__()
        self.cell = cell
        self.artifacts = artifacts
        self.timeline = self._timeline(None, ())
        self.selected: Span | None = None
        self.player: FramePlayer | None = None
        self.recording_note = artifacts.recording_note or ""

    def _timeline(self, duration_s: float | None, markers: tuple[tuple[float, str], ...]) -> Timeline:
        return Timeline.build(self.artifacts.spans, self.artifacts.calls, duration_s,
                              self.artifacts.recording_offset_ms, started_at=self.cell.started_at,
                              recording_markers=markers)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="replay-body"):
            with Vertical(id="replay-left"):
                yield Waterfall(self.timeline, id="waterfall")
                yield Static(id="span-detail", markup=False)
                yield Static(id="replay-calls", markup=False)
            yield TerminalView(id="replay-terminal")
        yield StatusLine(id="replay-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Wire the clock to the app's time source; load the recording off the UI thread."""
        self.start_clock(self.timeline.duration_ms)
        self.title = f"replay · {visible(self.cell.tui)} × {visible(self.cell.model)}"
        self.sub_title = visible(self.cell.task)
        self.query_one("#replay-terminal").display = self.artifacts.recording is not None
        self.query_one(Waterfall).focus()
        if self.artifacts.recording is not None:
            self.load_recording()
        self.refresh_view()

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
        self.refresh_view()

    def _recording_ready(self, player: FramePlayer) -> None:
        self.player = player
        recording = player.recording
        position = self.clock.position
        self.timeline = self._timeline(recording.duration, recording.markers)
        self.clock.set_duration(self.timeline.duration_ms)
        self.clock.seek(position)
        self.query_one(Waterfall).timeline = self.timeline
        # The recorded width plus the border and a scrollbar; max-width (app.tcss) caps it.
        self.query_one(TerminalView).styles.width = recording.cols + 3
        self.refresh_view()

    # ---- clock -----------------------------------------------------------



    def action_span(self, direction: int) -> None:
        """Select the previous / next span and put the playhead at its start."""
        current = self.selected.span_id if self.selected else None
        t = self.clock.position
        span = self.timeline.next_span(t, current) if direction > 0 else self.timeline.previous_span(t, current)
        if span is not None:
            self.selected = span
            self.clock.seek(span.start_ms)
        self.refresh_view()



    def action_edge(self, direction: int) -> None:
        """Start or end of the run."""
        self.clock.seek(0 if direction < 0 else self.timeline.duration_ms)
        self.refresh_view()

    def action_marker(self) -> None:
        """Jump to the next marker (recording markers and span errors)."""
        marker = self.timeline.next_marker(self.clock.position)
        if marker is None:
            self.notify("No marker after this point.", severity="warning")
            return
        self.clock.seek(marker.t_ms)
        self.refresh_view()

    @on(Waterfall.JumpRequested)
    def _jump(self, event: Waterfall.JumpRequested) -> None:
        self.selected = event.span
        self.clock.seek(event.span.start_ms)
        self.refresh_view()

    # ---- drawing ---------------------------------------------------------

    def refresh_view(self) -> None:
        """Draw every pane at the clock's position."""
        t = self.clock.position
        self.query_one(Waterfall).set_time(t, self.selected.span_id if self.selected else None)
        self.query_one("#span-detail", Static).update(self._detail())
        self.query_one("#replay-calls", Static).update(self._calls(t))
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
        state = "playing" if self.clock.playing else "paused"
        span = f"  ·  span {visible(self.selected.name)}" if self.selected else ""
        self.query_one("#replay-status", Static).update(
            f"{fmt_t(t, self.timeline.duration_ms)}  ·  {fmt_number(self.clock.speed, 2).rstrip('0').rstrip('.')}x"
            f"  ·  {state}{span}{frame_note}"
        )

    def _detail(self) -> Text | Table:
        span = self.selected
        if span is None:
            if not self.timeline.rows():
                return Text(f"No trace spans ({visible(self.artifacts.trace_note or 'none')}).", "italic")
            return Text("right selects the first span; up/down + enter jump to any span.", "italic")
        rows: list[tuple[str, Text]] = [
            ("span", Text(f"{visible(span.kind)} {visible(span.name)} ({visible(span.span_id)})")),
            ("time", Text(f"{fmt_ms(span.start_ms)} → {fmt_ms(span.end_ms)} ({fmt_ms(span.duration_ms)})")),
        ]
        if span.error is not None:
            rows.append(("error", Text(visible(span.error.message, multiline=True), "bold red")))
        rows += [(str(key), Text(one_line(str(value), 300))) for key, value in list(span.attrs.items())[:12]]
        return key_values(rows)

    def _calls(self, t: float) -> Text:
        calls = self.timeline.calls
        if not calls:
            return Text(f"Model calls: none ({visible(self.artifacts.calls_note or 'none')}).", "italic")
        started = self.timeline.calls_started_by(t)
        text = Text(f"Model calls: {started} of {len(calls)} started\n", "bold")
        first = max(0, started - 4)
        for i, timed in enumerate(calls[first:first + 8], first):
            call = timed.call
            mark = "●" if i < started else "○"
            text.append(f"{mark} #{call.index} at {fmt_ms(timed.start_ms)}  {fmt_number(call.prompt_tokens, 0)}"
                        f"→{fmt_number(call.completion_tokens, 0)} tok  {fmt_ms(call.latency_ms)}"
                        f"  {visible(call.finish_reason or '')}\n", "" if i < started else "dim")
        return text
