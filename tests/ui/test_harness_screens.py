"""Pilot tests on Harbor and Terminal-Bench folders: the grid, a cell with its harness fields,
its recording in the player (with terminus's markers) and its phases in the replay."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Static

from cabtui.ui.app import make_app
from cabtui.ui.screens.cell import CellScreen
from cabtui.ui.screens.player import PlayerScreen
from cabtui.ui.screens.replay import ReplayScreen
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.widgets.terminal_view import TerminalView
from tests.data.harness_helpers import HARBOR_JOBS, TB_RUNS

from .helpers import on_screen, shown


def terminal_text(app: Any) -> str:
    frame = app.screen.query_one(TerminalView).frame
    return "\n".join(frame.text_lines()) if frame else ""


async def scrolled_to(pilot: Any, screen: CellScreen, selector: str) -> str:
    """The screen's text with the cell page scrolled so that `selector` is at its top."""
    screen.query_one("#cell-page").scroll_to_widget(screen.query_one(selector), animate=False, top=True)
    return await shown(pilot)


async def test_a_harbor_timeout_opens_with_its_exception_and_plays_its_recording() -> None:
    app = make_app(HARBOR_JOBS)
    async with app.run_test(size=(160, 45)) as pilot:
        await on_screen(pilot, SweepScreen)
        text = await shown(pilot)
        assert "claude-code × anthropic/claude-opus-4-1" in text and "terminus-2 × anthropic/claude-sonnet-4-5" in text
        assert "0/2 1/2 1/2 0/2" in text  # terminus-2's two attempts per task
        await pilot.press("home", "down", "enter")  # terminus-2 × build-linux-kernel
        screen = await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        text = await shown(pilot)
        assert "TIMED OUT   AgentTimeoutError: Agent execution timed out after 900.0 seconds" in text
        assert screen.query_one("#section-harness", Static).display
        harness = await scrolled_to(pilot, screen, "#title-harness")
        assert "Harness: harbor" in harness
        assert "exception_type     AgentTimeoutError" in harness and "Traceback (most recent call last)" in harness
        breakdown = await scrolled_to(pilot, screen, "#title-breakdown")
        assert "0 passed, 1 failed" in breakdown and "␛" not in breakdown  # test output as the terminal showed it
        await pilot.press("r")
        player = await on_screen(pilot, PlayerScreen, ready=lambda s: s.player is not None)
        await pilot.press("9")
        assert player.clock.position > 0
        assert "root@sandbox:/app# make defconfig" in terminal_text(app)
        await pilot.press("escape", "t")
        replay = await on_screen(pilot, ReplayScreen, ready=lambda s: s.player is not None)
        assert [s.span_id for s in replay.timeline.steps][:1] == ["trial"]
        await pilot.press("right", "right", "right", "right")
        assert replay.selected.span_id == "agent_execution"
        assert "Agent execution timed out" in await shown(pilot)


async def test_a_harbor_cell_of_cabtui_format_hides_the_harness_section(tmp_path: Any) -> None:
    from .helpers import mini_records, write_sweep

    app = make_app(write_sweep(tmp_path / "s", mini_records()))
    async with app.run_test(size=(160, 45)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("enter")
        screen = await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        assert not screen.query_one("#section-harness", Static).display
        assert "Harness" not in await shown(pilot)


async def test_a_terminal_bench_cell_plays_its_agent_cast_marker_to_marker() -> None:
    app = make_app(TB_RUNS)
    async with app.run_test(size=(160, 45)) as pilot:
        await on_screen(pilot, SweepScreen)
        assert "1/2 1/2 1/2" in await shown(pilot)
        await pilot.press("home", "right", "enter")  # claude-sonnet-4-5 × fix-permissions: a timeout, then a pass
        screen = await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        assert "TIMED OUT   failure_mode: agent_timeout" in await shown(pilot)
        assert "Harness: terminal-bench" in await scrolled_to(pilot, screen, "#title-harness")
        await pilot.press("r")
        player = await on_screen(pilot, PlayerScreen, ready=lambda s: s.player is not None)
        assert player.player is not None
        markers = [at for at, _ in player.player.recording.markers]
        assert len(markers) == 2
        await pilot.press("right_square_bracket")
        assert player.clock.position == pytest.approx(markers[0] * 1000)
        await pilot.press("right_square_bracket")
        assert player.clock.position == pytest.approx(markers[1] * 1000)
        assert "ls -l run.sh" in terminal_text(app)
        await pilot.press("escape", "t")
        replay = await on_screen(pilot, ReplayScreen, ready=lambda s: s.player is not None)
        assert [s.name for s in replay.timeline.steps if s.kind == "episode"] == [
            "Episode 0: 1 commands",
            "Episode 1: 1 commands",
        ]
