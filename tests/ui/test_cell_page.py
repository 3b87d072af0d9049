"""Pilot tests of the cell page: real keys pressed, what is on screen asserted."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList

from cabtui.data.results.index import CellRow
from cabtui.ui.app import make_app
from cabtui.ui.screens import cell as cell_screen
from cabtui.ui.screens.cell import CellScreen
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.widgets.table import VirtualTable

from .helpers import cell, mini_records, on_screen, shown, wait_for, write_sweep


def _shown(screen: Any) -> bool:
    """Some result is on the page (a full record, or the index row with a problem)."""
    return screen.opened is not None or getattr(screen, "shown_row", None) is not None


async def _open_first(pilot: Any) -> CellScreen:
    await on_screen(pilot, SweepScreen)
    await pilot.press("3", "enter")
    screen: CellScreen = await on_screen(pilot, CellScreen, ready=_shown)
    return screen


async def test_an_exception_reading_the_cell_shows_a_problem_and_the_index_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_sweep(tmp_path / "s", [cell("aider", "m/x", "polyglot/t", passed=False)])

    def broken(row: CellRow) -> Any:
        raise ValueError("cells.jsonl changed under us")

    monkeypatch.setattr(cell_screen, "open_record", broken)
    app = make_app(folder)
    async with app.run_test(size=(160, 60)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "cells.jsonl changed under us" in _text(app))
        text = await shown(pilot)
        assert f"{folder / 'cells.jsonl'}:1: cannot be read again: ValueError: cells.jsonl changed under us" in text
        assert "aider × m/x" in text and "polyglot/t" in text  # from the index row
        assert "0.000" in text and "0.300" in text  # the row's headlines on the tiles
        assert "mini-sweep/aider/m/x/polyglot/t" in text
        await pilot.press("n", "y", "t", "r", "v")  # nothing to act on: nothing breaks
        assert isinstance(app.screen, CellScreen) and app.is_running


def _text(app: Any) -> str:
    from .helpers import screen_text

    return " ".join(screen_text(app).split())


async def test_five_thousand_extra_axes_make_seven_tiles_and_a_table(tmp_path: Path) -> None:
    record = cell("aider", "m/x", "polyglot/t", passed=True)
    record["scores"].update({f"extra{i}": {f"extra{i}": i / 3} for i in range(5000)})
    app = make_app(write_sweep(tmp_path / "s", [record]))
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await _open_first(pilot)
        assert len(screen.query(".tile")) == 7
        table = screen.query_one("#extra-axes", VirtualTable)
        assert table.display and table.row_count == 5000
        text = await shown(pilot)
        assert "Other axes" in text and "extra1" in text and "0.333" in text


async def test_blast_without_file_lists_says_not_recorded(tmp_path: Path) -> None:
    record = cell("aider", "m/x", "polyglot/t", passed=False)
    record["scores"]["blast_radius"] = {"blast_radius": 0.909}
    app = make_app(write_sweep(tmp_path / "s", [record]))
    async with app.run_test(size=(160, 120)) as pilot:
        await _open_first(pilot)
        text = await shown(pilot)
        assert "files changed: not recorded" in text and "blast_radius  0.909" in text
        assert "added (0)" not in text and "modified (0)" not in text


TAIL = "\x1b[1;31merror\x1b[0m: it broke\nprogress 10%\rprogress 100%\n"


async def test_tails_render_as_the_terminal_showed_them_and_v_shows_them_raw(tmp_path: Path) -> None:
    record = cell("aider", "m/x", "polyglot/t", passed=False)
    record["scores"]["pass_rate"]["stdout_tail"] = TAIL
    app = make_app(write_sweep(tmp_path / "s", [record]))
    async with app.run_test(size=(160, 120)) as pilot:
        screen = await _open_first(pilot)
        text = await shown(pilot)
        assert "error: it broke" in text and "progress 100%" in text
        assert "␛" not in text and "␍" not in text and "progress 10%" not in text
        await pilot.press("v")
        assert screen.raw_tails
        text = await shown(pilot)
        assert "␛[1;31merror␛[0m: it broke" in text and "progress 10%␍progress 100%" in text
        assert "\x1b" not in text and "\r" not in text
        await pilot.press("v")
        assert "error: it broke" in await shown(pilot)


async def test_a_late_result_for_an_earlier_cell_is_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    real = cell_screen.open_record
    app = make_app(write_sweep(tmp_path / "s", mini_records()))
    first_failed: list[CellRow] = []

    def slow_for_the_first_failed(row: CellRow) -> Any:
        if first_failed and row is first_failed[0]:
            release.wait(timeout=20)
        return real(row)

    monkeypatch.setattr(cell_screen, "open_record", slow_for_the_first_failed)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await _open_first(pilot)
        failed = [r for r in screen.order if r.failed]
        first_failed.append(failed[0])
        await pilot.press("n", "n")  # the first failed cell's read waits; the second's lands first
        await wait_for(pilot, lambda: screen.opened is not None and screen.opened.row is failed[1])
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.opened.row is failed[1]
        assert failed[1].cell_id in screen.opened.cell.cell_id
        assert screen.row is failed[1]


async def test_elsewhere_is_a_list_you_move_in_and_open_and_runs_switch(tmp_path: Path) -> None:
    app = make_app(write_sweep(tmp_path / "s", mini_records()))
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await _open_first(pilot)
        assert screen.opened is not None and screen.opened.cell.run == 1
        await pilot.press("e")
        elsewhere = screen.query_one("#elsewhere", OptionList)
        assert app.focused is elsewhere
        text = await shown(pilot)
        assert "Other runs of this cell" in text
        assert any("✗ FAIL" in line and "run 2" in line for line in text.splitlines())
        await pilot.press("home", "enter")  # the first cell listed: run 2
        await wait_for(pilot, lambda: screen.opened is not None and screen.opened.cell.run == 2)
        assert "run 2" in await shown(pilot)
        await pilot.press("e", "home", "enter")  # run 2 lists run 1: back again
        await wait_for(pilot, lambda: screen.opened is not None and screen.opened.cell.run == 1)
        await pilot.press("e", "down", "down", "enter")  # past the group name: another CLI on this task
        await wait_for(pilot, lambda: screen.opened is not None and screen.opened.cell.tui == "opencode")
        assert screen.opened.cell.task == "polyglot/rust-lifetime-fix"


async def test_model_call_prompt_and_completion_are_shown(tmp_path: Path) -> None:
    record = cell(
        "aider",
        "m/x",
        "polyglot/t",
        passed=True,
        model_calls=[
            {
                "index": 0,
                "prompt_tokens": 12,
                "completion_tokens": 3,
                "prompt": "Fix the \x1b[31mbug[/red] in lib.rs",
                "completion": "Done: added 'a.",
            }
        ],
    )
    app = make_app(write_sweep(tmp_path / "s", [record]))
    async with app.run_test(size=(160, 120)) as pilot:
        await _open_first(pilot)
        text = await shown(pilot)
        assert "#0 prompt (32 chars)" in text and "Fix the ␛[31mbug[/red] in lib.rs" in text
        assert "#0 completion (15 chars)" in text and "Done: added 'a." in text


async def test_end_shows_the_last_line_of_the_page(tmp_path: Path) -> None:
    app = make_app(write_sweep(tmp_path / "s", mini_records()))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_first(pilot)
        await pilot.press("end")
        page = screen.query_one("#cell-page")
        assert page.scroll_y == page.max_scroll_y
        lines = [line.strip() for line in (await shown(pilot)).splitlines() if line.strip()]
        assert lines[-2] == "none" and "Problems reading this cell" in lines[-4]
        await pilot.press("home")
        assert page.scroll_y == 0


async def test_numbers_read_alike_and_missing_values_are_dashes(tmp_path: Path) -> None:
    record = cell("aider", "m/x", "integrity/t", passed=True)
    record["scores"]["latency"] = {"wall_clock_ms": 13504.996000000001}
    record["scores"]["refusal"] = {"refusal": 1, "not_applicable": False}
    app = make_app(write_sweep(tmp_path / "s", [record]))
    async with app.run_test(size=(160, 120)) as pilot:
        await _open_first(pilot)
        text = await shown(pilot)
        lines = [" ".join(line.split()) for line in text.splitlines()]
        assert "wall_clock_ms 13504.996" in lines and "pass 1" in lines
        assert "started_at 2026-06-17T06:24:19.840770Z" in lines and "duration 3.99 s" in lines
        assert "plugin_stack —" in lines and "behavior_mode —" in lines and "model_build_id —" in lines
        assert "13.50 s" in text  # the Wall tile, as the tables show it
        raw = text.splitlines()
        row = next(i for i, line in enumerate(raw) if "Refusal" in line)
        x = raw[row].index("Refusal")
        assert raw[row + 1][x - 4 : x + 11].strip() == "1.000" and raw[row + 2][x - 4 : x + 11].strip() == "yes"


async def test_tile_labels_never_break_mid_word(tmp_path: Path) -> None:
    app = make_app(write_sweep(tmp_path / "s", mini_records()))
    for size in ((120, 40), (100, 40), (70, 40), (160, 40)):
        async with app.run_test(size=size) as pilot:
            await _open_first(pilot)
            text = await shown(pilot)
            assert "Tokens/correct" in text and "Composite" in text and "Integrity" in text, size
        app = make_app(write_sweep(tmp_path / "s", mini_records()))
