"""The span tree and the cell timeline: ordering, bad links, placement and stepping."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from cabtui.data.results.models import ModelCall, Span
from cabtui.data.trace.timeline import MIN_DURATION_MS, SpanTree, Timeline


def span(
    span_id: str,
    parent_id: str | None = None,
    start: float = 0.0,
    duration: float = 0.0,
    *,
    name: str = "",
    kind: str = "span",
    error: str | None = None,
) -> Span:
    return Span(
        span_id=span_id,
        parent_id=parent_id,
        start_ms=start,
        duration_ms=duration,
        name=name,
        kind=kind,
        error=error,
    )


def ids(tree: SpanTree) -> list[tuple[str, int]]:
    return [(s.span_id, depth) for s, depth in tree.rows()]


def timeline(spans: list[Span], calls: list[ModelCall] | None = None, **kw: object) -> Timeline:
    rec = kw.pop("recording_duration_s", None)
    off = kw.pop("recording_offset_ms", None)
    return Timeline.build(spans, calls or [], rec, off, **kw)  # type: ignore[arg-type]


TRACE = [
    span("root", None, 0, 4000, name="run", kind="adapter_run"),
    span("setup", "root", 0, 300, name="setup", kind="task_setup"),
    span("box", "root", 300, 3500, name="container", kind="container"),
    span("tool-b", "box", 900, 100, name="b"),
    span("tool-a", "box", 900, 50, name="a"),
    span("call", "box", 500, 800, name="llm", kind="model_call"),
    span("clean", "root", 3800, 200, name="cleanup", kind="cleanup"),
]
EXPECTED_ROWS = [
    ("root", 0),
    ("setup", 1),
    ("box", 1),
    ("call", 2),
    ("tool-a", 2),
    ("tool-b", 2),
    ("clean", 1),
]


class TestSpanTree:
    def test_display_order_is_preorder_children_by_start_then_name(self) -> None:
        assert ids(SpanTree.build(TRACE)) == EXPECTED_ROWS

    @pytest.mark.parametrize("seed", range(5))
    def test_input_order_does_not_matter(self, seed: int) -> None:
        shuffled = TRACE[:]
        random.Random(seed).shuffle(shuffled)
        assert ids(SpanTree.build(shuffled)) == EXPECTED_ROWS

    def test_ties_on_start_and_name_fall_back_to_id(self) -> None:
        tree = SpanTree.build([span("z", start=1, name="x"), span("a", start=1, name="x")])
        assert ids(tree) == [("a", 0), ("z", 0)]

    def test_orphans_join_the_roots_in_start_order_and_are_reported(self) -> None:
        tree = SpanTree.build([span("late", None, 50), span("lost", "gone", 10), span("kid", "lost", 20)])
        assert ids(tree) == [("lost", 0), ("kid", 1), ("late", 0)]
        assert tree.orphan_ids == ("lost",)
        node = tree.get("lost")
        assert node is not None and node.orphan and not node.in_cycle
        assert tree.problems == ("span 'lost': parent 'gone' not in the trace; shown at the top level",)

    def test_empty_parent_id_is_a_root_not_an_orphan(self) -> None:
        tree = SpanTree.build([span("a", "")])
        assert ids(tree) == [("a", 0)]
        assert tree.orphan_ids == () and tree.problems == ()

    def test_cycle_members_become_roots_and_keep_their_other_children(self) -> None:
        tree = SpanTree.build([span("a", "b", 0), span("b", "a", 5), span("c", "a", 7), span("d", "c", 8)])
        assert ids(tree) == [("a", 0), ("c", 1), ("d", 2), ("b", 0)]
        assert tree.cycle_ids == ("a", "b")
        assert len(tree.problems) == 2

    def test_self_parent_is_a_cycle(self) -> None:
        tree = SpanTree.build([span("me", "me")])
        assert ids(tree) == [("me", 0)]
        assert tree.cycle_ids == ("me",)

    def test_a_tail_leading_into_a_cycle_stays_attached(self) -> None:
        # t -> x -> y -> x: only x and y are on the cycle; t hangs under x.
        tree = SpanTree.build([span("t", "x", 3), span("x", "y", 1), span("y", "x", 2)])
        assert ids(tree) == [("x", 0), ("t", 1), ("y", 0)]
        assert tree.cycle_ids == ("x", "y")

    def test_duplicate_ids_keep_the_first_and_report(self) -> None:
        first = span("s", None, 0, 10, name="first")
        second = span("s", None, 5, 10, name="second")
        tree = SpanTree.build([first, second, span("k", "s", 1)])
        assert [s.name for s, _ in tree.rows()] == ["first", ""]
        assert tree.duplicates == (second,)
        assert tree.problems[0] == "span 's': duplicate id; kept the first"

    def test_a_very_deep_chain_does_not_recurse(self) -> None:
        chain = [span(f"n{i}", f"n{i - 1}" if i else None, i) for i in range(20_000)]
        tree = SpanTree.build(reversed(chain))
        rows = tree.rows()
        assert len(rows) == 20_000 and rows[-1] == (chain[-1], 19_999)

    def test_nodes_lookup_and_children(self) -> None:
        tree = SpanTree.build(TRACE)
        assert len(tree) == len(TRACE)
        assert tree.row_index("box") == 2 and tree.row_index("nope") is None
        box = tree.get("box")
        assert box is not None and box.depth == 1
        assert [c.span.span_id for c in box.children] == ["call", "tool-a", "tool-b"]
        assert [n.span.span_id for n in tree.roots] == ["root"]

    def test_empty(self) -> None:
        tree = SpanTree.build([])
        assert tree.rows() == () and tree.roots == () and tree.problems == ()


class TestDurationAndRecording:
    def test_empty_cell_gets_a_minimal_axis(self) -> None:
        tl = timeline([])
        assert tl.duration_ms == MIN_DURATION_MS
        assert tl.next_span(0) is None and tl.previous_span(0) is None
        assert tl.calls_started_by(1e9) == 0

    def test_duration_covers_spans_calls_and_recording(self) -> None:
        assert timeline(TRACE).duration_ms == 4000
        call = ModelCall(start_ms=3900, latency_ms=500)
        assert timeline(TRACE, [call]).duration_ms == 4400
        assert timeline(TRACE, recording_duration_s=5.0, recording_offset_ms=100).duration_ms == 5100

    def test_recording_offset_explicit_then_container_then_zero(self) -> None:
        assert timeline(TRACE, recording_duration_s=1.0, recording_offset_ms=2).recording_offset_ms == 2
        assert timeline(TRACE, recording_duration_s=1.0).recording_offset_ms == 300  # the container span
        assert timeline(TRACE[:2], recording_duration_s=1.0).recording_offset_ms == 0

    def test_first_container_is_the_earliest_one(self) -> None:
        spans = [span("late", start=90, kind="container"), span("early", start=40, kind="container")]
        assert timeline(spans, recording_duration_s=1.0).recording_offset_ms == 40

    def test_recording_time(self) -> None:
        tl = timeline(TRACE, recording_duration_s=2.0, recording_offset_ms=300)
        assert tl.has_recording
        assert tl.recording_time(299.9) is None
        assert tl.recording_time(300) == 0.0
        assert tl.recording_time(1300) == pytest.approx(1.0)
        assert tl.recording_time(9999) == 2.0  # the last frame stays
        assert tl.cell_time(1.0) == pytest.approx(1300)

    def test_no_recording_means_no_recording_time(self) -> None:
        tl = timeline(TRACE)
        assert not tl.has_recording and tl.recording_time(1000) is None


class TestStepping:
    # Step order: root(0) setup(0) box(300) call(500) tool-a(900) tool-b(900) clean(3800)
    ORDER = ["root", "setup", "box", "call", "tool-a", "tool-b", "clean"]

    def test_steps_are_by_start_then_display_row(self) -> None:
        assert [s.span_id for s in timeline(TRACE).steps] == self.ORDER
        assert timeline(TRACE).span_starts == (0, 300, 500, 900, 3800)

    def test_right_from_the_start_visits_every_span_once(self) -> None:
        tl = timeline(TRACE)
        t, current, seen = 0.0, None, []
        while (nxt := tl.next_span(t, current)) is not None:
            t, current = nxt.start_ms, nxt.span_id
            seen.append(current)
        assert seen == self.ORDER

    def test_left_from_the_end_visits_every_span_once(self) -> None:
        tl = timeline(TRACE)
        t, current, seen = tl.duration_ms, None, []
        while (prev := tl.previous_span(t, current)) is not None:
            t, current = prev.start_ms, prev.span_id
            seen.append(current)
        assert seen == self.ORDER[::-1]

    def test_spans_sharing_a_start_are_stepped_one_by_one(self) -> None:
        tl = timeline(TRACE)
        nxt = tl.next_span(900, "tool-a")
        assert nxt is not None and nxt.span_id == "tool-b"
        prev = tl.previous_span(900, "tool-b")
        assert prev is not None and prev.span_id == "tool-a"

    def test_between_spans_right_goes_forward_in_time(self) -> None:
        tl = timeline(TRACE)
        # Selected "call" but the clock moved on: time wins over the selection.
        nxt = tl.next_span(600, "call")
        assert nxt is not None and nxt.span_id == "tool-a"
        assert tl.next_span(3801) is None

    def test_between_spans_left_goes_back_to_the_latest_start(self) -> None:
        tl = timeline(TRACE)
        prev = tl.previous_span(600, "call")
        assert prev is not None and prev.span_id == "call"
        prev = tl.previous_span(950)
        assert prev is not None and prev.span_id == "tool-b"

    def test_unselected_cursor_on_a_start_lands_on_that_span(self) -> None:
        tl = timeline(TRACE)
        nxt, prev = tl.next_span(300), tl.previous_span(300)
        assert nxt is not None and nxt.span_id == "box"
        assert prev is not None and prev.span_id == "box"

    def test_unknown_selection_is_ignored(self) -> None:
        tl = timeline(TRACE)
        nxt = tl.next_span(300, "no-such-span")
        assert nxt is not None and nxt.span_id == "box"

    def test_nan_time_steps_nowhere(self) -> None:
        tl = timeline(TRACE)
        assert tl.next_span(float("nan")) is None and tl.previous_span(float("nan")) is None

    def test_spans_active_at_is_closed_and_in_display_order(self) -> None:
        tl = timeline(TRACE)
        assert [s.span_id for s in tl.spans_active_at(950)] == ["root", "box", "call", "tool-a", "tool-b"]
        assert [s.span_id for s in tl.spans_active_at(4000)] == ["root", "clean"]
        assert [s.span_id for s in tl.spans_active_at(300)] == ["root", "setup", "box"]
        assert tl.spans_active_at(-1) == ()


class TestModelCalls:
    START = datetime(2026, 6, 17, 6, 24, 19, 840000, tzinfo=UTC)

    def test_calls_sorted_and_counted(self) -> None:
        calls = [ModelCall(index=1, start_ms=900, latency_ms=10), ModelCall(index=0, start_ms=100)]
        tl = timeline([], calls)
        assert [c.call.index for c in tl.calls] == [0, 1]
        assert tl.calls[0].end_ms == 100 and tl.calls[1].end_ms == 910
        assert [tl.calls_started_by(t) for t in (0, 100, 899, 900, 1e9)] == [0, 1, 1, 2, 2]

    def test_ts_places_a_call_relative_to_started_at(self) -> None:
        ts = (self.START + timedelta(milliseconds=262)).isoformat().replace("+00:00", "Z")
        tl = timeline([], [ModelCall(ts=ts, latency_ms=800)], started_at=self.START)
        assert tl.calls[0].start_ms == pytest.approx(262)
        assert tl.duration_ms == pytest.approx(1062)

    def test_naive_times_are_utc(self) -> None:
        tl = timeline([], [ModelCall(ts="2026-06-17T06:24:20.840")], started_at=self.START)
        assert tl.calls[0].start_ms == pytest.approx(1000)
        naive_start = self.START.replace(tzinfo=None)
        tl = timeline([], [ModelCall(ts="2026-06-17T06:24:20.840Z")], started_at=naive_start)
        assert tl.calls[0].start_ms == pytest.approx(1000)

    def test_calls_that_cannot_be_placed_never_start(self) -> None:
        calls = [
            ModelCall(index=0, ts="2026-06-17T06:24:20Z"),  # no started_at to measure from
            ModelCall(index=1, ts="yesterday"),
            ModelCall(index=2),
        ]
        tl = timeline([], calls)
        assert tl.calls == () and [c.index for c in tl.unplaced_calls] == [0, 1, 2]
        tl = timeline([], calls, started_at=self.START)
        assert len(tl.calls) == 1 and [c.index for c in tl.unplaced_calls] == [1, 2]
        assert tl.calls_started_by(1e12) == 1

    def test_a_call_before_the_cell_shows_at_zero(self) -> None:
        tl = timeline([], [ModelCall(start_ms=-50, latency_ms=100)])
        assert tl.calls[0].start_ms == 0 and tl.calls[0].end_ms == 100


class TestMarkers:
    def test_recording_markers_and_failed_spans(self) -> None:
        spans = [*TRACE, span("bad", "box", 1500, 10, name="pytest", error="exit 1")]
        tl = timeline(spans, recording_duration_s=3.0, recording_offset_ms=300, recording_markers=[(1.0, "m1")])
        assert [(m.t_ms, m.kind, m.label) for m in tl.markers] == [
            (1300, "recording", "m1"),
            (1500, "error", "pytest: exit 1"),
        ]
        first = tl.next_marker(0)
        assert first is not None and first.t_ms == 1300
        second = tl.next_marker(1300)
        assert second is not None and second.kind == "error"
        assert tl.next_marker(1500) is None
        back = tl.previous_marker(1500)
        assert back is not None and back.t_ms == 1300

    def test_recording_markers_need_a_recording(self) -> None:
        assert timeline(TRACE, recording_markers=[(1.0, "m")]).markers == ()
