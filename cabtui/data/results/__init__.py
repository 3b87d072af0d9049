"""The results a sweep leaves on disk, read into an index the screens can query.

`load(PATH)` walks a folder (discovery), reads each cells.jsonl line into a compact
`CellRow` (head: only what the grid, tables and leaderboard need), and groups rows
into `Sweep`s inside `Results`, with every `Problem` found on the way. `query` and
`filter` answer the screens' questions of an index (leaderboard, grid pivot, sort,
the filter language); `GrowingIndex` reads the same files chunk by chunk and reads on as they grow
(a `Waiter` says when: watch.py); `compare_sweeps` matches the cells of two sweeps by (tui, model,
task, run) and says what changed (`compare`); `cell_diff` sets two cells' scores side by side.
A cell's full record (`models.Cell`, pydantic) and its
artifacts (trace, model calls, recording) are read only when a cell is opened
(`open_record`, `load_artifacts`; `LiveTrace` reads on in a trace still being written):
importing pydantic costs start-up time, so those names load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cabtui.data.results.cell_diff import (
    MISSING,
    HeadlineDelta,
    KeyDiff,
    breakdown_diff,
    headline_deltas,
    rerun_partner,
)
from cabtui.data.results.compare import (
    CHANGES,
    CellChange,
    Comparison,
    GroupChange,
    SeveralSweeps,
    SideStats,
    SweepKeys,
    compare_sweeps,
    single_sweep,
    sweep_keys,
)
from cabtui.data.results.discovery import OTLP_SUFFIX, UnreadablePath
from cabtui.data.results.fields import AXES, LOWER_IS_BETTER
from cabtui.data.results.filter import Query, filter_cells, parse_query
from cabtui.data.results.growing import CHUNK, FIRST_CHUNK, QUIET_S, Chunk, GrowingIndex
from cabtui.data.results.index import CellRow, Results, Source, Sweep, category_of
from cabtui.data.results.loader import OpenedRecord, check_fully, load, open_record, read_cell
from cabtui.data.results.query import (
    NEIGHBOUR_GROUPS,
    Grid,
    LeaderRow,
    Square,
    SweepSummary,
    SweepViews,
    leaderboard,
    neighbours,
    sort_cells,
    sort_leaderboard,
    summarize,
    sweep_views,
)
from cabtui.data.results.reproduce import reproduce_command
from cabtui.data.results.watch import POLL_S, EventWaiter, PollWaiter, Waiter, file_size, make_waiter

if TYPE_CHECKING:
    from cabtui.data.results.artifacts import CellArtifacts, artifact_problems, load_artifacts
    from cabtui.data.results.live_trace import LiveTrace
    from cabtui.data.results.models import Cell, ModelCall, Span, cell_schema
    from cabtui.data.results.readers.trace_records import otlp_replay

_LAZY = {
    "Cell": "models",
    "ModelCall": "models",
    "Span": "models",
    "cell_schema": "models",
    "CellArtifacts": "artifacts",
    "artifact_problems": "artifacts",
    "load_artifacts": "artifacts",
    "LiveTrace": "live_trace",
    "otlp_replay": "readers.trace_records",
}


def __getattr__(name: str) -> Any:
    """The pydantic-backed names, imported when first asked for (not at start-up)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "AXES",
    "CHUNK",
    "FIRST_CHUNK",
    "POLL_S",
    "QUIET_S",
    "Chunk",
    "EventWaiter",
    "GrowingIndex",
    "PollWaiter",
    "Waiter",
    "make_waiter",
    "CHANGES",
    "LOWER_IS_BETTER",
    "MISSING",
    "NEIGHBOUR_GROUPS",
    "OTLP_SUFFIX",
    "Cell",
    "CellArtifacts",
    "CellChange",
    "CellRow",
    "Comparison",
    "Grid",
    "GroupChange",
    "HeadlineDelta",
    "KeyDiff",
    "LeaderRow",
    "LiveTrace",
    "ModelCall",
    "OpenedRecord",
    "Query",
    "Results",
    "SeveralSweeps",
    "SideStats",
    "Source",
    "Span",
    "Square",
    "Sweep",
    "SweepSummary",
    "SweepKeys",
    "SweepViews",
    "UnreadablePath",
    "artifact_problems",
    "breakdown_diff",
    "category_of",
    "cell_schema",
    "check_fully",
    "compare_sweeps",
    "file_size",
    "filter_cells",
    "headline_deltas",
    "leaderboard",
    "load",
    "load_artifacts",
    "neighbours",
    "open_record",
    "otlp_replay",
    "parse_query",
    "read_cell",
    "reproduce_command",
    "rerun_partner",
    "single_sweep",
    "sort_cells",
    "sort_leaderboard",
    "summarize",
    "sweep_keys",
    "sweep_views",
]
