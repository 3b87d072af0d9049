"""Pilot tests of the player and the trace replay, on a fake clock: nothing sleeps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cabtui.ui.app import make_app
from cabtui.ui.screens.cell import CellScreen
from cabtui.ui.screens.player import PlayerScreen
from cabtui.ui.screens.replay import ReplayScreen
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.widgets.terminal_view import TerminalView
from cabtui.ui.widgets.waterfall import Waterfall

from .helpers import cell, on_screen, screen_text, shown, wait_for, write_sweep


class FakeTime:
    """A time source the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def write_cast(path: Path, events: list[list[Any]], *, cols: int = 40, rows: int = 6) -> Path:
    """An asciicast v2 file."""
    lines = [json.dumps({"version": 2, "width": cols, "height": rows, "title": "t"})]
    lines += [json.dumps(e) for e in events]
    path.write_text("\n".join(lines) + "\n")
    return path


EVENTS = [
    [0.5, "o", "hello\r\n"],
    [1.5, "o", "world\r\n"],
    [2.0, "m", "tests start"],
    [3.0, "o", "\x1b[31mred\x1b[0m \x1b]0;pwned\x07bell\x07\r\n"],
    [4.0, "o", "done\r\n"],
]


def terminal_text(app: Any) -> str:
    frame = app.screen.query_one(TerminalView).frame
    return "\n".join(frame.text_lines()) if frame else ""


@pytest.fixture
def cast(tmp_path: Path) -> Path:
    return write_cast(tmp_path / "run.cast", EVENTS)


async def test_player_keys_move_the_playhead_and_the_frame_follows(cast: Path) -> None:
    clock = FakeTime()
    app = make_app(cast, get_time=clock)
    async with app.run_test(size=(100, 20)) as pilot:
        screen = await on_screen(pilot, PlayerScreen, ready=lambda s: s.player is not None)
        assert screen.clock.duration_ms == 4000
        assert "hello" not in terminal_text(app)
        await pilot.press("full_stop", "full_stop")  # two frames: "hello" at 0.5 s, "world" at 1.5 s
        assert screen.clock.position == pytest.approx(1500, abs=0.01)
        assert terminal_text(app).splitlines()[:2] == ["hello", "world"]
        assert "0:01.5 / 0:04.0" in await shown(pilot)
        await pilot.press("comma")
        assert screen.clock.position == pytest.approx(500, abs=0.01)
        assert terminal_text(app).splitlines()[:2] == ["hello", ""]
        await pilot.press("5")  # 50 %
        assert screen.clock.position == pytest.approx(2000)
        assert terminal_text(app).splitlines()[:2] == ["hello", "world"]
        await pilot.press("0", "right_square_bracket")  # the next marker is at 2.0 s
        assert screen.clock.position == pytest.approx(2000)
        await pilot.press("right")  # +5 s stops at the end
        assert screen.clock.position == pytest.approx(4000)
        assert "red ␛" not in terminal_text(app) and "red bell" in terminal_text(app)
        await pilot.press("shift+left")
        assert screen.clock.position == pytest.approx(3600)
        await pilot.press("home", "plus", "space")
        assert screen.clock.playing and screen.clock.speed == 2
        clock.now += 0.5  # half a second at 2x
        screen.tick()
        assert screen.clock.position == pytest.approx(1000)
        assert terminal_text(app).splitlines()[0] == "hello"
        await pilot.press("space")
        clock.now += 10
        screen.tick()
        assert screen.clock.position == pytest.approx(1000)
        text = await shown(pilot)
        assert "\x1b" not in text and "\x07" not in text


async def test_player_reports_a_broken_recording(tmp_path: Path) -> None:
    bad = tmp_path / "bad.cast"
    bad.write_text("this is not a recording\n")
    app = make_app(bad)
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_for(pilot, lambda: "bad.cast" in " ".join(screen_text(app).split()[3:]))
        assert isinstance(app.screen, PlayerScreen) and app.screen.player is None


SPANS = [
    {"span_id": "root", "kind": "adapter_run", "name": "opencode:task", "start_ms": 0, "duration_ms": 4200},
    {
        "span_id": "setup",
        "parent_id": "root",
        "kind": "task_setup",
        "name": "prepare",
        "start_ms": 0,
        "duration_ms": 300,
    },
    {
        "span_id": "box",
        "parent_id": "root",
        "kind": "container",
        "name": "run",
        "start_ms": 1000,
        "duration_ms": 3000,
        "attrs": {"image": "codingagentbench/opencode:v1", "secret": "\x1b[2Jwipe"},
    },
    {
        "span_id": "tool",
        "parent_id": "box",
        "kind": "tool_call",
        "name": "cargo test",
        "start_ms": 2500,
        "duration_ms": 100,
        "error": "exit 101",
    },
]


def traced_sweep(folder: Path, *, cols: int = 40, events: list[list[Any]] = EVENTS, **call_text: str) -> Path:
    """A sweep of one cell with SPANS, one model call (its `call_text`: prompt, completion) and a recording."""
    record = cell(
        "opencode",
        "m/x",
        "polyglot/rust",
        passed=False,
        spans=SPANS,
        model_calls=[
            {
                "index": 0,
                "start_ms": 1200,
                "latency_ms": 500,
                "prompt_tokens": 10,
                "completion_tokens": 5,
                "finish_reason": "stop",
                **call_text,
            }
        ],
        artifacts={"recording": "run.cast", "recording_offset_ms": 1000},
    )
    write_sweep(folder, [record])
    write_cast(folder / "run.cast", events, cols=cols, rows=6)
    return folder


async def open_replay(pilot: Any, *, recording: bool = True) -> ReplayScreen:
    """From the sweep screen: open the first cell, then its replay (its recording loaded, if it has one)."""
    await on_screen(pilot, SweepScreen)
    await pilot.press("enter")
    await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
    await pilot.press("t")
    screen: ReplayScreen = await on_screen(pilot, ReplayScreen, ready=lambda s: s.player is not None or not recording)
    return screen


@pytest.fixture
def traced(tmp_path: Path) -> Path:
    return traced_sweep(tmp_path / "sweep")


async def test_replay_steps_spans_and_100ms_on_one_clock(traced: Path) -> None:
    clock = FakeTime()
    app = make_app(traced, get_time=clock)
    async with app.run_test(size=(150, 40)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("enter")
        await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        await pilot.press("t")
        screen = await on_screen(pilot, ReplayScreen, ready=lambda s: s.player is not None)
        assert screen.timeline.duration_ms == 5000  # the recording ends at 1000 + 4000 ms
        assert "t = 0 ms / 5.00 s" in await shown(pilot)
        await pilot.press("right")
        assert screen.selected.span_id == "root" and screen.clock.position == 0
        await pilot.press("right")
        assert screen.selected.span_id == "setup" and screen.clock.position == 0
        await pilot.press("right")
        assert screen.selected.span_id == "box" and screen.clock.position == 1000
        assert terminal_text(app).strip() == ""  # recording time 0: nothing printed yet
        text = await shown(pilot)
        assert "␛[2Jwipe" in text and "\x1b" not in text
        await pilot.press("right")
        assert screen.selected.span_id == "tool" and screen.clock.position == 2500
        assert terminal_text(app).splitlines()[:2] == ["hello", "world"]  # 1.5 s into the recording
        assert "exit 101" in await shown(pilot)
        assert "Model calls: 1 of 1 started" in await shown(pilot)
        await pilot.press("left")
        assert screen.selected.span_id == "box"
        await pilot.press(*["full_stop"] * 5)
        assert screen.clock.position == pytest.approx(1500)
        assert terminal_text(app).splitlines()[0] == "hello"
        assert "t = 1 500 ms / 5.00 s" in await shown(pilot)
        await pilot.press("comma")
        assert screen.clock.position == pytest.approx(1400)
        assert "Model calls: 1 of 1 started" in await shown(pilot)
        await pilot.press("home")
        assert "Model calls: 0 of 1 started" in await shown(pilot)
        await pilot.press("space")
        clock.now += 2.5
        screen.tick()
        assert screen.clock.position == pytest.approx(2500)
        assert "playing" in await shown(pilot)
        await pilot.press("space", "end")
        assert screen.clock.position == pytest.approx(5000)
        assert terminal_text(app).splitlines()[-1] == "done" or "done" in terminal_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, CellScreen)


async def test_replay_without_recording_or_spans_degrades(tmp_path: Path) -> None:
    folder = write_sweep(tmp_path / "s", [cell("aider", "m/x", "polyglot/a", passed=True)])
    app = make_app(folder)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_replay(pilot, recording=False)
        text = await shown(pilot)
        assert "No trace: this cell has no spans (not recorded)" in text
        assert "no recording: not recorded" in text
        # The axis and the clock cover the run's 4 s wall time, not a 1 ms timeline.
        assert "t = 0 ms / 4.00 s" in text and "no trace" in text
        axis = next(line for line in text.splitlines() if "▼" in line)
        assert "0 ms ┊0 ms" not in axis and "┊1 ms" not in axis and " s" in axis.split("▼")[1]
        await pilot.press("right", "full_stop", "full_stop")
        assert screen.clock.position == pytest.approx(200)


def chain_of_spans(n: int) -> list[dict[str, Any]]:
    """`n` short tool calls, 10 ms apart, all children of the first."""
    return [
        {
            "span_id": f"s{i}",
            "parent_id": "s0" if i else None,
            "kind": "tool_call",
            "name": f"step {i}",
            "start_ms": i * 10,
            "duration_ms": 5,
        }
        for i in range(n)
    ]


async def test_waterfall_draws_only_visible_rows_of_5000_spans(tmp_path: Path) -> None:
    spans = chain_of_spans(5000)
    folder = write_sweep(tmp_path / "s", [cell("aider", "m/x", "polyglot/a", passed=True, spans=spans)])
    app = make_app(folder)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_replay(pilot, recording=False)
        await pilot.press("end", "left")
        assert screen.selected.span_id == "s4999"
        waterfall = screen.query_one(Waterfall)
        assert "step 4999" in await shown(pilot)
        assert waterfall.top > 4900


async def test_the_waterfall_scrolls_with_the_wheel_and_a_click_picks_the_row_shown(tmp_path: Path) -> None:
    from textual import events

    spans = chain_of_spans(60)
    folder = write_sweep(tmp_path / "s", [cell("aider", "m/x", "polyglot/a", passed=True, spans=spans)])
    app = make_app(folder)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_replay(pilot, recording=False)
        waterfall = screen.query_one(Waterfall)
        assert waterfall.top == 0 and waterfall.max_scroll_y > 0  # more rows than lines: a scrollbar
        for _ in range(3):
            waterfall.post_message(events.MouseScrollDown(waterfall, 5, 5, 0, 0, 0, False, False, False))
        await wait_for(pilot, lambda: waterfall.top > 0)
        top = waterfall.top
        await pilot.click(Waterfall, offset=(2, 1))  # the first row under the axis
        assert screen.selected is not None and screen.selected.span_id == waterfall.rows[top][0].span_id


async def test_the_replay_shows_the_text_of_the_call_under_the_playhead(tmp_path: Path) -> None:
    folder = traced_sweep(tmp_path / "sweep", prompt="fix \x1b[31mthe lifetime", completion="use 'a")
    app = make_app(folder, get_time=FakeTime())
    async with app.run_test(size=(160, 45)) as pilot:
        await open_replay(pilot)
        assert "#0 prompt" not in await shown(pilot)  # the call starts at 1.2 s
        await pilot.press(*["full_stop"] * 13)
        text = await shown(pilot)
        assert "#0 prompt (21 chars)" in text and "fix ␛[31mthe lifetime" in text
        assert "#0 completion (6 chars)" in text
