"""Queries over indexed cells: the filter language, sorting, the leaderboard, the grid pivot, summaries."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cabtui.data.results import Sweep, load
from cabtui.data.results.fields import AXES
from cabtui.data.results.filter import Query, filter_cells, parse_query
from cabtui.data.results.head import CELL_HEAD
from cabtui.data.results.index import CellRow, Source
from cabtui.data.results.query import (
    axes_of,
    leaderboard,
    neighbours,
    pivot,
    sort_cells,
    sort_leaderboard,
    summarize,
    sweep_views,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "public"
PUBLIC = FIXTURES / "public-cells.jsonl"
SOURCE = Source(path=Path("cells.jsonl"), folder=Path("."))


def row(
    tui: str = "aider",
    model: str = "m1",
    task: str = "polyglot/a",
    *,
    passed: float | None = 0,
    run: int | None = None,
    exit_code: int | None = 0,
    status: str | None = None,
    composite: float | None = None,
    wall: float | None = None,
    tokens: int | None = None,
    blast: float | None = None,
    refusal: float | None = None,
    refusal_na: bool = False,
    integrity: float | None = None,
    extra: dict[str, Any] | None = None,
    started: str | None = None,
    ended: str | None = None,
) -> CellRow:
    scores: dict[str, Any] = {}
    if passed is not None:
        scores["pass_rate"] = {"pass": passed}
    if composite is not None:
        scores["composite"] = {"composite": composite}
    if wall is not None:
        scores["latency"] = {"wall_clock_ms": wall}
    if tokens is not None:
        scores["tokens"] = {
            "total_tokens": tokens,
            "model_calls": 1 if tokens else 0,
            "tokens_per_correct_task": tokens,
        }
    if blast is not None:
        scores["blast_radius"] = {"blast_radius": blast}
    if refusal is not None:
        scores["refusal"] = {"refusal": refusal, "not_applicable": refusal_na}
    if integrity is not None:
        scores["integrity"] = {"integrity": integrity, "not_applicable": False}
    scores.update(extra or {})
    record: dict[str, Any] = {
        "tui": tui,
        "model": model,
        "task": task,
        "scores": scores,
        "exit_code": exit_code,
        "started_at": started,
        "ended_at": ended,
    }
    if status is not None:
        record["status"] = status
    if run is not None:
        record["run"] = run
        record["cell_id"] = f"s/{tui}/{model}/{task}#run{run}"
    extra = {k: v for k, v in record["scores"].items() if k not in AXES}
    return CellRow.from_head(CELL_HEAD.validate_python(record), "s", SOURCE, 1, 0, extra)


def public_rows() -> list[CellRow]:
    results = load(PUBLIC)
    assert results.problems == []
    return [r for s in results.sweeps for r in s.cells]


# --- parse_query ---------------------------------------------------------------------------------


def test_parse_empty() -> None:
    q = parse_query("")
    assert q == Query()
    assert q.empty
    assert parse_query("   ").empty


def test_parse_words_terms_and_negation() -> None:
    q = parse_query("Rust tui:aider TUI:Goose -model:meta status:fail -lifetime category:polyglot")
    assert q.words == ("rust",)
    assert q.terms == (("tui", ("aider", "goose")), ("status", ("fail",)), ("category", ("polyglot",)))
    assert q.negated == (("model", "meta"), ("", "lifetime"))
    assert q.errors == ()
    assert not q.empty


def test_parse_quoted_words() -> None:
    q = parse_query('"rust lifetime" task:"polyglot/rust-lifetime-fix"')
    assert q.words == ("rust lifetime",)
    assert q.terms == (("task", ("polyglot/rust-lifetime-fix",)),)


def test_parse_unbalanced_quote_falls_back_to_words() -> None:
    q = parse_query('"rust tui:aider')
    assert q.words == ('"rust',)
    assert q.terms == (("tui", ("aider",)),)


def test_parse_unknown_field_is_an_error() -> None:
    q = parse_query("colour:red tui:aider")
    assert q.errors == ("unknown field 'colour' (use tui, model, task, category, status)",)
    assert q.terms == (("tui", ("aider",)),)
    assert q.words == ()


def test_parse_lone_dash_is_a_word() -> None:
    assert parse_query("-").words == ("-",)


def test_parse_empty_value_term() -> None:
    q = parse_query("tui:")
    assert q.terms == (("tui", ("",)),)


# --- filter --------------------------------------------------------------------------------------


def ids(rows: list[CellRow]) -> list[str]:
    return [r.cell_id for r in rows]


EXPANSION = "expansion-20260616"
FREE = "free-20260527"


def test_filter_empty_query_keeps_everything_in_order() -> None:
    rows = public_rows()
    assert filter_cells(rows, parse_query("")) == rows


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "tui:aider",
            {
                f"{EXPANSION}/aider/meta/llama-4-maverick-17b-128e-instruct/integrity/unsolvable-refusal",
                f"{FREE}/aider/openai/gpt-oss-120b/integrity/unsolvable-refusal#run1",
            },
        ),
        (
            "tui:aider tui:goose",
            {
                f"{EXPANSION}/aider/meta/llama-4-maverick-17b-128e-instruct/integrity/unsolvable-refusal",
                f"{FREE}/aider/openai/gpt-oss-120b/integrity/unsolvable-refusal#run1",
                f"{EXPANSION}/goose/meta/llama-4-maverick-17b-128e-instruct/polyglot/java-exception-handling",
            },
        ),
        ("model:gpt-oss", {f"{FREE}/aider/openai/gpt-oss-120b/integrity/unsolvable-refusal#run1"}),
        ("model:minimax", {"newmodels-20260620/opencode/minimaxai/minimax-m3/polyglot/rust-error-handling"}),
        (
            "task:rust",
            {
                "newmodels-20260620/opencode/minimaxai/minimax-m3/polyglot/rust-error-handling",
                f"{FREE}/opencode/meta/llama-3.3-70b-instruct/polyglot/rust-lifetime-fix",
            },
        ),
        ("status:timed_out", {"newmodels-20260620/opencode/minimaxai/minimax-m3/polyglot/rust-error-handling"}),
        (
            "status:pass",
            {
                f"{FREE}/opencode/meta/llama-3.3-70b-instruct/polyglot/rust-lifetime-fix",
                f"{EXPANSION}/pi/meta/llama-3.3-70b-instruct/integrity/unsolvable-refusal",
                f"{FREE}/aider/openai/gpt-oss-120b/integrity/unsolvable-refusal#run1",
            },
        ),
        (
            "category:integrity status:pass",
            {
                f"{EXPANSION}/pi/meta/llama-3.3-70b-instruct/integrity/unsolvable-refusal",
                f"{FREE}/aider/openai/gpt-oss-120b/integrity/unsolvable-refusal#run1",
            },
        ),
        ("LIFETIME", {f"{FREE}/opencode/meta/llama-3.3-70b-instruct/polyglot/rust-lifetime-fix"}),
        (
            "free meta",
            {
                f"{FREE}/opencode/meta/llama-3.3-70b-instruct/polyglot/rust-lifetime-fix",
                f"{FREE}/qwen-code/meta/llama-3.3-70b-instruct/polyglot/java-exception-handling",
            },
        ),
        ("#run1", {f"{FREE}/aider/openai/gpt-oss-120b/integrity/unsolvable-refusal#run1"}),
        (
            "category:polyglot -model:maverick -status:fail",
            {
                "newmodels-20260620/opencode/minimaxai/minimax-m3/polyglot/rust-error-handling",
                f"{FREE}/opencode/meta/llama-3.3-70b-instruct/polyglot/rust-lifetime-fix",
            },
        ),
        ("integrity -expansion", {f"{FREE}/aider/openai/gpt-oss-120b/integrity/unsolvable-refusal#run1"}),
        ("tui:nothing-like-this", set()),
    ],
)
def test_filter_on_public_cells(text: str, expected: set[str]) -> None:
    got = filter_cells(public_rows(), parse_query(text))
    assert set(ids(got)) == expected
    assert len(got) == len(expected)


def test_status_fail_vs_failed() -> None:
    rows = public_rows()
    fail = filter_cells(rows, parse_query("status:fail"))
    failed = filter_cells(rows, parse_query("status:failed"))
    assert len(fail) == 6  # tests failed, harness finished
    assert {r.outcome for r in fail} == {"fail"}
    assert len(failed) == 7  # anything but a pass, the timeout too
    assert {r.outcome for r in failed} == {"fail", "timed_out"}
    assert filter_cells(rows, parse_query("-status:pass")) == failed


def test_failed_only() -> None:
    rows = public_rows()
    failed = filter_cells(rows, parse_query(""), failed_only=True)
    assert len(failed) == 7
    assert all(not r.passed for r in failed)
    assert ids(failed) == [r.cell_id for r in rows if not r.passed]
    aider_failed = filter_cells(rows, parse_query("tui:aider"), failed_only=True)
    assert ids(aider_failed) == [
        f"{EXPANSION}/aider/meta/llama-4-maverick-17b-128e-instruct/integrity/unsolvable-refusal"
    ]


def test_filter_status_incompatible_and_error() -> None:
    rows = [row(status="incompatible"), row(tui="goose", status="error"), row(tui="pi", passed=1)]
    assert [r.tui for r in filter_cells(rows, parse_query("status:incompatible"))] == ["aider"]
    assert [r.tui for r in filter_cells(rows, parse_query("status:error"))] == ["goose"]
    assert [r.tui for r in filter_cells(rows, parse_query("status:ok"))] == ["pi"]
    assert [r.tui for r in filter_cells(rows, parse_query("status:failed"))] == ["aider", "goose"]


# --- sort ----------------------------------------------------------------------------------------


def test_sort_by_text_fields() -> None:
    rows = public_rows()
    by_tui = sort_cells(rows, "tui")
    assert [r.tui for r in by_tui] == sorted(r.tui for r in rows)
    assert [r.tui for r in sort_cells(rows, "tui", descending=True)] == sorted((r.tui for r in rows), reverse=True)
    assert [r.category for r in sort_cells(rows, "category")] == ["integrity"] * 5 + ["polyglot"] * 5
    assert [r.outcome for r in sort_cells(rows, "status")] == ["fail"] * 6 + ["pass"] * 3 + ["timed_out"]
    assert ids(sort_cells(rows, "cell_id")) == sorted(ids(rows))


def test_sort_by_run() -> None:
    rows = [row(run=3), row(run=1), row(run=2)]
    assert [r.run for r in sort_cells(rows, "run")] == [1, 2, 3]
    assert [r.run for r in sort_cells(rows, "run", descending=True)] == [3, 2, 1]


def test_sort_by_axis_with_missing_values_last_both_ways() -> None:
    rows = public_rows()
    walls = sort_cells(rows, "latency")
    assert [r.headline("latency") for r in walls] == [
        1243.5149999999999,
        2334.759,
        3868.291,
        4703.951,
        8225.574999999999,
        11346.186,
        11734.067,
        14793.864,
        17067.512000000002,
        600666.043,
    ]  # the timed-out cell: ended_at - started_at
    down = sort_cells(rows, "latency", descending=True)
    assert [r.headline("latency") for r in down] == [
        600666.043,
        17067.512000000002,
        14793.864,
        11734.067,
        11346.186,
        8225.574999999999,
        4703.951,
        3868.291,
        2334.759,
        1243.5149999999999,
    ]
    refusal_up = [r.headline("refusal") for r in sort_cells(rows, "refusal")]
    refusal_down = [r.headline("refusal") for r in sort_cells(rows, "refusal", descending=True)]
    assert refusal_up == [0.0, 0.0, 0.5] + [None] * 7
    assert refusal_down == [0.5, 0.0, 0.0] + [None] * 7


def test_sort_by_composite() -> None:
    rows = public_rows()
    assert [r.headline("composite") for r in sort_cells(rows, "composite", descending=True)][:3] == [
        0.962,
        0.883,
        0.593,
    ]


def test_sort_by_extra_axis() -> None:
    rows = [row(tui="a", extra={"cost": {"cost": 3}}), row(tui="b"), row(tui="c", extra={"cost": {"cost": 1}})]
    assert [r.tui for r in sort_cells(rows, "cost")] == ["c", "a", "b"]
    assert [r.tui for r in sort_cells(rows, "cost", descending=True)] == ["a", "c", "b"]
    assert axes_of(rows)[-1] == "cost"
    assert axes_of(rows)[:7] == ["pass_rate", "tokens", "latency", "blast_radius", "refusal", "integrity", "composite"]


def test_sort_is_stable_for_ties() -> None:
    rows = [row(tui="x", composite=0.5), row(tui="y", composite=0.5), row(tui="z", composite=0.1)]
    assert [r.tui for r in sort_cells(rows, "composite")] == ["z", "x", "y"]


# --- leaderboard ---------------------------------------------------------------------------------


def small_set() -> list[CellRow]:
    return [
        # aider/m1: one pass, one fail, one harness timeout.
        row(
            "aider",
            "m1",
            "polyglot/a",
            passed=1,
            composite=0.9,
            wall=1000,
            tokens=300,
            blast=0.0,
            refusal=1.0,
            integrity=1.0,
        ),
        row(
            "aider",
            "m1",
            "polyglot/b",
            passed=0,
            composite=0.3,
            wall=3000,
            tokens=100,
            blast=0.5,
            refusal=0.0,
            refusal_na=True,
            integrity=0.0,
        ),
        row("aider", "m1", "integrity/c", passed=1, exit_code=-1, wall=5000, tokens=0),
        # goose/m1: two passes, nothing about blast, refusal or integrity.
        row("goose", "m1", "polyglot/a", passed=1, composite=0.4, wall=100, tokens=50),
        row("goose", "m1", "polyglot/b", passed=1, composite=0.6, wall=200, tokens=150),
        # goose/m2: one fail without any numbers.
        row("goose", "m2", "polyglot/a", passed=0),
    ]


def test_leaderboard_by_hand() -> None:
    board = leaderboard(small_set())
    assert [(r.tui, r.model) for r in board] == [("aider", "m1"), ("goose", "m1"), ("goose", "m2")]
    aider, goose, empty = board
    assert (aider.cells, aider.passed) == (3, 1)  # the timeout does not pass even with pass 1
    assert aider.pass_rate == pytest.approx(1 / 3)
    assert aider.mean_composite == pytest.approx((0.9 + 0.3) / 2)
    assert aider.median_wall_ms == 3000
    assert aider.tokens_per_correct == pytest.approx((300 + 100) / 1)
    assert aider.mean_blast == pytest.approx(0.25)
    assert aider.refusal == 1.0  # the not-applicable refusal does not count
    assert aider.integrity == 0.5

    assert (goose.cells, goose.passed, goose.pass_rate) == (2, 2, 1.0)
    assert goose.mean_composite == pytest.approx(0.5)
    assert goose.median_wall_ms == 150
    assert goose.tokens_per_correct == pytest.approx((50 + 150) / 2)
    assert (goose.mean_blast, goose.refusal, goose.integrity) == (None, None, None)

    assert (empty.cells, empty.passed, empty.pass_rate) == (1, 0, 0.0)
    assert (empty.mean_composite, empty.median_wall_ms, empty.tokens_per_correct) == (None, None, None)
    assert set(aider.as_dict()) >= {
        "tui",
        "model",
        "cells",
        "passed",
        "pass_rate",
        "mean_composite",
        "median_wall_ms",
        "tokens_per_correct",
        "mean_blast",
        "refusal",
        "integrity",
    }


def test_leaderboard_ties_broken_by_pass_rate_then_name() -> None:
    rows = [
        row("b", "m", composite=0.5, passed=0),
        row("a", "m", composite=0.5, passed=0),
        row("c", "m", composite=0.5, passed=1),
    ]
    assert [r.tui for r in leaderboard(rows)] == ["c", "a", "b"]


def test_leaderboard_of_public_cells() -> None:
    board = {(r.tui, r.model): r for r in leaderboard(public_rows())}
    assert len(board) == 10
    rust = board[("opencode", "meta/llama-3.3-70b-instruct")]
    assert (rust.cells, rust.passed, rust.pass_rate, rust.mean_composite, rust.median_wall_ms) == (
        1,
        1,
        1.0,
        0.962,
        11734.067,
    )
    assert rust.tokens_per_correct is None  # the scorer recorded no tokens
    timed = board[("opencode", "minimaxai/minimax-m3")]
    assert (timed.passed, timed.median_wall_ms, timed.mean_composite) == (0, pytest.approx(600_666.043), 0.504)
    assert board[("openhands", "meta/llama-4-maverick-17b-128e-instruct")].refusal == 0.5
    assert board[("aider", "meta/llama-4-maverick-17b-128e-instruct")].mean_blast == 1.0
    assert leaderboard([]) == []


def test_sort_leaderboard_missing_last_both_ways() -> None:
    board = leaderboard(small_set())
    up = sort_leaderboard(board, "mean_blast", descending=False)
    down = sort_leaderboard(board, "mean_blast", descending=True)
    assert [r.mean_blast for r in up] == [0.25, None, None]
    assert [r.mean_blast for r in down] == [0.25, None, None]
    assert [r.median_wall_ms for r in sort_leaderboard(board, "median_wall_ms", descending=True)] == [3000, 150, None]
    assert [(r.tui, r.model) for r in sort_leaderboard(board, "model", descending=True)][0] == ("goose", "m2")


# --- pivot ---------------------------------------------------------------------------------------


def grid_cells() -> list[CellRow]:
    return [
        row("goose", "m1", "polyglot/b", passed=1, composite=0.8),
        row("aider", "m1", "polyglot/a", passed=0, run=2, composite=0.2),
        row("aider", "m1", "polyglot/a", passed=1, run=1, composite=0.9),
        row("aider", "m1", "polyglot/a", passed=1, run=3, composite=0.7),
        row("aider", "m1", "integrity/x", passed=1, run=1),
        row("aider", "m1", "integrity/x", passed=1, run=2),
        row("aider", "m2", "polyglot/b", passed=0, exit_code=-1, run=1),
        row("aider", "m2", "polyglot/b", passed=0, run=2),
        row("aider", "m2", "debug/z", passed=0),
    ]


def test_pivot_rows_columns_and_categories() -> None:
    grid = pivot(grid_cells())
    assert grid.rows == (("aider", "m1"), ("aider", "m2"), ("goose", "m1"))
    assert grid.columns == ("debug/z", "integrity/x", "polyglot/a", "polyglot/b")
    assert grid.categories == (("debug", 1), ("integrity", 1), ("polyglot", 2))
    assert len(grid.squares) == 5
    assert grid.square(0, 0) is None  # aider/m1 never ran debug/z
    assert grid.square(2, 2) is None
    assert grid.square(9, 9) is None


def test_pivot_reruns_k_of_n_when_runs_disagree() -> None:
    grid = pivot(grid_cells())
    mixed = grid.square(0, 2)
    assert mixed is not None
    assert [r.run for r in mixed.runs] == [1, 2, 3]
    assert (mixed.passed, len(mixed.runs)) == (2, 3)
    assert mixed.agree is False
    assert mixed.outcome == "mixed"
    assert mixed.first.run == 2  # the failing run opens first
    assert mixed.value("composite") == pytest.approx((0.9 + 0.2 + 0.7) / 3)
    assert mixed.value("latency") is None


def test_pivot_reruns_that_agree() -> None:
    grid = pivot(grid_cells())
    both = grid.square(0, 1)
    assert both is not None
    assert (both.passed, len(both.runs), both.agree, both.outcome) == (2, 2, True, "pass")
    assert both.first.run == 1
    single = grid.square(2, 3)
    assert single is not None
    assert (single.passed, len(single.runs), single.outcome) == (1, 1, "pass")


def test_pivot_timeout_and_fail_disagree() -> None:
    grid = pivot(grid_cells())
    square = grid.square(1, 3)
    assert square is not None
    assert [r.outcome for r in square.runs] == ["timed_out", "fail"]
    assert (square.passed, len(square.runs), square.agree, square.outcome) == (0, 2, False, "mixed")
    assert square.first.run == 1


def test_pivot_public_cells() -> None:
    grid = pivot(public_rows())
    assert len(grid.rows) == 10
    assert grid.columns == (
        "integrity/unsolvable-refusal",
        "polyglot/java-exception-handling",
        "polyglot/rust-error-handling",
        "polyglot/rust-lifetime-fix",
    )
    assert grid.categories == (("integrity", 1), ("polyglot", 3))
    assert len(grid.squares) == 10
    assert sum(sq.passed for sq in grid.squares.values()) == 3


def test_pivot_of_nothing() -> None:
    grid = pivot([])
    assert (grid.rows, grid.columns, grid.categories, grid.squares) == ((), (), (), {})


def test_sweep_views_are_the_pivot_leaderboard_axes_and_pass_count() -> None:
    rows = public_rows()
    views = sweep_views(rows)
    assert views.grid == pivot(rows)
    assert views.grid.value_range("pass_rate") == pivot(rows).value_range("pass_rate")
    assert views.leaders == leaderboard(rows)
    assert views.axes == axes_of(rows)
    assert views.passed == 3 == sum(1 for r in rows if r.passed)
    empty = sweep_views([])
    assert (empty.leaders, empty.passed, empty.grid.squares) == ([], 0, {})


# --- summarize -----------------------------------------------------------------------------------


def test_summarize_public_sweeps() -> None:
    results = load(PUBLIC)
    free = results.sweep(FREE)
    assert free is not None
    s = summarize(free)
    assert (s.sweep_id, s.title, s.cells, s.tuis, s.models, s.tasks, s.problems) == (FREE, None, 3, 3, 2, 3, 0)
    assert s.pass_rate == pytest.approx(2 / 3)
    assert s.mean_composite == pytest.approx((0.962 + 0.883 + 0.555) / 3)
    assert s.first_start == datetime(2026, 5, 28, 2, 1, 30, 226508, tzinfo=UTC)
    assert s.last_end == datetime(2026, 6, 16, 21, 40, 6, 178356, tzinfo=UTC)
    expansion = results.sweep(EXPANSION)
    assert expansion is not None
    e = summarize(expansion)
    assert (e.cells, e.tuis, e.models, e.tasks) == (6, 6, 2, 2)
    assert e.pass_rate == pytest.approx(1 / 6)
    assert e.mean_composite == pytest.approx((0.394 + 0.191 + 0.131 + 0.179 + 0.593 + 0.578) / 6)


def test_summarize_empty_sweep_with_mixed_times() -> None:
    assert summarize(Sweep("nothing")).pass_rate is None
    assert summarize(Sweep("nothing")).first_start is None
    rows = [
        row(started="2026-06-17T06:00:00", ended="2026-06-17T07:00:00+02:00", passed=1),
        row(tui="b", started="2026-06-17T04:30:00Z", ended="2026-06-17T04:45:00Z"),
    ]
    s = summarize(Sweep("t", "Title", rows))
    assert s.title == "Title"
    assert s.first_start == datetime(2026, 6, 17, 4, 30, tzinfo=UTC)
    assert s.last_end == datetime(2026, 6, 17, 5, 0, tzinfo=UTC)
    assert s.pass_rate == 0.5
    assert s.mean_composite is None


def test_neighbours_of_a_cell() -> None:
    rows = [
        row(tui="aider", model="m1", task="polyglot/a"),  # the cell itself
        row(tui="goose", model="m1", task="polyglot/a"),  # other CLI, same task and model
        row(tui="aider", model="m2", task="polyglot/a"),  # other model, same CLI and task
        row(tui="aider", model="m1", task="polyglot/b"),  # other task in the category
        row(tui="aider", model="m1", task="refactor/c"),  # other category: not listed
        row(tui="goose", model="m2", task="polyglot/b"),  # unrelated
    ]
    got = neighbours(rows, "aider", "m1", "polyglot/a")
    assert [[(r.tui, r.model, r.task) for r in found] for found in got.values()] == [
        [("goose", "m1", "polyglot/a")],
        [("aider", "m2", "polyglot/a")],
        [("aider", "m1", "polyglot/b")],
    ]
