"""The pair screen's score parts as renderables: headline tiles with deltas, and the
breakdown table's columns and cell texts.

Record text (labels, values, keys) goes through `visible` / `one_line` into plain `Text`
and table cells, never markup.
"""

from __future__ import annotations

from rich.style import Style, StyleType
from rich.table import Table
from rich.text import Text

from cabtui.data.numbers import NONE, fmt_ms, fmt_number, fmt_value
from cabtui.data.results import MISSING, HeadlineDelta, KeyDiff
from cabtui.data.text import one_line
from cabtui.ui.renderables.columns import AXIS_LABELS, headline_text
from cabtui.ui.widgets.table import CellText, Column

BREAKDOWN_COLUMNS = [
    Column("mark", "≠", 1),
    Column("axis", "Axis", 14),
    Column("key", "Key", 22),
    Column("left", "Left", 40),
    Column("right", "Right", 40),
]

VALUE_CHARS = 300
"""A breakdown value is cut to one line of this many characters (tails are long)."""


def fmt_delta(axis: str, delta: float | None) -> str:
    """`+1.000`, `−5.00 s`, `±0`: a signed difference in the axis's own unit."""
    if delta is None:
        return NONE
    if delta == 0:
        return "±0"
    sign = "+" if delta > 0 else "−"
    if axis == "latency":
        return sign + fmt_ms(abs(delta))
    return sign + fmt_number(abs(delta), 0 if axis == "tokens" else 3)


def tiles(
    deltas: list[HeadlineDelta],
    labels: tuple[str, str],
    *,
    better: StyleType = "green",
    worse: StyleType = "red",
) -> Table:
    """One column per axis: the left's headline, the right's, and `right − left`, coloured by
    whether the right is better (`better`) or worse (`worse`) on that axis."""
    table = Table(box=None, padding=(0, 1), expand=True, show_edge=False)
    table.add_column(Text(""), no_wrap=True, style="bold")
    for d in deltas:
        table.add_column(Text(AXIS_LABELS.get(d.axis, one_line(d.axis, 20))), justify="right", no_wrap=True)
    table.add_row(Text(labels[0]), *(Text(headline_text(d.axis, d.left)) for d in deltas))
    table.add_row(Text(labels[1]), *(Text(headline_text(d.axis, d.right)) for d in deltas))
    cells = []
    for d in deltas:
        style: StyleType = Style()
        if d.better == "right":
            style = better
        elif d.better == "left":
            style = worse
        cells.append(Text(fmt_delta(d.axis, d.delta), style))
    table.add_row(Text("Δ right − left"), *cells)
    return table


def _value(value: object) -> str:
    return "(absent)" if value is MISSING else one_line(fmt_value(value), VALUE_CHARS)


def breakdown_text(diff: KeyDiff, column: Column) -> CellText:
    """One cell of the breakdown table; differing keys marked `≠` in the error colour."""
    key = column.key
    if key == "mark":
        return ("≠", "text--bad") if diff.differs else ("", None)
    if key == "axis":
        return one_line(AXIS_LABELS.get(diff.axis, diff.axis), 60), None
    if key == "key":
        return one_line(diff.key, 60), "text--bad" if diff.differs else None
    value = diff.left if key == "left" else diff.right
    return _value(value), "text--muted" if value is MISSING else None
