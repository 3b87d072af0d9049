"""The search index on disk: SQLite with an FTS5 trigram index, in the user's cache folder.

Why SQLite FTS5: it ships with Python (sqlite3), its trigram tokenizer answers substring
queries (`E0106]`, `rm -rf`) from an index, and every write is a transaction, so a run
killed half-way leaves the index as it was. The FTS table is `detail=none, columnsize=0`
(the smallest): a query asks for all of its pattern's trigrams (`"E01" AND "010" AND ...`)
and the lines found are checked exactly, which also gives case sensitivity and the match's
offsets. Without FTS5 (an SQLite built without it) the texts are scanned one by one.

Each distinct line is kept once (`texts`, with the FTS index over it as external content);
where it was seen is a row of small integers. Sweeps repeat themselves (the same tail in a
thousand cells, the same transcript line in every redraw), so this is what keeps the index
a fraction of the recordings' size, and a query checks each distinct text once. What is
kept, keyed by file identity (resolved path, size, mtime in ns), so a changed file is read
again and nothing else is:

    files         every file read: cells .jsonl, traces, model calls, recordings
    cells         one row per indexed cell: its cells file and line, and the identities of the
                  artifact files it was read from (a changed trace re-reads the cell)
    texts         each distinct searchable line, once (`h`: its CRC-32, to find it again)
    refs          each distinct (kind, ref): record field, tail, span id, model call index
    cell_lines    a cell's line: (cell, ref, time, text)
    screen_lines  a recording's screen line: (recording, text, first time, each character's time)
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
import zlib
from array import array
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cabtui.data.search.screen_lines import ScreenText
from cabtui.data.search.sources import Doc

SCHEMA_VERSION: Final = 2
"""1: one row per line with its text; 2: each distinct text once (an older index is rebuilt)."""

Identity = tuple[int, int]
"""(size, mtime in ns); (-1, -1) for a file that does not exist."""

MISSING: Final[Identity] = (-1, -1)

CHUNK: Final = 500
"""Parameters per `IN (...)` list (old SQLite builds allow 999)."""

BATCH_S: Final = 1.0
"""Recordings' lines are committed together once this long has passed since the first of
them (or at `flush`): a commit per recording (and the FTS segment each commit writes) was
half of the store's time. The write lock is held no longer than this plus one recording."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files(
    id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, size INTEGER, mtime_ns INTEGER, note TEXT);
CREATE TABLE IF NOT EXISTS cells(
    id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, line INTEGER NOT NULL, cell_id TEXT NOT NULL,
    deps TEXT NOT NULL, recording TEXT, UNIQUE(file_id, line));
CREATE TABLE IF NOT EXISTS texts(id INTEGER PRIMARY KEY, h INTEGER NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS texts_h ON texts(h);
CREATE TABLE IF NOT EXISTS refs(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, ref TEXT NOT NULL, UNIQUE(kind, ref));
CREATE TABLE IF NOT EXISTS cell_lines(
    id INTEGER PRIMARY KEY, cell INTEGER NOT NULL, ref INTEGER NOT NULL, at_s REAL, text INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS cell_lines_text ON cell_lines(text);
CREATE INDEX IF NOT EXISTS cell_lines_cell ON cell_lines(cell);
CREATE TABLE IF NOT EXISTS screen_lines(
    id INTEGER PRIMARY KEY, rec INTEGER NOT NULL, text INTEGER NOT NULL, at_s REAL NOT NULL, runs BLOB);
CREATE INDEX IF NOT EXISTS screen_lines_text ON screen_lines(text);
CREATE INDEX IF NOT EXISTS screen_lines_rec ON screen_lines(rec);
"""

# New texts are added to the FTS table by `_text_ids` itself: through an AFTER INSERT trigger
# the same rows took 12 times as long (0.27 s against 0.02 s for 9,579 lines).
_FTS = """
CREATE VIRTUAL TABLE IF NOT EXISTS texts_fts USING fts5(
    text, content='texts', content_rowid='id', tokenize='trigram', detail='none', columnsize=0);
CREATE TRIGGER IF NOT EXISTS texts_removed AFTER DELETE ON texts BEGIN
    INSERT INTO texts_fts(texts_fts, rowid, text) VALUES ('delete', old.id, old.text); END;
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


def text_hash(text: str) -> int:
    """A text's CRC-32 as a signed 32-bit integer (4 bytes in SQLite; equal texts are then
    compared whole, so a collision costs a comparison, never a wrong line)."""
    return zlib.crc32(text.encode("utf-8", "surrogatepass")) - 0x80000000


@dataclass(frozen=True, slots=True)
class CachedCell:
    """A cell as the index last read it."""

    key: int
    cell_id: str
    deps: tuple[tuple[str, Identity], ...]
    recording: str | None


@dataclass(frozen=True, slots=True)
class CellLine:
    """Where a cell's line is: the cell's key, the line's kind and ref, its time."""

    cell: int
    kind: str
    ref: str
    at_s: float | None


class Store:
    """One connection to the index (a file in the cache folder, or memory).

    Writes happen in one transaction per cells file, or per batch of recordings (`BATCH_S`);
    readers in other processes see the index before or after, never half of it (SQLite's
    WAL journal, next to the index).
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
        self.batch_since: float | None = None
        """When the open batch of recordings began (None: no batch open)."""
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
        # WAL with synchronous=NORMAL: a commit does not wait for the disk (only checkpoints
        # do), and a crash loses at most the last transactions, never the file's consistency.
        db.execute("PRAGMA journal_mode=WAL" if path else "PRAGMA journal_mode=MEMORY")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def flush(self) -> None:
        """Commit the recordings' lines written since the last commit."""
        if self.batch_since is not None:
            self.batch_since = None
            self.db.commit()

    def close(self) -> None:
        """Commit, fold the journal back into the index file, then close."""
        self.flush()
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

    # --- texts ------------------------------------------------------------------------

    def _text_ids(self, texts: Collection[str]) -> dict[str, int]:
        """Each of the distinct `texts`' id, those not kept yet added (the caller holds the
        write lock: ids are handed out from the largest one)."""
        hashes = {text: text_hash(text) for text in texts}
        wanted = list(set(hashes.values()))
        ids: dict[str, int] = {}
        for i in range(0, len(wanted), CHUNK):
            chunk = wanted[i : i + CHUNK]
            marks = ",".join("?" * len(chunk))
            for text_id, text in self.db.execute(f"SELECT id, text FROM texts WHERE h IN ({marks})", chunk):
                if text in hashes:
                    ids[text] = text_id
        new = [text for text in hashes if text not in ids]
        if new:
            first = int(self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM texts").fetchone()[0])
            rows = [(first + k, hashes[text], text) for k, text in enumerate(new)]
            self.db.executemany("INSERT INTO texts(id, h, text) VALUES (?, ?, ?)", rows)
            if self.fts:
                self.db.executemany(
                    "INSERT INTO texts_fts(rowid, text) VALUES (?, ?)", ((text_id, text) for text_id, _, text in rows)
                )
            ids.update((text, text_id) for text_id, _, text in rows)
        return ids

    def _forget_texts(self, text_ids: Iterable[int]) -> None:
        """Drop those of `text_ids` no line refers to any more (and their trigrams)."""
        self.db.executemany(
            "DELETE FROM texts WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM screen_lines WHERE text = ?1)"
            " AND NOT EXISTS (SELECT 1 FROM cell_lines WHERE text = ?1)",
            ((text_id,) for text_id in text_ids),
        )

    def _ref_ids(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
        out: dict[tuple[str, str], int] = {}
        for key in dict.fromkeys(keys):
            row = self.db.execute("SELECT id FROM refs WHERE kind = ? AND ref = ?", key).fetchone()
            if row is None:
                row = (self.db.execute("INSERT INTO refs(kind, ref) VALUES (?, ?)", key).lastrowid,)
            out[key] = int(row[0])
        return out

    # --- cells ------------------------------------------------------------------------

    def cached_cells(self, cells_file: str, ident: Identity) -> dict[int, CachedCell]:
        """The cells indexed from `cells_file` by line, if the file is as it was; else none
        (and what was kept of it is dropped)."""
        self.flush()
        file_id, was, _ = self.file(cells_file)
        if file_id is None:
            return {}
        if was != ident:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                keys = [row[0] for row in self.db.execute("SELECT id FROM cells WHERE file_id = ?", (file_id,))]
                self._drop_cells(keys)
            return {}
        base = os.path.dirname(cells_file)
        out = {}
        for key, line, cell_id, deps, recording in self.db.execute(
            "SELECT id, line, cell_id, deps, recording FROM cells WHERE file_id = ?", (file_id,)
        ):
            out[line] = CachedCell(key, cell_id, _parse_deps(deps, base), recording)
        return out

    def _drop_cells(self, keys: list[int]) -> None:
        """Forget cells and their lines (and the texts and refs only they had)."""
        if not keys:
            return
        texts: set[int] = set()
        for i in range(0, len(keys), CHUNK):
            chunk = keys[i : i + CHUNK]
            marks = ",".join("?" * len(chunk))
            texts.update(
                row[0] for row in self.db.execute(f"SELECT text FROM cell_lines WHERE cell IN ({marks})", chunk)
            )
            self.db.execute(f"DELETE FROM cell_lines WHERE cell IN ({marks})", chunk)
            self.db.execute(f"DELETE FROM cells WHERE id IN ({marks})", chunk)
        self._forget_texts(texts)
        self.db.execute("DELETE FROM refs WHERE id NOT IN (SELECT ref FROM cell_lines)")

    def put_cells(
        self,
        cells_file: str,
        ident: Identity,
        cells: Iterable[tuple[int, str, tuple[tuple[str, Identity], ...], str | None, list[Doc]]],
        replaced: Iterable[int],
    ) -> dict[int, int]:
        """Store cells read again (line, cell id, deps, recording, docs), dropping `replaced`
        cell keys first, in one transaction; returns each line's new key."""
        self.flush()
        base = os.path.dirname(cells_file)
        cells = list(cells)
        keys: dict[int, int] = {}
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            file_id = self._file_id(cells_file, ident, None)
            self._drop_cells(list(replaced))
            texts = self._text_ids({d.text for *_, docs in cells for d in docs})
            refs = self._ref_ids((d.where, d.ref) for *_, docs in cells for d in docs)
            rows: list[tuple[int, int, float | None, int]] = []
            for line, cell_id, deps, recording, docs in cells:
                cur = self.db.execute(
                    "INSERT OR REPLACE INTO cells(file_id, line, cell_id, deps, recording) VALUES (?, ?, ?, ?, ?)",
                    (file_id, line, cell_id, _dump_deps(deps, base), recording),
                )
                key = int(cur.lastrowid or 0)
                keys[line] = key
                rows.extend((key, refs[d.where, d.ref], d.at_s, texts[d.text]) for d in docs)
            self.db.executemany("INSERT INTO cell_lines(cell, ref, at_s, text) VALUES (?, ?, ?, ?)", rows)
        return keys

    # --- recordings -------------------------------------------------------------------

    def put_recording(self, path: str, ident: Identity, text: ScreenText | None, note: str | None) -> int:
        """Replace what is kept of a recording by its screen lines, committed with the batch
        (`BATCH_S`); this connection sees them at once. A failure rolls the whole batch back
        (its recordings are not marked read: the next run indexes them again); no savepoint
        per recording, as FTS5 writes a segment at each (a quarter of the store's time)."""
        db = self.db
        if self.batch_since is None:
            db.execute("BEGIN IMMEDIATE")
            self.batch_since = time.monotonic()
        try:
            file_id = self._put_recording(path, ident, text, note)
        except BaseException:
            self.batch_since = None
            db.rollback()
            raise
        if time.monotonic() - self.batch_since >= BATCH_S:
            self.flush()
        return file_id

    def _put_recording(self, path: str, ident: Identity, text: ScreenText | None, note: str | None) -> int:
        file_id = self._file_id(path, ident, note)
        old = {row[0] for row in self.db.execute("SELECT text FROM screen_lines WHERE rec = ?", (file_id,))}
        if old:
            self.db.execute("DELETE FROM screen_lines WHERE rec = ?", (file_id,))
        if text is not None and text.lines:
            ids = self._text_ids({line.text for line in text.lines})
            self.db.executemany(
                "INSERT INTO screen_lines(rec, text, at_s, runs) VALUES (?, ?, ?, ?)",
                (
                    # one run (a line drawn by one event): its time alone, no blob
                    (file_id, ids[line.text], line.first_s, pack_runs(line.runs) if len(line.runs) > 2 else None)
                    for line in text.lines
                ),
            )
        if old:
            self._forget_texts(old)
        return file_id

    # --- queries ----------------------------------------------------------------------

    def texts(self, literal: str | None) -> Iterable[tuple[int, str]]:
        """Distinct texts that may hold `literal` (all of its trigrams), or every text (None, a
        literal shorter than a trigram, or no FTS5): the caller checks each exactly."""
        if self.fts and literal is not None and len(literal) >= 3:
            return self.db.execute(
                "SELECT rowid, text FROM texts_fts WHERE texts_fts MATCH ?", (trigram_query(literal),)
            )
        return self.db.execute("SELECT id, text FROM texts")

    def recording_lines(self, rec: int) -> Iterator[tuple[int, float, bytes | None, int, str]]:
        """Every line of one recording (a few thousand: the index would not narrow it) as
        (line id, first time, runs, text id, text), in the order they were kept."""
        return self.db.execute(
            "SELECT s.id, s.at_s, s.runs, t.id, t.text FROM screen_lines s JOIN texts t ON t.id = s.text"
            " WHERE s.rec = ? ORDER BY s.id",
            (rec,),
        )

    def cell_lines(self, text_ids: list[int]) -> list[tuple[int, CellLine, int]]:
        """The cells' lines showing any of `text_ids` as (line id, where, text id), in the
        order they were kept."""
        found: list[tuple[int, CellLine, int]] = []
        for i in range(0, len(text_ids), CHUNK):
            chunk = text_ids[i : i + CHUNK]
            marks = ",".join("?" * len(chunk))
            for line_id, cell, kind, ref, at_s, text_id in self.db.execute(
                "SELECT c.id, c.cell, r.kind, r.ref, c.at_s, c.text FROM cell_lines c JOIN refs r ON r.id = c.ref"
                f" WHERE c.text IN ({marks})",
                chunk,
            ):
                found.append((line_id, CellLine(cell, kind, ref, at_s), text_id))
        found.sort(key=_first)  # ids are unique: the line objects are never compared
        return found

    def shown_lines(self, text_ids: list[int]) -> list[tuple[int, int, float, bytes | None, int]]:
        """The recordings' lines showing any of `text_ids`, as (line id, recording's file id,
        first time, runs, text id), in the order they were kept (plain tuples: a query may
        find hundreds of thousands)."""
        found: list[tuple[int, int, float, bytes | None, int]] = []
        for i in range(0, len(text_ids), CHUNK):
            chunk = text_ids[i : i + CHUNK]
            marks = ",".join("?" * len(chunk))
            found.extend(
                self.db.execute(f"SELECT id, rec, at_s, runs, text FROM screen_lines WHERE text IN ({marks})", chunk)
            )
        found.sort()  # by id (unique): tuples compare at C speed
        return found

    def size_bytes(self) -> int:
        """The index's size on disk (with its journal), 0 in memory."""
        if self.path is None:
            return 0
        total = 0
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                total += os.path.getsize(str(self.path) + suffix)
        return total


def _first(item: tuple[int, CellLine, int]) -> int:
    return item[0]


def trigram_query(literal: str) -> str:
    """An FTS5 query for lines holding every trigram of `literal` that tiles it: back to back
    from the start, plus the last one (each trigram's list is read whole with detail=none, so
    fewer of them is faster; the caller checks each line found exactly anyway)."""
    n = len(literal)
    starts = sorted({*range(0, n - 2, 3), n - 3})
    grams = dict.fromkeys(literal[i : i + 3] for i in starts)
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


def pack_runs(runs: array[float]) -> bytes:
    """A line's (offset, time) pairs as stored: every time (8 bytes, exact), then every offset
    (2 bytes: a line is at most 1,000 characters): 10 bytes a run instead of 16."""
    return array("d", runs[1::2]).tobytes() + array("H", (int(x) for x in runs[0::2])).tobytes()


def runs_of(blob: bytes) -> tuple[array[int], array[float]]:
    """A recording line's run offsets and times back from `pack_runs`' bytes."""
    n = len(blob) // 10
    times, offsets = array("d"), array("H")
    times.frombytes(blob[: 8 * n])
    offsets.frombytes(blob[8 * n : 10 * n])
    return offsets, times


def _dump_deps(deps: tuple[tuple[str, Identity], ...], base: str) -> str:
    """`size<TAB>mtime<TAB>name` lines, names relative to the folder last set by a line
    `<TAB><TAB>folder` (itself relative to the cells file's folder `base`, if inside it):
    a cell's artifacts share one folder, so its long path is kept once, not once a file."""
    out: list[str] = []
    folder = base
    for path, (size, mtime) in deps:
        parent, name = os.path.split(path)
        if parent != folder:
            inside = parent == base or parent.startswith(base.rstrip(os.sep) + os.sep)
            out.append("\t\t" + (os.path.relpath(parent, base) if inside else parent))
            folder = parent
        out.append(f"{size}\t{mtime}\t{name}")
    return "\n".join(out)


def _parse_deps(text: str, base: str) -> tuple[tuple[str, Identity], ...]:
    out = []
    folder = base
    for line in text.split("\n"):
        if not line:
            continue
        size, mtime, name = line.split("\t", 2)
        if not size:
            folder = os.path.normpath(os.path.join(base, name))
        else:
            out.append((os.path.join(folder, name), (int(size), int(mtime))))
    return tuple(out)
