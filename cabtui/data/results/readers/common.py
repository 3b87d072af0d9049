"""What the readers of job folders (Harbor, Terminal-Bench) share: JSON files read into problems,
times, attempt numbering, phases as spans, a recording's start, the full record validated.

Both harnesses leave one small JSON file per trial; the index reads those only, and the
rest (test output, trajectories, recordings) when a cell is opened.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from cabtui.data.problems import Problem
from cabtui.data.results.head import CELL_HEAD
from cabtui.data.results.index import CellRow, Source
from cabtui.data.text import one_line

if TYPE_CHECKING:
    from cabtui.data.results.loader import OpenedRecord

TAIL_CHARS = 64_000
"""Test output and tracebacks kept for the cell page: their last this many characters."""


class Unreadable(Exception):
    """A file that is missing, unreadable or not the JSON object expected; `problem` says which."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def read_object(path: Path) -> dict[str, Any]:
    """A JSON file that must hold an object.

    Raises:
        Unreadable: missing, unreadable, not JSON (at its line), or not an object.
    """
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise Unreadable(Problem(str(path), 0, f"cannot read: {err.strerror or err}")) from None
    return parse_object(raw, path)


def parse_object(raw: bytes, path: Path) -> dict[str, Any]:
    """`raw` (the bytes of `path`) as a JSON object; see `read_object`."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        if not raw.strip():
            raise Unreadable(Problem(str(path), 0, "empty file (still being written?)")) from None
        message = f"not JSON: {err.msg}" + ("" if raw.rstrip().endswith(b"}") else " (truncated?)")
        raise Unreadable(Problem(str(path), err.lineno, message)) from None
    if not isinstance(data, dict):
        raise Unreadable(Problem(str(path), 1, f"not a JSON object: {type(data).__name__}"))
    return data


def peek_keys(path: Path) -> dict[str, Any] | None:
    """The object a small JSON file holds, or None if it holds none (detection: never raises)."""
    try:
        return read_object(path)
    except Unreadable:
        return None


def subfolders(folder: Path) -> list[Path]:
    """The folders in `folder`, by name (hidden ones left out); none where it cannot be listed."""
    try:
        with os.scandir(folder) as entries:
            names = [e.name for e in entries if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)]
    except OSError:
        return []
    return [folder / name for name in sorted(names)]


def as_time(value: Any, *, naive_is_local: bool = False) -> datetime | None:
    """An ISO 8601 time as an aware datetime (naive: UTC, or local time where the harness writes
    local time); None where absent or not a time."""
    if not isinstance(value, str) or not value:
        return None
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        return None
    if at.tzinfo is None:
        return at.astimezone(UTC) if naive_is_local else at.replace(tzinfo=UTC)
    return at


def ms_between(start: datetime | None, end: datetime | None) -> float | None:
    """Milliseconds from `start` to `end`; None unless both are known and in order."""
    if start is None or end is None:
        return None
    ms = (end - start).total_seconds() * 1000
    return ms if ms >= 0 else None


def tail(text: str, limit: int = TAIL_CHARS) -> str:
    """The last `limit` characters of a long output, said to be cut where they are."""
    if len(text) <= limit:
        return text
    return f"[… {len(text) - limit:,} characters before]\n" + text[-limit:]


def read_text(path: Path) -> str | None:
    """A text file's content (bytes that are no UTF-8 replaced), None where it is absent or unreadable."""
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except OSError:
        return None


def str_or(value: Any, default: str) -> str:
    """`value` where it is a non-empty string, else `default`."""
    return value if isinstance(value, str) and value else default


def number(value: Any) -> float | None:
    """A finite number from JSON (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    as_float = float(value)
    return as_float if as_float == as_float and abs(as_float) != float("inf") else None


def obj(value: Any) -> dict[str, Any]:
    """`value` where it is a JSON object, else an empty one (a field of the wrong type reads as absent)."""
    return value if isinstance(value, dict) else {}


def count(value: Any) -> int | None:
    """A count from JSON: an int that is no bool, else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(slots=True)
class Attempt:
    """One trial before its run number is known: its head and where it came from."""

    head: dict[str, Any]
    source: Source
    started: datetime | None
    name: str
    extra_axes: dict[str, dict[str, Any] | None] | None = None


def number_attempts(attempts: Iterable[Attempt], sweep_id: str) -> Iterator[CellRow | Problem]:
    """Index rows with run numbers: the attempts at one (agent, model, task) ordered by start time
    (then name), counted from 1; a lone attempt gets no `#runN` in its id."""
    groups: dict[tuple[str, str, str], list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        head = attempt.head
        groups[(head["tui"], head["model"], head["task"])].append(attempt)
    far = datetime.max.replace(tzinfo=UTC)
    for group in groups.values():
        group.sort(key=lambda a: (a.started or far, a.name))
        for run, attempt in enumerate(group, 1):
            head = attempt.head
            if len(group) > 1:
                head["run"] = run
            try:
                valid = CELL_HEAD.validate_python(head)
                yield CellRow.from_head(valid, sweep_id, attempt.source, 1, 0, attempt.extra_axes)
            except ValueError as err:  # pydantic's ValidationError is one
                yield Problem(str(attempt.source.path), 1, f"not a trial record: {one_line(str(err), 200)}")


def phase_span(
    span_id: str,
    name: str,
    start: datetime | None,
    end: datetime | None,
    origin: datetime,
    parent: str | None,
    kind: str = "phase",
) -> dict[str, Any] | None:
    """A span for one phase of a trial (start and end known), on the trial's clock from `origin`."""
    start_ms, length = ms_between(origin, start), ms_between(start, end)
    if start_ms is None or length is None:
        return None
    return {
        "span_id": span_id,
        "parent_id": parent,
        "kind": kind,
        "name": name,
        "start_ms": start_ms,
        "duration_ms": length,
    }


def recording_start(cast: Path, hint: datetime | None) -> datetime | None:
    """When a recording began: its header's `timestamp` (whole seconds), or `hint` (the phase
    that started it) where that falls in the same second, being the finer of the two."""
    try:
        with cast.open("rb") as handle:
            header = orjson.loads(handle.readline())
    except (OSError, orjson.JSONDecodeError):
        return hint
    stamp = number(header.get("timestamp")) if isinstance(header, dict) else None
    if stamp is None:
        return hint
    try:
        began = datetime.fromtimestamp(stamp, UTC)
    except (OverflowError, OSError, ValueError):
        return hint
    if hint is not None and 0 <= (hint - began).total_seconds() < 1:
        return hint
    return began


def line_of(raw: bytes, key: str) -> int:
    """The line where `"key":` first appears in a JSON file's bytes (the harnesses write them
    indented, a key a line), else 1: where a problem with that field points."""
    at = raw.find(b'"' + key.encode() + b'":')
    return raw.count(b"\n", 0, at) + 1 if at >= 0 else 1


class Shape:
    """What is wrong with the types of a record's fields, collected as (field path, message)."""

    def __init__(self) -> None:
        self.wrong: list[tuple[str, str]] = []

    def obj(self, data: dict[str, Any], key: str, where: str = "", *, note: str = "") -> dict[str, Any]:
        """`data[key]` where it is an object; absent or null is fine; another type is said."""
        value = data.get(key)
        if value is not None and not isinstance(value, dict):
            self.wrong.append((where + key, "not an object" + note))
        return value if isinstance(value, dict) else {}

    def text(self, data: dict[str, Any], key: str, where: str = "", *, required: bool = False) -> None:
        value = data.get(key)
        if (value is None and required) or (value is not None and not isinstance(value, str)):
            self.wrong.append((where + key, "not a string" if value is not None else "missing"))

    def time(self, data: dict[str, Any], key: str, where: str = "") -> None:
        value = data.get(key)
        if value is not None and as_time(value) is None:
            self.wrong.append((where + key, "not a time"))

    def num(self, data: dict[str, Any], key: str, where: str = "", *, whole: bool = False) -> None:
        value = data.get(key)
        if value is not None and (count(value) is None if whole else number(value) is None):
            self.wrong.append((where + key, "not a whole number" if whole else "not a number"))

    def problems(self, path: Path, raw: bytes) -> list[Problem]:
        """Each as `FILE:LINE: field: message`, at the line of the field's last key."""
        return [
            Problem(str(path), line_of(raw, field.rsplit(".", 1)[-1]), f"{field}: {message}")
            for field, message in self.wrong
        ]


def opened_cell(data: dict[str, Any], row: CellRow) -> OpenedRecord:
    """The full record built by a reader, validated as a `Cell`; why not, as a problem, if it is none."""
    from pydantic import ValidationError

    from cabtui.data.results.loader import OpenedRecord, describe_validation_error
    from cabtui.data.results.models import Cell

    name = str(row.source.path)
    try:
        cell = Cell.model_validate(data, context={"sweep_id": row.sweep_id})
    except ValidationError as err:
        return OpenedRecord(None, (Problem(name, 1, describe_validation_error(err, "a trial record")),))
    if (cell.tui, cell.model, cell.task) != (row.tui, row.model, row.task):
        return OpenedRecord(None, (Problem(name, 1, "the file changed since it was loaded; reload it"),))
    return OpenedRecord(cell)


def unread(row: CellRow, problem: Problem) -> OpenedRecord:
    """An opened record that could not be read, and why."""
    from cabtui.data.results.loader import OpenedRecord

    return OpenedRecord(None, (problem,))
