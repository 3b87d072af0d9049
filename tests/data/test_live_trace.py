"""A trace still being written: the tail reads on from where it stopped, and a last line without
its newline waits for it (never a span cut in half, never a problem while it is written)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from cabtui.data.results import live_trace
from cabtui.data.results.artifacts import load_artifacts
from cabtui.data.results.index import Source
from cabtui.data.results.live_trace import RecordTail
from cabtui.data.results.models import Cell, ModelCall, Span


def span(span_id: str, start_ms: float, **extra: Any) -> dict[str, Any]:
    return {"span_id": span_id, "kind": "tool_call", "name": f"step {span_id}", "start_ms": start_ms, **extra}


def append(path: Path, text: str) -> None:
    with path.open("a") as handle:
        handle.write(text)


def line(record: dict[str, Any]) -> str:
    return json.dumps(record) + "\n"


def ids(tail: RecordTail[Span]) -> list[str]:
    return [s.span_id for s in tail.records]


def test_appended_spans_are_picked_up_and_an_unterminated_last_line_waits(tmp_path: Path) -> None:
    path = tmp_path / "trace.jsonl"
    path.write_text(line(span("a", 0)) + line(span("b", 100)))
    tail = RecordTail(path, Span)
    assert tail.read() and ids(tail) == ["a", "b"]
    assert not tail.grew() and not tail.read()  # nothing new: nothing changes

    half = line(span("d", 300, duration_ms=50))
    append(path, line(span("c", 200)) + half[:20])  # c whole, d being written
    assert tail.grew()
    assert tail.read() and ids(tail) == ["a", "b", "c"]
    assert tail.writing and tail.problems == []  # the half line is no span and not (yet) a problem

    append(path, half[20:])
    assert tail.read() and ids(tail) == ["a", "b", "c", "d"]
    assert not tail.writing and tail.records[-1].duration_ms == 50
    assert tail.lineno == 4 and tail.offset == path.stat().st_size


def test_a_whole_record_without_its_newline_shows_and_is_not_taken_twice(tmp_path: Path) -> None:
    path = tmp_path / "trace.jsonl"
    path.write_text(line(span("a", 0)) + json.dumps(span("b", 10)))  # b complete, its newline not yet
    tail = RecordTail(path, Span)
    tail.read()
    assert ids(tail) == ["a", "b"] and not tail.writing
    append(path, "\n" + line(span("c", 20)))
    tail.read()
    assert ids(tail) == ["a", "b", "c"]


def test_bad_lines_are_problems_at_their_line_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "trace.jsonl"
    path.write_text(line(span("a", 0)))
    tail = RecordTail(path, Span)
    tail.read()
    append(path, "garbage\n\n" + line({"start_ms": 1}) + line(span("b", 5)))
    tail.read()
    assert ids(tail) == ["a", "b"]
    assert [(p.line, p.message.split(":")[0]) for p in tail.problems] == [(2, "not JSON"), (4, "not a span")]


def test_a_rewritten_shorter_file_is_read_again_from_its_start(tmp_path: Path) -> None:
    path = tmp_path / "trace.jsonl"
    path.write_text(line(span("a", 0)) + line(span("b", 1)) + line(span("c", 2)))
    tail = RecordTail(path, Span)
    tail.read()
    path.write_text(line(span("x", 0)))
    assert tail.read() and ids(tail) == ["x"]


def test_a_line_longer_than_a_block_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live_trace, "READ_BLOCK", 7)
    path = tmp_path / "trace.jsonl"
    long_name = "n" * 200
    path.write_text(line(span("a", 0, name=long_name)) + line(span("b", 1)))
    tail = RecordTail(path, Span)
    tail.read()
    assert ids(tail) == ["a", "b"] and tail.records[0].name == long_name


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    path = tmp_path / "trace.jsonl"
    os.mkfifo(path)
    tail = RecordTail(path, Span)
    assert not tail.read()
    assert [p.message for p in tail.problems] == ["cannot read: not a regular file"]


def test_each_replay_reads_on_from_where_the_cell_was_read(tmp_path: Path) -> None:
    folder = tmp_path / "sweep"
    cell_folder = folder / "cells" / "aider" / "m" / "x" / "t"
    cell_folder.mkdir(parents=True)
    trace = cell_folder / "trace.jsonl"
    trace.write_text(line(span("a", 0)) + '{"span_id": "b", "start')
    calls = cell_folder / "model_calls.jsonl"
    calls.write_text(line({"index": 0, "start_ms": 5}))
    cell = Cell.model_validate({"tui": "aider", "model": "m/x", "task": "t", "scores": {}}, context={"sweep_id": "s"})
    arts = load_artifacts(cell, Source(path=folder / "cells.jsonl", folder=folder, sweep_id="s"))
    assert [s.span_id for s in arts.spans] == ["a"]
    assert [p.message.endswith("still being written?)") for p in arts.problems] == [True]
    assert arts.live is not None
    live = arts.live.fork()
    append(trace, '_ms": 10}\n' + line(span("c", 20)))
    append(calls, line({"index": 1, "start_ms": 15}))
    assert live.grew() and live.read()
    assert [s.span_id for s in live.spans or ()] == ["a", "b", "c"]
    assert [c.index for c in live.calls or ()] == [0, 1]
    assert not live.writing and live.problems == ()
    again = arts.live.fork()  # the cell page's reader did not move: a second replay reads the same
    again.read()
    assert [s.span_id for s in again.spans or ()] == ["a", "b", "c"]


def test_inline_spans_are_not_followed(tmp_path: Path) -> None:
    cell = Cell.model_validate(
        {"tui": "a", "model": "m/x", "task": "t", "scores": {}, "spans": [span("a", 0)], "model_calls": []},
        context={"sweep_id": "s"},
    )
    arts = load_artifacts(cell, Source(path=tmp_path / "cells.jsonl", folder=tmp_path, sweep_id="s"))
    assert arts.live is None


def test_an_otlp_trace_is_read_again_once_its_last_line_is_whole(tmp_path: Path) -> None:
    from cabtui.data.results.live_trace import LiveTrace, OtlpFile

    def batch(span_id: str, start_ns: int) -> str:
        otlp_span = {
            "traceId": "t" * 32,
            "spanId": span_id,
            "name": f"step {span_id}",
            "startTimeUnixNano": str(start_ns),
            "endTimeUnixNano": str(start_ns + 1_000_000),
        }
        return json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [otlp_span]}]}]}) + "\n"

    path = tmp_path / "trace.otlp.jsonl"
    path.write_text(batch("a" * 16, 1_700_000_000_000_000_000))
    live = LiveTrace(otlp=OtlpFile(path, None))
    assert live.read() and len(live.spans or ()) == 1
    second = batch("b" * 16, 1_700_000_000_500_000_000)
    append(path, second[:30])
    assert live.grew() and not live.read()  # being written: not read yet
    append(path, second[30:])
    assert live.read() and [s.start_ms for s in live.spans or ()] == [0.0, 500.0]


def test_calls_come_from_the_calls_file_not_from_a_followed_trace(tmp_path: Path) -> None:
    path = tmp_path / "model_calls.jsonl"
    path.write_text(line({"index": 2, "start_ms": 5}) + line({"index": 1, "start_ms": 1}))
    tail = RecordTail(path, ModelCall)
    tail.read()
    assert [c.index for c in tail.records] == [2, 1]
    from cabtui.data.results.live_trace import LiveTrace

    live = LiveTrace(calls_file=tail)
    assert live.spans is None  # the spans come from no file: the replay keeps its own
    assert [c.index for c in live.calls or ()] == [1, 2]
