"""A snapshot of the pair screen at 120x40: two traced, recorded cells aligned on their second model calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from cabtui.ui.app import make_app
from cabtui.ui.screens.sweep import SweepScreen

from ..ui.helpers import on_screen
from ..ui.test_pair import _ready_pair, traced_pair


def test_pair(snap_compare: Any, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await on_screen(pilot, SweepScreen)
        await pilot.press("m", "down", "c")
        await _ready_pair(pilot)
        await pilot.press("right", "right", "right", "right")  # model_call 2: left 1.5 s, right 3.5 s

    app = make_app(traced_pair(tmp_path / "sweep"), get_time=lambda: 0.0)
    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)
