"""Full-screen plan review (curses, alternate screen): a box, a moving popup, a progress bar."""

import curses
import sys
import time
from pathlib import Path


def main(stdscr):
    curses.curs_set(0)
    curses.start_color()
    curses.use_default_colors()
    curses.init_pair(1, curses.COLOR_CYAN, -1)
    curses.init_pair(2, curses.COLOR_BLACK, curses.COLOR_YELLOW)
    curses.init_pair(3, curses.COLOR_GREEN, -1)
    curses.init_pair(4, curses.COLOR_WHITE, curses.COLOR_MAGENTA)
    h, w = stdscr.getmaxyx()
    src = Path(sys.argv[1]).read_text().splitlines()
    steps = [
        "read render_report",
        "select the row-formatting lines",
        "extract format_row(r)",
        "replace the loop with lines.extend(...)",
        "re-run the tests",
    ]
    pick = (6, 9)  # 0-based source lines that become format_row
    total = 24
    for frame in range(total + 1):
        stdscr.erase()
        stdscr.attron(curses.color_pair(1))
        stdscr.box()
        stdscr.attroff(curses.color_pair(1))
        stdscr.addstr(0, 2, f" plan: extract format_row() from {sys.argv[1]} ", curses.A_BOLD)
        for i, line in enumerate(src[: h - 10]):
            lit = frame >= 6 and pick[0] <= i <= pick[1]
            attr = curses.color_pair(2) if lit else curses.A_NORMAL
            stdscr.addnstr(2 + i, 2, f"{i + 1:3} {line}".ljust(w - 4), w - 4, attr)
        step = min(len(steps) - 1, frame * len(steps) // total)
        for j, text in enumerate(steps):
            mark = "✔" if j < step else ("▶" if j == step else " ")
            colour = curses.color_pair(3) if j < step else curses.A_NORMAL
            stdscr.addnstr(h - 8 + j, 4, f"{mark} {text}", w - 40, colour)
        px = 40 + (frame * (w - 34 - 40)) // total
        py = h - 9 + (frame // 5) % 3
        pop = curses.newwin(5, 32, py, px)
        pop.bkgd(" ", curses.color_pair(4))
        pop.box()
        pop.addstr(1, 2, "extract -> format_row(r)", curses.A_BOLD)
        done = frame * 26 // total
        pop.addstr(2, 2, "█" * done + "░" * (26 - done))
        pop.addstr(3, 2, f"{frame * 100 // total:3d}% planned")
        stdscr.noutrefresh()
        pop.noutrefresh()
        curses.doupdate()
        time.sleep(0.11)
    stdscr.addstr(h - 2, 2, " plan approved, applying ", curses.color_pair(3) | curses.A_REVERSE)
    stdscr.refresh()
    time.sleep(0.6)


curses.wrapper(main)
