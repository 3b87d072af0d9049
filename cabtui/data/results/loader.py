"""Load the cells.jsonl files a PATH names into a compact index, and read one cell's record again.

Problems are collected, not raised: a bad line is reported as `FILE:LINE:
message` and skipped, and the rest still loads. Files are opened read-only;
nothing is ever written under a results folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cabtui.data.memory import gc_paused
from cabtui.data.problems import Problem
from cabtui.data.results.discovery import SWEEP_FILE, SweepSource
from cabtui.data.results.growing import GrowingIndex
from cabtui.data.results.index import CELLS_FORMAT, CellRow, Results, Sweep
from cabtui.data.results.lines import (
    BOM,
    describe_validation_error,
    failure,
    read_sweep_info,
)

if TYPE_CHECKING:
    from cabtui.data.results.models import Cell

# The pydantic models (cabtui.data.results.models) are imported where a whole record is
# validated: an opened cell, `cabtui validate`. Importing them costs more than
# indexing a published-size sweep, and the browser's first screen needs neither.

__all__ = [
    "OpenedRecord",
    "check_fully",
    "describe_validation_error",
    "load",
    "open_record",
    "read_cell",
    "read_sweep_info",
]

Progress = Callable[[int, int], None]
"""Called with (bytes read, bytes in all) while loading."""


def load(
    path: Path,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    full: bool = False,
    strict: bool = False,
) -> Results:
    """Load every sweep PATH names, whole; `should_stop` is polled to cancel between chunks.

    With `full`, every record is validated whole (as `cabtui validate` does); without
    it, only what the index keeps, and the rest when a cell is opened. A last line
    without its newline that is not yet a whole record is a line still being written:
    left out, and reported only with `strict`. The browser reads the same chunks as
    they come (`GrowingIndex`).

    Raises:
        UnreadablePath: PATH does not exist or holds no sweep.
    """
    index = GrowingIndex(path, full=full, strict=strict, eager=False)
    with gc_paused(freeze=True):  # the index outlives the load: out of the collector's sight
        for chunk in index.chunks(stop=should_stop):
            if progress is not None:
                progress(chunk.done, chunk.total)
    return index.finish()


def check_fully(sweep: Sweep, should_stop: Callable[[], bool] | None = None) -> list[Problem]:
    """The sweep's problems as `cabtui validate` finds them: its files read again, every field checked.

    Loading checks only what the index keeps (checking the rest costs a fifth more
    load time), so the Problems tab runs this in a worker to list what `validate` lists.
    """
    files = {row.source.path: row.source for row in sweep.cells if row.source.format == CELLS_FORMAT}
    others = [row for row in sweep.cells if row.source.format != CELLS_FORMAT]
    index = GrowingIndex.of_files(
        [SweepSource(file, source.sweep_id, source.folder / SWEEP_FILE, 0) for file, source in files.items()]
    )
    for _ in index.chunks(stop=should_stop):
        pass
    again = index.finish().sweep(sweep.sweep_id)
    found = {str(p): p for p in sweep.problems}  # kept: problems of files without cells, of folders
    for problem in again.problems if again else ():
        found.setdefault(str(problem), problem)
    for problem in _check_others(others, should_stop or (lambda: False)):
        found.setdefault(str(problem), problem)
    return sorted(found.values(), key=lambda p: (p.file, p.line))  # stable: a line's problems keep their order


def _check_others(rows: list[CellRow], stopped: Callable[[], bool]) -> list[Problem]:
    """What the readers of other harnesses say of their rows' files, checked in full."""
    from cabtui.data.results.readers import reader_for

    out: list[Problem] = []
    for row in rows:
        if stopped():
            break
        reader = reader_for(row.source.format)
        try:
            out.extend(reader.check(row) if reader else [Problem(str(row.source.path), 0, "no reader for this format")])
        except Exception as err:  # noqa: BLE001 - one cell's files must not stop the check
            out.append(Problem(str(row.source.path), row.line, failure(err)))
    return out


def _default_sweep(row: CellRow) -> str:
    source = row.source
    return source.sweep_id or (source.info.get("sweep_id") if source.info else None) or source.folder.resolve().name


@dataclass(frozen=True)
class OpenedRecord:
    """A cell's full record read again when it is opened, and what is wrong with its line.

    `cell` is None where the line can no longer be read as this cell (the file changed,
    went away or is garbled); `problems` then says why, as `FILE:LINE: message`. Otherwise
    they are the fields left out for a wrong type ("not recorded" on the page).
    """

    cell: Cell | None
    problems: tuple[Problem, ...] = ()


def open_record(row: CellRow) -> OpenedRecord:
    """Read the full record of an indexed cell from its line on disk (or through the reader of
    its harness, `readers`); never raises."""
    from cabtui.data.results.verdict import parse_cell

    if row.source.format != CELLS_FORMAT:
        return _open_other(row)
    name = str(row.source.path)
    try:
        with row.source.path.open("rb") as handle:
            handle.seek(row.offset)
            raw = handle.readline()
    except (OSError, ValueError) as err:  # ValueError: a seek past what a file object takes
        return _unread(row, f"cannot read: {getattr(err, 'strerror', None) or err}")
    if row.line == 1:
        raw = raw.removeprefix(BOM)
    if not raw.strip():
        return _unread(row, "the file changed since it was loaded (this line is gone); reload it")
    try:
        cell, notes = parse_cell(raw, _default_sweep(row))
    except Exception as err:  # noqa: BLE001 - a changed file must not take the page down
        return _unread(row, failure(err))
    if cell is None:
        return _unread(row, notes[0] + " (the file changed since it was loaded? reload it)")
    if cell.cell_id != row.cell_id:
        return _unread(row, "the file changed since it was loaded; reload it")
    return OpenedRecord(cell, tuple(Problem(name, row.line, note) for note in notes))


def _open_other(row: CellRow) -> OpenedRecord:
    """The full record of a row another harness's reader made."""
    from cabtui.data.results.readers import reader_for

    reader = reader_for(row.source.format)
    if reader is None:
        return _unread(row, f"no reader for the format {row.source.format!r}")
    try:
        return reader.open(row)
    except Exception as err:  # noqa: BLE001 - a changed file must not take the page down
        return _unread(row, failure(err))


def _unread(row: CellRow, message: str) -> OpenedRecord:
    return OpenedRecord(None, (Problem(str(row.source.path), row.line, message),))


def read_cell(row: CellRow) -> Cell | Problem:
    """The full record of an indexed cell, or why it cannot be read; never raises.

    `open_record` also gives the fields left out for a wrong type.
    """
    opened = open_record(row)
    return opened.cell if opened.cell is not None else opened.problems[0]
