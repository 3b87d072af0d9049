"""The sections of a cell page as Rich renderables, from a validated record.

Every string from the record is untrusted: it goes through `visible()` into
`Text` objects (never markup), so no byte of it can act on the terminal.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from cabtui.data.artifacts import CellArtifacts
from cabtui.data.fields import AXES
from cabtui.data.index import CellRow
from cabtui.data.models import BlastRadiusScore, Cell
from cabtui.data.query import NEIGHBOUR_GROUPS
from cabtui.data.text import one_line, visible
from cabtui.format import NONE, fmt_ms, fmt_number
from cabtui.ui.columns import AXIS_LABELS, axis_label, headline_text

TAIL_KEYS = ("stdout_tail", "stderr_tail")
ATTR_LIMIT = 300
"""Characters of a span's attributes shown in the spans table."""


def title(cell: Cell) -> Text:
    """`tui × model`, then category and task."""
    text = Text()
    text.append(visible(cell.tui), "bold")
    text.append(" × ")
    text.append(visible(cell.model), "bold")
    text.append(f"\n{visible(cell.category)}  ·  {visible(cell.task)}")
    if cell.run > 1 or "#run" in cell.cell_id:
        text.append(f"  ·  run {cell.run}")
    return text


def banner(cell: Cell) -> Text | None:
    """A line for runs that did not finish normally: timed out, incompatible, error."""
    if cell.status == "ok":
        return None
    words = {"timed_out": "TIMED OUT", "incompatible": "INCOMPATIBLE", "error": "ERROR"}
    text = Text(f" {words.get(cell.status, visible(cell.status).upper())} ", "bold reverse")
    if cell.status_detail:
        text.append(f"  {visible(cell.status_detail)}")
    return text


def tile_values(cell: Cell) -> list[tuple[str, str]]:
    """(label, value) of each per-axis tile; refusal reads yes/no, blank where not applicable."""
    out = []
    axes = [*AXES, *(cell.scores.model_extra or {})]
    for axis in axes:
        value = cell.scores.headline(axis)
        if axis == "refusal":
            shown = "" if value is None else ("yes" if value >= 1 else "partial" if value > 0 else "no")
        elif axis == "latency" and value is not None:
            shown = f"{value / 1000:.1f}s"
        elif value is None:
            shown = ""
        else:
            shown = headline_text(axis, value)
        out.append((axis_label(axis), shown))
    return out


def key_values(rows: list[tuple[str, Any]]) -> Table:
    """A two-column grid of keys and values; values that are not `Text` are shown as JSON."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in rows:
        # Text everywhere: Rich reads a plain str cell as markup, and record keys are untrusted.
        table.add_row(Text(visible(key)), value if isinstance(value, Text) else Text(visible(_plain(value))))
    return table


def _plain(value: Any) -> str:
    if value is None:
        return NONE
    if isinstance(value, str):
        return value if value else '""'
    return json.dumps(value, ensure_ascii=False)


def identity(cell: Cell) -> Table:
    """Run identity: ids, image and digest, exit code."""
    return key_values([
        ("cell_id", cell.cell_id),
        ("sweep_id", cell.sweep_id),
        ("container_image", cell.container_image or "(none)"),
        ("image_digest", cell.image_digest or "(none)"),
        ("model_build_id", cell.model_build_id),
        ("exit_code", cell.exit_code),
        ("status", cell.status + (f": {cell.status_detail}" if cell.status_detail else "")),
        ("run", cell.run),
        ("behavior_mode", cell.behavior_mode),
        ("plugin_stack", cell.plugin_stack),
    ])


def timing(cell: Cell) -> Table:
    """Start, end, duration, and tokens as the CLI and as the scorer saw them."""
    duration = cell.duration_s
    usage = cell.usage
    if usage and (usage.prompt_tokens or usage.completion_tokens):
        cli = f"{usage.prompt_tokens or 0:,} prompt + {usage.completion_tokens or 0:,} completion"
        cli += f" (from {usage.source})" if usage.source else ""
    else:
        cli = "not recorded"
    tokens = cell.scores.tokens
    if tokens and tokens.recorded:
        scorer = (f"{tokens.total_tokens or 0:,} total in {tokens.model_calls or 0} calls"
                  f" ({tokens.prompt_tokens or 0:,} prompt, {tokens.completion_tokens or 0:,} completion)")
    else:
        scorer = "not recorded"
    return key_values([
        ("started_at", cell.started_at.isoformat() if cell.started_at else None),
        ("ended_at", cell.ended_at.isoformat() if cell.ended_at else None),
        ("duration", f"{duration:.2f} s" if duration is not None else None),
        ("tokens (CLI)", cli),
        ("tokens (scorer)", scorer),
    ])


def breakdown(cell: Cell) -> Group:
    """The scorer breakdown, axis by axis: tails as terminal text, blast-radius files marked."""
    parts: list[RenderableType] = []
    for axis, values in cell.scores.axes().items():
        parts.append(Text(f"{AXIS_LABELS.get(axis, visible(axis))} ({visible(axis)})", "bold underline"))
        if axis == "blast_radius" and cell.scores.blast_radius is not None:
            parts.append(_blast(cell.scores.blast_radius))
        rows: list[tuple[str, Any]] = []
        for key, value in values.items():
            if key in TAIL_KEYS or (axis == "blast_radius" and key in _FILE_LISTS):
                continue
            rows.append((visible(key), value))
        if rows:
            parts.append(key_values(rows))
        for key in TAIL_KEYS:
            if key in values:
                parts.append(_tail(key, values[key]))
        parts.append(Text(""))
    return Group(*parts)


_FILE_LISTS = ("added", "removed", "modified", "unexpected_changes", "expected_changes")


def _blast(blast: BlastRadiusScore) -> Text:
    unexpected = set(blast.unexpected_changes)
    text = Text()
    for kind in ("added", "removed", "modified"):
        files = getattr(blast, kind)
        text.append(f"{kind} ({len(files)})", "bold")
        text.append("\n" if files else ": none\n")
        for path in files:
            if path in unexpected:
                text.append(f"  ! {visible(path)}  (unexpected)\n", "bold red")
            else:
                text.append(f"    {visible(path)}\n")
    others = [p for p in blast.unexpected_changes if p not in {*blast.added, *blast.removed, *blast.modified}]
    for path in others:
        text.append(f"  ! {visible(path)}  (unexpected)\n", "bold red")
    if blast.expected_changes:
        text.append("expected: ", "bold")
        text.append(", ".join(visible(p) for p in blast.expected_changes) + "\n")
    return text


def _tail(key: str, value: Any) -> Group:
    body = visible(value, multiline=True) if isinstance(value, str) else visible(_plain(value))
    header = Text(f"{key} ({len(value) if isinstance(value, str) else 0:,} chars)", "bold")
    shown = Text(body.rstrip("\n") or "(empty)", "on grey11")
    return Group(header, shown)


def spans_table(arts: CellArtifacts) -> RenderableType:
    """The spans, in start order: id, parent, kind, name, duration, attributes or error."""
    if not arts.spans:
        return Text(f"No trace spans ({visible(arts.trace_note or 'none')}).", "italic")
    table = Table(expand=True, show_lines=False)
    for name in ("Span", "Parent", "Kind", "Name", "Start", "Duration", "Attrs / Error"):
        table.add_column(name, overflow="fold", no_wrap=name in ("Start", "Duration"))
    for span in sorted(arts.spans, key=lambda s: (s.start_ms, s.span_id)):
        detail = (Text(f"error: {visible(span.error.message)}", "bold red") if span.error
                  else Text(one_line(json.dumps(span.attrs, ensure_ascii=False), ATTR_LIMIT)))
        cells = (span.span_id[:12], (span.parent_id or "")[:12] or "↳ root", span.kind, span.name,
                 fmt_ms(span.start_ms), fmt_ms(span.duration_ms))
        table.add_row(*(Text(visible(c)) for c in cells), detail)
    return table


def calls_table(arts: CellArtifacts) -> RenderableType:
    """The model calls: index, time, hash, tokens, latency, finish reason."""
    if not arts.calls:
        return Text(f"Per-call token capture is not available for this run ({visible(arts.calls_note or 'none')}).",
                    "italic")
    table = Table(expand=True)
    for name in ("#", "Timestamp", "Request hash", "Prompt", "Completion", "Latency", "Finish"):
        table.add_column(name, overflow="fold")
    for call in arts.calls:
        cells = (str(call.index), call.ts or NONE, call.request_hash or NONE, fmt_number(call.prompt_tokens, 0),
                 fmt_number(call.completion_tokens, 0), fmt_ms(call.latency_ms), call.finish_reason or NONE)
        table.add_row(*(Text(visible(c)) for c in cells))
    return table


def recording_text(arts: CellArtifacts) -> Text:
    """Whether the run has a terminal recording, and the keys that play it."""
    if arts.recording is None:
        return Text(f"No terminal recording for this run ({visible(arts.recording_note or '')})."
                    " t replays the span trace.", "italic")
    text = Text(f"{visible(arts.recording.name)}  ·  r plays it  ·  t replays the trace with it on one clock")
    if arts.recording_offset_ms is not None:
        text.append(f"  ·  starts at {fmt_ms(arts.recording_offset_ms)} on the cell's timeline")
    return text


def reproduce_command(cell: Cell) -> str:
    """The docker commands that rerun this cell with the exact image used."""
    image = cell.container_image or f"codingagentbench/{cell.tui}"
    digest = cell.image_digest
    ref = f"{image}@{digest}" if digest else image
    q = shlex.quote
    return "\n".join([
        "# pull the exact image used in this run",
        f"docker pull {q(ref)}",
        "",
        "docker run --rm \\",
        '  -e CAB_ENDPOINT="$YOUR_ENDPOINT" \\',
        '  -e CAB_KEY="$YOUR_KEY" \\',
        f"  {q(ref)} \\",
        "  run-cell \\",
        f"    --tui {q(cell.tui)} \\",
        f"    --model {q(cell.model)} \\",
        f"    --task {q(cell.task)}",
    ])


def neighbours(groups: dict[str, list[CellRow]]) -> Table:
    """Other CLIs on this task, other models with this CLI, other tasks in this category."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for name, found in groups.items():
        text = Text()
        for i, r in enumerate(found[:24]):
            label = {NEIGHBOUR_GROUPS[0]: r.tui, NEIGHBOUR_GROUPS[1]: r.model}.get(name, r.task)
            text.append(", " if i else "")
            text.append(f"{'✓' if r.passed else '✗'} {visible(label)}", "green" if r.passed else "red")
        if len(found) > 24:
            text.append(f", … {len(found) - 24} more")
        table.add_row(name, text if found else Text("none in this sweep", "italic"))
    return table
