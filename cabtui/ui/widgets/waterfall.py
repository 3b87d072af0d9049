"""The span waterfall: rows in tree order, bars on a shared time axis, a cursor line at t."""

from __future__ import annotations

import math
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from cabtui.data.numbers import fmt_ms
from cabtui.data.results import Span
from cabtui.data.text import visible
from cabtui.data.trace import Timeline
from cabtui.ui.widgets.table import _fit

LABEL_WIDTH = 44
MIN_LABEL = 12
MIN_BAR = 20


class Waterfall(Widget, can_focus=True):
    """Draws only the visible rows, so 5,000 spans cost what 40 do."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "highlight(-1)", "Up", show=False, id="waterfall.up"),
        Binding("down,j", "highlight(1)", "Down", show=False, id="waterfall.down"),
        Binding("pageup", "highlight(-20)", "Page up", show=False, id="waterfall.page_up"),
        Binding("pagedown", "highlight(20)", "Page down", show=False, id="waterfall.page_down"),
        Binding("enter", "jump", "Jump to span", id="waterfall.jump"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "waterfall--axis",
        "waterfall--bar",
        "waterfall--bar-error",
        "waterfall--bar-active",
        "waterfall--cursor-line",
        "waterfall--selected",
        "waterfall--highlight",
    }

    class JumpRequested(Message):
        """`enter` or a click on a span: move the playhead to its start."""

        def __init__(self, span: Span) -> None:
            super().__init__()
            self.span = span

    def __init__(self, timeline: Timeline, *, id: str | None = None, empty: str = "No spans.") -> None:
        super().__init__(id=id)
        self.timeline = timeline
        self.empty = empty
        """What the body says when there are no spans (plain text, shown as is)."""
        self.rows = timeline.rows()
        self.t_ms = 0.0
        self.selected: str | None = None
        self.highlight = 0
        self._top = 0

    def set_time(self, t_ms: float, selected: str | None) -> None:
        """Move the cursor line; keep the selected span's row on screen."""
        self.t_ms = t_ms
        if selected != self.selected:
            self.selected = selected
            index = next((i for i, (s, _) in enumerate(self.rows) if s.span_id == selected), None)
            if index is not None:
                self.highlight = index
                self._show_row(index)
        self.refresh()

    def _show_row(self, index: int) -> None:
        """Move the first drawn row so row `index` is on screen (named apart from Widget's scrolling)."""
        view = max(self.size.height - 1, 1)
        if index < self._top:
            self._top = index
        elif index >= self._top + view:
            self._top = index - view + 1

    def action_highlight(self, delta: int) -> None:
        """Move the row highlight without moving the playhead."""
        if self.rows:
            self.highlight = max(0, min(len(self.rows) - 1, self.highlight + delta))
            self._show_row(self.highlight)
            self.refresh()

    def action_jump(self) -> None:
        """Ask for the playhead at the highlighted span's start."""
        if self.rows:
            self.post_message(self.JumpRequested(self.rows[self.highlight][0]))

    @property
    def label_width(self) -> int:
        """The span labels' width: `LABEL_WIDTH`, less in a narrow pane so the bars keep `MIN_BAR` cells."""
        return max(min(LABEL_WIDTH, self.size.width - 1 - MIN_BAR), MIN_LABEL)

    def on_click(self, event: events.Click) -> None:
        """Click a row to jump to its span."""
        index = self._top + event.y - 1
        if event.y >= 1 and 0 <= index < len(self.rows):
            self.highlight = index
            self.action_jump()

    def _x(self, t_ms: float, width: int) -> int:
        duration = self.timeline.duration_ms or 1.0
        share = t_ms / duration
        if not math.isfinite(share):  # spans ending past a float's range
            return width - 1
        return min(width - 1, max(0, int(share * width)))

    def render_line(self, y: int) -> Strip:
        """Line 0 is the time axis; the others are span rows."""
        width = self.size.width
        label_w = self.label_width
        bar_w = max(width - label_w - 1, MIN_BAR)
        cursor_x = self._x(self.t_ms, bar_w)
        if y == 0:
            return self._axis(label_w, bar_w, cursor_x).crop(0, width).extend_cell_length(width)
        index = self._top + y - 1
        if not self.rows and y == 1:
            line = Strip([Segment(" " + visible(self.empty), self.rich_style + Style(italic=True))])
            return line.crop(0, width).extend_cell_length(width, self.rich_style)
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        span, depth = self.rows[index]
        label_style = self.rich_style
        if span.span_id == self.selected:
            label_style = label_style + self.get_component_rich_style("waterfall--selected")
        if index == self.highlight and self.has_focus:
            label_style = label_style + self.get_component_rich_style("waterfall--highlight")
        marker = "!" if span.error else " "
        label = _fit(f"{'  ' * min(depth, 8)}{marker}{visible(span.kind)} {visible(span.name)}", label_w, "left")
        start = self._x(span.start_ms, bar_w)
        end = max(start + 1, self._x(span.end_ms, bar_w) + (1 if span.duration_ms else 0))
        active = span.start_ms <= self.t_ms <= span.end_ms
        bar_class = "waterfall--bar-error" if span.error else "waterfall--bar-active" if active else "waterfall--bar"
        bar_style = self.get_component_rich_style(bar_class)
        cursor_style = self.get_component_rich_style("waterfall--cursor-line")
        segments = [Segment(label + " ", label_style)]
        for x in range(bar_w):
            if x == cursor_x:
                ch = "┃"
                style = cursor_style
            elif start <= x < end:
                ch, style = "█", bar_style
            else:
                ch, style = " ", self.rich_style
            segments.append(Segment(ch, style))
        return Strip(Segment.simplify(segments)).crop(0, width).extend_cell_length(width)

    def _axis(self, label_w: int, bar_w: int, cursor_x: int) -> Strip:
        """`┊0 ms  ┊1.2 s ...` every 20 cells, and `▼` at the cursor; a tick label the
        cursor would cut into, or the bar's end, is left out rather than cut."""
        style = self.get_component_rich_style("waterfall--axis")
        duration = self.timeline.duration_ms
        title = f"span ({len(self.rows)})" if self.rows else "no trace"
        label = _fit(title, label_w, "left") + " "
        ticks = [" "] * bar_w
        for i in range(0, bar_w, 20):
            text = f"┊{fmt_ms(duration * i / bar_w)}"
            if i <= cursor_x < i + len(text) or i + len(text) > bar_w:
                continue
            for j, ch in enumerate(text):
                ticks[i + j] = ch
        ticks[cursor_x] = "▼"
        return Strip([Segment(label, style), Segment("".join(ticks), style)])
