"""An Inspect sample's events as the replay's spans and model calls.

`span_begin`/`span_end` pairs become spans (their `type` the kind: init, solvers, solver,
tool, scorers, scorer...); `model` events become `model_call` spans and model calls
(tokens, prompt from the sample's message pool, completion); `tool` events `tool_call`
spans (the tool's own span is put under it); `sandbox` events `sandbox` spans; `score`,
`error` and `sample_limit` events zero-length spans (an error as the span's error, so
the replay marks it). Times are ms from the earliest of the sample's start and its first
event. Other events (state, store, logger, info, input...) are not shown yet.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

from cabtui.data.results.readers.inspect_cells import TEXT_LIMIT
from cabtui.data.text import one_line

PROMPT_LIMIT: Final = 8000
"""Characters of a call's prompt kept (its end: the newest messages)."""
ATTACHMENT: Final = "attachment://"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _time(value: Any) -> float | None:
    """Seconds since the epoch of an ISO timestamp, None where there is none."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None


def _short(text: str, limit: int = TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[:limit] + " …"


def content_text(content: Any, attachments: dict[str, Any]) -> str:
    """A message's text: a string, or the text and reasoning parts of a content list."""
    if isinstance(content, str):
        if content.startswith(ATTACHMENT):
            got = attachments.get(content.removeprefix(ATTACHMENT))
            return got if isinstance(got, str) else content
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, dict):
                piece = (
                    part.get("text") or part.get("reasoning") or (f"[{part.get('type')}]" if part.get("type") else "")
                )
                parts.append(content_text(piece, attachments))
        return "\n".join(p for p in parts if p)
    return ""


def _message_text(message: Any, attachments: dict[str, Any]) -> str:
    if not isinstance(message, dict):
        return ""
    text = content_text(message.get("content"), attachments)
    for call in message.get("tool_calls") or ():
        if isinstance(call, dict):
            text += f"\n→ {call.get('function')}({_short(str(call.get('arguments')), 400)})"
    return f"{message.get('role', '?')}: {text}"


def _prompt(event: dict[str, Any], pool: list[Any], attachments: dict[str, Any]) -> str:
    """The call's input: its own `input`, else the ranges `input_refs` names in the message pool."""
    messages = event.get("input") or []
    if not messages:
        for ref in event.get("input_refs") or ():
            if isinstance(ref, list) and len(ref) == 2 and all(isinstance(i, int) for i in ref):
                messages.extend(pool[max(ref[0], 0) : max(ref[1], 0)])
    text = "\n".join(_message_text(m, attachments) for m in messages if isinstance(m, dict))
    return text if len(text) <= PROMPT_LIMIT else "… " + text[-PROMPT_LIMIT:]


class _Builder:
    """Spans and calls of one sample, times relative to `base` (seconds since the epoch)."""

    def __init__(self, base: float, attachments: dict[str, Any], pool: list[Any]) -> None:
        self.base = base
        self.attachments = attachments
        self.pool = pool
        self.spans: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        self.open: dict[str, tuple[dict[str, Any], float]] = {}
        """Spans begun and not yet ended, with their start (seconds since the epoch)."""
        self.last = base

    def ms(self, t: float) -> float:
        return max((t - self.base) * 1000, 0.0)

    def span(
        self, event: dict[str, Any], kind: str, name: str, end: float | None = None, **extra: Any
    ) -> dict[str, Any]:
        start = _time(event.get("timestamp")) or self.last
        end = end if end is not None else _time(event.get("completed"))
        if end is None:
            working = event.get("working_time")
            end = start + working if isinstance(working, int | float) and math.isfinite(working) else start
        self.last = max(self.last, start, end)
        span = {
            "span_id": str(event.get("uuid") or f"event-{len(self.spans)}"),
            "parent_id": event.get("span_id") if isinstance(event.get("span_id"), str) else None,
            "kind": kind,
            "name": name,
            "start_ms": self.ms(start),
            "duration_ms": max(self.ms(end) - self.ms(start), 0.0),
            **extra,
        }
        self.spans.append(span)
        return span

    def add(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "span_begin":
            start = _time(event.get("timestamp")) or self.last
            self.last = max(self.last, start)
            span_id = str(event.get("id"))
            span: dict[str, Any] = {
                "span_id": span_id,
                "parent_id": event.get("parent_id") if isinstance(event.get("parent_id"), str) else None,
                "kind": str(event.get("type") or "span"),
                "name": str(event.get("name") or ""),
                "start_ms": self.ms(start),
                "duration_ms": 0.0,
            }
            self.spans.append(span)
            self.open[span_id] = (span, start)
        elif kind == "span_end":
            begun = self.open.pop(str(event.get("id")), None)
            end = _time(event.get("timestamp")) or self.last
            self.last = max(self.last, end)
            if begun is not None:
                begun[0]["duration_ms"] = max((end - begun[1]) * 1000, 0.0)
        elif kind == "model":
            self.model(event)
        elif kind == "tool":
            error = event.get("error")
            self.span(
                event,
                "tool_call",
                str(event.get("function") or "tool"),
                attrs={
                    "arguments": event.get("arguments"),
                    "result": _short(content_text(event.get("result"), self.attachments)),
                },
                error={"message": _short(str(error.get("message") if isinstance(error, dict) else error))}
                if error
                else None,
            )
        elif kind == "sandbox":
            cmd = event.get("cmd") or event.get("file") or ""
            self.span(
                event,
                "sandbox",
                one_line(f"{event.get('action', 'sandbox')} {cmd}".strip(), 120),
                attrs={"result": event.get("result"), "output": _short(str(event.get("output") or ""))},
            )
        elif kind == "score":
            score = _dict(event.get("score"))
            self.span(
                event,
                "score",
                f"score {event.get('scorer') or ''}: {_short(str(score.get('value')), 60)}".replace("  ", " "),
                end=_time(event.get("timestamp")),
                attrs={
                    "answer": _short(str(score.get("answer"))),
                    "explanation": _short(str(score.get("explanation"))),
                },
            )
        elif kind == "error":
            error = event.get("error")
            message = error.get("message") if isinstance(error, dict) else error
            self.span(
                event, "error", "error", end=_time(event.get("timestamp")), error={"message": _short(str(message))}
            )
        elif kind == "sample_limit":
            message = f"{event.get('type')} limit: {event.get('message') or event.get('limit')}"
            self.span(event, "limit", "limit", end=_time(event.get("timestamp")), error={"message": _short(message)})

    def model(self, event: dict[str, Any]) -> None:
        output = _dict(event.get("output"))
        usage = _dict(output.get("usage"))
        choices = output.get("choices") or []
        first = choices[0] if choices and isinstance(choices[0], dict) else {}
        error = event.get("error")
        span = self.span(
            event,
            "model_call",
            str(event.get("model") or "model"),
            attrs={"input_tokens": usage.get("input_tokens"), "output_tokens": usage.get("output_tokens")},
            error={"message": _short(str(error))} if error else None,
        )
        completion = output.get("completion")
        if not isinstance(completion, str):
            completion = content_text((first.get("message") or {}).get("content"), self.attachments)
        self.calls.append(
            {
                "index": len(self.calls),
                "ts": event.get("timestamp") if isinstance(event.get("timestamp"), str) else None,
                "start_ms": span["start_ms"],
                "latency_ms": span["duration_ms"],
                "prompt_tokens": usage.get("input_tokens"),
                "completion_tokens": usage.get("output_tokens"),
                "finish_reason": first.get("stop_reason"),
                "prompt": _prompt(event, self.pool, self.attachments),
                "completion": completion if not error else f"error: {_short(str(error))}",
                "model": event.get("model"),
            }
        )

    def finish(self) -> None:
        """Close spans left open (a sample cut short) at the last time seen; put each tool's
        own span under the `tool_call` span of the event that ran it."""
        for span, start in self.open.values():
            span["duration_ms"] = max((self.last - start) * 1000, 0.0)
            span["attrs"] = {"note": "no span_end: still open when the sample stopped"}
        calls = [s for s in self.spans if s["kind"] == "tool_call"]
        for span in self.spans:
            if span["kind"] != "tool":
                continue
            owner = next(
                (
                    c
                    for c in calls
                    if c["parent_id"] == span["parent_id"]
                    and c["name"] == span["name"]
                    and c["start_ms"] <= span["start_ms"] <= c["start_ms"] + c["duration_ms"]
                ),
                None,
            )
            if owner is not None:
                span["parent_id"] = owner["span_id"]


def _events(sample: dict[str, Any]) -> Iterable[dict[str, Any]]:
    events = sample.get("events")
    return (e for e in events if isinstance(e, dict)) if isinstance(events, list) else ()


def sample_trace(sample: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The spans and model calls of a sample, as results-format dicts (not validated yet)."""
    times = [t for e in _events(sample) if (t := _time(e.get("timestamp"))) is not None]
    started = _time(sample.get("started_at"))
    base = min([*times, *([started] if started is not None else [])], default=0.0)
    attachments = _dict(sample.get("attachments"))
    data = _dict(sample.get("events_data"))
    pool = _list(data.get("messages"))
    builder = _Builder(base, attachments, pool)
    for event in _events(sample):
        builder.add(event)
    builder.finish()
    return builder.spans, builder.calls


def trace_start(sample: dict[str, Any]) -> str | None:
    """The ISO time the trace's 0 ms is at (the earliest of the sample's start and its first event)."""
    stamps = [e.get("timestamp") for e in _events(sample)] + [sample.get("started_at")]
    timed = [(t, s) for s in stamps if isinstance(s, str) and (t := _time(s)) is not None]
    return min(timed)[1] if timed else None
