"""The leaderboard tab shows each pass rate's 95% interval and pass@k / pass^k across reruns, sortable."""

from __future__ import annotations

from pathlib import Path

from cabtui.data.results.query import LeaderRow
from cabtui.ui.app import make_app
from cabtui.ui.renderables.columns import LEADER_TABLE, leader_columns, leader_text
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.screens.sweep_panes import LeaderboardPane
from cabtui.ui.widgets.table import Column

from .helpers import cell, on_screen, shown, write_sweep

OUTCOMES = {"polyglot/a": (True, True, True), "polyglot/b": (False, True, False), "polyglot/c": (False, False, False)}
"""aider's 3 tasks x 3 runs: 4 of 9 pass, pass@3 2/3, pass^3 1/3; goose passes everything."""


def records() -> list[dict[str, object]]:
    out = []
    for task, outcomes in OUTCOMES.items():
        out += [cell("aider", "m1", task, passed=p, run=run) for run, p in enumerate(outcomes, 1)]
        out += [cell("goose", "m1", task, passed=True, run=run) for run in (1, 2, 3)]
    return out


async def test_leaderboard_shows_the_interval_and_pass_at_k_and_sorts_by_it(tmp_path: Path) -> None:
    folder = write_sweep(tmp_path / "results" / "reruns", records(), sweep_id="reruns")
    app = make_app(folder.parent)
    async with app.run_test(size=(160, 30)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("1")
        text = await shown(pilot)
        assert "pass@3" in text and "pass^3" in text  # both groups rerun each task 3 times
        aider = next(line for line in text.splitlines() if line.startswith("aider"))
        assert aider.split()[4:8] == ["44%", "19–73", "67%", "33%"]  # passed 4, rate, interval, pass@3, pass^3
        goose = next(line for line in text.splitlines() if line.startswith("goose"))
        assert goose.split()[4:8] == ["100%", "70–100", "100%", "100%"]
        pane = app.screen.query_one(LeaderboardPane)
        for _ in LEADER_TABLE:
            if pane.leader_sort[0] == "pass_all_k":
                break
            await pilot.press("s")
        assert pane.leader_sort == ("pass_all_k", True)
        assert "pass^3▼" in await shown(pilot)
        assert [r.tui for r in pane._leader_rows] == ["goose", "aider"]
        await pilot.press("S")
        assert "pass^3▲" in await shown(pilot)
        assert [r.tui for r in pane._leader_rows] == ["aider", "goose"]


def _row(tui: str, k: int | None, rate: float | None) -> LeaderRow:
    return LeaderRow(tui, "m", 4, 2, 0.5, None, None, None, None, None, None, (0.15, 0.85), k, rate, rate)


def test_the_header_names_k_only_when_the_rows_share_it() -> None:
    def labels(rows: list[LeaderRow]) -> list[str]:
        return [c.label for c in leader_columns(rows) if c.key in ("pass_at_k", "pass_all_k")]

    def texts(rows: list[LeaderRow], key: str) -> list[str]:
        column: Column = next(c for c in leader_columns(rows) if c.key == key)
        return [leader_text(r, column)[0] for r in rows]

    shared = [_row("a", 3, 0.5), _row("b", None, None)]
    assert labels(shared) == ["pass@3", "pass^3"]
    assert texts(shared, "pass_at_k") == ["50%", "—"]
    mixed = [_row("a", 3, 0.5), _row("b", 2, 1.0)]
    assert labels(mixed) == ["pass@k", "pass^k"]
    assert texts(mixed, "pass_all_k") == ["50% k=3", "100% k=2"]
    assert texts(mixed, "pass_rate") == ["50% 15–85", "50% 15–85"]
