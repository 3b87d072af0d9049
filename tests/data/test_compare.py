"""Two sweeps compared: cells matched by (tui, model, task, run), groups, changes and their order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cabtui.data.results import (
    CHANGES,
    CellRow,
    Results,
    SeveralSweeps,
    Sweep,
    compare_sweeps,
    load,
    single_sweep,
)
from cabtui.data.stats import mcnemar_exact, wilson_interval
from tests.data.test_query import row


def sweep(sweep_id: str, *rows: CellRow) -> Sweep:
    return Sweep(sweep_id, cells=list(rows))


def test_matching_and_the_four_changes() -> None:
    before = sweep(
        "old",
        row("aider", "m1", "t/a", passed=1, composite=0.9),
        row("aider", "m1", "t/b", passed=0, composite=0.2),
        row("aider", "m1", "t/c", passed=0, exit_code=-1),  # timed_out
        row("aider", "m1", "t/d", passed=1, run=1),
        row("goose", "m2", "t/a", passed=1),
    )
    after = sweep(
        "new",
        row("aider", "m1", "t/a", passed=0, composite=0.4),  # broke
        row("aider", "m1", "t/b", passed=1, composite=0.8),  # fixed
        row("aider", "m1", "t/c", passed=1),  # fixed from timed_out
        row("aider", "m1", "t/d", passed=1, run=2),  # run 2 is another cell: run 1 removed, run 2 added
        row("codex", "m3", "t/a", passed=0),
    )
    c = compare_sweeps(before, after)
    assert (c.before_id, c.after_id, c.before_cells, c.after_cells) == ("old", "new", 5, 5)
    assert [(x.change, x.tui, x.task, x.run, x.before, x.after) for x in c.cells] == [
        ("broke", "aider", "t/a", 1, "pass", "fail"),
        ("fixed", "aider", "t/b", 1, "fail", "pass"),
        ("fixed", "aider", "t/c", 1, "timed_out", "pass"),
        ("removed", "aider", "t/d", 1, "pass", None),
        ("removed", "goose", "t/a", 1, "pass", None),
        ("added", "aider", "t/d", 2, None, "pass"),
        ("added", "codex", "t/a", 1, None, "fail"),
    ]
    assert [(g.tui, g.model) for g in c.groups] == [("aider", "m1"), ("codex", "m3"), ("goose", "m2")]
    aider, codex, goose = c.groups
    assert (aider.paired, aider.fixed, aider.broke, aider.added, aider.removed) == (3, 2, 1, 1, 1)
    assert (aider.before.cells, aider.before.passed, aider.after.cells, aider.after.passed) == (4, 2, 4, 3)
    assert aider.before.pass_rate == 0.5
    assert aider.before.pass_rate_ci95 == wilson_interval(2, 4)
    assert aider.before.mean_composite == pytest.approx((0.9 + 0.2) / 2)  # cells without one left out
    assert aider.after.mean_composite == pytest.approx((0.4 + 0.8) / 2)
    assert aider.p_value == 1.0
    # A group on one side only: the other side's counts 0 and rates None.
    assert (codex.before.cells, codex.before.passed, codex.before.pass_rate) == (0, 0, None)
    assert codex.before.pass_rate_ci95 is None and codex.before.mean_composite is None
    assert (codex.paired, codex.added, codex.after.cells) == (0, 1, 1)
    assert (goose.removed, goose.after.cells, goose.after.pass_rate, goose.p_value) == (1, 0, None, 1.0)
    assert all(g.changed for g in c.groups)


def test_a_non_pass_to_non_pass_change_is_no_change_but_is_counted() -> None:
    before = sweep("a", row(task="x", passed=0), row(task="y", passed=0), row(task="z", passed=1))
    after = sweep(
        "b", row(task="x", passed=0, exit_code=-1), row(task="y", passed=0, status="error"), row(task="z", passed=1)
    )
    c = compare_sweeps(before, after)
    assert c.cells == ()
    assert c.reworded == 2
    [group] = c.groups
    assert (group.paired, group.fixed, group.broke, group.changed) == (3, 0, 0, False)
    assert c.changed_groups == ()


def test_identical_sweeps_have_no_changes() -> None:
    rows = [row("aider", m, t, passed=int(t < "c")) for m in ("m1", "m2") for t in ("a", "b", "c")]
    c = compare_sweeps(sweep("a", *rows), sweep("a", *rows))
    assert c.cells == () and c.reworded == 0
    assert [(g.model, g.paired, g.p_value) for g in c.groups] == [("m1", 3, 1.0), ("m2", 3, 1.0)]


def test_empty_sides() -> None:
    c = compare_sweeps(sweep("a"), sweep("b", row(passed=1)))
    assert [x.change for x in c.cells] == ["added"]
    assert c.groups[0].before.pass_rate is None
    assert compare_sweeps(sweep("a"), sweep("b")).groups == ()


def test_p_value_is_mcnemar_of_the_group() -> None:
    before = sweep("a", *(row(task=f"t{i}", passed=int(i < 2)) for i in range(12)))
    after = sweep("b", *(row(task=f"t{i}", passed=int(i >= 2)) for i in range(12)))
    [group] = compare_sweeps(before, after).groups
    assert (group.fixed, group.broke) == (10, 2)
    assert group.p_value == mcnemar_exact(10, 2) == pytest.approx(2 * (1 + 12 + 66) / 4096)


def test_within_a_change_cells_sort_by_tui_model_task_run() -> None:
    keys = [("b", "m", "t", 2), ("a", "z", "t", 1), ("a", "m", "u", 1), ("a", "m", "t", 10), ("a", "m", "t", 9)]
    after = sweep("b", *(row(tui, model, task, passed=1, run=run) for tui, model, task, run in keys))
    c = compare_sweeps(sweep("a"), after)
    assert [(x.tui, x.model, x.task, x.run) for x in c.cells] == sorted(keys)


@st.composite
def sides(draw: st.DrawFn) -> tuple[Sweep, Sweep]:
    keys = st.tuples(st.sampled_from(["aider", "goose"]), st.sampled_from(["m1", "m2"]), st.sampled_from("abcd"))
    outcomes = st.sampled_from(["pass", "fail", "timed_out", "error"])

    def build(name: str) -> Sweep:
        found = draw(st.dictionaries(st.tuples(keys, st.integers(1, 2)), outcomes, max_size=20))
        rows = []
        for ((tui, model, task), run), outcome in found.items():
            exit_code = -1 if outcome == "timed_out" else 0
            status = "error" if outcome == "error" else None
            rows.append(
                row(tui, model, task, run=run, passed=int(outcome == "pass"), exit_code=exit_code, status=status)
            )
        return sweep(name, *rows)

    return build("before"), build("after")


@settings(max_examples=150, deadline=None)
@given(sides())
def test_counts_add_up(pair: tuple[Sweep, Sweep]) -> None:
    before, after = pair
    c = compare_sweeps(before, after)
    by_change = {change: [x for x in c.cells if x.change == change] for change in CHANGES}
    assert [x.change for x in c.cells] == [ch for ch in CHANGES for _ in by_change[ch]]
    assert sum(g.fixed for g in c.groups) == len(by_change["fixed"])
    assert sum(g.broke for g in c.groups) == len(by_change["broke"])
    assert sum(g.added for g in c.groups) == len(by_change["added"])
    assert sum(g.removed for g in c.groups) == len(by_change["removed"])
    assert sum(g.before.cells for g in c.groups) == c.before_cells == len(before.cells)
    assert sum(g.after.cells for g in c.groups) == c.after_cells == len(after.cells)
    assert sum(g.before.passed for g in c.groups) == sum(r.passed for r in before.cells)
    for g in c.groups:
        assert g.paired <= min(g.before.cells, g.after.cells)
        group = [x for x in c.cells if (x.tui, x.model) == (g.tui, g.model)]
        added_passes = sum(1 for x in group if x.change == "added" and x.after == "pass")
        removed_passes = sum(1 for x in group if x.change == "removed" and x.before == "pass")
        assert g.after.passed - g.before.passed == g.fixed - g.broke + added_passes - removed_passes
        assert g.p_value == mcnemar_exact(g.fixed, g.broke)
    # Swapping the sides swaps fixed/broke and added/removed.
    back = compare_sweeps(after, before)
    assert [(g.tui, g.model, g.fixed, g.broke, g.added, g.removed) for g in back.groups] == [
        (g.tui, g.model, g.broke, g.fixed, g.removed, g.added) for g in c.groups
    ]


# --- one sweep per side --------------------------------------------------------------------------


def _write(folder: Path, sweep_ids: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps({"tui": "aider", "model": "m", "task": f"t{i}", "sweep_id": sid, "scores": {}})
        for i, sid in enumerate(sweep_ids)
    ]
    (folder / "cells.jsonl").write_text("\n".join(lines) + "\n")
    return folder


def test_single_sweep(tmp_path: Path) -> None:
    assert single_sweep(load(_write(tmp_path / "one", ["s1", "s1"]))).sweep_id == "s1"
    with pytest.raises(SeveralSweeps) as err:
        single_sweep(load(_write(tmp_path / "two", ["s1", "s2", "s1"])))
    assert err.value.sweep_ids == ("s1", "s2")
    assert str(err.value) == "holds 2 sweeps (s1, s2); name one sweep's folder or file"


def test_single_sweep_ignores_a_sweep_of_problems_only(tmp_path: Path) -> None:
    _write(tmp_path / "good", ["s1"])
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "cells.jsonl").write_bytes(b"")
    results = load(tmp_path)
    assert sorted((s.sweep_id, len(s.cells)) for s in results.sweeps) == [("empty", 0), ("s1", 1)]
    assert single_sweep(results).sweep_id == "s1"
    # Only problems: the one sweep that holds them, with no cells.
    alone = load(tmp_path / "empty")
    assert (single_sweep(alone).sweep_id, single_sweep(alone).cells) == ("empty", [])


def test_single_sweep_names_at_most_ten() -> None:
    results = Results(Path("x"), sweeps=[Sweep(f"s{i}", cells=[row()]) for i in range(12)])
    with pytest.raises(SeveralSweeps, match=r"holds 12 sweeps \(s0, .*, s9 and 2 more\)"):
        single_sweep(results)


def test_sweep_keys_are_kept_per_sweep_and_built_again_when_it_grows() -> None:
    from cabtui.data.results import sweep_keys

    grows = sweep("live", row("aider", "m1", "t/a", passed=1))
    first = sweep_keys(grows)
    assert sweep_keys(grows) is first and first.sides[("aider", "m1")].passed == 1
    other = sweep("live", row("aider", "m1", "t/a", passed=0))  # the same cells' shape, another sweep
    assert sweep_keys(other) is not first and sweep_keys(other).sides[("aider", "m1")].passed == 0
    grows.cells.append(row("aider", "m1", "t/b", passed=1))
    again = sweep_keys(grows)
    assert again is not first and len(again.rows) == 2 and again.sides[("aider", "m1")].passed == 2
    duplicated = sweep("dup", row("aider", "m1", "t/a", passed=1), row("aider", "m1", "t/a", passed=0))
    assert sweep_keys(duplicated).rows[("aider", "m1", "t/a", 1)].passed  # the first of a key wins


def test_rerun_partner_prefers_a_run_that_disagrees_else_the_next() -> None:
    from cabtui.data.results import rerun_partner

    runs = [row("aider", "m1", "t/a", passed=p, run=n) for n, p in ((1, 1), (2, 1), (3, 0))]
    assert rerun_partner(runs, runs[0]) is runs[2]  # the failing run beside a passing one
    assert rerun_partner(runs, runs[2]) is runs[0]
    agree = runs[:2]
    assert rerun_partner(agree, agree[0]) is agree[1] and rerun_partner(agree, agree[1]) is agree[0]  # wraps
    assert rerun_partner([*runs, row("goose", "m1", "t/a", passed=0)], runs[1]) is runs[2]
    assert rerun_partner(runs[:1], runs[0]) is None
