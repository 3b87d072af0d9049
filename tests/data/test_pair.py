"""Two cells on one relative clock: matching spans kind by kind, shifts, stepping; and the
scores side by side (headline deltas, breakdown keys that differ)."""

from __future__ import annotations

import math

from cabtui.data.results import MISSING, breakdown_diff, headline_deltas
from cabtui.data.results.models import Span
from cabtui.data.trace import PairCursor, PairTimeline, Timeline


def _span(span_id: str, kind: str, start: float, duration: float = 10.0, parent: str | None = "root") -> Span:
    return Span(span_id=span_id, parent_id=parent, kind=kind, name=span_id, start_ms=start, duration_ms=duration)


def _timeline(*spans: Span, length: float = 10_000.0) -> Timeline:
    root = _span("root", "adapter_run", 0.0, length, parent=None)
    return Timeline.build([root, *spans], [], None, None)


def _walk(pair: PairTimeline) -> list[tuple[str, str | None, str | None, float]]:
    """Press right from t = 0 until the last step: (label, left id, right id, pair time) each time."""
    cursor, t, seen = PairCursor(), 0.0, []
    while (index := pair.next_step(t, cursor)) is not None:
        cursor, t = pair.move_to(index, cursor)
        step = pair.steps[index]
        seen.append(
            (step.label, step.left.span_id if step.left else None, step.right.span_id if step.right else None, t)
        )
    return seen


# Left: a quick run; right: a slower one with one more model call.
LEFT = _timeline(
    _span("L-call0", "model_call", 100),
    _span("L-tool0", "tool_call", 500),
    _span("L-call1", "model_call", 900),
)
RIGHT = _timeline(
    _span("R-call0", "model_call", 300),
    _span("R-tool0", "tool_call", 1_200),
    _span("R-call1", "model_call", 2_000),
    _span("R-call2", "model_call", 4_000),
)


def test_the_nth_span_of_a_kind_meets_the_nth_of_that_kind() -> None:
    pair = PairTimeline.build(LEFT, RIGHT)
    assert [(s.label, s.left and s.left.span_id, s.right and s.right.span_id) for s in pair.steps] == [
        ("adapter_run 1", "root", "root"),
        ("model_call 1", "L-call0", "R-call0"),
        ("tool_call 1", "L-tool0", "R-tool0"),
        ("model_call 2", "L-call1", "R-call1"),
        ("model_call 3", None, "R-call2"),  # the right's extra call has no partner
    ]
    assert pair.count("left", "model_call") == 2 and pair.count("right", "model_call") == 3
    assert pair.count("left", "cleanup") == 0


def test_stepping_starts_both_matched_spans_at_the_same_pair_time() -> None:
    pair = PairTimeline.build(LEFT, RIGHT)
    walk = _walk(pair)
    assert [w[0] for w in walk] == ["adapter_run 1", "model_call 1", "tool_call 1", "model_call 2", "model_call 3"]
    cursor = PairCursor()
    for index, (_label, left_id, right_id, t) in enumerate(walk[:4]):
        cursor, t2 = pair.move_to(index, cursor)
        assert t2 == t
        left, right = pair.steps[index].left, pair.steps[index].right
        assert left is not None and right is not None and (left.span_id, right.span_id) == (left_id, right_id)
        # Each side shows exactly its span's start at that pair time.
        assert pair.side_time("left", t, cursor) == left.start_ms
        assert pair.side_time("right", t, cursor) == right.start_ms
        assert t == max(left.start_ms, right.start_ms)
        assert min(cursor.shift_left, cursor.shift_right) == 0.0  # only the earlier side waits


def test_a_step_one_side_lacks_keeps_the_shifts_and_moves_that_side_to_its_span() -> None:
    pair = PairTimeline.build(LEFT, RIGHT)
    cursor, _ = pair.move_to(3, PairCursor())  # model_call 2: left 900, right 2 000
    assert (cursor.shift_left, cursor.shift_right) == (1_100.0, 0.0)
    cursor, t = pair.move_to(4, cursor)  # model_call 3: only on the right, at 4 000
    assert (cursor.shift_left, cursor.shift_right) == (1_100.0, 0.0)
    assert t == 4_000.0
    assert pair.side_time("right", t, cursor) == 4_000.0
    assert pair.side_time("left", t, cursor) == 2_900.0  # the left moved on by the same amount
    assert pair.duration_ms(cursor) == 11_100.0  # the left, delayed 1.1 s, ends last


def test_the_clock_before_a_shift_holds_the_waiting_side_at_its_start() -> None:
    pair = PairTimeline.build(LEFT, RIGHT)
    cursor, _ = pair.move_to(2, PairCursor())  # tool_call 1: left 500, right 1 200: the left waits 700 ms
    assert pair.side_time("left", 100.0, cursor) == -600.0
    assert pair.clamped_time("left", 100.0, cursor) == 0.0
    assert pair.clamped_time("right", 100.0, cursor) == 100.0
    assert pair.clamped_time("right", 1e9, cursor) == RIGHT.duration_ms


def test_left_walks_back_and_the_ends_say_none() -> None:
    pair = PairTimeline.build(LEFT, RIGHT)
    cursor = PairCursor()
    assert pair.previous_step(0.0, cursor) == 0  # the root starts at 0 on both: at or before t
    cursor, t = pair.move_to(0, cursor)
    assert pair.previous_step(t, cursor) is None
    for index in range(1, len(pair.steps)):
        cursor, t = pair.move_to(index, cursor)
    assert pair.next_step(t, cursor) is None
    back = []
    while (index := pair.previous_step(t, cursor)) is not None:
        cursor, t = pair.move_to(index, cursor)
        back.append(pair.steps[index].label)
    assert back == ["model_call 2", "tool_call 1", "model_call 1", "adapter_run 1"]
    assert pair.next_step(math.nan, cursor) is None and pair.previous_step(math.nan, cursor) is None


def test_after_the_clock_moves_right_goes_to_the_first_step_still_ahead() -> None:
    pair = PairTimeline.build(LEFT, RIGHT)
    cursor, t = pair.move_to(1, PairCursor())  # model_call 1: left 100, right 300 -> t = 300, left waits 200
    t += 400.0  # played on: left at 500 (its tool call starts now), right at 700
    assert pair.next_step(t, cursor) == 2  # tool_call 1: the left's starts right now
    assert pair.previous_step(t, cursor) == 2  # and it is the last one at or before now
    assert pair.next_step(t + 1, cursor) == 3
    assert pair.previous_step(t - 1, cursor) == 1


def test_a_pair_without_spans_has_no_steps_and_a_side_with_none_is_fine() -> None:
    empty = Timeline.build([], [], None, None)
    pair = PairTimeline.build(empty, RIGHT)
    assert [s.left for s in pair.steps] == [None] * len(pair.steps)
    assert len(pair.steps) == 5
    cursor, t = pair.move_to(pair.next_step(0.0, PairCursor()) or 0, PairCursor())
    assert t == 0.0
    nothing = PairTimeline.build(empty, empty)
    assert nothing.steps == () and nothing.next_step(0.0, PairCursor()) is None


def test_ties_keep_the_left_order_and_kindless_spans_match_as_span() -> None:
    left = Timeline.build([Span(span_id="a", start_ms=0), Span(span_id="b", start_ms=0)], [], None, None)
    right = Timeline.build([Span(span_id="x", start_ms=5)], [], None, None)
    pair = PairTimeline.build(left, right)
    assert [(s.label, s.left and s.left.span_id, s.right and s.right.span_id) for s in pair.steps] == [
        ("span 1", "a", "x"),
        ("span 2", "b", None),
    ]


def test_headline_deltas_follow_each_axis_direction() -> None:
    got = headline_deltas(
        ["pass_rate", "latency", "tokens", "composite", "refusal"],
        {"pass_rate": 0.0, "latency": 9_000.0, "tokens": 100.0, "composite": 0.5, "refusal": None},
        {"pass_rate": 1.0, "latency": 4_000.0, "tokens": 100.0, "composite": 0.25, "refusal": 1.0},
    )
    assert [(d.axis, d.delta, d.better) for d in got] == [
        ("pass_rate", 1.0, "right"),
        ("latency", -5_000.0, "right"),  # lower is better
        ("tokens", 0.0, "same"),
        ("composite", -0.25, "left"),
        ("refusal", None, None),
    ]
    assert headline_deltas(["x"], {"x": math.inf}, {"x": 1.0})[0].delta is None


def test_breakdown_diff_marks_the_keys_that_differ() -> None:
    left = {"pass_rate": {"pass": 0, "exit_code": 1, "stdout_tail": "E0106"}, "integrity": {"integrity": 1}}
    right = {
        "pass_rate": {"pass": 1, "exit_code": 1, "timed_out": False},
        "integrity": {"integrity": True},
        "cost": {"cost": 0.1},
    }
    got = [(d.axis, d.key, d.differs) for d in breakdown_diff(left, right)]
    assert got == [
        ("pass_rate", "pass", True),
        ("pass_rate", "exit_code", False),
        ("pass_rate", "stdout_tail", True),  # only on the left
        ("pass_rate", "timed_out", True),  # only on the right
        ("integrity", "integrity", True),  # true is not 1 in a record
        ("cost", "cost", True),
    ]
    only_left = breakdown_diff(left, right)[2]
    assert only_left.right is MISSING and only_left.left == "E0106"
    assert [(d.key, d.differs) for d in breakdown_diff({"a": {"k": None}}, {"a": {}})] == [("k", True)]
    assert breakdown_diff(None, None) == []
    assert all(d.differs for d in breakdown_diff(None, {"a": {"k": 1}}))
