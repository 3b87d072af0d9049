"""The "Elsewhere in this sweep" list: other runs of the cell, and its neighbours, as options.

One option per cell (mark beside its name, run number where there are reruns), so the
list can be moved in and opened; group names are disabled options between them.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content
from textual.widgets.option_list import Option

from cabtui.data.results import NEIGHBOUR_GROUPS, CellRow, neighbours
from cabtui.data.text import visible
from cabtui.ui.renderables.columns import OUTCOME_WORDS

RUNS = "Other runs of this cell"
GROUP_LIMIT = 200
"""Cells listed per group; the rest are counted."""


def related(rows: Iterable[CellRow], row: CellRow) -> dict[str, list[CellRow]]:
    """Sibling runs of `row` (same CLI, model and task), then the web page's three neighbour groups."""
    rows = list(rows)
    runs = sorted(
        (r for r in rows if r is not row and (r.tui, r.model, r.task) == (row.tui, row.model, row.task)),
        key=lambda r: r.run,
    )
    return {RUNS: runs, **neighbours(rows, row.tui, row.model, row.task)}


def label(group: str, r: CellRow) -> Content:
    """`✓ pass  name  · run N`: the mark first, on the same line as the name it marks.

    Plain strings with theme-variable styles (never markup): names are record text.
    """
    name = {RUNS: f"run {r.run}", NEIGHBOUR_GROUPS[0]: r.tui, NEIGHBOUR_GROUPS[1]: r.model}.get(group, r.task)
    mark = f"{'✓' if r.passed else '✗'} {OUTCOME_WORDS.get(r.outcome, visible(r.outcome)):<8}"
    run = f"  · run {r.run}" if group != RUNS and (r.run > 1 or "#run" in r.cell_id) else ""
    return Content.assemble(
        "  ", (mark, "$success" if r.passed else "$error"), " " + visible(name), (run, "$text-muted")
    )


def options(groups: dict[str, list[CellRow]]) -> tuple[list[Option], list[CellRow]]:
    """Options of the list and the row each enabled one opens (its id is the row's index)."""
    out: list[Option] = []
    targets: list[CellRow] = []
    for group, found in groups.items():
        if group == RUNS and not found:
            continue
        out.append(Option(Content.styled(group, "bold"), disabled=True))
        if not found:
            out.append(Option(Content.styled("  none in this sweep", "italic"), disabled=True))
        for r in found[:GROUP_LIMIT]:
            out.append(Option(label(group, r), id=str(len(targets))))
            targets.append(r)
        if len(found) > GROUP_LIMIT:
            out.append(Option(Content.styled(f"  … {len(found) - GROUP_LIMIT:,} more", "italic"), disabled=True))
    return out, targets
