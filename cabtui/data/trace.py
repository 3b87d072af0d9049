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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final, Literal

from cabtui.data.models import ModelCall, Span

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


def _span_key(span: Span) -> tuple[float, str, str]:
    """Sibling order: by start, then name, then id, so any input order gives one tree."""
    return (span.start_ms, span.name, span.span_id)


@dataclass(frozen=True, slots=True)
class SpanNode:
    """One span in the tree, with its children already in display order."""

    span: Span
    depth: int
    """0 for a top-level node (a root, an orphan or a former cycle member)."""
    children: tuple[SpanNode, ...] = ()
    orphan: bool = False
    """Its `parent_id` named a span that is not in the trace; shown at the top level."""
    in_cycle: bool = False
    """It was part of a parent cycle; shown at the top level to break the cycle."""


@dataclass(frozen=True, eq=False)
class SpanTree:
    """The spans of one trace as a forest, plus what was wrong with the links.

    Build it with `SpanTree.build`. Top-level nodes are the roots (no `parent_id`,
    or an empty one), orphans and members of parent cycles, all sorted like
    siblings. Every unique span id appears exactly once.
    """

    roots: tuple[SpanNode, ...]
    duplicates: tuple[Span, ...]
    """Spans dropped because an earlier span had the same id (the first one is kept)."""
    orphan_ids: tuple[str, ...]
    """Ids of spans whose parent is missing, in display order."""
    cycle_ids: tuple[str, ...]
    """Ids of spans that were in a parent cycle, in display order."""
    _nodes: tuple[SpanNode, ...] = field(repr=False)
    _rows: tuple[tuple[Span, int], ...] = field(repr=False)
    _index: dict[str, int] = field(repr=False)

    @classmethod
    def build(cls, spans: Iterable[Span]) -> SpanTree:
        """Build the tree from spans in any order; never raises on bad links."""
        kept: dict[str, Span] = {}
        duplicates: list[Span] = []
        for span in spans:
            if span.span_id in kept:
                duplicates.append(span)
            else:
                kept[span.span_id] = span

        parent_of: dict[str, str | None] = {}
        orphans: set[str] = set()
        for span_id, span in kept.items():
            parent = span.parent_id or None  # an empty parent_id is a sloppy root, not an orphan
            if parent is not None and parent not in kept:
                orphans.add(span_id)
                parent = None
            parent_of[span_id] = parent

        cycles = _cycle_members(parent_of)
        for span_id in cycles:
            parent_of[span_id] = None

        children: dict[str, list[Span]] = {span_id: [] for span_id in kept}
        top: list[Span] = []
        for span_id, span in kept.items():
            parent = parent_of[span_id]
            (top if parent is None else children[parent]).append(span)
        for siblings in children.values():
            siblings.sort(key=_span_key)
        top.sort(key=_span_key)

        # Pre-order with an explicit stack: a deep chain must not hit the recursion limit.
        order: list[tuple[Span, int]] = []
        stack: list[tuple[Span, int]] = [(span, 0) for span in reversed(top)]
        while stack:
            span, depth = stack.pop()
            order.append((span, depth))
            stack.extend((child, depth + 1) for child in reversed(children[span.span_id]))

        # Frozen nodes are built bottom-up: in reverse pre-order every descendant comes first.
        built: dict[str, SpanNode] = {}
        for span, depth in reversed(order):
            built[span.span_id] = SpanNode(
                span=span,
                depth=depth,
                children=tuple(built[child.span_id] for child in children[span.span_id]),
                orphan=span.span_id in orphans,
                in_cycle=span.span_id in cycles,
            )
        nodes = tuple(built[span.span_id] for span, _ in order)
        return cls(
            roots=tuple(built[span.span_id] for span in top),
            duplicates=tuple(duplicates),
            orphan_ids=tuple(n.span.span_id for n in nodes if n.orphan),
            cycle_ids=tuple(n.span.span_id for n in nodes if n.in_cycle),
            _nodes=nodes,
            _rows=tuple((node.span, node.depth) for node in nodes),
            _index={node.span.span_id: row for row, node in enumerate(nodes)},
        )

    def __len__(self) -> int:
        return len(self._nodes)

    def rows(self) -> tuple[tuple[Span, int], ...]:
        """The tree in display order (pre-order) as `(span, depth)` pairs; built once."""
        return self._rows

    def nodes(self) -> tuple[SpanNode, ...]:
        """The nodes in display order; row `i` of `rows()` is node `i`."""
        return self._nodes

    def row_index(self, span_id: str) -> int | None:
        """The display row of a span, or None when the tree has no such id."""
        return self._index.get(span_id)

    def get(self, span_id: str) -> SpanNode | None:
        """The node of a span id (the first span with that id), or None."""
        row = self._index.get(span_id)
        return None if row is None else self._nodes[row]

    @property
    def problems(self) -> tuple[str, ...]:
        """One readable line per oddity, for the caller to report against the trace file."""
        out = [f"span {span.span_id!r}: duplicate id; kept the first" for span in self.duplicates]
        for span_id in self.orphan_ids:
            parent = self._nodes[self._index[span_id]].span.parent_id
            out.append(f"span {span_id!r}: parent {parent!r} not in the trace; shown at the top level")
        out.extend(f"span {sid!r}: in a parent cycle; shown at the top level" for sid in self.cycle_ids)
        return tuple(out)


def _cycle_members(parent_of: dict[str, str | None]) -> set[str]:
    """Ids on a parent cycle (each id has at most one parent, so one walk per id suffices)."""
    done: set[str] = set()
    members: set[str] = set()
    for start in parent_of:
        path: list[str] = []
        on_path: dict[str, int] = {}
        current: str | None = start
        while current is not None and current not in done and current not in on_path:
            on_path[current] = len(path)
            path.append(current)
            current = parent_of[current]
        if current is not None and current in on_path:
            members.update(path[on_path[current] :])
        done.update(path)
    return members


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
