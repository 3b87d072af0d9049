"""Two cells' timelines on one relative clock, and which span of one meets which of the other.

A pair replay shows two runs of the same task (two CLIs, models, runs or sweeps) side by
side. Both are measured from their own start, so at pair time `t = 0` each shows its first
instant; a *shift* per side then delays one of them, so that stepping lines up matched spans:

- **Kind**: a span's `kind` field as the runner wrote it (`model_call`, `tool_call`,
  `container`, `task_setup`, ...; the format's default `span` when absent). Names are not
  compared: they hold free text (commands, call numbers) that differs between runs.
- **Matching**: the n-th span of kind K on the left (in the replay's step order: by start,
  ties by tree order) meets the n-th span of kind K on the right. A side with fewer spans of
  a kind has no partner for the rest: that step moves only the side that has one.
- **Step order**: every (kind, n) once, ordered by the earlier of its two starts (each on
  its own side's clock), ties by the left's step order, then the right's. Two similar runs
  so step in the order either would alone.
- **Clock**: pair time `t` shows side time `t - shift` on each side (before its shift a side
  waits at 0). Stepping to a matched pair sets the shifts so that both spans start at the
  same pair time: the later start, `max(left start, right start)`; the side whose span came
  earlier waits the difference. A step one side lacks keeps the shifts. `home` clears them.

Stepping from a cursor (`PairCursor`): sitting on the step last moved to, `right` / `left`
go to the step after / before it in step order; once the clock has moved away (play, 100 ms
steps), `right` goes to the first step whose nearer span starts at or after each side's
time, and `left` to the last one whose nearer span starts at or before it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from cabtui.data.trace.timeline import Timeline

if TYPE_CHECKING:
    from cabtui.data.results.models import Span

__all__ = ["DEFAULT_KIND", "PairCursor", "PairStep", "PairTimeline", "Side", "span_kind"]

DEFAULT_KIND: Final = "span"
"""The format's kind for a span that names none."""

_SAME_TIME_MS: Final = 1e-6
"""How close the clock must be to a step's pair time for the cursor to sit on it."""

Side = Literal["left", "right"]
"""Which half of the pair screen."""


def span_kind(span: Span) -> str:
    """What spans are matched by: their `kind` (names hold free text that differs between runs)."""
    return span.kind or DEFAULT_KIND


@dataclass(frozen=True, slots=True)
class PairStep:
    """The n-th span of one kind on each side (None on a side with fewer of that kind)."""

    kind: str
    n: int
    """0 for the first span of this kind."""
    left: Span | None
    right: Span | None

    def span(self, side: Side) -> Span | None:
        """This step's span on one side."""
        return self.left if side == "left" else self.right

    @property
    def label(self) -> str:
        """`model_call 3`: the kind and its ordinal from 1, as a person counts."""
        return f"{self.kind} {self.n + 1}"


@dataclass(frozen=True, slots=True)
class PairCursor:
    """Where the pair stands: each side's shift, and the step last moved to.

    Immutable: every move returns a new cursor, so the UI keeps one value.
    """

    shift_left: float = 0.0
    shift_right: float = 0.0
    step: int | None = None
    """Index into `PairTimeline.steps` of the step last moved to, if any."""
    anchor_ms: float | None = None
    """The pair time of that step: the cursor sits on it while the clock reads this."""

    def shift(self, side: Side) -> float:
        """One side's delay on the pair clock."""
        return self.shift_left if side == "left" else self.shift_right


def _ordinals(timeline: Timeline) -> list[tuple[str, int, Span]]:
    """Each span of a timeline in step order with its kind and its ordinal among that kind."""
    seen: dict[str, int] = {}
    out = []
    for span in timeline.steps:
        kind = span_kind(span)
        n = seen.get(kind, 0)
        seen[kind] = n + 1
        out.append((kind, n, span))
    return out


@dataclass(frozen=True, eq=False)
class PairTimeline:
    """Two timelines and their matched steps; build it with `PairTimeline.build`."""

    left: Timeline
    right: Timeline
    steps: tuple[PairStep, ...]
    """Every (kind, n) present on either side, in step order (module docstring)."""
    counts: tuple[dict[str, int], dict[str, int]]
    """How many spans of each kind each side has (left, right)."""

    @classmethod
    def build(cls, left: Timeline, right: Timeline) -> PairTimeline:
        """Match the spans of two timelines kind by kind, in order."""
        lefts, rights = _ordinals(left), _ordinals(right)
        left_at = {(kind, n): (index, span) for index, (kind, n, span) in enumerate(lefts)}
        right_at = {(kind, n): (index, span) for index, (kind, n, span) in enumerate(rights)}

        def order(key: tuple[str, int]) -> tuple[float, float, float]:
            on_left, on_right = left_at.get(key), right_at.get(key)
            starts = [found[1].start_ms for found in (on_left, on_right) if found is not None]
            return (
                min(starts),
                on_left[0] if on_left is not None else math.inf,
                on_right[0] if on_right is not None else math.inf,
            )

        keys = sorted({*left_at, *right_at}, key=order)
        steps = tuple(
            PairStep(
                kind,
                n,
                left_at[kind, n][1] if (kind, n) in left_at else None,
                right_at[kind, n][1] if (kind, n) in right_at else None,
            )
            for kind, n in keys
        )
        counts: tuple[dict[str, int], dict[str, int]] = ({}, {})
        for side, spans in ((0, lefts), (1, rights)):
            for kind, _, _ in spans:
                counts[side][kind] = counts[side].get(kind, 0) + 1
        return cls(left, right, steps, counts)

    def timeline(self, side: Side) -> Timeline:
        """One side's timeline."""
        return self.left if side == "left" else self.right

    def count(self, side: Side, kind: str) -> int:
        """How many spans of `kind` one side has."""
        return self.counts[0 if side == "left" else 1].get(kind, 0)

    # -- the clock -----------------------------------------------------------

    def duration_ms(self, cursor: PairCursor) -> float:
        """The pair clock's length: until the later side, shifted, ends."""
        return max(
            cursor.shift_left + self.left.duration_ms,
            cursor.shift_right + self.right.duration_ms,
        )

    def side_time(self, side: Side, t: float, cursor: PairCursor) -> float:
        """Side time at pair time `t`: negative while the side waits for its shift,
        past its end once it has finished (the caller clamps what it draws)."""
        return t - cursor.shift(side)

    def clamped_time(self, side: Side, t: float, cursor: PairCursor) -> float:
        """Side time at pair time `t`, within `[0, that side's duration]`."""
        return min(max(self.side_time(side, t, cursor), 0.0), self.timeline(side).duration_ms)

    # -- stepping ------------------------------------------------------------

    def move_to(self, index: int, cursor: PairCursor) -> tuple[PairCursor, float]:
        """The cursor on step `index` and the pair time to seek to.

        Both sides have the step: shifts that start both spans at the later of the two
        starts. One side only: the shifts stay, and the clock goes to that side's span.
        """
        step = self.steps[index]
        if step.left is not None and step.right is not None:
            t = max(step.left.start_ms, step.right.start_ms)
            new = PairCursor(t - step.left.start_ms, t - step.right.start_ms, index, t)
            return new, t
        span = step.left if step.left is not None else step.right
        assert span is not None  # a step has a span on at least one side
        t = span.start_ms + cursor.shift("left" if step.left is not None else "right")
        return PairCursor(cursor.shift_left, cursor.shift_right, index, t), t

    def _anchored(self, t: float, cursor: PairCursor) -> int | None:
        """The step the cursor sits on (the clock has not moved since stepping), if any."""
        if cursor.step is None or cursor.anchor_ms is None or not 0 <= cursor.step < len(self.steps):
            return None
        return cursor.step if abs(t - cursor.anchor_ms) <= _SAME_TIME_MS else None

    def _lead(self, step: PairStep, t: float, cursor: PairCursor) -> float:
        """How far ahead of its side's time the nearer of the step's spans starts (negative: behind)."""
        leads = []
        if step.left is not None:
            leads.append(step.left.start_ms - self.side_time("left", t, cursor))
        if step.right is not None:
            leads.append(step.right.start_ms - self.side_time("right", t, cursor))
        return min(leads)

    def next_step(self, t: float, cursor: PairCursor) -> int | None:
        """The step `right` goes to, or None past the last one."""
        if math.isnan(t):
            return None
        on = self._anchored(t, cursor)
        if on is not None:
            return on + 1 if on + 1 < len(self.steps) else None
        for index, step in enumerate(self.steps):
            if self._lead(step, t, cursor) >= -_SAME_TIME_MS:
                return index
        return None

    def previous_step(self, t: float, cursor: PairCursor) -> int | None:
        """The step `left` goes to, or None before the first one."""
        if math.isnan(t):
            return None
        on = self._anchored(t, cursor)
        if on is not None:
            return on - 1 if on > 0 else None
        for index in range(len(self.steps) - 1, -1, -1):
            if self._lead(self.steps[index], t, cursor) <= _SAME_TIME_MS:
                return index
        return None
