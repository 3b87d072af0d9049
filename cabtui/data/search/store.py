"""The search index on disk: SQLite with an FTS5 trigram index, in the user's cache folder.

Why SQLite FTS5: it ships with Python (sqlite3), its trigram tokenizer answers substring
queries (`E0106]`, `rm -rf`) from an index, and every write is a transaction, so a run
killed half-way leaves the index as it was. The table is `detail=none` (40 % smaller):
a query asks for all of its pattern's trigrams (`"E01" AND "010" AND ...`) and the lines
found are checked exactly, which also gives case sensitivity and the match's offsets.
Without FTS5 (an SQLite built without it) the same tables are scanned line by line.

What is kept, keyed by file identity (resolved path, size, mtime in ns), so a changed
file is read again and nothing else is:

    files   every file read: cells .jsonl, traces, model calls, recordings
    cells   one row per indexed cell: its cells file and line, and the identities of the
            artifact files it was read from (a changed trace re-reads the cell)
    docs    one row per searchable line: the cell's (record, tails, spans, calls) or the
            recording's (its screen lines, with each character's time)
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cabtui.data.search.screen_lines import ScreenText
from cabtui.data.search.sources import Doc

SCHEMA_VERSION: Final = 1

Identity = tuple[int, int]
"""(size, mtime in ns); (-1, -1) for a file that does not exist."""

MISSING: Final[Identity] = (-1, -1)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files(
    id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, size INTEGER, mtime_ns INTEGER, note TEXT);
CREATE TABLE IF NOT EXISTS cells(
    id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, line INTEGER NOT NULL, cell_id TEXT NOT NULL,
    deps TEXT NOT NULL, recording TEXT, UNIQUE(file_id, line));
CREATE TABLE IF NOT EXISTS docs(
    id INTEGER PRIMARY KEY, cell INTEGER, rec INTEGER, kind TEXT NOT NULL, ref TEXT NOT NULL,
    at_s REAL, text TEXT NOT NULL, runs BLOB);
CREATE INDEX IF NOT EXISTS docs_cell ON docs(cell);
CREATE INDEX IF NOT EXISTS docs_rec ON docs(rec);
"""

_FTS = """
CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5(
    text, content='docs', content_rowid='id', tokenize='trigram', detail='none');
CREATE TRIGGER IF NOT EXISTS docs_added AFTER INSERT ON docs BEGIN
    INSERT INTO docs_fts(rowid, text) VALUES (new.id, new.text); END;
CREATE TRIGGER IF NOT EXISTS docs_removed AFTER DELETE ON docs BEGIN
    INSERT INTO docs_fts(docs_fts, rowid, text) VALUES ('delete', old.id, old.text); END;
"""


def identity(path: Path) -> Identity:
    """What tells a file changed: its size and modification time (ns)."""
    try:
        info = path.stat()
    except OSError:
        return MISSING
    return info.st_size, info.st_mtime_ns


def fts5_available() -> bool:
    """Whether this Python's SQLite has FTS5 with the trigram tokenizer (SQLite >= 3.34)."""
    try:
        db = sqlite3.connect(":memory:")
        db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
        db.close()
    except sqlite3.Error:
        return False
    return True


@dataclass(frozen=True, slots=True)
class CachedCell:
    """A cell as the index last read it."""

    key: int
    cell_id: str
    deps: tuple[tuple[str, Identity], ...]
    recording: str | None


@dataclass(frozen=True, slots=True)
class StoredDoc:
    """A line found by a query: whose it is and what it says."""

    cell: int | None
    rec: int | None
    kind: str
    ref: str
    at_s: float | None
    text: str
    runs: bytes | None


class Store:
    """One connection to the index (a file in the cache folder, or memory).

    Writes happen in one transaction per file or cell; readers in other processes see the
    index before or after, never half of it (SQLite's WAL journal, next to the index).
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        db: sqlite3.Connection | None = None
        try:
            db = self._connect()
            version = db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError:  # not a database (a crash mid-write, garbage): only a cache
            version = None
        if (version not in (0, SCHEMA_VERSION) and path is not None) or db is None:
            if db is not None:
                db.close()  # another cabtui version's index, or a damaged one: built again
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            db = self._connect()
        self.db = db
        self.fts = fts5_available()
        with self.db:
            self.db.executescript(_SCHEMA + (_FTS if self.fts else ""))
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _connect(self) -> sqlite3.Connection:
        path = self.path
        if path is not None:
            # Created private before SQLite opens it: lines of agent output live here.
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        db = sqlite3.connect(str(path) if path else ":memory:", timeout=30, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL" if path else "PRAGMA journal_mode=MEMORY")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def close(self) -> None:
        """Fold the journal back into the index file, then close."""
        with contextlib.suppress(sqlite3.Error):  # another process reading: its own close folds it
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()

    # --- files ------------------------------------------------------------------------

    def file(self, path: str) -> tuple[int | None, Identity, str | None]:
        """A file's id, the identity it had when read, and the note kept on it."""
        row = self.db.execute("SELECT id, size, mtime_ns, note FROM files WHERE path = ?", (path,)).fetchone()
        if row is None:
            return None, MISSING, None
        return row[0], (row[1], row[2]), row[3]

    def _file_id(self, path: str, ident: Identity, note: str | None) -> int:
        self.db.execute(
            "INSERT INTO files(path, size, mtime_ns, note) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, note = excluded.note",
            (path, ident[0], ident[1], note),
        )
        return int(self.db.execute("SELECT id FROM files WHERE path = ?", (path,)).fetchone()[0])

    # --- cells ------------------------------------------------------------------------

    def cached_cells(self, cells_file: str, ident: Identity) -> dict[int, CachedCell]:
        """The cells indexed from `cells_file` by line, if the file is as it was; else none
        (and what was kept of it is dropped)."""
        file_id, was, _ = self.file(cells_file)
        if file_id is None:
            return {}
        if was != ident:
            with self.db:
                self.db.execute("DELETE FROM docs WHERE cell IN (SELECT id FROM cells WHERE file_id = ?)", (file_id,))
                self.db.execute("DELETE FROM cells WHERE file_id = ?", (file_id,))
            return {}
        out = {}
        for key, line, cell_id, deps, recording in self.db.execute(
            "SELECT id, line, cell_id, deps, recording FROM cells WHERE file_id = ?", (file_id,)
        ):
            out[line] = CachedCell(key, cell_id, _parse_deps(deps), recording)
        return out

    def put_cells(
        self,
        cells_file: str,
        ident: Identity,
        cells: Iterable[tuple[int, str, tuple[tuple[str, Identity], ...], str | None, list[Doc]]],
        replaced: Iterable[int],
    ) -> dict[int, int]:
        """Store cells read again (line, cell id, deps, recording, docs), dropping `replaced`
        cell keys first, in one transaction; returns each line's new key."""
        keys: dict[int, int] = {}
        with self.db:
            file_id = self._file_id(cells_file, ident, None)
            for key in replaced:
                self.db.execute("DELETE FROM docs WHERE cell = ?", (key,))
                self.db.execute("DELETE FROM cells WHERE id = ?", (key,))
            for line, cell_id, deps, recording, docs in cells:
                cur = self.db.execute(
                    "INSERT OR REPLACE INTO cells(file_id, line, cell_id, deps, recording) VALUES (?, ?, ?, ?, ?)",
                    (file_id, line, cell_id, _dump_deps(deps), recording),
                )
                key = int(cur.lastrowid or 0)
                keys[line] = key
                self.db.executemany(
                    "INSERT INTO docs(cell, kind, ref, at_s, text) VALUES (?, ?, ?, ?, ?)",
                    ((key, d.where, d.ref, d.at_s, d.text) for d in docs),
                )
        return keys

    # --- recordings -------------------------------------------------------------------

    def put_recording(self, path: str, ident: Identity, text: ScreenText | None, note: str | None) -> int:
        """Replace what is kept of a recording by its screen lines, in one transaction."""
        with self.db:
            file_id = self._file_id(path, ident, note)
            self.db.execute("DELETE FROM docs WHERE rec = ?", (file_id,))
            if text is not None:
                self.db.executemany(
                    "INSERT INTO docs(rec, kind, ref, at_s, text, runs) VALUES (?, 'recording', '', ?, ?, ?)",
                    (
                        # one run (a line drawn by one event): its time alone, no blob
                        (file_id, line.first_s, line.text, line.runs.tobytes() if len(line.runs) > 2 else None)
                        for line in text.lines
                    ),
                )
        return file_id

    # --- queries ----------------------------------------------------------------------

    def candidates(self, literal: str | None, *, rec: int | None = None, cells: bool = True) -> Iterator[StoredDoc]:
        """Lines that may hold `literal` (all of its trigrams), or every line (None, a literal
        shorter than a trigram, or no FTS5): the caller checks each exactly. `rec`: only that
        recording's lines; `cells`: whether the cells' own lines are wanted too."""
        columns = "docs.cell, docs.rec, docs.kind, docs.ref, docs.at_s, docs.text, docs.runs"
        if rec is not None:  # one recording's few thousand lines: read them (the index would not narrow it)
            sql = f"SELECT {columns} FROM docs WHERE docs.rec = ?"
            args: list[object] = [rec]
            if cells:
                sql += " OR docs.cell IS NOT NULL"
        elif self.fts and literal is not None and len(literal) >= 3:
            sql = f"SELECT {columns} FROM docs_fts JOIN docs ON docs.id = docs_fts.rowid WHERE docs_fts MATCH ?"
            args = [trigram_query(literal)]
            if not cells:
                sql += " AND docs.rec IS NOT NULL"
        else:
            sql = f"SELECT {columns} FROM docs" + ("" if cells else " WHERE docs.rec IS NOT NULL")
            args = []
        for row in self.db.execute(sql, args):
            yield StoredDoc(*row)

    def size_bytes(self) -> int:
        """The index's size on disk (with its journal), 0 in memory."""
        if self.path is None:
            return 0
        total = 0
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                total += os.path.getsize(str(self.path) + suffix)
        return total


def trigram_query(literal: str) -> str:
    """An FTS5 query for lines holding every trigram of `literal` that tiles it: back to back
    from the start, plus the last one (each trigram's list is read whole with detail=none, so
    fewer of them is faster; the caller checks each line found exactly anyway)."""
    n = len(literal)
    starts = sorted({*range(0, n - 2, 3), n - 3})
    grams = dict.fromkeys(literal[i : i + 3] for i in starts)
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


def runs_of(blob: bytes | None) -> array[float]:
    """A recording line's (offset, time) pairs back from their stored bytes."""
    runs = array("d")
    if blob:
        runs.frombytes(blob)
    return runs


def _dump_deps(deps: tuple[tuple[str, Identity], ...]) -> str:
    return "\n".join(f"{size}\t{mtime}\t{path}" for path, (size, mtime) in deps)


def _parse_deps(text: str) -> tuple[tuple[str, Identity], ...]:
    out = []
    for line in text.split("\n"):
        if line:
            size, mtime, path = line.split("\t", 2)
            out.append((path, (int(size), int(mtime))))
    return tuple(out)
