"""Frames of a recording at any time, with keyframes so a seek never replays from the start.

Two emulators. The *indexer* plays the recording once from the start and leaves a snapshot
(keyframe) every `keyframe_chars` of output; it runs in steps (`index_step`, `build_index`)
that a UI thread worker can interleave and cancel. The *player* answers `frame_at(t)`:
moving forward a little it just feeds the events in between (sequential playback); otherwise
it restores the nearest keyframe at or before `t` and replays at most one interval.
Keyframes go into append-only lists (state appended before position), so `frame_at` can read
them while the indexer runs; each emulator has its own lock.
"""

from __future__ import annotations

import dataclasses
import threading
from bisect import bisect_right
from collections.abc import Callable

from cabtui.data.asciicast import Event, Recording, parse_resize
from cabtui.data.frames import Frame
from cabtui.data.vt import Terminal

EVENT_COST = 64
"""Replay cost of one event beyond its characters (dispatch overhead), in characters."""


def _apply(term: Terminal, event: Event) -> None:
    if event.code == "o":
        term.feed(event.data)
    else:
        size = parse_resize(event.data)
        if size is not None:
            term.resize(*size)


class FramePlayer:
    """The screen of `recording` at any moment: `frame_at(t)`.

    `keyframe_chars` bounds a seek's replay: a keyframe is kept every that many characters of
    output (plus `EVENT_COST` per event). Snapshots share unchanged rows, so they are small.
    """

    def __init__(self, recording: Recording, *, keyframe_chars: int = 128 * 1024) -> None:
        self.recording = recording
        self.keyframe_chars = max(1, keyframe_chars)
        self._events = [e for e in recording.events if e.code in ("o", "r")]
        self._times = [e.time for e in self._events]
        cost = [0]
        total = 0
        for e in self._events:
            total += len(e.data) + EVENT_COST
            cost.append(total)
        self._cost = cost
        self._index_lock = threading.Lock()
        self._front = Terminal(recording.cols, recording.rows)
        self._front_pos = 0
        self._front_since = 0
        self._kf_states = [self._front.snapshot()]
        self._kf_pos = [0]
        self._play_lock = threading.Lock()
        self._term = Terminal(recording.cols, recording.rows)
        self._pos = 0
        self._last: tuple[int, Frame] | None = None

    # --- indexing ----------------------------------------------------------------------

    @property
    def keyframe_count(self) -> int:
        return len(self._kf_pos)

    @property
    def indexed_fraction(self) -> float:
        """How much of the recording's output the indexer has covered, 0.0 to 1.0."""
        return self._cost[self._front_pos] / self._cost[-1] if self._cost[-1] else 1.0

    @property
    def index_complete(self) -> bool:
        return self._front_pos >= len(self._events)

    @property
    def indexed_time(self) -> float:
        """The time up to which the index reaches: seeks up to here are fast."""
        return self._times[self._front_pos - 1] if self._front_pos else 0.0

    def ready(self, t: float) -> bool:
        """Whether `frame_at(t)` is cheap now (at most about one keyframe interval of replay).
        While indexing runs, a UI can show `frame_at(min(t, indexed_time))` rather than wait."""
        pos = bisect_right(self._times, t)
        if pos <= self._front_pos:
            return True
        return self._cost[pos] - self._cost[self._start(pos)[1]] <= self.keyframe_chars

    def _start(self, pos: int) -> tuple[int, int]:
        """Where replay towards event `pos` begins: (keyframe index, event index). The player's
        own position when it lies between the nearest keyframe and `pos` (no restore needed)."""
        k = bisect_right(self._kf_pos, pos) - 1
        kf_pos = self._kf_pos[k]
        return k, (self._pos if kf_pos <= self._pos <= pos else kf_pos)

    def _advance_front(self, stop_pos: int, budget: int) -> None:
        """Feed the indexer up to event `stop_pos` or `budget` characters; caller holds the lock."""
        events, cost, front = self._events, self._cost, self._front
        pos = self._front_pos
        start_cost = cost[pos]
        while pos < stop_pos and cost[pos] - start_cost < budget:
            _apply(front, events[pos])
            self._front_since += cost[pos + 1] - cost[pos]
            pos += 1
            if self._front_since >= self.keyframe_chars and pos < len(events):
                self._kf_states.append(front.snapshot())
                self._kf_pos.append(pos)
                self._front_since = 0
        self._front_pos = pos

    def index_step(self, budget_bytes: int = 64 * 1024) -> bool:
        """Index about `budget_bytes` more characters of output; True once indexing is complete."""
        with self._index_lock:
            self._advance_front(len(self._events), max(1, budget_bytes))
            return self.index_complete

    def build_index(self, should_stop: Callable[[], bool] | None = None,
                    progress: Callable[[float], None] | None = None, *, step: int = 64 * 1024) -> bool:
        """Index to the end in steps (for a thread worker); returns False if `should_stop` said so."""
        while not self.index_step(step):
            if progress is not None:
                progress(self.indexed_fraction)
            if should_stop is not None and should_stop():
                return False
        if progress is not None:
            progress(1.0)
        return True

    # --- frames ------------------------------------------------------------------------


    def frame_at(self, t: float) -> Frame:
        """The screen after every output event with time <= `t`. Thread-safe."""
        pos = bisect_right(self._times, t)
        with self._play_lock:
            if self._last is not None and self._last[0] == pos:
                frame = self._last[1]
                return frame if frame.time == t else dataclasses.replace(frame, time=t)
            k, start = self._start(pos)
            if pos > self._front_pos and self._cost[pos] - self._cost[start] > self.keyframe_chars:
                # Far past what is indexed: index up to `pos` (the replay is needed anyway, and
                # leaves keyframes for later seeks), then start from the newest keyframe.
                with self._index_lock:
                    self._advance_front(pos, self._cost[-1] + 1)
                k, start = self._start(pos)
            if start != self._pos:
                self._term.restore(self._kf_states[k])
                self._pos = start
            term, events = self._term, self._events
            for i in range(self._pos, pos):
                _apply(term, events[i])
            self._pos = pos
            frame = term.frame(t)
            self._last = (pos, frame)
            return frame
