"""The index's hand-written pydantic-core schemas agree with pydantic's own for the same TypedDicts,
and the index and the full model (`models.parse_cell`) agree on which lines are cells."""

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

from cabtui.data.results.head import CELL_HEAD, SWEEP_HEAD
from cabtui.data.results.index import Source
from cabtui.data.results.lines import parse_line as _parse_line
from cabtui.data.results.verdict import parse_cell

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ConfigDict(extra="ignore", allow_inf_nan=False)


def _axis(name: str, keys: dict[str, Any]) -> Any:
    ref = TypedDict(name, keys, total=False)  # type: ignore[operator]
    ref.__pydantic_config__ = CONFIG
    return ref


_NA = {"not_applicable": bool | None}
RefPass = _axis("RefPass", {"pass": float | None})
RefTokens = _axis(
    "RefTokens", {"tokens_per_correct_task": float | None, "total_tokens": int | None, "model_calls": int | None}
)
RefLatency = _axis("RefLatency", {"wall_clock_ms": float | None})
RefBlast = _axis("RefBlast", {"blast_radius": float | None})
RefRefusal = _axis("RefRefusal", {"refusal": float | None, **_NA})
RefIntegrity = _axis("RefIntegrity", {"integrity": float | None, **_NA})
RefComposite = _axis("RefComposite", {"composite": float | None})


class RefScores(TypedDict, total=False, extra_items=dict[str, Any] | None):  # type: ignore[call-arg]
    """head's scores: the known axes' headline keys (each axis may be null), other axes any object."""

    __pydantic_config__ = CONFIG  # type: ignore[misc]
    pass_rate: RefPass | None
    tokens: RefTokens | None
    latency: RefLatency | None
    blast_radius: RefBlast | None
    refusal: RefRefusal | None
    integrity: RefIntegrity | None
    composite: RefComposite | None


class RefUsage(TypedDict, total=False):
    __pydantic_config__ = CONFIG  # type: ignore[misc]
    prompt_tokens: int | None
    completion_tokens: int | None


class RefCell(TypedDict):
    """head.CellHead with its constraints as pydantic annotations."""

    __pydantic_config__ = CONFIG  # type: ignore[misc]
    tui: Annotated[str, Field(min_length=1)]
    model: Annotated[str, Field(min_length=1)]
    task: Annotated[str, Field(min_length=1)]
    scores: RefScores
    cell_id: NotRequired[str | None]
    sweep_id: NotRequired[str | None]
    run: NotRequired[Annotated[int, Field(ge=1)] | None]
    status: NotRequired[str | None]
    exit_code: NotRequired[int | None]
    started_at: NotRequired[datetime | None]
    ended_at: NotRequired[datetime | None]
    usage: NotRequired[RefUsage | None]


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
    files = [
        ROOT / "recordings" / "demo-20261125" / "cells.jsonl",
        ROOT / "tests" / "fixtures" / "public" / "public-cells.jsonl",
        ROOT / "tests" / "fixtures" / "mini-sweep" / "cells.jsonl",
    ]
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
    b"[1,2]",
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
    st.fixed_dictionaries(
        {
            "tui": st.text(max_size=3),
            "model": st.just("m"),
            "task": st.just("c/t"),
            "scores": st.dictionaries(st.sampled_from(["pass_rate", "tokens", "cost"]), axis),
        }
    ),
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


# The index (head + identity defaults) and the full model (models.parse_cell) give one verdict.

SOURCE = Source(path=Path("cells.jsonl"), folder=Path("."), sweep_id="s")
OPTIONAL = [
    "cell_id",
    "sweep_id",
    "model_build_id",
    "run",
    "container_image",
    "image_digest",
    "exit_code",
    "status",
    "status_detail",
    "started_at",
    "ended_at",
    "usage",
    "plugin_stack",
    "behavior_mode",
    "artifacts",
    "spans",
    "model_calls",
]


def index_takes(raw: bytes) -> bool:
    return not isinstance(_parse_line(raw, "cells.jsonl", 1, 0, SOURCE, "s", False), list)


def model_takes(raw: bytes) -> bool:
    return parse_cell(raw, "s")[0] is not None


def agree(raw: bytes) -> None:
    assert index_takes(raw) == model_takes(raw), raw


def test_index_and_model_agree_on_real_and_bad_records() -> None:
    for raw in [*lines(), *BAD]:
        agree(raw)


def test_every_optional_field_and_axis_takes_null() -> None:
    public = ROOT / "tests" / "fixtures" / "public" / "public-cells.jsonl"
    for line in public.read_bytes().splitlines():
        record = json.loads(line)
        nulled = {**record, **dict.fromkeys(OPTIONAL)}
        nulled["scores"] = dict.fromkeys(record["scores"]) | {"cost": None}
        raw = json.dumps(nulled).encode()
        assert index_takes(raw) and model_takes(raw), raw
        every_key_null = {**record, "scores": {a: dict.fromkeys(v) for a, v in record["scores"].items()}}
        raw = json.dumps(every_key_null).encode()
        assert index_takes(raw) and model_takes(raw), raw


WRONG = [5, "x", [1], {"a": 1}, True, -1, None]


@pytest.mark.parametrize("key", [*OPTIONAL, "tui", "scores"])
def test_a_wrong_type_anywhere_gets_one_verdict(key: str) -> None:
    base = json.loads(lines()[0])
    for value in WRONG:
        agree(json.dumps({**base, key: value}).encode())


@pytest.mark.parametrize(
    "axis", ["pass_rate", "tokens", "latency", "blast_radius", "refusal", "integrity", "composite", "cost"]
)
def test_a_wrong_type_in_any_axis_key_gets_one_verdict(axis: str) -> None:
    base = json.loads(lines()[1])
    keys = {*base["scores"].get(axis, {}), "pass", "total_tokens", "not_applicable", axis}
    for key in keys:
        for value in WRONG:
            record = {**base, "scores": {**base["scores"], axis: {**base["scores"].get(axis, {}), key: value}}}
            agree(json.dumps(record).encode())


record_keys = st.sampled_from([*OPTIONAL, "tui", "scores"])


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "tui": st.text(max_size=3),
            "model": st.just("m"),
            "task": st.just("c/t"),
            "scores": st.dictionaries(st.sampled_from(["pass_rate", "tokens", "refusal", "cost"]), axis | st.none()),
        }
    ),
    st.dictionaries(record_keys, json_values, max_size=4),
)
def test_any_record_gets_one_verdict(base: dict[str, Any], more: dict[str, Any]) -> None:
    agree(json.dumps(base | more).encode())
