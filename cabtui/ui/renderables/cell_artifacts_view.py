"""A cell's artifacts on its page: spans, model calls with their text, the recording.

`call_text` is a pure renderable the replay screen can reuse for a call's prompt and
completion. All of it is record text: made visible, never markup.
"""

from __future__ import annotations

import json

from rich.console import Group, RenderableType
from rich.style import StyleType
from rich.table import Table
from rich.text import Text

from cabtui.data.numbers import NONE, fmt_count, fmt_ms, rounded
from cabtui.data.results import CellArtifacts, ModelCall
from cabtui.data.text import one_line, visible
from cabtui.ui.renderables.cell_page import FALLBACK_ERROR

ATTR_LIMIT = 300
"""Characters of a span's attributes shown in the spans table."""
CALL_TEXT_LIMIT = 4000
"""Characters of a prompt or completion shown on the cell page (its start: the end is cut)."""
CALLS_WITH_TEXT = 50
"""Calls whose prompt and completion the page shows in full; the rest say how many are left."""


def spans_table(arts: CellArtifacts, *, error: StyleType = FALLBACK_ERROR) -> RenderableType:
    """The spans, in start order: id, parent, kind, name, start, duration, attributes or error
    (in `error`: the screen passes its theme's)."""
    if not arts.spans:
        return Text(f"No trace spans ({visible(arts.trace_note or 'none')}).", "italic")
    table = Table(expand=True, show_lines=False)
    for name in ("Span", "Parent", "Kind", "Name", "Start", "Duration", "Attrs / Error"):
        table.add_column(name, overflow="fold", no_wrap=name in ("Start", "Duration"))
    for span in sorted(arts.spans, key=lambda s: (s.start_ms, s.span_id)):
        detail = (
            Text(f"error: {visible(span.error.message)}", error)
            if span.error
            else Text(one_line(json.dumps(rounded(span.attrs), ensure_ascii=False), ATTR_LIMIT))
        )
        cells = (
            span.span_id[:12],
            (span.parent_id or "")[:12] or "↳ root",
            span.kind,
            span.name,
            fmt_ms(span.start_ms),
            fmt_ms(span.duration_ms),
        )
        table.add_row(*(Text(visible(c)) for c in cells), detail)
    return table


def call_text(call: ModelCall, limit: int = CALL_TEXT_LIMIT) -> Text | None:
    """A call's prompt and completion under headers with their sizes; None when it has neither."""
    if call.prompt is None and call.completion is None:
        return None
    out = Text()
    for name, body in (("prompt", call.prompt), ("completion", call.completion)):
        if body is None:
            continue
        if out:
            out.append("\n")
        out.append(f"#{call.index} {name} ({len(body):,} chars)\n", "bold")
        shown = visible(body[:limit], multiline=True).rstrip("\n")
        out.append(shown or "(empty)")
        if len(body) > limit:
            out.append(f"\n… {len(body) - limit:,} more characters", "dim italic")
    return out


def calls_section(arts: CellArtifacts) -> RenderableType:
    """The model calls table, then the text of each call that recorded any."""
    if not arts.calls:
        return Text(
            f"Per-call token capture is not available for this run ({visible(arts.calls_note or 'none')}).", "italic"
        )
    table = Table(expand=True)
    for name in ("#", "Timestamp", "Request hash", "Prompt", "Completion", "Latency", "Finish"):
        table.add_column(name, overflow="fold")
    for call in arts.calls:
        cells = (
            str(call.index),
            call.ts or NONE,
            call.request_hash or NONE,
            fmt_count(call.prompt_tokens),
            fmt_count(call.completion_tokens),
            fmt_ms(call.latency_ms),
            call.finish_reason or NONE,
        )
        table.add_row(*(Text(visible(c)) for c in cells))
    texts = [t for t in (call_text(c) for c in arts.calls[:CALLS_WITH_TEXT]) if t is not None]
    parts: list[RenderableType] = [table]
    for t in texts:
        parts += [Text(""), t]
    rest = sum(1 for c in arts.calls[CALLS_WITH_TEXT:] if c.prompt is not None or c.completion is not None)
    if rest:
        parts.append(Text(f"\n… the text of {rest:,} more calls is not shown here", "dim italic"))
    return Group(*parts)


def recording_text(arts: CellArtifacts) -> Text:
    """Whether the run has a terminal recording, and the keys that play it."""
    if arts.recording is None:
        return Text(
            f"No terminal recording for this run ({visible(arts.recording_note or '')}). t replays the span trace.",
            "italic",
        )
    text = Text(f"{visible(arts.recording.name)}  ·  r plays it  ·  t replays the trace with it on one clock")
    if arts.recording_offset_ms is not None:
        text.append(f"  ·  starts at {fmt_ms(arts.recording_offset_ms)} on the cell's timeline")
    return text
