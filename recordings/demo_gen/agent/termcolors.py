"""Print 16-colour, 256-colour and 24-bit colour bars."""

import colorsys
import shutil

width = min(shutil.get_terminal_size().columns, 120) - 2
print(
    "\x1b[1m16 colours\x1b[0m  "
    + " ".join(
        f"\x1b[{30 + i}m{n}\x1b[0m"
        for i, n in enumerate(["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"])
    )
)
print("".join(f"\x1b[{base + i}m    \x1b[0m" for base in (40, 100) for i in range(8)))
print("\x1b[1m256 colours\x1b[0m")
print("".join(f"\x1b[48;5;{i}m   \x1b[0m" for i in range(16)))
for row in range(6):
    print("".join(f"\x1b[48;5;{16 + row * 36 + c}m  \x1b[0m" for c in range(36)))
print("".join(f"\x1b[48;5;{232 + i}m  \x1b[0m" for i in range(24)))
print("\x1b[1m24-bit colour\x1b[0m")
for light in (0.35, 0.5, 0.65):
    cells = []
    for x in range(width):
        r, g, b = (int(v * 255) for v in colorsys.hls_to_rgb(x / width, light, 0.9))
        cells.append(f"\x1b[48;2;{r};{g};{b}m ")
    print("".join(cells) + "\x1b[0m")
text = "truecolour text ok"
print("".join(f"\x1b[38;2;{255 - i * 8};{80 + i * 5};{i * 8}m{ch}" for i, ch in enumerate(text)) + "\x1b[0m")
