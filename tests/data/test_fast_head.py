"""The bulk read's fast paths (struct_head.py, fast_head.py) give every line the row and the words
the slow path gives.

`index_row` tries msgspec's `STRUCT_HEAD`, then pydantic-core's `FAST_HEAD`, and leaves
what they refuse to `head_row` (`CELL_HEAD` + `CellRow.from_head`, the way every line
went before). The reference here is `head_row` alone: on real records, on every bad
line the loader's tests use, on edge cases of the parsers, and on records of any
shape, each fast path that takes a line gives the same row (every field, types
included; a time by its value and offset) or the same `FILE:LINE: message`.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cabtui.data.problems import Problem
from cabtui.data.results import load, struct_head
from cabtui.data.results.fast_head import FAST_HEAD, row_of
from cabtui.data.results.head import CELL_HEAD
from cabtui.data.results.index import CellRow, Source
from cabtui.data.results.lines import KNOWN_STATUSES, head_row, index_row, unknown_status

from .loader_helpers import public_records, write_lines
from .test_head import BAD, json_values, lines
from .test_loader_bad_input import _bad_lines

SOURCE = Source(path=Path("cells.jsonl"), folder=Path("."), sweep_id="s")


def facts(row: CellRow | None) -> str | None:
    """Every field of a row, as repr shows it (1 and 1.0 differ); a time as its value and offset
    (msgspec's and the standard library's UTC is `timezone.utc`, pydantic's a `TzInfo` of its own)."""
    if row is None:
        return None
    values = [getattr(row, name) for name in row.__struct_fields__]
    return repr([v.isoformat() if isinstance(v, datetime) else v for v in values])


def reference(raw: bytes) -> tuple[str | None, list[str]]:
    """The slow path alone: CELL_HEAD, from_head, and the unknown-status note."""
    problems: list[Problem] = []
    row = head_row(raw, "cells.jsonl", 7, 70, SOURCE, "s", problems)
    if row is not None and row.status not in KNOWN_STATUSES:
        problems.append(Problem("cells.jsonl", 7, unknown_status(row.status, row.outcome)))
    return facts(row), [str(p) for p in problems]


def indexed(raw: bytes) -> tuple[str | None, list[str]]:
    problems: list[Problem] = []
    row = index_row(raw, "cells.jsonl", 7, 70, SOURCE, "s", problems)
    return facts(row), [str(p) for p in problems]


def fast_takes(raw: bytes) -> CellRow | None:
    """pydantic-core's fast path alone: its row, or None where it refuses the line."""
    try:
        return row_of(FAST_HEAD.validate_json(raw), "s", SOURCE, 7, 70)
    except Exception:  # noqa: BLE001 - refused: the slow path decides
        return None


def struct_takes(raw: bytes) -> CellRow | None:
    """msgspec's fast path alone: its row, or None where it refuses the line."""
    try:
        return struct_head.row_of(raw, "s", SOURCE, 7, 70)
    except Exception:  # noqa: BLE001 - refused: the next path decides
        return None


def agree(raw: bytes) -> None:
    expected = reference(raw)
    assert indexed(raw) == expected, raw
    for row in (struct_takes(raw), fast_takes(raw)):
        if row is not None:  # what a fast path takes, CELL_HEAD takes, as the same row
            CELL_HEAD.validate_json(raw)
            assert facts(row) == expected[0], raw


BASE = b'"tui":"a","model":"m","task":"t","scores":{}'
EDGES = [
    b'{"tui":"x",' + BASE + b"}",  # a key twice: the last one counts, in both
    b"{" + BASE + b',"tui":"z"}',
    b"{" + BASE + b',"x":' + b"[" * 200 + b"]" * 200 + b"}",  # as deep as pydantic's parser goes
    b"{" + BASE + b',"x":' + b"[" * 201 + b"]" * 201 + b"}",  # one deeper: not JSON to it
    b"{" + BASE + b',"x":123456789012345678901234567890}',
    b"{" + BASE + b',"x":NaN}',
    b'{"tui":"a","model":"m","task":"t","scores":{"cost":{"cost":NaN}}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"cost":{"cost":5},"axes not defined by the format":{"x":1}}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"extra":{"extra":2}}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"pass_rate":{"pass":true}}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"pass_rate":{"pass":-0.0}}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"pass_rate":{"pass":9007199254740993}}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"pass_rate":[0.5]}}',
    b'{"tui":"a","model":"m","task":"t","scores":[[1]]}',
    b'["a","m","t",{}]',
    b'{"tui":"a","model":"m","task":"t","scores":{"tokens":{"total_tokens":0,"model_calls":0}},'
    b'"usage":{"prompt_tokens":5}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"tokens":{"model_calls":2,"tokens_per_correct_task":3}},'
    b'"usage":{"prompt_tokens":5,"completion_tokens":6}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"refusal":{"refusal":1,"not_applicable":false},'
    b'"integrity":{"integrity":0.5,"not_applicable":true}}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"refusal":{"refusal":"x","not_applicable":true}}}',
    b'{"tui":"a","model":"m","task":"t","usage":[],"scores":{}}',
    b'{"tui":"a","model":"m","task":"t","usage":{"prompt_tokens":"5"},"scores":{}}',
    b'{"tui":"a","model":"m","task":"t","run":"2","exit_code":-1,"scores":{}}',
    b'{"tui":"a","model":"m","task":"t","run":true,"scores":{}}',
    b'{"tui":"a","model":"m","task":"t","run":2.0,"status":"PASS","scores":{}}',
    b'{"tui":"a","model":"m","task":"t","cell_id":"s/a/m/t#run0","scores":{}}',
    b'{"tui":"a","model":"m","task":"t","cell_id":"","sweep_id":"","status":"","scores":{}}',
    b'{"tui":"a","model":"m","task":"t#run3","scores":{}}',
    b'{"tui":"a","model":"m","task":"t","started_at":"2026-06-17T06:24:19z","ended_at":1700000000,"scores":{}}',
    b'{"tui":"a","model":"m","task":"t","started_at":"2026-06-17 06:24:19","ended_at":"2026-06-17T06:25:19+02:00",'
    b'"scores":{}}',
    b'{"tui":"a","model":"m","task":"t","started_at":"2026-06-17T06:24:19Z","ended_at":"2026-06-17T06:24:18Z",'
    b'"scores":{}}',
    b'{"tui":"\\u00e9\\ud83d\\ude00","model":"m","task":"t","scores":{}}',
    # Times: msgspec rounds a seventh digit of the fraction, pydantic cuts it off.
    b'{"tui":"a","model":"m","task":"t","started_at":"2026-06-17T06:24:19.1234567Z","scores":{}}',
    b'{"tui":"a","model":"m","task":"t","started_at":"2026-06-17T06:24:19.9999999+01:00","scores":{}}',
    b'{"tui":"a","model":"m","task":"t","started_at":"2026-06-17T06:24:19.5","ended_at":"2026-06-17T06:24:20-00:00",'
    b'"scores":{}}',
    b'{"tui":"a","model":"m","task":"t","started_at":"2026-06-17T23:59:60Z","ended_at":"2026-02-30T00:00:00Z",'
    b'"scores":{}}',
    b'{"tui":"a","model":"m","task":"t","started_at":"2026-W01-1T06:24:19.123456Z","scores":{}}',
    b'{"tui":"a","model":"m","task":"t","started_at":"2026-06-17T24:00:00Z","ended_at":"2026-06-17T06:24+01","scores":{}}',
    # Many brackets, none nested: left to pydantic, which takes them.
    b"{" + BASE + b',"x":"' + b"[" * 300 + b'"}',
    b"{" + BASE + b',"x":[' + b"[]," * 300 + b"[]]}",
    # What both parsers must refuse alike, or take alike, in a key no path reads.
    b"{" + BASE + b',"x":1e400}',
    b"{" + BASE + b',"x":-1e400}',
    b"{" + BASE + b',"x":' + b"9" * 5000 + b"}",
    b"{" + BASE + b',"x":"\\ud800"}',
    b"{" + BASE + b',"x":"\xff\xfe"}',
    b"{" + BASE + b',"x":"a\x01b"}',
    b"{" + BASE + b',"x":Infinity}',
    b"{" + BASE + b',"x":01}',
    b"{" + BASE + b',"x":[1,]}',
    b"{" + BASE + b",}",
    b"{" + BASE + b',"x":"\\q"}',
    b"{" + BASE + b',"x":"\\u12"}',
    b"{" + BASE + b',"x":-}',
    b"{" + BASE + b',"x":1.}',
    b"{" + BASE + b',"x":.5}',
    b"{" + BASE + b',"x":1e}',
    b"{" + BASE + b',"x":+1}',
    b"{" + BASE + b',"x":tru}',
    b"{" + BASE + b',\x0b"x":1}',
    b"{" + BASE + b',\x00"x":1}',
    b"{" + BASE + b',"x":1 /* c */}',
    b"{" + BASE + b"}{}",
    b"{" + BASE + b',"x":"' + "\u2026".encode() + b'"}',
    b"{" + BASE + b',"x":"' + "\u2026".encode()[:2] + b'"}',
    b"{" + BASE + b',"x":"\xed\xa0\x80"}',
    b'{"tui":"a","model":"m","task":"t","scores":{"cost":null}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"cost":{}}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"cost":{"cost":"3"}}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"cost":{"cost":[1e400]}}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"cost":{"cost":' + b"9" * 400 + b"}}}",
    b'{"tui":"a","model":"m","task":"t","scores":{"cost":5}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"pass_rate":{"pass":1},"pass_rate":null}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"tokens":{"total_tokens":1.0}}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"latency":{"wall_clock_ms":' + b"9" * 400 + b"}}}",
    b'{"tui":"a","model":"m","task":"t","exit_code":' + b"9" * 30 + b',"scores":{}}',
    b'{"tui":"\\u0000","model":"m","task":"t","scores":{}}',
    b'{"model":"m","task":"t","scores":{}}',
    b'{"tui":"a","model":"m","task":"t"}',
    b'  {"tui":"a","model":"m","task":"t","scores":{}}  \r\n',
    b'{"tui":"a","model":"m","task":"t","scores":{}} x',
    b"null",
    b"",
]


def test_real_records_take_the_fast_path_and_give_the_rows_of_the_slow_one() -> None:
    records = lines()
    assert len(records) >= 444
    for raw in records:
        agree(raw)
        if reference(raw)[0] is not None:  # (the mini sweep has bad lines on purpose)
            if len(raw) <= struct_head.MAX_BYTES:  # the fastest path: a load's speed rests on it
                assert struct_takes(raw) is not None, raw
            assert fast_takes(raw) is not None, raw


@pytest.mark.parametrize("raw", [*BAD, *EDGES])
def test_bad_and_odd_lines_get_one_verdict_and_the_same_words(raw: bytes) -> None:
    agree(raw)


@pytest.mark.parametrize("case", sorted(_bad_lines()))
def test_the_loaders_bad_lines_get_the_same_words(case: str) -> None:
    agree(_bad_lines()[case][0].rstrip(b"\n"))


WRONG = [5, 2.5, "x", "", "2", [1], {"a": 1}, True, -1, 0, None, 10**30]
KEYS = ["tui", "model", "task", "scores", "cell_id", "sweep_id", "run", "status", "exit_code", "started_at", "usage"]


@pytest.mark.parametrize("key", KEYS)
def test_a_wrong_type_or_a_missing_key_anywhere_gets_the_same_words(key: str) -> None:
    base = public_records()[0]
    agree(json.dumps({k: v for k, v in base.items() if k != key}).encode())
    for value in WRONG:
        agree(json.dumps({**base, key: value}).encode())


@pytest.mark.parametrize("axis", ["pass_rate", "tokens", "latency", "blast_radius", "refusal", "integrity", "cost"])
def test_a_wrong_type_in_any_axis_gets_the_same_words(axis: str) -> None:
    base = public_records()[1]
    keys = {*base["scores"].get(axis, {}), "pass", "total_tokens", "model_calls", "not_applicable", axis}
    for value in WRONG:
        agree(json.dumps({**base, "scores": {**base["scores"], axis: value}}).encode())
        for key in keys:
            part = {**(base["scores"].get(axis) or {}), key: value}
            agree(json.dumps({**base, "scores": {**base["scores"], axis: part}}).encode())


axis_keys = st.sampled_from(
    ["pass", "tokens_per_correct_task", "total_tokens", "model_calls", "wall_clock_ms", "not_applicable", "cost"]
)
cell_keys = st.sampled_from([*KEYS, "ended_at", "status_detail"])


@settings(max_examples=400, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "tui": st.text(max_size=3),
            "model": st.just("m"),
            "task": st.sampled_from(["c/t", "t#run2", "t#run0"]),
            "scores": st.dictionaries(
                st.sampled_from(["pass_rate", "tokens", "latency", "refusal", "cost"]),
                st.none() | st.dictionaries(axis_keys, json_values, max_size=4) | json_values,
            ),
        }
    ),
    st.dictionaries(cell_keys, json_values | st.sampled_from(["2026-01-02T03:04:05Z", "ok", "PASS"]), max_size=4),
)
def test_any_record_gets_one_verdict_and_the_same_row_or_words(base: dict[str, Any], more: dict[str, Any]) -> None:
    agree(json.dumps(base | more).encode())


MUTATIONS = st.sampled_from(list(b'"\\{}[],:0-.eE+u tnf\x00\x0b\x1f\x7f\xc3\xa9\xff'))


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 443), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 2), MUTATIONS), max_size=3))
def test_a_real_line_with_bytes_changed_gets_one_verdict(which: int, changes: list[tuple[int, int, int]]) -> None:
    raw = bytearray(lines()[which])
    for at, how, byte in changes:
        at %= len(raw) + 1
        if how == 0:
            raw[at : at + 1] = bytes([byte])  # replaced
        elif how == 1:
            raw[at:at] = bytes([byte])  # inserted
        else:
            del raw[at : at + 1]
    agree(bytes(raw))


def test_lines_the_fast_path_refuses_are_said_at_their_file_and_line(tmp_path: Path) -> None:
    good = public_records()[0]
    bad = [
        {**good, "tui": 5},  # a number for a name
        {k: v for k, v in good.items() if k != "scores"},  # a required key missing
        {**good, "run": 2.5},
        {**good, "scores": {**good["scores"], "pass_rate": {"pass": "yes"}}},
    ]
    path = write_lines(tmp_path / "s" / "cells.jsonl", [json.dumps(r).encode() + b"\n" for r in [good, *bad]])
    said = [str(p) for p in load(tmp_path).problems]
    assert said == [
        f"{path}:2: not a cell record: tui: Input should be a valid string",
        f"{path}:3: not a cell record: scores: Field required",
        f"{path}:4: not a cell record: run: Input should be a valid integer, got a number with a fractional part",
        f"{path}:5: not a cell record: scores.pass_rate.pass: Input should be a valid number, "
        "unable to parse string as a number",
    ]
