"""Snapshots of the main screens at 120x40, on the committed mini sweep."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from cabtui.ui.app import make_app
from cabtui.ui.screens.cell import CellScreen
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.screens.sweep_panes import ProblemsPane

from ..ui.helpers import on_screen

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini-sweep"
SIZE = (120, 40)


async def _sweep(pilot: Pilot[Any]) -> None:
    # The Problems tab's count is final.
    await on_screen(pilot, SweepScreen, ready=lambda s: s.query_one(ProblemsPane).checked)


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


TRACED = Path(__file__).resolve().parents[1] / "fixtures" / "traced"


def test_replay_at_a_fixed_time(snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        from cabtui.ui.screens.replay import ReplayScreen

        await _sweep(pilot)
        await pilot.press("enter")
        await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        await pilot.press("t")
        await on_screen(pilot, ReplayScreen, ready=lambda s: s.player is not None)
        await pilot.press("right", "right", "right", "right")  # the tool call at 2 500 ms

    assert snap_compare(make_app(TRACED, get_time=lambda: 0.0), terminal_size=SIZE, run_before=run_before)


def test_player_at_a_fixed_time(snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        from cabtui.ui.screens.player import PlayerScreen

        await on_screen(pilot, PlayerScreen, ready=lambda s: s.player is not None and not s.note)
        await pilot.press("plus", "9")

    app = make_app(TRACED / "run.cast", get_time=lambda: 0.0)
    assert snap_compare(app, terminal_size=(100, 20), run_before=run_before)
