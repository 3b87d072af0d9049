"""A recording's screen as text at a moment: what `cabtui frame` prints."""

from __future__ import annotations

from pathlib import Path

from cabtui.data.term.asciicast import load_cast
from cabtui.data.term.frames import Frame
from cabtui.data.term.keyframes import FramePlayer


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
