"""The bulk read's first path: a line decoded by msgspec into Structs, and its index row built from them.

msgspec decodes the keys the index reads in a third of the time of pydantic-core's
fast path (fast_head.py): 1.5 µs a line against 4.4 on the benchmark's records. The
checks that keep it exact (below) cost 1.8 µs of that back, and a line's whole row
costs 5.0 µs against 5.8 (benchmarks/load_sweep.py times the whole load). It is only a
shortcut, as `FAST_HEAD` is: a line it refuses goes to `FAST_HEAD`, then to
`CELL_HEAD` (lines.py `fast_row`), whose verdicts and words stay the reference. So
it takes only lines `CELL_HEAD` takes, with the same values; its schemas are
stricter, never looser (tests/data/test_fast_head.py compares the three paths):

- no lax coercions: "5" is no number here, 2.0 no int, 1 no bool (pydantic's lax
  mode takes them; they go to the next path);
- `scores` holds the axes the format defines, and `cost`, only: an axis of another
  name goes to the next path, which keeps axes of any name;
- a time is decoded as text and taken only in the shape RFC 3339 gives it (`_RFC3339`),
  with at most six digits of a second's fraction, then read by `datetime.fromisoformat`:
  msgspec's own reading rounds a seventh digit, pydantic cuts it off;
- a line longer than `MAX_BYTES`, or with more than `MAX_OPENINGS` brackets, is not
  tried: pydantic's parser refuses an integer of more than 4,300 digits and
  JSON nested deeper than 200, even in a key no path reads; msgspec skips the one and
  goes on to Python's recursion limit with the other. Length and bracket counts bound
  both far more cheaply than finding them (a published cell is 0.8 to 1.6 KB with
  fewer than 20 brackets);
- a line that is not UTF-8 is not tried: msgspec does not check the strings it skips.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from typing import Annotated, Any, Final

import msgspec

from cabtui.data.results.fields import derive_identity, headline_value, outcome_of
from cabtui.data.results.index import SHARED_FLOATS, CellRow, Source, finite_or_none

__all__ = ["MAX_BYTES", "MAX_OPENINGS", "STRUCT_HEAD", "row_of"]

MAX_OPENINGS: Final = 200
"""A line with more `[` and `{` (strings included) is left to pydantic: it may nest deeper than
pydantic's parser goes, and then it is not JSON to the reference path."""

MAX_BYTES: Final = min(4300, sys.get_int_max_str_digits() or 4300)
"""A longer line is left to pydantic: it may hold an integer longer than Python converts
(4,300 digits unless set otherwise), which pydantic's parser refuses wherever it is."""

Name = Annotated[str, msgspec.Meta(min_length=1)]


class _Pass(msgspec.Struct, gc=False):
    value: float | None = msgspec.field(default=None, name="pass")


class _Tokens(msgspec.Struct, gc=False):
    tokens_per_correct_task: float | None = None
    total_tokens: int | None = None
    model_calls: int | None = None


class _Latency(msgspec.Struct, gc=False):
    wall_clock_ms: float | None = None


class _Blast(msgspec.Struct, gc=False):
    blast_radius: float | None = None


class _Refusal(msgspec.Struct, gc=False):
    refusal: float | None = None
    not_applicable: bool | None = None


class _Integrity(msgspec.Struct, gc=False):
    integrity: float | None = None
    not_applicable: bool | None = None


class _Composite(msgspec.Struct, gc=False):
    composite: float | None = None


class _Cost(msgspec.Struct, gc=False):
    cost: Any = None
    """Any JSON, as an axis the format does not define may hold: its headline is read as the next path reads it."""


class _Scores(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    pass_rate: _Pass | None = None
    tokens: _Tokens | None = None
    latency: _Latency | None = None
    blast_radius: _Blast | None = None
    refusal: _Refusal | None = None
    integrity: _Integrity | None = None
    composite: _Composite | None = None
    cost: _Cost | None | msgspec.UnsetType = msgspec.UNSET
    """UNSET where absent: a `cost` of null is an extra axis without a headline, a missing one none."""


class _Usage(msgspec.Struct, gc=False):
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class _Head(msgspec.Struct, gc=False):
    tui: Name
    model: Name
    task: Name
    scores: _Scores
    cell_id: str | None = None
    sweep_id: str | None = None
    run: Annotated[int, msgspec.Meta(ge=1)] | None = None
    status: str | None = None
    exit_code: int | None = None
    started_at: str | None = None
    ended_at: str | None = None
    usage: _Usage | None = None


STRUCT_HEAD: Final = msgspec.json.Decoder(_Head)
"""Decodes one cells.jsonl line into the keys the index reads (`decode`); raises on what it refuses."""

_RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)?", re.ASCII)
"""The times both readers agree on: msgspec's shape (which pydantic also takes, with the same
value), less a seventh digit of the fraction and the lower-case forms."""

_decode = STRUCT_HEAD.decode
_match = _RFC3339.fullmatch
_from_iso = datetime.fromisoformat
_share = SHARED_FLOATS.get
_intern = sys.intern
_OUTCOMES: Final = {True: "pass", False: "fail"}


def _time(text: str) -> datetime:
    """A time in the shape both readers agree on (`_RFC3339`), else ValueError (the next path reads it)."""
    if _match(text) is None:
        raise ValueError(text)
    return _from_iso(text)


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode()
    except UnicodeDecodeError:
        return False
    return True


def row_of(raw: bytes, default_sweep: str, source: Source, line: int, offset: int) -> CellRow:
    """The index row of a line: what `CellRow.from_head` makes of it.

    One function, names bound locally: each call a line makes costs a fiftieth of its load.

    Raises:
        ValueError: the line is not tried here (the module's list), or holds a time in another shape, or
            an id whose `#runN` suffix is no run number; msgspec's errors where it refuses the line.
    """
    # Tried here: too short for an integer pydantic refuses, too few brackets to nest past its
    # limit, and UTF-8 throughout.
    if len(raw) > MAX_BYTES or raw.count(b"[") + raw.count(b"{") > MAX_OPENINGS or not (raw.isascii() or _utf8(raw)):
        raise ValueError("not tried: long, many brackets or not UTF-8")
    head = _decode(raw)
    tui, model, task, scores = head.tui, head.model, head.task, head.scores
    sweep_id, cell_id, run, status, exit_code = head.sweep_id, head.cell_id, head.run, head.status, head.exit_code
    if status is None and sweep_id and cell_id and run is not None:  # as `derive_identity`, written out
        status = "timed_out" if exit_code == -1 else "ok"  # (most records name no status)
    else:
        if not (sweep_id and cell_id and run is not None and status is not None):  # a default to fill in
            sweep_id, cell_id, run, status = derive_identity(
                default_sweep, sweep_id, cell_id, tui, model, task, run, status, exit_code
            )
        status = _intern(status)
    started = None if (text := head.started_at) is None else _time(text)
    ended = None if (text := head.ended_at) is None else _time(text)
    # `index.timed`, written out as `derive_identity`'s status default above is: the two calls
    # cost 0.3 µs of a line's 4.7, measured on the benchmark's records. Naive times read as UTC, the wall
    # time derived where none is given.
    if started is not None and started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    if ended is not None and ended.tzinfo is None:
        ended = ended.replace(tzinfo=UTC)
    p, t, lat, b = scores.pass_rate, scores.tokens, scores.latency, scores.blast_radius
    r, i, c = scores.refusal, scores.integrity, scores.composite
    spent = tokens = None
    recorded = False
    if t is not None:
        total = t.total_tokens
        recorded = bool(total or t.model_calls)  # else the scorer saw nothing: not recorded
        if recorded:
            tokens, spent = t.tokens_per_correct_task, total
    if not recorded and (usage := head.usage) is not None:  # the CLI's own count
        prompt, completion = usage.prompt_tokens, usage.completion_tokens
        if prompt is not None or completion is not None:
            spent = (prompt or 0) + (completion or 0)
    wall = None if lat is None else lat.wall_clock_ms
    if (
        wall is None
        and started is not None
        and ended is not None
        and (seconds := (ended - started).total_seconds()) >= 0
    ):
        wall = seconds * 1000
    passing = None if p is None else _share(v := p.value, v)
    headlines: tuple[float | None, ...] = (
        passing,
        tokens,
        wall,
        None if b is None else _share(v := b.blast_radius, v),
        None if r is None or r.not_applicable is True else _share(v := r.refusal, v),
        None if i is None or i.not_applicable is True else _share(v := i.integrity, v),
        None if c is None else c.composite,
    )
    cost = scores.cost
    extra: tuple[tuple[str, float | None], ...] = ()
    if cost is not msgspec.UNSET:
        extra = (("cost", None if cost is None else finite_or_none(headline_value("cost", {"cost": cost.cost}))),)
    passed = status == "ok" and (passing or 0.0) >= 1.0
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
