"""Discovery: which cells files a PATH names, at any depth, and what their folders give."""

from __future__ import annotations

from pathlib import Path

import pytest

from cabtui.data.results import load
from cabtui.data.results.discovery import UnreadablePath, discover

from .loader_helpers import FIXTURES, PUBLIC, all_cells, make_sweep, public_lines, write_lines

# --- discovery -----------------------------------------------------------------------------------


def test_discovery_at_any_depth(tmp_path: Path) -> None:
    lines = public_lines()
    a = make_sweep(tmp_path / "root" / "a", lines[:2])
    b = make_sweep(tmp_path / "root" / "deep" / "er" / "still" / "b", lines[2:5])
    c = make_sweep(tmp_path / "root" / "x" / "c", lines[5:])
    # A sweep's own artifact tree is not searched, and hidden folders are skipped.
    make_sweep(tmp_path / "root" / "a" / "cells" / "opencode" / "nested", lines[:1])
    make_sweep(tmp_path / "root" / ".hidden", lines[:1])
    assert discover(tmp_path / "root") == sorted([a, b, c])
    results = load(tmp_path / "root")
    assert results.problems == []
    assert len(all_cells(results)) == 10


def test_one_sweep_folder(tmp_path: Path) -> None:
    path = make_sweep(tmp_path / "expansion", public_lines())
    assert discover(tmp_path / "expansion") == [path]
    assert len(all_cells(load(tmp_path / "expansion"))) == 10


def test_one_jsonl_file_with_any_name(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "exported.jsonl", public_lines()[:4])
    assert discover(path) == [path]
    results = load(path)
    assert [r.line for r in all_cells(results)] == [1, 2, 3, 4]


def test_folder_of_plain_jsonl_files(tmp_path: Path) -> None:
    lines = public_lines()
    first = write_lines(tmp_path / "flat" / "part-1.jsonl", lines[:3])
    second = write_lines(tmp_path / "flat" / "part-2.jsonl", lines[3:])
    (tmp_path / "flat" / "notes.txt").write_text("not cells")
    assert discover(tmp_path / "flat") == [first, second]
    results = load(tmp_path / "flat")
    assert results.problems == []
    assert len(all_cells(results)) == 10


def test_the_fixtures_folder_opens() -> None:
    assert discover(FIXTURES) == [PUBLIC]


def test_missing_path_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadablePath, match="no such file"):
        load(tmp_path / "missing")


def test_folder_with_no_sweep_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    (tmp_path / "empty" / "readme.txt").write_text("hello")
    with pytest.raises(UnreadablePath, match="no sweep"):
        load(tmp_path / "empty")


def test_a_file_that_is_not_jsonl_is_unreadable(tmp_path: Path) -> None:
    other = tmp_path / "cells.json"
    other.write_bytes(public_lines()[0])
    with pytest.raises(UnreadablePath):
        load(other)


def test_overlong_path_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadablePath):
        load(tmp_path / ("x" * 300))
