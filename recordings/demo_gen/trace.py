"""A recorded cell's trace: spans on the cell timeline and the (invented-text, real-time) model calls.

Times come from two clocks: `time.monotonic()` for what Python times itself,
the shell's `$EPOCHREALTIME` for the script's events; both are placed on one
timeline whose 0 is the cell's `started_at`.
"""

from __future__ import annotations

import hashlib
import random
import time
from datetime import UTC, datetime
from typing import Any

from .record import Event, EventLog
from .scenarios import Scenario
from .scoring import Record
from .script import Plan
from .task import all_tasks
from .text import iso_ms

TEXT_SOURCE = "invented for the demo (timing is real)"


def span_id(*parts: object) -> str:
    """A stable span id from what the span is (not when it ran)."""
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:32]


class Timeline:
    """The spans of one cell, placed relative to its start."""

    def __init__(self, cid: str, run: int, started: datetime) -> None:
        self.cid, self.run = cid, run
        self.t0, self.m0 = started.timestamp(), time.monotonic()
        self.spans: list[Record] = []

    def mono_ms(self, m: float) -> float:
        """A `time.monotonic()` reading, in ms since the cell started."""
        return round((m - self.m0) * 1000, 3)

    def epoch_ms(self, e: float) -> float:
        """An epoch time (the script's clock), in ms since the cell started."""
        return round(max(0.0, (e - self.t0) * 1000), 3)

    def epoch(self, m: float) -> float:
        """A `time.monotonic()` reading as an epoch time."""
        return self.t0 + (m - self.m0)

    def id_of(self, kind: str, name: str | None = None, key: object = None) -> str:
        parts: list[object] = [self.cid, self.run, kind]
        if name is not None:
            parts += [name, key if key is not None else len(self.spans)]
        return span_id(*parts)

    def add(
        self,
        kind: str,
        name: str,
        start_ms: float,
        dur_ms: float,
        *,
        parent: str | None = None,
        attrs: Record | None = None,
        error: Any = None,
        key: object = None,
        sid: str | None = None,
    ) -> str:
        sid = sid or self.id_of(kind, name, key)
        self.spans.append(
            {
                "span_id": sid,
                "parent_id": parent,
                "kind": kind,
                "name": name,
                "start_ms": round(start_ms, 3),
                "duration_ms": round(max(0.0, dur_ms), 3),
                "attrs": attrs or {},
                "error": error,
            }
        )
        return sid

    def in_emit_order(self) -> list[Record]:
        """The spans in the order a tracer emits them (by end time)."""
        return sorted(self.spans, key=lambda sp: sp["start_ms"] + sp["duration_ms"])


def tool_error(ev: Event, cmd: str, guard_s: int | None) -> Any:
    if ev.end is None:
        return f"killed by the outer guard after {guard_s}s"
    if ev.rc == 124 and cmd.startswith("timeout"):
        return {"message": f"command timed out ({cmd.split()[1]}s limit, exit 124)", "type": "Timeout"}
    if ev.rc:
        return {"message": f"exit status {ev.rc}", "type": "NonZeroExit"}
    return None


def add_tool_spans(tl: Timeline, log: EventLog, plan: Plan, scn: Scenario, parent: str, end_epoch: float) -> None:
    """One tool_call span per command the script ran (a command the guard killed ends with the container)."""
    for ev in log.of("tool"):
        name, cmd = plan.tools[ev.index]
        end = ev.end if ev.end is not None else end_epoch
        label = f"{name}: {cmd}" if name == "bash" else f"write_file: {cmd}"
        attrs = {"tool": name, "command" if name == "bash" else "path": cmd, "exit_code": ev.rc, "cwd": "workdir"}
        tl.add(
            "tool_call",
            label[:72],
            tl.epoch_ms(ev.start),
            (end - ev.start) * 1000,
            parent=parent,
            attrs=attrs,
            error=tool_error(ev, cmd, scn.guard_s),
            key=f"tool{ev.index}",
        )


def invented_prompt(scn: Scenario, index: int, plan: Plan, tools_before: list[Event]) -> str:
    """The prompt text of a model call: the scenario's, or made up from the last tool result."""
    prompt = plan.models[index].prompt
    if prompt:
        return prompt
    if index == 0:
        return f"[system] You are {scn.tui}, a coding agent.\n[user] {all_tasks()[scn.task].prompt}"
    if tools_before:
        ev = tools_before[-1]
        name, cmd = plan.tools[ev.index]
        rc = "killed" if ev.rc is None else f"exit {ev.rc}"
        return f"[tool result] {name}: {cmd} -> {rc}"
    return "[user] continue"


def add_model_calls(
    tl: Timeline, log: EventLog, plan: Plan, scn: Scenario, rng: random.Random, parent: str, end_epoch: float
) -> list[Record]:
    """The model calls (real timing, invented text and token counts) and a model_call span for each."""
    calls: list[Record] = []
    context = 0
    tools = log.of("tool")
    for ev in log.of("model"):
        planned = plan.models[ev.index]
        prompt = invented_prompt(scn, ev.index, plan, [t for t in tools if t.start < ev.start])
        end = ev.end if ev.end is not None else end_epoch
        finished = ev.end is not None
        context += 900 + len(prompt) // 3 + rng.randint(150, 700)
        completion = (planned.says + ("\n" + planned.action if planned.action else "")) if finished else None
        ptok = 1200 + context
        ctok = (len(completion) // 3 + rng.randint(20, 90)) if completion else 0
        finish = ("tool_calls" if planned.action else "stop") if finished else None
        digest = hashlib.sha256(f"{tl.cid}#{scn.run}:{ev.index}:{prompt}".encode()).hexdigest()
        call: Record = {
            "index": ev.index,
            "ts": iso_ms(datetime.fromtimestamp(ev.start, UTC)),
            "start_ms": tl.epoch_ms(ev.start),
            "request_hash": "sha256:" + digest,
            "prompt_tokens": ptok,
            "completion_tokens": ctok,
            "latency_ms": round((end - ev.start) * 1000, 1),
            "finish_reason": finish,
            "prompt": prompt,
            "completion": completion,
            "text_source": TEXT_SOURCE,
        }
        if not finished:
            call["error"] = "cancelled: the adapter was stopped by the outer guard"
        calls.append(call)
        attrs = {
            "model": scn.model,
            "prompt_tokens": ptok,
            "completion_tokens": ctok,
            "finish_reason": finish,
            "request_hash": call["request_hash"][:23] + "…",
        }
        error = None if finished else {"message": "cancelled: adapter timed out", "type": "Cancelled"}
        tl.add(
            "model_call",
            f"chat.completions #{ev.index}",
            tl.epoch_ms(ev.start),
            (end - ev.start) * 1000,
            parent=parent,
            key=f"model{ev.index}",
            attrs=attrs,
            error=error,
        )
    return calls
