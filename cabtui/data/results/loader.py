"""Stream the cells.jsonl files a PATH names (found by discovery.py) into a compact index.

Problems are collected, not raised: a bad line is reported as `FILE:LINE:
message` and skipped, and the rest still loads. Files are opened read-only;
nothing is ever written under a results folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
from pydantic_core import ValidationError

from cabtui.data.memory import gc_paused
from cabtui.data.problems import Problem
from cabtui.data.results.discovery import SWEEP_FILE, SweepSource, find_sources
from cabtui.data.results.fields import AXES, STATUSES
from cabtui.data.results.head import CELL_HEAD, SWEEP_HEAD, SweepHead
from cabtui.data.results.index import CELLS_FORMAT, CellRow, Results, Source, Sweep
from cabtui.data.text import one_line

if TYPE_CHECKING:
    from cabtui.data.results.models import Cell

# The pydantic models (cabtui.data.results.models) are imported where a whole record is
# validated: an opened cell, `cabtui validate`. Importing them costs more than
# indexing a published-size sweep, and the browser's first screen needs neither.

KNOWN_AXES = frozenset(AXES)
KNOWN_STATUSES = frozenset(STATUSES)
BOM = b"\xef\xbb\xbf"
PROGRESS_EVERY = 2000
"""Lines between two progress callbacks."""

Progress = Callable[[int, int], None]
"""Called with (bytes read, bytes in all) while loading."""


def describe_validation_error(err: ValidationError, what: str = "a cell record") -> str:
    """One line from a pydantic error: the first field's path and message, and how many more."""
    errors = err.errors(include_url=False)
    first = errors[0]
    if first["type"] == "json_invalid":
        return f"not JSON: {first['msg'].removeprefix('Invalid JSON: ')}"
    if first["type"] in ("model_type", "model_attributes_type", "dict_type") and not first["loc"]:
        return f"not {what}: a JSON object was expected"
    where = ".".join(str(p) for p in first["loc"] if not str(p).startswith("function-"))
    text = f"{where}: {first['msg']}" if where else first["msg"]
    more = len(errors) - 1
    return f"not {what}: {text}" + (f" (+{more} more)" if more else "")


def read_sweep_info(folder: Path, problems: list[Problem], *, full: bool = False) -> SweepHead | None:
    """What sweep.json of a folder says, or None; a broken one is a problem, not a failure.

    With `full`, all of it is checked (`SweepInfo`), not only what the index uses.
    """
    path = folder / SWEEP_FILE
    if not path.is_file():
        return None
    try:
        data = orjson.loads(path.read_bytes().removeprefix(BOM))
        if full:
            from cabtui.data.results.models import SweepInfo

            SweepInfo.model_validate(data)
        return SWEEP_HEAD.validate_python(data)  # type: ignore[no-any-return]
    except (OSError, orjson.JSONDecodeError, ValidationError) as err:
        message = describe_validation_error(err, "a sweep.json") if isinstance(err, ValidationError) else str(err)
        problems.append(Problem(str(path), 1, message))
        return None


def load(
    path: Path,
    *,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    full: bool = False,
) -> Results:
    """Load every sweep PATH names; `should_stop` is polled to cancel between batches.

    With `full`, every record is validated whole (as `cabtui validate` does); without
    it, only what the index keeps, and the rest when a cell is opened.

    Raises:
        UnreadablePath: PATH does not exist or holds no sweep.
    """
    found = find_sources(path)
    results = Results(path=path)
    loader = _Loader(results, sum(s.size for s in found.sources), progress, should_stop, full)
    with gc_paused(freeze=True):  # the index outlives the load: out of the collector's sight
        for source in found.sources:
            if loader.stopped():
                break
            loader.read_file(source)
    for err in found.unreadable:
        loader.unreadable_folder(err, path)
    results.sweeps = [s for s in loader.by_id.values() if s.cells or s.problems]
    _flag_duplicates(results)
    return results


class _Loader:
    """The state of one load: sweeps by id, bytes read, and the callbacks."""

    def __init__(
        self,
        results: Results,
        total: int,
        progress: Progress | None,
        should_stop: Callable[[], bool] | None,
        full: bool,
    ) -> None:
        self.full = full
        self.results = results
        self.by_id: dict[str, Sweep] = {}
        self.total = total
        self.done = 0
        self.progress = progress
        self.should_stop = should_stop

    def stopped(self) -> bool:
        return self.should_stop is not None and self.should_stop()

    def sweep(self, sweep_id: str, title: str | None) -> Sweep:
        sweep = self.by_id.get(sweep_id)
        if sweep is None:
            sweep = self.by_id[sweep_id] = Sweep(sweep_id, title)
        return sweep

    def problem(self, problem: Problem, sweep_id: str, title: str | None) -> None:
        self.results.problems.append(problem)
        self.sweep(sweep_id, title).problems.append(problem)

    def unreadable_folder(self, err: OSError, root: Path, sweep_id: str | None = None) -> None:
        """A folder that could not be listed: said in `sweep_id` (the sweep whose folder holds
        it), else in the only sweep, else in a sweep of its own named by its path below ROOT."""
        folder = Path(str(err.filename))
        if sweep_id is None and len(self.by_id) == 1:
            sweep_id = next(iter(self.by_id))
        elif sweep_id is None:
            sweep_id = folder.relative_to(root).as_posix() if folder.is_relative_to(root) else str(folder)
        self.problem(
            Problem(str(folder), 0, f"cannot read this folder: {err.strerror or err}; skipped"), sweep_id, None
        )

    def read_file(self, found: SweepSource) -> None:
        """Index one cells file.

        Its problems go to the sweep its records name, when they all name one, else
        to the folder's, so that a bad line shows beside the cells it was among; the
        folders below it that could not be listed go to the folder's sweep.
        """
        if found.format != CELLS_FORMAT:
            self.read_other(found)
            return
        file = found.cells
        folder = file.parent
        problems: list[Problem] = []
        info = read_sweep_info(folder, problems, full=self.full) if found.sweep_json else None
        default_id = (info.get("sweep_id") if info else None) or found.folder_name
        title = info.get("title") if info else None
        named: set[str] = set()
        source = Source(path=file, folder=folder, info=info, sweep_id=default_id)
        self._read_lines(source, title, problems, named)
        home = next(iter(named)) if len(named) == 1 else default_id
        for problem in problems:
            self.problem(problem, home, title if home == default_id else None)
        for err in found.unreadable:
            self.unreadable_folder(err, folder, default_id)

    def read_other(self, found: SweepSource) -> None:
        """Index one sweep of another harness through its reader (`readers`), as `read_file` does a cells file."""
        from cabtui.data.results.readers import reader_for

        problems: list[Problem] = []
        named: set[str] = set()
        reader = reader_for(found.format)
        try:
            if reader is None:
                raise ValueError(f"no reader for the format {found.format!r}")
            for count, got in enumerate(reader.rows(found, self.full), 1):
                if count % PROGRESS_EVERY == 0 and self.stopped():
                    return
                if isinstance(got, Problem):
                    problems.append(got)
                    continue
                named.add(got.sweep_id)
                self.sweep(got.sweep_id, None).cells.append(got)
        except Exception as err:  # noqa: BLE001 - whatever one reader does, the other sweeps load
            problems.append(Problem(str(found.cells), 0, _failure(err)))
        home = next(iter(named)) if len(named) == 1 else found.folder_name
        for problem in problems:
            self.problem(problem, home, None)
        for unlisted in found.unreadable:
            self.unreadable_folder(unlisted, found.cells, found.folder_name)

    def _read_lines(self, source: Source, title: str | None, problems: list[Problem], named: set[str]) -> None:
        """Add each record of a file to its sweep, and the sweep ids they name to `named`."""
        file, default_id = source.path, source.sweep_id
        name = str(file)
        if not file.is_file():  # a FIFO or device named cells.jsonl would block the read
            problems.append(Problem(name, 0, "not a regular file; skipped"))
            return
        try:
            handle = file.open("rb")
        except OSError as err:
            problems.append(Problem(name, 0, f"cannot read: {err.strerror or err}"))
            return
        offset = 0
        lineno = 0
        records = 0
        with handle:
            for raw in handle:
                lineno += 1
                start = offset
                offset += len(raw)
                if lineno % PROGRESS_EVERY == 0:
                    if self.stopped():
                        return
                    if self.progress is not None:
                        self.progress(self.done + offset, self.total)
                if len(raw) < 8 and not raw.strip():  # short lines only: strip() copies the line
                    continue
                records += 1
                if lineno == 1 and raw.startswith(BOM):  # as the recording reader does
                    raw = raw[len(BOM) :]
                try:
                    got = _parse_line(raw, name, lineno, start, source, default_id, self.full)
                except Exception as err:  # noqa: BLE001 - whatever one line does, the rest loads
                    got = [Problem(name, lineno, _failure(err))]
                if isinstance(got, list):
                    problems.extend(got)
                    continue
                row, notes = got
                problems.extend(notes)
                if row.status not in KNOWN_STATUSES:  # kept, as the format says, but said
                    problems.append(Problem(name, lineno, _unknown_status(row.status, row.outcome)))
                sweep_id = row.sweep_id
                named.add(sweep_id)
                self.sweep(sweep_id, title if sweep_id == default_id else None).cells.append(row)
        self.done += offset
        if self.progress is not None:
            self.progress(self.done, self.total)
        if records == 0:
            problems.append(Problem(name, 0, "empty file: no cell records"))


def _parse_line(
    raw: bytes,
    name: str,
    lineno: int,
    offset: int,
    source: Source,
    default_sweep: str,
    full: bool,
) -> tuple[CellRow, list[Problem]] | list[Problem]:
    """One line as an index row and what is wrong with it, or why it is no cell record.

    With `full`, the whole record is checked too (`verdict.parse_cell`: a field beyond the
    index's with a wrong type is left out and said), and its artifact paths.
    """
    try:
        head = CELL_HEAD.validate_json(raw)
    except ValidationError as err:
        message = describe_validation_error(err)
        if not raw.endswith(b"\n") and message.startswith("not JSON"):
            message += " (the last line has no newline: truncated?)"
        return [Problem(name, lineno, message)]
    scores = head["scores"]
    extra = None if KNOWN_AXES.issuperset(scores) else {k: v for k, v in scores.items() if k not in KNOWN_AXES}
    try:
        row = CellRow.from_head(head, default_sweep, source, lineno, offset, extra)
    except ValueError as err:  # the id's #runN suffix is no run number
        return [Problem(name, lineno, f"not a cell record: {err}")]
    if not full:
        return row, []
    from cabtui.data.results.artifacts import artifact_problems
    from cabtui.data.results.verdict import parse_cell

    cell, notes = parse_cell(raw, default_sweep)
    if cell is None:  # the index and the models disagree: a bug, said rather than hidden
        return [Problem(name, lineno, notes[0])]
    problems = [Problem(name, lineno, note) for note in notes]
    problems.extend(Problem(name, lineno, note) for note in artifact_problems(cell, source))
    return row, problems


def _failure(err: Exception) -> str:
    return f"cannot read this record: {one_line(f'{type(err).__name__}: {err}')}"


def _unknown_status(status: str, outcome: str) -> str:
    named = ", ".join(STATUSES)
    return (
        f"status {one_line(repr(status), 60)} is none of {named}; kept, shown as "
        f"{one_line(repr(outcome), 60)}, not counted as a pass"
    )


def check_fully(sweep: Sweep, should_stop: Callable[[], bool] | None = None) -> list[Problem]:
    """The sweep's problems as `cabtui validate` finds them: its files read again, every field checked.

    Loading checks only what the index keeps (checking the rest costs a fifth more
    load time), so the Problems tab runs this in a worker to list what `validate` lists.
    """
    files = {row.source.path: row.source for row in sweep.cells if row.source.format == CELLS_FORMAT}
    others = [row for row in sweep.cells if row.source.format != CELLS_FORMAT]
    results = Results(path=Path("."))
    loader = _Loader(results, 0, None, should_stop, full=True)
    for file, source in files.items():
        if loader.stopped():
            break
        loader.read_file(SweepSource(file, source.sweep_id, source.folder / SWEEP_FILE, 0))
    results.sweeps = list(loader.by_id.values())
    _flag_duplicates(results)
    again = loader.by_id.get(sweep.sweep_id)
    found = {str(p): p for p in sweep.problems}  # kept: problems of files without cells, of folders
    for problem in again.problems if again else ():
        found.setdefault(str(problem), problem)
    for problem in _check_others(others, loader.stopped):
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
            out.append(Problem(str(row.source.path), row.line, _failure(err)))
    return out


def _flag_duplicates(results: Results) -> None:
    """Two records for the same cell (id, or tui, model, task and run): keep the first, report the second."""
    for sweep in results.sweeps:
        seen: dict[object, CellRow] = {}
        kept: list[CellRow] = []
        for row in sweep.cells:
            keys = (row.cell_id, (row.tui, row.model, row.task, row.run))
            first = next((seen[k] for k in keys if k in seen), None)
            if first is None:
                seen.update(dict.fromkeys(keys, row))
                kept.append(row)
                continue
            problem = Problem(
                str(row.source.path),
                row.line,
                f"duplicate cell {row.cell_id} (first at line {first.line}); skipped",
            )
            results.problems.append(problem)
            sweep.problems.append(problem)
        sweep.cells = kept


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
        return _unread(row, _failure(err))
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
        return _unread(row, _failure(err))


def _unread(row: CellRow, message: str) -> OpenedRecord:
    return OpenedRecord(None, (Problem(str(row.source.path), row.line, message),))


def read_cell(row: CellRow) -> Cell | Problem:
    """The full record of an indexed cell, or why it cannot be read; never raises.

    `open_record` also gives the fields left out for a wrong type.
    """
    opened = open_record(row)
    return opened.cell if opened.cell is not None else opened.problems[0]
