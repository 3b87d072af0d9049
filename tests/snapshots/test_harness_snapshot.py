"""A snapshot of a Harbor cell page at 120x40 (the committed fixture), at its Harness section."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from cabtui.ui.app import make_app
from cabtui.ui.screens.cell import CellScreen
from cabtui.ui.screens.sweep import SweepScreen

from ..data.harness_helpers import HARBOR_JOBS
from ..ui.helpers import on_screen


def test_harbor_cell_harness_section(snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await on_screen(pilot, SweepScreen)
        await pilot.press("home", "down", "enter")  # terminus-2 × build-linux-kernel: an AgentTimeoutError
        screen = await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        screen.query_one("#cell-page").scroll_to_widget(screen.query_one("#title-harness"), animate=False, top=True)
        await pilot.pause()

    assert snap_compare(make_app(HARBOR_JOBS), terminal_size=(120, 40), run_before=run_before)
