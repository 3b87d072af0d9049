"""An opened Inspect sample's artifacts: its events validated as the replay's spans and calls.

Also the shared step of the trace readers (Inspect events, OTLP): plain span and call
dicts validated into the records the replay uses, each bad one a problem.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cabtui.data.problems import Problem
from cabtui.data.results.artifacts import CellArtifacts
from cabtui.data.results.index import Source
from cabtui.data.results.live_trace import LiveTrace, OtlpFile
from cabtui.data.results.loader import describe_validation_error
from cabtui.data.results.models import Cell, ModelCall, Span
from cabtui.data.results.readers.inspect_events import sample_trace
from cabtui.data.results.readers.otlp import read_otlp
from cabtui.data.results.watch import file_size
from cabtui.data.trace.span_tree import SpanTree

M = TypeVar("M", bound=BaseModel)

NO_TERMINAL = "Inspect logs record no terminal"


def validated(items: list[dict[str, Any]], model: type[M], where: str, problems: list[Problem]) -> tuple[M, ...]:
    """Each dict as a `model` record; those that are not become `where: what is wrong`."""
    out: list[M] = []
    what = "a span" if model is Span else "a model call"
    for i, item in enumerate(items, 1):
        try:
            out.append(model.model_validate(item))
        except ValidationError as err:
            problems.append(Problem(where, 0, f"{what} ({i}): {describe_validation_error(err, what)}"))
    return tuple(out)


def tree_problems(spans: tuple[Span, ...], where: str) -> list[Problem]:
    """Duplicate ids, missing parents and cycles, said as the cells format's artifacts say them."""
    return [Problem(where, 0, oddity) for oddity in SpanTree.build(spans).problems] if spans else []


def trace_artifacts(sample: dict[str, Any], source: Source, cell: Cell) -> CellArtifacts:
    """The sample's events as spans and model calls, its problems located in the log."""
    problems: list[Problem] = []
    where = f"{source.path} ({cell.task} epoch {cell.run})"
    raw_spans, raw_calls = sample_trace(sample)
    spans = validated(raw_spans, Span, where, problems)
    calls = validated(raw_calls, ModelCall, where, problems)
    problems.extend(tree_problems(spans, where))
    return CellArtifacts(
        spans=spans,
        calls=calls,
        trace_note=None if spans else "no events in this sample",
        calls_note=None if calls else "no model events in this sample",
        recording_note=NO_TERMINAL,
        problems=tuple(problems),
    )


def otlp_artifacts(
    path: Path, started_at: datetime | None
) -> tuple[tuple[Span, ...], tuple[ModelCall, ...], list[Problem]]:
    """The spans and model calls of an OTLP trace file, validated, with its problems."""
    trace = read_otlp(path, started_at)
    problems = list(trace.problems)
    spans = validated(trace.spans, Span, str(path), problems)
    calls = validated(trace.calls, ModelCall, str(path), problems)
    problems.extend(tree_problems(spans, str(path)))
    return spans, calls, problems


def otlp_replay(path: Path) -> tuple[Cell, CellArtifacts]:
    """An OTLP trace file alone (`cabtui FILE.otlp.jsonl`) as a cell the replay can show:
    tui = its service, model = the first model its spans name, task = the file's name; its
    `live` reads the file again as it grows (times from the same start)."""
    size = file_size(path)
    trace = read_otlp(path)
    problems = list(trace.problems)
    spans = validated(trace.spans, Span, str(path), problems)
    calls = validated(trace.calls, ModelCall, str(path), problems)
    problems.extend(tree_problems(spans, str(path)))
    started = None if trace.start_ns is None else datetime.fromtimestamp(trace.start_ns / 1e9, UTC)
    end_ms = max((s.end_ms for s in spans), default=0.0)
    cell = Cell.model_validate(
        {
            "tui": trace.service or "otlp",
            "model": trace.models[0] if trace.models else "unknown",
            "task": path.name,
            "scores": {},
            "started_at": started,
            "ended_at": None if started is None else started + timedelta(milliseconds=end_ms),
        },
        context={"sweep_id": path.parent.name},
    )
    artifacts = CellArtifacts(
        spans=spans,
        calls=calls,
        trace_note=None if spans else "no spans in this file",
        calls_note=None if calls else "no model spans in this file",
        recording_note="an OTLP trace records no terminal",
        problems=tuple(problems),
        live=LiveTrace(otlp=OtlpFile(path, cell.started_at, size, spans, calls, tuple(problems))),
    )
    return cell, artifacts
