"""The harness's own fields of a cell read from another harness (Harbor, Terminal-Bench, ...).

A reader keeps what has no place in cabtui's format under the record's `harness` object:
the trial's name, the exception's type, message and traceback, the agent's version, the
commands sent to the terminal. Scalars are listed key by key; texts of several lines
(a traceback, commands.txt) are drawn as terminal text, as the scorer's tails are.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from cabtui.data.results import Cell
from cabtui.ui.renderables.cell_breakdown import tail
from cabtui.ui.renderables.cell_page import key_values

LEFT_OUT = frozenset({"harness", "reproduce"})
"""Shown elsewhere: the harness's name in the section's title, its command under Run it yourself."""


def harness_fields(cell: Cell) -> dict[str, Any] | None:
    """The record's `harness` object, None for a cell of cabtui's own format."""
    got = (cell.model_extra or {}).get("harness")
    return got if isinstance(got, dict) and got else None


def harness_section(cell: Cell, *, raw: bool = False) -> RenderableType:
    """Key-value rows for the scalar fields, then each multi-line text as a terminal tail."""
    fields = harness_fields(cell) or {}
    shown = {k: v for k, v in fields.items() if k not in LEFT_OUT}
    rows = [(k, v) for k, v in shown.items() if not _is_text(v)]
    parts: list[RenderableType] = [key_values(rows)] if rows else []
    for key, value in shown.items():
        if _is_text(value):
            parts.append(tail(key, value, raw=raw))
    return Group(*parts) if parts else Text("none", "italic")


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and "\n" in value.rstrip("\n")
