"""The replay's span detail and model-call panes at a moment: pure Rich builders (record text made
visible, never markup)."""

from __future__ import annotations

from rich.style import StyleType
from rich.table import Table
from rich.text import Text

from cabtui.data.numbers import fmt_ms, fmt_number
from cabtui.data.results import Span
from cabtui.data.text import one_line, visible
from cabtui.data.trace import Timeline
from cabtui.ui.renderables.cell_artifacts_view import call_text
from cabtui.ui.renderables.cell_page import key_values

REPLAY_CALL_TEXT = 400
"""Characters of the current call's prompt and completion the replay shows (the cell page has all)."""


def span_detail(span: Span | None, timeline: Timeline, *, no_trace: str, error: StyleType) -> Text | Table:
    """The span the panes describe: its kind, name, times, error and first attributes."""
    if span is None:
        if not timeline.rows():
            return Text(no_trace, "italic")
        return Text("No span at this moment: left / right select a span; up / down + enter jump to one.", "italic")
    rows: list[tuple[str, Text]] = [
        ("span", Text(f"{visible(span.kind)} {visible(span.name)} ({visible(span.span_id)})")),
        ("time", Text(f"{fmt_ms(span.start_ms)} → {fmt_ms(span.end_ms)} ({fmt_ms(span.duration_ms)})")),
    ]
    if span.error is not None:
        rows.append(("error", Text(visible(span.error.message, multiline=True), error)))
    rows += [(str(key), Text(one_line(str(value), 300))) for key, value in list(span.attrs.items())[:12]]
    return key_values(rows)


def calls_at(timeline: Timeline, t: float, calls_note: str | None) -> Text:
    """The calls around the playhead (started ones lit) and the text of the last one started."""
    calls = timeline.calls
    if not calls:
        return Text(f"Model calls: none ({visible(calls_note or 'none')}).", "italic")
    started = timeline.calls_started_by(t)
    text = Text(f"Model calls: {started} of {len(calls)} started\n", "bold")
    first = max(0, started - 4)
    for i, timed in enumerate(calls[first : first + 8], first):
        call = timed.call
        mark = "●" if i < started else "○"
        if call.prompt_tokens is None and call.completion_tokens is None:
            tokens = "tokens —"
        else:
            tokens = f"{fmt_number(call.prompt_tokens, 0)}→{fmt_number(call.completion_tokens, 0)} tok"
        text.append(
            f"{mark} #{call.index} at {fmt_ms(timed.start_ms)}  {tokens}  {fmt_ms(call.latency_ms)}"
            f"  {visible(call.finish_reason or '')}\n",
            "" if i < started else "dim",
        )
    # The text of the call the playhead is in (the last one started), as the cell page shows it.
    latest = call_text(calls[started - 1].call, REPLAY_CALL_TEXT) if started else None
    if latest is not None:
        text.append("\n")
        text.append_text(latest)
    return text
