"""Span tree and timeline invariants for arbitrary (including broken) traces."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cabtui.data.clock import PlaybackClock
from cabtui.data.results.models import ModelCall, Span
from cabtui.data.trace.timeline import SpanTree, Timeline

IDS = [f"s{i}" for i in range(8)]
"""Few ids, so duplicates, self-parents and cycles come up often."""

times = st.one_of(st.integers(0, 5).map(float), st.floats(min_value=0, max_value=1e6))
spans_strategy = st.lists(
    st.builds(
        Span,
        span_id=st.sampled_from(IDS),
        parent_id=st.sampled_from([None, "", "gone", *IDS, *IDS]),  # mostly real links, for depth
        name=st.sampled_from(["", "a", "b"]),
        kind=st.sampled_from(["span", "container", "tool_call"]),
        start_ms=times,
        duration_ms=times,
    ),
    max_size=20,
)


def unique_ids(spans: list[Span]) -> list[str]:
    return list(dict.fromkeys(s.span_id for s in spans))


@given(spans_strategy)
def test_rows_hold_each_unique_span_exactly_once(spans: list[Span]) -> None:
    tree = SpanTree.build(spans)
    row_ids = [s.span_id for s, _ in tree.rows()]
    assert sorted(row_ids) == sorted(unique_ids(spans))
    assert len(tree.duplicates) == len(spans) - len(row_ids)
    firsts = {s.span_id: s for s in reversed(spans)}  # the first span of each id wins
    assert all(s is firsts[s.span_id] for s, _ in tree.rows())


@given(spans_strategy)
def test_rows_are_a_consistent_preorder(spans: list[Span]) -> None:
    tree = SpanTree.build(spans)
    rows = tree.rows()
    nodes = tree.nodes()
    stack: list[Span] = []
    for (span, depth), node in zip(rows, nodes, strict=True):
        assert node.span is span and node.depth == depth
        assert depth <= len(stack)
        del stack[depth:]
        if depth == 0:
            # At the top level: a real root, an orphan, or a broken cycle.
            assert not span.parent_id or node.orphan or node.in_cycle
        else:
            assert span.parent_id == stack[-1].span_id
            assert not node.orphan and not node.in_cycle
        stack.append(span)
    for node in nodes:
        keys = [(c.span.start_ms, c.span.name, c.span.span_id) for c in node.children]
        assert keys == sorted(keys)


@given(spans_strategy, st.randoms(use_true_random=False))
def test_input_order_does_not_change_the_tree(spans: list[Span], rnd: random.Random) -> None:
    # With duplicates, which span is "first" depends on order; compare the unique case.
    spans = list({s.span_id: s for s in spans}.values())
    shuffled = spans[:]
    rnd.shuffle(shuffled)
    assert SpanTree.build(spans).rows() == SpanTree.build(shuffled).rows()


def timeline(spans: list[Span]) -> Timeline:
    return Timeline.build(spans, [], None, None)


@given(spans_strategy)
def test_stepping_right_visits_every_span_once_in_order(spans: list[Span]) -> None:
    tl = timeline(spans)
    rows = tl.rows()
    expected = sorted(range(len(rows)), key=lambda i: (rows[i][0].start_ms, i))
    # Drive it the way the replay screen will: through a paused clock.
    now = [0.0]
    clock = PlaybackClock(tl.duration_ms, get_time=lambda: now[0])
    current: str | None = None
    seen: list[str] = []
    while (nxt := tl.next_span(clock.position, current)) is not None:
        clock.seek(nxt.start_ms)
        current = nxt.span_id
        seen.append(current)
        assert len(seen) <= len(rows)
    assert seen == [rows[i][0].span_id for i in expected]


@given(spans_strategy)
def test_stepping_left_from_the_end_visits_every_span_once_in_reverse(spans: list[Span]) -> None:
    tl = timeline(spans)
    t, current, seen = tl.duration_ms, None, []
    while (prev := tl.previous_span(t, current)) is not None:
        t, current = prev.start_ms, prev.span_id
        seen.append(current)
        assert len(seen) <= len(tl.steps)
    assert seen == [s.span_id for s in reversed(tl.steps)]


@given(spans_strategy, times)
def test_unselected_stepping_is_by_time(spans: list[Span], t: float) -> None:
    tl = timeline(spans)
    nxt, prev = tl.next_span(t), tl.previous_span(t)
    later = [s for s in tl.steps if s.start_ms >= t]
    earlier = [s for s in tl.steps if s.start_ms <= t]
    assert nxt is (later[0] if later else None)
    assert prev is (earlier[-1] if earlier else None)


@given(spans_strategy, times)
def test_timeline_covers_everything(spans: list[Span], t: float) -> None:
    tl = timeline(spans)
    assert tl.duration_ms >= 1.0
    assert all(s.end_ms <= tl.duration_ms for s in tl.steps)
    assert list(tl.span_starts) == sorted({s.start_ms for s in tl.steps})
    active = tl.spans_active_at(t)
    assert list(active) == [s for s, _ in tl.rows() if s.start_ms <= t <= s.end_ms]


START = datetime(2026, 6, 17, 6, 0, tzinfo=UTC)
calls_strategy = st.lists(
    st.builds(
        ModelCall,
        index=st.integers(0, 5),
        start_ms=st.one_of(st.none(), times),
        latency_ms=st.one_of(st.none(), times),
        ts=st.one_of(
            st.none(),
            st.just("not a time"),
            times.map(lambda ms: (START + timedelta(milliseconds=ms)).isoformat()),
        ),
    ),
    max_size=20,
)


@given(calls_strategy, st.booleans(), st.floats(min_value=-10, max_value=2e6))
def test_calls_started_by_equals_a_linear_scan(calls: list[ModelCall], anchored: bool, t: float) -> None:
    tl = Timeline.build([], calls, None, None, started_at=START if anchored else None)
    assert len(tl.calls) + len(tl.unplaced_calls) == len(calls)
    assert tl.calls_started_by(t) == sum(1 for c in tl.calls if c.start_ms <= t)
    assert all(c.start_ms <= t for c in tl.calls[: tl.calls_started_by(t)])
    if not anchored:
        assert len(tl.calls) == sum(1 for c in calls if c.start_ms is not None)
    assert all(c.end_ms <= tl.duration_ms for c in tl.calls)


@given(
    spans_strategy,
    st.one_of(st.none(), st.floats(min_value=0, max_value=1e4)),
    st.one_of(st.none(), st.floats(min_value=-1e4, max_value=1e6)),
    st.floats(min_value=-1e6, max_value=2e7),
)
def test_recording_time_stays_within_the_recording(
    spans: list[Span], duration_s: float | None, offset: float | None, t: float
) -> None:
    tl = Timeline.build(spans, [], duration_s, offset)
    at = tl.recording_time(t)
    if duration_s is None or t < tl.recording_offset_ms:
        assert at is None
    else:
        assert at is not None and 0.0 <= at <= duration_s
