"""The scorer breakdown of a cell page, axis by axis, as Rich renderables.

Tails are agent output: drawn through the emulator (`cell_tail`), or raw with
control characters made visible. Blast-radius file lists say "not recorded"
where the record has none, rather than an empty list it never gave.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.style import StyleType
from rich.text import Text

from cabtui.data.results import AXES, Cell
from cabtui.data.text import visible
from cabtui.ui.renderables.cell_page import FALLBACK_ERROR, key_values
from cabtui.ui.renderables.cell_tail import raw_tail, rendered_tail
from cabtui.ui.renderables.columns import AXIS_LABELS

TAIL_KEYS = ("stdout_tail", "stderr_tail")
FILE_LISTS = ("added", "removed", "modified", "unexpected_changes", "expected_changes")
EXTRA_IN_DETAIL = 12
"""Extra axes broken down in full; past this many they are only in the Other axes table."""


def breakdown(cell: Cell, *, raw: bool = False, error: StyleType = FALLBACK_ERROR) -> Group:
    """Every known axis (and a few extra ones) key by key; `raw` shows tails as stored."""
    parts: list[RenderableType] = []
    axes = cell.scores.axes()
    extra = [name for name in axes if name not in AXES]
    for axis, values in axes.items():
        if axis not in AXES and len(extra) > EXTRA_IN_DETAIL:
            continue
        parts.append(Text(f"{AXIS_LABELS.get(axis, visible(axis))} ({visible(axis)})", "bold underline"))
        if axis == "blast_radius":
            parts.append(blast_files(values, error=error))
        rows: list[tuple[str, Any]] = []
        for key, value in values.items():
            if key in TAIL_KEYS or (axis == "blast_radius" and key in FILE_LISTS):
                continue
            rows.append((key, value))
        if rows:
            parts.append(key_values(rows))
        for key in TAIL_KEYS:
            if key in values:
                parts.append(tail(key, values[key], raw=raw))
        parts.append(Text(""))
    if len(extra) > EXTRA_IN_DETAIL:
        parts.append(Text(f"{len(extra):,} other axes: see the Other axes table above.", "italic"))
    return Group(*parts)


def _files(values: dict[str, Any], key: str) -> list[str] | None:
    got = values.get(key)
    return [str(p) for p in got] if isinstance(got, list) else None


def blast_files(values: dict[str, Any], *, error: StyleType = FALLBACK_ERROR) -> Text:
    """Added, removed and modified files, unexpected ones marked in `error` (the screen passes
    its theme's); "not recorded" where absent."""
    lists = {kind: _files(values, kind) for kind in FILE_LISTS}
    text = Text()
    if all(lists[kind] is None for kind in ("added", "removed", "modified")):
        text.append("files changed: not recorded\n", "italic")
    unexpected = set(lists["unexpected_changes"] or ())
    for kind in ("added", "removed", "modified"):
        files = lists[kind]
        if files is None:
            continue
        text.append(f"{kind} ({len(files)})", "bold")
        text.append("\n" if files else ": none\n")
        for path in files:
            if path in unexpected:
                text.append(f"  ! {visible(path)}  (unexpected)\n", error)
            else:
                text.append(f"    {visible(path)}\n")
    listed = {p for kind in ("added", "removed", "modified") for p in lists[kind] or ()}
    for path in lists["unexpected_changes"] or ():
        if path not in listed:
            text.append(f"  ! {visible(path)}  (unexpected)\n", error)
    if lists["expected_changes"]:
        text.append("expected: ", "bold")
        text.append(", ".join(visible(p) for p in lists["expected_changes"] or ()) + "\n")
    return text


def tail(key: str, value: Any, *, raw: bool = False) -> Group:
    """A stdout/stderr tail under a header with its size and which view this is."""
    if not isinstance(value, str):
        return Group(Text(f"{key}: {visible(str(value))}", "bold"))
    view = "raw, control characters shown" if raw else "as the terminal showed it; v shows it raw"
    header = Text(f"{key} ({len(value):,} chars, {view})", "bold")
    if not value.strip():
        return Group(header, Text("(empty)", "italic"))
    body = raw_tail(value) if raw else rendered_tail(value)
    return Group(header, body)
