"""What the player and the trace replay share: the clock, its keys, and a playhead the panes watch."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer

from cabtui.data.clock import PlaybackClock
from cabtui.data.term import Frame, FramePlayer

FPS = 30
"""Redraws a second while playing; frames are dropped, never output (the clock decides t)."""

# The keys both screens share, declared once. The base binds the two that lead both footers;
# each screen lists the rest among its own keys, because the footer shows keys in declaration
# order, Textual's merge puts inherited keys first, and the two screens order these apart.
BACK = Binding("escape", "back", "Back", id="playback.back")
PLAY_PAUSE = Binding("space", "play_pause", "Play/pause", id="playback.play_pause")
SLOWER = Binding("minus", "speed(-1)", "Slower", id="playback.slower")
FASTER = Binding("plus", "speed(1)", "Faster", id="playback.faster")
PREVIOUS_MARKER = Binding("left_square_bracket", "marker(-1)", "Prev marker", id="playback.previous_marker")
NEXT_MARKER = Binding("right_square_bracket", "marker(1)", "Next marker", id="playback.next_marker")
# Priority: a focused scroll view (the terminal, the waterfall) would take these to scroll.
START = Binding("home", "edge(-1)", "Start", show=False, id="playback.start", priority=True)
END = Binding("end", "edge(1)", "End", show=False, id="playback.end", priority=True)


class PlaybackScreen(Screen[None]):
    """A screen driven by a `PlaybackClock` on the app's (injectable) time source.

    The clock owns time; `position`, `playing` and `speed` mirror it, and their
    watchers redraw the panes, so an action only moves the clock and calls `sync`.
    Action names stay clear of Textual's own (`DOMNode.action_toggle` toggles an
    attribute): a binding to one of those would run Textual's method instead.
    """

    BINDINGS: ClassVar[list[BindingType]] = [BACK, PLAY_PAUSE]

    position: reactive[float] = reactive(0.0, init=False)
    """The playhead in ms, as the clock last said."""
    playing: reactive[bool] = reactive(False, init=False)
    speed: reactive[float] = reactive(1.0, init=False)

    def __init__(self) -> None:
        super().__init__()
        self.clock = PlaybackClock(0.0)
        self._timer: Timer | None = None

    def watching_paused(self) -> bool:
        """Whether the app's watching is paused (`w`): a recording or trace still being written waits."""
        feed = getattr(self.app, "feed", None)
        return feed is not None and feed.paused.is_set()

    def start_clock(self, duration_ms: float) -> None:
        """Create the clock on the app's time source and the paused redraw timer (call in on_mount)."""
        self.clock = PlaybackClock(duration_ms, get_time=self.app.get_time)  # type: ignore[attr-defined]
        self._timer = self.set_interval(1 / FPS, self.tick, pause=True)

    def sync(self) -> None:
        """Copy the clock into the reactives; the watchers redraw what changed."""
        self.position = self.clock.position
        self.playing = self.clock.playing
        self.speed = self.clock.speed

    def draw(self) -> None:
        """Draw every pane at `position` (also called when what is shown changes: a load, a note)."""
        raise NotImplementedError

    def draw_state(self) -> None:
        """Draw what shows play state and speed; by default everything."""
        self.draw()

    def watch_position(self) -> None:
        self.draw()

    def watch_playing(self) -> None:
        self.draw_state()

    def watch_speed(self) -> None:
        self.draw_state()

    def tick(self) -> None:
        """Follow the clock; stop the timer once playback has stopped."""
        if not self.clock.playing and self._timer is not None:
            self._timer.pause()
        self.sync()

    def action_back(self) -> None:
        """Back to the screen below, or quit when this screen is all there is (`cabtui play`)."""
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()

    def action_play_pause(self) -> None:
        """Play or pause."""
        if self.clock.toggle() and self._timer is not None:
            self._timer.resume()
        self.sync()

    def action_step(self, delta_ms: float) -> None:
        """Move the playhead by `delta_ms`."""
        self.clock.step(delta_ms)
        self.sync()

    def action_speed(self, direction: int) -> None:
        """Slower or faster, live."""
        if direction > 0:
            self.clock.faster()
        else:
            self.clock.slower()
        self.sync()

    def action_edge(self, direction: int) -> None:
        """The start or the end."""
        self.clock.seek(0.0 if direction < 0 else self.clock.duration_ms)
        self.sync()

    def action_marker(self, direction: int) -> None:
        """Jump to the previous / next marker, or say there is none."""
        target = self.marker_after(self.clock.position) if direction > 0 else self.marker_before(self.clock.position)
        if target is None:
            self.notify(f"No marker {'after' if direction > 0 else 'before'} this point.", severity="warning")
            return
        self.seek_marker(target)

    def seek_marker(self, t_ms: float) -> None:
        """Put the playhead on a marker."""
        self.clock.seek(t_ms)
        self.sync()

    def marker_after(self, t_ms: float) -> float | None:
        """The first marker after `t_ms`, in ms."""
        raise NotImplementedError

    def marker_before(self, t_ms: float) -> float | None:
        """The last marker before `t_ms`, in ms."""
        raise NotImplementedError


def frame_for(player: FramePlayer, t: float) -> tuple[Frame, str]:
    """The frame at `t`, without stalling the UI: while the index has not reached `t`,
    the newest indexed frame, and a note saying so (the index worker catches up)."""
    if player.ready(t):
        return player.frame_at(t), ""
    shown = player.indexed_time
    return player.frame_at(shown), f"indexing: showing {shown:.1f} s until the index reaches {t:.1f} s"
