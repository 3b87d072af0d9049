"""The head of a cell page as Rich renderables: title, banner, tiles, identity, timing.

The reproduce command is built in `cabtui.data.results.reproduce` (plain text, no drawing);
it is re-exported here for the cell screen, which shows it.

Every string from the record is untrusted: it goes through `visible()` into `Text`
objects (never markup), so no byte of it can act on the terminal. Each part reads
the full record when there is one, else what the index row knows (a record that
could not be read again still gets a page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text

from cabtui.data.numbers import NONE, fmt_count, fmt_seconds, fmt_timestamp, fmt_value
from cabtui.data.results import AXES, Cell, CellRow
from cabtui.data.text import visible
from cabtui.ui.renderables.columns import axis_label, headline_text

FALLBACK_ERROR = "bold red"
"""The error style of a builder called without one (tests, a plain console); a screen
passes its theme's (`get_component_rich_style`), so light themes read well too."""

STATUS_WORDS = {"timed_out": "TIMED OUT", "incompatible": "INCOMPATIBLE", "error": "ERROR"}


def title(cell: Cell | CellRow) -> Text:
    """`tui × model`, then category and task, and the run when the cell has reruns."""
    text = Text()
    text.append(visible(cell.tui), "bold")
    text.append(" × ")
    text.append(visible(cell.model), "bold")
    text.append(f"\n{visible(cell.category)}  ·  {visible(cell.task)}")
    if cell.run > 1 or "#run" in cell.cell_id:
        text.append(f"  ·  run {cell.run}")
    return text


def banner(status: str, detail: str | None) -> Text | None:
    """A line for runs that did not finish normally: timed out, incompatible, error."""
    if status == "ok":
        return None
    text = Text(f" {STATUS_WORDS.get(status, visible(status).upper())} ", "bold reverse")
    if detail:
        text.append(f"  {visible(detail)}")
    return text


@dataclass(frozen=True)
class Tile:
    """One per-axis tile: the number the tables show, and a word under it where one helps."""

    axis: str
    label: str
    value: str
    subtitle: str = ""

    def render(self) -> Text:
        """Label, value, subtitle on their own lines (the label never shares a line)."""
        text = Text(self.label + "\n", "dim")
        text.append(self.value, "bold")
        text.append("\n" + (self.subtitle or " "), "italic")
        return text


def _refusal_word(cell: Cell | None, value: float | None) -> str:
    refusal = cell.scores.refusal if cell else None
    if refusal is not None and refusal.not_applicable:
        return "not applicable"
    if value is None:
        return ""
    return "yes" if value >= 1 else "partial" if value > 0 else "no"


def tiles(row: CellRow, cell: Cell | None) -> list[Tile]:
    """A tile per known axis (extra axes go in a table: a runner may add thousands)."""
    out = []
    for axis in AXES:
        value = cell.scores.headline(axis) if cell else row.headline(axis)
        subtitle = ""
        if axis == "latency" and value is None and row.wall_ms is not None:
            value, subtitle = row.wall_ms, "started → ended"
        elif axis == "refusal":
            subtitle = _refusal_word(cell, value)
        elif axis == "tokens" and cell and cell.scores.tokens and not cell.scores.tokens.recorded:
            subtitle = "not recorded"
        out.append(Tile(axis, axis_label(axis), headline_text(axis, value), subtitle))
    return out


def extra_axes(row: CellRow, cell: Cell | None) -> list[tuple[str, str, str]]:
    """(name, headline, values) of each axis the format does not define."""
    if cell is None:
        return [(visible(name), headline_text(name, value), NONE) for name, value in row.extra_headlines]
    out = []
    for name, values in (cell.scores.model_extra or {}).items():
        out.append((visible(name), headline_text(name, cell.scores.headline(name)), visible(fmt_value(values))))
    return out


def key_values(rows: list[tuple[str, Any]]) -> Table:
    """A two-column grid of keys and values; values that are not `Text` go through `fmt_value`."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in rows:
        # Text everywhere: Rich reads a plain str cell as markup, and record keys are untrusted.
        table.add_row(Text(visible(key)), value if isinstance(value, Text) else Text(visible(fmt_value(value))))
    return table


def _given(cell: Cell, name: str) -> Any:
    """A field's value where the record gives it, None (shown '—') where it does not."""
    value = getattr(cell, name)
    return value if name in cell.model_fields_set and value != "" else None


def identity(row: CellRow, cell: Cell | None) -> Table:
    """Run identity: ids, image and digest, exit code; from the index row when the record is unreadable."""
    source = cell or row
    rows: list[tuple[str, Any]] = [("cell_id", source.cell_id), ("sweep_id", source.sweep_id)]
    if cell is not None:
        rows += [(name, _given(cell, name)) for name in ("container_image", "image_digest", "model_build_id")]
    detail = cell.status_detail if cell else None
    rows += [
        ("exit_code", source.exit_code),
        ("status", source.status + (f": {detail}" if detail else "")),
        ("run", source.run),
    ]
    if cell is not None:
        rows += [(name, _given(cell, name)) for name in ("behavior_mode", "plugin_stack")]
    return key_values(rows)


def timing(row: CellRow, cell: Cell | None) -> Table:
    """Start, end, duration, and tokens as the CLI and as the scorer saw them."""
    source = cell or row
    start, end = source.started_at, source.ended_at
    duration = (end - start).total_seconds() if start and end else None
    rows: list[tuple[str, Any]] = [
        ("started_at", fmt_timestamp(start)),
        ("ended_at", fmt_timestamp(end)),
        ("duration", fmt_seconds(duration)),
    ]
    if cell is None:
        return key_values(rows)
    usage = cell.usage
    if usage and (usage.prompt_tokens or usage.completion_tokens):
        cli = f"{fmt_count(usage.prompt_tokens or 0)} prompt + {fmt_count(usage.completion_tokens or 0)} completion"
        cli += f" (from {usage.source})" if usage.source else ""
    else:
        cli = "not recorded"
    tokens = cell.scores.tokens
    if tokens and tokens.recorded:
        calls = "" if tokens.model_calls is None else f" in {fmt_count(tokens.model_calls)} calls"
        scorer = (
            f"{fmt_count(tokens.total_tokens or 0)} total{calls}"
            f" ({fmt_count(tokens.prompt_tokens or 0)} prompt,"
            f" {fmt_count(tokens.completion_tokens or 0)} completion)"
        )
    else:
        scorer = "not recorded"
    return key_values([*rows, ("tokens (CLI)", cli), ("tokens (scorer)", scorer)])
