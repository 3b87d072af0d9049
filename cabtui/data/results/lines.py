"""One line of a cells file as an index row, or as the problems that keep it from being one.

Shared by the growing index (growing.py) and the whole-file helpers of loader.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
from pydantic_core import ValidationError

from cabtui.data.problems import Problem
from cabtui.data.results import struct_head
from cabtui.data.results.discovery import SWEEP_FILE
from cabtui.data.results.fast_head import FAST_HEAD, row_of
from cabtui.data.results.fields import AXES, STATUSES
from cabtui.data.results.head import CELL_HEAD, SWEEP_HEAD, SweepHead
from cabtui.data.results.index import CellRow, Source
from cabtui.data.text import one_line

if TYPE_CHECKING:
    from cabtui.data.results.models import Cell

KNOWN_AXES = frozenset(AXES)
KNOWN_STATUSES = frozenset(STATUSES)
BOM = b"\xef\xbb\xbf"

Parsed = tuple[CellRow, list[Problem]] | list[Problem]
"""A row and what is wrong with it, or why the line is no cell record."""


def describe_validation_error(err: ValidationError, what: str = "a cell record") -> str:
    """One line from a pydantic error: the first field's path and message, and how many more."""
    errors = err.errors(include_url=False)
    first = errors[0]
    if first["type"] == "json_invalid":
        return f"not JSON: {first['msg'].removeprefix('Invalid JSON: ')}"
    if first["type"] in ("model_type", "model_attributes_type", "dict_type") and not first["loc"]:
        return f"not {what}: a JSON object was expected"
    where = ".".join(str(p) for p in first["loc"] if not str(p).startswith("function-"))
    text = f"{where}: {first['msg']}" if where else first["msg"]
    more = len(errors) - 1
    return f"not {what}: {text}" + (f" (+{more} more)" if more else "")


def read_sweep_info(folder: Path, problems: list[Problem], *, full: bool = False) -> SweepHead | None:
    """What sweep.json of a folder says, or None; a broken one is a problem, not a failure.

    With `full`, all of it is checked (`SweepInfo`), not only what the index uses.
    """
    path = folder / SWEEP_FILE
    if not path.is_file():
        return None
    try:
        data = orjson.loads(path.read_bytes().removeprefix(BOM))
        if full:
            from cabtui.data.results.models import SweepInfo

            SweepInfo.model_validate(data)
        return SWEEP_HEAD.validate_python(data)  # type: ignore[no-any-return]
    except (OSError, orjson.JSONDecodeError, ValidationError) as err:
        message = describe_validation_error(err, "a sweep.json") if isinstance(err, ValidationError) else str(err)
        problems.append(Problem(str(path), 1, message))
        return None


_fast_head = FAST_HEAD.validate_json
_struct_row = struct_head.row_of
_known_superset = KNOWN_AXES.issuperset


def fast_row(raw: bytes, default_sweep: str, source: Source, lineno: int, offset: int) -> CellRow:
    """The row of a line by the fast paths: msgspec's (struct_head.py), else pydantic-core's
    (fast_head.py). Raises whatever refused it: `head_row` then says why, or takes it.
    """
    try:
        return _struct_row(raw, default_sweep, source, lineno, offset)
    except Exception:  # noqa: BLE001 - refused: the next path decides
        return row_of(_fast_head(raw), default_sweep, source, lineno, offset)


def index_row(
    raw: bytes, name: str, lineno: int, offset: int, source: Source, default_sweep: str, problems: list[Problem]
) -> CellRow | None:
    """One line's index row (what `parse_line` gives without `full`), or None where it is no cell
    record; what is wrong with it is appended to `problems`. Never raises.

    The bulk read's path: no list or tuple made for each line. The fast paths take the lines they
    can (`fast_row`); the others go the way every line went before them (`head_row`), for its
    verdict and words.
    """
    try:  # `fast_row`, written out: a call costs a fiftieth of a line's load
        row = _struct_row(raw, default_sweep, source, lineno, offset)
    except Exception:  # noqa: BLE001 - refused: the next paths decide
        try:
            row = row_of(_fast_head(raw), default_sweep, source, lineno, offset)
        except Exception:  # noqa: BLE001 - refused, or a #runN suffix that is no run number: head_row says why
            slow = head_row(raw, name, lineno, offset, source, default_sweep, problems)
            if slow is None:
                return None
            row = slow
    if row.status not in KNOWN_STATUSES:  # kept, as the format says, but said
        problems.append(Problem(name, lineno, unknown_status(row.status, row.outcome)))
    return row


def head_row(
    raw: bytes, name: str, lineno: int, offset: int, source: Source, default_sweep: str, problems: list[Problem]
) -> CellRow | None:
    """The row `CELL_HEAD` and `CellRow.from_head` make of a line, or None and why it is no cell
    record (appended to `problems`): the verdict and the words for every line the fast paths refuse."""
    try:
        head = CELL_HEAD.validate_json(raw)
    except ValidationError as err:
        problems.append(Problem(name, lineno, describe_validation_error(err)))
        return None
    except Exception as err:  # noqa: BLE001 - whatever one line does, the rest loads
        problems.append(Problem(name, lineno, failure(err)))
        return None
    scores = head["scores"]
    extra = None if _known_superset(scores) else {k: v for k, v in scores.items() if k not in KNOWN_AXES}
    try:
        return CellRow.from_head(head, default_sweep, source, lineno, offset, extra)
    except ValueError as err:  # the id's #runN suffix is no run number
        problems.append(Problem(name, lineno, f"not a cell record: {err}"))
    except Exception as err:  # noqa: BLE001 - whatever one line does, the rest loads
        problems.append(Problem(name, lineno, failure(err)))
    return None


def parse_line(
    raw: bytes, name: str, lineno: int, offset: int, source: Source, default_sweep: str, full: bool
) -> Parsed:
    """One line (without its newline) as an index row and what is wrong with it, or why it is no cell record.

    With `full`, the whole record is checked too (`verdict.parse_cell`: a field beyond the
    index's with a wrong type is left out and said), and its artifact paths. Never raises.
    """
    problems: list[Problem] = []
    try:
        row: CellRow | None = fast_row(raw, default_sweep, source, lineno, offset)
    except Exception:  # noqa: BLE001 - refused, or a #runN suffix that is no run number: head_row says why
        row = head_row(raw, name, lineno, offset, source, default_sweep, problems)
    if row is None:
        return problems
    if full:
        from cabtui.data.results.artifacts import artifact_problems
        from cabtui.data.results.verdict import parse_cell

        try:
            cell, notes = parse_cell(raw, default_sweep)
        except Exception as err:  # noqa: BLE001 - whatever one line does, the rest loads
            return [Problem(name, lineno, failure(err))]
        if cell is None:  # the index and the models disagree: a bug, said rather than hidden
            return [Problem(name, lineno, notes[0])]
        problems = [Problem(name, lineno, note) for note in notes]
        problems.extend(Problem(name, lineno, note) for note in _safe(artifact_problems, cell, source, name, lineno))
    if row.status not in KNOWN_STATUSES:  # kept, as the format says, but said
        problems.append(Problem(name, lineno, unknown_status(row.status, row.outcome)))
    return row, problems


def failure(err: Exception) -> str:
    """Why a line could not be read, when reading it raised."""
    return f"cannot read this record: {one_line(f'{type(err).__name__}: {err}')}"


def unknown_status(status: str, outcome: str) -> str:
    """The problem of a status the format does not name."""
    named = ", ".join(STATUSES)
    return (
        f"status {one_line(repr(status), 60)} is none of {named}; kept, shown as "
        f"{one_line(repr(outcome), 60)}, not counted as a pass"
    )


def _safe(check: Callable[[Cell, Source], list[str]], cell: Cell, source: Source, name: str, lineno: int) -> list[str]:
    """What an artifact check says, or why it could not say it."""
    try:
        return check(cell, source)
    except Exception as err:  # noqa: BLE001 - whatever one line does, the rest loads
        return [failure(err)]
