"""Pilot tests of the pair screen: opened from the grid (m, c), the cells table, a cell page's
reruns and the Compare screen; stepped with right (both panes on their matched spans, their
terminals at those moments) and played with space on one clock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from cabtui.ui.app import make_app
from cabtui.ui.screens.cell import CellScreen
from cabtui.ui.screens.compare import CompareScreen
from cabtui.ui.screens.pair import PairScreen
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.screens.sweeps import SweepsScreen

from .helpers import cell, on_screen, screen_text, shown, wait_for, write_sweep

TASK = "polyglot/rust"


def _span(span_id: str, kind: str, start: float, duration: float, parent: str | None = "root") -> dict[str, Any]:
    return {"span_id": span_id, "parent_id": parent, "kind": kind, "name": span_id, "start_ms": start,
            "duration_ms": duration}  # fmt: skip


def _cast(path: Path, lines: list[tuple[float, str]]) -> str:
    events = [json.dumps({"version": 2, "width": 30, "height": 6})]
    events += [json.dumps([t, "o", text + "\r\n"]) for t, text in lines]
    path.write_text("\n".join(events) + "\n")
    return path.name


def traced_pair(folder: Path, *, sweep_id: str = "pair-sweep", right_passes: bool = True) -> Path:
    """aider (fails, quick) and opencode (passes, slower, one more model call) on one task,
    each with an inline trace and its own recording whose lines say what happened when."""
    folder.mkdir(parents=True, exist_ok=True)
    left_spans = [
        _span("root", "adapter_run", 0, 4_000, None),
        _span("L-call0", "model_call", 200, 300),
        _span("L-tool0", "tool_call", 1_000, 100),
        _span("L-call1", "model_call", 1_500, 300),
    ]
    right_spans = [
        _span("root", "adapter_run", 0, 6_000, None),
        _span("R-call0", "model_call", 600, 300),
        _span("R-tool0", "tool_call", 2_500, 100),
        _span("R-call1", "model_call", 3_500, 300),
        _span("R-call2", "model_call", 5_000, 300),
    ]
    left_cast = _cast(folder / "left.cast", [(0.1, "L-start"), (1.2, "L-after-tool"), (2.0, "L-end")])
    right_cast = _cast(folder / "right.cast", [(0.1, "R-start"), (2.8, "R-after-tool"), (4.0, "R-end")])
    records = [
        cell("aider", "m", TASK, passed=False, spans=left_spans,
             artifacts={"recording": left_cast, "recording_offset_ms": 0}),
        cell("opencode", "m", TASK, passed=right_passes, spans=right_spans,
             artifacts={"recording": right_cast, "recording_offset_ms": 0}),
    ]  # fmt: skip
    return write_sweep(folder, records, sweep_id=sweep_id)


class FakeTime:
    """The app's time source, moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def _ready_pair(pilot: Pilot[Any]) -> PairScreen:
    """The pair screen with both records read and both recordings loaded."""
    screen: PairScreen = await on_screen(
        pilot, PairScreen, ready=lambda s: all(h.loaded and h.player is not None for h in s.halves.values())
    )
    await pilot.pause()
    return screen


async def _pair_from_grid(pilot: Pilot[Any]) -> PairScreen:
    await on_screen(pilot, SweepScreen)
    await pilot.press("m", "down", "c")  # aider × m marked, opencode × m picked
    return await _ready_pair(pilot)


async def test_marking_a_square_then_c_on_another_opens_both_side_by_side(tmp_path: Path) -> None:
    app = make_app(traced_pair(tmp_path / "sweep"), get_time=FakeTime())
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await _pair_from_grid(pilot)
        left, right = screen.halves["left"].pick, screen.halves["right"].pick
        assert (left.row.tui, left.label, right.row.tui, right.label) == ("aider", "marked", "opencode", "picked")
        text = await shown(pilot)
        assert "aider × m" in text and "opencode × m" in text
        assert "Δ right − left" in text and "+1.000" in text  # pass 0 -> 1
        assert "≠" in text  # the breakdown marks keys that differ
        assert "L-start" not in text and "R-start" not in text  # t = 0: nothing printed yet
        await pilot.press("escape")
        assert isinstance(app.screen, SweepScreen)


async def test_right_steps_both_panes_to_the_nth_span_of_the_same_kind(tmp_path: Path) -> None:
    app = make_app(traced_pair(tmp_path / "sweep"), get_time=FakeTime())
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await _pair_from_grid(pilot)
        await pilot.press("right")  # the roots, both at 0
        await pilot.press("right")  # the first model calls: left 200 ms, right 600 ms
        assert screen.position == 600.0
        assert screen.pair.side_time("left", screen.position, screen.cursor) == 200.0
        text = await shown(pilot)
        assert "model_call 1 of 2: L-call0" in text and "model_call 1 of 3: R-call0" in text
        assert "left delayed 400 ms" in text
        await pilot.press("right", "right")  # tool calls, then the second model calls: 1.5 s and 3.5 s
        assert screen.position == 3_500.0
        text = await shown(pilot)
        assert "model_call 2 of 2: L-call1" in text and "model_call 2 of 3: R-call1" in text
        # Each terminal at its own side's moment: the left at 1.5 s, the right at 3.5 s.
        assert "L-after-tool" in text and "L-end" not in text
        assert "R-after-tool" in text and "R-end" not in text
        await pilot.press("right")  # the right's third model call: the left has none
        text = await shown(pilot)
        assert "model_call 3 of 3: R-call2" in text and "no model_call 3 here (this run has 2 model_call)" in text
        await pilot.press("left", "left")
        text = await shown(pilot)
        assert "tool_call 1 of 1: L-tool0" in text and "tool_call 1 of 1: R-tool0" in text


async def test_space_plays_both_on_one_clock_and_home_puts_both_at_their_start(tmp_path: Path) -> None:
    clock = FakeTime()
    app = make_app(traced_pair(tmp_path / "sweep"), get_time=clock)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await _pair_from_grid(pilot)
        await pilot.press("space")
        assert screen.playing
        clock.now += 2.5  # 2.5 s at 1x: the left at 2.5 s, the right at 2.5 s (no shift yet)
        await wait_for(pilot, lambda: screen.position == 2_500.0)
        text = await shown(pilot)
        assert "L-end" in text and "R-start" in text and "R-after-tool" not in text
        await pilot.press("space", "comma", "comma")  # pause; back 200 ms on both
        assert not screen.playing and screen.position == 2_300.0
        assert "L-end" in await shown(pilot)
        await pilot.press("right")  # the next step still ahead from here
        await pilot.press("home")
        assert screen.position == 0.0 and screen.cursor.shift_left == screen.cursor.shift_right == 0.0
        await pilot.press("full_stop")
        assert screen.position == 100.0
        assert "L-start" in await shown(pilot)


async def test_d_lists_only_the_breakdown_keys_that_differ_and_o_opens_one_side(tmp_path: Path) -> None:
    app = make_app(traced_pair(tmp_path / "sweep"), get_time=FakeTime())
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await _pair_from_grid(pilot)
        every = len(screen.keys)
        await pilot.press("d")
        assert 0 < len(screen.keys) < every and all(k.differs for k in screen.keys)
        assert "keys differ (d: all)" in await shown(pilot)
        await pilot.press("O")
        page = await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        assert page.row.tui == "opencode"
        await pilot.press("escape")
        assert app.screen is screen


async def test_a_cell_without_trace_or_recording_still_opens_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "sweep"
    traced_pair(folder)
    with (folder / "cells.jsonl").open("a") as f:
        f.write(json.dumps(cell("zed", "m", TASK, passed=True)) + "\n")
    app = make_app(folder, get_time=FakeTime())
    async with app.run_test(size=(160, 45)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("m", "down", "down", "c")  # aider beside zed (no trace, no recording)
        screen = await on_screen(pilot, PairScreen, ready=lambda s: all(h.loaded for h in s.halves.values()))
        await wait_for(pilot, lambda: screen.halves["left"].player is not None)
        text = await shown(pilot)
        assert "no trace (not recorded)" in text and "no recording: not recorded" in text
        await pilot.press("right", "right")  # steps move the side that has spans
        assert "model_call 1 of 2: L-call0" in await shown(pilot)


async def test_two_cells_without_trace_or_recording_say_when_their_records_are_read(tmp_path: Path) -> None:
    """Nothing but the records to load: the status line must still leave "loading the records…"."""
    folder = tmp_path / "sweep"
    write_sweep(folder, [cell("aider", "m", TASK, passed=False), cell("zed", "m", TASK, passed=True)])
    app = make_app(folder, get_time=FakeTime())
    async with app.run_test(size=(160, 45)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("2", "m", "down", "c")
        await on_screen(pilot, PairScreen, ready=lambda s: all(h.loaded for h in s.halves.values()))
        await pilot.pause()
        text = await shown(pilot)
        assert "loading the records" not in text and "keys differ" in text


async def test_the_cells_table_marks_a_row_and_c_with_no_mark_compares_two_runs(tmp_path: Path) -> None:
    records = [cell("aider", "m", TASK, passed=True, run=1), cell("aider", "m", TASK, passed=False, run=2)]
    records.append(cell("goose", "m", TASK, passed=True))
    app = make_app(write_sweep(tmp_path / "sweep", records), get_time=FakeTime())
    said: list[str] = []
    real = app.notify
    app.notify = lambda message, **kw: (said.append(message), real(message, **kw))[1]  # type: ignore[method-assign]
    async with app.run_test(size=(160, 45)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("3", "end", "c")  # goose ran once, and nothing is marked
        await wait_for(pilot, lambda: any("ran once" in n for n in said))
        await pilot.press("home", "c")  # aider run 1: its other run
        screen = await on_screen(pilot, PairScreen, ready=lambda s: all(h.loaded for h in s.halves.values()))
        assert [h.pick.label for h in screen.halves.values()] == ["run 1", "run 2"]
        await pilot.press("escape", "m")
        assert "◆ pass" in await shown(pilot)
        await pilot.press("end", "c")
        screen = await on_screen(pilot, PairScreen, ready=lambda s: all(h.loaded for h in s.halves.values()))
        assert [(h.pick.row.tui, h.pick.label) for h in screen.halves.values()] == [
            ("aider", "marked"),
            ("goose", "picked"),
        ]


async def test_c_on_a_cell_page_compares_the_run_that_disagrees(tmp_path: Path) -> None:
    records = [cell("aider", "m", TASK, passed=p, run=n) for n, p in ((1, True), (2, True), (3, False))]
    app = make_app(write_sweep(tmp_path / "sweep", records), get_time=FakeTime())
    async with app.run_test(size=(160, 45)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("3", "enter")  # run 1
        await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        await pilot.press("c")
        screen = await on_screen(pilot, PairScreen, ready=lambda s: all(h.loaded for h in s.halves.values()))
        assert [h.pick.row.run for h in screen.halves.values()] == [1, 3]
        assert "pass" in await shown(pilot) and "FAIL" in screen_text(app)


@pytest.fixture
def two_traced(tmp_path: Path) -> Path:
    root = tmp_path / "results"
    for name, day, passes in (("old", "01", True), ("new", "10", False)):
        folder = traced_pair(root / name, sweep_id=f"sweep-{name}", right_passes=passes)
        lines = (folder / "cells.jsonl").read_text().splitlines()
        stamped = []
        for line in lines:
            record = json.loads(line)
            record["started_at"], record["ended_at"] = f"2026-06-{day}T00:00:00Z", f"2026-06-{day}T00:01:00Z"
            stamped.append(json.dumps(record))
        (folder / "cells.jsonl").write_text("\n".join(stamped) + "\n")
    return root


async def test_enter_on_a_changed_cell_of_compare_opens_before_and_after_side_by_side(two_traced: Path) -> None:
    app = make_app(two_traced, get_time=FakeTime())
    async with app.run_test(size=(160, 45)) as pilot:
        sweeps = await on_screen(pilot, SweepsScreen)
        index = [s.sweep_id for s in sweeps.results.sweeps].index("sweep-new")
        await pilot.press("home", *["down"] * index, "c")
        compare = await on_screen(pilot, CompareScreen, ready=lambda s: s.comparison is not None)
        await pilot.press("2", "enter")  # opencode × m broke
        screen = await _ready_pair(pilot)
        assert [h.pick.label for h in screen.halves.values()] == ["BEFORE sweep-old", "AFTER sweep-new"]
        assert [h.pick.row.sweep_id for h in screen.halves.values()] == ["sweep-old", "sweep-new"]
        assert "−1.000" in await shown(pilot)
        await pilot.press("escape", "o")  # o: the AFTER cell's own page, as enter did before
        page = await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        assert page.sweep.sweep_id == "sweep-new"
        await pilot.press("escape")
        assert app.screen is compare


async def test_the_palette_marks_and_compares_as_the_keys_do(tmp_path: Path) -> None:
    app = make_app(traced_pair(tmp_path / "sweep"), get_time=FakeTime())
    async with app.run_test(size=(160, 45)) as pilot:
        sweep = await on_screen(pilot, SweepScreen)
        await pilot.press("ctrl+p", *"compare cells mark")
        await wait_for(pilot, lambda: "Compare cells: mark pair-sweep/aider/m/polyglot/rust" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: sweep.marked_cell is not None and app.screen is sweep)
        await pilot.press("down", "ctrl+p", *"compare cells")
        arrow = "Compare cells: pair-sweep/aider/m/polyglot/rust ↔ pair-sweep/opencode/m/polyglot/rust"
        await wait_for(pilot, lambda: arrow in screen_text(app))
        await pilot.press("down", "enter")  # the first hit marks; the second compares
        screen = await _ready_pair(pilot)
        assert [h.pick.row.tui for h in screen.halves.values()] == ["aider", "opencode"]
