"""Snapshots of the main screens at 120x40, on the committed mini sweep."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from cabtui.ui.app import make_app
from cabtui.ui.screens.cell import CellScreen
from cabtui.ui.screens.sweep import SweepScreen

from ..ui.helpers import on_screen

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini-sweep"
SIZE = (120, 40)


async def _sweep(pilot: Pilot[Any]) -> None:
    await on_screen(pilot, SweepScreen)


def test_grid(snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _sweep(pilot)
        await pilot.press("right", "down")

    assert snap_compare(make_app(MINI), terminal_size=SIZE, run_before=run_before)


def test_leaderboard(snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _sweep(pilot)
        await pilot.press("1")

    assert snap_compare(make_app(MINI), terminal_size=SIZE, run_before=run_before)


def test_cells_filtered(snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _sweep(pilot)
        await pilot.press("3", "f")

    assert snap_compare(make_app(MINI), terminal_size=SIZE, run_before=run_before)


def test_cell_page(snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _sweep(pilot)
        await pilot.press("right", "down", "enter")
        await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)

    assert snap_compare(make_app(MINI), terminal_size=SIZE, run_before=run_before)
