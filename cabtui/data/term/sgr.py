"""SGR (`CSI ... m`): the pen's colours and attributes, in the `;` and the `:` forms.

Colours come out as strings Rich parses: `red`, `bright_red`, `color(n)`, `#rrggbb`.
"""

from __future__ import annotations

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


def apply_sgr(style: CellStyle, params: str) -> CellStyle:
    """The pen after `CSI params m`: 16/256/24-bit colours (`;` and `:` forms) and attributes."""
    fg, bg = style.fg, style.bg
    bold, dim, italic, underline = style.bold, style.dim, style.italic, style.underline
    reverse, strike, blink = style.reverse, style.strike, style.blink
    parts = params.split(";") if params else ["0"]
    i = 0
    while i < len(parts):
        part = parts[i]
        i += 1
        sub = part.split(":") if ":" in part else None
        code = csi_number(part)
        if code in (38, 48, 58):
            if sub is not None:  # 38:5:n, 38:2::r:g:b, 38:2:r:g:b
                values = sub[1:]
                if values[:1] == ["2"] and len(values) >= 5:
                    values = ["2", *values[2:5]]
                colour, _ = _colour(values)
            else:
                colour, used = _colour(parts[i:])
                i += used
            if code == 38:
                fg = colour if colour is not None else fg
            elif code == 48:
                bg = colour if colour is not None else bg
        elif code == 0:
            fg = bg = None
            bold = dim = italic = underline = reverse = strike = blink = False
        elif 30 <= code <= 37:
            fg = NAMED_COLOURS[code - 30]
        elif 40 <= code <= 47:
            bg = NAMED_COLOURS[code - 40]
        elif 90 <= code <= 97:
            fg = "bright_" + NAMED_COLOURS[code - 90]
        elif 100 <= code <= 107:
            bg = "bright_" + NAMED_COLOURS[code - 100]
        elif code == 39:
            fg = None
        elif code == 49:
            bg = None
        elif code == 1:
            bold = True
        elif code == 2:
            dim = True
        elif code == 3:
            italic = True
        elif code == 4:
            underline = sub is None or sub[1:2] != ["0"]
        elif code in (5, 6):
            blink = True
        elif code == 7:
            reverse = True
        elif code == 9:
            strike = True
        elif code == 21:
            underline = True
        elif code == 22:
            bold = dim = False
        elif code == 23:
            italic = False
        elif code == 24:
            underline = False
        elif code == 25:
            blink = False
        elif code == 27:
            reverse = False
        elif code == 29:
            strike = False
    return intern_style(CellStyle(fg, bg, bold, dim, italic, underline, reverse, strike, blink))
