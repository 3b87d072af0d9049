"""Stdout/stderr tails drawn as the terminal showed them, through cabtui's own emulator.

A tail is agent output: colours and carriage-return overwrites are part of what it
said, so it is fed to a `Terminal` (which never stores a control character) and its
screen is read back as styled text. The raw view shows the same text with every
control character made visible instead. Both are bounded, so a huge tail cannot
hang the page.
"""

from __future__ import annotations

from rich.text import Text

from cabtui.data.term import Terminal
from cabtui.data.text import visible
from cabtui.ui.widgets.terminal_view import rich_style

MAX_CHARS = 64 * 1024
"""Characters of a tail fed to the emulator (its end: a tail's last lines matter most)."""
MAX_COLS = 240
"""Widest screen a tail is drawn on; longer lines wrap, as they would in a terminal."""
MAX_ROWS = 400
"""Rows of screen kept; earlier lines scroll off, as they would in a terminal."""


def _cut(text: str) -> tuple[str, int]:
    """The end of `text` to show, and how many characters were left out before it."""
    if len(text) <= MAX_CHARS:
        return text, 0
    return text[-MAX_CHARS:], len(text) - MAX_CHARS


def rendered_tail(text: str) -> Text:
    """`text` as a terminal would show it: SGR colours applied, `\\r` overwrites done.

    Newlines are fed as CR LF (what a terminal's line discipline does to a program's
    `\\n`). The screen is as wide as the tail's longest line, up to `MAX_COLS`.
    """
    shown, skipped = _cut(text)
    lines = shown.split("\n")
    cols = max(20, min(MAX_COLS, max(len(line) for line in lines)))
    rows = max(1, min(MAX_ROWS, len(lines)))
    term = Terminal(cols, rows)
    term.feed(shown.replace("\n", "\r\n"))
    frame = term.frame(0.0)
    out = Text()
    if skipped or len(lines) > rows:
        out.append(f"… earlier output not shown ({skipped:,} characters cut, screen of {rows} lines)\n", "dim italic")
    drawn = [list(line) for line in frame.lines]
    while drawn and not "".join(seg.text for seg in drawn[-1]).strip():
        drawn.pop()
    for i, line in enumerate(drawn):
        if i:
            out.append("\n")
        while line and not line[-1].text.strip() and line[-1].style.bg is None and not line[-1].style.reverse:
            line.pop()
        for seg in line:
            text_part = seg.text
            if seg is line[-1] and seg.style.bg is None and not seg.style.reverse:
                text_part = text_part.rstrip(" ")
            out.append(text_part, rich_style(seg.style))
    return out


def raw_tail(text: str) -> Text:
    """`text` as stored: every control character (ESC, CR, BEL...) made visible, lines kept."""
    shown, skipped = _cut(text)
    out = Text()
    if skipped:
        out.append(f"… {skipped:,} earlier characters not shown\n", "dim italic")
    out.append(visible(shown, multiline=True).rstrip("\n"))
    return out
