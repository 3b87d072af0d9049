"""The leaderboard's confidence figures: the pass rate's Wilson interval, pass@k and pass^k over reruns."""

from __future__ import annotations

import pytest

from cabtui.data.results.index import CellRow
from cabtui.data.results.query import leaderboard, rerun_rates, sort_leaderboard

from .test_query import row


def reruns() -> list[CellRow]:
    """aider/m1: 3 tasks x 3 runs; goose/m1: k = 2, one task's runs out of order; opencode/m1: no reruns."""
    cells = []
    # aider/m1: a passes every run, b passes one of three, c never: 4 of 9 pass.
    for task, outcomes in (("polyglot/a", (1, 1, 1)), ("polyglot/b", (0, 1, 0)), ("polyglot/c", (0, 0, 0))):
        cells += [row("aider", "m1", task, passed=p, run=run) for run, p in enumerate(outcomes, 1)]
    # goose/m1: a has 2 runs, so k = 2; b's third run (listed first) passes but is past the first 2.
    cells += [row("goose", "m1", "polyglot/a", passed=p, run=run) for run, p in ((1, 1), (2, 0))]
    cells += [row("goose", "m1", "polyglot/b", passed=p, run=run) for run, p in ((3, 1), (1, 0), (2, 0))]
    # opencode/m1: one run of each task, all passing.
    cells += [row("opencode", "m1", task, passed=1, run=1) for task in ("polyglot/a", "polyglot/b")]
    return cells


def test_three_tasks_by_three_runs_by_hand() -> None:
    board = {r.tui: r for r in leaderboard(reruns())}
    aider = board["aider"]
    assert (aider.cells, aider.passed) == (9, 4)
    # Wilson at 4 of 9, z = 1.96: centre 0.46105, half-width 0.27229.
    assert aider.pass_rate_ci95 == pytest.approx((0.18876, 0.73334), abs=1e-4)
    assert aider.k == 3
    assert aider.pass_at_k == pytest.approx(2 / 3)  # a and b pass at least once
    assert aider.pass_all_k == pytest.approx(1 / 3)  # only a passes every run


def test_k_is_the_fewest_runs_and_takes_the_first_k_by_run_number() -> None:
    goose = {r.tui: r for r in leaderboard(reruns())}["goose"]
    assert goose.k == 2
    assert goose.pass_at_k == 0.5  # a: run 1 passed; b: runs 1 and 2 failed (run 3 is not counted)
    assert goose.pass_all_k == 0.0
    assert rerun_rates(reruns()[13:8:-1]) == (2, 0.5, 0.0)  # the order the cells come in does not matter


def test_no_reruns_no_rerun_rates_and_an_interval_ending_at_one() -> None:
    opencode = {r.tui: r for r in leaderboard(reruns())}["opencode"]
    assert (opencode.k, opencode.pass_at_k, opencode.pass_all_k) == (None, None, None)
    low, high = opencode.pass_rate_ci95 or (0, 0)
    assert high == 1.0 and low == pytest.approx(0.3424, abs=1e-4)  # Wilson at 2 of 2
    assert rerun_rates([]) is None


def test_tasks_run_once_are_left_out_of_the_rerun_rates() -> None:
    cells = [row(task="polyglot/a", passed=1, run=1), row(task="polyglot/a", passed=1, run=2), row(task="polyglot/b")]
    (only,) = leaderboard(cells)
    assert (only.k, only.pass_at_k, only.pass_all_k) == (2, 1.0, 1.0)  # b, run once, does not count


def test_sorting_by_the_rerun_rates_keeps_no_reruns_last() -> None:
    board = leaderboard(reruns())
    assert [r.tui for r in sort_leaderboard(board, "pass_at_k", descending=True)] == ["aider", "goose", "opencode"]
    assert [r.tui for r in sort_leaderboard(board, "pass_all_k", descending=False)] == ["goose", "aider", "opencode"]


def test_summary_json_keeps_its_keys() -> None:
    aider = leaderboard(reruns())[0]
    assert list(aider.as_dict()) == [
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
    ]
