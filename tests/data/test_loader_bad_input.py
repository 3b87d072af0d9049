"""The loader on bad input: problems instead of exceptions, and never a write."""

from __future__ import annotations

import builtins
import io
import json
import os
import pathlib
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest

from cabtui.data.results import load, read_cell
from cabtui.data.results.artifacts import load_artifacts
from cabtui.data.results.models import Cell

from .loader_helpers import (
    PUBLIC,
    all_cells,
    dumps,
    make_sweep,
    public_lines,
    public_records,
    strip_identity,
    where,
    write_lines,
)

# --- bad input -----------------------------------------------------------------------------------

GOOD_FIRST, GOOD_LAST = 0, 9


def _set(record: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    record = json.loads(json.dumps(record))
    *parents, last = path.split(".")
    target = record
    for key in parents:
        target = target[key]
    target[last] = value
    return record


def _bad_lines() -> dict[str, tuple[bytes, str]]:
    line = public_lines()[4]
    record = orjson.loads(line)
    return {
        "truncated": (line[: len(line) // 2] + b"\n", "not JSON"),
        "not_json_at_all": (b"hello world\n", "not JSON"),
        "tui_is_number": (dumps(_set(record, "tui", 5)), "tui"),
        "scores_is_list": (dumps(_set(record, "scores", [])), "scores"),
        "pass_is_text": (dumps(_set(record, "scores.pass_rate.pass", "yes")), "pass"),
        "axis_not_object": (dumps(_set(record, "scores.latency", 12.5)), "latency"),
        "run_is_zero": (dumps(_set(record, "run", 0)), "run"),
        "started_at_garbage": (dumps(_set(record, "started_at", "last tuesday")), "started_at"),
        "missing_task": (dumps({k: v for k, v in record.items() if k != "task"}), "task"),
        "array": (b"[1, 2, 3]\n", "a JSON object was expected"),
        "null": (b"null\n", "a JSON object was expected"),
        "number": (b"42\n", "a JSON object was expected"),
        "nul_byte_raw": (line.replace(b'"tui": "aider"', b'"tui": "ai\x00der"'), "not JSON"),
        "nul_bytes_only": (b"\x00\x00\x00\x00\n", "not JSON"),
        "esc_raw_in_string": (line.replace(b'"tui": "aider"', b'"tui": "\x1b[31maider"'), "not JSON"),
        "bel_raw_in_string": (line.replace(b'"tui": "aider"', b'"tui": "aider\x07"'), "not JSON"),
        "invalid_utf8": (line.replace(b'"tui": "aider"', b'"tui": "ai\xff\xfeder"'), "not JSON"),
        "bom": (b"\xef\xbb\xbf" + line, "not JSON"),
        "infinity": (line.replace(b'"wall_clock_ms": 11346.186', b'"wall_clock_ms": 1e400'), "finite number"),
        "nan": (line.replace(b'"wall_clock_ms": 11346.186', b'"wall_clock_ms": NaN'), "finite number"),
    }


@pytest.mark.parametrize("case", sorted(_bad_lines()))
def test_each_bad_line_is_a_problem_and_the_rest_loads(tmp_path: Path, case: str) -> None:
    bad, expected = _bad_lines()[case]
    assert bad != public_lines()[4]
    lines = public_lines()
    path = write_lines(tmp_path / "sweep" / "cells.jsonl", [lines[GOOD_FIRST], bad, lines[GOOD_LAST]])
    results = load(tmp_path / "sweep")
    assert where(results) == [(str(path), 2)], results.problems
    assert expected in results.problems[0].message
    assert "\n" not in results.problems[0].message
    cells = all_cells(results)
    assert [c.line for c in cells] == [1, 3]
    assert [c.cell_id for c in cells] == [
        public_records()[GOOD_FIRST]["cell_id"],
        public_records()[GOOD_LAST]["cell_id"],
    ]
    # The problem belongs to the sweep the file was read for.
    assert sum(len(s.problems) for s in results.sweeps) == 1


def test_a_broken_copy_of_the_fixture(tmp_path: Path) -> None:
    """Every kind of damage at once: each bad line is reported at its line, every good line loads."""
    lines = public_lines()
    bad = _bad_lines()
    text = [
        lines[0],  # 1 good
        bad["truncated"][0],  # 2
        lines[1],  # 3 good
        b"\n",  # 4 blank: skipped, not a problem
        bad["tui_is_number"][0],  # 5
        bad["nul_byte_raw"][0],  # 6
        lines[2],  # 7 good
        bad["esc_raw_in_string"][0],  # 8
        lines[3],  # 9 good
        bad["array"][0],  # 10
        lines[5],  # 11 good
        b"   \t  \n",  # 12 blank
        bad["invalid_utf8"][0],  # 13
        lines[6],  # 14 good
        lines[7],  # 15 good
        lines[8],  # 16 good
        lines[9][:-40],  # 17 truncated last line, no newline
    ]
    shutil.copy(PUBLIC, tmp_path / "public-cells.jsonl")  # the untouched copy sits beside it
    path = write_lines(tmp_path / "broken" / "cells.jsonl", text)
    results = load(tmp_path / "broken", strict=True)
    assert where(results) == [(str(path), n) for n in (2, 5, 6, 8, 10, 13, 17)]
    assert "truncated" in results.problems[-1].message
    assert "truncated" not in results.problems[0].message  # that one had its newline
    # Without strict, the last line (no newline) is a line still being written: held back, not said.
    assert where(load(tmp_path / "broken")) == [(str(path), n) for n in (2, 5, 6, 8, 10, 13)]
    cells = all_cells(results)
    assert len(cells) == 8
    assert [c.line for c in sorted(cells, key=lambda c: c.line)] == [1, 3, 7, 9, 11, 14, 15, 16]
    for row in cells:
        cell = read_cell(row)
        assert isinstance(cell, Cell) and cell.cell_id == row.cell_id


def test_a_huge_stdout_tail_loads_and_is_not_kept_in_the_index(tmp_path: Path) -> None:
    lines = public_lines()
    record = public_records()[1]
    tail = "error[E0106]: missing lifetime specifier\n" * (10 * 1024 * 1024 // 41 + 1)
    assert len(tail) >= 10 * 1024 * 1024
    record["scores"]["pass_rate"]["stdout_tail"] = tail
    path = write_lines(tmp_path / "s" / "cells.jsonl", [lines[0], dumps(record), lines[2]])
    results = load(path)
    assert results.problems == []
    rows = all_cells(results)
    assert [r.line for r in rows] == [1, 2, 3]
    assert rows[2].offset == len(lines[0]) + len(dumps(record))
    assert not any(isinstance(v, str) and len(v) > 1000 for v in (getattr(rows[1], f) for f in rows[1].__slots__))
    cell = read_cell(rows[1])
    assert isinstance(cell, Cell)
    assert cell.scores.pass_rate is not None and cell.scores.pass_rate.stdout_tail == tail


def test_escaped_control_characters_load_as_text(tmp_path: Path) -> None:
    record = public_records()[4]
    record["tui"] = "\x1b]0;pwned\x07ai\x00der\x9b\u202e"
    record["cell_id"] = record["cell_id"] + "\x1b[2J"
    path = write_lines(tmp_path / "s" / "cells.jsonl", [dumps(record)])
    results = load(path)
    assert results.problems == []
    row = all_cells(results)[0]
    assert row.tui == "\x1b]0;pwned\x07ai\x00der\x9b\u202e"
    assert row.cell_id.endswith("\x1b[2J")


def test_an_empty_file_is_a_problem(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "s" / "cells.jsonl", [])
    results = load(tmp_path / "s")
    assert where(results) == [(str(path), 0)]
    assert "empty" in results.problems[0].message
    assert all_cells(results) == []


def test_a_file_of_blank_lines_is_empty(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "s" / "cells.jsonl", [b"\n", b"  \n", b"\r\n"])
    results = load(path)
    assert where(results) == [(str(path), 0)]


def test_an_empty_sweep_beside_good_ones(tmp_path: Path) -> None:
    empty = write_lines(tmp_path / "r" / "a-empty" / "cells.jsonl", [])
    make_sweep(tmp_path / "r" / "b-good", public_lines())
    results = load(tmp_path / "r")
    assert where(results) == [(str(empty), 0)]
    assert len(all_cells(results)) == 10


def test_crlf_lines_load(tmp_path: Path) -> None:
    lines = [line[:-1] + b"\r\n" for line in public_lines()]
    path = write_lines(tmp_path / "s" / "cells.jsonl", lines)
    results = load(path)
    assert results.problems == []
    rows = all_cells(results)
    assert len(rows) == 10
    assert all(isinstance(read_cell(r), Cell) for r in rows)


def test_huge_numbers_load(tmp_path: Path) -> None:
    record = public_records()[1]
    record["scores"]["latency"]["wall_clock_ms"] = 1e308
    record["scores"]["tokens"] = {"total_tokens": 2**63, "model_calls": 1, "tokens_per_correct_task": 10**30}
    record["scores"]["pass_rate"]["partial_score"] = 10**30
    path = write_lines(tmp_path / "s" / "cells.jsonl", [dumps(record)])
    results = load(path)
    assert results.problems == []
    row = all_cells(results)[0]
    assert row.headline("latency") == 1e308
    assert row.headline("tokens") == 1e30
    assert row.total_tokens == 2**63


@pytest.mark.parametrize("field", ["scores.tokens.total_tokens", "exit_code", "scores.pass_rate.exit_code"])
def test_huge_integers_in_int_fields_load(tmp_path: Path, field: str) -> None:
    record = _set(public_records()[1], field, 10**30)
    path = write_lines(tmp_path / "s" / "cells.jsonl", [dumps(record)])
    results = load(path)
    assert results.problems == []
    assert len(all_cells(results)) == 1


def test_duplicates_are_reported_and_skipped(tmp_path: Path) -> None:
    lines = public_lines()
    path = write_lines(tmp_path / "s" / "cells.jsonl", [lines[0], lines[1], lines[0], lines[2], lines[1]])
    results = load(path)
    assert where(results) == [(str(path), 3), (str(path), 5)]
    assert "duplicate" in results.problems[0].message
    assert "first at line 1" in results.problems[0].message
    assert "first at line 2" in results.problems[1].message
    assert [r.line for r in all_cells(results)] == [1, 2, 4]


def test_duplicates_across_files_of_one_sweep(tmp_path: Path) -> None:
    lines = public_lines()
    a = make_sweep(tmp_path / "r" / "a", lines[:3])
    b = make_sweep(tmp_path / "r" / "b", [lines[2], lines[3]])
    results = load(tmp_path / "r")
    assert where(results) == [(str(b), 1)]
    assert all(r.source.path == a for r in all_cells(results) if r.cell_id == public_records()[2]["cell_id"])
    assert len(all_cells(results)) == 4


def test_reruns_with_run_suffixes_are_not_duplicates(tmp_path: Path) -> None:
    record = public_records()[9]
    second = dict(record, run=2, cell_id=record["cell_id"].replace("#run1", "#run2"))
    third = dict(record, cell_id=record["cell_id"].replace("#run1", "#run3"))
    del third["run"]
    path = write_lines(tmp_path / "s" / "cells.jsonl", [dumps(record), dumps(second), dumps(third)])
    results = load(path)
    assert results.problems == []
    assert [r.run for r in all_cells(results)] == [1, 2, 3]


def test_reruns_without_cell_ids_are_not_duplicates(tmp_path: Path) -> None:
    record = strip_identity(public_records()[1])
    path = write_lines(tmp_path / "s" / "cells.jsonl", [dumps(dict(record, run=1)), dumps(dict(record, run=2))])
    results = load(path)
    assert results.problems == []
    rows = all_cells(results)
    assert sorted(r.run for r in rows) == [1, 2]
    assert [r.cell_id for r in rows] == [
        "s/opencode/meta/llama-3.3-70b-instruct/polyglot/rust-lifetime-fix#run1",
        "s/opencode/meta/llama-3.3-70b-instruct/polyglot/rust-lifetime-fix#run2",
    ]


def test_same_tui_model_task_and_run_under_two_ids_is_a_duplicate(tmp_path: Path) -> None:
    record = public_records()[1]
    other = dict(record, cell_id=record["cell_id"] + "-copy")
    path = write_lines(tmp_path / "s" / "cells.jsonl", [dumps(record), dumps(other)])
    results = load(path)
    assert where(results) == [(str(path), 2)]
    assert "duplicate" in results.problems[0].message
    assert [r.cell_id for r in all_cells(results)] == [record["cell_id"]]


def test_artifact_paths_outside_the_sweep_load_but_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "trace.jsonl"
    secret.parent.mkdir()
    secret.write_text('{"span_id": "leak", "start_ms": 0}\n')
    sweep = tmp_path / "sweep"
    (sweep / "cells").mkdir(parents=True)
    (sweep / "cells" / "link.jsonl").symlink_to(secret)
    base = public_records()[1]
    targets = [
        "../../etc/passwd",
        "/etc/passwd",
        str(secret),
        "../outside/trace.jsonl",
        "cells/link.jsonl",
        "cells/../../outside/trace.jsonl",
    ]
    records = [
        dict(
            base,
            cell_id=f"{base['cell_id']}-{i}",
            task=f"{base['task']}-{i}",
            artifacts={"trace": t, "model_calls": t, "recording": t},
        )
        for i, t in enumerate(targets)
    ]
    make_sweep(sweep, [dumps(r) for r in records])
    results = load(sweep)
    assert results.problems == []
    rows = all_cells(results)
    assert len(rows) == len(targets)
    for row in rows:
        cell = read_cell(row)
        assert isinstance(cell, Cell)
        got = load_artifacts(cell, row.source)
        assert got.spans == () and got.calls == () and got.recording is None
        for note in (got.trace_note, got.calls_note, got.recording_note):
            assert note is not None and ("outside" in note or "absolute" in note), note


def test_progress_and_cancel(tmp_path: Path) -> None:
    path = make_sweep(tmp_path / "s", public_lines())
    seen: list[tuple[int, int]] = []
    load(path, progress=lambda done, total: seen.append((done, total)))
    size = path.stat().st_size
    assert seen[-1] == (size, size)
    stopped = load(path, should_stop=lambda: True)
    assert all_cells(stopped) == []


# --- loading never writes ------------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, tuple[str, int, int]]:
    out: dict[str, tuple[str, int, int]] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            p = Path(folder) / name
            st = p.lstat()
            kind = "link" if p.is_symlink() else "dir" if p.is_dir() else "file"
            out[str(p.relative_to(root))] = (kind, st.st_size if kind == "file" else 0, st.st_mtime_ns)
    return out


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def forbid_writes(monkeypatch: pytest.MonkeyPatch, opened: list[str]) -> None:
    real_open = builtins.open
    real_path_open = pathlib.Path.open
    real_os_open = os.open

    def check(mode: str, what: Any) -> None:
        opened.append(str(what))
        if any(ch in mode for ch in "wax+"):
            raise AssertionError(f"opened for writing: {what} ({mode})")

    def guarded_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        check(mode, file)
        return real_open(file, mode, *args, **kwargs)

    def guarded_path_open(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        check(mode, self)
        return real_path_open(self, mode, *args, **kwargs)

    def guarded_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        opened.append(str(path))
        if flags & _WRITE_FLAGS:
            raise AssertionError(f"os.open for writing: {path}")
        return real_os_open(path, flags, *args, **kwargs)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"filesystem change: {args}")

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(pathlib.Path, "open", guarded_path_open)
    monkeypatch.setattr(os, "open", guarded_os_open)
    for name in (
        "mkdir",
        "makedirs",
        "remove",
        "unlink",
        "rename",
        "replace",
        "rmdir",
        "symlink",
        "utime",
        "chmod",
        "truncate",
    ):
        monkeypatch.setattr(os, name, refuse)


def test_loading_never_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "results"
    lines = public_lines()
    sweep = root / "expansion"
    records = public_records()
    conventional = sweep / "cells" / "opencode" / "meta" / "llama-3.3-70b-instruct" / "polyglot" / "rust-lifetime-fix"
    conventional.mkdir(parents=True)
    (conventional / "trace.jsonl").write_text(
        '{"span_id": "a", "start_ms": 0, "duration_ms": 5, "kind": "container"}\nnot json\n'
    )
    (conventional / "model_calls.jsonl").write_text('{"index": 0, "prompt_tokens": 3}\n')
    (conventional / "recording.cast").write_text('{"version": 2, "width": 80, "height": 24}\n[0.1, "o", "hi"]\n')
    make_sweep(
        sweep,
        [*lines[:5], b"garbage\n", dumps(records[1]), *lines[5:]],
        {"sweep_id": "expansion-20260616", "title": "Expansion"},
    )
    make_sweep(root / "empty", [])
    write_lines(root / "flat" / "deeper" / "other" / "cells.jsonl", [dumps(strip_identity(r)) for r in records[:2]])
    before = snapshot(root)
    opened: list[str] = []
    forbid_writes(monkeypatch, opened)

    results = load(root)
    spans = 0
    for row in all_cells(results):
        cell = read_cell(row)
        assert isinstance(cell, Cell)
        got = load_artifacts(cell, row.source)
        spans += len(got.spans)
    monkeypatch.undo()

    assert spans == 1
    assert len(results.problems) == 3  # garbage line, duplicate record, empty file
    assert len(all_cells(results)) == 12
    assert snapshot(root) == before
    assert opened, "the guard saw the loader's reads"
    assert all(str(root) in p for p in opened)


def test_one_walk_hands_the_loader_complete_sources(tmp_path: Path) -> None:
    from cabtui.data.results.discovery import find_sources

    root = tmp_path / "root"
    for name in ("2026-06/run", "2026-07/run"):
        (root / name).mkdir(parents=True)
        (root / name / "cells.jsonl").write_text("{}\n")
    (root / "2026-06/run/sweep.json").write_text("{}")
    locked = root / "2026-06/run/artifacts"
    locked.mkdir()
    locked.chmod(0)
    try:
        found = find_sources(root)
    finally:
        locked.chmod(0o755)
    june, july = found.sources
    assert (june.folder_name, july.folder_name) == ("2026-06/run", "2026-07/run")
    assert june.sweep_json == root / "2026-06/run/sweep.json" and july.sweep_json is None
    assert june.size == 3
    if os.geteuid() != 0:  # root lists any folder
        assert [e.filename for e in june.unreadable] == [str(locked)] and not found.unreadable
