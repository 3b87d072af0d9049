"""Two sweeps compared cell by cell: what `cabtui diff` (and the compare screens) report.

Cells are matched by (tui, model, task, run). A matched pair is *fixed* when it did not
pass before and passes after, *broke* the other way round; a cell on one side only is
*added* (AFTER only) or *removed* (BEFORE only). A pair whose outcome changed without its
pass changing (fail -> timed_out) is no change here: `Comparison.reworded` counts them.
Each (tui, model) on either side is a `GroupChange` with the pass rate of both sides, its
Wilson interval, the mean composite, and the exact McNemar p-value of its fixed and broke.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

from cabtui.data.results.index import AXIS_INDEX, CellRow, Results, Sweep
from cabtui.data.stats import mcnemar_exact, wilson_interval

CHANGES: Final = ("broke", "fixed", "removed", "added")
"""The kinds of change, in the order `Comparison.cells` lists them: broken first."""

_COMPOSITE: Final = AXIS_INDEX["composite"]

CellKey = tuple[str, str, str, int]
"""(tui, model, task, run): what matches a cell of one sweep with a cell of the other."""


class SeveralSweeps(ValueError):
    """A PATH that holds more than one sweep where one is wanted; `sweep_ids` names them."""

    def __init__(self, sweep_ids: Sequence[str]) -> None:
        self.sweep_ids = tuple(sweep_ids)
        shown = ", ".join(self.sweep_ids[:10])
        more = f" and {len(self.sweep_ids) - 10} more" if len(self.sweep_ids) > 10 else ""
        super().__init__(f"holds {len(self.sweep_ids)} sweeps ({shown}{more}); name one sweep's folder or file")


def single_sweep(results: Results) -> Sweep:
    """The one sweep `results` holds: the one with cells, or, when none has any, the only one.

    A sweep that holds only problems (the folder's own id for lines that could not be read)
    does not count beside one with cells.

    Raises:
        SeveralSweeps: more than one sweep has cells (or, none having any, more than one is loaded).
    """
    with_cells = [s for s in results.sweeps if s.cells]
    candidates = with_cells or results.sweeps
    if len(candidates) > 1:
        raise SeveralSweeps([s.sweep_id for s in candidates])
    if not candidates:
        return Sweep(results.path.name)
    return candidates[0]


@dataclass(frozen=True, slots=True)
class SideStats:
    """One (tui, model) on one side of the comparison; counts 0 and rates None where it is absent."""

    cells: int
    passed: int
    mean_composite: float | None

    @property
    def pass_rate(self) -> float | None:
        """passed / cells, None without cells."""
        return self.passed / self.cells if self.cells else None

    @property
    def pass_rate_ci95(self) -> tuple[float, float] | None:
        """The Wilson score interval (95%) of the pass rate, None without cells."""
        return wilson_interval(self.passed, self.cells)


@dataclass(frozen=True, slots=True)
class GroupChange:
    """One (tui, model): both sides, and what changed among its paired (task, run)s."""

    tui: str
    model: str
    before: SideStats
    after: SideStats
    paired: int
    """(task, run)s present on both sides."""
    fixed: int
    broke: int
    p_value: float
    """The exact two-sided McNemar p-value of (fixed, broke); 1.0 when neither happened."""

    @property
    def added(self) -> int:
        """Cells only in AFTER."""
        return self.after.cells - self.paired

    @property
    def removed(self) -> int:
        """Cells only in BEFORE."""
        return self.before.cells - self.paired

    @property
    def changed(self) -> bool:
        """Any cell fixed, broke, added or removed."""
        return bool(self.fixed or self.broke or self.added or self.removed)


class CellChange(NamedTuple):
    """One cell that changed; the outcome is None on the side it is absent from.

    A named tuple, not a frozen dataclass: tens of thousands are built per comparison, and a
    frozen dataclass's `__init__` (one `object.__setattr__` a field) took a third of it.
    """

    tui: str
    model: str
    task: str
    run: int
    before: str | None
    after: str | None
    change: str
    """fixed, broke, added or removed."""


@dataclass(frozen=True)
class Comparison:
    """BEFORE against AFTER: every group, and the cells that changed."""

    before_id: str
    after_id: str
    before_cells: int
    after_cells: int
    groups: tuple[GroupChange, ...]
    """Every (tui, model) on either side, changed or not, by (tui, model)."""
    cells: tuple[CellChange, ...]
    """The changed cells: broke, fixed, removed, added; within each by (tui, model, task, run)."""
    reworded: int
    """Paired cells whose outcome changed but not whether they passed (fail -> timed_out): not in `cells`."""

    @property
    def changed_groups(self) -> tuple[GroupChange, ...]:
        """The groups with a cell fixed, broke, added or removed."""
        return tuple(g for g in self.groups if g.changed)


def keyed_rows(rows: Sequence[CellRow]) -> dict[CellKey, CellRow]:
    """Rows by (tui, model, task, run); the first row of a key wins (the loader already drops
    a sweep's later duplicates)."""
    out = {(row.tui, row.model, row.task, row.run): row for row in rows}  # a comprehension: twice as fast
    if len(out) == len(rows):
        return out
    out = {}  # duplicates (the loader drops them; a hand-built Sweep may not): the first one wins
    for row in rows:
        out.setdefault((row.tui, row.model, row.task, row.run), row)
    return out


@dataclass(frozen=True)
class SweepKeys:
    """What comparing needs of one sweep whatever it is compared with: its rows by key and
    each (tui, model)'s counts. Built once per sweep (`sweep_keys`), so a comparison of two
    sweeps whose keys are ready (the sweeps screen builds them in the background) only matches."""

    rows: dict[CellKey, CellRow]
    sides: dict[tuple[str, str], SideStats]
    cells: int
    """`len(sweep.cells)` when built: a sweep that has grown since (a live sweep) is keyed again."""


_KEYS: dict[int, tuple[weakref.ref[Sweep], SweepKeys]] = {}
_KEYS_LOCK = threading.Lock()


def sweep_keys(sweep: Sweep) -> SweepKeys:
    """The sweep's `SweepKeys`, built on first use and kept while the sweep lives and keeps its size.

    Safe from several threads (a worker warming them, the compare screen's worker using them):
    two that race build the same value, and one of them is kept.
    """
    with _KEYS_LOCK:
        held = _KEYS.get(id(sweep))
    if held is not None and held[0]() is sweep and held[1].cells == len(sweep.cells):
        return held[1]
    rows = keyed_rows(sweep.cells)
    keys = SweepKeys(rows, _side(rows.values()), len(sweep.cells))
    key = id(sweep)

    def forget(_: object) -> None:
        with _KEYS_LOCK:
            if (got := _KEYS.get(key)) is not None and got[0]() is None:
                del _KEYS[key]

    with _KEYS_LOCK:
        _KEYS[key] = (weakref.ref(sweep, forget), keys)
    return keys


def _side(rows: Iterable[CellRow]) -> dict[tuple[str, str], SideStats]:
    """Each (tui, model)'s cells, passes and mean composite."""
    counts: dict[tuple[str, str], list[float]] = {}
    for row in rows:
        group = (row.tui, row.model)
        acc = counts.get(group)
        if acc is None:
            acc = counts[group] = [0, 0, 0.0, 0]
        acc[0] += 1
        if row.passed:
            acc[1] += 1
        composite = row.headlines[_COMPOSITE]
        if composite is not None:
            acc[2] += composite
            acc[3] += 1
    return {
        group: SideStats(int(cells), int(passed), total / composites if composites else None)
        for group, (cells, passed, total, composites) in counts.items()
    }


_ABSENT: Final = SideStats(0, 0, None)


def compare_sweeps(before: Sweep, after: Sweep) -> Comparison:
    """Match the cells of `before` and `after` by (tui, model, task, run) and say what changed."""
    keys_old, keys_new = sweep_keys(before), sweep_keys(after)
    old, new = keys_old.rows, keys_new.rows
    sides_old, sides_new = keys_old.sides, keys_new.sides
    paired: dict[tuple[str, str], list[int]] = {}  # group -> [paired, fixed, broke]
    broke: list[CellKey] = []
    fixed: list[CellKey] = []
    removed: list[CellKey] = []
    reworded = 0
    get = new.get
    for key, was in old.items():  # one pass, one lookup a key: sets and comprehensions cost more here
        now = get(key)
        if now is None:
            removed.append(key)
            continue
        group = (key[0], key[1])
        acc = paired.get(group)
        if acc is None:
            acc = paired[group] = [0, 0, 0]
        acc[0] += 1
        if was.passed == now.passed:
            if was.outcome != now.outcome:
                reworded += 1
        elif now.passed:
            acc[1] += 1
            fixed.append(key)
        else:
            acc[2] += 1
            broke.append(key)
    added = [key for key in new if key not in old]
    # Each kind sorted by its key (plain tuples: no key function), in CHANGES order, broken first.
    changes = [CellChange(*key, old[key].outcome, new[key].outcome, "broke") for key in sorted(broke)]
    changes += [CellChange(*key, old[key].outcome, new[key].outcome, "fixed") for key in sorted(fixed)]
    changes += [CellChange(*key, old[key].outcome, None, "removed") for key in sorted(removed)]
    changes += [CellChange(*key, None, new[key].outcome, "added") for key in sorted(added)]
    groups = []
    for tui, model in sorted(sides_old.keys() | sides_new.keys()):
        pairs, f, b = paired.get((tui, model), (0, 0, 0))
        groups.append(
            GroupChange(
                tui,
                model,
                sides_old.get((tui, model), _ABSENT),
                sides_new.get((tui, model), _ABSENT),
                pairs,
                f,
                b,
                mcnemar_exact(f, b),
            )
        )
    return Comparison(
        before_id=before.sweep_id,
        after_id=after.sweep_id,
        before_cells=len(old),
        after_cells=len(new),
        groups=tuple(groups),
        cells=tuple(changes),
        reworded=reworded,
    )
