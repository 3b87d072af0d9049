"""An opened Inspect sample's artifacts: its events validated as the replay's spans and calls.

Also the shared step of the trace readers (Inspect events, OTLP): plain span and call
dicts validated into the records the replay uses, each bad one a problem.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cabtui.data.problems import Problem
from cabtui.data.results.artifacts import CellArtifacts
from cabtui.data.results.index import Source
from cabtui.data.results.loader import describe_validation_error
from cabtui.data.results.models import Cell, ModelCall, Span
from cabtui.data.results.readers.inspect_events import sample_trace
from cabtui.data.results.readers.otlp import read_otlp
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


def otlp_artifacts(path: Path, started_at: datetime | None) -> tuple[tuple[Span, ...], tuple[ModelCall, ...], list[Problem]]:
    """The spans and model calls of an OTLP trace file, validated, with its problems."""
    trace = read_otlp(path, started_at)
    problems = list(trace.problems)
    spans = validated(trace.spans, Span, str(path), problems)
    calls = validated(trace.calls, ModelCall, str(path), problems)
    problems.extend(tree_problems(spans, str(path)))
    return spans, calls, problems
