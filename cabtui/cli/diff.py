"""`cabtui diff BEFORE AFTER`: a `Comparison` as plain text or as the documented JSON (docs/compare.md)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from cabtui.data.numbers import fmt_count, fmt_number, fmt_p, fmt_share
from cabtui.data.results import CHANGES, CellChange, Comparison, GroupChange, SideStats
from cabtui.data.text import one_line, utf8_safe

GROUP_HEADERS = ("tui", "model", "before", "after", "composite", "fixed", "broke", "added", "removed", "p")
CELL_HEADERS = ("change", "tui", "model", "task", "run", "outcome")
_ABSENT = "—"


def _side_json(side: SideStats) -> dict[str, Any]:
    interval = side.pass_rate_ci95
    return {
        "cells": side.cells,
        "passed": side.passed,
        "pass_rate": side.pass_rate,
        "pass_rate_ci95": None if interval is None else list(interval),
        "mean_composite": side.mean_composite,
    }


def _group_json(group: GroupChange) -> dict[str, Any]:
    return {
        "tui": utf8_safe(group.tui),
        "model": utf8_safe(group.model),
        "before": _side_json(group.before),
        "after": _side_json(group.after),
        "paired": group.paired,
        "fixed": group.fixed,
        "broke": group.broke,
        "p_value": group.p_value,
    }


def _cell_json(cell: CellChange) -> dict[str, Any]:
    return {
        "tui": utf8_safe(cell.tui),
        "model": utf8_safe(cell.model),
        "task": utf8_safe(cell.task),
        "run": cell.run,
        "before": cell.before,
        "after": cell.after,
        "change": cell.change,
    }


def diff_json(comparison: Comparison) -> dict[str, Any]:
    """The comparison in the shape `cabtui diff --json` documents, strings safe to encode."""
    return {
        "before": {"sweep_id": utf8_safe(comparison.before_id), "cells": comparison.before_cells},
        "after": {"sweep_id": utf8_safe(comparison.after_id), "cells": comparison.after_cells},
        "groups": [_group_json(g) for g in comparison.groups],
        "cells": [_cell_json(c) for c in comparison.cells],
    }


def _table(headers: Sequence[str], body: Sequence[Sequence[str]], right: frozenset[int]) -> list[str]:
    """Fixed-width columns, those in `right` aligned right, the rest left."""
    widths = [max(len(h), *(len(row[i]) for row in body)) if body else len(h) for i, h in enumerate(headers)]
    lines = []
    for row in (headers, *body):
        cells = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        lines.append("  ".join(cells).rstrip())
    return lines


def _cells(count: int) -> str:
    return "cell" if count == 1 else "cells"


def _outcome(value: str | None) -> str:
    return _ABSENT if value is None else one_line(value, 30)


def diff_text(comparison: Comparison) -> str:
    """The sweeps' sizes, the groups with a change, then the changed cells (broken first)."""
    c = comparison
    counts = dict.fromkeys(CHANGES, 0)
    for cell in c.cells:
        counts[cell.change] += 1
    changed = c.changed_groups
    lines = [
        f"before  {one_line(c.before_id)}: {fmt_count(c.before_cells)} {_cells(c.before_cells)}",
        f"after   {one_line(c.after_id)}: {fmt_count(c.after_cells)} {_cells(c.after_cells)}",
        f"{len(changed)} of {len(c.groups)} groups changed: "
        + ", ".join(f"{fmt_count(n)} {change}" for change, n in counts.items()),
    ]
    if c.reworded:
        lines.append(
            f"{fmt_count(c.reworded)} paired {_cells(c.reworded)} changed outcome but not whether "
            f"{'it' if c.reworded == 1 else 'they'} passed (fail → timed_out, ...): not listed"
        )
    if changed:
        groups = [
            (
                one_line(g.tui, 30),
                one_line(g.model, 50),
                fmt_share(g.before.passed, g.before.cells, g.before.pass_rate_ci95),
                fmt_share(g.after.passed, g.after.cells, g.after.pass_rate_ci95),
                f"{fmt_number(g.before.mean_composite)} → {fmt_number(g.after.mean_composite)}",
                fmt_count(g.fixed),
                fmt_count(g.broke),
                fmt_count(g.added),
                fmt_count(g.removed),
                fmt_p(g.p_value),
            )
            for g in changed
        ]
        lines += ["", *_table(GROUP_HEADERS, groups, frozenset(range(2, 10)))]
    if c.cells:
        # Names and outcomes repeat across thousands of cells: each made visible once.
        shown = functools.cache(one_line)
        shown_outcome = functools.cache(_outcome)
        cells = [
            (
                cell.change,
                shown(cell.tui, 30),
                shown(cell.model, 50),
                shown(cell.task, 80),
                str(cell.run),
                f"{shown_outcome(cell.before)} → {shown_outcome(cell.after)}",
            )
            for cell in c.cells
        ]
        lines += ["", *_table(CELL_HEADERS, cells, frozenset({4}))]
    return "\n".join(lines) + "\n"
