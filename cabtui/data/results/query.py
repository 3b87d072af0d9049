"""Sort, group and pivot indexed cells for the grid, the tables and the leaderboard (filter.py filters)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import Any, Final

from cabtui.data.memory import gc_paused
from cabtui.data.results.index import AXIS_INDEX, HEADLINE_AXES, CellRow, Sweep, category_of
from cabtui.data.stats import wilson_interval

TEXT_SORT_KEYS: Final = ("cell_id", "tui", "model", "task", "category", "run", "status")


def sort_cells(rows: Sequence[CellRow], name: str, *, descending: bool = False) -> list[CellRow]:
    """Rows sorted by a column, stable; cells without a value stay last either way."""
    if name in TEXT_SORT_KEYS:
        text_key: Callable[[CellRow], Any] = {
            "run": lambda r: r.run,
            "category": lambda r: r.category,
            "status": lambda r: r.outcome,
        }.get(name, lambda r: getattr(r, name))
        return sorted(rows, key=text_key, reverse=descending)
    index = AXIS_INDEX.get(name)
    value: Callable[[CellRow], float | None] = (
        (lambda r: r.headlines[index]) if index is not None else (lambda r: r.headline(name))
    )
    present: list[CellRow] = []
    absent: list[CellRow] = []
    for row in rows:
        (absent if value(row) is None else present).append(row)
    # `reverse` keeps equal rows in their order, as a stable ascending sort does.
    return sorted(present, key=value, reverse=descending) + absent  # type: ignore[arg-type]


def _ratio(total: int, count: int) -> float | None:
    """total / count, None where there is nothing to divide or the result is past a float."""
    if not count:
        return None
    try:
        return total / count
    except OverflowError:
        return None


def _mean(values: Iterable[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return sum(got) / len(got) if got else None


@dataclass(frozen=True)
class LeaderRow:
    """One (tui, model) of the leaderboard."""

    tui: str
    model: str
    cells: int
    passed: int
    pass_rate: float
    mean_composite: float | None
    median_wall_ms: float | None
    tokens_per_correct: float | None
    mean_blast: float | None
    refusal: float | None
    integrity: float | None
    pass_rate_ci95: tuple[float, float] | None = None
    """The Wilson 95% interval of `passed / cells`."""
    k: int | None = None
    """The reruns pass@k and pass^k count: the fewest runs of any task, None below 2."""
    pass_at_k: float | None = None
    """The share of tasks where any of the first k runs passed."""
    pass_all_k: float | None = None
    """The share of tasks where all of the first k runs passed (pass^k)."""

    def as_dict(self) -> dict[str, Any]:
        """A plain mapping, for JSON output: the fields `cabtui summary --json` has always had."""
        return {name: self.__dict__[name] for name in _JSON_FIELDS}


_JSON_FIELDS: Final = (
    "tui",
    "model",
    "cells",
    "passed",
    "pass_rate",
    "mean_composite",
    "median_wall_ms",
    "tokens_per_correct",
    "mean_blast",
    "refusal",
    "integrity",
)
"""What `LeaderRow.as_dict` keeps: the summary's JSON stays as it was before the rerun columns."""


def rerun_rates(cells: Sequence[CellRow]) -> tuple[int, float, float] | None:
    """(k, pass@k, pass^k) of one group's cells, over the tasks it ran more than once.

    k is the fewest runs any rerun task has; of each rerun task's first k runs by run
    number, pass@k is the share of tasks where at least one passed and pass^k where all
    passed. Tasks run once are left out (a sweep often reruns only some tasks); None when
    no task was rerun.
    """
    runs = Counter(map(_task, cells))
    passes = Counter(c.task for c in cells if c.passed)
    return _rerun_rates(cells, runs, passes)


def _rerun_rates(
    cells: Sequence[CellRow], runs: dict[str, int], passes: dict[str, int]
) -> tuple[int, float, float] | None:
    """`rerun_rates` from each task's count of runs and of passes (the leaderboard counts both in its one pass)."""
    rerun = {task: n for task, n in runs.items() if n >= 2}
    if not rerun:
        return None
    k = min(rerun.values())
    longer = {task for task, n in rerun.items() if n > k}
    if longer:  # only tasks with more than k runs need their first k picked out
        passes = dict(passes)
        extra: dict[str, list[CellRow]] = defaultdict(list)
        for cell in cells:
            if cell.task in longer:
                extra[cell.task].append(cell)
        for task, task_runs in extra.items():
            passes[task] = sum(1 for c in sorted(task_runs, key=_run)[:k] if c.passed)
    any_pass = sum(1 for task in rerun if passes.get(task, 0) > 0)
    all_pass = sum(1 for task in rerun if passes.get(task, 0) == k)
    return k, any_pass / len(rerun), all_pass / len(rerun)


_BLAST, _REFUSAL, _INTEGRITY, _COMPOSITE, _WALL = (
    AXIS_INDEX[a] for a in ("blast_radius", "refusal", "integrity", "composite", "latency")
)


def leaderboard(rows: Iterable[CellRow]) -> list[LeaderRow]:
    """One row per (tui, model), best mean composite first."""
    groups: dict[tuple[str, str], list[CellRow]] = defaultdict(list)
    for row in rows:
        groups[(row.tui, row.model)].append(row)
    out = [_leader(tui, model, cells) for (tui, model), cells in groups.items()]
    out.sort(key=lambda r: (-(r.mean_composite or 0.0), -r.pass_rate, r.tui, r.model))
    return out


def _leader(tui: str, model: str, cells: list[CellRow]) -> LeaderRow:
    """One group's row, its cells read in one pass: a group's rows lie apart in memory, and at
    1,000,000 cells each pass over them (there were eight) cost a third of a second in cache misses."""
    passed = tokens = recorded_passes = 0
    composites: list[float] = []
    blasts: list[float] = []
    refusals: list[float] = []
    integrities: list[float] = []
    walls: list[float] = []
    runs: dict[str, int] = {}
    passes: dict[str, int] = {}
    for c in cells:
        h = c.headlines
        ok = c.passed
        task = c.task
        runs[task] = runs.get(task, 0) + 1
        if ok:
            passed += 1
            passes[task] = passes.get(task, 0) + 1
        if (v := h[_COMPOSITE]) is not None:
            composites.append(v)
        if (v := h[_BLAST]) is not None:
            blasts.append(v)
        if (v := h[_REFUSAL]) is not None:
            refusals.append(v)
        if (v := h[_INTEGRITY]) is not None:
            integrities.append(v)
        if (v := h[_WALL]) is not None:
            walls.append(v)
        if (spent := c.total_tokens) is not None:
            tokens += spent
            recorded_passes += ok
    reruns = _rerun_rates(cells, runs, passes)
    return LeaderRow(
        tui=tui,
        model=model,
        cells=len(cells),
        passed=passed,
        pass_rate=passed / len(cells),
        mean_composite=_mean(composites),
        median_wall_ms=statistics.median(walls) if walls else None,
        tokens_per_correct=_ratio(tokens, recorded_passes),
        mean_blast=_mean(blasts),
        refusal=_mean(refusals),
        integrity=_mean(integrities),
        pass_rate_ci95=wilson_interval(passed, len(cells)),
        k=reruns[0] if reruns else None,
        pass_at_k=reruns[1] if reruns else None,
        pass_all_k=reruns[2] if reruns else None,
    )


def sort_leaderboard(rows: Sequence[LeaderRow], column: str, *, descending: bool) -> list[LeaderRow]:
    """Leaderboard rows sorted by any column; missing values last either way."""
    present = [r for r in rows if getattr(r, column) is not None]
    absent = [r for r in rows if getattr(r, column) is None]
    return sorted(present, key=lambda r: getattr(r, column), reverse=descending) + absent


def _run(row: CellRow) -> int:
    return row.run


_task: Final[Callable[[CellRow], str]] = attrgetter("task")


@dataclass(frozen=True, slots=True)
class Square:
    """One (tui, model, task) of the grid: all its runs."""

    runs: tuple[CellRow, ...]

    @property
    def passed(self) -> int:
        """How many runs passed."""
        return sum(1 for r in self.runs if r.passed)

    @property
    def agree(self) -> bool:
        """All runs had the same outcome."""
        return len({r.outcome for r in self.runs}) <= 1

    @property
    def outcome(self) -> str:
        """The outcome of the runs when they agree, else `mixed`."""
        return self.runs[0].outcome if self.agree else "mixed"

    def value(self, axis: str) -> float | None:
        """The mean headline of `axis` over the runs."""
        if len(self.runs) == 1:
            return self.runs[0].headline(axis)
        return _mean(r.headline(axis) for r in self.runs)

    @property
    def first(self) -> CellRow:
        """The run the grid opens: the first failing one when there is one."""
        return next((r for r in self.runs if r.failed), self.runs[0])


@dataclass(frozen=True)
class Grid:
    """The cell grid: rows (tui, model), task columns grouped by category."""

    rows: tuple[tuple[str, str], ...]
    columns: tuple[str, ...]
    categories: tuple[tuple[str, int], ...]
    """Each category with the number of task columns it spans, in column order."""
    squares: dict[tuple[int, int], Square] = field(default_factory=dict)
    _ranges: dict[str, tuple[float, float] | None] = field(default_factory=dict, compare=False, repr=False)

    def square(self, row: int, column: int) -> Square | None:
        """The square at (row, column), None where that combination has no cell."""
        return self.squares.get((row, column))

    def value_range(self, axis: str) -> tuple[float, float] | None:
        """The lowest and highest square value of `axis`, None where no square has one.

        Computed once per axis: it reads every square (0.1 s at 100,000 cells).
        """
        if axis not in self._ranges:
            values = [v for square in self.squares.values() if (v := square.value(axis)) is not None]
            self._ranges[axis] = (min(values), max(values)) if values else None
        return self._ranges[axis]


def pivot(cells: Iterable[CellRow]) -> Grid:
    """Pivot cells into the grid; reruns of a (tui, model, task) share one square."""
    runs: dict[tuple[str, str, str], list[CellRow]] = defaultdict(list)
    for cell in cells:
        runs[(cell.tui, cell.model, cell.task)].append(cell)
    row_keys = sorted({(t, m) for t, m, _ in runs})
    tasks = sorted({k[2] for k in runs}, key=lambda task: (category_of(task), task))
    categories: list[tuple[str, int]] = []
    for task in tasks:
        cat = category_of(task)
        if categories and categories[-1][0] == cat:
            categories[-1] = (cat, categories[-1][1] + 1)
        else:
            categories.append((cat, 1))
    row_index = {k: i for i, k in enumerate(row_keys)}
    col_index = {t: i for i, t in enumerate(tasks)}
    squares = {
        (row_index[(t, m)], col_index[task]): Square(tuple(rs) if len(rs) == 1 else tuple(sorted(rs, key=_run)))
        for (t, m, task), rs in runs.items()
    }
    return Grid(tuple(row_keys), tuple(tasks), tuple(categories), squares)


@dataclass(frozen=True)
class SweepSummary:
    """One line of the sweeps screen."""

    sweep_id: str
    title: str | None
    cells: int
    tuis: int
    models: int
    tasks: int
    pass_rate: float | None
    mean_composite: float | None
    first_start: datetime | None
    last_end: datetime | None
    problems: int


def summarize(sweep: Sweep) -> SweepSummary:
    """The headline facts of a sweep."""
    cells = sweep.cells
    starts = [c.started_at for c in cells if c.started_at is not None]
    ends = [c.ended_at for c in cells if c.ended_at is not None]
    return SweepSummary(
        sweep_id=sweep.sweep_id,
        title=sweep.title,
        cells=len(cells),
        tuis=len({c.tui for c in cells}),
        models=len({c.model for c in cells}),
        tasks=len({c.task for c in cells}),
        pass_rate=sum(1 for c in cells if c.passed) / len(cells) if cells else None,
        mean_composite=_mean(c.headline("composite") for c in cells),
        first_start=min(starts, default=None),
        last_end=max(ends, default=None),
        problems=len(sweep.problems),
    )


def axes_of(cells: Iterable[CellRow]) -> list[str]:
    """The known axes, then every extra axis any cell carries, in first-seen order."""
    extra: dict[str, None] = {}
    for cell in cells:
        if cell.extra_headlines:  # rarely: most records carry only the known axes
            for name, _ in cell.extra_headlines:
                extra.setdefault(name, None)
    return [*HEADLINE_AXES, *extra]


@dataclass(frozen=True)
class SweepViews:
    """What the sweep screen opens on, built once off the UI thread at 100,000 cells."""

    grid: Grid
    """The pivot, its pass-rate range (the grid's first colouring) already computed."""
    leaders: list[LeaderRow]
    axes: list[str]
    passed: int
    """How many cells passed."""


def sweep_views(cells: Sequence[CellRow]) -> SweepViews:
    """The pivot, leaderboard, axes and pass count of a sweep's cells.

    Long-lived like the index, they are moved out of the cyclic collector's sight as
    the loader moves the index (`gc.freeze`): a full collection walking the pivot's
    objects took 30 to 90 ms of a tab switch at 100,000 cells.
    """
    with gc_paused(freeze=True):
        grid = pivot(cells)
        grid.value_range("pass_rate")
        return SweepViews(grid, leaderboard(cells), axes_of(cells), sum(1 for c in cells if c.passed))


NEIGHBOUR_GROUPS: Final = ("Other CLIs on this task", "Other models with this CLI", "Other tasks in this category")


def neighbours(rows: Iterable[CellRow], tui: str, model: str, task: str) -> dict[str, list[CellRow]]:
    """The cells the web page lists beside one: the same task and model with other CLIs, the same
    task and CLI with other models, the same CLI and model on other tasks of the category."""
    category = category_of(task)
    groups: dict[str, list[CellRow]] = {name: [] for name in NEIGHBOUR_GROUPS}
    cli, models, tasks = (groups[name] for name in NEIGHBOUR_GROUPS)
    for r in rows:
        if r.task == task:
            if r.model == model and r.tui != tui:
                cli.append(r)
            elif r.tui == tui and r.model != model:
                models.append(r)
        elif r.tui == tui and r.model == model and r.category == category:
            tasks.append(r)
    return groups
