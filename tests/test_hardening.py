"""Inputs a second read of the code found to crash or leak; each must now end in a message."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cabtui.cli.main import main
from cabtui.data.results.head import CELL_HEAD
from cabtui.data.results.index import Source
from cabtui.data.results.loader import load
from cabtui.data.results.query import Square, leaderboard
from cabtui.data.term import screen_text_at
from cabtui.ui.app import make_app
from cabtui.ui.screens.cell import CellScreen
from cabtui.ui.screens.replay import ReplayScreen
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.screens.sweep_panes import CellsPane, LeaderboardPane
from cabtui.ui.widgets.grid import square_text

from .ui.helpers import cell, on_screen, shown, write_sweep

BIG = "9" * 400


def write_lines(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def test_nan_beside_an_unknown_axis_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_lines(
        tmp_path / "s" / "cells.jsonl",
        [
            '{"tui":"a","model":"m","task":"c/t","foo":NaN,"scores":{"custom":{"custom":1}}}',
            '{"tui":"a","model":"m","task":"c/u","scores":{"custom":{"custom":' + BIG + "}}}",
        ],
    )
    assert main(["summary", str(tmp_path)]) == 0
    assert main(["validate", str(tmp_path)]) in (0, 1)
    assert "Traceback" not in capsys.readouterr().err


def test_huge_token_totals_do_not_break_the_leaderboard(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = cell("a", "m", "c/t", passed=True)
    record["scores"]["tokens"]["total_tokens"] = int(BIG)
    write_sweep(tmp_path / "s", [record])
    assert main(["summary", "--json", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)[0]["tokens_per_correct"] is None


def test_tokens_per_correct_counts_recorded_cells_only() -> None:
    source = Source(Path("x"), Path("."))

    def row(task: str, tokens: dict[str, int] | None):  # noqa: ANN202
        scores: dict[str, object] = {"pass_rate": {"pass": 1}}
        if tokens is not None:
            scores["tokens"] = tokens
        return CellRow_from({"tui": "a", "model": "m", "task": task, "scores": scores}, source)

    both = [row("c/a", {"total_tokens": 1000, "model_calls": 1}), row("c/b", {"total_tokens": 3000, "model_calls": 2})]
    assert leaderboard(both)[0].tokens_per_correct == 2000
    one = [row("c/a", {"total_tokens": 1000, "model_calls": 1}), row("c/b", None), row("c/c", None)]
    assert leaderboard(one)[0].tokens_per_correct == 1000


def CellRow_from(record: dict[str, object], source: Source):  # noqa: ANN201, N802
    from cabtui.data.results.index import CellRow

    return CellRow.from_head(CELL_HEAD.validate_python(record), "s", source, 1, 0)


@pytest.mark.parametrize(
    "event",
    [
        f'[{BIG}, "o", "x"]',
        "[" * 100_000 + "]" * 100_000,
        '[0.5, "o", "\\u001b[' + "9" * 5000 + 'Ahello"]',
        '[0.5, "r", "' + "9" * 5000 + 'x1"]',
        '[0.5, "o", "\\u001b[38;5;' + "9" * 5000 + 'mhello"]',
    ],
)
def test_hostile_recordings_end_in_a_frame_or_a_message(tmp_path: Path, event: str) -> None:
    path = tmp_path / "a.cast"
    path.write_text('{"version": 2, "width": 20, "height": 3, "idle_time_limit": ' + BIG + "}\n" + event + "\n")
    screen_text_at(path, 1.0)  # no exception: bad events are problems, huge numbers are clamped


def test_non_utf8_folder_names_print(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = Path(os.fsdecode(bytes(tmp_path) + b"/sw\xff"))
    write_sweep(folder, [cell("a", "m", "c/t", passed=True)], sweep_id="")
    (folder / "sweep.json").unlink()
    assert main(["summary", "--json", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)[0]["sweep_id"] == "sw\ufffd"


def test_dot_path_takes_the_folder_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_sweep(tmp_path / "named-sweep", [cell("a", "m", "c/t", passed=True)])
    (folder / "sweep.json").unlink()
    monkeypatch.chdir(folder)
    assert load(Path(".")).sweeps[0].sweep_id == "named-sweep"


def test_a_span_past_a_floats_range_is_a_problem(tmp_path: Path) -> None:
    from cabtui.data.results.artifacts import load_artifacts
    from cabtui.data.results.loader import read_cell

    folder = write_sweep(tmp_path / "s", [cell("a", "m", "c/t", passed=True, artifacts={"trace": "t.jsonl"})])
    write_lines(
        folder / "t.jsonl",
        ['{"span_id":"s1","start_ms":1e308,"duration_ms":1e308}', '{"span_id":"s2","start_ms":1,"duration_ms":2}'],
    )
    row = load(folder).sweeps[0].cells[0]
    got = load_artifacts(read_cell(row), row.source)  # type: ignore[arg-type]
    assert [s.span_id for s in got.spans] == ["s2"]
    assert "float" in got.problems[0].message


def test_many_runs_fit_their_square() -> None:
    record = CellRow_from(
        {"tui": "a", "model": "m", "task": "c/t", "scores": {"pass_rate": {"pass": 1}}}, Source(Path("x"), Path("."))
    )
    assert square_text(Square((record,) * 12)) == "all"
    assert square_text(Square((record,) * 3)) == "3/3"


MARKUP = "[bold red]RED[/] [/oops] [link=https://evil.example]click[/link]"


async def test_markup_and_escapes_in_a_cell_show_as_text(tmp_path: Path) -> None:
    record = cell(
        "aider",
        "m/x",
        "polyglot/t",
        passed=False,
        container_image="img\x1b]0;pwned\x07\x9b2J",
        spans=[{"span_id": "s", "kind": "tool_call", "name": MARKUP, "start_ms": 0, "duration_ms": 1}],
        model_calls=[{"index": 0, "start_ms": 0, "finish_reason": "[/x]"}],
        artifacts={"recording": "\x1b]0;pwned\x07.cast"},
    )
    record["scores"]["pass_rate"]["[/x]"] = 1
    folder = write_sweep(tmp_path / "s", [record], sweep_id="[/x]")
    app = make_app(folder)
    async with app.run_test(size=(200, 90)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("enter")
        await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        text = await shown(pilot)
        assert MARKUP in text and "[/x]" in text
        assert "\x1b" not in text and "\x9b" not in text and "␛]0;pwned␇" in text
        await pilot.press("r")  # the recording is missing: a notice that quotes the path, not markup
        await pilot.press("t")
        await on_screen(pilot, ReplayScreen)
        await pilot.press("right")
        assert MARKUP in await shown(pilot)
        await pilot.press("escape", "escape", "ctrl+p")
        await pilot.pause()
        assert "Open sweep: [/x]" in await shown(pilot)


async def test_leaderboard_enter_lists_exactly_that_pair(tmp_path: Path) -> None:
    records = [
        cell("aider", "m/x", "c/t", passed=True),
        cell("aider", "m/x", "c/u", passed=False),
        cell("aider-pro", "m/x-fast", "c/t", passed=True),
    ]
    app = make_app(write_sweep(tmp_path / "s", records))
    async with app.run_test(size=(160, 30)) as pilot:
        screen = await on_screen(pilot, SweepScreen)
        await pilot.press("1")
        rows = screen.query_one(LeaderboardPane)._leader_rows
        index = next(i for i, r in enumerate(rows) if r.tui == "aider")
        screen.query_one("#leaderboard-table").cursor_row = index
        await pilot.press("enter")
        assert {(r.tui, r.model) for r in screen.query_one(CellsPane).shown} == {("aider", "m/x")}
        assert len(screen.query_one(CellsPane).shown) == 2
