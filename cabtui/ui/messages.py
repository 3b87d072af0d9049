"""What screens and the command palette ask the app to do: open a sweep, a cell, a tab, a comparison, a pair.

Screens post these and they bubble to `CabApp`, which alone knows every screen and
pushes the next one; the palette's provider is not in the DOM, so it posts them to
`self.app`. So no screen or provider imports the app, and the app imports the
screens, never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message
from textual.widget import Widget

from cabtui.data.results import CellRow, Sweep

if TYPE_CHECKING:  # the search package brings the emulator: loaded when a search is first opened
    from cabtui.data.search import Hit

TABS = ("leaderboard", "grid", "cells", "problems")
"""The sweep screen's tabs, as `ShowTab` names them."""


class OpenSweep(Message):
    """Push this sweep's screen (its views are built off the UI thread, once)."""

    def __init__(self, sweep: Sweep, *, control: Widget | None = None) -> None:
        super().__init__()
        self.sweep = sweep
        self.source = control
        """The widget the sweep was picked in, or None from the palette."""

    @property
    def control(self) -> Widget | None:
        """The widget the sweep was picked in (for `@on(OpenSweep, "#id")`)."""
        return self.source


class OpenCell(Message):
    """Push the page of one cell; `n` / `p` on it walk `order`."""

    def __init__(self, sweep: Sweep, row: CellRow, order: list[CellRow], *, control: Widget | None = None) -> None:
        super().__init__()
        self.sweep = sweep
        self.row = row
        self.order = order
        self.source = control
        """The table or grid the cell was opened from, or None from the palette."""

    @property
    def control(self) -> Widget | None:
        """The table or grid the cell was opened from."""
        return self.source


class ShowTab(Message):
    """Go back to the topmost sweep screen and show one of its tabs (leaderboard, grid, cells, problems)."""

    def __init__(self, tab: str) -> None:
        super().__init__()
        self.tab = tab


class OpenCompare(Message):
    """Push the Compare screen of BEFORE against AFTER (compared off the UI thread)."""

    def __init__(self, before: Sweep, after: Sweep) -> None:
        super().__init__()
        self.before = before
        self.after = after


@dataclass(frozen=True)
class PairSide:
    """One cell of a pair: its sweep, its index row, and what the pair screen calls it."""

    sweep: Sweep
    row: CellRow
    label: str
    """`BEFORE`, `AFTER`, `marked`, `run 2`, ...: said over its half of the screen."""


class OpenPair(Message):
    """Push the pair screen: two cells of a task side by side, on one relative clock."""

    def __init__(self, left: PairSide, right: PairSide) -> None:
        super().__init__()
        self.left = left
        self.right = right


# --- search (issue 12) ---------------------------------------------------------------------


class OpenSearch(Message):
    """Show the Search screen (the same search as last time, if there was one)."""


class OpenHit(Message):
    """Open the moment of a search hit: the player or replay at its time, or the cell page at its section."""

    def __init__(self, hit: Hit) -> None:
        super().__init__()
        self.hit = hit
