"""The OTLP JSON reader on traces the OpenTelemetry SDK and its OTLP encoder wrote (make_otlp.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson

from cabtui.data.results import load, load_artifacts, open_record, otlp_replay
from cabtui.data.results.readers.otlp import is_otlp, kind_of, read_otlp

HARNESS = Path(__file__).resolve().parents[1] / "fixtures" / "harness"
AGENT = HARNESS / "otlp" / "agent.otlp.jsonl"
SWEEP = HARNESS / "otlp-sweep"


def test_spans_from_every_line_linked_by_hex_and_base64_ids() -> None:
    trace = read_otlp(AGENT)
    assert trace.problems == []
    assert len(AGENT.read_text().splitlines()) == 6  # one TracesData a line, the root last
    names = [s["name"] for s in trace.spans]  # by start time, whatever the order of the lines
    assert names == [
        "invoke_agent mini-agent",
        "chat gpt-4.1-mini",
        "execute_tool run_tests",
        "openai.chat",
        "ChatCompletion",
        "apply_patch",
    ]
    root = trace.spans[0]
    assert root["parent_id"] is None and len(root["span_id"]) == 16
    assert all(s["parent_id"] == root["span_id"] for s in trace.spans[1:])  # the base64 line's too
    assert [(s["start_ms"], s["duration_ms"]) for s in trace.spans[:3]] == [(0.0, 3100.0), (5.0, 900.0), (910.0, 500.0)]
    assert trace.service == "mini-agent"


def test_kinds_from_both_conventions() -> None:
    kinds = [s["kind"] for s in read_otlp(AGENT).spans]
    assert kinds == ["agent", "model_call", "tool_call", "model_call", "model_call", "tool_call"]
    assert kind_of({"gen_ai.system": "openai", "gen_ai.request.model": "m"}) == "model_call"  # older, no operation
    assert kind_of({"openinference.span.kind": "CHAIN"}) == "chain"
    assert kind_of({"http.method": "GET"}) == "span"


def test_model_calls_with_tokens_prompts_and_completions() -> None:
    genai, older, openinference = read_otlp(AGENT).calls
    assert (genai["model"], genai["prompt_tokens"], genai["completion_tokens"]) == ("gpt-4.1-mini", 812, 64)
    assert genai["prompt"] == "system: You fix bugs.\nuser: Make the tests pass."
    assert genai["completion"] == "assistant: I will run the tests first."
    assert genai["finish_reason"] == "tool_calls"
    assert (older["prompt_tokens"], older["completion_tokens"]) == (901, 120)  # gen_ai.usage.prompt_tokens
    assert older["prompt"] == "user: The tests timed out; try again with -x."  # gen_ai.prompt.0.content
    assert older["completion"] == "assistant: Running pytest -x."
    assert (openinference["model"], openinference["prompt_tokens"], openinference["completion_tokens"]) == (
        "claude-sonnet-4-5",
        1022,
        41,
    )
    assert openinference["prompt"] == "user: Summarise the fix."  # input.value's messages
    assert openinference["completion"] == "Added the missing lifetime; tests pass."


def test_an_error_status_and_its_exception() -> None:
    tool = read_otlp(AGENT).spans[2]
    assert tool["error"] == {"message": "pytest ran past 30 s", "type": "TimeoutError"}
    assert tool["attrs"]["gen_ai.tool.name"] == "run_tests"


def test_bad_lines_are_problems_and_the_rest_reads(tmp_path: Path) -> None:
    lines = AGENT.read_bytes().splitlines()
    bad = tmp_path / "bad.otlp.jsonl"
    span = {"name": "x", "spanId": "", "startTimeUnixNano": "1"}
    bad.write_bytes(
        b"\n".join(
            [
                lines[0],
                b"{not json",
                b'{"resourceLogs": []}',
                orjson.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [span, {"spanId": "00aa00aa00aa00aa"}]}]}]}),
                lines[1],
            ]
        )
    )
    trace = read_otlp(bad)
    said = [str(p) for p in trace.problems]
    assert said[0].startswith(f"{bad}:2: not JSON:")
    assert said[1:] == [
        f'{bad}:3: not OTLP JSON: a TracesData object with "resourceSpans" was expected',
        f"{bad}:4: span 'x': no spanId; skipped",
        f"{bad}:4: span '': no startTimeUnixNano; skipped",
    ]
    assert len(trace.spans) == 2


def test_times_count_from_the_cells_start() -> None:
    started = datetime(2026, 5, 28, 20, 26, 39, tzinfo=UTC)  # a second before the trace
    trace = read_otlp(AGENT, started)
    assert trace.spans[0]["start_ms"] == 1000.0


def test_a_cells_trace_may_be_otlp_beside_the_record_or_named() -> None:
    results = load(SWEEP, full=True)
    assert results.problems == []
    got = {}
    for row in results.sweeps[0].cells:
        cell = open_record(row).cell
        assert cell is not None
        arts = load_artifacts(cell, row.source)
        assert arts.problems == ()
        got[row.tui] = (len(arts.spans), len(arts.calls), [c.prompt_tokens for c in arts.calls])
    assert got == {
        "opencode": (4, 3, [500, 600, 700]),  # cells/<tui>/<model>/<task>/trace.otlp.jsonl
        "mini-agent": (6, 3, [812, 901, 1022]),  # artifacts.trace: named.otlp.jsonl
    }


def test_a_trace_alone_is_a_cell_to_replay() -> None:
    cell, arts = otlp_replay(AGENT)
    assert (cell.tui, cell.model, cell.task) == ("mini-agent", "gpt-4.1-mini", "agent.otlp.jsonl")
    assert cell.wall_ms == 3100.0
    assert len(arts.spans) == 6 and len(arts.calls) == 3 and arts.problems == ()


def test_what_is_otlp() -> None:
    assert is_otlp(AGENT)
    assert not is_otlp(SWEEP / "cells.jsonl")


# --- hostile lines: wrong types anywhere, times past any calendar -------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _hostile_line(field: str, bad: object) -> bytes:
    """One valid model-call span with `bad` put at `field` (a dotted place in the line)."""
    span: dict[str, object] = {
        "spanId": "cdcdcdcdcdcdcdcd",
        "name": "chat",
        "startTimeUnixNano": "1780000000005000000",
        "endTimeUnixNano": "1780000000905000000",
        "attributes": [
            {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
            {"key": "k", "value": {"arrayValue": {"values": [{"kvlistValue": {"values": []}}]}}},
        ],
        "events": [{"name": "exception", "timeUnixNano": "1780000000006000000", "attributes": []}],
        "status": {"code": 2, "message": "boom"},
    }
    resource: dict[str, object] = {"resource": {"attributes": []}, "scopeSpans": [{"spans": [span]}]}
    places: dict[str, tuple[dict[str, object], str]] = {
        "resource": (resource, "resource"),
        "scopeSpans": (resource, "scopeSpans"),
        "spans": (resource["scopeSpans"][0], "spans"),  # type: ignore[index]
        "arrayValue": (span["attributes"][1]["value"], "arrayValue"),  # type: ignore[index]
        "kvlistValue": (span["attributes"][1]["value"]["arrayValue"]["values"][0], "kvlistValue"),  # type: ignore[index]
        "events": (span, "events"),
        "event.timeUnixNano": (span["events"][0], "timeUnixNano"),  # type: ignore[index]
        "status": (span, "status"),
        "startTimeUnixNano": (span, "startTimeUnixNano"),
        "endTimeUnixNano": (span, "endTimeUnixNano"),
        "parentSpanId": (span, "parentSpanId"),
        "attributes": (span, "attributes"),
    }
    holder, key = places[field]
    holder[key] = bad
    return orjson.dumps({"resourceSpans": [resource]})


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from(
        [
            "resource",
            "scopeSpans",
            "spans",
            "arrayValue",
            "kvlistValue",
            "events",
            "event.timeUnixNano",
            "status",
            "startTimeUnixNano",
            "endTimeUnixNano",
            "parentSpanId",
            "attributes",
        ]
    ),  # fmt: skip
    bad=_JSON | st.sampled_from(["9" * 24, 1e300, 2**63, "1" * 5000]),
)
def test_a_line_with_any_value_of_a_wrong_type_is_read_without_raising(tmp_path: Path, field: str, bad: object) -> None:
    """`read_otlp` never raises: a value of a wrong type (or a time no calendar holds) is
    skipped or a problem; the replay of the file opens."""
    path = tmp_path / "hostile.otlp.jsonl"
    path.write_bytes(_hostile_line(field, bad) + b"\n")
    read_otlp(path)
    otlp_replay(path)


def test_a_start_past_any_calendar_is_a_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "far.otlp.jsonl"
    path.write_bytes(_hostile_line("startTimeUnixNano", "9" * 24) + b"\n")
    trace = read_otlp(path)
    assert trace.spans == []
    assert [(p.line, "startTimeUnixNano" in p.message) for p in trace.problems] == [(1, True)]


def test_an_int_value_past_int64_is_shown_as_its_digits(tmp_path: Path) -> None:
    """OTLP's intValue is an int64; 30 nines (inside an array too) is kept as text, counts
    no tokens, and does not stop the span's attributes from being shown."""
    span = {
        "spanId": "cdcdcdcdcdcdcdcd",
        "name": "chat",
        "startTimeUnixNano": "1780000000005000000",
        "attributes": [
            {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
            {"key": "k", "value": {"arrayValue": {"values": [{"intValue": "9" * 30}]}}},
            {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "9" * 30}},
        ],
    }
    path = tmp_path / "big.otlp.jsonl"
    path.write_bytes(orjson.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [span]}]}]}) + b"\n")
    trace = read_otlp(path)
    assert trace.spans[0]["attrs"]["k"] == f'["{"9" * 30}"]'
    assert trace.calls[0]["prompt_tokens"] is None


def test_flattened_messages_numbered_past_any_int_keep_their_order(tmp_path: Path) -> None:
    """`gen_ai.prompt.<5,000 digits>.content`: no int is made of it (Python refuses), the
    message is placed by its number after `gen_ai.prompt.2`."""
    span = {
        "spanId": "cdcdcdcdcdcdcdcd",
        "name": "chat",
        "startTimeUnixNano": "1780000000005000000",
        "attributes": [
            {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
            {"key": f"gen_ai.prompt.{'9' * 5000}.content", "value": {"stringValue": "last"}},
            {"key": "gen_ai.prompt.2.content", "value": {"stringValue": "first"}},
        ],
    }
    path = tmp_path / "numbered.otlp.jsonl"
    path.write_bytes(orjson.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [span]}]}]}) + b"\n")
    assert read_otlp(path).calls[0]["prompt"] == "?: first\n?: last"
