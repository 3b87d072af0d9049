"""The index that grows: cells files read chunk by chunk, and read on from where they stopped.

One mechanism serves a big sweep being loaded and a running sweep being written:
each cells file is a `FileTail` that remembers how far it was read, so reading a
chunk, reading the rest, and reading what was appended since are the same call.
A last line without its newline is a line still being written: it is held back
(read again with the next chunk), reported only with `strict`, or once the file
has stopped growing for `QUIET_S` (`GrowingIndex.poll`). Files are opened
read-only; nothing is ever written under a results folder.

Each read returns a `Chunk` (the rows and problems it added, and bytes read of
all), so the screens can show the first cells at once and the rest as they come.
A source of another kind (another harness's results) plugs in as another tail
that yields chunks of the same `CellRow`s.
"""

from __future__ import annotations

import io
import os
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cabtui.data.problems import Problem
from cabtui.data.results.discovery import SweepSource, UnreadablePath, find_sources
from cabtui.data.results.duplicates import Seen, duplicate_message, without_repeats
from cabtui.data.results.index import CELLS_FORMAT, CellRow, Results, Source, Sweep
from cabtui.data.results.lines import BOM, Parsed, failure, index_row, parse_line, read_sweep_info

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
    """New rows, in file order (duplicates of earlier cells left out: they are problems)."""
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


class GrowingIndex:
    """The sweeps under a PATH, read in chunks and read on as their files grow.

    `eager` gives each chunk's problems to their sweep at once (the browser);
    without it they are given when their file has been read to its end, so a bad line
    goes to the sweep its file's records name (`load`). `full` checks every field of
    every record, as `cabtui validate` does; `strict` reports a last line without its
    newline at once. With `check_at_end` (or without `eager`), repeated cells of the first
    read are found once at its end (`end_first_read`, `finish`), row by row after it.

    Raises:
        UnreadablePath: PATH does not exist or holds no sweep.
    """

    def __init__(
        self,
        path: Path,
        *,
        full: bool = False,
        strict: bool = False,
        eager: bool = True,
        check_at_end: bool = False,
        sources: list[SweepSource] | None = None,
    ) -> None:
        self.path = path
        self.full = full
        self.strict = strict
        self.eager = eager
        self.results = Results(path=path)
        self.by_id: dict[str, Sweep] = {}
        self.tails: dict[Path, FileTail] = {}
        self.done = 0
        self._seen: dict[str, Seen] = {}
        """Per sweep, the first row of each cell id and of each (tui, model, task, run)."""
        self._unchecked = check_at_end or not eager
        """Rows are added unchecked, their repeats found in bulk at the end of the first read."""
        self._orphans: list[OSError] = []
        if sources is None:
            found = find_sources(path)
            self._orphans, sources = list(found.unreadable), found.sources
        for source in sources:
            self._track(source)

    @classmethod
    def of_files(cls, sources: list[SweepSource]) -> GrowingIndex:
        """An index of just these files, every field checked (`check_fully` reads a sweep's files again)."""
        return cls(Path("."), full=True, eager=False, sources=sources)

    @property
    def total(self) -> int:
        """Bytes in every tracked file, as last seen."""
        return sum(t.size for t in self.tails.values())

    def _track(self, found: SweepSource) -> FileTail:
        folder = found.cells.parent
        problems: list[Problem] = []
        cells = found.format == CELLS_FORMAT  # else another harness's reader reads it (`readers`)
        info = read_sweep_info(folder, problems, full=self.full) if found.sweep_json and cells else None
        default_id = (info.get("sweep_id") if info else None) or found.folder_name
        title = info.get("title") if info else None
        offsets = array("q") if cells else None  # where each line starts (`Source.line_offsets`)
        source = Source(path=found.cells, folder=folder, info=info, sweep_id=default_id, line_offsets=offsets)
        tail = self.tails[found.cells] = FileTail(found, source, title, found.size, pending=problems)
        return tail

    # -- the sweeps --------------------------------------------------------------------------

    def sweep(self, sweep_id: str, title: str | None) -> Sweep:
        """The sweep of this id, made (and listed in the results) when first named."""
        sweep = self.by_id.get(sweep_id)
        if sweep is None:
            sweep = self.by_id[sweep_id] = Sweep(sweep_id, title)
            self.results.sweeps.append(sweep)
        return sweep

    def _problem(self, problem: Problem, sweep_id: str, title: str | None, chunk: Chunk | None) -> None:
        self.results.problems.append(problem)
        self.sweep(sweep_id, title).problems.append(problem)
        if chunk is not None:
            chunk.problems.append(problem)
            chunk.sweeps.add(sweep_id)

    def _unreadable_folder(self, err: OSError, sweep_id: str | None, chunk: Chunk | None) -> None:
        """A folder that could not be listed: said in `sweep_id` (the sweep whose folder holds
        it), else in the only sweep, else in a sweep of its own named by its path below PATH."""
        folder = Path(str(err.filename))
        root = self.path
        if sweep_id is None and len(self.by_id) == 1:
            sweep_id = next(iter(self.by_id))
        elif sweep_id is None:
            sweep_id = folder.relative_to(root).as_posix() if folder.is_relative_to(root) else str(folder)
        message = f"cannot read this folder: {err.strerror or err}; skipped"
        self._problem(Problem(str(folder), 0, message), sweep_id, None, chunk)

    def _give_problems(self, tail: FileTail, chunk: Chunk) -> None:
        """The file's problems to the sweep its records name when they all name one, else to the folder's."""
        home = next(iter(tail.named)) if len(tail.named) == 1 else tail.default_id
        title = tail.title if home == tail.default_id else None
        for problem in tail.pending:
            self._problem(problem, home, title, chunk)
        tail.pending.clear()

    def _add(self, row: CellRow, title: str | None, chunk: Chunk) -> None:
        """Add a row to its sweep unless it repeats a cell already there (then it is a problem)."""
        sweep_id = row.sweep_id
        if self._unchecked:  # checked once at the end (`end_first_read`, `finish`)
            self.sweep(sweep_id, title).cells.append(row)
            chunk.sweeps.add(sweep_id)
            chunk.rows.append(row)
            return
        sweep = self.sweep(sweep_id, title)
        seen = self._seen.get(sweep_id)
        if seen is None:
            seen = self._seen[sweep_id] = Seen(sweep.cells)
        first = seen.first(row)
        chunk.sweeps.add(sweep_id)
        if first is None:
            sweep.cells.append(row)
            chunk.rows.append(row)
            return
        self._problem(Problem(str(row.source.path), row.line, duplicate_message(row, first)), sweep_id, None, chunk)

    def end_first_read(self) -> Chunk:
        """The first read is done: its repeated cells are left out and said (in the chunk given
        back), and cells that come from now on are checked as they come."""
        chunk = self._chunk()
        self._drop_repeats(chunk)
        self._unchecked = not self.eager
        self.forget_seen()
        return chunk

    def _drop_repeats(self, chunk: Chunk | None) -> None:
        """Each sweep's cells less those that repeat an earlier one (the first is kept), said last."""
        if not self._unchecked:
            return
        for sweep in self.results.sweeps:
            kept, repeats = without_repeats(sweep.cells)
            if not repeats:
                continue
            sweep.cells = kept
            for row, first in repeats:
                self._problem(
                    Problem(str(row.source.path), row.line, duplicate_message(row, first)), sweep.sweep_id, None, chunk
                )

    def forget_seen(self) -> None:
        """Drop the duplicate-check tables (two entries a cell).

        Called once the first read is done: the views built next reuse the memory, and a
        sweep that grows again builds its table anew from its cells, once.
        """
        self._seen.clear()

    # -- reading -----------------------------------------------------------------------------

    def chunks(
        self, *, first: int = FIRST_CHUNK, size: int = CHUNK, stop: Callable[[], bool] | None = None
    ) -> Iterator[Chunk]:
        """Read every tracked file to its current end, one chunk at a time, in discovery order.

        Then the folders no sweep folder holds that could not be listed (once). `stop` is
        asked before each chunk: true ends the reading there.
        """
        limit = first
        for tail in list(self.tails.values()):
            while True:
                if stop is not None and stop():
                    return
                chunk = self.read(tail, limit)
                limit = size
                yield chunk
                if tail.at_end:
                    break
        if self._orphans:
            chunk = self._chunk()
            for err in self._orphans:
                self._unreadable_folder(err, None, chunk)
            self._orphans.clear()
            yield chunk

    def _chunk(self) -> Chunk:
        return Chunk([], [], set(), self.done, self.total)

    def read(self, tail: FileTail, limit: int = CHUNK) -> Chunk:
        """Read up to `limit` bytes of one file from where it stopped; never raises."""
        chunk = self._chunk()
        if tail.found.format != CELLS_FORMAT:
            self._read_other(tail, chunk)
        elif not tail.dead:
            self._read_into(tail, limit, chunk)
        if self.eager or tail.at_end:
            self._give_problems(tail, chunk)
        if tail.at_end:
            self._ended(tail, chunk)
        chunk.done, chunk.total = self.done, self.total
        return chunk

    def _ended(self, tail: FileTail, chunk: Chunk) -> None:
        """At the file's end the first time: an empty file, and the folders below it that could not be listed."""
        if tail.ended_once:
            return
        tail.ended_once = True
        if tail.records == 0 and tail.held is None and not tail.dead:
            tail.pending.append(Problem(str(tail.source.path), 0, "empty file: no cell records"))
        self._give_problems(tail, chunk)
        for err in tail.found.unreadable:
            self._unreadable_folder(err, tail.default_id, chunk)

    def _read_other(self, tail: FileTail, chunk: Chunk) -> None:
        """A sweep of another harness, read whole by its reader in one chunk (and not followed)."""
        from cabtui.data.results.readers import reader_for

        found = tail.found
        if tail.dead:
            return
        tail.dead = True
        reader = reader_for(found.format)
        try:
            if reader is None:
                raise ValueError(f"no reader for the format {found.format!r}")
            for got in reader.rows(found, self.full):
                if isinstance(got, Problem):
                    tail.pending.append(got)
                    continue
                tail.records += 1
                tail.named.add(got.sweep_id)
                self._add(got, None, chunk)
        except Exception as err:  # noqa: BLE001 - a last resort: a reader catches what one of its files raises
            which = "" if found.cells.is_file() else " (while reading this sweep; its reader did not say which file)"
            tail.pending.append(Problem(str(found.cells), 0, failure(err) + which))
        self.done += tail.size

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

    # -- following files as they grow --------------------------------------------------------

    def rescan(self) -> list[FileTail]:
        """Cells files that appeared under PATH since (new sweep folders): tracked from now on."""
        try:
            found = find_sources(self.path)
        except UnreadablePath:
            return []
        return [self._track(s) for s in found.sources if s.cells not in self.tails]

    def poll(self, now: float, *, size: int = CHUNK) -> Iterator[Chunk]:
        """Read what every tracked file gained since it was last read, chunk by chunk.

        A line held back (no newline) that has not changed for `QUIET_S` is reported now.
        """
        for tail in list(self.tails.values()):
            if tail.dead:
                continue
            try:
                grown = tail.source.path.stat().st_size
            except OSError:
                grown = -1
            if grown != tail.size or not tail.at_end:
                while True:
                    chunk = self.read(tail, size)
                    yield chunk
                    if tail.at_end:
                        break
            if tail.held is not None:
                if tail.held_since is None:
                    tail.held_since = now
                elif now - tail.held_since >= QUIET_S:
                    self._report_held(tail)
                    chunk = self._chunk()
                    self._give_problems(tail, chunk)
                    yield chunk

    def growing(self) -> bool:
        """Whether any file has a line held back (being written)."""
        return any(t.held is not None for t in self.tails.values())

    def finish(self) -> Results:
        """The results, with repeated cells left out and said last (as `load` always has).

        Two records for the same cell (id, or tui, model, task and run): the first is kept.
        Checked here, not per row, when `eager` is off (`without_repeats`).
        """
        if not self.eager:
            self._drop_repeats(None)
        return self.results
