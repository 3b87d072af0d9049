"""The span waterfall: rows in tree order, bars on a shared time axis, a cursor line at t."""

from __future__ import annotations

import math
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cabtui.data.numbers import fmt_ms
from cabtui.data.results import Span
from cabtui.data.text import visible
from cabtui.data.trace import Timeline
from cabtui.ui.widgets.line_styles import LineStyles
from cabtui.ui.widgets.table import fit_cells

LABEL_WIDTH = 44
MIN_LABEL = 12
MIN_BAR = 20

AXIS_LINES = 1
"""The time axis stays on top while the rows scroll under it."""


class Waterfall(LineStyles, ScrollView, can_focus=True, inherit_bindings=False):
    """Draws only the visible rows, so 5,000 spans cost what 40 do.

    A ScrollView one line per span (the wheel and the scrollbar scroll it); its own
    keys move the highlight, so the scroll keys ScrollView would add are not inherited.
    """

    DEFAULT_CSS = """
    Waterfall { overflow-x: hidden; overflow-y: auto; }
    """

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

        def __init__(self, waterfall: Waterfall, span: Span) -> None:
            super().__init__()
            self.waterfall = waterfall
            self.span = span

        @property
        def control(self) -> Waterfall:
            """The waterfall that asked (what `@on(..., "#id")` matches)."""
            return self.waterfall

    def __init__(self, timeline: Timeline, *, id: str | None = None, empty: str = "No spans.") -> None:
        super().__init__(id=id)
        self._timeline = timeline
        self.empty = empty
        """What the body says when there are no spans (plain text, shown as is)."""
        self.rows = timeline.rows()
        self.t_ms = 0.0
        self.selected: str | None = None
        self.highlight = 0
        self._lines: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        """Drawn span rows by what they show: while playing, most lines stay as they were."""
        self.virtual_size = Size(0, len(self.rows) + AXIS_LINES)

    @property
    def timeline(self) -> Timeline:
        """What is drawn; a new one (a recording loaded) redraws every row."""
        return self._timeline

    @timeline.setter
    def timeline(self, timeline: Timeline) -> None:
        self._timeline = timeline
        self.rows = timeline.rows()
        self._lines.clear()
        self.virtual_size = Size(0, len(self.rows) + AXIS_LINES)
        self.refresh()

    def styles_changed(self, styles: dict[str, Style]) -> None:
        """A new theme or stylesheet: every row drawn again."""
        self._lines.clear()

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
        """Scroll just enough that row `index` shows below the axis."""
        self.scroll_to_region(
            Region(0, index + AXIS_LINES, 1, 1), spacing=Spacing(top=AXIS_LINES), animate=False, force=True
        )

    def action_highlight(self, delta: int) -> None:
        """Move the row highlight without moving the playhead."""
        if self.rows:
            self.highlight = max(0, min(len(self.rows) - 1, self.highlight + delta))
            self._show_row(self.highlight)
            self.refresh()

    def action_jump(self) -> None:
        """Ask for the playhead at the highlighted span's start."""
        if self.rows:
            self.post_message(self.JumpRequested(self, self.rows[self.highlight][0]))

    @property
    def label_width(self) -> int:
        """The span labels' width: `LABEL_WIDTH`, less in a narrow pane so the bars keep `MIN_BAR` cells."""
        return max(min(LABEL_WIDTH, self.scrollable_content_region.width - 1 - MIN_BAR), MIN_LABEL)

    @property
    def top(self) -> int:
        """The first span row drawn under the axis."""
        return round(self.scroll_offset.y)

    def on_click(self, event: events.Click) -> None:
        """Click a row to jump to its span."""
        index = self.top + event.y - AXIS_LINES
        if event.y >= AXIS_LINES and 0 <= index < len(self.rows):
            self.highlight = index
            self.action_jump()

    def _x(self, t_ms: float, width: int) -> int:
        duration = self.timeline.duration_ms or 1.0
        share = t_ms / duration
        if not math.isfinite(share):  # spans ending past a float's range
            return width - 1
        return min(width - 1, max(0, int(share * width)))

    def render_line(self, y: int) -> Strip:
        """Line 0 is the time axis; the others are span rows, scrolled."""
        styles = self.line_styles()
        base = styles[""]
        width = self.scrollable_content_region.width
        label_w = self.label_width
        bar_w = max(width - label_w - 1, MIN_BAR)
        cursor_x = self._x(self.t_ms, bar_w)
        if y < AXIS_LINES:
            return self._axis(label_w, bar_w, cursor_x, styles).crop(0, width).extend_cell_length(width)
        index = self.top + y - AXIS_LINES
        if not self.rows and y == AXIS_LINES:
            empty = Strip([Segment(" " + visible(self.empty), base + Style(italic=True))])
            return empty.crop(0, width).extend_cell_length(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        span = self.rows[index][0]
        active = span.start_ms <= self.t_ms <= span.end_ms
        marked = (span.span_id == self.selected, index == self.highlight and self.has_focus)
        key = (index, width, cursor_x, active, marked)
        cached = self._lines.get(key)
        if cached is not None:
            return cached
        line = self._row(index, active, marked, label_w, bar_w, cursor_x, styles).crop(0, width)
        line = line.extend_cell_length(width)
        self._lines.set(key, line)
        return line

    def _row(
        self,
        index: int,
        active: bool,
        marked: tuple[bool, bool],
        label_w: int,
        bar_w: int,
        cursor_x: int,
        styles: dict[str, Style],
    ) -> Strip:
        span, depth = self.rows[index]
        base = styles[""]
        label_style = base
        if marked[0]:
            label_style = label_style + styles["waterfall--selected"]
        if marked[1]:
            label_style = label_style + styles["waterfall--highlight"]
        marker = "!" if span.error else " "
        label = fit_cells(f"{'  ' * min(depth, 8)}{marker}{visible(span.kind)} {visible(span.name)}", label_w, "left")
        start = self._x(span.start_ms, bar_w)
        end = max(start + 1, self._x(span.end_ms, bar_w) + (1 if span.duration_ms else 0))
        bar_class = "waterfall--bar-error" if span.error else "waterfall--bar-active" if active else "waterfall--bar"
        bar_style = styles[bar_class]
        cursor_style = styles["waterfall--cursor-line"]
        segments = [Segment(label + " ", label_style)]
        for x in range(bar_w):
            if x == cursor_x:
                ch = "┃"
                style = cursor_style
            elif start <= x < end:
                ch, style = "█", bar_style
            else:
                ch, style = " ", base
            segments.append(Segment(ch, style))
        return Strip(Segment.simplify(segments))

    def _axis(self, label_w: int, bar_w: int, cursor_x: int, styles: dict[str, Style]) -> Strip:
        """`┊0 ms  ┊1.2 s ...` every 20 cells, and `▼` at the cursor; a tick label the
        cursor would cut into, or the bar's end, is left out rather than cut."""
        style = styles["waterfall--axis"]
        duration = self.timeline.duration_ms
        title = f"span ({len(self.rows)})" if self.rows else "no trace"
        label = fit_cells(title, label_w, "left") + " "
        ticks = [" "] * bar_w
        for i in range(0, bar_w, 20):
            text = f"┊{fmt_ms(duration * i / bar_w)}"
            if i <= cursor_x < i + len(text) or i + len(text) > bar_w:
                continue
            for j, ch in enumerate(text):
                ticks[i + j] = ch
        ticks[cursor_x] = "▼"
        return Strip([Segment(label, style), Segment("".join(ticks), style)])
