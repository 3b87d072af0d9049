"""OpenTelemetry traces in OTLP JSON (the collector's file exporter) as the replay's spans and model calls.

Each line is a `TracesData` (`{"resourceSpans": [...]}`); lines and spans come in any
order. Ids are hex (OTLP/JSON) or base64 (protobuf's own JSON); times are nanoseconds
since the epoch, as strings or numbers. Spans are read with the GenAI semantic
conventions (`gen_ai.operation.name`, `gen_ai.request.model`, `gen_ai.usage.*_tokens`,
`gen_ai.input.messages`/`output.messages`, `gen_ai.tool.name`; and the older
`gen_ai.system`, `gen_ai.usage.prompt_tokens`, `gen_ai.prompt.N.content`) and with
OpenInference's (`openinference.span.kind`, `llm.model_name`, `llm.token_count.*`,
`llm.input_messages.N.message.*`, `input.value`/`output.value`): model spans become model
calls with their tokens, prompt and completion. See docs/otlp.md.

Bounded: at most `MAX_BYTES` of a file, `MAX_LINE` a line and `MAX_SPANS` spans are read;
a line that is not a TracesData is a `FILE:LINE: message` problem and the rest is read.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import orjson

from cabtui.data.problems import Problem
from cabtui.data.results.discovery import OTLP_SUFFIX
from cabtui.data.results.readers import common
from cabtui.data.text import one_line

MAX_BYTES: Final = 512 << 20
MAX_LINE: Final = 64 << 20
MAX_SPANS: Final = 200_000
VALUE_LIMIT: Final = 2000
"""Characters of an attribute's value kept for the span's detail."""
TEXT_LIMIT: Final = 8000
"""Characters of a prompt or completion kept."""
_HEX_ID: Final = re.compile(r"[0-9a-fA-F]{16}|[0-9a-fA-F]{32}")
_INDEXED: Final = re.compile(r"(.+)\.(\d+)\.(.+)")

MODEL_OPERATIONS: Final = frozenset({"chat", "text_completion", "generate_content", "completion"})
KIND_OF_OPERATION: Final = {
    "execute_tool": "tool_call",
    "invoke_agent": "agent",
    "create_agent": "agent",
    "embeddings": "embedding",
}
KIND_OF_OPENINFERENCE: Final = {
    "LLM": "model_call",
    "TOOL": "tool_call",
    "AGENT": "agent",
    "CHAIN": "chain",
    "EMBEDDING": "embedding",
    "RETRIEVER": "retriever",
    "RERANKER": "reranker",
    "GUARDRAIL": "guardrail",
    "EVALUATOR": "evaluator",
}
INPUT_TOKENS: Final = ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt")
OUTPUT_TOKENS: Final = ("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion")
MODEL_NAMES: Final = ("gen_ai.request.model", "gen_ai.response.model", "llm.model_name")


@dataclass
class OtlpTrace:
    """What an OTLP file holds, as results-format dicts (not validated yet)."""

    spans: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    start_ns: int | None = None
    """When the earliest span started (the trace's 0 when no cell start is given)."""
    service: str | None = None
    """The first resource's `service.name`."""
    models: list[str] = field(default_factory=list)
    """The models the model spans name, in order of first appearance."""


def is_otlp(path: Path) -> bool:
    """A `.otlp.jsonl` file, or JSON lines whose first line holds `resourceSpans`."""
    if path.name.endswith(OTLP_SUFFIX):
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return b'"resourceSpans"' in head.split(b"\n", 1)[0]


def _id(value: Any) -> str | None:
    """A span or trace id in hex: hex kept (lower case), base64 decoded, anything else as given."""
    if not isinstance(value, str) or not value:
        return None
    if _HEX_ID.fullmatch(value):
        return value.lower()
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return one_line(value, 64)
    return raw.hex() if raw.strip(b"\0") else None  # all zeros: no parent


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
"""An `intValue`'s range: past it a value is kept as its text (JSON of it would not encode)."""
MAX_NS = 2**64 - 1
"""OTLP's times are fixed64 nanoseconds (year 2554 at most); past that no calendar of
`datetime` holds them (a string of 24 nines is year 31 million)."""


def _ns(value: Any) -> int | None:
    """A time in Unix nanoseconds, or None for anything else (zero, negative, past `MAX_NS`)."""
    if isinstance(value, bool):
        return None
    got: int | None = None
    if isinstance(value, int):
        got = value
    elif (isinstance(value, str) and value.isdigit() and len(value) < 25) or (
        isinstance(value, float) and math.isfinite(value)
    ):
        got = int(value)
    return got if got is not None and 0 < got <= MAX_NS else None


def _obj(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one (a wrong type reads as absent)."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    """`value` if it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def any_value(value: Any) -> Any:
    """An OTLP `AnyValue` as plain JSON (int64 strings as ints, arrays, key-value lists)."""
    if not isinstance(value, dict):
        return None
    if "stringValue" in value:
        return value["stringValue"]
    if "intValue" in value:
        got = value["intValue"]
        try:
            number = int(got)
        except (TypeError, ValueError, OverflowError):
            return None
        return number if INT64_MIN <= number <= INT64_MAX else str(got)  # past int64: its digits
    if "doubleValue" in value:
        got = value["doubleValue"]
        return got if isinstance(got, int | float) and math.isfinite(got) else None
    if "boolValue" in value:
        return value["boolValue"] is True
    if "arrayValue" in value:
        return [any_value(v) for v in _list(_obj(value["arrayValue"]).get("values"))]
    if "kvlistValue" in value:
        return attributes(_obj(value["kvlistValue"]).get("values"))
    if "bytesValue" in value:
        return value["bytesValue"]
    return None


def attributes(items: Any) -> dict[str, Any]:
    """OTLP `KeyValue` list as a dict (a later duplicate key wins)."""
    out: dict[str, Any] = {}
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("key"), str):
                out[item["key"]] = any_value(item.get("value"))
    return out


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + " …"


def _shown(value: Any) -> Any:
    """An attribute's value for the detail pane: long text cut, structures as short JSON."""
    if isinstance(value, str):
        return _cut(value, VALUE_LIMIT)
    if isinstance(value, list | dict):
        return _cut(orjson.dumps(value, default=str).decode(), VALUE_LIMIT)
    return value


def kind_of(attrs: dict[str, Any]) -> str:
    """The span's kind: from the GenAI operation, OpenInference's span kind, else `span`."""
    operation = attrs.get("gen_ai.operation.name")
    if operation in MODEL_OPERATIONS:
        return "model_call"
    if isinstance(operation, str) and operation in KIND_OF_OPERATION:
        return KIND_OF_OPERATION[operation]
    kind = attrs.get("openinference.span.kind")
    if isinstance(kind, str) and kind.upper() in KIND_OF_OPENINFERENCE:
        return KIND_OF_OPENINFERENCE[kind.upper()]
    if "gen_ai.system" in attrs and any(k in attrs for k in (*INPUT_TOKENS, *MODEL_NAMES)):
        return "model_call"  # the older conventions name no operation
    return "span"


def _first(attrs: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((attrs[k] for k in keys if attrs.get(k) is not None), None)


def _tokens(attrs: dict[str, Any], keys: tuple[str, ...]) -> int | None:
    value = _first(attrs, keys)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _part_text(part: Any) -> str:
    if isinstance(part, str):
        return part
    if not isinstance(part, dict):
        return ""
    for key in ("content", "text"):
        if isinstance(part.get(key), str):
            return str(part[key])
    if part.get("type") == "tool_call":
        return f"→ {part.get('name')}({_cut(str(part.get('arguments')), 400)})"
    if part.get("type") == "tool_call_response":
        return f"← {_cut(str(part.get('response') or part.get('result')), 400)}"
    return f"[{part.get('type')}]" if part.get("type") else ""


def messages_text(value: Any) -> str | None:
    """GenAI / OpenAI-style messages (a list, or JSON text of one) as `role: text` lines."""
    if isinstance(value, str):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            return str(value)
    if isinstance(value, dict) and isinstance(value.get("messages"), list):
        value = value["messages"]
    if not isinstance(value, list):
        return None if value is None else str(value)
    lines = []
    for message in value:
        if not isinstance(message, dict):
            lines.append(str(message))
            continue
        parts = message.get("parts")
        content = message.get("content")
        if isinstance(parts, list):
            text = "\n".join(t for t in map(_part_text, parts) if t)
        elif isinstance(content, list):
            text = "\n".join(t for t in map(_part_text, content) if t)
        else:
            text = "" if content is None else str(content)
        lines.append(f"{message.get('role', '?')}: {text}")
    return "\n".join(lines)


def _indexed(attrs: dict[str, Any], prefix: str, content: str, role: str) -> str | None:
    """Messages flattened into `prefix.N.role` / `prefix.N.content` attributes (older GenAI, OpenInference)."""
    found: dict[tuple[int, str], dict[str, Any]] = {}
    for key, value in attrs.items():
        if key.startswith(prefix + ".") and (match := _INDEXED.fullmatch(key)) and match.group(1) == prefix:
            digits = match.group(2).lstrip("0")  # ordered as numbers without an int (5,000 digits: refused)
            found.setdefault((len(digits), digits), {})[match.group(3)] = value
    if not found:
        return None
    return "\n".join(f"{found[i].get(role, '?')}: {found[i].get(content, '')}" for i in sorted(found))


def _texts(attrs: dict[str, Any], events: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    """(prompt, completion) of a model span, from whichever convention it was written in."""
    for event in events:  # older GenAI: the content as span events
        if event.get("name") == "gen_ai.content.prompt" and "gen_ai.prompt" in event["attrs"]:
            attrs.setdefault("gen_ai.prompt", event["attrs"]["gen_ai.prompt"])
        if event.get("name") == "gen_ai.content.completion" and "gen_ai.completion" in event["attrs"]:
            attrs.setdefault("gen_ai.completion", event["attrs"]["gen_ai.completion"])
    prompt = (
        messages_text(attrs.get("gen_ai.input.messages"))
        or _indexed(attrs, "gen_ai.prompt", "content", "role")
        or _indexed(attrs, "llm.input_messages", "message.content", "message.role")
        or messages_text(attrs.get("gen_ai.prompt"))
        or messages_text(attrs.get("input.value"))
    )
    completion = (
        messages_text(attrs.get("gen_ai.output.messages"))
        or _indexed(attrs, "gen_ai.completion", "content", "role")
        or _indexed(attrs, "llm.output_messages", "message.content", "message.role")
        or messages_text(attrs.get("gen_ai.completion"))
        or messages_text(attrs.get("output.value"))
    )
    system = attrs.get("gen_ai.system_instructions")
    if system is not None and prompt is not None:
        prompt = f"system: {messages_text(system)}\n{prompt}"
    return _tail(prompt), _tail(completion)


def _tail(text: str | None) -> str | None:
    """The end of a long prompt or completion (the newest messages)."""
    if text is None or len(text) <= TEXT_LIMIT:
        return text
    return "… " + text[-TEXT_LIMIT:]


def _error(status: Any, events: list[dict[str, Any]]) -> dict[str, Any] | None:
    code = status.get("code") if isinstance(status, dict) else None
    if code not in (2, "STATUS_CODE_ERROR", "ERROR"):
        return None
    message = status.get("message") if isinstance(status.get("message"), str) else None
    kind = None
    for event in events:
        if event.get("name") == "exception":
            message = message or event["attrs"].get("exception.message")
            kind = event["attrs"].get("exception.type")
    return {"message": _cut(str(message or "error"), VALUE_LIMIT), "type": kind if isinstance(kind, str) else None}


@dataclass
class _Raw:
    """A span as read, times in ns, before the trace's 0 is known."""

    span_id: str
    parent_id: str | None
    name: str
    start: int
    end: int
    attrs: dict[str, Any]
    events: list[dict[str, Any]]
    status: Any
    service: str | None


def _spans_of(data: Any, where: tuple[str, int], out: list[_Raw], problems: list[Problem]) -> None:
    """Collect the spans of one TracesData line."""
    resources = data.get("resourceSpans") if isinstance(data, dict) else None
    if not isinstance(resources, list):
        problems.append(
            Problem(where[0], where[1], 'not OTLP JSON: a TracesData object with "resourceSpans" was expected')
        )
        return
    for resource in resources:
        if not isinstance(resource, dict):
            continue
        service = attributes(_obj(resource.get("resource")).get("attributes")).get("service.name")
        for scope in _list(resource.get("scopeSpans") or resource.get("instrumentationLibrarySpans")):
            spans = scope.get("spans") if isinstance(scope, dict) else None
            for span in spans if isinstance(spans, list) else ():
                if len(out) >= MAX_SPANS:
                    problems.append(Problem(where[0], where[1], f"more than {MAX_SPANS:,} spans; the rest not read"))
                    return
                got = _raw(span, service)
                if isinstance(got, str):
                    problems.append(Problem(where[0], where[1], got))
                else:
                    out.append(got)


def _raw(span: Any, service: Any) -> _Raw | str:
    if not isinstance(span, dict):
        return "a span that is not an object; skipped"
    span_id = _id(span.get("spanId"))
    start, end = _ns(span.get("startTimeUnixNano")), _ns(span.get("endTimeUnixNano"))
    name = one_line(str(span.get("name") or ""), 200)
    if span_id is None:
        return f"span {name!r}: no spanId; skipped"
    if start is None:
        return f"span {name!r}: no startTimeUnixNano; skipped"
    events = [
        {"name": e.get("name"), "attrs": attributes(e.get("attributes")), "t": _ns(e.get("timeUnixNano"))}
        for e in _list(span.get("events"))
        if isinstance(e, dict)
    ]
    return _Raw(
        span_id,
        _id(span.get("parentSpanId")),
        name,
        start,
        max(end or start, start),
        attributes(span.get("attributes")),
        events,
        span.get("status"),
        service if isinstance(service, str) else None,
    )


def read_otlp(path: Path, started_at: datetime | None = None) -> OtlpTrace:
    """The spans and model calls of an OTLP JSON-lines file; times in ms from `started_at`
    (else from the earliest span). Never raises: what cannot be read is a problem, and what
    raises unforeseen (`common.per_file`) loses that line, or the file's placing, not the app."""
    got = common.per_file(path, _read, path, started_at)
    return OtlpTrace(problems=[got]) if isinstance(got, Problem) else got


def _read(path: Path, started_at: datetime | None) -> OtlpTrace:
    trace = OtlpTrace()
    name = str(path)
    raws: list[_Raw] = []
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            trace.problems.append(Problem(name, 0, f"{size:,} bytes; only the first {MAX_BYTES:,} are read"))
        with path.open("rb") as handle:
            done = 0
            for lineno, raw in enumerate(handle, 1):
                done += len(raw)
                if done > MAX_BYTES:
                    break
                if not raw.strip():
                    continue
                if len(raw) > MAX_LINE:
                    trace.problems.append(Problem(name, lineno, f"a line of {len(raw):,} bytes; skipped"))
                    continue
                try:
                    data = orjson.loads(raw)
                except orjson.JSONDecodeError as err:
                    trace.problems.append(Problem(name, lineno, f"not JSON: {err}"))
                    continue
                try:
                    _spans_of(data, (name, lineno), raws, trace.problems)
                except Exception as err:  # noqa: BLE001 - one line's unforeseen case: the next line is read
                    trace.problems.append(common.unforeseen(err, name, lineno))
    except OSError as err:
        trace.problems.append(Problem(name, 0, f"cannot read: {err.strerror or err}"))
    _place(trace, raws, started_at)
    return trace


def _place(trace: OtlpTrace, raws: list[_Raw], started_at: datetime | None) -> None:
    if not raws:
        return
    trace.start_ns = min(r.start for r in raws)
    trace.service = next((r.service for r in raws if r.service), None)
    base = trace.start_ns if started_at is None else int(started_at.timestamp() * 1e9)

    def ms(ns: int) -> float:
        return max((ns - base) / 1e6, 0.0)  # before the cell's start: at its start

    for raw in sorted(raws, key=lambda r: r.start):
        kind = kind_of(raw.attrs)
        span: dict[str, Any] = {
            "span_id": raw.span_id,
            "parent_id": raw.parent_id,
            "kind": kind,
            "name": raw.name,
            "start_ms": ms(raw.start),
            "duration_ms": max(ms(raw.end) - ms(raw.start), 0.0),
            "attrs": {k: _shown(v) for k, v in raw.attrs.items()}
            | ({"service.name": raw.service} if raw.service else {}),
            "error": _error(raw.status, raw.events),
        }
        trace.spans.append(span)
        if kind == "model_call":
            model = _first(raw.attrs, MODEL_NAMES)
            if isinstance(model, str) and model not in trace.models:
                trace.models.append(model)
            prompt, completion = _texts(raw.attrs, raw.events)
            reasons = raw.attrs.get("gen_ai.response.finish_reasons")
            trace.calls.append(
                {
                    "index": len(trace.calls),
                    "ts": datetime.fromtimestamp(raw.start / 1e9, UTC).isoformat(),
                    "start_ms": span["start_ms"],
                    "latency_ms": span["duration_ms"],
                    "prompt_tokens": _tokens(raw.attrs, INPUT_TOKENS),
                    "completion_tokens": _tokens(raw.attrs, OUTPUT_TOKENS),
                    "finish_reason": str(reasons[0]) if isinstance(reasons, list) and reasons else None,
                    "prompt": prompt,
                    "completion": completion,
                    "model": model if isinstance(model, str) else None,
                }
            )
