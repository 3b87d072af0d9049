"""The emulator's state is one dataclass per layer (ScreenState, ParserState): snapshot and
restore copy them whole, so a field added to either is kept by keyframes with no other change.
These tests walk the dataclasses' fields, so they cover a new field too (and fail until the
change sequence below changes it, which proves it is restored)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from cabtui.data.term import Terminal
from cabtui.data.term.modes import ANSI_MODES, PRIVATE_MODES, AnsiMode, DecMode
from cabtui.data.term.parser import ParserState
from cabtui.data.term.sgr import SGR_TABLE
from cabtui.data.term.state import ScreenState

E = "\x1b"

CHANGE_EVERYTHING = (
    f"{E}[?1049h"  # alt_saved (and the alternate screen)
    f"{E}[3;7r"  # top, bottom
    f"{E}[?6h"  # origin
    f"{E}[?7l"  # autowrap
    f"{E}[?25l"  # cursor_visible
    f"{E}[4h"  # insert
    f"{E}[1;31m"  # pen
    f"{E}[3g"  # tabs
    f"{E})0\x0e"  # charsets, shift
    f"{E}[2;3H"  # x, y
    f"{E}7"  # saved
    "x"  # last_char
    f"{E}["  # pending
)


def _values(obj: Any, cls: type) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(cls)}


def _prepared() -> Terminal:
    term = Terminal(20, 6)
    term.feed(f"hello{E}[2;4Hab")
    return term


def test_every_state_field_survives_snapshot_change_restore() -> None:
    term = _prepared()
    snapshot = term.snapshot()
    screen_before = _values(term.screen.state, ScreenState)
    parser_before = _values(term.state, ParserState)
    frame_before = term.frame(0.0)

    term.resize(30, 8)  # cols, rows
    term.feed(CHANGE_EVERYTHING)
    screen_changed = _values(term.screen.state, ScreenState)
    parser_changed = _values(term.state, ParserState)
    unchanged = [name for name, value in screen_changed.items() if screen_before[name] == value]
    unchanged += [name for name, value in parser_changed.items() if parser_before[name] == value]
    assert unchanged == [], "extend CHANGE_EVERYTHING so it changes these fields"

    term.restore(snapshot)
    assert _values(term.screen.state, ScreenState) == screen_before
    assert _values(term.state, ParserState) == parser_before
    assert term.frame(0.0) == frame_before


def test_a_snapshot_is_not_changed_by_what_follows_its_restore() -> None:
    term = _prepared()
    snapshot = term.snapshot()
    for _ in range(2):
        term.restore(snapshot)
        term.feed(CHANGE_EVERYTHING)
    term.restore(snapshot)
    reference = _prepared()
    assert _values(term.screen.state, ScreenState) == _values(reference.screen.state, ScreenState)
    assert _values(term.state, ParserState) == _values(reference.state, ParserState)


def test_state_fields_hold_immutable_values_so_a_shallow_copy_is_whole() -> None:
    term = _prepared()
    term.feed(CHANGE_EVERYTHING)
    for obj, cls in ((term.screen.state, ScreenState), (term.state, ParserState)):
        for name, value in _values(obj, cls).items():
            hash(value)  # lists, dicts and sets would raise: a copy would share them
            assert not isinstance(value, list | dict | set | bytearray), name


def test_modes_and_sgr_codes_are_named_and_tabled() -> None:
    assert set(PRIVATE_MODES) == set(DecMode)
    assert set(ANSI_MODES) == set(AnsiMode)
    assert DecMode.ALT_SCREEN_1049 == 1049 and DecMode.DECAWM == 7 and AnsiMode.IRM == 4
    assert {0, 1, 22, 31, 39, 47, 97, 107} <= set(SGR_TABLE)
