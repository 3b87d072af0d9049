"""Cells of the emulator's grid: character widths, rows with their caches, shared blank rows.

A row is two parallel lists (characters, styles) so a run of text is one slice assignment;
it caches its frozen copy (for snapshots) and its segments (for frames) until written again.
"""

from __future__ import annotations

from itertools import groupby

from wcwidth import wcwidth

from cabtui.data.memory import BoundedCache
from cabtui.data.term.frames import DEFAULT_STYLE, CellStyle, Segment, intern_style, safe_text
from cabtui.data.term.state import FrozenRow

WIDE_TAIL = ""
"""The second cell of a wide character: no text of its own."""

_WIDTHS = BoundedCache[str, int](1 << 16)
# Zero-width format characters that would hide or reorder text: dropped, never combined.
_DROP = frozenset(
    "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)


def char_width(ch: str) -> int:
    """Cells `ch` takes: 1, 2, 0 (combines with the previous cell) or -1 (not printable).

    wcwidth's table, except where tmux and Rich (which draws the frames) agree otherwise:
    regional indicators are one cell each (a flag pair is two), skin-tone modifiers combine.
    """
    w = _WIDTHS.entries.get(ch)
    if w is None:
        if ch in _DROP:
            w = -1
        elif "\U0001f1e6" <= ch <= "\U0001f1ff":
            w = 1
        elif "\U0001f3fb" <= ch <= "\U0001f3ff":
            w = 0
        else:
            w = wcwidth(ch)
        _WIDTHS.put(ch, w)
    return w


class Row:
    """One screen line: characters and styles, plus caches invalidated by any write."""

    __slots__ = ("chars", "styles", "segs", "frozen")

    def __init__(self, chars: list[str], styles: list[CellStyle], frozen: FrozenRow | None = None) -> None:
        self.chars = chars
        self.styles = styles
        self.segs: tuple[Segment, ...] | None = None
        self.frozen = frozen

    def freeze(self) -> FrozenRow:
        """An immutable copy, reused until the row changes (snapshots share unchanged rows)."""
        if self.frozen is None:
            self.frozen = (tuple(self.chars), tuple(self.styles))
        return self.frozen

    def segments(self) -> tuple[Segment, ...]:
        """The row as runs of same-styled cells (styles are interned: groupby compares by identity)."""
        if self.segs is None:
            chars = self.chars
            out: list[Segment] = []
            x = 0
            for style, group in groupby(self.styles):
                n = len(list(group))  # C speed: a generator here cost 0.1 s for a 1000x1000 frame
                out.append(Segment(safe_text("".join(chars[x : x + n])), style))
                x += n
            self.segs = tuple(out)
        return self.segs


CELLS_PER_UNIT = 8
"""Work accounting (`Screen.work`): cells blanked, moved or resized per unit, one unit being
about what one character of ordinary output costs to feed (measured: benchmarks/hostile_feed.py)."""


MAX_CACHE = 1024
"""Entries a memo may hold before it starts over: true colour makes 16 M distinct keys."""

_BG_ONLY = BoundedCache[str | None, CellStyle](MAX_CACHE, pinned={None: DEFAULT_STYLE})


def bg_only(style: CellStyle) -> CellStyle:
    """The style erased cells get: the background colour alone (tmux's erase behaviour)."""
    s = _BG_ONLY.entries.get(style.bg)
    if s is None:
        s = _BG_ONLY.put(style.bg, intern_style(CellStyle(bg=style.bg)))
    return s


_BLANK = BoundedCache[tuple[int, CellStyle], FrozenRow](64)


def blank_frozen(cols: int, style: CellStyle) -> FrozenRow:
    """A blank row's frozen form, shared: snapshots after an erase or resize cost no cells."""
    key = (cols, style)
    frozen = _BLANK.entries.get(key)
    if frozen is None:
        frozen = _BLANK.put(key, ((" ",) * cols, (style,) * cols))
    return frozen


MAX_COLS = MAX_ROWS = 1000
"""Sizes are clamped to this: a corrupt header or resize must not allocate gigabytes."""
MAX_CLUSTER = 32
"""Characters one cell may hold (base plus combining marks): a flood of accents stays bounded."""
