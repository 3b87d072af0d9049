"""Command palette: the ways to two cells side by side, offered where they apply.

On a sweep's grid or cells table: mark the highlighted cell, and compare it with the marked
one (or two runs of its task); on a cell page: this run beside another; on the Compare
screen: the highlighted changed cell's BEFORE and AFTER. Each hit runs the same action as
the screen's key, so the palette and the keys cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from cabtui.data.text import one_line
from cabtui.ui.commands import highlight
from cabtui.ui.screens.compare import CompareScreen
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.widgets.table import VirtualTable


class PairProvider(Provider):
    """Hits for the pair screen's ways in, built from the screen the palette was opened on."""

    def _commands(self) -> list[tuple[str, Callable[[], None], str]]:
        screen = self.screen
        out: list[tuple[str, Callable[[], None], str]] = []
        if isinstance(screen, SweepScreen) and screen.active_tab in ("grid", "cells"):
            row, _ = screen.highlighted_cell()
            if row is None:
                return out
            name = one_line(row.cell_id, 80)
            out.append((f"Compare cells: mark {name}", screen.action_mark_cell, "m"))
            marked = screen.marked_cell
            if marked is not None and marked is not row:
                text = f"Compare cells: {one_line(marked.cell_id, 60)} ↔ {name}"
            else:
                text = f"Compare cells: two runs of {name}"
            out.append((text, screen.action_pair_cell, "c"))
        elif isinstance(screen, CompareScreen) and screen.comparison is not None and screen.comparison.cells:
            cells = screen.query_one("#compare-cells", VirtualTable)
            change = screen.comparison.cells[cells.cursor_row]
            text = f"Compare cells: BEFORE ↔ AFTER of {one_line(change.tui, 30)} × {one_line(change.model, 40)}"
            text += f" {one_line(change.task, 60)}"
            out.append((text, lambda: screen.open_pair(cells.cursor_row, cells), "enter"))
        elif callable(compare_run := getattr(screen, "action_compare_run", None)):
            # The cell page, known by its action: importing it here would load pydantic at start-up.
            out.append(("Compare run: this run beside another run of its task", compare_run, "c"))
        return out

    async def discover(self) -> Hits:
        """Offer what applies on this screen before anything is typed."""
        for text, action, key in self._commands():
            yield DiscoveryHit(Content(text), action, help=f"key {key}")

    async def search(self, query: str) -> Hits:
        """The same commands, by fuzzy match."""
        matcher = self.matcher(query)
        for text, action, key in self._commands():
            if (score := matcher.match(text)) > 0:
                yield Hit(score, highlight(matcher, text), action, text=text, help=f"key {key}")
