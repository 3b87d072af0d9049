"""Draws an emulated terminal frame: the only way recording bytes reach the screen.

A `Frame` is plain data from `cabtui.data`; this widget turns its segments into
Strips (styles converted once and cached). The terminal keeps its recorded
size: in a smaller window it scrolls.
"""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment as RichSegment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cabtui.data.term import CellStyle, Frame, Segment


@lru_cache(maxsize=4096)
def rich_style(style: CellStyle) -> Style:
    """The Rich style of a frame style (colours the emulator produced, never raw bytes)."""
    return Style(
        color=style.fg,
        bgcolor=style.bg,
        bold=style.bold or None,
        dim=style.dim or None,
        italic=style.italic or None,
        underline=style.underline or None,
        reverse=style.reverse or None,
        strike=style.strike or None,
        blink=style.blink or None,
    )


@lru_cache(maxsize=8192)
def line_strip(line: tuple[Segment, ...]) -> Strip:
    """A frame line as a Strip; frames share unchanged lines, so the cache hits across frames."""
    return Strip([RichSegment(seg.text, rich_style(seg.style)) for seg in line])


class TerminalView(ScrollView):
    """The frame at the playhead, at its recorded size, with the cursor drawn where visible."""

    DEFAULT_CSS = """
    TerminalView { background: black; color: #d0d0d0; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"terminal-view--match"}
    """A search hit's text on the terminal (app.tcss)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.frame: Frame | None = None
        self.marked: str | None = None
        """Text to mark wherever a row shows it (a search hit's match); None: nothing marked."""

    def mark(self, text: str | None) -> None:
        """Mark `text` on every row that shows it (None: stop marking)."""
        if text != self.marked:
            self.marked = text or None
            self.refresh()

    def _marked(self, strip: Strip, line: tuple[Segment, ...]) -> Strip:
        """`strip` with the marked text, if the row shows it, in the match style."""
        marked = self.marked
        if not marked:
            return strip
        text = "".join(seg.text for seg in line)
        at = text.find(marked)
        if at < 0:
            return strip
        start = cell_len(text[:at])
        end = start + cell_len(marked)
        left, middle, right = strip.divide([start, end, max(strip.cell_length, end)])[:3]
        return Strip.join([left, middle.apply_style(self.get_component_rich_style("terminal-view--match")), right])

    def show(self, frame: Frame | None) -> None:
        """Show a new frame (None: nothing to show)."""
        if frame is self.frame:
            return
        self.frame = frame
        size = Size(frame.cols, frame.rows) if frame else Size(0, 0)
        if size != self.virtual_size:
            self.virtual_size = size
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """One row of the terminal, scrolled and clipped to the widget."""
        width = self.scrollable_content_region.width
        frame = self.frame
        row = y + round(self.scroll_offset.y)
        if frame is None or row >= frame.rows:
            return Strip.blank(width, self.rich_style)
        strip = self._marked(line_strip(frame.lines[row]), frame.lines[row])
        if frame.cursor_visible and frame.cursor[1] == row:
            x = frame.cursor[0]
            left, cell, right = strip.divide([x, x + 1, max(frame.cols, x + 1)])[:3]
            reverse = Style(reverse=True)
            cell = cell.apply_style(reverse) if cell.cell_length else Strip([RichSegment(" ", reverse)])
            strip = Strip.join([left, cell, right])
        x0 = round(self.scroll_offset.x)
        # The terminal's default colours are the widget's, not the user's terminal's.
        return strip.crop(x0, x0 + width).apply_style(self.rich_style).extend_cell_length(width, self.rich_style)
