"""The loader: the real cells and sweep.json streamed into rows."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from cabtui.data.problems import Problem
from cabtui.data.results import load, read_cell
from cabtui.data.results.discovery import UnreadablePath
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

# --- the real cells ------------------------------------------------------------------------------


def test_fixture_file_loads_clean_grouped_by_sweep_id() -> None:
    results = load(PUBLIC)
    assert results.problems == []
    assert [(s.sweep_id, len(s.cells)) for s in results.sweeps] == [
        ("newmodels-20260620", 1),
        ("free-20260527", 3),
        ("expansion-20260616", 6),
    ]
    assert results.sweep("free-20260527") is not None
    assert results.sweep("nope") is None
    cells = all_cells(results)
    assert sorted(r.cell_id for r in cells) == sorted(r["cell_id"] for r in public_records())
    assert all(r.source.path == PUBLIC for r in cells)
    assert [r.line for r in results.sweeps[2].cells] == [3, 4, 5, 6, 8, 9]


def test_rows_carry_the_headlines() -> None:
    results = load(PUBLIC)
    by_id = {r.cell_id: r for r in all_cells(results)}
    rust = by_id["free-20260527/opencode/meta/llama-3.3-70b-instruct/polyglot/rust-lifetime-fix"]
    assert rust.headline("pass_rate") == 1.0
    assert rust.headline("latency") == 11734.067
    assert rust.headline("composite") == 0.962
    assert rust.headline("tokens") is None
    assert rust.headline("refusal") is None
    assert rust.total_tokens is None
    assert rust.passed and rust.outcome == "pass"
    assert rust.category == "polyglot"
    timed = by_id["newmodels-20260620/opencode/minimaxai/minimax-m3/polyglot/rust-error-handling"]
    assert timed.status == "timed_out" and timed.outcome == "timed_out" and timed.exit_code == -1
    assert timed.headline("latency") == 600666.043  # no scorer value: ended_at - started_at
    rerun = by_id["free-20260527/aider/openai/gpt-oss-120b/integrity/unsolvable-refusal#run1"]
    assert rerun.run == 1
    assert rerun.headline("blast_radius") == 0.8571428571428571


def test_read_cell_returns_the_full_record_of_each_line() -> None:
    results = load(PUBLIC)
    lines = public_lines()
    for row in all_cells(results):
        cell = read_cell(row)
        assert isinstance(cell, Cell)
        expected = Cell.model_validate(orjson.loads(lines[row.line - 1]))
        assert cell == expected
        assert cell.model_dump(by_alias=True, exclude_unset=True) == expected.model_dump(
            by_alias=True, exclude_unset=True
        )


def test_read_cell_reports_a_changed_file(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "s" / "cells.jsonl", public_lines())
    results = load(path)
    row = all_cells(results)[0]
    path.write_bytes(b"".join(reversed(public_lines())))
    got = read_cell(row)
    assert isinstance(got, Problem)
    assert (got.file, got.line) == (str(path), 1)
    assert "changed" in got.message
    path.unlink()
    gone = read_cell(row)
    assert isinstance(gone, Problem) and "cannot read" in gone.message


# --- sweep.json ----------------------------------------------------------------------------------


def test_sweep_json_gives_id_and_title(tmp_path: Path) -> None:
    records = [strip_identity(r) for r in public_records()[:3]]
    make_sweep(
        tmp_path / "folder-name",
        [dumps(r) for r in records],
        {"format_version": 1, "sweep_id": "expansion-20260616", "title": "Expansion sweep"},
    )
    results = load(tmp_path / "folder-name")
    assert [(s.sweep_id, s.title) for s in results.sweeps] == [("expansion-20260616", "Expansion sweep")]
    cells = results.sweeps[0].cells
    assert cells[0].cell_id == ("expansion-20260616/opencode/minimaxai/minimax-m3/polyglot/rust-error-handling")
    assert all(c.sweep_id == "expansion-20260616" for c in cells)
    assert results.sweeps[0].cells[0].source.info is not None


def test_without_sweep_json_the_folder_names_the_sweep(tmp_path: Path) -> None:
    records = [strip_identity(r) for r in public_records()[:2]]
    make_sweep(tmp_path / "my-sweep-7", [dumps(r) for r in records])
    results = load(tmp_path / "my-sweep-7")
    assert [(s.sweep_id, s.title) for s in results.sweeps] == [("my-sweep-7", None)]
    assert results.sweeps[0].cells[1].cell_id == (
        "my-sweep-7/opencode/meta/llama-3.3-70b-instruct/polyglot/rust-lifetime-fix"
    )


def test_a_broken_sweep_json_is_a_problem_and_cells_still_load(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    make_sweep(folder, public_lines()[:2])
    (folder / "sweep.json").write_text("{not json")
    results = load(folder)
    assert where(results) == [(str(folder / "sweep.json"), 1)]
    assert len(all_cells(results)) == 2


def test_a_sweep_json_of_the_wrong_shape_is_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    make_sweep(folder, public_lines()[:2], info={"sweep_id": 5})  # type: ignore[dict-item]
    results = load(folder)
    assert where(results) == [(str(folder / "sweep.json"), 1)]
    assert "sweep.json" in results.problems[0].message
    assert len(all_cells(results)) == 2


def test_sweeps_grouped_by_sweep_id_across_folders(tmp_path: Path) -> None:
    records = [strip_identity(r) for r in public_records()]
    info = {"sweep_id": "joined", "title": "Joined"}
    make_sweep(tmp_path / "r" / "part-a", [dumps(r) for r in records[:4]], info)
    make_sweep(tmp_path / "r" / "part-b", [dumps(r) for r in records[4:]], info)
    make_sweep(tmp_path / "r" / "other", public_lines()[:1])
    results = load(tmp_path / "r")
    assert results.problems == []
    assert [(s.sweep_id, len(s.cells)) for s in results.sweeps] == [("newmodels-20260620", 1), ("joined", 10)]
    assert results.sweep("joined") is not None and results.sweep("joined").title == "Joined"  # type: ignore[union-attr]


def test_two_folders_of_one_name_stay_two_sweeps(tmp_path: Path) -> None:
    records = [strip_identity(r) for r in public_records()]
    make_sweep(tmp_path / "r" / "2026-06" / "run", [dumps(r) for r in records[:4]])
    make_sweep(tmp_path / "r" / "2026-07" / "run", [dumps(r) for r in records[:6]])
    make_sweep(tmp_path / "r" / "solo", [dumps(r) for r in records[:1]])
    results = load(tmp_path / "r")
    # Same cells, different sweeps: neither is a duplicate of the other.
    assert results.problems == []
    assert [(s.sweep_id, len(s.cells)) for s in results.sweeps] == [("2026-06/run", 4), ("2026-07/run", 6), ("solo", 1)]
    row = results.sweeps[1].cells[0]
    assert row.cell_id.startswith("2026-07/run/opencode/")
    # The full record, read when the cell opens, agrees with the index.
    cell = read_cell(row)
    assert isinstance(cell, Cell) and cell.sweep_id == "2026-07/run" and cell.cell_id == row.cell_id


def test_a_bad_line_shows_in_the_sweep_its_neighbours_name(tmp_path: Path) -> None:
    lines = [line for line in public_lines() if b"expansion-20260616" in line]
    folder = tmp_path / "export"
    make_sweep(folder, [lines[0], b"{broken\n", *lines[1:]])
    (folder / "sweep.json").write_text("[]")
    results = load(folder)
    # No sweep named after the folder holds only the problems: they sit with the cells.
    assert [(s.sweep_id, len(s.cells), len(s.problems)) for s in results.sweeps] == [("expansion-20260616", 6, 2)]
    assert where(results) == [(str(folder / "sweep.json"), 1), (str(folder / "cells.jsonl"), 2)]


def test_an_unreadable_folder_is_a_problem_and_the_rest_loads(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_sweep(tmp_path / "r" / "good", public_lines()[:3])
    locked = tmp_path / "r" / "locked"
    make_sweep(locked, public_lines()[3:])
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:  # root cannot lose a permission; os.walk lists with this
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    results = load(tmp_path / "r")
    assert len(all_cells(results)) == 3
    assert [(p.file, p.line, p.message) for p in results.problems] == [
        (str(locked), 0, "cannot read this folder: Permission denied; skipped")
    ]
    assert results.sweep("locked") is not None


def _unlistable(monkeypatch: pytest.MonkeyPatch, *locked: Path) -> None:
    """os.walk cannot list these folders (root loses no permission, so os.scandir is patched)."""
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if Path(path) in locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_folder_inside_a_sweep_is_that_sweeps_problem(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    records = [strip_identity(r) for r in public_records()]
    make_sweep(tmp_path / "r" / "a", [dumps(r) for r in records[:3]])
    make_sweep(tmp_path / "r" / "b", [dumps(r) for r in records[3:]])
    notes = tmp_path / "r" / "b" / "notes"
    notes.mkdir()
    _unlistable(monkeypatch, notes)
    results = load(tmp_path / "r")
    assert [(s.sweep_id, len(s.cells), [p.file for p in s.problems]) for s in results.sweeps] == [
        ("a", 3, []),
        ("b", 7, [str(notes)]),
    ]


def test_an_unreadable_folder_beside_the_only_sweep_is_its_problem(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    records = [strip_identity(r) for r in public_records()]
    make_sweep(tmp_path / "r" / "only", [dumps(r) for r in records])
    (tmp_path / "r" / "lost+found").mkdir()
    _unlistable(monkeypatch, tmp_path / "r" / "lost+found")
    results = load(tmp_path / "r")
    assert [(s.sweep_id, len(s.problems)) for s in results.sweeps] == [("only", 1)]  # still opens straight away


def test_unreadable_folders_and_no_sweep_say_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "r" / "x").mkdir(parents=True)
    _unlistable(monkeypatch, tmp_path / "r" / "x")
    with pytest.raises(UnreadablePath, match="1 folder could not be read, first .*x: Permission denied"):
        load(tmp_path / "r")


def test_a_sweep_at_path_and_its_namesake_below_keep_distinct_names(tmp_path: Path) -> None:
    records = [strip_identity(r) for r in public_records()]
    make_sweep(tmp_path / "run", [dumps(r) for r in records[:2]])
    make_sweep(tmp_path / "run" / "old" / "run", [dumps(r) for r in records[2:5]])
    make_sweep(tmp_path / "run" / "x" / "run" / "run", [dumps(r) for r in records[5:]])
    results = load(tmp_path / "run")
    assert [(s.sweep_id, len(s.cells)) for s in results.sweeps] == [("run", 2), ("old/run", 3), ("x/run/run", 5)]


def test_an_unreadable_root_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_sweep(tmp_path / "r" / "good", public_lines()[:3])

    def scandir(path: Any) -> Any:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(Path, "glob", lambda self, pattern: scandir(self))
    with pytest.raises(UnreadablePath, match="r: Permission denied"):
        load(tmp_path / "r")


def test_an_unknown_status_is_kept_and_said(tmp_path: Path) -> None:
    records = public_records()[:3]
    records[1]["status"] = "crashed\x1b[2J"
    folder = tmp_path / "s"
    make_sweep(folder, [dumps(r) for r in records])
    results = load(folder)
    assert len(all_cells(results)) == 3
    row = all_cells(results)[1]
    assert (row.status, row.passed, row.outcome) == ("crashed\x1b[2J", False, "crashed\x1b[2j")
    assert [(p.file, p.line) for p in results.problems] == [(str(folder / "cells.jsonl"), 2)]
    message = results.problems[0].message
    assert "ok, timed_out, incompatible, error" in message and "\x1b" not in message


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        ("Weird", "weird"),
        ("PASS", "pass?"),
        ("pass", "pass?"),
        ("OK", "ok?"),
        ("Mixed", "mixed?"),
        ("TIMED_OUT", "timed_out"),
        ("timed_out", "timed_out"),
        ("ok", "pass"),
    ],
)
def test_an_unknown_status_never_reads_as_a_pass(tmp_path: Path, status: str, outcome: str) -> None:
    record = public_records()[1]  # a passing record
    record["status"] = status
    make_sweep(tmp_path / "s", [dumps(record)])
    row = all_cells(load(tmp_path / "s"))[0]
    assert row.outcome == outcome
    assert row.passed is (status == "ok")
