"""Terminal recordings as immutable frames: the public face of the emulator.

The emulator is cabtui's own (`vt.py` parses; `vtscreen.py`, `vtedit.py`, `vtcells.py` keep
the grid; `sgr.py` reads colours). Measured against pyte and bittty in
docs/terminal-emulator.md, it is the one that gets the alternate screen, wide characters and
24-bit colour right (identical to tmux on every sample) at 5-8 MB/s, and snapshots its whole
state in microseconds, which keyframe seeking needs. Import from here:

    Frame, Segment, CellStyle      immutable screen data (frames.py)
    Terminal                       the emulator: feed(text), resize(), frame(t), snapshot()
    FramePlayer                    frame_at(t) over a Recording, with keyframes (keyframes.py)
    screen_text_at(path, seconds)  what `cabtui frame FILE.cast --at SECONDS` prints
"""

from __future__ import annotations

from pathlib import Path

from cabtui.data.term.asciicast import CastError, load_cast
from cabtui.data.term.frames import DEFAULT_STYLE, CellStyle, Frame, Segment
from cabtui.data.term.keyframes import FramePlayer
from cabtui.data.term.parser import Terminal

__all__ = ["DEFAULT_STYLE", "CastError", "CellStyle", "Frame", "FramePlayer", "Segment", "Terminal",
           "frame_text", "load_cast", "screen_text_at"]


def screen_text_at(path: Path, seconds: float, *, ansi: bool = False) -> str:
    """The screen of recording `path` at `seconds` (see `frame_text`).

    Raises CastError when the file cannot be read or has no valid header.
    """
    return frame_text(FramePlayer(load_cast(path)).frame_at(seconds), ansi=ansi)


def frame_text(frame: Frame, *, ansi: bool = False) -> str:
    """One line per row, trailing blank rows dropped, no final newline; with `ansi`, SGR
    codes carry the colours."""
    lines = frame.to_ansi().split("\n") if ansi else frame.text_lines()
    plain = frame.text_lines()
    while plain and not plain[-1] and not (ansi and lines[-1]):
        plain.pop()
        lines.pop()
    return "\n".join(lines)
