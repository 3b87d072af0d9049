"""The grid is a ScrollView: the wheel scrolls it, the cursor brings itself back into view."""

from __future__ import annotations

from pathlib import Path

from textual import events

from cabtui.ui.app import make_app
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.widgets.grid import GridView

from .helpers import cell, on_screen, wait_for, write_sweep


async def test_the_wheel_scrolls_the_grid_and_a_cursor_move_scrolls_back_to_the_cursor(tmp_path: Path) -> None:
    records = [
        cell(f"tui{r}", "m/x", f"polyglot/task{t:02}", passed=(r + t) % 2 == 0) for r in range(30) for t in range(40)
    ]
    app = make_app(write_sweep(tmp_path / "s", records))
    async with app.run_test(size=(100, 30)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("2")
        grid = app.screen.query_one(GridView)
        assert grid.max_scroll_y > 0 and grid.max_scroll_x > 0  # both scrollbars
        for _ in range(3):
            grid.post_message(events.MouseScrollDown(grid, 60, 10, 0, 0, 0, False, False, False))
            grid.post_message(events.MouseScrollDown(grid, 60, 10, 0, 0, 0, True, False, False))  # shift: sideways
        await wait_for(pilot, lambda: grid.first_row > 0 and grid.first_column > 0)
        assert grid.cursor == (0, 0)  # the wheel scrolls the view, not the cursor
        await pilot.press("right")
        await pilot.pause()
        assert grid.cursor == (1, 0) and (grid.first_column, grid.first_row) == (1, 0)
        await pilot.press("end", "pagedown")
        await pilot.pause()
        col, row = grid.cursor
        assert col == 39 and grid.first_column > 1
        assert grid.first_row <= row
