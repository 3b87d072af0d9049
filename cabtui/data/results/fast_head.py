"""The bulk read's second fast path: a line validated into tuples, and its index row built from them.

msgspec's path (struct_head.py) is tried first; this one takes what it leaves (a line
of lax types, of axes the format does not define, longer than 4,300 bytes, with many
brackets), at the speed every line had before it.

`CELL_HEAD` (head.py) validates a line into nested dicts, and `CellRow.from_head`
reads them back with some 35 lookups a line: that reading was a fifth of a big
sweep's load. `FAST_HEAD` checks the same keys with the same schemas, but as
pydantic-core's keyword arguments (`arguments_v3_schema`), whose values come out
in tuples, in the order named here, which `row_of` unpacks.

Its verdict is only a shortcut: a line it refuses goes to `CELL_HEAD` and
`from_head` as before (lines.py), for their verdict and their message; so a line
it takes must be one `CELL_HEAD` takes, with the same values: the same scalar
schemas, every key optional or required alike, objects only where `CELL_HEAD`
wants objects (tests/data/test_fast_head.py checks that on records of every shape,
including every bad one the loader's tests use). Keys that are no parameter's name
are ignored, as the typed dicts ignore them; `scores` stays a typed dict, whose
other keys are the axes the format does not define.
"""

from __future__ import annotations

import sys
from typing import Any, Final

from pydantic_core import SchemaValidator
from pydantic_core import core_schema as cs

from cabtui.data.results.fields import derive_identity, headline_value, outcome_of
from cabtui.data.results.head import HEAD_KEYS, INT, NAME, STR, TIME
from cabtui.data.results.index import SHARED_FLOATS, CellRow, Source, finite_or_none, timed

__all__ = ["FAST_HEAD", "row_of"]


def _optional(name: str, schema: cs.CoreSchema) -> cs.ArgumentsV3Parameter:
    """A key that may be missing or null (None either way), as head.py's optional fields."""
    return cs.arguments_v3_parameter(name, cs.with_default_schema(cs.nullable_schema(schema), default=None))


def _required(name: str, schema: cs.CoreSchema) -> cs.ArgumentsV3Parameter:
    return cs.arguments_v3_parameter(name, schema, mode="positional_or_keyword")


def _object(params: list[cs.ArgumentsV3Parameter]) -> cs.ArgumentsV3Schema:
    """A JSON object (never an array) of these keys, others ignored: a tuple of their values."""
    return cs.arguments_v3_schema(params, extra_behavior="ignore")


_AXES = cs.typed_dict_schema(
    {
        axis: cs.typed_dict_field(
            cs.nullable_schema(_object([_optional(k, s) for k, s in keys.items()])), required=False
        )
        for axis, keys in HEAD_KEYS.items()
    },
    extra_behavior="allow",
    extras_schema=cs.nullable_schema(cs.dict_schema()),
)
"""`scores` as head.py's: each known axis an object or null (here the tuple of its keys' values),
the other axes each an object or null."""

FAST_HEAD: Final = SchemaValidator(
    _object(
        [
            _required("tui", NAME),
            _required("model", NAME),
            _required("task", NAME),
            _required("scores", _AXES),
            _optional("cell_id", STR),
            _optional("sweep_id", STR),
            _optional("run", cs.int_schema(ge=1)),
            _optional("status", STR),
            _optional("exit_code", INT),
            _optional("started_at", TIME),
            _optional("ended_at", TIME),
            _optional("usage", _object([_optional("prompt_tokens", INT), _optional("completion_tokens", INT)])),
        ]
    )
)
"""A line as ((tui, model, task, scores, cell_id, ..., usage), {}); each known axis in `scores`
None or ((its `HEAD_KEYS` values, in order), {})."""

_KNOWN: Final = frozenset(HEAD_KEYS)
_known_superset = _KNOWN.issuperset
_share = SHARED_FLOATS.get
_intern = sys.intern
_OUTCOMES: Final = {True: "pass", False: "fail"}


def row_of(got: Any, default_sweep: str, source: Source, line: int, offset: int) -> CellRow:
    """The index row of a `FAST_HEAD` result: what `CellRow.from_head` makes of the same line.

    Raises:
        ValueError: the id's `#runN` suffix is no run number (the slow path says so).
    """
    (tui, model, task, scores, cell_id, sweep_id, run, status, exit_code, started, ended, usage), _ = got
    if not (sweep_id and cell_id and run is not None and status is not None):  # a default to fill in
        sweep_id, cell_id, run, status = derive_identity(
            default_sweep, sweep_id, cell_id, tui, model, task, run, status, exit_code
        )
    get = scores.get
    p, t, lat, b = get("pass_rate"), get("tokens"), get("latency"), get("blast_radius")
    r, i, c = get("refusal"), get("integrity"), get("composite")
    spent = tokens = None
    recorded = False
    if t is not None:
        per_correct, total, calls = t[0]
        recorded = bool(total or calls)  # else the scorer saw nothing: not recorded
        if recorded:
            tokens, spent = per_correct, total
    if not recorded and usage is not None:  # the CLI's own count
        prompt, completion = usage[0]
        if prompt is not None or completion is not None:
            spent = (prompt or 0) + (completion or 0)
    headlines: tuple[float | None, ...] = (
        None if p is None else _share(v := p[0][0], v),
        tokens,
        None if lat is None else lat[0][0],
        None if b is None else _share(v := b[0][0], v),
        None if r is None or (rv := r[0])[1] is True else _share(rv[0], rv[0]),
        None if i is None or (iv := i[0])[1] is True else _share(iv[0], iv[0]),
        None if c is None else c[0][0],
    )
    extra: tuple[tuple[str, float | None], ...] = ()
    if not _known_superset(scores):
        extra = tuple(
            (name, None if part is None else finite_or_none(headline_value(name, part)))
            for name, part in scores.items()
            if name not in _KNOWN
        )
    status = _intern(status)
    passed = status == "ok" and (headlines[0] or 0.0) >= 1.0
    headlines, started, ended = timed(headlines, started, ended)
    return CellRow(
        cell_id,
        _intern(sweep_id),
        _intern(tui),
        _intern(model),
        _intern(task),
        run,
        status,
        exit_code,
        started,
        ended,
        headlines,
        extra,
        spent,
        source,
        line,
        offset,
        passed,
        _OUTCOMES[passed] if status == "ok" else _intern(outcome_of(status, passed)),
    )
