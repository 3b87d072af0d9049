"""cabtui's own terminal emulator and asciicast reader: recordings as immutable frames.

Measured against pyte and bittty in docs/terminal-emulator.md, it is the one that gets
the alternate screen, wide characters and 24-bit colour right (identical to tmux on
every sample), stays bounded on hostile input, and snapshots its whole state in
microseconds, which keyframe seeking needs. The pieces, in the order bytes flow:

    asciicast, events   read v1/v2/v3 recordings (.cast, .cast.gz) into compact Events
    parser              `Terminal.feed(text)`: escape sequences into calls on its Screen
    sgr, modes          SGR colours and attributes (a table); DEC/ANSI modes by name
    screen, cursor,     the Screen: grid of Rows, text, cursor, scrolling and erasing,
    editing, cells      alternate screen, resize; cells: widths, Rows, bounded memos
    state               ScreenState (cursor, pen, margins, modes...) and the snapshots
    frames              immutable `Frame`s of `Segment`s in interned `CellStyle`s
    keyframes           `FramePlayer.frame_at(t)`: snapshots every so much work, so any
                        seek costs one restore and a short replay
    recording           `screen_text_at(path, seconds)`: what `cabtui frame` prints
"""

from cabtui.data.term.asciicast import MAX_CAST_BYTES, CastError, Event, Recording, load_cast
from cabtui.data.term.frames import DEFAULT_STYLE, CellStyle, Frame, Segment
from cabtui.data.term.keyframes import FramePlayer
from cabtui.data.term.parser import Terminal
from cabtui.data.term.recording import frame_text, screen_text_at

__all__ = [
    "DEFAULT_STYLE",
    "MAX_CAST_BYTES",
    "CastError",
    "CellStyle",
    "Event",
    "Frame",
    "FramePlayer",
    "Recording",
    "Segment",
    "Terminal",
    "frame_text",
    "load_cast",
    "screen_text_at",
]
