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

from array import array
from collections.abc import Callable, Iterator
from pathlib import Path

from cabtui.data.problems import Problem
from cabtui.data.results.discovery import SweepSource, UnreadablePath, find_sources
from cabtui.data.results.duplicates import Seen, duplicate_message, without_repeats
from cabtui.data.results.index import CELLS_FORMAT, CellRow, Results, Source, Sweep
from cabtui.data.results.lines import failure, read_sweep_info
from cabtui.data.results.tail_reader import (
    CHUNK,
    FIRST_CHUNK,
    QUIET_S,
    READ_BUFFER,
    UNTERMINATED,
    Chunk,
    FileTail,
    TailReader,
)

__all__ = ["CHUNK", "FIRST_CHUNK", "QUIET_S", "READ_BUFFER", "UNTERMINATED", "Chunk", "FileTail", "GrowingIndex"]


class GrowingIndex(TailReader):
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
        self._drop_repeats(None)  # nothing to do where they were checked as they came
        return self.results
