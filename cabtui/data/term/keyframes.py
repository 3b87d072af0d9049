"""Frames of a recording at any time, with keyframes so a seek never replays from the start.

Two emulators. The *indexer* plays the recording once from the start and leaves a snapshot
(keyframe) every `keyframe_chars` of output; it runs in steps (`index_step`, `build_index`)
that a UI thread worker can interleave and cancel. The *player* answers `frame_at(t)`:
moving forward a little it just feeds the events in between (sequential playback); otherwise
it restores the nearest keyframe at or before `t` and replays at most one interval.
Keyframes go into append-only lists (state appended before position), so `frame_at` can read
them while the indexer runs; each emulator has its own lock.

Cost model: an event costs its characters plus `EVENT_COST`, plus, once emulated, the work the
emulator reports doing beyond reading them (`Terminal.work`: blanking rows, resizing, REP...).
Keyframes are placed by that real cost, so the replay between two keyframes never exceeds
`keyframe_chars` whatever the input; a seek past what is indexed indexes up to there first.
"""

from __future__ import annotations

import dataclasses
import threading
from array import array
from bisect import bisect_right
from collections.abc import Callable, Sequence

from cabtui.data.term.asciicast import Recording, parse_resize
from cabtui.data.term.events import Events
from cabtui.data.term.frames import Frame
from cabtui.data.term.parser import Terminal

EVENT_COST = 64
"""Replay cost of one event beyond its characters (dispatch overhead), in characters."""


class FramePlayer:
    """The screen of `recording` at any moment: `frame_at(t)`.

    `keyframe_chars` bounds a seek's replay: a keyframe is kept every that many characters of
    output (plus `EVENT_COST` per event). Snapshots share unchanged rows, so they are small.
    """

    def __init__(self, recording: Recording, *, keyframe_chars: int = 128 * 1024) -> None:
        self.recording = recording
        self.keyframe_chars = max(1, keyframe_chars)
        store = self._store = Events.of(recording.events)
        played = store.indices_of("o") + store.indices_of("r")
        if len(played) == len(store):  # the usual case: no second copy of anything
            self._which: Sequence[int] = range(len(store))
            self._times: Sequence[float] = store.times
        else:
            played.sort()
            self._which = array("Q", played)
            self._times = array("d", (store.times[i] for i in played))
        cost = array("Q", [0])
        total = 0
        for i in self._which:  # UTF-8 bytes: at least the characters, never many more
            total += store.data_len(i) + EVENT_COST
            cost.append(total)
        self._cost = cost
        """Estimated cumulative cost (before emulation): what `ready` and progress go by."""
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
        return self._front_pos >= len(self._which)

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

    def _apply(self, term: Terminal, pos: int) -> int:
        """Play event `pos` (of those played) on `term`; return its real cost."""
        i = self._which[pos]
        store = self._store
        work = term.work
        if store.code(i) == "o":
            term.feed(store.data(i))
        else:
            size = parse_resize(store.data(i))
            if size is not None:
                term.resize(*size)
        return self._cost[pos + 1] - self._cost[pos] + term.work - work

    def _advance_front(self, stop_pos: int, budget: int) -> None:
        """Feed the indexer up to event `stop_pos` or `budget` of real cost; caller holds the lock."""
        front, n = self._front, len(self._which)
        pos = self._front_pos
        spent = 0
        while pos < stop_pos and spent < budget:
            cost = self._apply(front, pos)
            spent += cost
            self._front_since += cost
            pos += 1
            if self._front_since >= self.keyframe_chars and pos < n:
                self._kf_states.append(front.snapshot())
                self._kf_pos.append(pos)
                self._front_since = 0
        self._front_pos = pos

    def index_step(self, budget_bytes: int = 64 * 1024) -> bool:
        """Index about `budget_bytes` more characters of output; True once indexing is complete."""
        with self._index_lock:
            self._advance_front(len(self._which), max(1, budget_bytes))
            return self.index_complete

    def build_index(
        self,
        should_stop: Callable[[], bool] | None = None,
        progress: Callable[[float], None] | None = None,
        *,
        step: int = 64 * 1024,
    ) -> bool:
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
            if pos > self._front_pos:
                # Past what is indexed: index up to `pos` first. The estimate cannot tell how much
                # work the output between is; the indexer measures it and leaves keyframes.
                with self._index_lock:
                    self._advance_front(pos, 1 << 62)
            k, start = self._start(pos)
            if start != self._pos:
                self._term.restore(self._kf_states[k])
                self._pos = start
            term = self._term
            for i in range(self._pos, pos):
                self._apply(term, i)
            self._pos = pos
            frame = term.frame(t)
            self._last = (pos, frame)
            return frame
