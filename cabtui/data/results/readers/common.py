"""What the readers of job folders (Harbor, Terminal-Bench) share: JSON files read into problems,
each file read behind its own error boundary, times, attempt numbering, phases as spans, a
recording's start, the full record validated.

Both harnesses leave one small JSON file per trial; the index reads those only, and the
rest (test output, trajectories, recordings) when a cell is opened.
"""

from __future__ import annotations

import errno
import json
import math
import os
import stat
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

import orjson

from cabtui.data.problems import Problem
from cabtui.data.results.fields import outcome_of
from cabtui.data.results.index import CellRow, Source
from cabtui.data.results.lines import failure

if TYPE_CHECKING:
    from cabtui.data.results.artifacts import CellArtifacts
    from cabtui.data.results.loader import OpenedRecord

READ_CHUNK = 1 << 16
RECORD_LIMIT = 64 << 20
"""Bytes of a record file (a trial's result.json or results.json, a job's config) read at most, as
Inspect's header (`inspect_log.HEADER_LIMIT`) and a recording (`MAX_CAST_BYTES`) are capped: a
TrialResult is a few KB, and a larger file is refused with a problem rather than read whole."""
TRAJECTORY_LIMIT = 256 << 20
"""Bytes of an ATIF trajectory read at most (as an Inspect sample, `inspect_log.SAMPLE_LIMIT`)."""
TAIL_CHARS = 64_000
"""Test output and tracebacks kept for the cell page: their last this many characters."""


P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R")


def per_file(path: str | Path, read: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | Problem:
    """`read(...)` of the one file `path`, or what it raised as that file's problem (`unforeseen`):
    a case no check foresaw (a bug, or input no one imagined) loses that file, not the sweep."""
    try:
        return read(*args, **kwargs)
    except Exception as err:  # noqa: BLE001 - the reader goes on with the next file
        return unforeseen(err, path)


def per_file_rows(path: str | Path, rows: Iterator[R]) -> Iterator[R | Problem]:
    """The rows of the one file `path`, then what reading it raised as its problem (`unforeseen`):
    the rows before the error are kept, and the reader goes on with its next file."""
    try:
        yield from rows
    except Exception as err:  # noqa: BLE001 - the reader goes on with the next file
        yield unforeseen(err, path)


def unforeseen(err: Exception, path: str | Path, line: int = 0) -> Problem:
    """An unforeseen error while reading `path`, at the line a JSON error names (else `line`)."""
    return Problem(str(path), err.lineno if isinstance(err, json.JSONDecodeError) else line, failure(err))


def checked(row: CellRow, check: Callable[[CellRow], list[Problem]]) -> list[Problem]:
    """What a reader's full `check` says of one row, behind that row's file's boundary (`per_file`)."""
    got = per_file(row.source.path, check, row)
    return [got] if isinstance(got, Problem) else got


class Unreadable(Exception):
    """A file that is missing, unreadable or not the JSON object expected; `problem` says which."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def read_object(path: Path, limit: int = RECORD_LIMIT) -> dict[str, Any]:
    """A JSON file that must hold an object, of `limit` bytes at most.

    Raises:
        Unreadable: missing, unreadable, larger than `limit`, not JSON (at its line), or not an object.
    """
    try:
        raw = read_bytes(str(path), limit)
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


def subfolder_paths(folder: Path) -> list[str]:
    """As `subfolders`, as path strings (a trial listing is hot: no Path per folder until needed)."""
    try:
        with os.scandir(folder) as entries:
            found = [e.path for e in entries if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)]
    except OSError:
        return []
    return sorted(found)


def open_regular(path: str | Path) -> tuple[int, os.stat_result]:
    """A read-only descriptor of a regular file, and its stat (a FIFO would wait for a writer for
    ever: it is opened without blocking, and refused).

    Raises:
        OSError: missing, unreadable, or not a regular file.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return fd, info


def read_bytes(path: str, limit: int = RECORD_LIMIT) -> bytes:
    """A file's bytes, by `os.read` on a descriptor: half the cost of `Path.read_bytes` (no file
    object, no buffer), which is most of indexing 10,000 small trial files.

    Raises:
        OSError: unreadable, not a regular file (a FIFO would wait for a writer for ever: it is
            opened without blocking, and refused), or larger than `limit` bytes (`too_large`).
    """
    fd, info = open_regular(path)
    try:
        if info.st_size > limit:
            raise too_large(info.st_size, limit, path)
        first = os.read(fd, READ_CHUNK)
        if len(first) < READ_CHUNK:
            return first
        chunks = [first]
        done = len(first)
        while chunk := os.read(fd, READ_CHUNK):
            chunks.append(chunk)
            done += len(chunk)
            if done > limit:  # it grew while it was read
                raise too_large(done, limit, path)
        return b"".join(chunks)
    finally:
        os.close(fd)


def too_large(size: int, limit: int, path: str) -> OSError:
    """The error of a file over its cap; its text is the problem's (`cannot read: ...`)."""
    return OSError(errno.EFBIG, f"{size:,} bytes, more than the {limit:,} a file of this kind may be; not read", path)


def as_time(value: Any, *, naive_is_local: bool = False) -> datetime | None:
    """An ISO 8601 time as an aware datetime (naive: UTC, or local time where the harness writes
    local time); None where absent or not a time."""
    if not isinstance(value, str) or not value:
        return None
    try:
        at = datetime.fromisoformat(value)  # 3.11 reads a trailing Z too
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


def read_tail(path: Path, limit: int = TAIL_CHARS) -> str | None:
    """The last `limit` characters of a text file, as `tail` cuts them, reading only the file's
    end (a 10 GB test log is not read whole); None where it is absent or unreadable."""
    most = limit * 4  # bytes: a UTF-8 character takes at most four
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO would wait for a writer
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
        with os.fdopen(fd, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            if size <= most:
                handle.seek(0)
                return tail(handle.read(most).decode("utf-8", "replace"), limit)
            handle.seek(size - most)
            end = handle.read(most)
    except OSError:
        return None
    text = end.decode("utf-8", "replace").lstrip("\ufffd")  # a character cut at the seek
    text = text[-limit:]
    return f"[… {size - len(text.encode()):,} bytes before]\n" + text


def str_or(value: Any, default: str) -> str:
    """`value` where it is a non-empty string, else `default`."""
    return value if isinstance(value, str) and value else default


def number(value: Any) -> float | None:
    """A finite number from JSON (not a bool), else None."""
    kind = value.__class__
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is int:
        try:
            return float(value)
        except OverflowError:  # an integer past a float's range
            return None
    return None


def obj(value: Any) -> dict[str, Any]:
    """`value` where it is a JSON object, else an empty one (a field of the wrong type reads as absent)."""
    return value if isinstance(value, dict) else {}


def count(value: Any) -> int | None:
    """A count from JSON: an int that is no bool, else None."""
    return value if value.__class__ is int else None


@dataclass(slots=True)
class Facts:
    """What the index keeps of one trial, read by a reader from its harness's file; the run
    number is given later, when all attempts are known."""

    tui: str
    model: str
    task: str
    status: str
    reward: float | None
    """The pass_rate headline: 1.0 a pass, a fraction a partial one, None not graded."""
    started: datetime | None
    ended: datetime | None
    prompt_tokens: int | None
    completion_tokens: int | None
    cost: float | None = None
    """USD, the `cost` axis (the runner's convention: `scores.cost.cost`), where recorded."""
    name: str = ""
    """The trial's own name: orders attempts that started at the same time."""
    source: Source | None = None

    @property
    def total_tokens(self) -> int | None:
        if self.prompt_tokens is None and self.completion_tokens is None:
            return None
        return (self.prompt_tokens or 0) + (self.completion_tokens or 0)

    @property
    def passed(self) -> bool:
        return self.status == "ok" and self.reward is not None and self.reward >= 1.0

    def head(self, sweep_id: str) -> dict[str, Any]:
        """The cell record these facts make (the base of a reader's full record)."""
        total = self.total_tokens
        scores: dict[str, Any] = {
            "pass_rate": {"pass": self.reward, "timed_out": self.status == "timed_out"},
            "tokens": {
                "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
                "total_tokens": total,
                "tokens_per_correct_task": total if self.passed else None,
            },
            "latency": {"wall_clock_ms": ms_between(self.started, self.ended)},
        }
        if self.cost is not None:
            scores["cost"] = {"cost": self.cost, "currency": "USD"}
        return {
            "tui": self.tui,
            "model": self.model,
            "task": self.task,
            "sweep_id": sweep_id,
            "status": self.status,
            "started_at": self.started,
            "ended_at": self.ended,
            "scores": scores,
            "usage": {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens},
        }


def number_attempts(attempts: Iterable[Facts], sweep_id: str) -> Iterator[CellRow]:
    """Index rows with run numbers: the attempts at one (agent, model, task) ordered by start time
    (then name), counted from 1; a lone attempt gets no `#runN` in its id.

    The rows are built here, not by `CellRow.from_head`: the facts are typed already, and this
    is most of what indexing 10,000 trials costs past reading them. `test_*_reader.py` checks
    that each row agrees with its full record (`Cell`).
    """
    groups: dict[tuple[str, str, str], list[Facts]] = defaultdict(list)
    for attempt in attempts:
        groups[(attempt.tui, attempt.model, attempt.task)].append(attempt)
    far = datetime.max.replace(tzinfo=UTC)
    intern = sys.intern
    sweep = intern(sweep_id)
    for (tui, model, task), group in groups.items():
        group.sort(key=lambda a: (a.started or far, a.name))
        tui, model, task = intern(tui), intern(model), intern(task)
        base = f"{sweep}/{tui}/{model}/{task}"
        several = len(group) > 1
        for run, a in enumerate(group, 1):
            passed = a.passed
            total = a.total_tokens
            headlines = (a.reward, total if passed and total else None, ms_between(a.started, a.ended), *_NONE4)
            yield CellRow(
                f"{base}#run{run}" if several else base,
                sweep,
                tui,
                model,
                task,
                run,
                intern(a.status),
                None,
                a.started,
                a.ended,
                headlines,
                () if a.cost is None else (("cost", a.cost),),
                total,
                cast(Source, a.source),
                1,
                0,
                passed,
                intern(outcome_of(a.status, passed)),
            )


_NONE4: tuple[None, None, None, None] = (None, None, None, None)
"""The headlines of blast radius, refusal, integrity and composite: no harness records them."""


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


def check_record(
    opened: OpenedRecord, row: CellRow, shape: Callable[[dict[str, Any]], Shape], artifacts: CellArtifacts | None
) -> list[Problem]:
    """What `validate` says of a trial: what opening it said, the fields of its record file of a
    wrong type, and its artifacts' problems. The file is read as `open` reads it (`read_bytes`:
    a FIFO is refused, not waited on)."""
    problems = list(opened.problems)
    path = row.source.path
    try:
        raw = read_bytes(str(path))
        problems.extend(shape(parse_object(raw, path)).problems(path, raw))
    except (OSError, Unreadable):
        pass  # said by open
    if artifacts is not None:
        problems.extend(artifacts.problems)
    return problems


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
