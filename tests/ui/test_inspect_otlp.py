"""Pilot tests: an Inspect AI log folder opened as a user does (sweeps, grid, cell, replay), and an OTLP trace alone."""

from __future__ import annotations

from pathlib import Path

from cabtui.ui.app import make_app
from cabtui.ui.screens.cell import CellScreen
from cabtui.ui.screens.replay import ReplayScreen
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.screens.sweeps import SweepsScreen

from .helpers import on_screen, shown

HARNESS = Path(__file__).resolve().parents[1] / "fixtures" / "harness"


async def test_an_inspect_folder_opens_to_its_grid_cell_and_replay() -> None:
    app = make_app(HARNESS / "inspect-logs")
    async with app.run_test(size=(160, 50)) as pilot:
        await on_screen(pilot, SweepsScreen)
        text = await shown(pilot)
        assert "inspect-logs/json" in text and "2 sweeps, 44 cells, 0 problems" in text
        await pilot.press("enter")
        await on_screen(pilot, SweepScreen)
        await pilot.press("2")
        text = await shown(pilot)
        assert "use_tools+generate × mockllm/alpha" in text and "generate × mockllm/beta" in text
        assert "arith/3" in text  # the first task column, highlighted
        await pilot.press("right", "enter")  # arith/boom: the sample whose model call raised
        screen = await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        text = await shown(pilot)
        assert "generate × mockllm/alpha" in text and "arith/boom" in text
        assert "ERROR" in text and "RuntimeError('mock provider: connection reset while generating')" in text
        assert screen.opened is not None and screen.opened.artifacts.recording is None
        harness = screen.query_one("#title-harness")
        screen.query_one("#cell-page").scroll_to_widget(harness, animate=False, top=True)
        text = await shown(pilot)
        assert "Harness: inspect" in text and "sample_id   boom" in text  # the log's own fields
        assert "error_traceback (8,641 chars, as the terminal showed it" in text
        assert "Traceback (most recent call last):" in text
        await pilot.press("t")
        replay = await on_screen(pilot, ReplayScreen)
        text = await shown(pilot)
        assert "model_call mockllm/alpha" in text and "solver generate" in text
        assert "no recording: Inspect logs record no terminal" in text
        await pilot.press("right", "right")
        assert replay.selected is not None and replay.selected.kind == "sandbox"
        await pilot.press("escape")
        assert isinstance(app.screen, CellScreen)


async def test_an_otlp_trace_alone_opens_in_the_replay() -> None:
    app = make_app(HARNESS / "otlp" / "agent.otlp.jsonl")
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await on_screen(pilot, ReplayScreen)
        text = await shown(pilot)
        assert "replay · mini-agent × gpt-4.1-mini" in text
        assert "!tool_call execute_tool run_tests" in text
        assert "Model calls: 0 of 3 started" in text
        await pilot.press("right", "right")
        assert screen.selected is not None and screen.selected.name == "chat gpt-4.1-mini"
        text = await shown(pilot)
        assert "Model calls: 1 of 3 started" in text and "812→64 tok" in text
        await pilot.press("escape")
        assert not app.is_running
