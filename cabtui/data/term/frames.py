"""Immutable terminal frames: what a recording's screen shows at one moment.

A frame is plain data (no emulator, no Rich): the UI turns its segments into
Strips, `cabtui frame` prints its text or ANSI. Styles are interned so equal
styles are the same object: grouping cells into segments compares by identity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cabtui.data.memory import BoundedCache
from cabtui.data.text import visible

NAMED_COLOURS = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")
"""SGR 30-37 / 40-47 in order; SGR 90-97 / 100-107 are the same with a `bright_` prefix."""


@dataclass(frozen=True, slots=True)
class CellStyle:
    """How a run of cells is drawn. Colours are strings Rich parses: `red`, `bright_red`,
    `color(123)`, `#rrggbb`; None is the terminal's default colour."""

    fg: str | None = None
    bg: str | None = None
    bold: bool = False
    dim: bool = False
    italic: bool = False
    underline: bool = False
    reverse: bool = False
    strike: bool = False
    blink: bool = False

    def sgr(self) -> str:
        """The SGR parameters that select this style from a reset state (no leading `0`)."""
        params: list[str] = []
        for flag, code in (
            (self.bold, "1"),
            (self.dim, "2"),
            (self.italic, "3"),
            (self.underline, "4"),
            (self.blink, "5"),
            (self.reverse, "7"),
            (self.strike, "9"),
        ):
            if flag:
                params.append(code)
        if self.fg is not None:
            params.append(_colour_sgr(self.fg, 30))
        if self.bg is not None:
            params.append(_colour_sgr(self.bg, 40))
        return ";".join(params)


DEFAULT_STYLE = CellStyle()
"""The terminal's default colours, no attributes: the canonical instance."""

_INTERNED = BoundedCache[CellStyle, CellStyle](100_000, pinned={DEFAULT_STYLE: DEFAULT_STYLE})


def intern_style(style: CellStyle) -> CellStyle:
    """The canonical instance equal to `style`, so cells can be compared with `is` first.

    Bounded: past 100k distinct styles (random truecolour) the table starts over; equal
    styles then compare by value, which is slower but still right.
    """
    found = _INTERNED.entries.get(style)
    if found is None:
        found = _INTERNED.put(style, style)
    return found


def _colour_sgr(colour: str, base: int) -> str:
    """SGR parameters for a colour string; `base` is 30 for foreground, 40 for background."""
    if colour.startswith("#"):
        r, g, b = int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
        return f"{base + 8};2;{r};{g};{b}"
    if colour.startswith("color("):
        return f"{base + 8};5;{colour[6:-1]}"
    if colour.startswith("bright_"):
        return str(base + 60 + NAMED_COLOURS.index(colour[7:]))
    return str(base + NAMED_COLOURS.index(colour))


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of same-styled cells. A wide character occupies two cells but one `text` character."""

    text: str
    style: CellStyle


# Anything that could act on a terminal or reorder text: never in a frame.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def safe_text(text: str) -> str:
    """`text` unchanged, or with any control character made visible (the emulator never stores
    them; this is the last guard before a widget)."""
    return visible(text) if _UNSAFE.search(text) else text


@dataclass(frozen=True, slots=True)
class Frame:
    """The screen at `time` seconds: `rows` lines of segments covering `cols` cells each."""

    cols: int
    rows: int
    lines: tuple[tuple[Segment, ...], ...]
    cursor: tuple[int, int]
    """(x, y), 0-based, always inside the screen."""
    cursor_visible: bool
    alt_screen: bool
    time: float

    def text_lines(self) -> list[str]:
        """One plain string per row, trailing spaces removed (as `tmux capture-pane -p` prints)."""
        return ["".join(seg.text for seg in line).rstrip(" ") for line in self.lines]

    def to_ansi(self) -> str:
        """The screen as text with SGR colour codes, one line per row, each ending in a reset."""
        out: list[str] = []
        for line in self.lines:
            segs = list(line)
            while segs and segs[-1].style == DEFAULT_STYLE and not segs[-1].text.strip(" "):
                segs.pop()
            if segs and segs[-1].style == DEFAULT_STYLE:
                segs[-1] = Segment(segs[-1].text.rstrip(" "), DEFAULT_STYLE)
            parts = []
            for seg in segs:
                sgr = seg.style.sgr()
                parts.append(f"\x1b[0;{sgr}m{seg.text}" if sgr else f"\x1b[0m{seg.text}")
            out.append("".join(parts) + ("\x1b[0m" if parts else ""))
        return "\n".join(out)
