"""One cells file read line by line from where it stopped: the loop every cell of a sweep goes through.

`FileTail` remembers how far a file was read; `TailReader._read_into` (under the growing
index's `read`) takes its whole lines up to a byte limit from a 1 MiB read buffer, holds
back a last line without its newline, and hands each line's row to the index (`_add`).
Split from growing.py, which holds the sweeps and follows the files as they grow.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field

from cabtui.data.problems import Problem
from cabtui.data.results.discovery import SweepSource
from cabtui.data.results.index import CellRow, Source, Sweep
from cabtui.data.results.lines import BOM, Parsed, index_row, parse_line

FIRST_CHUNK = 256 << 10
"""Bytes of the first read: about 130 cells, parsed in milliseconds, so a screen has data at once."""

CHUNK = 4 << 20
"""Bytes of every later read: large enough that a chunk's overhead is nothing, small enough to show progress."""

READ_BUFFER = 1 << 20
"""The file's read buffer: its lines are taken one by one from it (at 8 KiB, the reads cost a tenth
of the load; cutting 4 MiB blocks into lines with `bytes.split` cost more)."""

QUIET_S = 10.0
"""A last line without its newline is reported once its file has not grown for this long."""

UNTERMINATED = " (the last line has no newline: truncated?)"


@dataclass(slots=True)
class Chunk:
    """What one read of one file added to the index."""

    rows: list[CellRow]
    """New rows, in file order (repeats of earlier cells left out, as problems; during a first read
    checked at its end, `GrowingIndex.end_first_read`)."""
    problems: list[Problem]
    """New problems, each also added to its sweep."""
    sweeps: set[str]
    """The ids of the sweeps that got rows or problems."""
    done: int
    """Bytes read of all tracked files so far."""
    total: int
    """Bytes in all tracked files, as last seen."""


@dataclass(slots=True, eq=False)
class FileTail:
    """One cells file and how far it has been read."""

    found: SweepSource
    source: Source
    title: str | None
    size: int
    """The file's size when last looked at."""
    offset: int = 0
    """Bytes read: the start of the first line not yet taken."""
    lineno: int = 0
    """Lines taken so far (blank ones included)."""
    records: int = 0
    named: set[str] = field(default_factory=set)
    """The sweep ids its records name."""
    held: Problem | None = None
    """Why the held-back last line (no newline) is no record yet, while it is held back."""
    held_bytes: int = 0
    """The length of the held-back line."""
    held_since: float | None = None
    """When the file was last seen growing while a line was held back."""
    open_line: bool = False
    """The last line taken was complete JSON without its newline: a newline arriving next ends it."""
    pending: list[Problem] = field(default_factory=list)
    """Problems not yet given to a sweep (with `eager` off, until the file is read to its end)."""
    dead: bool = False
    """The file went away or shrank: read no more of it (a reload reads it again)."""
    ended_once: bool = False
    """Its end was reached once: the folders below it that could not be listed, and emptiness, are said."""

    @property
    def default_id(self) -> str:
        """The sweep of records that name none."""
        return self.source.sweep_id

    @property
    def at_end(self) -> bool:
        """Read up to its last known byte (a held-back line counts as read until the file grows)."""
        return self.dead or self.offset + self.held_bytes >= self.size


class TailReader:
    """The reading of one file's lines, for the growing index (which defines `_add`)."""

    done: int
    """Bytes read of all tracked files."""
    full: bool
    strict: bool
    by_id: dict[str, Sweep]
    _unchecked: bool

    def _add(self, row: CellRow, title: str | None, chunk: Chunk) -> None:
        raise NotImplementedError

    def _read_into(self, tail: FileTail, limit: int, chunk: Chunk) -> None:
        """Take the whole lines of the next `limit` bytes (at least one line); hold back a last
        line still being written."""
        file = tail.source.path
        name = str(file)
        if not file.is_file():  # a FIFO or device named cells.jsonl would block the read
            tail.pending.append(Problem(name, 0, "not a regular file; skipped"))
            tail.dead = True
            return
        rest = b""
        try:
            with io.BufferedReader(io.FileIO(file), READ_BUFFER) as handle:
                size = os.fstat(handle.fileno()).st_size
                if size < tail.offset:
                    tail.pending.append(Problem(name, 0, "the file shrank since it was read; reload to read it again"))
                    tail.dead = True
                    return
                handle.seek(tail.offset)
                if tail.open_line and handle.peek(1)[:1] == b"\n":  # the newline of the line taken without it
                    handle.read(1)
                    tail.offset += 1
                    self.done += 1
                tail.open_line = False
                rest = self._lines(tail, handle, limit, chunk)
        except OSError as err:
            tail.pending.append(Problem(name, 0, f"cannot read: {err.strerror or err}"))
            tail.dead = True
            return
        grown = size > tail.size
        tail.size = max(size, tail.offset + len(rest))
        if rest:  # the file ends in a line without its newline
            self._last_line(tail, rest, grown, chunk)
        else:
            tail.held, tail.held_bytes = None, 0

    def _lines(self, tail: FileTail, handle: io.BufferedReader[io.FileIO], limit: int, chunk: Chunk) -> bytes:
        """Take whole lines from the tail's offset on until `limit` bytes are taken: the loop every
        cell goes through. Returns a last line without its newline (the file's end), else b"".

        Written out in one function, names bound locally: a call per line costs a tenth of the load.
        """
        source, default_id, full, title = tail.source, tail.default_id, self.full, tail.title
        name = str(source.path)
        pending, named = tail.pending, tail.named
        offset, lineno, records = tail.offset, tail.lineno, tail.records
        stop = offset + limit
        add = self._add
        # The rows of the file's own sweep, unchecked (the first read): appended here, not in `_add`.
        home = self.by_id.get(default_id) if self._unchecked else None
        cells = home.cells if home is not None else None
        taken, homed = chunk.rows, False
        starts = source.line_offsets.append if source.line_offsets is not None else None
        kept = -1 if starts is not None else None  # the rows' offset: in `line_offsets`
        try:
            for raw in handle:
                if raw[-1] != 10:  # no newline: the end of the file, maybe a line still being written
                    return raw
                lineno += 1
                start = offset
                offset += len(raw)
                if starts is not None:
                    starts(start)
                if len(raw) < 9 and not raw.strip():  # short lines only: strip() copies the line
                    if offset >= stop:
                        break
                    continue
                records += 1
                if lineno == 1 and raw.startswith(BOM):  # as the recording reader does
                    raw = raw[len(BOM) :]
                if full:
                    got = parse_line(raw, name, lineno, start, source, default_id, True)
                    if isinstance(got, list):
                        pending.extend(got)
                        row = None
                    else:
                        row = got[0]
                        pending.extend(got[1])
                else:
                    row = index_row(raw, name, lineno, start if kept is None else kept, source, default_id, pending)
                if row is None:
                    pass
                elif cells is not None and row.sweep_id == default_id:
                    cells.append(row)
                    taken.append(row)
                    homed = True
                else:
                    named.add(row.sweep_id)
                    add(row, title if row.sweep_id == default_id else None, chunk)
                    if self._unchecked and row.sweep_id == default_id:  # the file's own sweep is made now
                        cells = self.by_id[default_id].cells
                if offset >= stop:
                    break
        finally:
            if homed:
                named.add(default_id)
                chunk.sweeps.add(default_id)
            self.done += offset - tail.offset
            tail.offset, tail.lineno, tail.records = offset, lineno, records
        return b""

    def _last_line(self, tail: FileTail, rest: bytes, grown: bool, chunk: Chunk) -> None:
        """A last line without its newline: a whole record is taken; a part of one is held back."""
        lineno = tail.lineno + 1
        got = self._parse(tail, rest, lineno, tail.offset)
        if not (isinstance(got, list) and got and got[0].message.startswith("not JSON")):
            self._line(tail, rest, tail.offset, tail.title, chunk, got)  # complete JSON: only its newline is missing
            tail.offset += len(rest)
            self.done += len(rest)
            tail.open_line = True
            tail.held, tail.held_bytes = None, 0
            return
        held = Problem(got[0].file, lineno, got[0].message + UNTERMINATED)
        if tail.held != held or grown:
            tail.held_since = None  # still growing: wait again
        tail.held, tail.held_bytes = held, len(rest)
        if self.strict:
            self._report_held(tail)

    def _report_held(self, tail: FileTail) -> None:
        """Report the held-back line as a problem, and take it (its bytes are not read again)."""
        if tail.held is None:
            return
        tail.pending.append(tail.held)
        self._line_starts(tail, tail.offset)
        tail.lineno += 1
        tail.records += 1
        tail.offset += tail.held_bytes
        self.done += tail.held_bytes
        tail.held, tail.held_bytes, tail.held_since = None, 0, None
        tail.open_line = True

    @staticmethod
    def _line_starts(tail: FileTail, offset: int) -> None:
        """The next line (`tail.lineno + 1`) starts at `offset` (`Source.line_offsets`)."""
        if tail.source.line_offsets is not None:
            tail.source.line_offsets.append(offset)

    def _parse(self, tail: FileTail, raw: bytes, lineno: int, offset: int) -> Parsed:
        """One line (its newline cut off) as a row and its problems, or why it is no record."""
        if lineno == 1 and raw.startswith(BOM):  # as the recording reader does; the row keeps the line's offset
            raw = raw[len(BOM) :]
        return parse_line(raw, str(tail.source.path), lineno, offset, tail.source, tail.default_id, self.full)

    def _line(
        self,
        tail: FileTail,
        raw: bytes,
        offset: int,
        title: str | None,
        chunk: Chunk,
        parsed: Parsed | None = None,
    ) -> None:
        self._line_starts(tail, offset)
        tail.lineno += 1
        if parsed is None:
            if len(raw) < 8 and not raw.strip():  # short lines only: strip() copies the line
                return
            parsed = self._parse(tail, raw, tail.lineno, offset)
        tail.records += 1
        if isinstance(parsed, list):
            tail.pending.extend(parsed)
            return
        row, notes = parsed
        tail.pending.extend(notes)
        tail.named.add(row.sweep_id)
        self._add(row, title if row.sweep_id == tail.default_id else None, chunk)
