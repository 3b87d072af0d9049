"""How a comparison of two sweeps reads in the Compare screen's tables: columns, texts, sorts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final, cast

from cabtui.data.numbers import NONE, fmt_count, fmt_number, fmt_p, fmt_share
from cabtui.data.results import CellChange, GroupChange, Sweep
from cabtui.data.text import visible
from cabtui.ui.renderables.columns import OUTCOME_WORDS
from cabtui.ui.widgets.table import CellText, Column

GROUP_TABLE: Final = [
    Column("tui", "CLI", 10),
    Column("model", "Model", 22),
    Column("before", "Before", 18, "right"),
    Column("after", "After", 18, "right"),
    Column("delta", "Δ pass pt", 10, "right"),
    Column("fixed", "Fixed", 6, "right"),
    Column("broke", "Broke", 6, "right"),
    Column("p", "p", 7, "right"),
    Column("delta_composite", "Δ composite", 12, "right"),
]
"""One row per CLI × model; widths leave one cell beside each label for the sort mark."""

GROUP_DEFAULT_SORT: Final = ("tui", False)
"""The comparison's own order: by (CLI, model)."""

CELL_TABLE: Final = [
    Column("change", "Change", 8),
    Column("tui", "CLI", 12),
    Column("model", "Model", 30),
    Column("task", "Task", 34),
    Column("run", "Run", 4, "right"),
    Column("outcome", "Before → after", 20),
]
"""One row per changed cell, in the comparison's order: broken first."""

CHANGE_CLASSES: Final = {
    "broke": "text--bad",
    "fixed": "outcome--pass",
    "removed": "text--muted",
    "added": "text--muted",
}


def delta_pass(group: GroupChange) -> float | None:
    """After's pass rate less before's, in percentage points; None when a side is absent."""
    before, after = group.before.pass_rate, group.after.pass_rate
    return None if before is None or after is None else (after - before) * 100


def delta_composite(group: GroupChange) -> float | None:
    """After's mean composite less before's; None when a side has none."""
    before, after = group.before.mean_composite, group.after.mean_composite
    return None if before is None or after is None else after - before


def group_value(group: GroupChange, key: str) -> str | float | None:
    """What a groups column sorts by."""
    if key in ("tui", "model"):
        return str(getattr(group, key))
    if key == "before":
        return group.before.pass_rate
    if key == "after":
        return group.after.pass_rate
    if key == "delta":
        return delta_pass(group)
    if key == "delta_composite":
        return delta_composite(group)
    if key == "p":
        return group.p_value
    return float(getattr(group, key))


def sort_groups(groups: Sequence[GroupChange], key: str, *, descending: bool) -> list[GroupChange]:
    """Groups by one column, ties in the comparison's order; a missing value sorts last either way."""
    present = [g for g in groups if group_value(g, key) is not None]
    absent = [g for g in groups if group_value(g, key) is None]
    present.sort(key=lambda g: cast(Any, group_value(g, key)), reverse=descending)
    return present + absent


def _signed(value: float | None, digits: int) -> CellText:
    if value is None:
        return NONE, "text--muted"
    text = f"{value:+.{digits}f}".replace("-", "−")
    if round(value, digits) == 0:
        return text.replace("+", "±").replace("−", "±"), "text--muted"
    return text, "outcome--pass" if value > 0 else "text--bad"


def group_text(group: GroupChange, column: Column) -> CellText:
    """The text and colour class of one cell of the groups table."""
    key = column.key
    if key in ("tui", "model"):
        return visible(getattr(group, key)), None
    if key == "before":
        return fmt_share(group.before.passed, group.before.cells, group.before.pass_rate_ci95), None
    if key == "after":
        return fmt_share(group.after.passed, group.after.cells, group.after.pass_rate_ci95), None
    if key == "delta":
        return _signed(delta_pass(group), 1)
    if key == "delta_composite":
        return _signed(delta_composite(group), 3)
    if key == "p":
        return fmt_p(group.p_value), None if group.p_value < 0.05 else "text--muted"
    if key == "fixed":
        return fmt_count(group.fixed), "outcome--pass" if group.fixed else "text--muted"
    if key == "broke":
        return fmt_count(group.broke), "text--bad" if group.broke else "text--muted"
    return fmt_number(float(getattr(group, key))), None


def outcome_word(outcome: str | None) -> str:
    """An outcome as the tables name it; `—` on the side a cell is absent from."""
    if outcome is None:
        return NONE
    return OUTCOME_WORDS.get(outcome, visible(outcome))


def change_text(change: CellChange, column: Column) -> CellText:
    """The text and colour class of one cell of the changed-cells table."""
    key = column.key
    if key == "change":
        return change.change, CHANGE_CLASSES.get(change.change)
    if key == "run":
        return str(change.run), None
    if key == "outcome":
        return f"{outcome_word(change.before)} → {outcome_word(change.after)}", None
    return visible(getattr(change, key)), None


def previous_in_time(sweeps: Sequence[Sweep], starts: Sequence[datetime | None], index: int) -> Sweep | None:
    """The sweep that started last before `sweeps[index]` (by first start; ties by list order), if any."""
    start = starts[index]
    if start is None:
        return None
    timed = sorted((s, i) for i, s in enumerate(starts) if s is not None)
    at = timed.index((start, index))
    return sweeps[timed[at - 1][1]] if at else None
