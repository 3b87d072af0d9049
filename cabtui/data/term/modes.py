"""Terminal modes by name, and what setting or resetting each does to a `Screen`.

`CSI ? n h` / `CSI ? n l` (DECSET / DECRST) set private modes, `CSI n h` / `CSI n l` (SM / RM)
ANSI ones. Modes with nothing to show in a recording (mouse reporting, bracketed paste,
focus events, keypad...) are absent and change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cabtui.data.term.screen import Screen


class DecMode(IntEnum):
    """Private (DEC) modes the emulator honours."""

    DECCOLM = 3
    """80/132 columns: tmux clears the screen and homes the cursor, keeping the width."""
    DECOM = 6
    """Origin mode: row addresses relative to the scroll region."""
    DECAWM = 7
    """Autowrap at the right margin."""
    DECTCEM = 25
    """Cursor visible."""
    ALT_SCREEN_47 = 47
    """Alternate screen, no cursor save."""
    ALT_SCREEN_1047 = 1047
    """Alternate screen, no cursor save (xterm's newer number)."""
    SAVE_CURSOR_1048 = 1048
    """Set saves the cursor (DECSC), reset restores it (DECRC)."""
    ALT_SCREEN_1049 = 1049
    """Alternate screen, saving the cursor on entry and restoring it on exit."""


class AnsiMode(IntEnum):
    """ANSI modes (SM / RM) the emulator honours."""

    IRM = 4
    """Insert mode: text shifts the rest of the line right."""


ModeSetter = Callable[["Screen", bool], None]


def _column_mode(screen: Screen, on: bool) -> None:
    screen.erase_display(2)
    screen.state.x = screen.state.y = 0


def _origin_mode(screen: Screen, on: bool) -> None:
    screen.state.origin = on
    screen.move_to(0, 0)


def _autowrap(screen: Screen, on: bool) -> None:
    screen.state.autowrap = on


def _cursor_visible(screen: Screen, on: bool) -> None:
    screen.state.cursor_visible = on


def _alt_screen(screen: Screen, on: bool) -> None:
    screen.alt_on(False) if on else screen.alt_off(False)


def _alt_screen_saving_cursor(screen: Screen, on: bool) -> None:
    screen.alt_on(True) if on else screen.alt_off(True)


def _save_cursor(screen: Screen, on: bool) -> None:
    screen.save_cursor() if on else screen.restore_cursor()


PRIVATE_MODES: dict[int, ModeSetter] = {
    DecMode.DECCOLM: _column_mode,
    DecMode.DECOM: _origin_mode,
    DecMode.DECAWM: _autowrap,
    DecMode.DECTCEM: _cursor_visible,
    DecMode.ALT_SCREEN_47: _alt_screen,
    DecMode.ALT_SCREEN_1047: _alt_screen,
    DecMode.SAVE_CURSOR_1048: _save_cursor,
    DecMode.ALT_SCREEN_1049: _alt_screen_saving_cursor,
}
"""DECSET / DECRST: mode number to what it does (`on` for set, off for reset)."""


def _insert_mode(screen: Screen, on: bool) -> None:
    screen.state.insert = on


ANSI_MODES: dict[int, ModeSetter] = {AnsiMode.IRM: _insert_mode}
"""SM / RM: mode number to what it does."""
