"""A cell's trace and model-call files read on from where they stopped, for a replay that follows them.

A cell still running appends spans to trace.jsonl and calls to model_calls.jsonl. Each file is a
`RecordTail`: it remembers how far its whole lines were read, so the first read (the cell opened)
and every later one (what was appended since) are the same call, and a later one parses only the
new lines. A last line without its newline is a line still being written: a whole record is shown
already (only its newline is missing, as the cells loader does), a part of one is waited for and
never becomes a span; it is read again, from its start, with the next read. A file that shrank was
rewritten: it is read again from its start. An OpenTelemetry trace (spans assembled across lines)
is read again whole when it has grown and ends with a newline. Files are opened read-only and
without blocking (a FIFO would wait for a writer); nothing here writes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Generic, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from cabtui.data.problems import Problem
from cabtui.data.results.lines import describe_validation_error, failure
from cabtui.data.results.models import ModelCall, Span
from cabtui.data.results.readers.common import open_regular
from cabtui.data.results.watch import file_size

M = TypeVar("M", bound=BaseModel)

READ_BLOCK = 1 << 20
"""Bytes read at a time: a big trace is parsed line by line, never held whole."""

UNTERMINATED = " (the last line has no newline: still being written?)"


def _lines(fd: int, offset: int) -> Iterator[tuple[bytes, bool]]:
    """The lines from `offset` on, newlines cut off, each with whether it had one.

    A line longer than a block is gathered as a list of parts and joined once (linear in its length).
    """
    parts: list[bytes] = []
    os.lseek(fd, offset, os.SEEK_SET)
    while block := os.read(fd, READ_BLOCK):
        start = 0
        while (end := block.find(b"\n", start)) >= 0:
            if parts:
                parts.append(block[start:end])
                yield b"".join(parts), True
                parts = []
            else:
                yield block[start:end], True
            start = end + 1
        if start < len(block):
            parts.append(block[start:])
    if parts:
        yield b"".join(parts), False


@dataclass(slots=True, eq=False)
class RecordTail(Generic[M]):
    """One JSON-lines file of records (spans or model calls) and how far it has been read."""

    path: Path
    model: type[M]
    offset: int = 0
    """The start of the first line not taken (an unterminated last line is not taken)."""
    lineno: int = 0
    """Lines taken (blank ones included)."""
    size: int = -1
    """The file's size at the last read; -1 before the first."""
    taken: list[M] = field(default_factory=list)
    """The records of whole lines, in file order."""
    problems: list[Problem] = field(default_factory=list)
    """What is wrong with whole lines (and why the file cannot be read)."""
    last: tuple[M, ...] = ()
    """The record of a last line that is whole JSON but has no newline yet (shown, not taken)."""
    last_problems: tuple[Problem, ...] = ()
    """What is wrong with that last line, or why it is no record yet (being written)."""
    writing: bool = False
    """The last line is a part of a record: still being written."""

    @property
    def records(self) -> tuple[M, ...]:
        """Every record so far, the unterminated last line's included."""
        return (*self.taken, *self.last)

    @property
    def all_problems(self) -> tuple[Problem, ...]:
        """Every problem so far, the unterminated last line's included."""
        return (*self.problems, *self.last_problems)

    def grew(self) -> bool:
        """Whether the file's size differs from the last read's (one stat; no open)."""
        return file_size(self.path) != self.size

    def fork(self) -> RecordTail[M]:
        """A copy that reads on by itself (one replay's, while the cell page keeps the first)."""
        return replace(self, taken=list(self.taken), problems=list(self.problems))

    def read(self) -> bool:
        """Take the whole lines written since the last read; whether the records changed. Never raises.

        A file that cannot be read (gone, not a regular file) keeps what it gave, and says why once.
        """
        before = (len(self.taken), self.last, self.writing)
        name = str(self.path)
        try:
            fd, info = open_regular(self.path)
        except OSError as err:
            if self.size != -1 or not self.problems:
                self.problems.append(Problem(name, 0, f"cannot read: {err.strerror or err}"))
            self.size = -1
            return False
        try:
            size = info.st_size
            if size < self.offset:  # rewritten, not appended to: read from its start
                self._reset()
            self.size = size
            self.last, self.last_problems, self.writing = (), (), False
            for raw, whole in _lines(fd, self.offset):
                if whole:
                    self._take(raw, name)
                else:
                    self._last(raw, name)
        except OSError as err:
            self.problems.append(Problem(name, 0, f"cannot read: {err.strerror or err}"))
        finally:
            os.close(fd)
        return (len(self.taken), self.last, self.writing) != before

    def _reset(self) -> None:
        self.offset = self.lineno = 0
        self.taken.clear()
        self.problems.clear()
        self.last, self.last_problems, self.writing = (), (), False

    def _take(self, raw: bytes, name: str) -> None:
        self.lineno += 1
        self.offset += len(raw) + 1
        if not raw.strip():
            return
        got = self._parse(raw, name, self.lineno)
        if isinstance(got, Problem):
            self.problems.append(got)
        else:
            self.taken.append(got)

    def _last(self, raw: bytes, name: str) -> None:
        """A last line without its newline: not taken (read again next time), shown if whole."""
        if not raw.strip():
            return
        got = self._parse(raw, name, self.lineno + 1)
        if isinstance(got, Problem):
            self.writing = got.message.startswith("not JSON")
            self.last_problems = (Problem(got.file, got.line, got.message + UNTERMINATED),)
        else:
            self.last = (got,)

    def _parse(self, raw: bytes, name: str, lineno: int) -> M | Problem:
        try:
            return self.model.model_validate(orjson.loads(raw))
        except orjson.JSONDecodeError as err:
            return Problem(name, lineno, f"not JSON: {err}")
        except ValidationError as err:
            what = "a span" if self.model is Span else "a model call"
            return Problem(name, lineno, describe_validation_error(err, what))
        except Exception as err:  # noqa: BLE001 - whatever one line does, the rest is read
            return Problem(name, lineno, failure(err))


@dataclass(slots=True, eq=False)
class OtlpFile:
    """An OpenTelemetry trace file, read again whole once it has grown to a newline."""

    path: Path
    started_at: datetime | None
    size: int = -1
    spans: tuple[Span, ...] = ()
    calls: tuple[ModelCall, ...] = ()
    problems: tuple[Problem, ...] = ()

    def grew(self) -> bool:
        """Whether the file's size differs from the last read's."""
        return file_size(self.path) != self.size

    def read(self) -> bool:
        """Read it again if it grew and its last line is whole; whether the spans or calls changed."""
        size = file_size(self.path)
        if size == self.size or not _ends_a_line(self.path, size):
            return False
        from cabtui.data.results.readers.trace_records import otlp_artifacts

        spans, calls, problems = otlp_artifacts(self.path, self.started_at)
        changed = (spans, calls) != (self.spans, self.calls)
        self.size, self.spans, self.calls, self.problems = size, spans, calls, tuple(problems)
        return changed

    def fork(self) -> OtlpFile:
        """A copy that reads on by itself."""
        return replace(self)  # its fields are immutable


def _ends_a_line(path: Path, size: int) -> bool:
    """Whether the file's last byte is a newline (a line still being written waits for it)."""
    if size <= 0:
        return False
    try:
        fd, _ = open_regular(path)
    except OSError:
        return False
    try:
        return os.pread(fd, 1, size - 1) == b"\n"
    except OSError:
        return False
    finally:
        os.close(fd)


@dataclass(slots=True, eq=False)
class LiveTrace:
    """The files a cell's spans and model calls come from, followed as they grow.

    `read` takes what was appended to each; `spans`, `calls` and `problems` are then what
    a replay shows in place of what the cell was opened with.
    """

    trace: RecordTail[Span] | None = None
    calls_file: RecordTail[ModelCall] | None = None
    otlp: OtlpFile | None = None
    calls_from_otlp: bool = True
    """The OTLP trace's model spans are the calls when no other calls are recorded."""

    def _sources(self) -> list[RecordTail[Span] | RecordTail[ModelCall] | OtlpFile]:
        return [s for s in (self.trace, self.calls_file, self.otlp) if s is not None]

    @property
    def followed(self) -> bool:
        """Whether there is a file to follow at all (inline spans and other harnesses' have none)."""
        return bool(self._sources())

    def grew(self) -> bool:
        """Whether any of the files changed size since it was last read (a stat each)."""
        return any(source.grew() for source in self._sources())

    def read(self) -> bool:
        """Read on in every file; whether the spans or calls changed. Never raises."""
        changed = False
        for source in self._sources():
            changed = source.read() or changed
        return changed

    @property
    def writing(self) -> bool:
        """Whether a file ends in a part of a line: a record still being written."""
        return any(tail.writing for tail in (self.trace, self.calls_file) if tail is not None)

    @property
    def spans(self) -> tuple[Span, ...] | None:
        """The spans read so far; None when they come from no file (inline in the record)."""
        if self.otlp is not None:
            return self.otlp.spans
        return self.trace.records if self.trace is not None else None

    @property
    def calls(self) -> tuple[ModelCall, ...] | None:
        """The calls read so far, by index (as `read_artifacts` gives them): the calls file's,
        else the OTLP trace's model spans; None when they come from no file."""
        calls = self.calls_file.records if self.calls_file is not None else None
        if not calls and self.otlp is not None and self.calls_from_otlp:
            calls = self.otlp.calls
        return None if calls is None else tuple(sorted(calls, key=lambda call: call.index))

    @property
    def problems(self) -> tuple[Problem, ...]:
        found: list[Problem] = []
        for tail in (self.trace, self.calls_file):
            if tail is not None:
                found.extend(tail.all_problems)
        if self.otlp is not None:
            found.extend(self.otlp.problems)
        return tuple(found)

    def fork(self) -> LiveTrace:
        """A copy that reads on by itself: each replay follows from where the cell was read."""
        return LiveTrace(
            self.trace.fork() if self.trace is not None else None,
            self.calls_file.fork() if self.calls_file is not None else None,
            self.otlp.fork() if self.otlp is not None else None,
            self.calls_from_otlp,
        )
