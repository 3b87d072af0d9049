"""The index's hand-written pydantic-core schemas agree with pydantic's own for the same TypedDicts."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, NotRequired

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ConfigDict, Field, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from cabtui.data.head import CELL_HEAD, SWEEP_HEAD

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ConfigDict(extra="ignore", allow_inf_nan=False)

RefAxis = TypedDict("RefAxis", {  # the same keys as head.AxisHead
    "pass": float | None, "tokens_per_correct_task": float | None, "total_tokens": int | None,
    "model_calls": int | None, "wall_clock_ms": float | None, "blast_radius": float | None,
    "refusal": float | None, "integrity": float | None, "composite": float | None,
    "not_applicable": bool | None,
}, total=False)
RefAxis.__pydantic_config__ = CONFIG  # type: ignore[attr-defined]


class RefCell(TypedDict):
    """head.CellHead with its constraints as pydantic annotations."""

    __pydantic_config__ = CONFIG  # type: ignore[misc]
    tui: Annotated[str, Field(min_length=1)]
    model: Annotated[str, Field(min_length=1)]
    task: Annotated[str, Field(min_length=1)]
    scores: dict[str, RefAxis]
    cell_id: NotRequired[str | None]
    sweep_id: NotRequired[str | None]
    run: NotRequired[Annotated[int, Field(ge=1)] | None]
    status: NotRequired[str | None]
    exit_code: NotRequired[int | None]
    started_at: NotRequired[datetime | None]
    ended_at: NotRequired[datetime | None]


class RefSweep(TypedDict, total=False):
    __pydantic_config__ = CONFIG  # type: ignore[misc]
    sweep_id: str | None
    title: str | None


REF_CELL = TypeAdapter(RefCell)
REF_SWEEP = TypeAdapter(RefSweep)


def outcome(validate: Any, raw: bytes) -> Any:
    """The value, or the errors (type, place, message) of a failed validation."""
    try:
        return validate(raw)
    except ValidationError as err:
        return [(e["type"], e["loc"], e["msg"]) for e in err.errors(include_url=False)]


def lines() -> list[bytes]:
    files = [ROOT / "recordings" / "demo-20261125" / "cells.jsonl", ROOT / "tests" / "fixtures" / "public" /
             "public-cells.jsonl", ROOT / "tests" / "fixtures" / "mini-sweep" / "cells.jsonl"]
    return [line for f in files if f.exists() for line in f.read_bytes().splitlines() if line.strip()]


def test_every_real_record_validates_the_same() -> None:
    records = lines()
    assert len(records) >= 444
    for raw in records:
        assert outcome(CELL_HEAD.validate_json, raw) == outcome(REF_CELL.validate_json, raw)


BAD = [
    b'{"tui":"","model":"m","task":"t","scores":{}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"pass_rate":{"pass":NaN}}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"pass_rate":{"pass":1e400}}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"pass_rate":{"pass":"1"}}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"pass_rate":{"pass":"yes"}}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"cost":5}}',
    b'{"tui":"a","model":"m","task":"t","scores":[]}',
    b'{"tui":"a","model":"m","task":"t","run":0,"scores":{}}',
    b'{"tui":"a","model":"m","task":"t","run":"2","scores":{}}',
    b'{"tui":"a","model":"m","task":"t","run":2.5,"scores":{}}',
    b'{"tui":"a","model":"m","task":"t","exit_code":123456789012345678901234567890,"scores":{}}',
    b'{"tui":"a","model":"m","task":"t","started_at":"yesterday","scores":{}}',
    b'{"tui":"a","model":"m","task":"t","started_at":"2026-01-01T00:00:00.1234567","scores":{}}',
    b'{"tui":"a","model":"m","task":"t","scores":{"refusal":{"not_applicable":"true"}}}',
    b'{"tui":1,"model":null,"scores":{}}',
    b'[1,2]',
    b'{"tui":"a"',
]


@pytest.mark.parametrize("raw", BAD)
def test_bad_records_fail_alike(raw: bytes) -> None:
    assert outcome(CELL_HEAD.validate_json, raw) == outcome(REF_CELL.validate_json, raw)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
axis_keys = st.sampled_from(["pass", "total_tokens", "model_calls", "wall_clock_ms", "not_applicable", "cost"])
axis = st.dictionaries(axis_keys, json_values, max_size=4)
cell_keys = st.sampled_from(["tui", "model", "task", "run", "status", "exit_code", "started_at", "cell_id"])


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries({"tui": st.text(max_size=3), "model": st.just("m"), "task": st.just("c/t"),
                           "scores": st.dictionaries(st.sampled_from(["pass_rate", "tokens", "cost"]), axis)}),
    st.dictionaries(cell_keys, json_values, max_size=3),
)
def test_any_record_validates_the_same(base: dict[str, Any], more: dict[str, Any]) -> None:
    raw = json.dumps(base | more).encode()
    assert outcome(CELL_HEAD.validate_json, raw) == outcome(REF_CELL.validate_json, raw)


@settings(max_examples=100, deadline=None)
@given(json_values, st.dictionaries(st.sampled_from(["sweep_id", "title", "format_version"]), json_values))
def test_any_sweep_json_validates_the_same(value: Any, fields: dict[str, Any]) -> None:
    for data in (value, fields):
        assert outcome(SWEEP_HEAD.validate_python, data) == outcome(REF_SWEEP.validate_python, data)
