"""Snapshot of the Search screen: hits of the traced fixture's tail and recording, by cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from cabtui.ui.app import make_app
from cabtui.ui.screens.search import SearchScreen
from cabtui.ui.screens.sweep import SweepScreen

from ..ui.helpers import on_screen, wait_for

TRACED = Path(__file__).resolve().parents[1] / "fixtures" / "traced"


def test_search(snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))

    async def run_before(pilot: Pilot[Any]) -> None:
        await on_screen(pilot, SweepScreen)
        await pilot.press("g")
        screen = await on_screen(pilot, SearchScreen)
        await pilot.press(*"re:e[dl]", "enter")
        await wait_for(pilot, lambda: bool(screen.session.hits) and not screen._searching)
        await pilot.pause()

    assert snap_compare(make_app(TRACED), terminal_size=(120, 40), run_before=run_before)
