"""How indexed cells and leaderboard rows read in tables: columns and cell texts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cabtui.data.numbers import NONE, fmt_ms, fmt_number, fmt_rate
from cabtui.data.results import CellRow, LeaderRow
from cabtui.data.text import visible
from cabtui.ui.widgets.table import CellText, Column

AXIS_LABELS = {
    "pass_rate": "Pass",
    "tokens": "Tokens/correct",
    "latency": "Wall",
    "blast_radius": "Blast",
    "refusal": "Refusal",
    "integrity": "Integrity",
    "composite": "Composite",
    "cost": "Cost",
}
"""Axis names as the benchmark's cell page titles them."""

OUTCOME_WORDS = {"pass": "pass", "fail": "FAIL", "timed_out": "TIMEOUT", "incompatible": "INCOMPAT", "error": "ERROR"}


def axis_label(axis: str) -> str:
    """The title of an axis; extra axes keep their own (made visible) name."""
    return AXIS_LABELS.get(axis, visible(axis))


def headline_text(axis: str, value: float | None) -> str:
    """A headline value as the tiles and tables show it."""
    if axis == "latency":
        return fmt_ms(value)
    if axis == "tokens":
        return fmt_number(value, 0)
    return fmt_number(value)


def cell_columns(axes: list[str]) -> list[Column]:
    """Columns of the Cells table: identity, then every axis headline."""
    return [
        Column("status", "Status", 8),
        Column("tui", "CLI", 12),
        Column("model", "Model", 30),
        Column("task", "Task", 34),
        Column("run", "Run", 4, "right"),
        *(Column(axis, axis_label(axis), max(len(axis_label(axis)) + 1, 9), "right") for axis in axes),
    ]


def cell_text(row: CellRow, column: Column) -> CellText:
    """The text and colour class of one cell of the Cells table."""
    key = column.key
    if key == "status":
        if row.outcome not in OUTCOME_WORDS:  # a status the format does not name: no colour of its own
            return visible(row.outcome), "text--bad"
        return OUTCOME_WORDS[row.outcome], f"outcome--{row.outcome}"
    if key == "run":
        return str(row.run), None
    if key in ("tui", "model", "task"):
        return visible(getattr(row, key)), None
    return headline_text(key, row.headline(key)), None


LEADER_TABLE = [
    Column("tui", "CLI", 12),
    Column("model", "Model", 34),
    Column("cells", "Cells", 6, "right"),
    Column("passed", "Passed", 7, "right"),
    Column("pass_rate", "Pass rate", 12, "right"),
    Column("pass_at_k", "pass@k", 9, "right"),
    Column("pass_all_k", "pass^k", 9, "right"),
    Column("mean_composite", "Composite", 10, "right"),
    Column("median_wall_ms", "Median wall", 12, "right"),
    Column("tokens_per_correct", "Tok/correct", 12, "right"),
    Column("mean_blast", "Blast", 6, "right"),
    Column("refusal", "Refusal", 8, "right"),
    Column("integrity", "Integrity", 10, "right"),
]
"""Widths leave one cell beside each label for the sort mark; `leader_columns` names k."""

RERUN_COLUMNS = {"pass_at_k": "pass@", "pass_all_k": "pass^"}
"""The rerun columns and the prefix of their header, which names k when all rows share it."""


def shared_k(rows: Sequence[LeaderRow]) -> int | None:
    """The k of every row with reruns when they all share one, else None."""
    ks = {row.k for row in rows if row.k is not None}
    return ks.pop() if len(ks) == 1 else None


def leader_columns(rows: Sequence[LeaderRow]) -> list[Column]:
    """`LEADER_TABLE` with the rerun headers naming k (`pass@3`) when the rows share it."""
    k = shared_k(rows)
    if k is None:
        return LEADER_TABLE
    return [replace(c, label=f"{RERUN_COLUMNS[c.key]}{k}") if c.key in RERUN_COLUMNS else c for c in LEADER_TABLE]


def interval_text(interval: tuple[float, float] | None) -> str:
    """A 95% interval as whole percents, `19–68`."""
    if interval is None:
        return NONE
    low, high = interval
    return f"{low * 100:.0f}–{high * 100:.0f}"


LEADER_DEFAULT_SORT = ("mean_composite", True)
"""The order `leaderboard()` returns (composite, best first), so the header can say so."""


def leader_text(row: LeaderRow, column: Column) -> CellText:
    """The text of one leaderboard cell; a rerun rate names its k (`67% k=2`) unless the header does."""
    value = getattr(row, column.key)
    if column.key in ("tui", "model"):
        return visible(value), None
    if column.key in ("cells", "passed"):
        return str(value), None
    if column.key == "pass_rate":
        text = f"{fmt_rate(value)} {interval_text(row.pass_rate_ci95)}"
        return text, "outcome--pass" if value >= 0.5 else "outcome--fail"
    if column.key in RERUN_COLUMNS:
        if value is None or column.label != RERUN_COLUMNS[column.key] + "k":
            return fmt_rate(value), None
        return f"{fmt_rate(value)} k={row.k}", None
    if column.key == "median_wall_ms":
        return fmt_ms(value), None
    if column.key == "tokens_per_correct":
        return fmt_number(value, 0), None
    return fmt_number(value), None
