"""Untrusted text made safe to show: no byte of agent output may act on a terminal."""

from __future__ import annotations

_C0_NAMES = {0x1B: "␛", 0x7F: "␡"}

_VISIBLE = {code: chr(0x2400 + code) for code in range(0x20)}
"""C0 controls to the Unicode 'control pictures' block (U+2400..U+241F)."""
_VISIBLE.update(_C0_NAMES)
for _code in range(0x80, 0xA0):  # C1 controls (CSI, OSC, ... as single code points)
    _VISIBLE[_code] = f"\\x{_code:02x}"
_TABLE = str.maketrans(_VISIBLE)
_TABLE_MULTILINE = str.maketrans({**_VISIBLE, 10: "\n", 9: "    "})
# Bidi overrides, zero-width controls and line/paragraph separators could reorder or hide what is shown.
for _code in (
    0x061C,
    0x200B,
    0x200E,
    0x200F,
    0x2028,
    0x2029,
    0x202A,
    0x202B,
    0x202C,
    0x202D,
    0x202E,
    0x2066,
    0x2067,
    0x2068,
    0x2069,
    0xFEFF,
):
    _TABLE[_code] = f"<U+{_code:04X}>"
    _TABLE_MULTILINE[_code] = f"<U+{_code:04X}>"


def visible(text: str, *, multiline: bool = False) -> str:
    """Return `text` with every control character replaced by a visible stand-in.

    ESC becomes `␛`, other C0 controls their control picture (`␇`, `␍`...), C1
    controls `\\x9b`-style escapes. With `multiline`, newlines are kept and tabs
    become four spaces, so a stdout tail still reads as lines.
    """
    return utf8_safe(text).translate(_TABLE_MULTILINE if multiline else _TABLE)


def utf8_safe(text: str) -> str:
    """`text` with lone surrogates (from undecodable file names) as U+FFFD: they cannot be printed
    or written as JSON."""
    if text.isascii():
        return text
    try:  # bytes a file name smuggled in as surrogates: back to bytes, then each bad byte is one U+FFFD
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # other lone surrogates
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def one_line(text: str, limit: int = 200) -> str:
    """A visible, single-line excerpt of `text`, cut to `limit` characters with an ellipsis."""
    shown = visible(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def counted(count: int, noun: str) -> str:
    """`1 problem`, `2 problems`, `1,000 cells`: a count and its noun, in the singular for one."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
