"""An ATIF trajectory (Harbor's agent/trajectory.json) as spans and model calls.

ATIF (Agent Trajectory Interchange Format) lists `steps`, each with a `step_id`, an ISO
`timestamp`, a `source` (system, user or agent), a `message`, the agent's `tool_calls`
with their `observation`, and `metrics` (prompt/completion tokens, cost). A step has no
end time: it lasts until the next one starts (the last, until the agent phase ends, or 0).
Each agent step becomes a `model_call` span with its tool calls as `tool_call` children,
and a model call (its tokens, the message before it as the prompt, its own as completion).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from cabtui.data.problems import Problem
from cabtui.data.results.readers import common
from cabtui.data.results.readers.common import Unreadable
from cabtui.data.text import one_line

TEXT_CHARS = 20_000
"""A message or tool output kept for the model calls pane: its first this many characters."""


def _text(value: Any) -> str | None:
    """A message: a string, or ATIF content parts (their `text`) joined."""
    if isinstance(value, str):
        return value[:TEXT_CHARS]
    if isinstance(value, list):
        parts = [str(p["text"]) for p in value if isinstance(p, dict) and isinstance(p.get("text"), str)]
        return "\n".join(parts)[:TEXT_CHARS] if parts else None
    return None


def trajectory_parts(
    path: Path, origin: datetime | None, parent: str | None, until: datetime | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Problem]]:
    """(spans, model calls, problems) of a trajectory file, on the trial's clock from `origin`;
    the last step lasts `until` (the agent phase's end) where that is known.

    With `origin` None, only the problems (`cabtui validate`). What reading it raises, unforeseen,
    is its problem (`common.per_file`): the cell still opens, without the trajectory.
    """
    got = common.per_file(path, _parts, path, origin, parent, until)
    return ([], [], [got]) if isinstance(got, Problem) else got


def _parts(
    path: Path, origin: datetime | None, parent: str | None, until: datetime | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Problem]]:
    name = str(path)
    try:
        data = common.read_object(path, common.TRAJECTORY_LIMIT)
    except Unreadable as err:
        return [], [], [err.problem]
    steps = data.get("steps")
    if not isinstance(steps, list):
        return [], [], [Problem(name, 1, "not an ATIF trajectory: no steps list")]
    problems: list[Problem] = []
    timed: list[tuple[dict[str, Any], datetime | None]] = []
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            problems.append(Problem(name, 0, f"steps[{i}]: not an object; skipped"))
            continue
        at = common.as_time(step.get("timestamp"))
        if step.get("timestamp") is not None and at is None:
            problems.append(Problem(name, 0, f"steps[{i}].timestamp: not a time; the step is left off the timeline"))
        timed.append((step, at))
    if origin is None:
        return [], [], problems
    spans: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    prompt: str | None = None
    for i, (step, at) in enumerate(timed):
        message = _text(step.get("message"))
        if step.get("source") != "agent":
            prompt = message
            continue
        start = common.ms_between(origin, at)
        if start is None:
            continue
        following = next((t for _, t in timed[i + 1 :] if t is not None), until)
        length = common.ms_between(at, following) or 0.0
        step_id = f"step-{step.get('step_id', i + 1)}"
        metrics = common.obj(step.get("metrics"))
        tool_calls = [c for c in step.get("tool_calls") or () if isinstance(c, dict)]
        attrs: dict[str, Any] = {"model": step.get("model_name"), "message": one_line(message or "", 300)}
        for key in ("prompt_tokens", "completion_tokens", "cached_tokens", "cost_usd"):
            if metrics.get(key) is not None:
                attrs[key] = metrics[key]
        spans.append(
            {
                "span_id": step_id,
                "parent_id": parent,
                "kind": "model_call",
                "name": f"{step_id}: {one_line(message or 'agent step', 60)}",
                "start_ms": start,
                "duration_ms": length,
                "attrs": attrs,
            }
        )
        outputs = _observations(step)
        for j, call in enumerate(tool_calls):
            call_id = call.get("tool_call_id")
            spans.append(
                {
                    "span_id": f"{step_id}-tool-{j}",
                    "parent_id": step_id,
                    "kind": "tool_call",
                    "name": common.str_or(call.get("function_name"), "tool"),
                    "start_ms": start,
                    "duration_ms": length,
                    "attrs": {"arguments": call.get("arguments"), "output": outputs.get(call_id)},
                }
            )
        calls.append(
            {
                "index": len(calls),
                "ts": step.get("timestamp"),
                "start_ms": start,
                "prompt_tokens": common.count(metrics.get("prompt_tokens")),
                "completion_tokens": common.count(metrics.get("completion_tokens")),
                "latency_ms": length or None,
                "prompt": prompt,
                "completion": _completion(message, tool_calls),
            }
        )
        prompt = None
    return spans, calls, problems


def _observations(step: dict[str, Any]) -> dict[Any, str | None]:
    observation = step.get("observation")
    results = observation.get("results") if isinstance(observation, dict) else None
    out: dict[Any, str | None] = {}
    for result in results if isinstance(results, list) else ():
        if isinstance(result, dict):
            out[result.get("source_call_id")] = _text(result.get("content"))
    return out


def _completion(message: str | None, tool_calls: list[dict[str, Any]]) -> str | None:
    lines = [message] if message else []
    for call in tool_calls:
        lines.append(
            f"→ {common.str_or(call.get('function_name'), 'tool')}({one_line(str(call.get('arguments')), 400)})"
        )
    return "\n".join(lines) or None
