"""A cell's sidecar artifacts (trace, model calls, recording), read when the cell is opened.

Paths come from untrusted records: they are resolved against the sweep folder
and refused when they lead outside it (`..`, absolute paths, symlinks out).
A missing or broken artifact makes that part say so; the cell still shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from cabtui.data.problems import Problem
from cabtui.data.results.index import CELLS_FORMAT, Source
from cabtui.data.results.live_trace import LiveTrace, OtlpFile, RecordTail
from cabtui.data.results.models import Cell, ModelCall, Span
from cabtui.data.results.watch import file_size
from cabtui.data.text import one_line
from cabtui.data.trace.span_tree import SpanTree

M = TypeVar("M", bound=BaseModel)

TRACE_FILE = "trace.jsonl"
OTLP_TRACE_FILE = "trace.otlp.jsonl"
CALLS_FILE = "model_calls.jsonl"
RECORDING_FILES = ("recording.cast", "recording.cast.gz")


@dataclass(frozen=True)
class CellArtifacts:
    """What a cell's artifacts hold; each `*_note` says why a part is empty, if it is."""

    spans: tuple[Span, ...] = ()
    calls: tuple[ModelCall, ...] = ()
    recording: Path | None = None
    recording_offset_ms: float | None = None
    trace_note: str | None = None
    calls_note: str | None = None
    recording_note: str | None = None
    problems: tuple[Problem, ...] = ()
    live: LiveTrace | None = field(default=None, compare=False)
    """The trace and calls files, to read on in as they grow (a cell still running); None where
    they come from no file (inline in the record, another harness's reader)."""


def resolve_inside(folder: Path, relative: str) -> Path | str:
    """`folder/relative` when it stays inside `folder`; otherwise why not (record text made visible)."""
    shown = one_line(relative, 200)
    if not relative or "\x00" in relative:
        return "empty or invalid path"
    candidate = Path(relative)
    if candidate.is_absolute():
        return f"{shown}: absolute path refused (artifact paths are relative to the sweep)"
    try:
        base = folder.resolve()
        target = (base / candidate).resolve()
    except (OSError, RuntimeError) as err:  # symlink loops, names too long
        return f"{shown}: cannot be resolved ({one_line(str(err), 200)})"
    if not target.is_relative_to(base):
        return f"{shown}: leads outside the sweep folder; refused"
    return target


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def conventional_folder(cell: Cell) -> str:
    """Where artifacts live by convention: cells/<tui>/<model>/<task>[/run-N]."""
    base = f"cells/{cell.tui}/{cell.model}/{cell.task}"
    return f"{base}/run-{cell.run}" if cell.run > 1 else base


def _locate(source: Source, named: str | None, fallbacks: tuple[str, ...], cell: Cell) -> Path | str:
    """The artifact file named in the record, else the first conventional one that exists."""
    if named:
        got = resolve_inside(source.folder, named)
        if isinstance(got, str):
            return got
        return got if _is_file(got) else f"{one_line(named, 200)}: file not found"
    folder = conventional_folder(cell)
    for name in fallbacks:
        got = resolve_inside(source.folder, f"{folder}/{name}")
        if isinstance(got, Path) and _is_file(got):
            return got
    return "not recorded"


def _load_part(
    inline: list[M] | None, located: Path | str, model: type[M], problems: list[Problem]
) -> tuple[tuple[M, ...], str | None, RecordTail[M] | None]:
    """The records inline in the record, else of the file (with the tail that reads on in it)."""
    if inline is not None:
        return tuple(inline), None if inline else "empty", None
    if isinstance(located, str):
        return (), located, None
    tail = RecordTail(located, model)
    tail.read()
    if tail.size < 0:  # it could not be read at all: that is the part's note
        return (), tail.problems[0].message, None
    problems.extend(tail.all_problems)
    found = tail.records
    return found, None if found else "empty", tail


def load_artifacts(cell: Cell, source: Source) -> CellArtifacts:
    """Read the cell's trace and model calls, and find its recording (not read here).

    A cell of another harness gets them from its reader (`readers`), which may call
    `read_artifacts` for what the record names.
    """
    if source.format != CELLS_FORMAT:
        from cabtui.data.results.readers import reader_for

        reader = reader_for(source.format)
        if reader is not None:
            return reader.artifacts(cell, source)
        note = f"no reader for the format {one_line(source.format, 60)}"
        return CellArtifacts(trace_note=note, calls_note=note, recording_note=note)
    return read_artifacts(cell, source)


def _is_otlp(path: Path | str) -> bool:
    from cabtui.data.results.readers.otlp import is_otlp

    return isinstance(path, Path) and is_otlp(path)


def read_artifacts(cell: Cell, source: Source) -> CellArtifacts:
    """The artifacts a record names (or the conventional ones), relative to `source.folder`."""
    problems: list[Problem] = []
    named = cell.artifacts
    trace_at = _locate(source, named.trace if named else None, (TRACE_FILE, OTLP_TRACE_FILE), cell)
    calls_at = _locate(source, named.model_calls if named else None, (CALLS_FILE,), cell)
    recording_at = _locate(source, named.recording if named else None, RECORDING_FILES, cell)
    otlp = cell.spans is None and isinstance(trace_at, Path) and _is_otlp(trace_at)
    otlp_calls: tuple[ModelCall, ...] = ()
    trace_tail: RecordTail[Span] | None = None
    otlp_file: OtlpFile | None = None
    if otlp and isinstance(trace_at, Path):
        # An OpenTelemetry trace (readers/otlp.py): its model spans are the calls where none are recorded.
        from cabtui.data.results.readers.trace_records import otlp_artifacts

        size = file_size(trace_at)  # before it is read: a later growth is read again
        spans, otlp_calls, found = otlp_artifacts(trace_at, cell.started_at)
        problems.extend(found)  # its duplicate ids, missing parents and cycles included
        trace_note = None if spans else "empty"
        otlp_file = OtlpFile(trace_at, cell.started_at, size, spans, otlp_calls, tuple(found))
    else:
        spans, trace_note, trace_tail = _load_part(cell.spans, trace_at, Span, problems)
    calls, calls_note, calls_tail = _load_part(cell.model_calls, calls_at, ModelCall, problems)
    if not calls and otlp_calls:
        calls, calls_note = otlp_calls, None
    live = LiveTrace(trace_tail, calls_tail, otlp_file, calls_from_otlp=not cell.model_calls)
    if spans and not otlp:  # duplicate ids, missing parents and cycles: shown anyway, and said
        inline = cell.spans is not None
        where = str(source.path) if inline or not isinstance(trace_at, Path) else str(trace_at)
        prefix = f"{cell.cell_id}: the record's " if inline else ""
        problems.extend(Problem(where, 0, prefix + oddity) for oddity in SpanTree.build(spans).problems)
    return CellArtifacts(
        spans=spans,
        calls=tuple(sorted(calls, key=lambda call: call.index)),
        recording=recording_at if isinstance(recording_at, Path) else None,
        recording_offset_ms=named.recording_offset_ms if named else None,
        trace_note=trace_note,
        calls_note=calls_note,
        recording_note=recording_at if isinstance(recording_at, str) else None,
        problems=tuple(problems),
        live=live if live.followed else None,
    )


def artifact_problems(cell: Cell, source: Source) -> list[str]:
    """What is wrong with the artifact paths a record names (for `cabtui validate`).

    Paths leading outside the sweep folder and named files that do not exist; conventional
    paths are looked up, not promised, so their absence is no problem.
    """
    named = cell.artifacts
    if named is None:
        return []
    out = []
    for key in ("trace", "model_calls", "recording"):
        relative = getattr(named, key)
        if relative:
            got = _locate(source, relative, (), cell)
            if isinstance(got, str):
                out.append(f"artifacts.{key}: {got}")
    return out
