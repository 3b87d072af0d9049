"""Search in the app: g from any screen, hits as they arrive, enter opens the moment, n / N step."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from cabtui.ui.app import CabApp, make_app
from cabtui.ui.screens.cell import CellScreen
from cabtui.ui.screens.help import HelpScreen
from cabtui.ui.screens.player import PlayerScreen
from cabtui.ui.screens.replay import ReplayScreen
from cabtui.ui.screens.search import SearchScreen
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.widgets.terminal_view import TerminalView
from tests.data.test_search import make_sweep

from .helpers import on_screen, screen_text, shown, wait_for


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg"


@pytest.fixture
def sweep(tmp_path: Path) -> Path:
    """The rust cell has a recording and a trace; the c cell only a recording (conventional path)."""
    folder = make_sweep(tmp_path)
    target = folder / "cells/opencode/m/x/polyglot/c/recording.cast"
    target.parent.mkdir(parents=True)
    shutil.copy(folder / "cells/rust/recording.cast", target)
    return folder


async def search_for(pilot: Pilot[Any], text: str) -> SearchScreen:
    await on_screen(pilot, SweepScreen)
    await pilot.press("g")
    screen: SearchScreen = await on_screen(pilot, SearchScreen)
    await pilot.press(*text)
    await wait_for(pilot, lambda: "hits for" in screen_text(pilot.app) and not screen._searching)
    return screen


def hit_rows(app: CabApp) -> list[str]:
    return [line.strip() for line in screen_text(app).splitlines() if "·" not in line and line.startswith("   ")]


async def choose(pilot: Pilot[Any], screen: SearchScreen, where: str, task: str) -> None:
    """Highlight the first hit of `where` in the cell of `task`, with the real keys, and press enter."""
    await pilot.press("enter")  # from the box to the list
    hits = screen.session.hits
    wanted = next(i for i, h in enumerate(hits) if h.where == where and h.row.task == task)
    hit_list = screen.query_one(OptionList)
    for _ in range(100):
        option = hit_list.highlighted_option
        if option is not None and option.id == str(wanted):
            break
        await pilot.press("down")
    await pilot.press("enter")


async def test_g_opens_search_from_the_sweep_and_hits_come_grouped_by_cell(sweep: Path) -> None:
    app = make_app(sweep)
    async with app.run_test(size=(140, 40)) as pilot:
        await on_screen(pilot, SweepScreen)
        assert "g Search" in await shown(pilot)
        screen = await search_for(pilot, "Traceback")
        text = await shown(pilot)
        assert "sweep/opencode/m/x/polyglot/rust" in text and "sweep/opencode/m/x/polyglot/c" in text
        assert "recording" in text and "stderr_tail" in text and "2.75 s" in text, text
        wheres = [(h.row.task, h.where) for h in screen.session.hits]
        assert wheres == sorted(wheres, key=lambda w: w[0] != "polyglot/rust")  # one cell's hits together
        await pilot.press("escape")
        assert isinstance(app.screen, SweepScreen)
        await pilot.press("g")  # the same search again
        again = await on_screen(pilot, SearchScreen)
        assert again.session is screen.session and "Traceback" in await shown(pilot)


async def test_enter_on_a_recording_hit_opens_the_replay_at_that_moment_with_the_line_marked(sweep: Path) -> None:
    app = make_app(sweep)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await search_for(pilot, "Traceback")
        await choose(pilot, screen, "recording", "polyglot/rust")
        replay = await on_screen(pilot, ReplayScreen, ready=lambda s: s.player is not None)
        await wait_for(pilot, lambda: replay.position >= 2750)
        assert replay.position == pytest.approx(2750, abs=1)
        view = replay.query_one(TerminalView)
        assert view.marked == "Traceback"
        assert view.frame is not None and any("Traceback" in line for line in view.frame.text_lines())
        assert "t = 2 750 ms" in await shown(pilot)


async def test_a_recording_hit_without_a_trace_opens_the_player(sweep: Path) -> None:
    app = make_app(sweep)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await search_for(pilot, "Traceback")
        await choose(pilot, screen, "recording", "polyglot/c")
        player = await on_screen(pilot, PlayerScreen, ready=lambda s: s.player is not None)
        await wait_for(pilot, lambda: player.position >= 2750)
        assert player.position == pytest.approx(2750, abs=1)
        assert player.query_one(TerminalView).marked == "Traceback"
        assert "Traceback" in await shown(pilot)


async def test_a_span_hit_opens_the_replay_on_that_span(sweep: Path) -> None:
    app = make_app(sweep)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await search_for(pilot, "panicked")
        await choose(pilot, screen, "span", "polyglot/rust")
        replay = await on_screen(pilot, ReplayScreen)
        await wait_for(pilot, lambda: replay.selected is not None)
        assert replay.selected is not None and replay.selected.span_id == "tool"
        assert replay.position == 2500
        assert "panicked" in await shown(pilot)


async def test_n_and_shift_n_step_through_the_hits_from_where_you_are(sweep: Path) -> None:
    app = make_app(sweep)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await search_for(pilot, "Traceback")
        hits = screen.session.hits
        assert [h.where for h in hits[:2]] == ["stderr_tail", "recording"]
        await choose(pilot, screen, "stderr_tail", "polyglot/rust")
        page = await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        assert "Traceback" in await shown(pilot)  # scrolled to the scorer breakdown
        assert page.section is None
        await pilot.press("n")  # next hit: the rust cell's recording
        replay = await on_screen(pilot, ReplayScreen, ready=lambda s: s.player is not None)
        await wait_for(pilot, lambda: replay.position >= 2750)
        assert screen.session.current == 1
        await pilot.press("n")  # the c cell's tail: back to search, then its page
        other = await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        assert other.row.task == "polyglot/c"
        await pilot.press("N")
        back = await on_screen(pilot, ReplayScreen)
        assert back is not replay and screen.session.current == 1
        await pilot.press("question_mark", "end")  # the replay's keys fill more than the window: to the app's
        help_text = await shown(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "The next search hit" in help_text and "The previous search hit" in help_text


async def test_on_a_cell_page_not_opened_from_a_hit_n_is_still_next_failed(sweep: Path) -> None:
    app = make_app(sweep)
    async with app.run_test(size=(140, 40)) as pilot:
        await search_for(pilot, "Traceback")
        await pilot.press("escape")
        await on_screen(pilot, SweepScreen)
        await pilot.press("enter")
        page = await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        first = page.row
        await pilot.press("n")
        await wait_for(pilot, lambda: page.row is not first)
        assert isinstance(app.screen, CellScreen)
        assert "Next failed" in await shown(pilot) and "Next hit" not in await shown(pilot)


async def test_the_palette_opens_search(sweep: Path) -> None:
    app = make_app(sweep)
    async with app.run_test(size=(140, 40)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"search every")
        await wait_for(pilot, lambda: "Search: every cell" in screen_text(app))
        await pilot.press("enter")
        await on_screen(pilot, SearchScreen)


async def test_a_bad_regex_says_so(sweep: Path) -> None:
    app = make_app(sweep)
    async with app.run_test(size=(140, 40)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("g")
        await on_screen(pilot, SearchScreen)
        await pilot.press(*"re:(")
        await wait_for(pilot, lambda: "not a regular expression" in screen_text(app))


async def test_a_regex_that_backtracks_without_end_says_so_and_the_next_search_runs(sweep: Path) -> None:
    import json

    from tests.data.test_search import record

    cells = sweep / "cells.jsonl"
    cells.write_text(cells.read_text() + json.dumps(record("evil", status_detail="a" * 60 + "!")) + "\n")
    app = make_app(sweep)
    async with app.run_test(size=(140, 40)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("g")
        screen = await on_screen(pilot, SearchScreen)
        await pilot.press(*"re:(a|a)+$")
        await wait_for(pilot, lambda: "took too long" in screen_text(app) and not screen._searching)
        await pilot.press(*["backspace"] * 10, *"lifetime")
        await wait_for(pilot, lambda: "hits for lifetime" in screen_text(app))


async def test_a_progress_bar_shows_while_recordings_are_indexed(sweep: Path) -> None:
    from textual.widgets import ProgressBar

    app = make_app(sweep)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await search_for(pilot, "Traceback")
        bar = screen.query_one(ProgressBar)
        assert not bar.display  # done: no bar
        # What the worker posts while recordings are still being indexed (the fixture's two are fast).
        screen.post_message(SearchScreen.Found(screen.generation, [], 1, 3))
        await pilot.pause()
        assert bar.display and bar.progress == 1 and bar.total == 3
        assert "indexing recordings: 1 of 3" in await shown(pilot)
        screen.post_message(SearchScreen.Found(screen.generation - 1, [], 2, 3))  # an older search's: dropped
        await pilot.pause()
        assert bar.progress == 1
        screen.post_message(SearchScreen.Found(screen.generation, [], 0, 0, final=True))
        await pilot.pause()
        assert not bar.display
