"""The duplicate check of a sweep's cells: the first row of each cell id and of each (tui, model, task, run).

Two records for the same cell (the same id, or the same tui, model, task and run) keep
the first; the later one is a problem (`duplicate_message`). The identities are kept
in dicts nested by tui, model and task, not under a tuple of the four: a tuple a row
(72 bytes) made the table a sixth of the index's memory, and the holes the tuples left
when the table was dropped stayed in the process's resident memory. Nested, the table
only refers to strings and rows that exist anyway (one small dict of runs per task
that has several).
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

from cabtui.data.results.index import CellRow

Runs = dict[int, CellRow]
Repeat = tuple[CellRow, CellRow]
"""A row that repeats a cell, and the first row of that cell."""

_ids = attrgetter("cell_id")


def without_repeats(rows: list[CellRow]) -> tuple[list[CellRow], list[Repeat]]:
    """The rows less those that repeat a cell of an earlier row, and each of those with its first.

    Checked once over a whole read, without a table of identities: the ids are all
    distinct (a set of the rows' own strings), and every id is the row's default one,
    all of one form (`one_form`), so that no two rows share (tui, model, task, run) either.
    Only a sweep where that does not hold is walked row by row (`Seen`). Checked row by
    row as the rows came, the same took a sixth of a big load; a set of (tui, model, task,
    run) tuples built at the end cost 50 bytes a cell of resident memory once freed.
    """
    if len(set(map(_ids, rows))) == len(rows) and one_form(rows):
        return rows, []
    seen = Seen()
    kept: list[CellRow] = []
    repeats: list[Repeat] = []
    for row in rows:
        first = seen.first(row)
        if first is None:
            kept.append(row)
        else:
            repeats.append((row, first))
    return kept, repeats


def one_form(rows: list[CellRow]) -> bool:
    """Whether every id is `<sweep>/<tui>/<model>/<task>#run<run>`, or every id is the same without
    `#run<run>` (the format's default): an id is then a function of the row's identity, and two
    rows of one identity have one id."""
    for row in rows:
        if row.cell_id != f"{row.sweep_id}/{row.tui}/{row.model}/{row.task}#run{row.run}":
            break
    else:
        return True
    return all(row.cell_id == f"{row.sweep_id}/{row.tui}/{row.model}/{row.task}" for row in rows)


class Seen:
    """The rows already kept of one sweep, by id and by identity."""

    __slots__ = ("ids", "cells")

    def __init__(self, rows: Iterable[CellRow] = ()) -> None:
        self.ids: dict[str, CellRow] = {}
        self.cells: dict[str, dict[str, dict[str, CellRow | Runs]]] = {}
        """tui -> model -> task -> the row of its only run so far, or its rows by run."""
        for row in rows:
            self.first(row)

    def first(self, row: CellRow) -> CellRow | None:
        """The row kept before that this one repeats, else None (and this one is kept)."""
        ids = self.ids
        cell_id = row.cell_id
        earlier = ids.get(cell_id)
        if earlier is not None:
            return earlier
        models = self.cells.get(row.tui)
        if models is None:
            models = self.cells[row.tui] = {}
        tasks = models.get(row.model)
        if tasks is None:
            tasks = models[row.model] = {}
        task, run = row.task, row.run
        got = tasks.get(task)
        if got is None:
            tasks[task] = row
        elif isinstance(got, dict):
            earlier = got.get(run)
            if earlier is not None:
                return earlier
            got[run] = row
        elif got.run == run:
            return got
        else:
            tasks[task] = {got.run: got, run: row}
        ids[cell_id] = row
        return None


def duplicate_message(row: CellRow, first: CellRow) -> str:
    """The problem of a row that repeats a cell kept before (said at the row's line)."""
    return f"duplicate cell {row.cell_id} (first at line {first.line}); skipped"
