"""Chunked Inspect samples (`samples/<id>_epoch_<n>/...`), on logs inspect_ai's own converter wrote
(tests/fixtures/harness/make_inspect.py, `chunked`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cabtui.data.results import load, load_artifacts, open_record
from cabtui.data.results.index import CellRow
from cabtui.data.results.readers import inspect_log
from cabtui.data.results.readers.inspect_log import read_sample
from cabtui.data.results.readers.zip_members import list_members
from tests.data.test_inspect_reader import LOGS, _rewrite

CHUNKED = LOGS.parent / "inspect-chunked"
AGENT = "2026-12-01T23-49-57-00-00_arith_csFGJTPYwPXNiUD2KcxhZf.eval"
LONG_WORD = "supercalifragilisticexpialidocious" * 4


def _opened(row: CellRow) -> tuple[dict[str, Any], list[Any], list[Any]]:
    """A cell's record (without its sweep), spans and model calls, as the cell page gets them."""
    opened = open_record(row)
    assert opened.cell is not None and opened.problems == (), opened.problems
    arts = load_artifacts(opened.cell, row.source)
    assert arts.problems == ()
    record = opened.cell.model_dump(exclude={"sweep_id", "cell_id"})
    return record, [s.model_dump() for s in arts.spans], [c.model_dump() for c in arts.calls]


def test_the_fixture_is_chunked() -> None:
    names = list_members(CHUNKED / AGENT)
    assert not any(n.startswith("samples/") and n.count("/") == 1 for n in names)  # no single-member sample
    events = sorted(n for n in names if n.startswith("samples/sum-1_epoch_1/events/"))
    assert events == [f"samples/sum-1_epoch_1/events/{n}" for n in ("0.json", "12.json", "16.json", "20.json")] + [
        f"samples/sum-1_epoch_1/events/{n}" for n in ("4.json", "8.json", "stats.json", "uuids.json")
    ]


def test_a_chunked_log_opens_as_its_single_member_twin_does() -> None:
    """The agent's arith log in both forms: every cell the same record, spans and model calls."""
    chunked = load(CHUNKED).sweeps[0].cells
    monolith = [c for c in load(LOGS).sweeps[0].cells if c.source.path.name == AGENT]
    assert len(monolith) == 8
    twins = {(c.task, c.run): c for c in chunked if c.source.path.name == AGENT}
    assert set(twins) == {(c.task, c.run) for c in monolith}
    for row in monolith:
        record, spans, calls = _opened(row)
        assert _opened(twins[row.task, row.run]) == (record, spans, calls)
        assert len(spans) > 5 and calls  # not two empty replays
    boom = next(c for c in chunked if c.task == "arith/boom")
    cell = open_record(boom).cell
    assert cell is not None and cell.status == "error"
    assert "RuntimeError: mock provider" in (cell.model_extra or {})["harness"]["error_traceback"]


def test_attachments_are_found_by_their_place_in_the_sequence() -> None:
    """Text over 100 characters is an attachment, referred to as `attachment://<index>`."""
    row = next(c for c in load(CHUNKED).sweeps[0].cells if c.task == "long_spell/long")
    _, spans, calls = _opened(row)
    (call,) = calls
    assert call["prompt"] == f"user: Spell backwards: {LONG_WORD}"
    assert call["completion"] == LONG_WORD[::-1]
    assert [s["kind"] for s in spans].count("model_call") == 1
    sample = read_sample(row.source.path, "long", 1)
    assert set(sample["attachments"]) == {"0", "1"} and len(sample["events_data"]["messages"]) == 2


def test_the_grid_reads_no_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []
    real = inspect_log.read_member

    def counting(path: Path, member: Any, limit: int) -> bytes | bytearray:
        read.append(member.name)
        return real(path, member, limit)

    monkeypatch.setattr(inspect_log, "read_member", counting)
    results = load(CHUNKED)
    assert results.problems == [] and len(results.sweeps[0].cells) == 9
    assert set(read) == {"header.json", "summaries.json"}
    assert load(CHUNKED, full=True).problems == []  # validate: every sample opens


def test_a_missing_chunk_is_said_on_the_page(tmp_path: Path) -> None:
    """Chunks are named by their first item: one left out would shift what follows, so the
    replay says so instead of showing the rest out of place."""
    log = _rewrite(CHUNKED / AGENT, tmp_path / "gap.eval", {"samples/sum-1_epoch_1/events/4.json": None})
    row = next(c for c in load(log).sweeps[0].cells if c.task == "arith/sum-1" and c.run == 1)
    opened = open_record(row)
    assert opened.cell is None
    assert str(opened.problems[0]).endswith(
        "samples/sum-1_epoch_1/events/8.json: starts at item 8, after 4 items (a chunk missing?)"
    )
    other = next(c for c in load(log).sweeps[0].cells if c.task == "arith/sum-2" and c.run == 1)
    assert _opened(other)[2]  # the other samples open


def test_a_chunked_sample_past_its_bound_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inspect_log, "SAMPLE_LIMIT", 3000)
    with pytest.raises(inspect_log.LogError, match="a chunked sample reads 3,000 bytes at most in all"):
        read_sample(CHUNKED / AGENT, "sum-1", 1)
