"""What every tab of the sweep screen shares: the sweep, its views, and focus when shown."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding
from textual.content import ContentType
from textual.widgets import TabPane

from cabtui.data.results import Sweep, SweepViews

MARK_CELL = Binding(
    "m", "screen.mark_cell", "Mark", id="sweep.mark_cell", tooltip="Mark this cell; c on another compares the two"
)
PAIR_CELL = Binding(
    "c",
    "screen.pair_cell",
    "Compare",
    id="sweep.pair_cell",
    tooltip="This cell beside the marked one (none marked: two runs of its task)",
)
"""The grid's and the cells table's keys for two cells side by side (the sweep screen acts)."""


class SweepPane(TabPane):
    """One tab of a sweep: its widgets, the keys that act on them, and how it fills them.

    Its keys are its own `BINDINGS`: they are live, in the footer and in `?`, only
    while focus is inside the pane, so no screen-wide `check_action` decides per tab.
    """

    MAIN: ClassVar[str] = "*"
    """The widget the pane's keys act on (a selector): focused whenever the tab is shown."""

    def __init__(self, title: ContentType, sweep: Sweep, views: SweepViews, *, id: str) -> None:
        super().__init__(title, id=id)
        self.sweep = sweep
        self.views = views

    def grew(self) -> None:
        """The sweep got cells or problems; its views are not built again yet (cheap updates only)."""

    def views_changed(self, views: SweepViews) -> None:
        """The views were built again for a sweep that grew: show them, the cursor kept where it was."""
        self.views = views

    @property
    def partial(self) -> bool:
        """Whether cells are still coming in (the first read of a big sweep), or the views of them all
        are still being built once they are in."""
        screen = self.screen
        return bool(getattr(screen, "incomplete", False) or getattr(screen, "catching_up", False))

    def activated(self) -> None:
        """The tab is shown: focus its main widget at once.

        `Widget.focus` waits a turn of the message queue; keys typed meanwhile (a
        paste, type-ahead) would reach the widget of the tab just left. A focus already
        inside the pane stays (`/` from another tab focused the filter box first).
        """
        focused = self.screen.focused
        if focused is None or self not in focused.ancestors:  # keep a focus already inside (the filter box)
            self.screen.set_focus(self.query_one(self.MAIN))


def next_sort(current: tuple[str, bool] | None, keys: list[str], direction: int) -> tuple[str, bool]:
    """`s` (direction 1): the next column, same order; `S` (-1): the same column, reversed."""
    if direction < 0:
        key, descending = current or (keys[0], False)
        return key, not descending
    if current is None:
        return keys[0], False
    return keys[(keys.index(current[0]) + 1) % len(keys)], current[1]


def clicked_sort(current: tuple[str, bool] | None, key: str) -> tuple[str, bool]:
    """A click on a column's header sorts by it; a second click reverses the order."""
    if current is not None and current[0] == key:
        return key, not current[1]
    return key, False
