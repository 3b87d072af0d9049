"""The screen's state besides its grid, as one dataclass, and the frozen snapshot of both.

Every field of `ScreenState` holds an immutable value (ints, bools, tuples, frozensets,
interned styles, frozen dataclasses), so a shallow copy is a whole copy: snapshot and restore
copy the dataclass whole, and a field added here is saved and restored with no other change.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from cabtui.data.term.frames import DEFAULT_STYLE, CellStyle

FrozenRow = tuple[tuple[str, ...], tuple[CellStyle, ...]]
FrozenRows = tuple[FrozenRow, ...]

ASCII = "B"
"""The charset designator of US ASCII (`ESC ( B`); `0` is DEC Special Graphics."""


def default_tabs(cols: int) -> frozenset[int]:
    """Tab stops every 8 columns, as at power-on and after a resize."""
    return frozenset(range(8, cols, 8))


@dataclass(frozen=True, slots=True)
class SavedCursor:
    """What DECSC (`ESC 7`, `CSI s`, mode 1048) saves and DECRC restores."""

    x: int = 0
    y: int = 0
    pen: CellStyle = DEFAULT_STYLE
    origin: bool = False
    charsets: tuple[str, str] = (ASCII, ASCII)
    shift: int = 0


@dataclass(frozen=True, slots=True)
class AltCursor:
    """What entering the alternate screen with mode 1049 saves, and leaving it restores."""

    x: int
    y: int
    pen: CellStyle


@dataclass(slots=True)
class ScreenState:
    """Cursor, pen, margins, modes, tab stops and charsets: all but the grid's cells."""

    cols: int
    rows: int
    x: int = 0
    """0..cols: x == cols means a wrap is pending (the last column was just written)."""
    y: int = 0
    pen: CellStyle = DEFAULT_STYLE
    """The style written and erased with (erases use its background only)."""
    top: int = 0
    bottom: int = 0
    """The scroll region (DECSTBM), 0-based and inclusive."""
    autowrap: bool = True
    """DECAWM (mode 7)."""
    insert: bool = False
    """IRM (ANSI mode 4): text shifts the rest of the line right."""
    origin: bool = False
    """DECOM (mode 6): row addresses are relative to the scroll region."""
    cursor_visible: bool = True
    """DECTCEM (mode 25)."""
    tabs: frozenset[int] = frozenset()
    charsets: tuple[str, str] = (ASCII, ASCII)
    """G0 and G1 designators."""
    shift: int = 0
    """Which of G0 / G1 is in use (SI / SO)."""
    saved: SavedCursor = SavedCursor()
    alt_saved: AltCursor | None = None

    @classmethod
    def power_on(cls, cols: int, rows: int) -> ScreenState:
        """The state after RIS: home cursor, default pen and modes, whole-screen region."""
        return cls(cols, rows, bottom=rows - 1, tabs=default_tabs(cols))

    def copy(self) -> ScreenState:
        """An independent copy (every field is immutable, so a shallow one suffices)."""
        return dataclasses.replace(self)


@dataclass(frozen=True, slots=True)
class ScreenSnapshot:
    """Everything needed to resume a screen: its grids as frozen rows, and its state."""

    lines: FrozenRows
    main_lines: FrozenRows | None
    """The main screen's rows while the alternate screen is shown, else None."""
    state: ScreenState
