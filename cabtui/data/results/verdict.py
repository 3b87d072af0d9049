"""One verdict on a cells.jsonl line for the index, `cabtui validate` and an opened cell.

The index (head.py) reads identity and headlines only; the full `Cell` model checks every
field. So that both count the same cells, a line is refused only for what the index reads;
any other field of a wrong type is left out, as if not recorded, and said.
tests/data/test_head.py checks the two verdicts agree.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import ValidationError, from_json

from cabtui.data.results.head import HEAD_KEYS
from cabtui.data.results.models import Cell

STRICT_FIELDS = frozenset(
    {"tui", "model", "task", "scores", "cell_id", "sweep_id", "run", "status", "exit_code", "started_at", "ended_at"}
)
"""What the sweep index reads (head.py): a wrong type there and the line is no cell record."""
_MAX_PASSES = 20


def _is_strict(loc: tuple[int | str, ...]) -> bool:
    """Whether an error at `loc` is in what the index reads too (then the record is refused)."""
    if not loc or loc[0] in STRICT_FIELDS and loc[0] != "scores":
        return True
    if loc[0] == "usage":
        return len(loc) == 1 or loc[1] in ("prompt_tokens", "completion_tokens")
    if loc[0] != "scores":
        return False
    return len(loc) < 3 or loc[1] not in HEAD_KEYS or loc[2] in HEAD_KEYS[str(loc[1])]


def _leave_out(data: Any, loc: tuple[int | str, ...], missing: bool) -> tuple[int | str, ...] | None:
    """Remove what an error at `loc` is about from `data`: the list item it is in, else its value.

    Returns the place removed, or None when it is gone already. A `missing` field's item
    goes whole; a key `loc` names past the data is a union member's tag (`refusal_correct.bool`).
    """
    node: Any = data
    removed: tuple[Any, Any, int] | None = None
    for depth, part in enumerate(loc):
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            removed = (node, part, depth)
            break
        if isinstance(node, dict) and part in node:
            removed = (node, part, depth)
            node = node[part]
            continue
        if missing or isinstance(part, int):
            return None
        break
    if removed is None:
        return None
    parent, key, depth = removed
    del parent[key]
    return loc[: depth + 1]


def _dotted(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc)


def parse_cell(raw: bytes | str, default_sweep: str) -> tuple[Cell | None, list[str]]:
    """A cells.jsonl line as a `Cell`, with the same verdict as the index's (head.py).

    A line is refused (None, and why) only for what the index reads too. Any other
    field of a wrong type is left out, as if not recorded, and said: `(cell, notes)`.
    """
    from cabtui.data.results.lines import describe_validation_error  # lines imports this module lazily

    context = {"sweep_id": default_sweep}
    try:
        return Cell.model_validate_json(raw, context=context), []
    except ValidationError as err:
        failed = err
    data: Any = None
    notes: list[str] = []
    for _ in range(_MAX_PASSES):
        errors = failed.errors(include_url=False)
        if any(_is_strict(e["loc"]) for e in errors):
            return None, [describe_validation_error(failed)]
        if data is None:  # valid JSON: only a field beyond the index's is wrong
            data = from_json(raw)
        # Last first: pydantic lists a list's items in order, so earlier indexes still hold.
        removed: list[tuple[int | str, ...]] = []
        said: list[str] = []
        for e in reversed(errors):
            loc = e["loc"]
            if any(loc[: len(r)] == r for r in removed):
                continue  # its value or item is already left out
            place = _leave_out(data, loc, e["type"] == "missing")
            if place is not None:
                removed.append(place)
                item = isinstance(place[-1], int) and place != loc
                said.append(
                    f"{_dotted(loc)}: {e['msg']}; {_dotted(place)} left out"
                    if item
                    else f"{_dotted(place)}: {e['msg']}; left out"
                )
        notes.extend(reversed(said))
        if not removed:
            break
        try:
            return Cell.model_validate(data, context=context), notes
        except ValidationError as err:
            failed = err
    return None, [describe_validation_error(failed)]
