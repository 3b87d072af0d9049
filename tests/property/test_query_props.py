"""The fast filter and sort agree with their plain definitions on any rows and any query."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cabtui.data.results.filter import Query, filter_cells, parse_query
from cabtui.data.results.index import CellRow
from cabtui.data.results.query import pivot, sort_cells
from tests.data.test_query import row

TUIS = ["aider", "Aider-X", "goose"]
MODELS = ["m1", "openai/gpt-oss-120b", "M2"]
TASKS = ["polyglot/a", "Polyglot/B", "refusal/x", "plain"]
STATUSES = [None, "ok", "timed_out", "incompatible", "error", "weird"]


@st.composite
def rows(draw: Any) -> list[CellRow]:
    specs = draw(
        st.lists(
            st.tuples(
                st.sampled_from(TUIS),
                st.sampled_from(MODELS),
                st.sampled_from(TASKS),
                st.sampled_from(STATUSES),
                st.sampled_from([None, 0, 0.5, 1]),
                st.one_of(st.none(), st.floats(-5, 5)),
                st.integers(1, 3),
                st.one_of(st.none(), st.floats(0, 10)),
            ),
            max_size=30,
        )
    )
    return [
        row(t, m, k, status=s, passed=p, composite=c, run=r, extra={"cost": {"cost": x}} if x else None)
        for t, m, k, s, p, c, r, x in specs
    ]


WORDS = ["aider", "poly", "a", "m1", "=aider", "=polyglot", "fail", "failed", "pass", "ok", "timed", "gpt", "/", ""]
term = st.tuples(
    st.booleans(), st.sampled_from(["", "tui:", "model:", "task:", "category:", "status:"]), st.sampled_from(WORDS)
)
queries = st.lists(term, max_size=4).map(lambda ts: " ".join(f"{'-' if n else ''}{f}{w}" for n, f, w in ts))


def field(r: CellRow, name: str) -> str:
    """What a query compares a row's field with, as results-format.md and the filter's docs say."""
    if name == "category":
        return r.task.split("/", 1)[0].lower()
    if name == "status":
        return r.outcome
    if name == "":
        return r.cell_id.lower()
    return str(getattr(r, name)).lower()


def one(got: str, value: str, status: bool) -> bool:
    if status:
        if value in ("failed", "failure", "failing"):
            return got != "pass"
        if value in ("passed", "ok"):
            return got == "pass"
        return got.startswith(value)
    return got == value[1:] if value.startswith("=") else value in got


def reference(r: CellRow, q: Query) -> bool:
    if not all(w in r.cell_id.lower() for w in q.words):
        return False
    if not all(any(one(field(r, n), v, n == "status") for v in vs) for n, vs in q.terms):
        return False
    return not any(one(field(r, n), v, n == "status") for n, v in q.negated)


@settings(max_examples=300, deadline=None)
@given(rows(), queries, st.booleans())
def test_filter_keeps_exactly_the_matching_rows_in_order(cells: list[CellRow], text: str, failed: bool) -> None:
    q = parse_query(text)
    expected = [r for r in cells if (not failed or not r.passed) and reference(r, q)]
    assert filter_cells(cells, q, failed_only=failed) == expected


@settings(max_examples=200, deadline=None)
@given(rows(), st.sampled_from(["composite", "pass_rate", "cost", "tui", "status", "run"]), st.booleans())
def test_sort_is_stable_with_missing_values_last(cells: list[CellRow], name: str, descending: bool) -> None:
    got = sort_cells(cells, name, descending=descending)
    if name in ("tui", "status", "run"):
        key = {"tui": lambda r: r.tui, "status": lambda r: r.outcome, "run": lambda r: r.run}[name]
        assert got == sorted(cells, key=key, reverse=descending)
        return
    sign = -1.0 if descending else 1.0

    def plain(r: CellRow) -> tuple[bool, float]:
        value = r.headline(name)
        return (True, 0.0) if value is None else (False, sign * value)

    assert got == sorted(cells, key=plain)


@settings(max_examples=100, deadline=None)
@given(rows(), st.sampled_from(["composite", "pass_rate", "cost", "latency"]))
def test_value_range_spans_the_square_values(cells: list[CellRow], axis: str) -> None:
    grid = pivot(cells)
    values = [v for sq in grid.squares.values() if (v := sq.value(axis)) is not None]
    assert grid.value_range(axis) == ((min(values), max(values)) if values else None)
    assert grid.value_range(axis) == grid.value_range(axis)  # computed once, then kept
