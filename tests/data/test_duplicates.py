"""Repeated cells found in bulk at the end of a first read (`without_repeats`) are those the row-by-row
check (`Seen`) finds: the first row of a cell is kept, each repeat is said with its first."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cabtui.data.results.duplicates import Seen, one_form, without_repeats
from cabtui.data.results.growing import GrowingIndex
from cabtui.data.results.index import CellRow, Source

SOURCE = Source(path=Path("cells.jsonl"), folder=Path("."), sweep_id="s")


def row(tui: str, model: str, task: str, run: int, cell_id: str | None = None, line: int = 1) -> CellRow:
    suffix = f"#run{run}"
    cell = cell_id if cell_id is not None else f"s/{tui}/{model}/{task}{suffix}"
    nothing = (None,) * 7
    return CellRow(
        cell, "s", tui, model, task, run, "ok", 0, None, None, nothing, (), None, SOURCE, line, 0, False, "fail"
    )


def row_by_row(rows: list[CellRow]) -> tuple[list[CellRow], list[tuple[CellRow, CellRow]]]:
    seen = Seen()
    kept, repeats = [], []
    for r in rows:
        first = seen.first(r)
        if first is None:
            kept.append(r)
        else:
            repeats.append((r, first))
    return kept, repeats


def test_distinct_default_ids_are_no_repeats_and_the_list_is_kept() -> None:
    rows = [row("a", "m", "t", 1), row("a", "m", "t", 2), row("b", "m/x", "c/t", 1)]
    assert one_form(rows)
    kept, repeats = without_repeats(rows)
    assert kept is rows and repeats == []


def test_one_identity_under_two_forms_of_id_is_a_repeat() -> None:
    plain = row("a", "m", "t", 1, cell_id="s/a/m/t")  # the format's default id, run 1
    suffixed = row("a", "m", "t", 1, line=2)  # s/a/m/t#run1
    assert not one_form([plain, suffixed])
    assert without_repeats([plain, suffixed]) == ([plain], [(suffixed, plain)])


def test_one_identity_under_a_given_id_and_one_id_twice_are_repeats() -> None:
    first, other_id = row("a", "m", "t", 1), row("a", "m", "t", 1, cell_id="mine", line=2)
    same_id = row("b", "m", "t", 3, cell_id="s/a/m/t#run1", line=3)
    kept, repeats = without_repeats([first, other_id, same_id])
    assert kept == [first]
    assert repeats == [(other_id, first), (same_id, first)]


names = st.sampled_from(["a", "b", "a/b", "b/c"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(names, names, names, st.integers(1, 3), st.sampled_from(["suffix", "plain", "other"])),
        max_size=12,
    )
)
def test_the_bulk_check_finds_what_the_row_by_row_check_finds(specs: list[tuple[str, str, str, int, str]]) -> None:
    rows = []
    for i, (tui, model, task, run, form) in enumerate(specs):
        given = {"suffix": None, "plain": f"s/{tui}/{model}/{task}", "other": f"id-{run}"}[form]
        rows.append(row(tui, model, task, run, cell_id=given, line=i + 1))
    assert without_repeats(rows) == row_by_row(rows)


def test_the_feeds_first_read_leaves_repeats_out_at_its_end_and_checks_appends_at_once(tmp_path: Path) -> None:
    record = {"tui": "a", "model": "m", "task": "t", "scores": {}}
    lines = [record, dict(record, task="u"), dict(record, run=1)]  # the third: the first's cell again
    path = tmp_path / "s" / "cells.jsonl"
    path.parent.mkdir()
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    index = GrowingIndex(tmp_path, check_at_end=True)
    for _ in index.chunks():
        pass
    sweep = index.results.sweeps[0]
    assert len(sweep.cells) == 3  # unchecked while the first read goes on
    chunk = index.end_first_read()
    assert [r.line for r in sweep.cells] == [1, 2]
    assert [str(p) for p in chunk.problems] == [f"{path}:3: duplicate cell s/a/m/t#run1 (first at line 1); skipped"]
    with path.open("a") as handle:
        handle.write(json.dumps(dict(record, task="u")) + "\n")
    grown = list(index.poll(0.0))
    assert [str(p) for c in grown for p in c.problems] == [
        f"{path}:4: duplicate cell s/a/m/u (first at line 2); skipped"
    ]
    assert [r.line for r in sweep.cells] == [1, 2]
