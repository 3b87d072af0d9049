"""What the player and the trace replay share: a clock polled FPS times a second while playing."""

from __future__ import annotations

from textual.screen import Screen
from textual.timer import Timer

from cabtui.data.clock import PlaybackClock
from cabtui.data.term import Frame, FramePlayer

FPS = 30
"""Redraws a second while playing; frames are dropped, never output (the clock decides t)."""


class PlaybackScreen(Screen[None]):
    """A screen driven by a `PlaybackClock` on the app's (injectable) time source.

    Action names stay clear of Textual's own (`DOMNode.action_toggle` toggles an
    attribute): a binding to one of those would run Textual's method instead.
    """

    def __init__(self) -> None:
        super().__init__()
        self.clock = PlaybackClock(0.0)
        self._timer: Timer | None = None

    def start_clock(self, duration_ms: float) -> None:
        """Create the clock on the app's time source and the paused redraw timer (call in on_mount)."""
        self.clock = PlaybackClock(duration_ms, get_time=self.app.get_time)  # type: ignore[attr-defined]
        self._timer = self.set_interval(1 / FPS, self.tick, pause=True)

    def refresh_view(self) -> None:
        """Draw everything at the clock's position."""
        raise NotImplementedError

    def tick(self) -> None:
        """Follow the clock; stop the timer once playback has stopped."""
        if not self.clock.playing and self._timer is not None:
            self._timer.pause()
        self.refresh_view()

    def action_play_pause(self) -> None:
        """Play or pause."""
        if self.clock.toggle() and self._timer is not None:
            self._timer.resume()
        self.refresh_view()

    def action_step(self, delta_ms: float) -> None:
        """Move the playhead by `delta_ms`."""
        self.clock.step(delta_ms)
        self.refresh_view()

    def action_speed(self, direction: int) -> None:
        """Slower or faster, live."""
        if direction > 0:
            self.clock.faster()
        else:
            self.clock.slower()
        self.refresh_view()


def frame_for(player: FramePlayer, t: float) -> tuple[Frame, str]:
    """The frame at `t`, without stalling the UI: while the index has not reached `t`,
    the newest indexed frame, and a note saying so (the index worker catches up)."""
    if player.ready(t):
        return player.frame_at(t), ""
    shown = player.indexed_time
    return player.frame_at(shown), f"indexing: showing {shown:.1f} s until the index reaches {t:.1f} s"
