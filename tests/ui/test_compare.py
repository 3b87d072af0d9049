"""Pilot tests of the Compare screen: picked on the sweeps screen or the palette, sorted, cells opened."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from cabtui.data.results import Comparison, Sweep
from cabtui.ui.app import make_app
from cabtui.ui.screens import compare as compare_module
from cabtui.ui.screens.cell import CellScreen
from cabtui.ui.screens.compare import CompareScreen
from cabtui.ui.screens.pair import PairScreen
from cabtui.ui.screens.sweeps import SweepsScreen

from .helpers import cell, on_screen, screen_text, shown, wait_for, write_sweep
from .test_markup import BROKEN, CLICK, parsed  # noqa: F401 - `parsed` is a fixture

OLD = {"t1": True, "t2": False, "t3": True, "t4": True}
NEW = {"t1": False, "t2": True, "t3": True, "t5": True, "t6": True}
"""aider × m: t1 broke, t2 fixed, t4 removed, t5 and t6 added; opencode × m unchanged."""


def two_sweeps(root: Path, old: str = "sweep-old", new: str = "sweep-new") -> Path:
    """NEW first on disk, OLD started first in time."""
    for folder, name, outcomes, day in (("a", new, NEW, "10"), ("b", old, OLD, "01")):
        when = {"started_at": f"2026-06-{day}T00:00:00Z", "ended_at": f"2026-06-{day}T00:01:00Z"}
        records = [cell("aider", "m", f"c/{task}", passed=p, **when) for task, p in outcomes.items()]
        records.append(cell("opencode", "m", "c/t1", passed=True, **when))
        write_sweep(root / folder, records, sweep_id=name)
    return root


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return two_sweeps(tmp_path / "results")


async def _highlight(pilot: Pilot[Any], sweep_id: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, SweepsScreen)
    index = [s.sweep_id for s in screen.results.sweeps].index(sweep_id)
    await pilot.press("home", *["down"] * index)


def notes(app: Any) -> list[str]:
    """Every notification the app is asked for, as it is asked (the toasts are not in screenshots)."""
    said: list[str] = []
    real = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        said.append(message)
        real(message, **kwargs)

    app.notify = notify
    return said


async def _compared(pilot: Pilot[Any]) -> CompareScreen:
    screen: CompareScreen = await on_screen(pilot, CompareScreen, ready=lambda s: s.comparison is not None)
    return screen


async def test_mark_then_compare_shows_groups_and_changed_cells(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(160, 40)) as pilot:
        await on_screen(pilot, SweepsScreen)
        await _highlight(pilot, "sweep-new")
        await pilot.press("m")  # NEW as BEFORE this time: the mark decides, not time
        assert "BEFORE" in await shown(pilot)
        await _highlight(pilot, "sweep-old")
        await pilot.press("c")
        screen = await _compared(pilot)
        assert (screen.before.sweep_id, screen.after.sweep_id) == ("sweep-new", "sweep-old")
        text = await shown(pilot)
        assert "4/5 80% [" in text and "3/4 75% [" in text
        assert "−5.0" in text  # 80% -> 75%
        assert [c.change for c in screen.comparison.cells] == ["broke", "fixed", "removed", "removed", "added"]
        await pilot.press("escape")
        assert isinstance(app.screen, SweepsScreen)


async def test_compare_without_a_mark_takes_the_sweep_before_in_time(root: Path) -> None:
    app = make_app(root)
    said = notes(app)
    async with app.run_test(size=(160, 40)) as pilot:
        await on_screen(pilot, SweepsScreen)
        await _highlight(pilot, "sweep-old")
        await pilot.press("c")
        await wait_for(pilot, lambda: any("No sweep started before this one" in n for n in said))
        assert isinstance(app.screen, SweepsScreen)
        await _highlight(pilot, "sweep-new")
        await pilot.press("c")
        screen = await _compared(pilot)
        assert (screen.before.sweep_id, screen.after.sweep_id) == ("sweep-old", "sweep-new")
        text = await shown(pilot)
        assert "3/4 75% [" in text and "4/5 80% [" in text and "+5.0" in text
        assert "1 broke, 1 fixed, 1 removed, 2 added" in text
        assert [c.change for c in screen.comparison.cells] == ["broke", "fixed", "removed", "added", "added"]


async def test_the_palette_compares_a_sweep_with_the_one_before_it(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(160, 40)) as pilot:
        await on_screen(pilot, SweepsScreen)
        await pilot.press("ctrl+p", *"compare")
        await wait_for(pilot, lambda: "Compare: sweep-old → sweep-new" in screen_text(app))
        await pilot.press("enter")
        screen = await _compared(pilot)
        assert (screen.before.sweep_id, screen.after.sweep_id) == ("sweep-old", "sweep-new")


async def test_s_sorts_the_groups_and_marks_the_column(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(160, 40)) as pilot:
        await on_screen(pilot, SweepsScreen)
        await _highlight(pilot, "sweep-new")
        await pilot.press("c")
        screen = await _compared(pilot)
        assert [g.tui for g in screen.groups] == ["aider", "opencode"]
        assert "CLI▲" in await shown(pilot)
        await pilot.press("S")
        assert screen.group_sort == ("tui", True)
        assert [g.tui for g in screen.groups] == ["opencode", "aider"]
        assert "CLI▼" in await shown(pilot)
        await pilot.press("s", "s", "s", "s")  # model, before, after, Δ pass: still descending
        assert screen.group_sort == ("delta", True)
        assert [g.tui for g in screen.groups] == ["aider", "opencode"]  # +5.0 before ±0.0
        assert "Δ pass pt▼" in await shown(pilot)


async def test_o_on_a_changed_cell_opens_the_after_cell_or_the_before_one_when_removed(root: Path) -> None:
    app = make_app(root)
    said = notes(app)
    async with app.run_test(size=(160, 40)) as pilot:
        await on_screen(pilot, SweepsScreen)
        await _highlight(pilot, "sweep-new")
        await pilot.press("c")
        screen = await _compared(pilot)
        await pilot.press("2", "enter")  # broke: aider × m c/t1, on both sides: the pair
        pair = await on_screen(pilot, PairScreen, ready=lambda s: all(h.loaded for h in s.halves.values()))
        assert [h.pick.row.sweep_id for h in pair.halves.values()] == ["sweep-old", "sweep-new"]
        await pilot.press("escape", "o")  # o: the AFTER cell's own page
        page = await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        assert page.sweep.sweep_id == "sweep-new"
        assert (page.row.tui, page.row.task, page.row.passed) == ("aider", "c/t1", False)
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("down", "down", "enter")  # removed: c/t4, only in BEFORE: enter opens its page
        page = await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        assert (page.sweep.sweep_id, page.row.task) == ("sweep-old", "c/t4")
        cells = screen.query_one("#compare-cells")
        assert cells.cursor_row == 2
        await pilot.press("escape", "tab", "enter")  # enter on a group: its first changed cell
        assert screen.focused is cells and cells.cursor_row == 0
        await pilot.press("1", "down", "enter")  # opencode × m: nothing changed
        assert screen.focused is screen.query_one("#compare-groups")
        await wait_for(pilot, lambda: "No cell of this group changed." in said)


async def test_the_screen_says_comparing_until_the_worker_posts(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    go = threading.Event()
    real = compare_module.compare_sweeps

    def slow(before: Sweep, after: Sweep) -> Comparison:
        go.wait(5)
        return real(before, after)

    monkeypatch.setattr(compare_module, "compare_sweeps", slow)
    app = make_app(root)
    async with app.run_test(size=(160, 40)) as pilot:
        await on_screen(pilot, SweepsScreen)
        await _highlight(pilot, "sweep-new")
        await pilot.press("c")
        screen = await on_screen(pilot, CompareScreen)
        assert "comparing…" in await shown(pilot) and screen.comparison is None
        go.set()
        await _compared(pilot)
        assert "comparing…" not in await shown(pilot)


async def test_sweeps_named_in_markup_show_literally(tmp_path: Path, parsed: list[str]) -> None:  # noqa: F811
    root = two_sweeps(tmp_path / "results", old=CLICK, new=BROKEN)
    app = make_app(root)
    async with app.run_test(size=(200, 40)) as pilot:
        await on_screen(pilot, SweepsScreen)
        await _highlight(pilot, CLICK)
        await pilot.press("m")
        await pilot.press("ctrl+p", *"compare")
        await wait_for(pilot, lambda: f"Compare: {CLICK} → {BROKEN}" in screen_text(app))
        await pilot.press("enter")
        await _compared(pilot)
        text = await shown(pilot)
        assert f"BEFORE {CLICK}" in text and f"AFTER {BROKEN}" in text
        await pilot.press("question_mark")
        await shown(pilot)
    assert app.return_code in (None, 0) and not parsed
