"""The playback clock that drives every pane of the replay and player screens.

It holds no thread and no timer: the position is computed from an injected time
source whenever it is read, and the UI polls it on its own interval. With a fake
time source (a float the test advances) every behaviour is deterministic.

Internally the clock keeps an *anchor*: the position at the last change
(play, pause, seek, speed) and the source time of that change. While playing,
position = anchor + elapsed * speed. Re-anchoring before every change is what
keeps the position continuous when the speed changes mid-play.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Final

__all__ = ["DEFAULT_SPEED", "SPEEDS", "PlaybackClock"]

SPEEDS: Final = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
"""The speed ladder `[` / `]` move along; other speeds snap to the nearest rung."""

DEFAULT_SPEED: Final = 1.0


class PlaybackClock:
    """Position in ms within `[0, duration_ms]`, playing or paused, at a speed from `SPEEDS`.

    Reaching the end while playing pauses there (`at_end` is then true), and
    `play()` at the end starts again from 0, as media players do.
    """

    def __init__(
        self,
        duration_ms: float,
        *,
        get_time: Callable[[], float] = time.monotonic,
        speed: float = DEFAULT_SPEED,
    ) -> None:
        """Start paused at 0.

        Args:
            duration_ms: Length of what is played; negative or non-finite means 0.
            get_time: Seconds from any fixed origin, never going backwards
                (`time.monotonic`); tests pass a fake.
            speed: Initial speed, snapped to the ladder.
        """
        self._get_time = get_time
        self._duration = _sane_duration(duration_ms)
        self._speed_index = _nearest_rung(speed)
        self._playing = False
        self._anchor_ms = 0.0
        self._last_time = get_time()
        self._anchor_time = self._last_time

    # -- reading -------------------------------------------------------------

    @property
    def duration_ms(self) -> float:
        """Length of what is played, in ms."""
        return self._duration

    @property
    def position(self) -> float:
        """Where playback is now, in ms, always within `[0, duration_ms]`."""
        now = self._now()  # read once, so settling and projecting agree
        self._settle(now)
        return self._projected(now) if self._playing else self._anchor_ms

    @property
    def playing(self) -> bool:
        """Whether the position is advancing (false once the end is reached)."""
        self._settle(self._now())
        return self._playing

    @property
    def at_end(self) -> bool:
        """Whether the position is at the end."""
        return self.position >= self._duration

    @property
    def speed(self) -> float:
        """The current speed factor (1.0 is real time)."""
        return SPEEDS[self._speed_index]

    # -- transport -----------------------------------------------------------

    def play(self) -> None:
        """Start advancing; at the end, start again from 0. A no-op while playing."""
        if self.playing:
            return
        if self.at_end:
            self._anchor_ms = 0.0
        # Nothing to play in an empty clock: stay paused rather than flip-flop.
        if self._duration > 0:
            self._anchor_time = self._now()
            self._playing = True

    def pause(self) -> None:
        """Stop advancing, keeping the current position."""
        self._reanchor()
        self._playing = False

    def toggle(self) -> bool:
        """Play if paused, pause if playing; returns whether it now plays."""
        if self.playing:
            self.pause()
        else:
            self.play()
        return self._playing

    def seek(self, ms: float) -> None:
        """Jump to `ms` (clamped to the duration); playing or paused stays as it was.

        A NaN target is ignored: it can only come from a bug upstream, and
        keeping the old position is better than poisoning every later read.
        """
        if math.isnan(ms):
            return
        self._reanchor()
        self._anchor_ms = self._clamp(ms)

    def step(self, delta_ms: float) -> None:
        """Move by `delta_ms` (e.g. +-100 for `.` / `,`), clamped; does not pause."""
        self.seek(self.position + delta_ms)

    def set_speed(self, speed: float) -> float:
        """Change speed to the ladder rung nearest `speed`, keeping the position; returns it."""
        self._reanchor()
        self._speed_index = _nearest_rung(speed)
        return self.speed

    def faster(self) -> float:
        """One rung up the ladder (stays at the top); returns the new speed."""
        return self.set_speed(SPEEDS[min(self._speed_index + 1, len(SPEEDS) - 1)])

    def slower(self) -> float:
        """One rung down the ladder (stays at the bottom); returns the new speed."""
        return self.set_speed(SPEEDS[max(self._speed_index - 1, 0)])

    def set_duration(self, duration_ms: float) -> None:
        """Change the length (e.g. once a recording has loaded), clamping the position."""
        self._reanchor()
        self._duration = _sane_duration(duration_ms)
        self._anchor_ms = self._clamp(self._anchor_ms)
        self._settle(self._anchor_time)

    # -- internals -----------------------------------------------------------

    def _now(self) -> float:
        """The source time, never earlier than one already seen.

        A source that steps backwards (a fake in a test, a bad clock) would
        otherwise rewind playback; this holds the position until time catches up.
        The first reading must be a finite number.
        """
        now = self._get_time()
        if now > self._last_time:  # also drops a NaN reading
            self._last_time = now
        return self._last_time

    def _projected(self, now: float) -> float:
        """The position at source time `now` if playing since the anchor (clamped)."""
        return self._clamp(self._anchor_ms + (now - self._anchor_time) * 1000.0 * self.speed)

    def _reanchor(self) -> None:
        """Fold the elapsed play time into the anchor, so a change starts from here."""
        now = self._now()
        if self._playing:
            self._anchor_ms = self._projected(now)
            if self._anchor_ms >= self._duration:
                self._playing = False
        self._anchor_time = now

    def _settle(self, now: float) -> None:
        """Pause at the end once playback has reached it by source time `now`."""
        if self._playing and self._projected(now) >= self._duration:
            self._anchor_ms = self._duration
            self._playing = False

    def _clamp(self, ms: float) -> float:
        return min(max(ms, 0.0), self._duration)

    def __repr__(self) -> str:
        state = "playing" if self.playing else "paused"
        return f"PlaybackClock({self.position:.1f}/{self._duration:.1f} ms, {state}, x{self.speed:g})"


def _sane_duration(duration_ms: float) -> float:
    """A usable duration: non-finite or negative becomes 0."""
    return float(duration_ms) if math.isfinite(duration_ms) and duration_ms > 0 else 0.0


def _nearest_rung(speed: float) -> int:
    """Index of the ladder speed closest to `speed` (in ratio, so 3 -> 2 or 4, not 0.25)."""
    if not (math.isfinite(speed) and speed > 0):
        return SPEEDS.index(DEFAULT_SPEED)
    return min(range(len(SPEEDS)), key=lambda i: abs(math.log(SPEEDS[i] / speed)))
