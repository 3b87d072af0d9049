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
from cabtui.data.results.readers import common

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


LAST_RESORT = " (while reading this sweep; its reader did not say which file)"


def test_a_reader_that_raises_while_indexing_is_a_problem_and_the_other_sweeps_load(
    tmp_path: Path, toy: ToyReader
) -> None:
    folder = tmp_path / "jobs"
    folder.mkdir()
    (folder / TOY_FILE).write_bytes(b"{not json")  # the toy reads it with no boundary of its own
    make_sweep(tmp_path / "mine", public_lines()[:2])
    results = load(tmp_path)
    assert sum(len(s.cells) for s in results.sweeps) == 2
    said = [str(p) for p in results.problems if "cannot read this record" in p.message]
    # the loader's last resort: at the sweep's folder (a JSON error's line is some file's, not the folder's)
    assert len(said) == 1 and said[0].startswith(f"{folder}: cannot read this record: JSONDecodeError")
    assert said[0].endswith(LAST_RESORT)


def test_a_reader_that_reads_each_file_behind_its_boundary_loses_only_the_file_that_raised(
    tmp_path: Path, toy: ToyReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    def row_of(file: Path, found: SweepSource) -> CellRow:
        item = orjson.loads(file.read_bytes())
        if "boom" in item:
            raise RuntimeError("a case no one foresaw \x1b[2J")
        head = {"tui": "a", "model": "m", "task": file.stem, "scores": {"pass_rate": {"pass": 1.0}}}
        source = Source(file, file.parent, None, found.folder_name, "toy")
        return CellRow.from_head(head, found.folder_name, source, 1, 0)  # type: ignore[arg-type]

    def rows(found: SweepSource, full: bool) -> Iterator[CellRow | Problem]:
        for name in ("a.json", "b.json", "c.json", "d.json"):
            yield common.per_file(found.cells / name, row_of, found.cells / name, found)

    folder = toy_folder(tmp_path / "jobs", ITEMS[:1])
    for name, text in (("a", "{}"), ("b", '{"boom": 1}'), ("c", '{\n\n  "x": oops}'), ("d", "{}")):
        (folder / f"{name}.json").write_text(text)
    monkeypatch.setattr(toy, "rows", rows)
    results = load(folder)
    assert [row.task for row in results.sweeps[0].cells] == ["a", "d"]
    said = [str(p) for p in results.problems]
    assert said[0] == f"{folder / 'b.json'}: cannot read this record: RuntimeError: a case no one foresaw ␛[2J"
    assert said[1].startswith(f"{folder / 'c.json'}:3: cannot read this record: JSONDecodeError: ")  # its line
    assert len(said) == 2


def test_a_reader_that_raises_outside_any_file_names_the_sweep(
    tmp_path: Path, toy: ToyReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    def rows(found: SweepSource, full: bool) -> Iterator[CellRow | Problem]:
        raise ValueError("no file involved")
        yield  # a generator, as readers are

    folder = toy_folder(tmp_path / "jobs", ITEMS[:1])
    monkeypatch.setattr(toy, "rows", rows)
    said = [str(p) for p in load(folder).problems]
    assert said == [f"{folder}: cannot read this record: ValueError: no file involved{LAST_RESORT}"]
    single = tmp_path / "one.toy"  # a sweep that is one file: that file, with nothing more to say
    single.write_bytes(b"[]")
    said = [str(p) for p in load(single).problems]
    assert said == [f"{single}: cannot read this record: ValueError: no file involved"]


def test_an_inspect_log_opened_alone_whose_reader_raises_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cabtui.data.results.readers.inspect_reader import READER as INSPECT

    def rows(found: SweepSource, full: bool) -> Iterator[CellRow | Problem]:
        raise RuntimeError("unforeseen")
        yield

    log = next((Path(__file__).resolve().parents[1] / "fixtures" / "harness" / "inspect-logs").glob("*.eval"))
    monkeypatch.setattr(INSPECT, "rows", rows)
    assert [str(p) for p in load(log).problems] == [f"{log}: cannot read this record: RuntimeError: unforeseen"]


def test_a_row_of_an_unknown_format_says_so(tmp_path: Path, toy: ToyReader, monkeypatch: pytest.MonkeyPatch) -> None:
    toy_folder(tmp_path / "jobs", ITEMS[:1])
    row = load(tmp_path / "jobs").sweeps[0].cells[0]
    monkeypatch.setattr(readers_module, "READERS", ())
    assert "no reader for the format" in str(open_record(row).problems[0])
