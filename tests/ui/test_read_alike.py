"""Values and headers that read alike on every screen: derived wall times, whole column headers."""

from __future__ import annotations

from pathlib import Path

from cabtui.ui.app import make_app
from cabtui.ui.screens.cell import CellScreen
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.screens.sweeps import SweepsScreen

from .helpers import cell, on_screen, shown, write_sweep


async def test_the_cells_table_and_the_wall_tile_derive_the_wall_time(tmp_path: Path) -> None:
    record = cell("aider", "m", "c/t", passed=True)
    del record["scores"]["latency"]
    record["started_at"], record["ended_at"] = "2026-06-17T06:24:19Z", "2026-06-17T06:24:43.500Z"
    app = make_app(write_sweep(tmp_path / "s", [record]))
    async with app.run_test(size=(160, 40)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("3")
        assert "24.50 s" in await shown(pilot)
        await pilot.press("enter")
        await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        text = await shown(pilot)
        assert "24.50 s" in text and "started → ended" in text


async def test_the_sweeps_table_shows_every_header_whole(tmp_path: Path) -> None:
    for name in ("one", "two"):
        write_sweep(tmp_path / name, [cell("aider", "m", "c/t", passed=True)], sweep_id=name)
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await on_screen(pilot, SweepsScreen)
        header = (await shown(pilot)).splitlines()[1]
        assert header.split() == ["Sweep", "Cells", "CLIs", "Models", "Tasks", "Pass", "rate", "Composite", "Dates",
                                  "Problems", "Title"]
