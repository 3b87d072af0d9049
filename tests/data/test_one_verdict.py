"""Hostile and real-world lines: each is one problem on its line, and the index, `validate` and an
opened cell agree on the cells and the problems (issue items 2, 6, 7, 9, 10, 12, 13, 17, 32)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from cabtui.data.problems import Problem
from cabtui.data.results import Results, index, lines, load, open_record, read_cell
from cabtui.data.results.filter import parse_query
from cabtui.data.results.models import Cell
from cabtui.data.results.query import leaderboard
from cabtui.data.text import visible

PUBLIC = Path(__file__).resolve().parents[1] / "fixtures" / "public" / "public-cells.jsonl"


def records() -> list[dict[str, Any]]:
    return [json.loads(line) for line in PUBLIC.read_text().splitlines()]


def write(folder: Path, lines: list[Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "cells.jsonl"
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return path


def said(results: Results) -> list[str]:
    return [str(p) for p in results.problems]


def cells(results: Results) -> int:
    return sum(len(s.cells) for s in results.sweeps)


# --- item 2: one record never breaks the sweep ---------------------------------------------------


def test_a_run_suffix_of_5000_digits_is_a_problem_on_its_line(tmp_path: Path) -> None:
    lines = records()[:3]
    lines[1] = {**lines[1], "cell_id": "x/a/m/t#run" + "9" * 5000}
    path = write(tmp_path / "s", lines)
    for full in (False, True):
        results = load(tmp_path, full=full)
        assert cells(results) == 2
        assert said(results) == [
            f"{path}:2: not a cell record: cell_id ends in #run and 5,000 digits: not a run number"
        ]


def test_any_failure_inside_one_line_is_that_lines_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "s", records()[:3])
    real = index.CellRow.from_head

    def from_head(head: Any, *args: Any, **kwargs: Any) -> Any:
        if head["tui"] == records()[1]["tui"] and head["model"] == records()[1]["model"]:
            raise RuntimeError("boom \x1b[2J")
        return real(head, *args, **kwargs)

    fast_row_of = lines.row_of

    def row_of(got: Any, *args: Any) -> Any:  # the bulk read's fast path fails alike, then the slow one
        if got[0][0] == records()[1]["tui"] and got[0][1] == records()[1]["model"]:
            raise RuntimeError("fast path: boom")
        return fast_row_of(got, *args)

    fast_struct_row = lines._struct_row

    def struct_row(raw: bytes, *args: Any) -> Any:  # and msgspec's, before it
        if json.loads(raw)["tui"] == records()[1]["tui"] and json.loads(raw)["model"] == records()[1]["model"]:
            raise RuntimeError("struct path: boom")
        return fast_struct_row(raw, *args)

    monkeypatch.setattr(index.CellRow, "from_head", from_head)
    monkeypatch.setattr(lines, "row_of", row_of)
    monkeypatch.setattr(lines, "_struct_row", struct_row)
    results = load(tmp_path)
    assert cells(results) == 2
    assert said(results) == [f"{path}:2: cannot read this record: RuntimeError: boom ␛[2J"]


# --- item 6: a deep tree -------------------------------------------------------------------------


def test_a_folder_tree_1000_levels_deep_loads(tmp_path: Path) -> None:
    folders = [tmp_path / "r"]
    for _ in range(1000):
        folders.append(folders[-1] / "d")
    for folder in folders:
        folder.mkdir()
    cells_file = write(folders[-1], records()[:2])
    try:
        results = load(tmp_path / "r")
    finally:  # shutil.rmtree, which cleans tmp_path, recurses too
        cells_file.unlink()
        for folder in reversed(folders):
            folder.rmdir()
    assert (cells(results), said(results)) == (2, [])


# --- item 7: Cell validation and opening a changed file ------------------------------------------


def test_a_non_string_cell_id_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="cell_id"):
        Cell.model_validate({**records()[0], "cell_id": 5})
    with pytest.raises(ValidationError, match="sweep_id"):
        Cell.model_validate({**records()[0], "sweep_id": ["x"], "cell_id": None})


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        (
            '{"tui": "a", "model": "m", "task": "t", "cell_id": 5, "scores": {}}\n',
            "not a cell record: cell_id: Input should be a valid string"
            " (the file changed since it was loaded? reload it)",
        ),
        (
            "{garbled\n",
            "not JSON: key must be a string at line 1 column 2 (the file changed since it was loaded? reload it)",
        ),
        ("", "the file changed since it was loaded (this line is gone); reload it"),
        (None, "cannot read: No such file or directory"),
    ],
)
def test_opening_a_cell_of_a_changed_file_says_what_is_wrong(tmp_path: Path, changed: str | None, message: str) -> None:
    path = write(tmp_path / "s", records()[:1])
    row = load(tmp_path).sweeps[0].cells[0]
    if changed is None:
        path.unlink()
    else:
        path.write_text(changed)
    opened = open_record(row)
    assert opened.cell is None
    assert [str(p) for p in opened.problems] == [f"{path}:1: {message}"]
    assert str(read_cell(row)) == f"{path}:1: {message}"


# --- item 9: #run0, one rule ---------------------------------------------------------------------


def test_run0_in_an_id_is_refused_alike_by_the_index_and_validate(tmp_path: Path) -> None:
    lines = records()[:2]
    lines[1] = {**lines[1], "cell_id": lines[1]["cell_id"] + "#run0"}
    path = write(tmp_path / "s", lines)
    expected = [f"{path}:2: not a cell record: cell_id ends in #run0: runs count from 1"]
    assert [(cells(r), said(r)) for r in (load(tmp_path), load(tmp_path, full=True))] == [(1, expected)] * 2
    with pytest.raises(ValidationError, match="runs count from 1"):
        Cell.model_validate(lines[1])


def test_run_from_the_id_suffix_everywhere(tmp_path: Path) -> None:
    record = {**records()[1], "cell_id": records()[1]["cell_id"] + "#run3", "run": None}
    write(tmp_path / "s", [record])
    row = load(tmp_path).sweeps[0].cells[0]
    got = read_cell(row)
    assert isinstance(got, Cell)
    assert (row.run, got.run) == (3, 3)


# --- item 10: a BOM ------------------------------------------------------------------------------


def test_a_bom_before_the_first_record_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path / "s", records())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    for full in (False, True):
        results = load(tmp_path, full=full)
        assert (cells(results), said(results)) == (10, [])
    assert isinstance(read_cell(results.sweeps[0].cells[0]), Cell)


# --- item 12: nulls, and one verdict -------------------------------------------------------------


def timed_out_as_published() -> list[dict[str, Any]]:
    lines = records()
    lines[0] = {**lines[0], "container_image": None, "image_digest": None}
    return lines


def test_the_real_timed_out_cell_with_null_image_opens(tmp_path: Path) -> None:
    write(tmp_path / "s", timed_out_as_published())
    quick, full = load(tmp_path), load(tmp_path, full=True)
    assert [(cells(r), said(r)) for r in (quick, full)] == [(10, []), (10, [])]
    timed = next(c for s in quick.sweeps for c in s.cells if c.status == "timed_out")
    opened = open_record(timed)
    assert opened.problems == ()
    assert opened.cell is not None
    assert (opened.cell.status, opened.cell.container_image, opened.cell.image_digest) == ("timed_out", "", "")


def test_a_field_of_a_wrong_type_is_left_out_and_said_alike_everywhere(tmp_path: Path) -> None:
    lines = records()[:3]
    lines[1] = {**lines[1], "model_build_id": 5, "plugin_stack": "x"}
    lines[1]["scores"]["blast_radius"]["modified"] = ["src/lib.rs", 7]
    path = write(tmp_path / "s", lines)
    quick, full = load(tmp_path), load(tmp_path, full=True)
    expected = [
        f"{path}:2: scores.blast_radius.modified.1: Input should be a valid string; left out",
        f"{path}:2: model_build_id: Input should be a valid string; left out",
        f"{path}:2: plugin_stack: Input should be a valid array; left out",
    ]
    assert (cells(quick), cells(full)) == (3, 3)
    assert said(full) == expected
    opened = open_record(next(c for s in quick.sweeps for c in s.cells if c.line == 2))
    assert opened.cell is not None and [str(p) for p in opened.problems] == expected
    assert opened.cell.model_build_id is None
    assert opened.cell.scores.blast_radius is not None
    assert opened.cell.scores.blast_radius.modified == ["src/lib.rs"]


# --- item 13: artifact paths in validate ---------------------------------------------------------


def test_validate_reports_artifacts_outside_the_sweep_and_missing(tmp_path: Path) -> None:
    lines = records()[:3]
    lines[0] = {**lines[0], "artifacts": {"trace": "../../etc/passwd"}}
    lines[2] = {**lines[2], "artifacts": {"recording": "cells/x/recording.cast", "trace": "/etc/hosts"}}
    path = write(tmp_path / "s", lines)
    results = load(tmp_path, full=True)
    assert cells(results) == 3
    assert said(results) == [
        f"{path}:1: artifacts.trace: ../../etc/passwd: leads outside the sweep folder; refused",
        f"{path}:3: artifacts.trace: /etc/hosts: absolute path refused (artifact paths are relative to the sweep)",
        f"{path}:3: artifacts.recording: cells/x/recording.cast: file not found",
    ]


# --- item 17: derived leaderboard columns --------------------------------------------------------


def test_median_wall_and_tokens_per_correct_derive_from_the_record(tmp_path: Path) -> None:
    write(tmp_path / "s", records())
    rows = [c for s in load(tmp_path).sweeps for c in s.cells]
    board = {(r.tui, r.model): r for r in leaderboard(rows)}
    timed = board[("opencode", "minimaxai/minimax-m3")]  # no latency axis: ended_at - started_at
    assert timed.median_wall_ms == pytest.approx(600_666.043)
    aider = board[("aider", "openai/gpt-oss-120b")]  # the scorer saw no tokens; the CLI reported 940 + 243
    assert (aider.passed, aider.tokens_per_correct) == (1, 1183)
    assert board[("opencode", "meta/llama-3.3-70b-instruct")].median_wall_ms == 11734.067  # the scorer's first


# --- item 32: the filter's unknown status --------------------------------------------------------


def test_an_unknown_status_in_the_filter_is_said() -> None:
    assert parse_query("status:nonsense").errors == (
        "unknown status 'nonsense' (use pass, fail, failed, timed_out, incompatible, error)",
    )
    assert parse_query("status:timed status:=pass -status:fail status:failing").errors == ()


# --- visible(): C1 and bidi ----------------------------------------------------------------------


def test_visible_covers_c1_bidi_and_separators() -> None:
    shown = visible("a\x9b2Jb\u202ec\u2066d\u2028e\x1b")
    assert shown == "a\\x9b2Jb<U+202E>c<U+2066>d<U+2028>e␛"


def test_problems_are_visible_text() -> None:
    assert str(Problem("x\x1b]2;PWNED\x07", 1, "m")) == "x␛]2;PWNED␇:1: m"


def test_check_fully_lists_what_validate_lists(tmp_path: Path) -> None:
    from cabtui.data.results.loader import check_fully

    good = {"tui": "a", "model": "m", "task": "c/t", "scores": {"pass_rate": {"pass": 1}}}
    bad_type = {
        "tui": "a",
        "model": "m",
        "task": "c/u",
        "scores": {"pass_rate": {"pass": 0}, "blast_radius": {"blast_radius": 0.5, "modified": [7]}},
    }
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "cells.jsonl").write_text("\n".join([json.dumps(good), json.dumps(bad_type), "{nope", json.dumps(good)]))
    fast, full = load(folder), load(folder, full=True)
    assert len(fast.problems) < len(full.problems)
    assert [str(p) for p in check_fully(fast.sweeps[0])] == [str(p) for p in full.problems]  # in file order
