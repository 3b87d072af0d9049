"""SGR (`CSI ... m`): the pen's colours and attributes, in the `;` and the `:` forms.

Colours come out as strings Rich parses: `red`, `bright_red`, `color(n)`, `#rrggbb`.
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from typing import Any

from cabtui.data.term.frames import NAMED_COLOURS, CellStyle, intern_style


def csi_number(part: str) -> int:
    """One CSI parameter (its subparameters after `:` dropped); empty means 0."""
    head = part.split(":", 1)[0]
    # Cap the digits: int() refuses more than 4,300 of them, and no terminal needs > 9.
    return int(head[:9]) if head.isdigit() else 0


def _colour(values: list[str]) -> tuple[str | None, int]:
    """Parse the colour after 38/48 from `values` (`5;n` or `2;r;g;b`); return it and how many
    values were used. None means the sequence was not a valid colour."""
    if not values:
        return None, 0
    kind = values[0]
    if kind == "5" and len(values) >= 2 and values[1].isdigit():
        n = int(values[1][:9])
        return (f"color({n})" if n < 256 else None), 2
    if kind == "2" and len(values) >= 4 and all(v.isdigit() for v in values[1:4]):
        r, g, b = (min(255, int(v[:9])) for v in values[1:4])
        return f"#{r:02x}{g:02x}{b:02x}", 4
    return None, len(values) if kind in ("2", "5") else 1


def _sets(**values: Any) -> tuple[tuple[int, Any], ...]:
    """Attribute assignments as (CellStyle field index, value) pairs."""
    return tuple((_FIELD_INDEX[name], value) for name, value in values.items())


_FIELD_INDEX = {f.name: i for i, f in enumerate(fields(CellStyle))}
_ATTRIBUTES = attrgetter(*_FIELD_INDEX)
"""A style's field values in order: `CellStyle(*values)` rebuilds it."""
_EXTENDED_COLOUR = {38: _FIELD_INDEX["fg"], 48: _FIELD_INDEX["bg"], 58: None}
"""`38;5;n`, `38;2;r;g;b` and the `:` forms; 58 (underline colour) is parsed and dropped."""
_UNDERLINE = 4
"""`4:0` turns underline off, `4:n` (curly, dotted...) on."""

SGR_TABLE: dict[int, tuple[tuple[int, Any], ...]] = {
    0: _sets(**{f.name: f.default for f in fields(CellStyle)}),
    1: _sets(bold=True),
    2: _sets(dim=True),
    3: _sets(italic=True),
    _UNDERLINE: _sets(underline=True),
    5: _sets(blink=True),
    6: _sets(blink=True),
    7: _sets(reverse=True),
    9: _sets(strike=True),
    21: _sets(underline=True),
    22: _sets(bold=False, dim=False),
    23: _sets(italic=False),
    24: _sets(underline=False),
    25: _sets(blink=False),
    27: _sets(reverse=False),
    29: _sets(strike=False),
    39: _sets(fg=None),
    49: _sets(bg=None),
    **{30 + i: _sets(fg=name) for i, name in enumerate(NAMED_COLOURS)},
    **{40 + i: _sets(bg=name) for i, name in enumerate(NAMED_COLOURS)},
    **{90 + i: _sets(fg=f"bright_{name}") for i, name in enumerate(NAMED_COLOURS)},
    **{100 + i: _sets(bg=f"bright_{name}") for i, name in enumerate(NAMED_COLOURS)},
}
"""SGR code to the attributes it sets; codes not here (fonts, frames, overline...) do nothing."""


def apply_sgr(style: CellStyle, params: str) -> CellStyle:
    """The pen after `CSI params m`: 16/256/24-bit colours (`;` and `:` forms) and attributes."""
    pen: list[Any] = list(_ATTRIBUTES(style))
    parts = params.split(";") if params else ["0"]
    table, extended = SGR_TABLE, _EXTENDED_COLOUR
    i = 0
    while i < len(parts):
        part = parts[i]
        i += 1
        sub = part.split(":") if ":" in part else None
        code = csi_number(part)
        if code in extended:
            if sub is not None:  # 38:5:n, 38:2::r:g:b, 38:2:r:g:b
                values = sub[1:]
                if values[:1] == ["2"] and len(values) >= 5:
                    values = ["2", *values[2:5]]
                colour, _ = _colour(values)
            else:
                colour, used = _colour(parts[i:])
                i += used
            index = extended[code]
            if colour is not None and index is not None:
                pen[index] = colour
            continue
        for index, value in table.get(code, ()):
            pen[index] = value
        if sub is not None and code == _UNDERLINE and sub[1:2] == ["0"]:
            pen[_FIELD_INDEX["underline"]] = False
    return intern_style(CellStyle(*pen))
