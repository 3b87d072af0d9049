"""tmux is the reference terminal: the same output, played into a tmux pane of the same size,
must give the same screen text, cursor, alternate-screen state and cell styles as ours.

Real programs (a curses application in the alternate screen, Rich's colourful demo) are run
under a pseudo-terminal here, their output timed into a recording; tmux gets the output up to
each sample time (written raw: `stty raw` keeps the pane's tty from translating it) and a
title-setting sentinel after it, so we know tmux has parsed everything before capturing.
"""

from __future__ import annotations

import codecs
import fcntl
import json
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cabtui.data.term import FramePlayer, Terminal, screen_text_at
from cabtui.data.term.asciicast import load_cast
from cabtui.data.term.frames import NAMED_COLOURS, Frame

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

E = "\x1b"

CURSES_PROGRAM = r"""
import curses, locale
locale.setlocale(locale.LC_ALL, "")

def main(scr):
    curses.start_color()
    curses.use_default_colors()
    curses.init_pair(1, curses.COLOR_RED, -1)
    curses.init_pair(2, 46, 17)
    curses.init_pair(3, curses.COLOR_BLACK, curses.COLOR_YELLOW)
    curses.curs_set(0)
    h, w = scr.getmaxyx()
    scr.box()
    scr.addstr(0, 2, " cabtui curses demo ", curses.color_pair(3) | curses.A_BOLD)
    for i in range(1, h - 2):
        attr = [curses.A_NORMAL, curses.A_BOLD, curses.A_UNDERLINE, curses.A_REVERSE, curses.A_DIM][i % 5]
        scr.addstr(i, 2, f"row {i:02d} 編集テスト ✅ done", curses.color_pair(1 + i % 3) | attr)
    scr.refresh()
    curses.napms(150)
    win = curses.newwin(5, 30, 4, 10)
    win.bkgd(" ", curses.color_pair(2))
    win.box()
    win.addstr(2, 2, "popup 日本語 window")
    win.refresh()
    curses.napms(150)
    scr.scrollok(True)
    scr.setscrreg(3, 8)
    for _ in range(3):
        scr.scroll(1)
    scr.addstr(h - 2, 2, "status: scrolled", curses.A_STANDOUT)
    scr.refresh()
    curses.napms(150)

print("before curses: \x1b[1;32mgreen\x1b[0m line")
curses.wrapper(main)
print("after curses: main screen restored 完了")
"""


def record_pty(argv: list[str], cols: int, rows: int, tmp: Path) -> Path:
    """Run `argv` on a pseudo-terminal of cols x rows; write its timed output as asciicast v2."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "NCURSES_NO_UTF8_ACS": "1",
        "COLUMNS": str(cols),
        "LINES": str(rows),
    }
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    events: list[list[object]] = []
    start = time.monotonic()
    try:
        while time.monotonic() - start < 60:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the program exited and the pty closed
                break
            if not data:
                break
            text = decoder.decode(data)
            if text:
                events.append([round(time.monotonic() - start, 6), "o", text])
    finally:
        os.close(master)
        proc.kill() if proc.poll() is None else None
        proc.wait(timeout=10)
    path = tmp / f"{Path(argv[-1]).stem or 'rec'}-{uuid.uuid4().hex[:6]}.cast"
    lines = [json.dumps({"version": 2, "width": cols, "height": rows})] + [json.dumps(e) for e in events]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class TmuxScreen:
    lines: list[str]
    styled: str
    """capture-pane -e -N: every cell, with tmux's own SGR codes."""
    cursor: tuple[int, int]
    alt_screen: bool
    cursor_visible: bool


def tmux_screens(payloads: list[tuple[str, int, int]], tmp: Path) -> list[TmuxScreen]:
    """Play each (output, cols, rows) into its own pane of one tmux server; capture each."""
    sock_dir = Path(tempfile.mkdtemp(prefix="cabtui-tmux-"))  # short: socket paths are limited
    conf = tmp / "tmux.conf"
    conf.write_text("set -g status off\n")
    base = ["tmux", "-S", str(sock_dir / "s"), "-f", str(conf)]
    tokens = []
    try:
        for i, (text, cols, rows) in enumerate(payloads):
            token = f"cabtui-done-{uuid.uuid4().hex[:8]}"
            tokens.append(token)
            (tmp / f"p{i}.bin").write_bytes(text.encode("utf-8", "surrogatepass"))
            (tmp / f"p{i}.end").write_bytes(f"{E}]2;{token}{E}\\".encode())
            command = f"stty raw -echo; cat {tmp / f'p{i}.bin'} {tmp / f'p{i}.end'}; exec sleep 600"
            subprocess.run(
                base + ["new-session", "-d", "-s", f"s{i}", "-x", str(cols), "-y", str(rows), command],
                check=True,
                timeout=30,
            )
        screens = []
        for i, token in enumerate(tokens):
            target = f"s{i}"
            fmt = "#{pane_title}|#{cursor_x}|#{cursor_y}|#{alternate_on}|#{cursor_flag}"
            deadline = time.monotonic() + 20
            while True:  # poll until the sentinel title shows tmux has parsed all the output
                info = (
                    subprocess.run(
                        base + ["display", "-p", "-t", target, fmt], capture_output=True, text=True, timeout=30
                    )
                    .stdout.strip()
                    .split("|")
                )
                if info[0] == token:
                    break
                assert time.monotonic() < deadline, f"tmux never finished pane {i}: {info}"
                time.sleep(0.02)
            plain = subprocess.run(
                base + ["capture-pane", "-p", "-t", target], capture_output=True, text=True, timeout=30
            ).stdout
            styled = subprocess.run(
                base + ["capture-pane", "-p", "-e", "-N", "-t", target], capture_output=True, text=True, timeout=30
            ).stdout
            cols = payloads[i][1]
            screens.append(
                TmuxScreen(
                    plain.rstrip("\n").split("\n"),
                    styled,
                    (min(int(info[1]), cols - 1), int(info[2])),
                    info[3] == "1",
                    info[4] == "1",
                )
            )
        return screens
    finally:
        subprocess.run(base + ["kill-server"], capture_output=True, timeout=30)
        shutil.rmtree(sock_dir, ignore_errors=True)


def trimmed(lines: list[str]) -> list[str]:
    lines = list(lines)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _colour(c: str | None) -> str | None:
    """color(n) for n < 16 is the named colour: tmux prints palette 0-15 as SGR 30-37/90-97."""
    if c is not None and c.startswith("color("):
        n = int(c[6:-1])
        if n < 16:
            return NAMED_COLOURS[n] if n < 8 else "bright_" + NAMED_COLOURS[n - 8]
    return c


def styled_cells(frame: Frame) -> list[list[tuple[str, tuple[object, ...]]]]:
    """Every character with its (normalised) style. Spaces at line ends are trimmed whatever
    their background: tmux's capture omits erased cells past the last one written."""
    out = []
    for line in frame.lines:
        row = []
        for seg in line:
            s = seg.style
            key = (_colour(s.fg), _colour(s.bg), s.bold, s.dim, s.italic, s.underline, s.reverse, s.strike, s.blink)
            row.extend((ch, key) for ch in seg.text)
        while row and row[-1][0] == " " and not any(row[-1][1][5:8]):  # no underline, reverse, strike
            row.pop()
        out.append(row)
    return trimmed(out)  # type: ignore[arg-type]


def tmux_readback(screen: TmuxScreen, cols: int, rows: int) -> Frame:
    """tmux's `capture-pane -e -N` rendering read back: only text, SGR (carried from one line to
    the next) and SO/SI around line-drawing characters, which tmux means as G1 = DEC graphics."""
    term = Terminal(cols, rows + 1)
    term.feed(f"{E})0" + screen.styled.rstrip("\n").replace("\n", "\r\n"))
    return term.frame(0)


def tmux_styled_cells(screen: TmuxScreen, cols: int, rows: int) -> list[list[tuple[str, tuple[object, ...]]]]:
    return styled_cells(tmux_readback(screen, cols, rows))


def check(recording: Path, times: list[float], tmp: Path) -> None:
    rec = load_cast(recording)
    payloads = []
    for t in times:
        payloads.append(("".join(e.data for e in rec.events if e.code == "o" and e.time <= t), rec.cols, rec.rows))
    screens = tmux_screens(payloads, tmp)
    player = FramePlayer(rec)
    for (output, _, _), t, screen in zip(payloads, times, screens, strict=True):
        ours = screen_text_at(recording, t).split("\n") if screen_text_at(recording, t) else []
        if f"{E}(0" in output or f"{E})0" in output:
            # tmux's plain capture prints line-drawing characters as their ASCII letters
            reference = trimmed(tmux_readback(screen, rec.cols, rec.rows).text_lines())
        else:
            reference = trimmed(screen.lines)
        assert ours == reference, f"text differs at t={t}"
        frame = player.frame_at(t)
        assert (frame.cursor, frame.alt_screen, frame.cursor_visible) == (
            screen.cursor,
            screen.alt_screen,
            screen.cursor_visible,
        ), f"cursor/modes differ at t={t}"
        assert styled_cells(frame) == tmux_styled_cells(screen, rec.cols, rec.rows), f"styles differ at t={t}"


def sample_times(recording: Path, n: int = 6) -> list[float]:
    """n event times spread over the recording, always including the end."""
    event_times = sorted({e.time for e in load_cast(recording).events})
    step = max(1, len(event_times) // n)
    return sorted(set(event_times[::step]) | {event_times[-1]})


def test_curses_program_in_the_alternate_screen(tmp_path: Path) -> None:
    program = tmp_path / "curses_demo.py"
    program.write_text(CURSES_PROGRAM)
    recording = record_pty([sys.executable, str(program)], 60, 16, tmp_path)
    rec = load_cast(recording)
    output = "".join(e.data for e in rec.events)
    assert "\x1b[?1049h" in output and "\x1b[?1049l" in output  # it really used the alternate screen
    times = sample_times(recording, 8)
    assert any(FramePlayer(rec).frame_at(t).alt_screen for t in times)
    check(recording, times, tmp_path)


DEMO = Path(__file__).resolve().parents[2] / "recordings"


@pytest.mark.parametrize("recording", sorted(DEMO.rglob("*.cast*")), ids=lambda p: str(p.relative_to(DEMO)))
def test_demo_sweep_recordings(recording: Path, tmp_path: Path) -> None:
    """The agent-CLI recordings shipped with the demo sweep (full-screen TUIs, line drawing)."""
    check(recording, sample_times(recording, 4), tmp_path)


def test_rich_demo_colours_and_wide_characters(tmp_path: Path) -> None:
    pytest.importorskip("rich")
    recording = record_pty([sys.executable, "-m", "rich"], 100, 40, tmp_path)
    check(recording, sample_times(recording, 4), tmp_path)


def synthetic() -> Iterator[tuple[str, str]]:
    """Hand-made streams for what real programs exercise less often."""
    lines = "".join(f"{E}[3{i % 8}mline {i}{E}[0m\r\n" for i in range(30))
    yield "scroll-region", lines + f"{E}[5;10r{E}[10;1H" + "".join(f"r{i}\r\n" for i in range(8)) + f"{E}[r"
    yield "reverse-index", lines + f"{E}[3;8r{E}[3;1H{E}M{E}M{E}MX{E}[r"
    yield "insert-delete", lines + f"{E}[5;1H{E}[2L{E}[10;1H{E}[3M{E}[1;3H{E}[2@XY{E}[2;2H{E}[3P{E}[3;2H{E}[4X"
    yield "wrap-and-wide", "a" * 85 + "\r\n" + "編集テスト🚀✅ ok\r\n" + "b" * 79 + "編z\r\n" + "編集\rx"
    yield "alt-screen", f"main\r\nline2{E}[?1049h{E}[H{E}[2J{E}[44malt{E}[0m{E}[5;5Hbox{E}[?1049lafter"
    yield "alt-open", f"main{E}[?1049h{E}[2;2H{E}[1;38;2;200;100;50mstill in alt{E}[?25l"
    yield "colours", "".join(f"{E}[38;5;{i}m{i:3}{E}[48;5;{255 - i}m#" for i in range(0, 256, 7)) + f"{E}[0m"
    yield "attributes", f"{E}[1mB{E}[2mD{E}[0;3mI{E}[4mU{E}[0;7mR{E}[9mS{E}[0;5mK{E}[0;91;104mX{E}[0m"
    yield "erase-bg", f"{E}[44m{E}[2J{E}[0m{E}[5;5H{E}[41m{E}[K{E}[0mX"
    yield "pending-wrap", "x" * 80 + f"{E}[K" + "y" * 80 + "\r\n" + "z" * 80 + "\bQ"
    # REP stops at the end of the line, repeats ASCII only, nothing while a wrap is pending
    yield "rep-line-end", f"ab{E}[65535b\r\n{E}[2;70Hx{E}[100bQ\r\n" + "y" * 80 + f"{E}[3bZ"
    yield "rep-wide-and-nowrap", f"編{E}[9bW\r\nabc{E}[?7lq{E}[500bE{E}[?7h"
    yield "rep-insert-mode", "0123456789" * 3 + f"{E}[1;3H{E}[4hx{E}[3b{E}[4l"


def test_synthetic_sequences(tmp_path: Path) -> None:
    cases = list(synthetic())
    screens = tmux_screens([(data, 80, 24) for _, data in cases], tmp_path)
    for (name, data), screen in zip(cases, screens, strict=True):
        term = Terminal(80, 24)
        term.feed(data)
        frame = term.frame(0)
        assert trimmed(frame.text_lines()) == trimmed(screen.lines), name
        assert (frame.cursor, frame.alt_screen, frame.cursor_visible) == (
            screen.cursor,
            screen.alt_screen,
            screen.cursor_visible,
        ), name
        assert styled_cells(frame) == tmux_styled_cells(screen, 80, 24), name
