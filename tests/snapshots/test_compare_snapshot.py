"""A snapshot of the Compare screen at 120x40: two small sweeps, one before the other in time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from cabtui.ui.app import make_app
from cabtui.ui.screens.compare import CompareScreen
from cabtui.ui.screens.sweeps import SweepsScreen

from ..ui.helpers import on_screen
from ..ui.test_compare import two_sweeps


def test_compare(snap_compare: Any, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await on_screen(pilot, SweepsScreen)
        await pilot.press("c")  # the first row, sweep-new, against sweep-old before it
        await on_screen(pilot, CompareScreen, ready=lambda s: s.comparison is not None)
        await pilot.press("2", "down")

    assert snap_compare(make_app(two_sweeps(tmp_path / "results")), terminal_size=(120, 40), run_before=run_before)
