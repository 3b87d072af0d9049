"""The player: a terminal recording alone, with asciinema-player's keys."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from cabtui.data.results import file_size
from cabtui.data.term import CastError, FramePlayer, load_cast
from cabtui.data.text import counted, one_line, visible
from cabtui.ui.screens.playback import (
    END,
    FASTER,
    NEXT_MARKER,
    PREVIOUS_MARKER,
    SLOWER,
    START,
    PlaybackScreen,
    frame_for,
)
from cabtui.ui.widgets.footer import KeyFooter
from cabtui.ui.widgets.status import StatusLine
from cabtui.ui.widgets.terminal_view import TerminalView
from cabtui.ui.widgets.transport import TransportBar

SCREEN_CODES = frozenset({"o", "r"})
"""Event codes that change what the terminal shows."""

FRAME_EPSILON_S = 1e-6
"""Float noise between an event's time and the clock's ms (a frame step lands on the event)."""

MARKER_EPSILON_S = 1e-9
"""A marker the playhead sits on is neither before nor after it."""

GROWTH_CHECK_S = 1.0
"""How often the recording's size is looked at: one still being written plays up to its current end."""


class PlayerScreen(PlaybackScreen):
    """Plays one recording at its recorded size; the index builds in the background."""

    note: reactive[str] = reactive("", init=False)
    """Loading, indexing, or why the recording cannot play; shown in the transport bar."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: the terminal view, a scroll view, would take these to scroll.
        Binding("left", "step(-5000)", "-5 s", id="player.back_5s", priority=True),
        Binding("right", "step(5000)", "+5 s", id="player.forward_5s", priority=True),
        Binding("shift+left", "seek_share(-0.1)", "-10 %", show=False, id="player.back_10pc"),
        Binding("shift+right", "seek_share(0.1)", "+10 %", show=False, id="player.forward_10pc"),
        *(Binding(str(d), f"jump({d})", f"{d * 10} %", show=False, id=f"player.jump_{d}") for d in range(10)),
        Binding("comma", "frame(-1)", "Prev frame", id="player.previous_frame"),
        Binding("full_stop", "frame(1)", "Next frame", id="player.next_frame"),
        PREVIOUS_MARKER,
        NEXT_MARKER,
        SLOWER,
        FASTER,
        START,
        END,
    ]

    def __init__(self, path: Path, *, at_s: float | None = None, mark: str | None = None) -> None:
        """`at_s` and `mark`: open at that moment with that text marked (a search hit)."""
        super().__init__()
        self.path = path
        self.start_s = at_s
        self.start_mark = mark
        self.player: FramePlayer | None = None
        self.frame_times: tuple[float, ...] = ()
        """When the screen changes: the distinct times of output and resize events, sorted."""
        self.marker_times: tuple[float, ...] = ()
        """The recording's marker times in seconds, sorted, for `[` / `]`."""
        self.set_reactive(PlayerScreen.note, "loading…")
        self._cast_bytes = -1
        """The recording's size when last read; a larger one is read again (a cell still running)."""
        self._follow = False
        """The playhead was at the end when the recording grew: it follows the new end (the live edge)."""

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
        self._cast_bytes = file_size(self.path)
        self.load()
        self.draw()
        self.set_interval(GROWTH_CHECK_S, self._check_growth)

    def _check_growth(self) -> None:
        """A recording still being written: read it again, the playhead kept (at the end: following it)."""
        if self.watching_paused():
            return
        size = file_size(self.path)
        if size > self._cast_bytes and self.player is not None:
            self._cast_bytes = size
            self._follow = self.clock.at_end
            self.load()

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

    def _ready(self, player: FramePlayer, frame_times: tuple[float, ...]) -> None:
        again = self.player is not None  # the recording grew: read again, the playhead kept
        self.player = player
        self.frame_times = frame_times
        self.marker_times = tuple(sorted(when for when, _ in player.recording.markers))
        recording = player.recording
        self.note = "indexing…"
        self.clock.set_duration(recording.duration * 1000)
        if recording.title:
            self.sub_title = one_line(recording.title, 80)
        problems = recording.problems
        self.query_one("#player-problems", Static).update(
            f"{recording.cols}x{recording.rows}  ·  asciicast v{recording.version}"
            f"  ·  {counted(len(recording.events), 'event')}"
            + (f"  ·  {counted(len(problems), 'problem')}, first: {problems[0]}" if problems else "")
        )
        if again and self._follow:  # at the live edge: follow it
            self.clock.seek(self.clock.duration_ms)
            self.note = "live: following the end"
        elif self.start_s is not None and not again:
            self.show_hit(self.start_s, self.start_mark)
        self.sync()
        self.draw()  # the first frame, and the new duration

    def show_hit(self, at_s: float, mark: str | None) -> None:
        """Pause at `at_s` (just past the event there) with `mark` marked on the terminal."""
        self.query_one(TerminalView).mark(mark)
        self.clock.pause()
        self.clock.seek(at_s * 1000 + FRAME_EPSILON_S * 1000)
        self.sync()

    def _indexed(self) -> None:
        self.note = "live: following the end" if self._follow else ""

    def watch_note(self) -> None:
        self.draw_state()

    def draw(self) -> None:
        """Draw the frame and the bar at the playhead."""
        t = self.position / 1000
        markers = self.player.recording.markers if self.player else ()
        note = self.note
        if self.player is not None:
            frame, waiting = frame_for(self.player, t)
            self.query_one(TerminalView).show(frame)
            note = waiting or note
        self.query_one(TransportBar).show(t, self.clock.duration_ms / 1000, self.speed, self.playing, markers, note)

    def action_seek_share(self, share: float) -> None:
        """Move by a share of the duration."""
        self.action_step(share * self.clock.duration_ms)

    def action_jump(self, tenth: int) -> None:
        """Jump to 0 %, 10 %, ... 90 %."""
        self.clock.seek(self.clock.duration_ms * tenth / 10)
        self.sync()

    def marker_after(self, t_ms: float) -> float | None:
        """Markers are in recording seconds; `bisect` over their sorted times."""
        times = self.marker_times
        index = bisect_right(times, t_ms / 1000 + MARKER_EPSILON_S)
        return times[index] * 1000 if index < len(times) else None

    def marker_before(self, t_ms: float) -> float | None:
        times = self.marker_times
        index = bisect_left(times, t_ms / 1000 - MARKER_EPSILON_S)
        return times[index - 1] * 1000 if index > 0 else None

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
        self.sync()

    @on(TransportBar.SeekRequested)
    def _seek(self, event: TransportBar.SeekRequested) -> None:
        self.clock.seek(self.clock.duration_ms * event.fraction)
        self.sync()
