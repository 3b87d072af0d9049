"""The growing index: chunked reads, reads resumed from an offset, the held-back last line, watching."""

from __future__ import annotations

from pathlib import Path

from cabtui.data.results import QUIET_S, GrowingIndex, PollWaiter, load, make_waiter, read_cell
from tests.data.loader_helpers import all_cells, public_lines, write_lines


def _sweep(tmp_path: Path, lines: list[bytes]) -> Path:
    return write_lines(tmp_path / "s" / "cells.jsonl", lines)


def test_chunks_of_any_size_give_what_one_load_gives(tmp_path: Path) -> None:
    lines = public_lines()
    path = _sweep(tmp_path, lines)
    whole = load(path.parent)
    for size in (1, 100, 1000, 1 << 20):
        index = GrowingIndex(path.parent)
        chunks = list(index.chunks(first=size, size=size))
        got = [row for chunk in chunks for row in chunk.rows]
        want = sorted(((r.cell_id, r.line, r.offset) for r in all_cells(whole)), key=lambda t: t[1])
        assert [(r.cell_id, r.line, r.offset) for r in got] == want  # in file order
        assert chunks[-1].done == chunks[-1].total == path.stat().st_size
    assert len(list(GrowingIndex(path.parent).chunks(first=100, size=100))) >= len(lines)  # really in pieces


def test_a_file_read_on_from_where_it_stopped(tmp_path: Path) -> None:
    lines = public_lines()
    path = _sweep(tmp_path, lines[:3])
    index = GrowingIndex(path.parent)
    assert sum(len(c.rows) for c in index.chunks()) == 3
    assert [c.rows for c in index.poll(0.0)] == []  # nothing new
    with path.open("ab") as handle:
        handle.write(b"".join(lines[3:6]))
    new = [row for chunk in index.poll(1.0) for row in chunk.rows]
    assert [r.line for r in new] == [4, 5, 6]
    assert len(all_cells(index.results)) == 6
    assert index.results.problems == []


def test_a_line_being_written_is_held_back_until_its_newline(tmp_path: Path) -> None:
    lines = public_lines()
    half = len(lines[1]) // 2
    path = _sweep(tmp_path, [lines[0], lines[1][:half]])
    index = GrowingIndex(path.parent)
    assert sum(len(c.rows) for c in index.chunks()) == 1
    assert index.results.problems == [] and index.growing()
    with path.open("ab") as handle:
        handle.write(lines[1][half:])
    new = [row for chunk in index.poll(1.0) for row in chunk.rows]
    assert [r.line for r in new] == [2] and not index.growing()
    assert index.results.problems == []


def test_a_held_back_line_is_reported_once_the_file_stops_growing(tmp_path: Path) -> None:
    lines = public_lines()
    path = _sweep(tmp_path, [lines[0], lines[1][:50]])
    index = GrowingIndex(path.parent)
    list(index.chunks())
    list(index.poll(100.0))
    assert index.results.problems == []
    list(index.poll(100.0 + QUIET_S / 2))
    assert index.results.problems == []
    list(index.poll(100.0 + QUIET_S))
    assert [(p.line, "truncated" in p.message) for p in index.results.problems] == [(2, True)]
    list(index.poll(200.0 + QUIET_S))
    assert len(index.results.problems) == 1  # said once


def test_strict_reports_the_unterminated_last_line_at_once(tmp_path: Path) -> None:
    lines = public_lines()
    path = _sweep(tmp_path, [lines[0], lines[1][:50]])
    assert load(path.parent).problems == []
    strict = load(path.parent, strict=True)
    assert [(p.line, "no newline" in p.message) for p in strict.problems] == [(2, True)]
    assert len(all_cells(strict)) == 1


def test_a_whole_record_without_its_newline_is_taken_and_its_newline_later_ends_it(tmp_path: Path) -> None:
    lines = public_lines()
    path = _sweep(tmp_path, [lines[0], lines[1].rstrip(b"\n")])
    index = GrowingIndex(path.parent)
    assert sum(len(c.rows) for c in index.chunks()) == 2
    with path.open("ab") as handle:
        handle.write(b"\n" + lines[2])
    new = [row for chunk in index.poll(1.0) for row in chunk.rows]
    assert [r.line for r in new] == [3]  # the late newline is no line of its own


def test_a_new_sweep_folder_is_found_and_read(tmp_path: Path) -> None:
    lines = public_lines()
    _sweep(tmp_path, lines[:2])
    index = GrowingIndex(tmp_path)
    list(index.chunks())
    write_lines(tmp_path / "later" / "cells.jsonl", [lines[5]])
    assert [t.source.path.parent.name for t in index.rescan()] == ["later"]
    assert sum(len(c.rows) for c in index.poll(1.0)) == 1
    assert index.rescan() == []


def test_an_appended_duplicate_is_a_problem_and_a_shrunk_file_is_said(tmp_path: Path) -> None:
    lines = public_lines()
    path = _sweep(tmp_path, lines[:2])
    index = GrowingIndex(path.parent)
    list(index.chunks())
    with path.open("ab") as handle:
        handle.write(lines[0])
    assert sum(len(c.rows) for c in index.poll(1.0)) == 0
    assert "duplicate cell" in index.results.problems[-1].message
    path.write_bytes(lines[0])
    list(index.poll(2.0))
    assert "shrank" in index.results.problems[-1].message


def test_duplicates_are_still_caught_after_the_tables_are_dropped(tmp_path: Path) -> None:
    """The feed drops the duplicate-check tables after the first read; appends build them again."""
    lines = public_lines()
    path = _sweep(tmp_path, lines[:3])
    index = GrowingIndex(path.parent)
    list(index.chunks())
    index.forget_seen()
    with path.open("ab") as handle:
        handle.write(lines[1] + lines[3])
    rows = [row for chunk in index.poll(1.0) for row in chunk.rows]
    assert [r.line for r in rows] == [5]  # line 4 repeats line 2
    assert index.results.problems[-1].line == 4
    assert "duplicate cell" in index.results.problems[-1].message
    assert "(first at line 2)" in index.results.problems[-1].message
    assert len(all_cells(index.results)) == 4


def test_nothing_is_written_in_the_results_folder(tmp_path: Path) -> None:
    lines = public_lines()
    path = _sweep(tmp_path, lines[:2])
    before = sorted((p, p.stat().st_mtime_ns) for p in tmp_path.rglob("*"))
    index = GrowingIndex(tmp_path)
    list(index.chunks())
    list(index.poll(QUIET_S * 2))
    index.rescan()
    assert sorted((p, p.stat().st_mtime_ns) for p in tmp_path.rglob("*")) == before
    assert path.read_bytes() == b"".join(lines[:2])


def test_the_polling_waiter_is_the_fallback(tmp_path: Path) -> None:
    waiter = make_waiter(tmp_path, 0.01, polling=True)
    assert isinstance(waiter, PollWaiter) and waiter.kind == "polling"
    assert waiter.wait() is None  # wakes after its interval, paths unknown
    waiter.close()
    assert make_waiter(tmp_path / "missing", 0.01).kind in ("events", "polling")


def test_the_event_waiter_sees_an_append(tmp_path: Path) -> None:
    import threading

    path = _sweep(tmp_path, public_lines()[:1])
    waiter = make_waiter(tmp_path, 0.05)
    assert waiter.kind == "events"
    seen: list[set[Path] | None] = []
    ready = threading.Event()

    def watch() -> None:
        ready.set()
        for _ in range(100):  # up to 5 s of timeouts
            changed = waiter.wait()
            if changed:
                seen.append(changed)
                return

    thread = threading.Thread(target=watch)
    thread.start()
    ready.wait()
    for _ in range(50):
        if seen:
            break
        with path.open("ab") as handle:
            handle.write(b"\n")
        thread.join(0.1)
    thread.join(6)
    waiter.close()
    assert seen and any(p.name == "cells.jsonl" for p in seen[0])


def test_every_row_opens_at_its_own_line_whatever_came_before_it(tmp_path: Path) -> None:
    """Rows keep their line's start in the file's `line_offsets`: blank and bad lines, a BOM, a
    last line without its newline taken whole, then one held back and completed, all count."""
    lines = public_lines()
    first = b"\xef\xbb\xbf" + lines[0]
    path = _sweep(tmp_path, [first, b"\n", b"not json\n", lines[1], b"   \n", lines[2].rstrip(b"\n")])
    index = GrowingIndex(path.parent)
    for _ in index.chunks(first=300, size=300):
        pass
    with path.open("ab") as handle:  # the newline of the last line, a line in two writes
        handle.write(b"\n" + lines[3][:50])
    list(index.poll(1.0))
    with path.open("ab") as handle:
        handle.write(lines[3][50:] + lines[4])
    list(index.poll(2.0))
    rows = all_cells(index.results)
    assert [r.line for r in rows] == [1, 4, 6, 7, 8]
    data = path.read_bytes()
    for row, line in zip(rows, [first, lines[1], lines[2], lines[3], lines[4]], strict=True):
        assert data[row.offset : row.offset + len(line)] == line
        assert read_cell(row).cell_id == row.cell_id  # type: ignore[union-attr]


def test_a_cell_line_of_many_chunks_is_one_row(tmp_path: Path) -> None:
    lines = public_lines()
    path = _sweep(tmp_path, [lines[0].rstrip(b"\n")[:-1] + b', "padding": "' + b"p" * 5000 + b'"}\n', lines[1]])
    index = GrowingIndex(path.parent)
    rows = [row for chunk in index.chunks(first=64, size=64) for row in chunk.rows]
    assert [r.line for r in rows] == [1, 2] and index.results.problems == []
