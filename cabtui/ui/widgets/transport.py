"""The transport bar: play state, time, duration, speed, and a scrubber with marker ticks."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Static

from cabtui.data.text import visible


def fmt_clock(seconds: float) -> str:
    """`m:ss.t` for a player's time display."""
    seconds = max(seconds, 0.0)
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:04.1f}"


class TransportBar(Static):
    """One line: ▶/⏸, time / duration, speed, then a bar; clicking the bar seeks.

    Its colours are component classes (app.tcss), so they follow the theme.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "transport--state",
        "transport--played",
        "transport--head",
        "transport--rest",
    }

    class SeekRequested(Message):
        """The bar was clicked: seek to `fraction` of the duration."""

        def __init__(self, bar: TransportBar, fraction: float) -> None:
            super().__init__()
            self.bar = bar
            self.fraction = fraction

        @property
        def control(self) -> TransportBar:
            """The bar that was clicked."""
            return self.bar

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._bar_start = 0
        self._bar_width = 1

    def show(
        self,
        t: float,
        duration: float,
        speed: float,
        playing: bool,
        markers: tuple[tuple[float, str], ...],
        note: str = "",
    ) -> None:
        """Draw the bar for playhead `t` of `duration` seconds."""
        head = f" {'▶' if playing else '⏸'} {fmt_clock(t)} / {fmt_clock(duration)}  {speed:g}x  "
        tail = f"  {len(markers)} markers" if markers else ""
        if note:
            tail += f"  {visible(note)}"
        width = max(self.size.width - len(head) - len(tail) - 2, 10)
        self._bar_start, self._bar_width = len(head), width
        cells = ["─"] * width
        for when, _ in markers:
            if duration > 0:
                cells[min(width - 1, int(when / duration * width))] = "┃"
        filled = 0 if duration <= 0 else min(width, int(t / duration * width))
        text = Text(head, "bold")
        text.append("".join(cells[:filled]), "green")
        text.append("●", "bold green")
        text.append("".join(cells[filled + 1 :]), "dim")
        text.append(tail, "dim")
        self.update(text)

    def on_click(self, event: events.Click) -> None:
        """Seek where the bar was clicked."""
        x = event.x - self._bar_start
        if 0 <= x <= self._bar_width:
            self.post_message(self.SeekRequested(self, x / self._bar_width))
