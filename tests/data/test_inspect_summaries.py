"""Inspect summaries as the grid reads them: msgspec's decoding and the whole-parse fallback agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from msgspec.structs import astuple

from cabtui.data.results import load
from cabtui.data.results.head import CELL_HEAD
from cabtui.data.results.index import CellRow, Source
from cabtui.data.results.readers.inspect_cells import RowMaker, sample_record
from cabtui.data.results.readers.inspect_log import read_head
from cabtui.data.results.readers.inspect_summaries import (
    SampleError,
    Score,
    Summary,
    Usage,
    decode_summaries,
    summary_of,
)
from cabtui.data.results.readers.zip_members import list_members, read_member
from tests.data.test_inspect_reader import LOGS, _logs, _rewrite


def test_decoding_a_summaries_member_gives_what_its_parsed_dicts_give() -> None:
    """For every summaries member of logs inspect_ai wrote (summaries.json and the journal's)."""
    checked = 0
    for log in sorted(LOGS.glob("*.eval")):
        for name, member in list_members(log).items():
            if name == "summaries.json" or name.startswith("_journal/summaries/"):
                data = read_member(log, member, 1 << 30)
                decoded = decode_summaries(data)
                assert decoded is not None
                assert decoded == [summary_of(d) for d in orjson.loads(data)]
                checked += len(decoded)
    assert checked == 80  # 40 samples, each in summaries.json and in the journal


ODD: list[Any] = [
    {"id": "sum-1", "epoch": 1, "scores": {"match": "C", "other": 0.5}},  # scores that are no objects: their values
    {"id": "sum-2", "epoch": 1, "error": 42, "scores": {}},  # an error that is a number: an error all the same
    {"id": 3, "epoch": 1, "model_usage": {"m": [1, 2], "n": {"input_tokens": 5, "output_tokens": 2}}},
    {"id": "boom", "epoch": 1, "scores": ["C"], "error": {}, "total_time": "slow"},  # none of these counts
    None,  # no object: a summary without an id
    {"id": "w", "epoch": 2, "error": "", "limit": {"type": "time", "limit": 60}},
]


def test_a_summaries_member_of_another_shape_is_parsed_whole_and_reads_as_before(tmp_path: Path) -> None:
    data = orjson.dumps(ODD)
    assert decode_summaries(data) is None  # msgspec's shapes do not fit: orjson and `summary_of` read it
    log = _rewrite(_logs("arith")[0], tmp_path / "odd.eval", {"summaries.json": data})
    head = read_head(log)
    assert head.notes == ["summaries.json: a sample summary without an id; skipped"]
    assert [(s.id, s.epoch) for s in head.summaries] == [("sum-1", 1), ("sum-2", 1), (3, 1), ("boom", 1), ("w", 2)]
    source = Source(path=log, folder=log.parent, sweep_id="s", format="inspect")
    make = RowMaker(head, "s", source)
    dicts = [d for d in ODD if d is not None]
    for line, (summary, raw) in enumerate(zip(head.summaries, dicts, strict=True), 1):
        record = sample_record(head, raw, "s")
        extra = {k: v for k, v in record["scores"].items() if k.startswith("score.")} or None
        slow = CellRow.from_head(CELL_HEAD.validate_python(record), "s", source, line, 0, extra)
        assert astuple(make.row(line, summary)) == astuple(slow)
    rows = {r.task: r for r in load(log).sweeps[0].cells}
    assert rows["arith/sum-1"].passed and rows["arith/sum-1"].headline("score.other") == 0.5
    assert rows["arith/sum-2"].outcome == "error"
    assert rows["arith/3"].total_tokens == 7
    assert rows["arith/boom"].outcome == "fail" and rows["arith/boom"].wall_ms is None
    assert rows["arith/w"].outcome == "timed_out"


def test_a_summary_of_the_usual_shape_keeps_only_what_the_grid_reads() -> None:
    got = summary_of(
        {
            "id": "a",
            "epoch": 2,
            "input": "x" * 1000,
            "scores": {"match": {"value": "C", "answer": "4", "explanation": "long", "history": []}},
            "error": {"message": "boom", "traceback": "t" * 1000},
            "model_usage": {"m": {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3, "reasoning_tokens": 9}},
        }
    )
    assert got == Summary("a", 2, {"match": Score("C")}, SampleError("boom"), None, {"m": Usage(1, 2, 3)})
