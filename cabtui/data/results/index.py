"""The compact, in-memory index of a sweep: one small row per cell.

A full `Cell` holds stdout tails, file lists and nested models (several KB);
a sweep of 250,000 cells must stay small, so the loader keeps only what the
grid, tables and leaderboard need, plus where the line lives on disk so the
full record can be read again when a cell is opened.
"""

from __future__ import annotations

import math
import sys
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import msgspec

from cabtui.data.problems import Problem
from cabtui.data.results.fields import AXES, derive_identity, headline_value, outcome_of
from cabtui.data.results.head import CellHead, SweepHead

HEADLINE_AXES: Final = AXES
"""Axes whose headline every row carries, in `CellRow.headlines` order."""

AXIS_INDEX: Final = {axis: i for i, axis in enumerate(HEADLINE_AXES)}
"""Position of each known axis in `CellRow.headlines`."""
LATENCY: Final = AXIS_INDEX["latency"]
"""Position of the latency headline (the wall time) in `CellRow.headlines`."""

CELLS_FORMAT: Final = "cells"
"""`Source.format` of a cells.jsonl row; any other names the reader of another harness (`readers`)."""


def category_of(task: str) -> str:
    """A task's category: the part of its name before the first `/` (all of it if none)."""
    return task.split("/", 1)[0]


@dataclass(frozen=True, slots=True)
class Source:
    """One cells.jsonl file and the folder its artifact paths are relative to.

    For a row of another harness (`format` not "cells"), the file its reader read the
    row from (a trial's result.json, an .eval log) and the folder of that cell's files.
    """

    path: Path
    folder: Path
    info: SweepHead | None = None
    """What the folder's sweep.json says, if it has one."""
    sweep_id: str = ""
    """The sweep of records that name none: sweep.json's id, else the folder's name."""
    format: str = CELLS_FORMAT
    """Who reads the full record and artifacts: the loader ("cells"), else the reader of that name."""
    line_offsets: array[int] | None = field(default=None, compare=False, repr=False)
    """Where each line of a cells file starts, line 1 first, for the rows that keep no offset of
    their own (the growing index's): 8 bytes a line, where an int object a row took 32."""


def with_wall(headlines: tuple[float | None, ...], started: datetime, ended: datetime) -> tuple[float | None, ...]:
    """`headlines` with the latency headline derived from the run's start and end.

    Derived once here, so the grid's colours, the tables, their sorts and the
    leaderboard's median all read the same wall time.
    """
    seconds = (ended - started).total_seconds()
    if seconds < 0:
        return headlines
    return headlines[:LATENCY] + (seconds * 1000,) + headlines[LATENCY + 1 :]


Times = tuple[tuple[float | None, ...], datetime | None, datetime | None]


def timed(headlines: tuple[float | None, ...], started: datetime | None, ended: datetime | None) -> Times:
    """The row's headlines and times: naive times read as UTC (`as_utc`), and the wall time
    derived from them where the record gave none (`with_wall`)."""
    if started is not None and started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    if ended is not None and ended.tzinfo is None:
        ended = ended.replace(tzinfo=UTC)
    if headlines[LATENCY] is None and started is not None and ended is not None:
        headlines = with_wall(headlines, started, ended)
    return headlines, started, ended


class CellRow(msgspec.Struct, eq=False, gc=False):
    """What the browser needs of one cell, and where to find the rest.

    Never changed after loading; compared by identity. A msgspec Struct, not a dataclass:
    made in C (a slotted dataclass's `__init__` was a sixth of a line's load), and never
    tracked by the cyclic collector (`gc=False`: 16 bytes less a row; a row refers to
    nothing that refers back to it). Not frozen: a frozen dataclass cost a third of the
    whole index build at 100,000 rows.
    """

    cell_id: str
    sweep_id: str
    tui: str
    model: str
    task: str
    run: int
    status: str
    exit_code: int | None
    started_at: datetime | None
    ended_at: datetime | None
    headlines: tuple[float | None, ...]
    """Headline of each axis in `HEADLINE_AXES` order; None where absent."""
    extra_headlines: tuple[tuple[str, float | None], ...]
    """Headlines of axes the format does not define, by name."""
    total_tokens: int | None
    """Tokens the run spent, for tokens per correct task: the scorer's `total_tokens` where it
    recorded any, else the CLI's own `usage` (prompt + completion), else None."""
    source: Source
    line: int
    _offset: int
    """Where the line starts in the file; -1: in `source.line_offsets` (`offset`)."""
    passed: bool
    """The task's tests passed and the harness finished normally."""
    outcome: str
    """One word for the cell: pass, fail, timed_out, incompatible or error (kept, not
    derived on each read: filters, counts and the grid ask it of every row)."""

    @classmethod
    def from_head(
        cls,
        head: CellHead,
        default_sweep: str,
        source: Source,
        line: int,
        offset: int,
        extra_axes: dict[str, dict[str, Any] | None] | None = None,
        intern: Callable[[str], str] = sys.intern,
    ) -> CellRow:
        """Keep the headline facts of a validated record, its documented defaults filled in.

        `extra_axes` are the record's axes the format does not define, read whole;
        `intern` shares the strings that repeat across rows (tui, model, task, status, sweep).
        """
        tui, model, task = head["tui"], head["model"], head["task"]
        sweep_id, cell_id, run, status = head.get("sweep_id"), head.get("cell_id"), head.get("run"), head.get("status")
        exit_code = head.get("exit_code")
        if not (sweep_id and cell_id and run is not None and status is not None):  # a default to fill in
            sweep_id, cell_id, run, status = derive_identity(
                default_sweep, sweep_id, cell_id, tui, model, task, run, status, exit_code
            )
        scores = head["scores"]
        headlines = _known_headlines(scores.get)
        extra = (
            ()
            if not extra_axes
            else tuple(
                (name, None if part is None else finite_or_none(headline_value(name, part)))
                for name, part in extra_axes.items()
            )
        )
        status = intern(status)
        passed = status == "ok" and (headlines[0] or 0.0) >= 1.0
        headlines, started_at, ended_at = timed(headlines, head.get("started_at"), head.get("ended_at"))
        # Positional, in field order: keywords cost a tenth of the whole row build.
        return cls(
            cell_id,
            intern(sweep_id),
            intern(tui),
            intern(model),
            intern(task),
            run,
            status,
            exit_code,
            started_at,
            ended_at,
            headlines,
            extra,
            _spent_tokens(scores.get("tokens"), head.get("usage")),
            source,
            line,
            offset,
            passed,
            ("pass" if passed else "fail") if status == "ok" else intern(outcome_of(status, passed)),
        )

    @property
    def offset(self) -> int:
        """Where the row's line starts in its file (its record is read again from there)."""
        at = self._offset
        if at >= 0 or self.source.line_offsets is None:
            return at
        return self.source.line_offsets[self.line - 1]

    def headline(self, axis: str) -> float | None:
        """The headline of `axis` (known or extra), None where the cell has none."""
        i = AXIS_INDEX.get(axis)
        if i is not None:
            return self.headlines[i]
        for name, value in self.extra_headlines:
            if name == axis:
                return value
        return None

    @property
    def wall_ms(self) -> float | None:
        """Wall time of the run: the latency scorer's, else `ended_at - started_at`, else None."""
        return self.headlines[LATENCY]

    @property
    def category(self) -> str:
        """The part of the task before its first `/`."""
        return category_of(self.task)

    @property
    def failed(self) -> bool:
        """Anything that is not a pass: a failing test run, a timeout, an error."""
        return not self.passed


def _known_headlines(get: Callable[[str], Any]) -> tuple[float | None, ...]:
    """`headline_value` of each known axis, in `HEADLINE_AXES` order, written out: the loop every
    cell goes through spent a fifth of its row build in the general function.

    A validated head holds floats or None there (`head.HEAD_KEYS`); anything else takes
    the general conversion. The axes scored 0 or 1 share one float object for each
    (24 bytes a value, a tenth of a row). tests/data/test_known_headlines.py checks
    that this agrees with `headline_value`.
    """
    number, share = _number, SHARED_FLOATS.get
    p, t, lat, b = get("pass_rate"), get("tokens"), get("latency"), get("blast_radius")
    r, i, c = get("refusal"), get("integrity"), get("composite")
    return (
        None if p is None else (share(v, v) if (v := p.get("pass")).__class__ is float else number(v)),
        None
        if t is None or not (t.get("total_tokens") or t.get("model_calls"))
        else (v if (v := t.get("tokens_per_correct_task")).__class__ is float else number(v)),
        None if lat is None else (v if (v := lat.get("wall_clock_ms")).__class__ is float else number(v)),
        None if b is None else (share(v, v) if (v := b.get("blast_radius")).__class__ is float else number(v)),
        None
        if r is None or r.get("not_applicable") is True
        else (share(v, v) if (v := r.get("refusal")).__class__ is float else number(v)),
        None
        if i is None or i.get("not_applicable") is True
        else (share(v, v) if (v := i.get("integrity")).__class__ is float else number(v)),
        None if c is None else (v if (v := c.get("composite")).__class__ is float else number(v)),
    )


SHARED_FLOATS: Final[dict[float | None, float | None]] = {0.0: 0.0, 1.0: 1.0}
"""The float objects rows share for the commonest headlines (-0.0 reads as 0.0)."""


def _number(value: Any) -> float | None:
    """A headline that is not a float already (None, or not validated as one), as `headline_value` reads it."""
    if value is None:
        return None
    return headline_value("composite", {"composite": value})


def finite_or_none(value: float | None) -> float | None:
    """Extra axes are read by a parser that accepts NaN and Infinity; they are no headline."""
    return value if value is None or math.isfinite(value) else None


def _spent_tokens(tokens: Any, usage: Any) -> int | None:
    """The scorer's total tokens where it recorded any, else the CLI's reported usage, else None."""
    if tokens and (tokens.get("total_tokens") or tokens.get("model_calls")):
        return tokens.get("total_tokens")  # type: ignore[no-any-return]
    if usage:
        prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
        if prompt is not None or completion is not None:
            return (prompt or 0) + (completion or 0)
    return None


@dataclass
class Sweep:
    """The cells of one sweep id, from one or more sources."""

    sweep_id: str
    title: str | None = None
    cells: list[CellRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Results:
    """Everything loaded from a PATH: sweeps in discovery order, and every problem."""

    path: Path
    sweeps: list[Sweep] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def sweep(self, sweep_id: str) -> Sweep | None:
        """The sweep with this id, if loaded."""
        return next((s for s in self.sweeps if s.sweep_id == sweep_id), None)
