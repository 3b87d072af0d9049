"""Searching a loaded `Results`: bring the index up to date, then ask it.

`SearchIndex.scope(results)` reads what changed since the last run (cells whose cells file
or artifact files changed: their record, tails, spans and calls) and lists the recordings
not indexed yet; `index_recording` emulates one of those; `search` answers from the index.
`search_progressively` puts the three together and yields hits as they become known, so a
UI shows the cells' hits at once and each recording's as soon as it is indexed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import regex as regex_lib

from cabtui.data.problems import Problem
from cabtui.data.results import CellRow, Results, open_record
from cabtui.data.search.cache import INDEX_FILE, CacheRefused, cache_folder, ensure_private, inside
from cabtui.data.search.hits import WHERE_ORDER, Hit, Pattern
from cabtui.data.search.screen_lines import MAX_LINES, latest_time, screen_lines
from cabtui.data.search.sources import Doc, artifact_docs, record_docs
from cabtui.data.search.store import Identity, Store, identity, runs_of
from cabtui.data.term import CastError, load_cast

Progress = Callable[[int, int], None]


@dataclass
class Scope:
    """The cells of one `Results` as the index knows them, and its recordings."""

    rows: dict[int, CellRow] = field(default_factory=dict)
    """Each indexed cell's key in the index -> its row in the results."""
    position: dict[int, int] = field(default_factory=dict)
    """Each cell key's place in the results' order (hits are listed in it)."""
    recordings: dict[str, list[int]] = field(default_factory=dict)
    """Each recording's path -> the cells that have it."""
    indexed: dict[int, str] = field(default_factory=dict)
    """Recordings whose index is current: file id -> path."""
    pending: list[str] = field(default_factory=list)
    """Recordings not indexed yet (or changed since), in the results' order."""
    problems: list[Problem] = field(default_factory=list)
    """Cells that could not be read, recordings that could not be played or were cut short."""
    paths: dict[str, Path] = field(default_factory=dict)
    """Each recording's `Path`, made once (a query may find thousands of its lines)."""

    _by_row: tuple[int, dict[int, int]] = field(default=(-1, {}), init=False, repr=False, compare=False)

    def row_position(self) -> dict[int, int]:
        """Each row's place in the results' order, by the row's id (made again only when
        `position` grew: a progressive search sorts once per recording)."""
        if self._by_row[0] != len(self.position):
            self._by_row = (len(self.position), {id(self.rows[k]): p for k, p in self.position.items()})
        return self._by_row[1]

    def path_of(self, recording: str) -> Path:
        found = self.paths.get(recording)
        if found is None:
            found = self.paths[recording] = Path(recording)
        return found


def _deps(row: CellRow, named: dict[str, str | None]) -> tuple[tuple[str, Identity], ...]:
    """The files a cell's searchable text came from (or would, once they appear), with their
    identities: the artifact rules of `load_artifacts` (named in the record, else where
    the convention puts them)."""
    from cabtui.data.results.artifacts import (
        CALLS_FILE,
        RECORDING_FILES,
        TRACE_FILE,
        resolve_inside,
    )

    out: list[tuple[str, Identity]] = []
    folder = named.get("folder") or ""
    for key, fallbacks in (("trace", (TRACE_FILE,)), ("model_calls", (CALLS_FILE,)), ("recording", RECORDING_FILES)):
        names = [named[key]] if named.get(key) else [f"{folder}/{name}" for name in fallbacks]
        for name in names:
            got = resolve_inside(row.source.folder, name or "")
            if isinstance(got, Path):
                out.append((str(got), identity(got)))
    return tuple(out)


class SearchIndex:
    """The index in the user's cache folder (or in memory, with `note` saying why)."""

    def __init__(self, store: Store, note: str | None = None) -> None:
        self.store = store
        self.note = note

    @classmethod
    def open(cls, results_path: Path, *, folder: Path | None = None) -> SearchIndex:
        """The user's index, unless its folder is unsafe or inside `results_path`: then an
        index in memory for this run (`note` says why). Nothing is written in the results."""
        target = folder if folder is not None else cache_folder()
        if inside(target, results_path if results_path.is_dir() else results_path.parent):
            return cls(Store(None), f"{target}: inside the results folder; the index is kept in memory only")
        try:
            ensure_private(target)
        except CacheRefused as err:
            return cls(Store(None), f"{err}; the index is kept in memory only")
        return cls(Store(target / INDEX_FILE))

    @property
    def engine(self) -> str:
        """What answers queries, for a person to read."""
        return "SQLite FTS5 (trigram)" if self.store.fts else "SQLite, scanned line by line (no FTS5 here)"

    def close(self) -> None:
        self.store.close()

    # --- bringing the index up to date -------------------------------------------------

    def scope(
        self,
        results: Results,
        *,
        should_stop: Callable[[], bool] | None = None,
        progress: Progress | None = None,
    ) -> Scope:
        """Index every cell of `results` whose files changed; list the recordings to index."""
        scope = Scope()
        by_source: dict[Path, list[CellRow]] = {}
        for sweep in results.sweeps:
            for row in sweep.cells:
                by_source.setdefault(row.source.path, []).append(row)
        total = sum(len(rows) for rows in by_source.values())
        done = 0
        order = 0
        for path, rows in by_source.items():
            if should_stop is not None and should_stop():
                break
            cells_file = str(path.resolve())
            ident = identity(path)
            cached = self.store.cached_cells(cells_file, ident)
            fresh: list[tuple[int, str, tuple[tuple[str, Identity], ...], str | None, list[Doc]]] = []
            replaced: list[int] = []
            keyed: list[tuple[CellRow, int | None, str | None]] = []
            for row in rows:
                was = cached.get(row.line)
                if was is not None and was.cell_id == row.cell_id and all(identity(Path(p)) == i for p, i in was.deps):
                    keyed.append((row, was.key, was.recording))
                    continue
                if was is not None:
                    replaced.append(was.key)
                deps, recording, docs = self._read_cell(row, scope)
                fresh.append((row.line, row.cell_id, deps, recording, docs))
                keyed.append((row, None, recording))
            keys = self.store.put_cells(cells_file, ident, fresh, replaced) if fresh or replaced else {}
            for row, key, recording in keyed:
                key = key if key is not None else keys[row.line]
                scope.rows[key] = row
                scope.position[key] = order
                order += 1
                if recording is not None:
                    scope.recordings.setdefault(recording, []).append(key)
            done += len(rows)
            if progress is not None:
                progress(done, total)
        for rec in scope.recordings:
            file_id, ident, note = self.store.file(rec)
            if file_id is not None and ident == identity(Path(rec)):
                scope.indexed[file_id] = rec
                if note:
                    scope.problems.append(Problem(rec, 0, note))
            else:
                scope.pending.append(rec)
        return scope

    def _read_cell(self, row: CellRow, scope: Scope) -> tuple[tuple[tuple[str, Identity], ...], str | None, list[Doc]]:
        """A cell's record and artifacts read again (the loaders' public way), as docs."""
        # pydantic-backed: imported on first use, as the results package does
        from cabtui.data.results import load_artifacts
        from cabtui.data.results.artifacts import conventional_folder

        opened = open_record(row)
        cell = opened.cell
        if cell is None:
            scope.problems.extend(opened.problems)
            return (), None, []
        try:
            arts = load_artifacts(cell, row.source)
        except Exception as err:  # noqa: BLE001 - a broken artifact must not stop a search
            scope.problems.append(Problem(str(row.source.path), row.line, f"artifacts unreadable: {err!r}"))
            return (), None, list(record_docs(cell))
        named = cell.artifacts
        deps = _deps(
            row,
            {
                "trace": named.trace if named else None,
                "model_calls": named.model_calls if named else None,
                "recording": named.recording if named else None,
                "folder": conventional_folder(cell),
            },
        )
        docs = [*record_docs(cell), *artifact_docs(arts)]
        recording = str(arts.recording.resolve()) if arts.recording is not None else None
        return deps, recording, docs

    def index_recording(self, scope: Scope, path: str, *, should_stop: Callable[[], bool] | None = None) -> int | None:
        """Emulate one recording and keep its screen lines; returns its file id (None when
        `should_stop` cut the pass short: nothing is kept, the next run does it again)."""
        ident = identity(Path(path))
        note = None
        text = None
        try:
            recording = load_cast(Path(path))
        except CastError as err:
            note = str(err)
        except Exception as err:  # noqa: BLE001 - any recording must end in a note, not a crash
            note = f"{path}: unreadable recording ({type(err).__name__}: {err})"
        else:
            text = screen_lines(recording, should_stop=should_stop)
            if not text.complete:
                return None
            notes = [str(p) for p in recording.problems[:1]]
            if text.flooded:
                notes.append(f"more than {MAX_LINES:,} distinct screen lines: searched up to there")
            note = "; ".join(notes) or None
        file_id = self.store.put_recording(path, ident, text, note)
        scope.indexed[file_id] = path
        if path in scope.pending:
            scope.pending.remove(path)
        if note:
            scope.problems.append(Problem(path, 0, note))
        return file_id

    # --- asking -----------------------------------------------------------------------

    def search(self, scope: Scope, pattern: Pattern, *, recording: int | None = None) -> list[Hit]:
        """Every hit of `pattern` in `scope` (only in recording `recording`, if given), in the
        results' order of cells; within a cell: record, tails, spans, calls, then the screen.
        Each distinct text is checked once, then the lines showing it are looked up."""
        regex = pattern.compiled()
        # A substring is matched by `re`, which has no time budget to keep: call it directly.
        search_line: Callable[[str], _Match | None] = (
            regex.search if isinstance(regex, re.Pattern) else partial(pattern.search_line, regex)
        )
        matched: dict[int, tuple[str, tuple[int, int]]] = {}
        if recording is not None:
            shown = []
            for line_id, at_s, runs, text_id, text in self.store.recording_lines(recording):
                found = search_line(text)
                if found is not None:
                    matched[text_id] = (text, found.span())
                    shown.append((line_id, recording, at_s, runs, text_id))
            return order_hits(scope, self._screen_hits(scope, shown, matched))
        for text_id, text in self.store.texts(pattern.literal):
            found = search_line(text)
            if found is not None:
                matched[text_id] = (text, found.span())
        if not matched:
            return []
        ids = list(matched)
        rows = scope.rows
        hits: list[Hit] = []
        for _, line, text_id in self.store.cell_lines(ids):
            if line.cell in rows:
                text, span = matched[text_id]
                hits.append(Hit(rows[line.cell], line.kind, line.at_s, text, span, line.ref))
        hits += self._screen_hits(scope, self.store.shown_lines(ids), matched)
        return order_hits(scope, hits)

    @staticmethod
    def _screen_hits(
        scope: Scope,
        shown: list[tuple[int, int, float, bytes | None, int]],
        matched: dict[int, tuple[str, tuple[int, int]]],
    ) -> list[Hit]:
        """Recording lines' hits, once for each cell that has the recording (a query may find
        a hundred thousand: what is per recording is looked up once)."""
        hits: list[Hit] = []
        seen: set[tuple[int, float, int]] = set()
        rows = scope.rows
        per_rec: dict[int, tuple[Path, list[CellRow]] | None] = {}
        for _, rec, at_s, runs, text_id in shown:
            if rec in per_rec:
                known = per_rec[rec]
            else:
                path = scope.indexed.get(rec)
                known = per_rec[rec] = (
                    None if path is None else (scope.path_of(path), [rows[k] for k in scope.recordings.get(path, ())])
                )
            if known is None:
                continue
            file, cells = known
            text, span = matched[text_id]
            at = _time_of(runs, len(text), span) if runs else at_s
            for row in cells:
                # times are copied from the recording's events, so one moment is one float
                mark = (id(row), at, span[0])
                if mark in seen:  # a spinner or clock beside it: the same moment again
                    continue
                seen.add(mark)
                hits.append(Hit(row, "recording", at, text, span, "", file))
        return hits


_Match = re.Match[str] | regex_lib.Match[str]


def order_hits(scope: Scope, hits: list[Hit]) -> list[Hit]:
    """`hits` in the results' order of cells, each cell's grouped (see `Hit.sort_key`)."""
    if len(hits) < 2:
        return list(hits)
    position = scope.row_position()
    where = WHERE_ORDER
    # `Hit.sort_key`, inlined: this sorts every hit of a query
    hits = list(hits)
    hits.sort(
        key=lambda h: (
            position.get(id(h.row), 0),
            where.get(h.where, 99),
            -1.0 if h.at_s is None else h.at_s,
        ),
    )
    return hits


def _time_of(blob: bytes, length: int, span: tuple[int, int]) -> float:
    """When characters `span` of a line of `length` characters were all on screen, from its
    stored runs, without building the line (this runs once a hit)."""
    offsets, times = runs_of(blob)
    return latest_time(offsets, times, length, span[0], max(span[1], span[0] + 1))


@dataclass(frozen=True)
class Found:
    """One step of a progressive search: new hits, and how far the recordings are indexed."""

    hits: list[Hit]
    done: int
    total: int


def search_progressively(
    index: SearchIndex,
    scope: Scope,
    pattern: Pattern,
    *,
    should_stop: Callable[[], bool] | None = None,
    min_interval_s: float = 0.1,
) -> Iterator[Found]:
    """The hits already in the index, then those of each recording as it is indexed (batched
    to one step every `min_interval_s`)."""
    total = len(scope.pending)
    yield Found(index.search(scope, pattern), 0, total)
    batch: list[Hit] = []
    done = 0
    last = time.monotonic()
    try:
        for path in list(scope.pending):
            if should_stop is not None and should_stop():
                return
            file_id = index.index_recording(scope, path, should_stop=should_stop)
            done += 1
            if file_id is not None:
                batch.extend(index.search(scope, pattern, recording=file_id))
            if time.monotonic() - last >= min_interval_s:
                yield Found(batch, done, total)
                batch, last = [], time.monotonic()
    finally:
        index.store.flush()  # the last batch of recordings, even when stopped or abandoned
    if batch or done:
        yield Found(batch, done, total)
