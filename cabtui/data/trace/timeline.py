"""A cell's trace as the replay screen needs it: the span tree and one shared timeline.

Everything here is pure and built once per opened cell. Input comes from runners
we do not control, so nothing is assumed about it: spans arrive in any order,
parents may be missing or form cycles, span ids may repeat, model calls may lack
`start_ms`. Each of those cases has one documented outcome and never an
exception or an endless loop.

Stepping span by span (`Timeline.next_span` / `Timeline.previous_span`) walks the
spans in *step order*: by `start_ms`, ties by display row (tree pre-order, so a
parent comes before the children that start with it). The cursor's place in that
order is the pair `(t, selected span)`:

- when the selected span starts at `t` (the usual case after a step), the cursor
  sits exactly on that span, so spans sharing its start are visited one by one;
- otherwise (nothing selected, or the clock has moved since), the cursor sits at
  time `t` between spans: "next" is the first span starting at or after `t` and
  "previous" the last one starting at or before `t` (like a media player's
  "previous" that first goes back to the start of the current track).

So from `t = 0` with nothing selected, pressing right and seeking to each span's
start visits every span exactly once, in step order; from the end, pressing left
visits them all in reverse.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final, Literal

from cabtui.data.trace.span_tree import SpanNode, SpanTree

if TYPE_CHECKING:  # the records are only types here: results imports trace, not the reverse
    from cabtui.data.results.models import ModelCall, Span

__all__ = [
    "CONTAINER_KIND",
    "MIN_DURATION_MS",
    "Marker",
    "SpanNode",
    "SpanTree",
    "TimedCall",
    "Timeline",
]

CONTAINER_KIND: Final = "container"
"""The span kind whose start places a recording that has no explicit offset."""

MIN_DURATION_MS: Final = 1.0
"""The shortest timeline: an empty cell still gets an axis the UI can divide by."""

_SAME_TIME_MS: Final = 1e-6
"""How close `t` must be to the selected span's start for the cursor to sit on it.

The clock returns a seeked position unchanged while paused, so this only absorbs
float noise from a UI that rounds or converts the time on the way.
"""


@dataclass(frozen=True, slots=True)
class TimedCall:
    """A model call placed on the cell's timeline."""

    start_ms: float
    end_ms: float
    """`start_ms + latency_ms`, or `start_ms` when the latency is unknown."""
    call: ModelCall


@dataclass(frozen=True, slots=True)
class Marker:
    """A point worth jumping to with `m`."""

    t_ms: float
    label: str
    kind: Literal["recording", "error"]
    """`recording`: a marker event of the recording; `error`: the start of a failed span."""


@dataclass(frozen=True, eq=False)
class Timeline:
    """Spans, model calls and the recording on one axis: ms from the cell's `started_at`.

    Build it with `Timeline.build`. Times outside `[0, duration_ms]` are valid
    arguments everywhere; nothing here raises on odd input.
    """

    tree: SpanTree
    duration_ms: float
    """Never below `MIN_DURATION_MS`; covers every span, placed call and the recording."""
    span_starts: tuple[float, ...]
    """Sorted unique span start times."""
    steps: tuple[Span, ...]
    """The spans in step order: by start, ties by display row."""
    calls: tuple[TimedCall, ...]
    """Placed calls, sorted by start (ties by `index`, then input order)."""
    unplaced_calls: tuple[ModelCall, ...]
    """Calls with neither `start_ms` nor a usable `ts`: listed, but never "started"."""
    recording_offset_ms: float
    """Where recording time 0 sits on this timeline (resolved, even without a recording)."""
    recording_duration_s: float | None
    markers: tuple[Marker, ...]
    """Sorted by time, within `[0, duration_ms]`."""
    _step_keys: tuple[tuple[float, int], ...] = field(repr=False)
    _call_starts: tuple[float, ...] = field(repr=False)
    _marker_times: tuple[float, ...] = field(repr=False)

    @classmethod
    def build(
        cls,
        spans: Sequence[Span],
        calls: Sequence[ModelCall],
        recording_duration_s: float | None,
        recording_offset_ms: float | None,
        *,
        started_at: datetime | None = None,
        recording_markers: Sequence[tuple[float, str]] = (),
    ) -> Timeline:
        """Lay out one cell.

        Args:
            spans: The trace, in any order.
            calls: The model calls, in any order.
            recording_duration_s: Length of the recording, or None when the cell has none.
            recording_offset_ms: `artifacts.recording_offset_ms`; when None the recording
                starts with the first `container` span, or at 0 without one.
            started_at: The cell's start, to place calls that have `ts` but no `start_ms`.
            recording_markers: The recording's marker events as (seconds into the
                recording, label); placed only when there is a recording.
        """
        tree = SpanTree.build(spans)
        nodes = tree.nodes()

        step_rows = sorted(range(len(nodes)), key=lambda row: (nodes[row].span.start_ms, row))
        steps = tuple(nodes[row].span for row in step_rows)
        step_keys = tuple((nodes[row].span.start_ms, row) for row in step_rows)

        timed, unplaced = _place_calls(calls, started_at)

        if recording_offset_ms is not None and math.isfinite(recording_offset_ms):
            offset = float(recording_offset_ms)
        else:
            containers = [s.start_ms for s in steps if s.kind == CONTAINER_KIND and math.isfinite(s.start_ms)]
            offset = containers[0] if containers else 0.0
        rec_s = recording_duration_s
        if rec_s is not None and not (math.isfinite(rec_s) and rec_s >= 0):
            rec_s = 0.0  # a recording is there, its length is nonsense: treat it as empty

        ends = [s.end_ms for s in steps] + [c.end_ms for c in timed]
        if rec_s is not None:
            ends.append(offset + rec_s * 1000.0)
        duration = max([MIN_DURATION_MS, *(e for e in ends if math.isfinite(e))])

        markers: list[Marker] = []
        if rec_s is not None:
            for seconds, label in recording_markers:
                if math.isfinite(seconds):
                    t = min(max(offset + seconds * 1000.0, 0.0), duration)
                    markers.append(Marker(t, label, "recording"))
        for span in steps:
            if span.error is not None and math.isfinite(span.start_ms):
                label = f"{span.name or span.span_id}: {span.error.message}"
                markers.append(Marker(min(span.start_ms, duration), label, "error"))
        markers.sort(key=lambda m: m.t_ms)  # stable: recording markers first at equal times

        return cls(
            tree=tree,
            duration_ms=duration,
            span_starts=tuple(sorted({s.start_ms for s in steps})),
            steps=steps,
            calls=timed,
            unplaced_calls=unplaced,
            recording_offset_ms=offset,
            recording_duration_s=rec_s,
            markers=tuple(markers),
            _step_keys=step_keys,
            _call_starts=tuple(c.start_ms for c in timed),
            _marker_times=tuple(m.t_ms for m in markers),
        )

    # -- spans ---------------------------------------------------------------

    def rows(self) -> tuple[tuple[Span, int], ...]:
        """The waterfall's rows: `(span, depth)` in display order."""
        return self.tree.rows()

    def _cursor(self, t: float, current: str | None) -> tuple[float, int] | None:
        """The step key of the selected span when the cursor sits on it, else None."""
        if current is None:
            return None
        row = self.tree.row_index(current)
        if row is None:
            return None
        start = self.tree.nodes()[row].span.start_ms
        return (start, row) if abs(start - t) <= _SAME_TIME_MS else None

    def next_span(self, t: float, current: str | None = None) -> Span | None:
        """The span `right` goes to, or None at the last one.

        Args:
            t: The cursor's time (the clock's position).
            current: The selected span's id. When that span starts at `t`, the next
                span in step order; otherwise the first span starting at or after `t`.
        """
        if math.isnan(t):
            return None
        key = self._cursor(t, current)
        # Between spans: the first one starting at or after t; on the selected span: the one after it.
        index = bisect_left(self._step_keys, (t, -1)) if key is None else bisect_right(self._step_keys, key)
        return self.steps[index] if index < len(self.steps) else None

    def previous_span(self, t: float, current: str | None = None) -> Span | None:
        """The span `left` goes to, or None at the first one.

        Args:
            t: The cursor's time (the clock's position).
            current: The selected span's id. When that span starts at `t`, the previous
                span in step order; otherwise the last span starting at or before `t`.
        """
        if math.isnan(t):
            return None
        key = self._cursor(t, current)
        # Between spans: the last one starting at or before t; on the selected span: the one before it.
        keys = self._step_keys
        index = bisect_right(keys, (t, math.inf)) if key is None else bisect_left(keys, key)
        return self.steps[index - 1] if index > 0 else None

    def spans_active_at(self, t: float) -> tuple[Span, ...]:
        """Spans with `start_ms <= t <= end_ms`, in display order.

        Both ends are closed so that a zero-length span is active at its instant and
        the root stays lit at the very end of the run.
        """
        return tuple(span for span, _ in self.tree.rows() if span.start_ms <= t <= span.end_ms)

    # -- model calls ---------------------------------------------------------

    def calls_started_by(self, t: float) -> int:
        """How many placed calls have `start_ms <= t`; `calls[:n]` are those calls."""
        return bisect_right(self._call_starts, t)

    # -- recording -----------------------------------------------------------

    @property
    def has_recording(self) -> bool:
        """Whether the cell has a recording to show beside the trace."""
        return self.recording_duration_s is not None

    def recording_time(self, t_ms: float) -> float | None:
        """Seconds into the recording at cell time `t_ms`.

        None without a recording or before it starts; after it ends, its last
        instant (the final frame stays on screen).
        """
        if self.recording_duration_s is None or not t_ms >= self.recording_offset_ms:
            return None
        return min((t_ms - self.recording_offset_ms) / 1000.0, self.recording_duration_s)

    def cell_time(self, recording_s: float) -> float:
        """Cell time (ms) of a moment of the recording: the inverse of `recording_time`."""
        return self.recording_offset_ms + recording_s * 1000.0

    # -- markers -------------------------------------------------------------

    def next_marker(self, t: float) -> Marker | None:
        """The first marker strictly after `t`, so pressing `m` again moves on."""
        index = bisect_right(self._marker_times, t)
        return self.markers[index] if index < len(self.markers) else None

    def previous_marker(self, t: float) -> Marker | None:
        """The last marker strictly before `t`."""
        index = bisect_left(self._marker_times, t)
        return self.markers[index - 1] if index > 0 else None


def _place_calls(
    calls: Sequence[ModelCall], started_at: datetime | None
) -> tuple[tuple[TimedCall, ...], tuple[ModelCall, ...]]:
    """Put each call on the timeline from `start_ms`, else from `ts` - `started_at`."""
    origin = _aware(started_at) if started_at is not None else None
    placed: list[tuple[float, int, int, TimedCall]] = []
    unplaced: list[ModelCall] = []
    for position, call in enumerate(calls):
        start = call.start_ms
        if start is None and call.ts and origin is not None:
            try:
                start = (_aware(datetime.fromisoformat(call.ts)) - origin).total_seconds() * 1000.0
            except ValueError:
                start = None
        if start is None or not math.isfinite(start):
            unplaced.append(call)
            continue
        start = max(start, 0.0)  # a call "before" the cell is a clock skew: show it at the start
        latency = call.latency_ms
        end = start + latency if latency is not None and math.isfinite(latency) and latency > 0 else start
        placed.append((start, call.index, position, TimedCall(start, end, call)))
    placed.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in placed), tuple(unplaced)


def _aware(moment: datetime) -> datetime:
    """Naive times are UTC (the runner writes UTC); mixing naive and aware would raise."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
