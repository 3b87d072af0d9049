"""The reader of Inspect AI log folders (`cabtui logs/`): one sweep per folder of `.eval` / `.json` logs.

Rows come from each log's header and sample summaries (inspect_log.py), mapped as
inspect_cells.py says; a sample's body is read only when its cell is opened, and its
events become the replay's spans and model calls (inspect_events.py). Subfolders of a
log folder are sweeps of their own (`logs/<sub>`).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from pydantic_core import ValidationError

from cabtui.data.memory import BoundedCache
from cabtui.data.problems import Problem
from cabtui.data.results.index import CellRow, Source
from cabtui.data.results.readers.inspect_cells import RowMaker, sample_record, task_of
from cabtui.data.results.readers.inspect_log import EVAL_SUFFIX, LogError, LogHead, is_json_log, read_head, read_sample
from cabtui.data.text import one_line

if TYPE_CHECKING:
    from cabtui.data.results.artifacts import CellArtifacts
    from cabtui.data.results.discovery import SweepSource
    from cabtui.data.results.loader import OpenedRecord
    from cabtui.data.results.models import Cell

FORMAT: Final = "inspect"
SNIFFED: Final = 20
"""`.json` files of a folder looked at to tell whether it holds Inspect logs (when it has no `.eval`)."""
NOT_LOGS: Final = frozenset({"logs.json", "eval-set.json"})
"""Inspect's own listings beside the logs."""
MAX_DEPTH: Final = 8
_HEADS: BoundedCache[tuple[str, int, int], LogHead] = BoundedCache(4)
"""Logs read again to open a cell, by (path, mtime, size): the header and central directory."""
_SAMPLES: BoundedCache[tuple[str, str, int], dict[str, Any]] = BoundedCache(2)
"""The last samples opened: the page reads the record, then its artifacts, of the same one."""
_LOCK = threading.Lock()


def _is_log_name(name: str) -> bool:
    return name.endswith(EVAL_SUFFIX) and not name.startswith(".")


def _json_logs(folder: Path, names: list[str]) -> list[str]:
    candidates = [n for n in sorted(names) if n.endswith(".json") and not n.startswith(".") and n not in NOT_LOGS]
    return [n for n in candidates[:SNIFFED] if is_json_log(folder / n)]


class InspectReader:
    """Inspect AI's eval logs as cabtui sweeps (docs/inspect.md)."""

    name = FORMAT

    def detect(self, where: Path, names: frozenset[str] | None, root: Path) -> Path | None:
        """A `.eval` or Inspect `.json` log given as PATH, or a folder holding some."""
        if names is None:
            if where.suffix == EVAL_SUFFIX or (where.suffix == ".json" and is_json_log(where)):
                return where
            return None
        if any(_is_log_name(n) for n in names):
            return where
        return where if _json_logs(where, list(names)) else None

    def rows(self, found: SweepSource, full: bool) -> Iterator[CellRow | Problem]:
        """Every sample of every log below the sweep's folder (or of the one log given)."""
        for log, sweep_id in _logs(found.cells, found.folder_name):
            yield from self._log_rows(log, sweep_id, full)

    def _log_rows(self, log: Path, sweep_id: str, full: bool) -> Iterator[CellRow | Problem]:
        name = str(log)
        try:
            head = read_head(log)
        except LogError as err:
            yield Problem(name, 0, str(err))
            return
        for note in head.notes:
            yield Problem(name, 0, note)
        source = Source(path=log, folder=log.parent, sweep_id=sweep_id, format=FORMAT)
        make = RowMaker(head, sweep_id, source).row
        for line, summary in enumerate(head.summaries, 1):
            try:
                row = make(line, summary)
            except (ValueError, TypeError, KeyError, AttributeError) as err:
                yield Problem(name, line, f"sample {one_line(repr(summary.id), 60)}: {_why(err)}")
                continue
            yield row
            if full:
                yield from self.check(row)
        head.summaries = []  # the rows hold what the grid needs

    def open(self, row: CellRow) -> OpenedRecord:
        """The sample's full record, read from its body in the log."""
        from cabtui.data.results.loader import OpenedRecord
        from cabtui.data.results.models import Cell

        name = str(row.source.path)
        try:
            head, sample = _sample_of(row)
            record = sample_record(head, sample, row.sweep_id)
            _add_traceback(record, sample)
            cell = Cell.model_validate(record, context={"sweep_id": row.sweep_id})
        except LogError as err:
            return OpenedRecord(None, (Problem(name, row.line, str(err)),))
        except (ValidationError, ValueError, TypeError, KeyError) as err:
            return OpenedRecord(None, (Problem(name, row.line, f"cannot read this sample: {_why(err)}"),))
        if cell.cell_id != row.cell_id:
            return OpenedRecord(None, (Problem(name, row.line, "the log changed since it was loaded; reload it"),))
        return OpenedRecord(cell)

    def artifacts(self, cell: Cell, source: Source) -> CellArtifacts:
        """The sample's events as spans and model calls; Inspect records no terminal."""
        from cabtui.data.results.artifacts import CellArtifacts
        from cabtui.data.results.readers.trace_records import trace_artifacts

        inspect = (cell.model_extra or {}).get("harness") or {}
        try:
            sample = _sample(source.path, inspect.get("sample_id"), cell.run)
        except LogError as err:
            note = one_line(str(err), 200)
            return CellArtifacts(trace_note=note, calls_note=note, recording_note="Inspect logs record no terminal")
        return trace_artifacts(sample, source, cell)

    def check(self, row: CellRow) -> list[Problem]:
        """What opening the cell would say: its body unreadable, or spans and calls that are no records."""
        from cabtui.data.results.artifacts import load_artifacts

        opened = self.open(row)
        if opened.cell is None:
            return list(opened.problems)
        return [*opened.problems, *load_artifacts(opened.cell, row.source).problems]


def _why(err: Exception) -> str:
    if isinstance(err, ValidationError):
        from cabtui.data.results.loader import describe_validation_error

        return describe_validation_error(err)
    return one_line(f"{type(err).__name__}: {err}")


def _logs(where: Path, sweep_id: str) -> Iterator[tuple[Path, str]]:
    """The logs of a sweep (a file, or a folder and its subfolders) with the sweep id of each."""
    if not where.is_dir():
        yield where, sweep_id
        return
    stack: list[tuple[Path, int]] = [(where, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as entries:
                listed = [(e.name, e.is_dir(follow_symlinks=False)) for e in entries]
        except OSError:
            continue
        names = [n for n, is_dir in listed if not is_dir]
        logs = sorted(n for n in names if _is_log_name(n)) + _json_logs(folder, names)
        sub = sweep_id if folder == where else f"{sweep_id}/{folder.relative_to(where).as_posix()}"
        for name in logs:
            yield folder / name, sub
        if depth < MAX_DEPTH:
            dirs = sorted((n for n, is_dir in listed if is_dir and not n.startswith(".")), reverse=True)
            stack.extend((folder / d, depth + 1) for d in dirs)


def _head(path: Path) -> LogHead:
    """The log's header and central directory, read again (cached while the file is unchanged)."""
    try:
        stat = path.stat()
    except OSError as err:
        raise LogError(f"cannot read: {err.strerror or err}") from None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _LOCK:
        head = _HEADS.entries.get(key)
    if head is None:
        head = read_head(path, summaries=False)
        with _LOCK:
            _HEADS.put(key, head)
    return head


def _sample(path: Path, sample_id: Any, epoch: int) -> dict[str, Any]:
    if not isinstance(sample_id, str | int):
        raise LogError("the cell names no sample")
    key = (str(path), str(sample_id), epoch)
    with _LOCK:
        got = _SAMPLES.entries.get(key)
    if got is None:
        got = read_sample(path, sample_id, epoch, _head(path).directory)
        with _LOCK:
            _SAMPLES.put(key, got)
    return got


def _sample_of(row: CellRow) -> tuple[LogHead, dict[str, Any]]:
    """The log's header and the sample a row stands for (its id: the task after `<task>/`)."""
    head = _head(row.source.path)
    prefix = task_of(head.header) + "/"
    if not row.task.startswith(prefix):
        raise LogError("the log changed since it was loaded (its task is another); reload it")
    return head, _sample(row.source.path, row.task[len(prefix) :], row.run)


_ANSI_TRACEBACK: Final = re.compile(r"\S")
TRACEBACK_LIMIT: Final = 20_000


def _add_traceback(record: dict[str, Any], sample: dict[str, Any]) -> None:
    """An errored sample's traceback in the harness fields: the page shows it as terminal text."""
    error = sample.get("error")
    if not isinstance(error, dict):
        return
    traceback = error.get("traceback") or error.get("traceback_ansi")
    if isinstance(traceback, str) and _ANSI_TRACEBACK.search(traceback):
        if len(traceback) > TRACEBACK_LIMIT:  # its end, from a line's start (not inside an escape sequence)
            tail = traceback[-TRACEBACK_LIMIT:]
            traceback = tail[tail.find("\n") + 1 :]
        record["harness"]["error_traceback"] = traceback


READER: Final = InspectReader()
