"""Pilot tests of the sweep, replay, player and help screens as a person uses them (fake clock)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widget import Widget

from cabtui.ui.app import make_app
from cabtui.ui.screens.help import HelpScreen
from cabtui.ui.screens.playback import PlaybackScreen
from cabtui.ui.screens.player import PlayerScreen
from cabtui.ui.screens.replay import ReplayScreen
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.screens.sweep_panes import CellsPane, GridPane
from cabtui.ui.widgets.grid import GridView
from cabtui.ui.widgets.table import VirtualTable
from cabtui.ui.widgets.terminal_view import TerminalView
from cabtui.ui.widgets.waterfall import Waterfall

from .helpers import cell, on_screen, shown, write_sweep
from .test_player_replay import EVENTS, FakeTime, open_replay, traced_sweep, write_cast

WIDE_LINE = "".join(str(i % 10) for i in range(80))


def status(text: str) -> str:
    return next(line for line in text.splitlines() if line.lstrip().startswith("t = "))


# ---- 19: no Textual method shadowed --------------------------------------------------------


def _shape(function: Any) -> list[tuple[str, Any]]:
    return [(p.name, p.kind) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize(
    "cls", [PlaybackScreen, PlayerScreen, ReplayScreen, Waterfall, GridView, VirtualTable, TerminalView]
)
def test_no_method_shadows_a_textual_one_with_other_parameters(cls: type) -> None:
    textual_base = Screen if issubclass(cls, Screen) else Widget
    for name, ours in vars(cls).items():
        theirs = getattr(textual_base, name, None)
        if name == "__init__" or not callable(ours) or not callable(theirs):
            continue
        assert _shape(ours) == _shape(theirs), f"{cls.__name__}.{name} overrides Textual's {name}"


async def test_waterfall_scrolls_like_any_widget_and_space_plays(tmp_path: Path) -> None:
    clock = FakeTime()
    app = make_app(traced_sweep(tmp_path / "s"), get_time=clock)
    async with app.run_test(size=(150, 40)) as pilot:
        screen = await open_replay(pilot)
        screen.query_one(Waterfall).scroll_to(y=0, animate=False)  # raised TypeError
        await pilot.press("space")
        assert screen.clock.playing and "playing" in status(await shown(pilot))
        await pilot.press("space")
        assert not screen.clock.playing


# ---- 21: cost is lower-is-better, and titled ------------------------------------------------


async def test_cost_axis_greens_the_cheaper_cell(tmp_path: Path) -> None:
    records = []
    for tui, cost in (("aider", 0.001), ("goose", 0.05)):
        for task in ("polyglot/a", "polyglot/b"):  # the cursor sits on a; b is compared
            record = cell(tui, "m/x", task, passed=True)
            record["scores"]["cost"] = {"cost": cost, "currency": "USD"}
            records.append(record)
    app = make_app(write_sweep(tmp_path / "s", records))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await on_screen(pilot, SweepScreen)
        while screen.query_one(GridPane).axis != "cost":
            await pilot.press("a")
        text = await shown(pilot)
        assert "colour: Cost (lower is better" in text
        assert "Cost 0.001" in text  # the status line names the axis as the cell page's tile does
        grid = screen.query_one(GridView)
        first = grid.render_line(3)  # aider (cheap), below the three header lines
        second = grid.render_line(4)  # goose (pricey)

        def green(strip: Any) -> int:
            square = [seg for seg in strip if seg.text.strip() == "✓"][1]
            return int(square.style.bgcolor.get_truecolor().green)

        assert green(first) > green(second)


# ---- 22: sort marks and reachable columns ---------------------------------------------------


async def test_the_sort_column_is_always_marked_and_every_column_reachable(tmp_path: Path) -> None:
    records = [cell("aider", "m/x", f"polyglot/t{i}", passed=i % 2 == 0) for i in range(3)]
    app = make_app(write_sweep(tmp_path / "s", records))
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await on_screen(pilot, SweepScreen)
        await pilot.press("1")
        header = (await shown(pilot)).splitlines()[3]
        assert "Composite▼" in header  # the default order, best composite first
        await pilot.press("S")
        assert "Composite▲" in (await shown(pilot)).splitlines()[3]
        for label in (
            "Median wall",
            "Tok/correct",
            "Blast",
            "Refusal",
            "Integrity",
            "CLI",
            "Model",
            "Cells",
            "Passed",
            "Pass rate",
        ):
            await pilot.press("s")
            assert f"{label}▲" in (await shown(pilot)).splitlines()[3], label
        await pilot.press("3")
        table = screen.query_one("#cells-table", VirtualTable)
        while (sort := screen.query_one(CellsPane).cell_sort) is None or sort[0] != "composite":
            await pilot.press("s")
        await pilot.press(*["right"] * 40)  # scroll to the last column
        text = await shown(pilot)
        assert table.scroll_offset.x > 0
        assert "Composite▲" in text.splitlines()[3]
        assert "0.300" in text and "0.900" in text
        await pilot.press(*["left"] * 40)
        assert table.scroll_offset.x == 0


# ---- 23: the replay follows the playhead; the cursor leaves tick labels whole ---------------


async def test_replay_panes_follow_the_playhead_until_a_span_is_selected(tmp_path: Path) -> None:
    clock = FakeTime()
    app = make_app(traced_sweep(tmp_path / "s"), get_time=clock)
    async with app.run_test(size=(150, 40)) as pilot:
        screen = await open_replay(pilot)
        await pilot.press("right", "right", "right", "right")
        assert "span cargo test" in status(await shown(pilot))  # selected: 2 500 ms
        await pilot.press("space")
        clock.now += 1.0  # to 3 500 ms: inside the container span, past the tool call
        screen.tick()
        text = await shown(pilot)
        assert "span run" in status(text) and "container run" in text
        await pilot.press("space", "home")
        text = await shown(pilot)
        assert "t = 0 ms" in status(text) and "span prepare" in status(text)  # the deepest span at 0
        assert "task_setup prepare (setup)" in text  # the span panel too
        await pilot.press("right")  # selecting pins the span again
        assert "span opencode:task" in status(await shown(pilot))
        await pilot.press("full_stop")  # a step lets go: the span under the playhead
        assert "span prepare" in status(await shown(pilot))


async def test_the_cursor_never_cuts_into_a_tick_label(tmp_path: Path) -> None:
    app = make_app(traced_sweep(tmp_path / "s"), get_time=FakeTime())
    async with app.run_test(size=(150, 40)) as pilot:
        screen = await open_replay(pilot)
        tick = re.compile(r"┊\d[\d.]* m?s")
        for _ in range(50):
            await pilot.press("full_stop")
            axis = next(line for line in (await shown(pilot)).splitlines() if "▼" in line)
            for piece in axis.split("┊")[1:]:
                assert tick.fullmatch("┊" + piece.split("│")[0].rstrip(" ▼").split("  ")[0]), axis
        assert screen.clock.position == pytest.approx(5000)


# ---- 24: the terminal keeps its recorded width ---------------------------------------------


@pytest.mark.parametrize("width", [160, 200])
async def test_replay_terminal_shows_all_80_columns(tmp_path: Path, width: int) -> None:
    events = [[0.5, "o", WIDE_LINE]]
    app = make_app(traced_sweep(tmp_path / "s", cols=80, events=events), get_time=FakeTime())
    async with app.run_test(size=(width, 40)) as pilot:
        await open_replay(pilot)
        await pilot.press("end")
        assert WIDE_LINE in await shown(pilot)


async def test_replay_terminal_scrolls_in_a_narrow_window(tmp_path: Path) -> None:
    events = [[0.5, "o", WIDE_LINE]]
    app = make_app(traced_sweep(tmp_path / "s", cols=80, events=events), get_time=FakeTime())
    async with app.run_test(size=(80, 30)) as pilot:
        screen = await open_replay(pilot)
        await pilot.press("end")
        view = screen.query_one(TerminalView)
        assert view.max_scroll_x > 0 and view.region.right <= 80
        assert screen.query_one(Waterfall).region.width >= 40


# ---- 25: keys --------------------------------------------------------------------------------


async def test_replay_speed_is_minus_plus_and_markers_are_brackets(tmp_path: Path) -> None:
    app = make_app(traced_sweep(tmp_path / "s"), get_time=FakeTime())
    async with app.run_test(size=(150, 40)) as pilot:
        screen = await open_replay(pilot)
        await pilot.press("right_square_bracket")
        assert screen.clock.position == pytest.approx(2500)  # the failed tool call
        await pilot.press("right_square_bracket")
        assert screen.clock.position == pytest.approx(3000)  # the recording's marker at 2.0 s
        await pilot.press("left_square_bracket")
        assert screen.clock.position == pytest.approx(2500)
        await pilot.press("plus")
        assert screen.clock.speed == 2
        await pilot.press("minus", "minus")
        assert screen.clock.speed == 0.5
        await pilot.press("full_stop")
        assert screen.clock.position == pytest.approx(2600)
        assert "0.5x" in status(await shown(pilot))


async def test_player_frame_steps_pause_and_markers_go_both_ways(tmp_path: Path) -> None:
    clock = FakeTime()
    app = make_app(write_cast(tmp_path / "run.cast", EVENTS), get_time=clock)
    async with app.run_test(size=(100, 20)) as pilot:
        screen = await on_screen(pilot, PlayerScreen, ready=lambda s: s.player is not None)
        await pilot.press("space")
        clock.now += 1.0
        await pilot.press("full_stop")  # paused, on the next frame: "world" at 1.5 s
        assert not screen.clock.playing
        assert screen.clock.position == pytest.approx(1500, abs=0.01)
        await pilot.press("end", "left_square_bracket")
        assert screen.clock.position == pytest.approx(2000)
        await pilot.press("left_square_bracket")  # no marker before 2 s: stays
        assert screen.clock.position == pytest.approx(2000)
        await pilot.press("minus")
        assert screen.clock.speed == 0.5


# ---- 28: help lists what is active, once ---------------------------------------------------


async def test_player_help_lists_each_active_key_once(tmp_path: Path) -> None:
    app = make_app(write_cast(tmp_path / "run.cast", EVENTS), get_time=FakeTime())
    async with app.run_test(size=(120, 60)) as pilot:
        await on_screen(pilot, PlayerScreen, ready=lambda s: s.player is not None)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = await shown(pilot)
        keys = [line.split("│")[1].strip() for line in text.splitlines() if line.count("│") >= 3]
        assert "Scroll Left" not in text and "Scroll Right" not in text
        assert keys.count("left") == 1 and any("left" in line and "-5 s" in line for line in text.splitlines())
        assert len(keys) == len(set(keys))
        for key in (",", ".", "[", "]", "-", "+", "space"):
            assert key in keys, key


# ---- 30: the grid names the task under the cursor -------------------------------------------


async def test_grid_header_names_the_cursor_column_in_full(tmp_path: Path) -> None:
    records = [
        cell("aider", "m/x", task, passed=True)
        for task in ("polyglot/a-very-long-task-name-that-no-column-fits", "refactor/b", "integrity/c")
    ]
    app = make_app(write_sweep(tmp_path / "s", records))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await on_screen(pilot, SweepScreen)
        grid = screen.query_one(GridView)
        for column in range(3):
            task = grid.grid.columns[column]
            header = (await shown(pilot)).splitlines()[3]
            assert task in header and f"category {task.split('/')[0]}" in header
            await pilot.press("right")
