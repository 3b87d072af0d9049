"""The Cells tab's filter: its query language and the rows a query keeps.

`tui:aider model:=openai/gpt-oss-120b -category:integrity rust` — free words match
the cell id, `field:value` a field, `=` the whole field, `-` excludes.
"""

from __future__ import annotations

import shlex
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

from cabtui.data.results.index import CellRow, category_of

FIELDS: Final = ("tui", "model", "task", "category", "status")
"""Fields a filter term can name as `field:value`."""


@dataclass(frozen=True)
class Query:
    """A parsed filter: free words and `field:value` terms, each possibly negated with `-`.

    Words match anywhere in the cell id; `field:=value` matches the whole field. Terms on the
    same field are alternatives (`tui:aider tui:goose`); different fields must all match. `status:` matches the
    outcome: pass, fail, timed_out, incompatible or error (`failed` means not pass).
    """

    words: tuple[str, ...] = ()
    terms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    negated: tuple[tuple[str, str], ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when the query keeps every cell."""
        return not (self.words or self.terms or self.negated)


def parse_query(text: str) -> Query:
    """Parse the filter box's text; unknown `field:` terms are reported in `errors`."""
    try:
        tokens = shlex.split(text)
    except ValueError:
        tokens = text.split()
    words: list[str] = []
    terms: dict[str, list[str]] = defaultdict(list)
    negated: list[tuple[str, str]] = []
    errors: list[str] = []
    for token in tokens:
        neg = token.startswith("-") and len(token) > 1
        body = token[1:] if neg else token
        name, sep, value = body.partition(":")
        if sep and name.lower() in FIELDS:
            if name.lower() == "status" and not _known_status(value.lower()):
                errors.append(f"unknown status {value!r} (use {', '.join(STATUS_WORDS)})")
            if neg:
                negated.append((name.lower(), value.lower()))
            else:
                terms[name.lower()].append(value.lower())
        elif sep and name.isidentifier():
            errors.append(f"unknown field {name!r} (use {', '.join(FIELDS)})")
        elif neg:
            negated.append(("", body.lower()))
        else:
            words.append(token.lower())
    return Query(tuple(words), tuple((k, tuple(v)) for k, v in terms.items()), tuple(negated), tuple(errors))


STATUS_WORDS: Final = ("pass", "fail", "failed", "timed_out", "incompatible", "error")
"""What `status:` is compared with (a prefix is enough); `failed` means anything but a pass."""
_STATUS_ALIASES: Final = ("failure", "failing", "passed", "ok")


def _known_status(value: str) -> bool:
    """Whether `status:value` can match a status the format names (kept unknown ones still filter)."""
    word = value.removeprefix("=")
    return any(known.startswith(word) for known in (*STATUS_WORDS, *_STATUS_ALIASES))


def _matches_value(got: str, value: str) -> bool:
    """`=value` matches the whole field; `value` anywhere in it."""
    return got == value[1:] if value.startswith("=") else value in got


def _matches_status(outcome: str, value: str) -> bool:
    if value.startswith("="):
        return outcome == value[1:]
    if value in ("failed", "failure", "failing"):
        return outcome != "pass"
    if value in ("passed", "ok"):
        return outcome == "pass"
    return outcome.startswith(value)


_Values = Callable[[list[CellRow]], set[Any]]
_Keep = Callable[[list[CellRow], set[Any]], list[CellRow]]
_BY_FIELD: Final[dict[str, tuple[_Values, _Keep]]] = {
    # Written out per attribute: a plain `r.tui` is twice as fast as operator.attrgetter.
    "tui": (lambda rows: {r.tui for r in rows}, lambda rows, ok: [r for r in rows if r.tui in ok]),
    "model": (lambda rows: {r.model for r in rows}, lambda rows, ok: [r for r in rows if r.model in ok]),
    "task": (lambda rows: {r.task for r in rows}, lambda rows, ok: [r for r in rows if r.task in ok]),
    "status": (lambda rows: {r.outcome for r in rows}, lambda rows, ok: [r for r in rows if r.outcome in ok]),
}
"""Per query field: its distinct values in some rows, and the rows whose value is in a set."""


def _field_tests(query: Query) -> list[tuple[str, Callable[[str], bool]]]:
    """The query's field terms as (row attribute, test of the value as the query compares it)."""
    tests: list[tuple[str, Callable[[str], bool]]] = []
    for name, values in query.terms:
        tests.append((name, partial(_any_matches, _matcher(name), tuple(values))))
    for name, value in query.negated:
        if name:
            tests.append((name, partial(_none_matches, _matcher(name), value)))
    return tests


def _matcher(name: str) -> Callable[[str, str], bool]:
    return _matches_status if name == "status" else _matches_value


def _any_matches(match: Callable[[str, str], bool], values: tuple[str, ...], got: str) -> bool:
    return any(match(got, v) for v in values)


def _none_matches(match: Callable[[str, str], bool], value: str, got: str) -> bool:
    return not match(got, value)


def _keep_where(rows: list[CellRow], name: str, test: Callable[[str], bool]) -> list[CellRow]:
    """The rows whose field passes `test`, each distinct value tested once.

    tui, model, task and status repeat across thousands of rows: the values that pass
    make a set, and the rows are kept by a look-up, with no Python call per row.
    """
    values_of, keep = _BY_FIELD["task" if name == "category" else name]
    values = values_of(rows)
    if name == "category":
        ok = {v for v in values if test(category_of(v.lower()))}
    else:
        ok = {v for v in values if test(v if name == "status" else v.lower())}
    return rows if len(ok) == len(values) else keep(rows, ok)


def filter_cells(rows: Iterable[CellRow], query: Query, *, failed_only: bool = False) -> list[CellRow]:
    """The cells that match `query` (and did not pass, with `failed_only`), order kept."""
    out = [r for r in rows if not r.passed] if failed_only else list(rows)
    for name, test in _field_tests(query):
        out = _keep_where(out, name, test)
    # The cell id differs on every row: tested row by row, one pass a word.
    for word in query.words:
        out = [r for r in out if word in r.cell_id.lower()]
    for name, value in query.negated:
        if not name:
            out = [r for r in out if not _matches_value(r.cell_id.lower(), value)]
    return out
