"""Values and headers that read alike on every screen: derived wall times, whole column headers."""

from __future__ import annotations

from pathlib import Path

from cabtui.data.results.loader import load
from cabtui.ui.app import make_app
from cabtui.ui.screens.cell import CellScreen
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.screens.sweep_panes import CellsPane, ProblemsPane
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
        assert header.split() == [
            "Sweep",
            "Cells",
            "CLIs",
            "Models",
            "Tasks",
            "Pass",
            "rate",
            "Composite",
            "Dates",
            "Problems",
            "Title",
        ]


async def test_the_cell_page_lists_the_fields_left_out_as_validate_does(tmp_path: Path) -> None:
    record = cell("aider", "m", "c/t", passed=False)
    record["scores"]["blast_radius"]["modified"] = ["src/lib.rs", 7]
    folder = write_sweep(tmp_path / "s", [record])
    app = make_app(folder)
    async with app.run_test(size=(160, 60)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("enter")
        await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        await pilot.press("end")
        text = " ".join((await shown(pilot)).split())
        assert "Problems reading this cell" in text
        left_out = "scores.blast_radius.modified.1: Input should be a valid string; left out"
        assert f"{folder / 'cells.jsonl'}:1: {left_out}" in text


async def test_the_problems_tab_lists_what_validate_lists(tmp_path: Path) -> None:
    record = cell("aider", "m", "c/t", passed=False)
    record["scores"]["blast_radius"]["modified"] = ["src/lib.rs", 7]
    folder = write_sweep(tmp_path / "s", [record, cell("aider", "m", "c/u", passed=True)], extra_lines=("{nope",))
    app = make_app(folder)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await on_screen(pilot, SweepScreen, ready=lambda s: s.query_one(ProblemsPane).checked)
        await pilot.press("4")
        text = await shown(pilot)
        assert "4 Problems (2)" in text
        assert f"{folder / 'cells.jsonl'}:1: scores.blast_radius.modified.1: Input should be a valid string" in text
        assert f"{folder / 'cells.jsonl'}:3: not JSON" in text
        problems = screen.query_one(ProblemsPane).problems
        assert [str(p) for p in problems] == [str(p) for p in load(folder, full=True).problems]


async def test_tab_keeps_the_panes_keys_working(tmp_path: Path) -> None:
    app = make_app(write_sweep(tmp_path / "s", [cell("aider", "m", "c/t", passed=True)]))
    async with app.run_test(size=(160, 40)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("3", "tab", "shift+tab", "tab")
        assert "Filter" in await shown(pilot)  # the Cells pane's keys stay in the footer
        await pilot.press("s")
        assert "Status▲" in await shown(pilot)


async def test_three_then_slash_typed_fast_goes_to_the_filter(tmp_path: Path) -> None:
    records = [cell("aider", "m", "c/t", passed=False), cell("goose", "m", "c/t", passed=True)]
    app = make_app(write_sweep(tmp_path / "s", records))
    async with app.run_test(size=(160, 40)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("3", "slash", *"tui:goose", "enter")  # one burst, as a fast typist types
        pane = app.screen.query_one(CellsPane)
        assert isinstance(app.screen, SweepScreen) and pane.query_text == "tui:goose"
        assert [r.tui for r in pane.shown] == ["goose"]
        await pilot.press("1", "slash")  # from another tab too
        assert app.screen.active_tab == "cells" and app.screen.focused is pane.filter_box
