"""The searchable text of one cell, besides its recording: record fields, tails, spans, calls.

Each piece becomes `Doc`s, one per line, already made visible (no control character can
reach a terminal from a hit). Tails are read as a terminal would show them: escape
sequences dropped and a carriage return's overwrite applied, so `error[E0106]` in red is
found as `error[E0106]`. Everything is bounded: a field gives at most `MAX_FIELD_LINES`
lines of at most `MAX_LINE_CHARS` characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from cabtui.data.text import visible

if TYPE_CHECKING:
    from cabtui.data.results import Cell, CellArtifacts

WHERE: Final = ("record", "stdout_tail", "stderr_tail", "span", "model_call", "recording")
"""Where a hit can be, in the order a cell's hits are listed."""

MAX_FIELD_LINES = 2000
MAX_LINE_CHARS = 1000

IDENTITY_FIELDS: Final = frozenset(
    {"cell_id", "sweep_id", "tui", "model", "model_build_id", "task", "started_at", "ended_at", "image_digest"}
)
"""What names the cell rather than says what happened: the palette finds cells by these."""

_ESCAPES = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[ -/]*[0-~])"
)
"""CSI, OSC, DCS/SOS/PM/APC strings and two- or three-byte escapes: what a terminal would act on."""


@dataclass(frozen=True, slots=True)
class Doc:
    """One searchable line: where it is in the cell, its time if it has one, and its text."""

    where: str
    ref: str
    """Which field, span id or call index the line belongs to (the UI opens there)."""
    at_s: float | None
    text: str


def shown_lines(text: str) -> list[str]:
    """`text` as a terminal would show it, line by line: escapes dropped, `\\r` overwrites
    applied (a progress bar's last state), every other control character made visible."""
    out = []
    for raw in text.split("\n")[:MAX_FIELD_LINES]:
        line = _ESCAPES.sub("", raw)
        if "\r" in line:
            line = _overwritten(line)
        line = visible(line, multiline=True).replace("\n", " ").rstrip()
        if line.strip():
            out.append(line[:MAX_LINE_CHARS])
    return out


def _overwritten(line: str) -> str:
    """What a terminal shows of `line` whose `\r`s return to column 0: read from the last
    part back, each earlier part adds only the columns past the later ones (one pass; copying
    the line at each `\r` took hours on a progress bar redrawn a million times)."""
    shown = ""
    for part in reversed(line.split("\r")):
        if len(part) > len(shown):
            shown += part[len(shown) :]
            if len(shown) >= MAX_LINE_CHARS:
                break
    return shown


def _field_docs(where: str, ref: str, at_s: float | None, value: str) -> Iterator[Doc]:
    for line in shown_lines(value):
        yield Doc(where, ref, at_s, line)


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string inside a JSON-like value, with its dotted path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value[:MAX_FIELD_LINES]):
            yield from _strings(item, f"{path}[{i}]")


def record_docs(cell: Cell) -> Iterator[Doc]:
    """The record's own text: status detail, scorer notes, file lists, tails."""
    data = cell.model_dump(mode="json", by_alias=True, exclude={"spans", "model_calls", "artifacts"})
    for path, value in _strings(data, ""):
        if path in IDENTITY_FIELDS:
            continue
        if path.endswith(".stdout_tail"):
            yield from _field_docs("stdout_tail", path, None, value)
        elif path.endswith(".stderr_tail"):
            yield from _field_docs("stderr_tail", path, None, value)
        else:
            yield from _field_docs("record", path, None, value)


def artifact_docs(artifacts: CellArtifacts) -> Iterator[Doc]:
    """Span names, attributes and errors (at the span's start on the cell's timeline), and
    model calls' prompts and completions."""
    for span in artifacts.spans:
        at = span.start_ms / 1000
        yield from _field_docs("span", span.span_id, at, span.name)
        for key, value in list(span.attrs.items())[:MAX_FIELD_LINES]:
            for _, text in _strings(value, ""):
                yield from _field_docs("span", span.span_id, at, f"{key}: {text}")
            if not isinstance(value, str | dict | list) and value is not None:
                yield from _field_docs("span", span.span_id, at, f"{key}: {value}")
        if span.error is not None:
            yield from _field_docs("span", span.span_id, at, span.error.message)
    for call in artifacts.calls:
        for said in (call.prompt, call.completion):
            if said:
                yield from _field_docs("model_call", str(call.index), None, said)
