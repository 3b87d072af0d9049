"""Live sweeps and progressive loading, as a user sees them: lines appended while the app is open,
a sweep loaded in chunks, pausing the watch (`w`) and reloading (`ctrl+r`)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from cabtui.ui.app import make_app
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.screens.sweep_panes import CellsPane, GridPane
from cabtui.ui.screens.sweeps import SweepsScreen
from cabtui.ui.widgets.grid import GridView
from cabtui.ui.widgets.load_bar import LoadBar
from cabtui.ui.widgets.table import VirtualTable
from tests.ui.helpers import cell, mini_records, on_screen, screen_text, wait_for, write_sweep

FAST = {"poll_interval": 0.02, "polling": True}
"""The app's own watcher, polling every 20 ms: the tests wait on what shows, never on time."""


def _append(folder: Path, *records: dict[str, Any]) -> None:
    with (folder / "cells.jsonl").open("a") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")


def _cells_count(screen: SweepScreen) -> int:
    return screen.query_one("#cells-table", VirtualTable).row_count


async def test_a_hidden_cells_table_catches_up_when_shown(tmp_path: Path) -> None:
    folder = write_sweep(tmp_path / "mini", mini_records())
    app = make_app(folder, **FAST)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await on_screen(pilot, SweepScreen)
        before = len(screen.sweep.cells)
        _append(folder, cell("aider", "meta/llama-3.3-70b-instruct", "debug/while-hidden", passed=True))
        await wait_for(pilot, lambda: "debug/while-hidden" in screen.grid.columns)  # on the grid, shown
        await pilot.press("3")
        await wait_for(pilot, lambda: f"{before + 1:,} of {before + 1:,} cells" in screen_text(app))
        assert _cells_count(screen) == before + 1


async def test_appended_lines_appear_in_every_view_and_the_cursor_stays(tmp_path: Path) -> None:
    folder = write_sweep(tmp_path / "mini", mini_records())
    app = make_app(folder, **FAST)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await on_screen(pilot, SweepScreen)
        grid = screen.query_one(GridView)
        await pilot.press("right", "down")  # the grid's cursor on a square
        at = grid.cursor
        key = (screen.grid.rows[at[1]], screen.grid.columns[at[0]])
        await pilot.press("3", "down", "down")
        table = screen.query_one("#cells-table", VirtualTable)
        before = _cells_count(screen)
        assert table.cursor_row == 2
        _append(folder, cell("aider", "meta/llama-3.3-70b-instruct", "debug/brand-new-task", passed=True))
        await wait_for(pilot, lambda: _cells_count(screen) == before + 1)
        await wait_for(pilot, lambda: "debug/brand-new-task" in screen.grid.columns)
        assert table.cursor_row == 2  # the cells table kept its cursor
        await wait_for(pilot, lambda: f"{before + 1:,} of {before + 1:,} cells" in screen_text(app))
        new_at = grid.cursor  # the grid's cursor is on the same square, though a column came before it
        assert (screen.grid.rows[new_at[1]], screen.grid.columns[new_at[0]]) == key
        await wait_for(pilot, lambda: screen.query_one(LoadBar).display)
        assert "live" in screen_text(app)
        await pilot.press("1")
        assert "aider" in screen_text(app)


async def test_a_line_being_written_waits_for_its_newline(tmp_path: Path) -> None:
    folder = write_sweep(tmp_path / "mini", mini_records())
    app = make_app(folder, **FAST)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await on_screen(pilot, SweepScreen)
        await pilot.press("3")  # the Cells tab: a hidden table catches up only when shown
        before = _cells_count(screen)
        line = json.dumps(cell("opencode", "openai/gpt-oss-120b", "debug/late", passed=False))
        with (folder / "cells.jsonl").open("a") as handle:
            handle.write(line[:40])
        feed = app.feed
        assert feed is not None
        await wait_for(pilot, lambda: feed.index is not None and feed.index.growing())
        with (folder / "cells.jsonl").open("a") as handle:
            handle.write(line[40:] + "\n")
        await wait_for(pilot, lambda: _cells_count(screen) == before + 1)
        assert not any("no newline" in p.message for p in screen.sweep.problems)


async def test_a_sweep_loads_in_chunks_partial_then_complete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cabtui.ui import feed as feed_module

    records = [
        cell("aider", f"m/model-{i}", f"polyglot/task-{j}", passed=(i + j) % 2 == 0)
        for i in range(6)
        for j in range(10)
    ]
    folder = write_sweep(tmp_path / "big", records)
    release = threading.Event()
    real = feed_module.GrowingIndex

    class GatedIndex(real):  # type: ignore[misc, valid-type]
        """Holds the load after its first chunk until the test has looked."""

        reads = 0

        def read(self, tail: Any, limit: int = 0) -> Any:
            GatedIndex.reads += 1
            if GatedIndex.reads == 2:
                release.wait(10)
            return super().read(tail, limit)

    monkeypatch.setattr(feed_module, "GrowingIndex", GatedIndex)
    monkeypatch.setattr(feed_module, "FIRST_CHUNK", 2000)
    monkeypatch.setattr(feed_module, "CHUNK", 3000)
    app = make_app(folder, **FAST)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await on_screen(pilot, SweepScreen)
        first = _cells_count(screen)
        assert 0 < first < len(records)
        await wait_for(pilot, lambda: screen.query_one(LoadBar).display)
        await wait_for(pilot, lambda: "partial" in screen_text(app))
        await pilot.press("3", "down")  # keys work while it loads
        assert screen.query_one("#cells-table", VirtualTable).cursor_row == 1
        release.set()
        await wait_for(pilot, lambda: _cells_count(screen) == len(records) and not screen.incomplete)
        await wait_for(pilot, lambda: screen.built == len(records))
        assert len(screen.grid.rows) == 6 and len(screen.grid.columns) == 10
        assert screen.query_one("#cells-table", VirtualTable).cursor_row == 1
        assert not screen.query_one(LoadBar).display
        assert "partial" not in screen.query_one(CellsPane).query_one("#cells-status").render().plain  # type: ignore[attr-defined]
        assert screen.query_one(GridPane).grid is screen.grid


async def test_once_every_cell_is_read_the_views_say_partial_until_built_of_them_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cabtui.ui import feed as feed_module
    from cabtui.ui.screens import sweep as sweep_module

    records = [
        cell("aider", f"m/model-{i}", f"polyglot/task-{j}", passed=j % 2 == 0) for i in range(6) for j in range(10)
    ]
    folder = write_sweep(tmp_path / "big", records)
    monkeypatch.setattr(feed_module, "FIRST_CHUNK", 2000)
    monkeypatch.setattr(feed_module, "CHUNK", 3000)
    release = threading.Event()
    real = sweep_module.sweep_views

    def held_views(cells: Any) -> Any:  # the build of every cell waits until the test has looked
        if len(cells) == len(records):
            release.wait(10)
        return real(cells)

    monkeypatch.setattr(sweep_module, "sweep_views", held_views)
    app = make_app(folder, **FAST)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await on_screen(pilot, SweepScreen)
        await wait_for(pilot, lambda: not screen.incomplete and len(screen.sweep.cells) == len(records))
        assert screen.catching_up and screen.built < len(records)
        await wait_for(pilot, lambda: "building the grid and leaderboard" in screen_text(app))
        assert "all 60 cells read" in screen_text(app)
        await pilot.press("2")
        await wait_for(pilot, lambda: "partial" in screen_text(app))
        release.set()
        await wait_for(pilot, lambda: screen.built == len(records))
        await wait_for(pilot, lambda: "partial" not in screen_text(app))
        assert not screen.catching_up and not screen.query_one(LoadBar).display


async def test_w_pauses_watching_and_resumes_it(tmp_path: Path) -> None:
    folder = write_sweep(tmp_path / "mini", mini_records())
    app = make_app(folder, **FAST)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await on_screen(pilot, SweepScreen)
        await pilot.press("3")  # the Cells tab: a hidden table catches up only when shown
        before = _cells_count(screen)
        assert "Watch" in screen_text(app)  # in the footer
        await pilot.press("w")
        assert app.feed is not None and app.feed.paused.is_set()
        await wait_for(pilot, lambda: "watching paused" in screen_text(app))
        _append(folder, cell("aider", "meta/llama-3.3-70b-instruct", "debug/while-paused", passed=True))
        await pilot.press("w")
        assert not app.feed.paused.is_set()
        await wait_for(pilot, lambda: _cells_count(screen) == before + 1)


async def test_ctrl_r_reads_a_rewritten_file_again(tmp_path: Path) -> None:
    folder = write_sweep(tmp_path / "mini", mini_records())
    app = make_app(folder, **FAST)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await on_screen(pilot, SweepScreen)
        assert _cells_count(screen) == len(mini_records())
        write_sweep(folder, mini_records()[:3])  # rewritten shorter: no append can say that
        await wait_for(pilot, lambda: any("shrank" in p.message for p in screen.sweep.problems))
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, SweepScreen) and app.screen is not screen)
        fresh = app.screen
        assert isinstance(fresh, SweepScreen)
        await wait_for(pilot, lambda: _cells_count(fresh) == 3)
        assert not any("shrank" in p.message for p in fresh.sweep.problems)


async def test_a_new_sweep_folder_appears_in_the_sweeps_list(tmp_path: Path) -> None:
    root = tmp_path / "results"
    write_sweep(root / "first", mini_records(), sweep_id="first-sweep")
    write_sweep(root / "second", mini_records()[:4], sweep_id="second-sweep")
    app = make_app(root, poll_interval=0.05)  # file-system events where there are, else polling
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await on_screen(pilot, SweepsScreen)
        table = screen.query_one(VirtualTable)
        await pilot.press("down")
        write_sweep(root / "third", mini_records()[:2], sweep_id="third-sweep")
        await wait_for(pilot, lambda: table.row_count == 3)
        await wait_for(pilot, lambda: "third-sweep" in screen_text(app))
        assert table.cursor_row == 1
        assert "● live" in screen_text(app)


async def test_a_recording_being_written_plays_to_its_current_end_and_follows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cabtui.ui.screens import player as player_module
    from cabtui.ui.screens.player import PlayerScreen

    monkeypatch.setattr(player_module, "GROWTH_CHECK_S", 0.02)
    cast = tmp_path / "recording.cast"
    cast.write_text('{"version": 2, "width": 40, "height": 5}\n[0.5, "o", "first line\\r\\n"]\n[1.0, "o", "second"]\n')
    app = make_app(cast)
    async with app.run_test(size=(100, 20)) as pilot:
        screen = await on_screen(pilot, PlayerScreen, ready=lambda s: s.player is not None)
        assert screen.clock.duration_ms == 1000
        await pilot.press("end")
        with cast.open("a") as handle:
            handle.write('[3.0, "o", "\\r\\nthird, written later"]\n')
        await wait_for(pilot, lambda: screen.clock.duration_ms == 3000)
        assert screen.clock.position == 3000  # it was at the end: it follows the live edge
        await wait_for(pilot, lambda: "third, written later" in screen_text(app))
        await pilot.press("home")  # seeking back still works
        assert screen.clock.position == 0
        with cast.open("a") as handle:
            handle.write('[4.0, "o", "more"]\n')
        await wait_for(pilot, lambda: screen.clock.duration_ms == 4000)
        assert screen.clock.position == 0  # not at the end: the playhead stays where it was


async def test_a_trace_being_written_grows_in_the_replay_and_the_end_follows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cabtui.ui.screens import replay_live
    from cabtui.ui.screens.cell import CellScreen
    from cabtui.ui.screens.replay import ReplayScreen
    from cabtui.ui.widgets.waterfall import Waterfall

    monkeypatch.setattr(replay_live, "GROWTH_CHECK_S", 0.02)
    folder = write_sweep(tmp_path / "live", [cell("aider", "m/x", "polyglot/running", passed=False)])
    trace = folder / "cells" / "aider" / "m" / "x" / "polyglot" / "running" / "trace.jsonl"
    trace.parent.mkdir(parents=True)

    def span(span_id: str, start_ms: float, name: str) -> str:
        record = {"span_id": span_id, "kind": "tool_call", "name": name, "start_ms": start_ms, "duration_ms": 100}
        return json.dumps(record) + "\n"

    trace.write_text(span("s1", 0, "first-step") + span("s2", 400, "second-step"))
    app = make_app(folder, **FAST)
    async with app.run_test(size=(140, 30)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("enter")
        await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        await pilot.press("t")
        screen = await on_screen(pilot, ReplayScreen)
        waterfall = screen.query_one(Waterfall)
        assert screen.timeline.duration_ms == 500 and "t = 0 ms / 0.50 s" in screen_text(app)
        assert "live" not in screen_text(app)
        await pilot.press("end")  # at the live edge

        late = span("s3", 900, "third-step")
        with trace.open("a") as handle:  # a whole span, and the next one half written
            handle.write(span("s4", 600, "late-step") + late[:25])
        await wait_for(pilot, lambda: "late-step" in screen_text(app))
        assert [s.span_id for s, _ in waterfall.rows] == ["s1", "s2", "s4"]  # the half line is no span
        assert screen.timeline.duration_ms == 700 and screen.clock.position == 700  # it followed the end
        text = screen_text(app)
        assert "t = 700 ms / 0.70 s" in text and "● live: following the end" in text

        with trace.open("a") as handle:
            handle.write(late[25:])
        await wait_for(pilot, lambda: "third-step" in screen_text(app))
        assert screen.timeline.duration_ms == 1000 and screen.clock.position == 1000

        await pilot.press("home")  # seeking back works as ever, and the playhead then stays
        assert screen.clock.position == 0
        with trace.open("a") as handle:
            handle.write(span("s5", 1500, "fifth-step"))
        await wait_for(pilot, lambda: screen.timeline.duration_ms == 1600)
        assert screen.clock.position == 0
        await wait_for(pilot, lambda: "t = 0 ms / 1.60 s" in screen_text(app))
        assert "● live" in screen_text(app) and "following" not in screen_text(app)

        await pilot.press("w")  # watching paused: what is written waits in the file
        await wait_for(pilot, lambda: "watching paused" in screen_text(app))
        with trace.open("a") as handle:
            handle.write(span("s6", 2000, "sixth-step"))
        await pilot.pause(0.1)
        assert screen.timeline.duration_ms == 1600
        await pilot.press("w")
        await wait_for(pilot, lambda: screen.timeline.duration_ms == 2100)


async def test_a_recording_being_written_grows_in_the_replay_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cabtui.ui.screens import replay_live
    from tests.ui.test_player_replay import open_replay, terminal_text, traced_sweep

    monkeypatch.setattr(replay_live, "GROWTH_CHECK_S", 0.02)
    folder = traced_sweep(tmp_path / "sweep")  # inline spans to 4.2 s; the recording from 1 s to 5 s
    app = make_app(folder, **FAST)
    async with app.run_test(size=(150, 40)) as pilot:
        screen = await open_replay(pilot)
        assert screen.timeline.duration_ms == 5000
        await pilot.press("end")
        with (folder / "run.cast").open("a") as handle:
            handle.write(json.dumps([6.0, "o", "written later\r\n"]) + "\n")
        await wait_for(pilot, lambda: screen.timeline.duration_ms == 7000)
        assert screen.clock.position == 7000
        await wait_for(pilot, lambda: "written later" in terminal_text(app))
        assert "● live: following the end" in screen_text(app)


def test_partial_views_are_built_again_only_while_worth_their_cost() -> None:
    from cabtui.ui.screens.sweep import worth_rebuilding

    assert not worth_rebuilding(150, 100, 0.0, 10.0)  # not doubled yet
    assert worth_rebuilding(200, 100, 0.0, 10.0)  # the first rebuild: no cost known
    assert worth_rebuilding(120_000, 60_000, 0.2, 9.0)  # 0.4 s foreseen, 0.45 s allowed
    assert not worth_rebuilding(120_000, 60_000, 0.2, 7.0)  # 0.4 s foreseen, 0.35 s allowed
    assert not worth_rebuilding(200, 100, 0.0, None)  # no rate yet: no time left known
