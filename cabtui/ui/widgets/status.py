"""One-line status bars whose updates skip Textual's layout pass."""

from __future__ import annotations

from textual.visual import VisualType
from textual.widgets import Static


class StatusLine(Static):
    """A status line: one row high (`.status-line` in app.tcss), as wide as its parent.

    Its size never depends on its text, so an update repaints the line without the
    layout of the whole screen a plain `Static.update` asks for: that layout was a
    third of a cursor move or a filter on a 100,000-cell sweep.
    """

    DEFAULT_CLASSES = "status-line"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)

    def update(self, content: VisualType = "", *, layout: bool = False) -> None:
        """Show new text; `layout` stays off (the size is fixed)."""
        super().update(content, layout=layout)
