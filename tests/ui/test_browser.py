"""Pilot tests of the browser: the keys of the sweeps, sweep and cell screens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cabtui.ui.app import make_app
from cabtui.ui.screens.cell import CellScreen
from cabtui.ui.screens.help import HelpScreen
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.screens.sweep_panes import CellsPane, LeaderboardPane
from cabtui.ui.screens.sweeps import SweepsScreen
from cabtui.ui.widgets.grid import HEADER_LINES, GridView
from cabtui.ui.widgets.table import VirtualTable

from .helpers import (
    ESCAPES,
    PUBLIC_CELLS,
    cell,
    mini_records,
    on_screen,
    screen_text,
    shown,
    wait_for,
    write_sweep,
)


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return write_sweep(tmp_path / "results" / "mini-sweep", mini_records(), extra_lines=("{not json", '{"tui": "x"}'))


async def test_several_sweeps_open_on_the_sweeps_screen_and_enter_opens_one(tmp_path: Path) -> None:
    folder = tmp_path / "fixtures"
    folder.mkdir()
    (folder / "public-cells.jsonl").write_bytes(PUBLIC_CELLS.read_bytes())
    app = make_app(folder)
    async with app.run_test(size=(160, 40)) as pilot:
        await on_screen(pilot, SweepsScreen)
        text = await shown(pilot)
        assert "newmodels-20260620" in text and "expansion-20260616" in text and "free-20260527" in text
        await pilot.press("down", "down", "enter")
        await on_screen(pilot, SweepScreen)
        assert app.screen.sweep.sweep_id == "expansion-20260616"
        assert len(app.screen.sweep.cells) == 6
        await pilot.press("escape")
        assert isinstance(app.screen, SweepsScreen)


async def test_grid_cursor_moves_and_enter_opens_the_cell(mini: Path) -> None:
    app = make_app(mini.parent)
    async with app.run_test(size=(140, 40)) as pilot:
        await on_screen(pilot, SweepScreen)
        grid = app.screen.query_one(GridView)
        # columns: integrity first (categories sorted), then polyglot tasks sorted
        assert grid.grid.columns == (
            "integrity/unsolvable-refusal",
            "polyglot/java-exception-handling",
            "polyglot/rust-lifetime-fix",
        )
        await pilot.press("right", "right")
        assert grid.cursor == (2, 0)
        text = await shown(pilot)
        assert "aider × meta/llama-3.3-70b-instruct · polyglot/rust-lifetime-fix · mixed · 2 runs, 1 passed" in text
        assert "1/2" in text  # the rerun square shows k of n
        await pilot.press("down")
        assert grid.cursor == (2, 1)
        await pilot.press("left", "enter")
        await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        opened = app.screen.opened
        assert (opened.cell.tui, opened.cell.model, opened.cell.task) == (
            "aider",
            "openai/gpt-oss-120b",
            "polyglot/java-exception-handling",
        )
        assert "TIMED OUT" in await shown(pilot)
        assert "adapter timed out after 630s (outer guard)" in await shown(pilot)


async def test_axis_key_recolours_and_names_the_axis(mini: Path) -> None:
    app = make_app(mini.parent)
    async with app.run_test(size=(140, 40)) as pilot:
        await on_screen(pilot, SweepScreen)
        assert "colour: Pass (higher is better" in await shown(pilot)
        await pilot.press("a")
        assert app.screen.query_one(GridView).axis == "tokens"
        assert "colour: Tokens/correct (lower is better" in await shown(pilot)


async def test_cells_filter_failed_only_and_sort(mini: Path) -> None:
    app = make_app(mini.parent)
    async with app.run_test(size=(160, 40)) as pilot:
        await on_screen(pilot, SweepScreen)
        screen = app.screen
        cells = screen.query_one(CellsPane)
        await pilot.press("3")
        assert screen.active_tab == "cells"
        assert len(cells.shown) == 13
        passed = sum(1 for r in screen.sweep.cells if r.passed)
        assert f"13 of 13 cells  ·  {passed} passed" in await shown(pilot)
        await pilot.press("slash", *"tui:opencode", "enter")
        assert {r.tui for r in cells.shown} == {"opencode"}
        assert len(cells.shown) == 6
        passed = sum(1 for r in cells.shown if r.passed)
        assert f"6 of 13 cells  ·  {passed} passed" in await shown(pilot)
        await pilot.press("f")
        assert all(not r.passed for r in cells.shown)
        assert "4 of 13 cells  ·  0 passed" in await shown(pilot)
        assert [r.task for r in cells.shown] == ["polyglot/rust-lifetime-fix", "polyglot/java-exception-handling"] * 2
        await pilot.press("slash", "ctrl+u", *"status:timed", "enter")
        assert [r.outcome for r in cells.shown] == ["timed_out"]
        await pilot.press("f", "slash", "ctrl+u", "enter")
        assert len(cells.shown) == 13
        await pilot.press("s")  # sort by the first column: status
        assert cells.cell_sort == ("status", False)
        await pilot.press("S")
        assert cells.cell_sort == ("status", True)
        outcomes = [r.outcome for r in cells.shown]
        assert outcomes == sorted(outcomes, reverse=True)


async def test_problems_tab_lists_file_and_line(mini: Path) -> None:
    app = make_app(mini.parent)
    async with app.run_test(size=(160, 30)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("4")
        text = await shown(pilot)
        assert "cells.jsonl:14" in text and "not JSON" in text
        assert "cells.jsonl:15" in text and "not a cell record" in text


async def test_leaderboard_sorts_and_enter_filters_cells(mini: Path) -> None:
    app = make_app(mini.parent)
    async with app.run_test(size=(160, 30)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("1")
        table = app.screen.query_one("#leaderboard-table", VirtualTable)
        leaderboard, cells = app.screen.query_one(LeaderboardPane), app.screen.query_one(CellsPane)
        assert table.row_count == 4
        first = leaderboard._leader_rows[0]
        assert first.tui == "aider"
        assert leaderboard.leader_sort == ("mean_composite", True)  # the default order, best first
        await pilot.press("S", *["s"] * 10)  # composite ascending, then round the columns to pass_rate
        assert leaderboard.leader_sort == ("pass_rate", False)
        rates = [r.pass_rate for r in leaderboard._leader_rows]
        assert rates == sorted(rates)
        await pilot.press("enter")
        assert app.screen.active_tab == "cells"
        row = leaderboard._leader_rows[0]
        assert {(r.tui, r.model) for r in cells.shown} == {(row.tui, row.model)}


async def test_cell_page_shows_the_record_and_n_p_walk_failed_cells(mini: Path) -> None:
    app = make_app(mini.parent)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(160, 60)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("3", "enter")
        await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        page = app.screen
        expected_id = "mini-sweep/aider/meta/llama-3.3-70b-instruct/polyglot/rust-lifetime-fix#run1"
        assert page.opened.cell.cell_id == expected_id
        text = await shown(pilot)
        for expected in (
            "Pass",
            "1.000",
            "Tokens/correct",
            "150",
            "Wall",
            "4.00 s",
            "Composite",
            "0.900",
            "Run identity",
            "codingagentbench/aider:v1",
            "Scorer breakdown",
        ):
            assert expected in text
        await pilot.press("y")
        assert copied and "docker pull codingagentbench/aider:v1@sha256:abc123" in copied[0]
        assert "--task polyglot/rust-lifetime-fix" in copied[0]
        order = page.order
        await pilot.press("n")
        await wait_for(pilot, lambda: page.opened is not None and page.opened.row is not order[0])
        first_failed = next(r for r in order if r.failed)
        assert page.opened.row is first_failed
        await pilot.press("n")
        second = [r for r in order if r.failed][1]
        await wait_for(pilot, lambda: page.opened.row is second)
        await pilot.press("p")
        await wait_for(pilot, lambda: page.opened.row is first_failed)
        await pilot.press("escape")
        assert isinstance(app.screen, SweepScreen)


async def test_no_control_character_from_a_record_reaches_the_screen(tmp_path: Path) -> None:
    record = cell(f"ai{ESCAPES[:5]}der", "m/x", "polyglot/t1", passed=False)
    record["scores"]["pass_rate"]["stdout_tail"] = ESCAPES + "\n[bold]not markup[/bold]\n"
    record["status_detail"] = "detail " + ESCAPES
    folder = write_sweep(tmp_path / "s", [record])
    app = make_app(folder)
    async with app.run_test(size=(160, 80)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("enter")
        await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        text = await shown(pilot)
        assert "␛[31mRED␛[0m ␛]0;pwned␇ bell␇ csi\\x9b2J" in text
        assert "[bold]not markup[/bold]" in text
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text


async def test_help_lists_the_keys_of_the_screen(mini: Path) -> None:
    app = make_app(mini.parent)
    async with app.run_test(size=(140, 50)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = await shown(pilot)
        for key, does in (("a", "Colour the grid by the next axis"), ("enter", "Open cell")):
            assert any(line.count(key) and does in line for line in text.splitlines()), (key, does)
        assert "Filter cells" not in text  # a Cells key: the grid's help lists only what works here
        await pilot.press("escape", "3", "question_mark")
        text = await shown(pilot)
        for key, does in (("/", "Filter cells"), ("f", "Show only cells that did not pass"), ("enter", "Open")):
            assert any(line.count(key) and does in line for line in text.splitlines()), (key, does)
        await pilot.press("escape")
        assert isinstance(app.screen, SweepScreen)


async def test_palette_jumps_to_a_cell(mini: Path) -> None:
    app = make_app(mini.parent)
    async with app.run_test(size=(140, 40)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("ctrl+p", *"opencode gpt-oss java")
        await wait_for(pilot, lambda: "Open cell: mini-sweep/opencode/openai/gpt-oss-120b" in screen_text(app))
        await pilot.press("enter")
        await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        assert app.screen.opened.cell.task == "polyglot/java-exception-handling"
        assert app.screen.opened.cell.tui == "opencode"


async def test_unreadable_path_says_why(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_for(pilot, lambda: "no sweep here" in " ".join(screen_text(app).split()))


async def test_a_fast_load_opens_its_sweep_without_a_loading_screen(
    mini: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cabtui.ui import app as app_module

    monkeypatch.setattr(app_module, "LOADING_DELAY_S", 5.0)  # "fast" on any machine
    made: list[object] = []
    monkeypatch.setattr(app_module.LoadingScreen, "on_mount", lambda screen: made.append(screen))
    app = make_app(mini.parent)
    async with app.run_test(size=(120, 30)) as pilot:
        await on_screen(pilot, SweepScreen)
        assert [type(s).__name__ for s in app.screen_stack] == ["Screen", "SweepScreen"]
    assert made == []


async def test_a_slow_load_shows_its_progress_then_the_sweep(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from cabtui.ui import app as app_module
    from cabtui.ui import feed as feed_module

    release = threading.Event()
    real_index = feed_module.GrowingIndex

    def slow_index(path: Path, **kwargs: object) -> object:
        release.wait(10)
        return real_index(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(feed_module, "GrowingIndex", slow_index)
    app = make_app(mini.parent)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: "Loading" in screen_text(app))
        assert isinstance(app.screen, app_module.LoadingScreen)
        assert str(mini.parent.name) in screen_text(app)
        release.set()
        await on_screen(pilot, SweepScreen)
        assert len(app.screen_stack) == 2  # the loading screen was replaced, not stacked under


def test_records_written_are_json() -> None:
    assert json.loads(json.dumps(mini_records()[0]))["tui"] == "aider"


async def test_the_footer_shows_each_tabs_keys_and_reuses_its_key_widgets(mini: Path) -> None:
    from textual.widget import Widget

    from cabtui.ui.widgets.footer import footer_keys

    app = make_app(mini.parent)
    async with app.run_test(size=(160, 40)) as pilot:
        await on_screen(pilot, SweepScreen)

        async def footer() -> tuple[str, list[Widget]]:
            """The footer line as read on screen, and the key widgets on show."""
            text = (await shown(pilot)).rstrip("\n").splitlines()[-1]
            return text, [key for key in footer_keys(app.screen.query("*")) if key.display]

        grid_line, on_grid = await footer()
        assert "a Axis" in grid_line and "Sort" not in grid_line and "^p palette" in grid_line
        await pilot.press("3")
        cells_line, on_cells = await footer()
        assert all(word in cells_line for word in ("s Sort", "S Reverse", "/ Filter", "f Failed only"))
        assert "Axis" not in cells_line
        # Textual signals a bindings change on every focus move; same keys, same widgets.
        await pilot.press("f", "down")
        app.screen.refresh_bindings()
        assert await footer() == (cells_line, on_cells)
        # The filter box takes the letter keys; leaving it shows the very same widgets again.
        await pilot.press("slash")
        typing_line, _ = await footer()
        assert "s Sort" not in typing_line
        await pilot.press("enter")
        assert await footer() == (cells_line, on_cells)
        # Back on the grid: its keys, from the widgets first mounted for it.
        await pilot.press("2")
        assert await footer() == (grid_line, on_grid)


async def test_table_rows_follow_cursor_focus_and_theme(mini: Path) -> None:
    """The cells table keeps its built rows; a cursor move, focus or a theme still shows at once."""
    app = make_app(mini.parent)
    async with app.run_test(size=(160, 40)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("3")
        await pilot.pause()
        table = app.screen.query_one(CellsPane).cells_table

        def background(y: int) -> object:
            return list(table.render_line(y))[0].style.bgcolor  # type: ignore[union-attr]

        focused_cursor, plain = background(1), background(2)
        assert focused_cursor != plain
        await pilot.press("down")
        assert (background(1), background(2)) == (plain, focused_cursor)
        app.set_focus(None)  # the table loses focus: a dimmer cursor row
        await pilot.pause()
        blurred_cursor = background(2)
        assert blurred_cursor not in (focused_cursor, plain)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert background(2) != blurred_cursor and background(1) != plain


async def test_grid_squares_follow_the_cursor_and_the_theme(mini: Path) -> None:
    """The grid keeps its drawn lines; a cursor move or a new theme still shows at once."""
    app = make_app(mini.parent)
    async with app.run_test(size=(160, 40)) as pilot:
        await on_screen(pilot, SweepScreen)
        grid = app.screen.query_one(GridView)
        first_row = HEADER_LINES  # below the header lines

        def styles(y: int) -> list[object]:
            return [segment.style for segment in grid.render_line(y)]

        before = styles(first_row)
        await pilot.press("down")
        assert styles(first_row) != before  # the cursor left this row
        assert styles(first_row + 1) != styles(first_row)
        unfocused = styles(first_row)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert styles(first_row) != unfocused


async def test_opening_a_sweep_builds_its_views_off_the_ui_thread_once(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    import cabtui.ui.app as app_module
    from cabtui.data.results.query import sweep_views

    folder = tmp_path / "fixtures"
    folder.mkdir()
    (folder / "public-cells.jsonl").write_bytes(PUBLIC_CELLS.read_bytes())
    built: list[str] = []
    release = threading.Event()

    def slow_views(cells: list) -> object:  # as a 100,000-cell sweep would take
        built.append(cells[0].sweep_id)
        release.wait(5)
        return sweep_views(cells)

    monkeypatch.setattr(app_module, "sweep_views", slow_views)
    app = make_app(folder)
    async with app.run_test(size=(160, 40)) as pilot:
        sweeps = await on_screen(pilot, SweepsScreen)
        table = sweeps.query_one(VirtualTable)
        await pilot.press("enter")
        await wait_for(pilot, lambda: built == ["newmodels-20260620"])
        # Still on the sweeps screen, and it answers keys while the views are built.
        await pilot.press("down")
        assert isinstance(app.screen, SweepsScreen) and table.cursor_row == 1
        release.set()
        screen = await on_screen(pilot, SweepScreen)
        assert screen.sweep.sweep_id == "newmodels-20260620"
        grid = screen.grid
        await pilot.press("escape")
        await pilot.press("up", "enter")
        screen = await on_screen(pilot, SweepScreen)
        assert screen.grid is grid and built == ["newmodels-20260620"]  # built once


async def test_an_unknown_status_shows_in_every_tab_without_a_crash(tmp_path: Path) -> None:
    records = mini_records()
    records[1]["status"] = "OK"  # not a status the format names (it is case-sensitive)
    records[2]["status"] = "Crashed"
    folder = write_sweep(tmp_path / "odd", records)
    app = make_app(folder)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await on_screen(pilot, SweepScreen)
        assert "4 Problems (2)" in await shown(pilot)
        await pilot.press("3")
        text = await shown(pilot)
        assert "ok?" in text and "crashed" in text
        await pilot.press("slash", *"status:crash", "enter")
        assert [r.status for r in screen.query_one(CellsPane).shown] == ["Crashed"]
        await pilot.press("1", "2", "4")
        assert "status 'OK' is none of ok, timed_out, incompatible, error" in await shown(pilot)


async def test_keys_typed_in_a_burst_after_slash_go_to_the_filter_box(mini: Path) -> None:
    """A paste, or a fast typist: every key after `/` lands in the box, none runs a binding."""
    from textual import events

    app = make_app(mini.parent)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await on_screen(pilot, SweepScreen)
        await pilot.press("3")
        cells = screen.query_one(CellsPane)
        for key, char in [("slash", "/"), ("s", "s"), ("slash", "/"), ("f", "f"), ("j", "j")]:
            app.post_message(events.Key(key, char))  # queued together, as a terminal delivers a paste
        await pilot.pause()
        assert cells.filter_box.value == "s/fj"
        assert (cells.cell_sort, cells.failed_only, cells.cells_table.cursor_row) == (None, False, 0)
        await pilot.press("slash", "x")  # in the box, `/` is text
        assert cells.filter_box.value == "s/fj/x"
        await pilot.press("enter")
        assert cells.query_text == "s/fj/x" and app.focused is cells.cells_table
