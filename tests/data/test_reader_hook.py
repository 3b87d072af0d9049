"""The hook by which another harness's folders become sweeps: a toy reader, registered for the test."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import orjson
import pytest

from cabtui.data.problems import Problem
from cabtui.data.results import load, load_artifacts, open_record
from cabtui.data.results import readers as readers_module
from cabtui.data.results.artifacts import CellArtifacts
from cabtui.data.results.discovery import SweepSource, find_sources
from cabtui.data.results.index import CellRow, Source
from cabtui.data.results.loader import OpenedRecord, check_fully
from cabtui.data.results.models import Cell, Span

from .loader_helpers import make_sweep, public_lines

TOY_FILE = "toy.json"


class ToyReader:
    """A folder holding toy.json: a list of {agent, model, task, ok}."""

    name = "toy"

    def detect(self, where: Path, names: frozenset[str] | None, root: Path) -> Path | None:
        if names is None:
            return where if where.suffix == ".toy" else None
        return where if TOY_FILE in names else None

    def rows(self, found: SweepSource, full: bool) -> Iterator[CellRow | Problem]:
        file = found.cells if found.cells.is_file() else found.cells / TOY_FILE
        items = orjson.loads(file.read_bytes())
        for i, item in enumerate(items, 1):
            if not isinstance(item, dict):
                yield Problem(str(file), i, "not a toy")
                continue
            source = Source(file, file.parent, None, found.folder_name, self.name)
            head = {
                "tui": item["agent"],
                "model": item["model"],
                "task": item["task"],
                "scores": {"pass_rate": {"pass": 1.0 if item["ok"] else 0.0}},
            }
            yield CellRow.from_head(head, found.folder_name, source, i, 0)  # type: ignore[arg-type]
        if full:
            yield Problem(str(file), 0, "checked in full")

    def open(self, row: CellRow) -> OpenedRecord:
        if row.task == "boom":
            raise RuntimeError("the reader broke")
        cell = Cell.model_validate(
            {"tui": row.tui, "model": row.model, "task": row.task, "scores": {}, "spans": []},
            context={"sweep_id": row.sweep_id},
        )
        return OpenedRecord(cell)

    def artifacts(self, cell: Cell, source: Source) -> CellArtifacts:
        return CellArtifacts(spans=(Span(span_id="toy", start_ms=0, name=cell.task),))

    def check(self, row: CellRow) -> list[Problem]:
        return [Problem(str(row.source.path), row.line, f"checked {row.task}")]


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> ToyReader:
    reader = ToyReader()
    monkeypatch.setattr(readers_module, "READERS", (reader,))
    return reader


def toy_folder(folder: Path, items: Sequence[object]) -> Path:
    folder.mkdir(parents=True)
    (folder / TOY_FILE).write_bytes(orjson.dumps(items))
    (folder / "deeper").mkdir()  # a claimed folder is not descended
    make_sweep(folder / "deeper" / "hidden", public_lines()[:1])
    return folder


ITEMS: list[object] = [
    {"agent": "a", "model": "m", "task": "t1", "ok": True},
    {"agent": "a", "model": "m", "task": "t2", "ok": False},
    "garbage",
    {"agent": "b", "model": "m", "task": "boom", "ok": False},
]


def test_a_claimed_folder_is_a_sweep_beside_cells_sweeps(tmp_path: Path, toy: ToyReader) -> None:
    toy_folder(tmp_path / "root" / "jobs", ITEMS)
    make_sweep(tmp_path / "root" / "mine", public_lines()[:2])
    found = find_sources(tmp_path / "root")
    assert [(s.format, s.folder_name) for s in found.sources] == [("cells", "mine"), ("toy", "jobs")]
    assert found.sources[1].cells == tmp_path / "root" / "jobs"
    results = load(tmp_path / "root")
    jobs = results.sweep("jobs")
    assert jobs is not None
    assert [(r.tui, r.task, r.outcome) for r in jobs.cells] == [
        ("a", "t1", "pass"),
        ("a", "t2", "fail"),
        ("b", "boom", "fail"),
    ]
    assert [str(p) for p in jobs.problems] == [f"{tmp_path / 'root' / 'jobs' / TOY_FILE}:3: not a toy"]
    assert results.sweep("hidden") is None


def test_open_artifacts_and_check_go_to_the_reader(tmp_path: Path, toy: ToyReader) -> None:
    toy_folder(tmp_path / "jobs", ITEMS)
    sweep = load(tmp_path / "jobs").sweeps[0]
    first, _, boom = sweep.cells
    opened = open_record(first)
    assert opened.cell is not None and opened.cell.task == "t1"
    assert [s.name for s in load_artifacts(opened.cell, first.source).spans] == ["t1"]
    broken = open_record(boom)  # a reader that raises: a problem, not a crash
    assert broken.cell is None and "the reader broke" in str(broken.problems[0])
    checked = [p.message for p in check_fully(sweep)]
    assert "checked t1" in checked and "checked boom" in checked and "not a toy" in checked


def test_validate_reads_in_full_and_a_file_path_is_claimed_too(tmp_path: Path, toy: ToyReader) -> None:
    folder = toy_folder(tmp_path / "jobs", ITEMS[:1])
    assert "checked in full" in [p.message for p in load(folder, full=True).problems]
    single = tmp_path / "one.toy"
    single.write_bytes(orjson.dumps(ITEMS[:2]))
    assert len(load(single).sweeps[0].cells) == 2


def test_a_reader_that_raises_while_indexing_is_a_problem(tmp_path: Path, toy: ToyReader) -> None:
    folder = tmp_path / "jobs"
    folder.mkdir()
    (folder / TOY_FILE).write_bytes(b"{not json")
    make_sweep(tmp_path / "mine", public_lines()[:2])
    results = load(tmp_path)
    assert sum(len(s.cells) for s in results.sweeps) == 2
    said = [str(p) for p in results.problems if "cannot read this record" in p.message]
    # FILE:LINE: at the file the reader was reading when it raised, not at the sweep's folder
    assert len(said) == 1 and said[0].startswith(f"{folder / TOY_FILE}:1: cannot read this record: JSONDecodeError")


def test_a_reader_that_raises_is_located_at_the_file_it_was_reading(
    tmp_path: Path, toy: ToyReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    def rows(found: SweepSource, full: bool) -> Iterator[CellRow | Problem]:
        for name in ("a.json", "b.json"):
            file = found.cells / name
            if b"boom" in file.read_bytes():
                raise RuntimeError("a case no one foresaw")
        yield from ()

    folder = toy_folder(tmp_path / "jobs", ITEMS[:1])
    (folder / "a.json").write_text("{}")
    (folder / "b.json").write_text('{"boom": 1}')
    monkeypatch.setattr(toy, "rows", rows)
    said = [str(p) for p in load(folder).problems]
    assert said == [f"{folder / 'b.json'}: cannot read this record: RuntimeError: a case no one foresaw"]


def test_a_reader_that_raises_outside_any_file_names_the_sweep(
    tmp_path: Path, toy: ToyReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    def rows(found: SweepSource, full: bool) -> Iterator[CellRow | Problem]:
        raise ValueError("no file involved")
        yield  # a generator, as readers are

    folder = toy_folder(tmp_path / "jobs", ITEMS[:1])
    monkeypatch.setattr(toy, "rows", rows)
    said = [str(p) for p in load(folder).problems]
    why = "cannot read this record: ValueError: no file involved (while reading this sweep's files)"
    assert said == [f"{folder}: {why}"]


def test_a_row_of_an_unknown_format_says_so(tmp_path: Path, toy: ToyReader, monkeypatch: pytest.MonkeyPatch) -> None:
    toy_folder(tmp_path / "jobs", ITEMS[:1])
    row = load(tmp_path / "jobs").sweeps[0].cells[0]
    monkeypatch.setattr(readers_module, "READERS", ())
    assert "no reader for the format" in str(open_record(row).problems[0])
