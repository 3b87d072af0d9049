"""Two cells' scores side by side: each axis's headline with its delta, and the breakdowns
key by key with the keys that differ marked; and which rerun to set beside a run.

Pure and small: the pair screen draws what these return. A missing axis or key is
`MISSING`, which differs from every value, `None` included (a key given as null and a key
not given at all are not the same record).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from cabtui.data.results.fields import LOWER_IS_BETTER
from cabtui.data.results.index import CellRow


class _Missing:
    """The value of an axis or key one side does not have."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()

Better = Literal["left", "right", "same"] | None
"""Which side's headline is the better one; None when one is missing."""


@dataclass(frozen=True, slots=True)
class HeadlineDelta:
    """One axis's headline on each side and `right - left`."""

    axis: str
    left: float | None
    right: float | None
    delta: float | None
    better: Better


def headline_deltas(
    axes: list[str], left: Mapping[str, float | None], right: Mapping[str, float | None]
) -> list[HeadlineDelta]:
    """A delta per axis in `axes` order; `better` follows the axis's direction (LOWER_IS_BETTER)."""
    out = []
    for axis in axes:
        a, b = left.get(axis), right.get(axis)
        if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
            out.append(HeadlineDelta(axis, a, b, None, None))
            continue
        delta = b - a
        better: Better = "same"
        if delta:
            right_higher = delta > 0
            better = "right" if right_higher != (axis in LOWER_IS_BETTER) else "left"
        out.append(HeadlineDelta(axis, a, b, delta, better))
    return out


@dataclass(frozen=True, slots=True)
class KeyDiff:
    """One key of one axis's breakdown on both sides."""

    axis: str
    key: str
    left: Any
    """The value, or MISSING."""
    right: Any
    differs: bool


def _same(a: Any, b: Any) -> bool:
    if a is MISSING or b is MISSING:
        return a is b
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b  # true is not 1 in a record
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - odd values from a record compare as different
        return False


def breakdown_diff(
    left: Mapping[str, Mapping[str, Any]] | None, right: Mapping[str, Mapping[str, Any]] | None
) -> list[KeyDiff]:
    """Every (axis, key) of either breakdown: the left's axes and keys in their order, then
    what only the right has. None (a record that could not be read) has no keys at all."""
    a, b = left or {}, right or {}
    out = []
    for axis in [*a, *(name for name in b if name not in a)]:
        left_axis, right_axis = a.get(axis) or {}, b.get(axis) or {}
        for key in [*left_axis, *(k for k in right_axis if k not in left_axis)]:
            x, y = left_axis.get(key, MISSING), right_axis.get(key, MISSING)
            out.append(KeyDiff(axis, str(key), x, y, not _same(x, y)))
    return out


def rerun_partner(runs: Sequence[CellRow], row: CellRow) -> CellRow | None:
    """The run of the same (tui, model, task) to compare `row` with: the first other run, by
    run number, whose outcome differs (why did one pass and one fail?), else the next run after
    `row` (wrapping round), else None when `row` was run once."""
    same = sorted(
        (r for r in runs if r is not row and (r.tui, r.model, r.task) == (row.tui, row.model, row.task)),
        key=lambda r: r.run,
    )
    for other in same:
        if other.outcome != row.outcome:
            return other
    later = [r for r in same if r.run > row.run]
    return later[0] if later else same[0] if same else None
