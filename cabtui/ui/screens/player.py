"""The player: a terminal recording alone, with asciinema-player's keys."""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from cabtui.data.term import CastError, FramePlayer, load_cast
from cabtui.data.text import one_line, visible
from cabtui.ui.screens.playback import PlaybackScreen, frame_for
from cabtui.ui.widgets.footer import KeyFooter
from cabtui.ui.widgets.status import StatusLine
from cabtui.ui.widgets.terminal_view import TerminalView
from cabtui.ui.widgets.transport import TransportBar

SCREEN_CODES = frozenset({"o", "r"})
"""Event codes that change what the terminal shows."""

FRAME_EPSILON_S = 1e-6
"""Float noise between an event's time and the clock's ms (a frame step lands on the event)."""


class PlayerScreen(PlaybackScreen):
    """Plays one recording at its recorded size; the index builds in the background."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="player.back"),
        Binding("space", "play_pause", "Play/pause", id="player.play_pause"),
        # Priority: the terminal view, a scroll view, would take these to scroll.
        Binding("left", "step(-5000)", "-5 s", id="player.back_5s", priority=True),
        Binding("right", "step(5000)", "+5 s", id="player.forward_5s", priority=True),
        Binding("shift+left", "seek_share(-0.1)", "-10 %", show=False, id="player.back_10pc"),
        Binding("shift+right", "seek_share(0.1)", "+10 %", show=False, id="player.forward_10pc"),
        *(Binding(str(d), f"jump({d})", f"{d * 10} %", show=False, id=f"player.jump_{d}") for d in range(10)),
        Binding("comma", "frame(-1)", "Prev frame", id="player.previous_frame"),
        Binding("full_stop", "frame(1)", "Next frame", id="player.next_frame"),
        Binding("left_square_bracket", "marker(-1)", "Prev marker", id="player.previous_marker"),
        Binding("right_square_bracket", "marker(1)", "Next marker", id="player.next_marker"),
        Binding("minus", "speed(-1)", "Slower", id="player.slower"),
        Binding("plus", "speed(1)", "Faster", id="player.faster"),
        Binding("home", "jump(0)", "Start", show=False, id="player.start", priority=True),
        Binding("end", "end", "End", show=False, id="player.end", priority=True),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.player: FramePlayer | None = None
        self.frame_times: tuple[float, ...] = ()
        """When the screen changes: the distinct times of output and resize events, sorted."""
        self.note = "loading…"

    def compose(self) -> ComposeResult:
        yield Header()
        yield TerminalView(id="player-terminal")
        yield TransportBar(id="transport")
        yield StatusLine(id="player-problems")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Start the clock on the app's time source and read the recording off the UI thread."""
        self.start_clock(0.0)
        self.title = f"play · {visible(self.path.name)}"
        self.load()
        self.refresh_view()

    @work(thread=True, exclusive=True, group="recording")
    def load(self) -> None:
        """Parse, show the first frame at once, then index for fast seeking."""
        try:
            recording = load_cast(self.path)
        except CastError as err:
            self.app.call_from_thread(self._failed, str(err))
            return
        except Exception as err:  # noqa: BLE001 - any input must end in a message, not a crash
            self.app.call_from_thread(self._failed, f"{self.path}: unreadable recording ({type(err).__name__}: {err})")
            return
        player = FramePlayer(recording)
        times = tuple(sorted({e.time for e in recording.events if e.code in SCREEN_CODES}))
        self.app.call_from_thread(self._ready, player, times)
        worker = get_current_worker()
        if player.build_index(should_stop=lambda: worker.is_cancelled):
            self.app.call_from_thread(self._indexed)

    def _failed(self, message: str) -> None:
        self.note = message
        self.query_one("#player-problems", Static).update(one_line(message, 300))
        self.refresh_view()

    def _ready(self, player: FramePlayer, frame_times: tuple[float, ...]) -> None:
        self.player = player
        self.frame_times = frame_times
        recording = player.recording
        self.note = "indexing…"
        self.clock.set_duration(recording.duration * 1000)
        if recording.title:
            self.sub_title = one_line(recording.title, 80)
        problems = recording.problems
        self.query_one("#player-problems", Static).update(
            f"{recording.cols}x{recording.rows}  ·  asciicast v{recording.version}  ·  {len(recording.events)} events"
            + (f"  ·  {len(problems)} problems, first: {problems[0]}" if problems else "")
        )
        self.refresh_view()

    def _indexed(self) -> None:
        self.note = ""
        self.refresh_view()

    def refresh_view(self) -> None:
        """Draw the frame and the bar at the playhead."""
        t = self.clock.position / 1000
        markers = self.player.recording.markers if self.player else ()
        note = self.note
        if self.player is not None:
            frame, waiting = frame_for(self.player, t)
            self.query_one(TerminalView).show(frame)
            note = waiting or note
        self.query_one(TransportBar).show(
            t, self.clock.duration_ms / 1000, self.clock.speed, self.clock.playing, markers, note
        )

    def action_back(self) -> None:
        """Back to the cell, or quit when the player is all there is."""
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()

    def action_seek_share(self, share: float) -> None:
        """Move by a share of the duration."""
        self.action_step(share * self.clock.duration_ms)

    def action_jump(self, tenth: int) -> None:
        """Jump to 0 %, 10 %, ... 90 %."""
        self.clock.seek(self.clock.duration_ms * tenth / 10)
        self.refresh_view()

    def action_end(self) -> None:
        """Jump to the last frame."""
        self.clock.seek(self.clock.duration_ms)
        self.refresh_view()

    def action_marker(self, direction: int) -> None:
        """Jump to the previous / next marker (asciinema-player's `[` / `]`)."""
        t = self.clock.position / 1000
        markers = [when for when, _ in self.player.recording.markers] if self.player else []
        if direction > 0:
            target = next((when for when in markers if when > t + 1e-9), None)
        else:
            target = next((when for when in reversed(markers) if when < t - 1e-9), None)
        if target is None:
            self.notify(f"No marker {'after' if direction > 0 else 'before'} this point.", severity="warning")
            return
        self.clock.seek(target * 1000)
        self.refresh_view()

    def action_frame(self, direction: int) -> None:
        """One frame back / forward, paused: the screen before or after the next output event."""
        self.clock.pause()
        times = self.frame_times
        shown = bisect_right(times, self.clock.position / 1000 + FRAME_EPSILON_S)  # output events on screen
        target = None
        if direction > 0 and shown < len(times):
            target = times[shown]
        elif direction < 0 and shown > 0:
            target = times[shown - 2] if shown >= 2 else 0.0
        if target is not None:  # just past the event, so ms rounding never leaves it off screen
            self.clock.seek(target * 1000 + (FRAME_EPSILON_S * 1000 if target else 0.0))
        self.refresh_view()

    @on(TransportBar.SeekRequested)
    def _seek(self, event: TransportBar.SeekRequested) -> None:
        self.clock.seek(self.clock.duration_ms * event.fraction)
        self.refresh_view()
