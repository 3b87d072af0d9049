"""The emulator's parser: terminal output (text) in, `Screen` operations out.

Runs of printable text are matched with one regex and written a slice at a time; escape
sequences are matched whole. A sequence cut at the end of a chunk waits in `pending` (part
of the snapshot), so any chunking of a stream gives the same screen. Control characters
are consumed here and never reach the grid. Sequences that ask the terminal to reply
(DSR, DA) are ignored: a recording has no one to answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cabtui.data.term.cells import ScreenState, char_width
from cabtui.data.term.frames import CellStyle, intern_style
from cabtui.data.term.screen import Screen
from cabtui.data.term.sgr import apply_sgr, csi_number

# Printable runs. Lone surrogates (only a broken writer's JSON escapes produce them) are not
# text: they could not even be encoded to reach a real terminal, so they are dropped.
_TEXT = re.compile("[^\x00-\x1f\x7f-\x9f\ud800-\udfff]+")
_CSI = re.compile(r"\x1b\[([\x30-\x3f]*)([\x20-\x2f]*)([\x40-\x7e])")
_CSI_BAD = re.compile(r"\x1b\[[\x30-\x3f]*[\x20-\x2f]*")
# OSC ends at BEL or ST; a bare ESC aborts it (the ESC then starts the next sequence).
_OSC = re.compile(r"\x1b\]([^\x07\x1b]*)(?:\x07|\x1b\\|(?=\x1b[^\\]))")
_STRING = re.compile(r"\x1b[P_^X][^\x1b]*(?:\x1b\\|(?=\x1b[^\\]))")  # DCS, APC, PM, SOS: skipped
_ESC = re.compile(r"\x1b([\x20-\x2f]*)([\x30-\x7e])")
_INCOMPLETE = re.compile(
    r"\x1b(?:\[[\x30-\x3f]*[\x20-\x2f]*|\][^\x07\x1b]*\x1b?|[P_^X][^\x1b]*\x1b?|[\x20-\x2f]*)\Z")
MAX_PENDING = 1024
"""An unterminated CSI or ESC sequence longer than this is malformed: abandoned rather than
rescanned with every new event. String sequences (OSC, DCS...) keep only their introducer."""

_DEC_GRAPHICS = str.maketrans(dict(zip(
    "`abcdefghijklmnopqrstuvwxyz{|}~",
    "◆▒␉␌␍␊°±␤␋┘┐┌└┼⎺⎻─⎼⎽├┤┴┬│≤≥π≠£·", strict=True)))
"""ESC ( 0: the DEC Special Graphics set line-drawing programs select (ncurses ACS)."""


_NARROW: dict[str, bool] = {}


def _all_narrow(text: str) -> bool:
    """Whether every character of `text` takes exactly one cell (memoised: TUIs repeat borders)."""
    narrow = _NARROW.get(text)
    if narrow is None:
        narrow = all(char_width(ch) == 1 for ch in text)
        if len(text) <= 512:
            if len(_NARROW) > 8192:
                _NARROW.clear()
            _NARROW[text] = narrow
    return narrow


class Terminal(Screen):
    """A headless terminal: `feed(text)` output into it, read `frame(t)` back.

    `snapshot()` / `restore()` cover parser and screen state, so emulation can resume from a
    keyframe exactly as if it had never stopped.
    """

    def __init__(self, cols: int, rows: int) -> None:
        super().__init__(cols, rows)
        self.pending = ""
        self.last_char = ""
        self._sgr_memo: dict[tuple[CellStyle, str], CellStyle] = {}
        self._csi_ops: dict[str, Callable[[], object]] = {}
        self._csi_table: dict[str, Callable[[list[int]], None]] = {
            "@": lambda a: self.insert_chars(a[0] or 1),
            "A": lambda a: self.cursor_up(a[0] or 1),
            "B": lambda a: self.cursor_down(a[0] or 1),
            "e": lambda a: self.cursor_down(a[0] or 1),
            "C": lambda a: self.cursor_right(a[0] or 1),
            "a": lambda a: self.cursor_right(a[0] or 1),
            "D": lambda a: self.cursor_left(a[0] or 1),
            "E": lambda a: self._next_line(a[0] or 1, down=True),
            "F": lambda a: self._next_line(a[0] or 1, down=False),
            "G": lambda a: self.move_to((a[0] or 1) - 1, None),
            "`": lambda a: self.move_to((a[0] or 1) - 1, None),
            "H": lambda a: self.move_to((a[1] or 1) - 1, (a[0] or 1) - 1),
            "f": lambda a: self.move_to((a[1] or 1) - 1, (a[0] or 1) - 1),
            "d": lambda a: self.move_to(None, (a[0] or 1) - 1),
            "I": lambda a: self.tab(a[0] or 1),
            "Z": lambda a: self.back_tab(a[0] or 1),
            "J": lambda a: self.erase_display(a[0]),
            "K": lambda a: self.erase_line(a[0]),
            "L": lambda a: self.insert_lines(a[0] or 1),
            "M": lambda a: self.delete_lines(a[0] or 1),
            "P": lambda a: self.delete_chars(a[0] or 1),
            "X": lambda a: self.erase_chars(a[0] or 1),
            "S": lambda a: self.scroll_up(a[0] or 1),
            "T": lambda a: self.scroll_down(a[0] or 1),
            "b": self._repeat,
            "g": self._clear_tabs,
            "r": lambda a: self.set_region((a[0] or 1) - 1, (a[1] or self.rows) - 1),
            "s": lambda a: self.save_cursor(),
            "u": lambda a: self.restore_cursor(),
            "h": lambda a: self._ansi_mode(a, True),
            "l": lambda a: self._ansi_mode(a, False),
        }

    def snapshot(self) -> tuple[ScreenState, str, str]:  # type: ignore[override]
        return super().snapshot(), self.pending, self.last_char

    def restore(self, state: tuple[ScreenState, str, str]) -> None:  # type: ignore[override]
        screen, self.pending, self.last_char = state
        super().restore(screen)

    def reset(self) -> None:
        super().reset()
        self.last_char = ""

    # --- input -------------------------------------------------------------------------

    def feed(self, data: str) -> None:
        """Consume terminal output; an incomplete trailing escape sequence waits for more."""
        if self.pending:
            self.work += len(self.pending)  # scanned again: at most MAX_PENDING characters
            data = self.pending + data
            self.pending = ""
        pos, end = 0, len(data)
        text_match = _TEXT.match
        csi_ops = self._csi_ops
        while pos < end:
            m = text_match(data, pos)
            if m is not None:
                pos = m.end()
                self.draw(m.group())
                continue
            c = data[pos]
            if c != "\x1b":
                self._control(c)
                pos += 1
                continue
            intro = data[pos + 1:pos + 2]
            if intro == "[":
                m = _CSI.match(data, pos)
                if m is not None:
                    pos = m.end()
                    op = csi_ops.get(m.group())
                    if op is None:
                        op = self._compile_csi(m)
                    op()
                    continue
            elif intro == "]" or (intro and intro in "P_^X"):
                m = (_OSC if intro == "]" else _STRING).match(data, pos)
                if m is not None:
                    pos = m.end()
                    self.last_char = ""
                    continue
            else:
                m = _ESC.match(data, pos)
                if m is not None:
                    self._esc(*m.groups())
                    pos = m.end()
                    continue
            if _INCOMPLETE.match(data, pos):
                if intro == "]" or (intro and intro in "P_^X"):
                    # Its text is ignored anyway: keep the introducer (and an ESC that may begin
                    # ST), so the next event scans only its own text, not the whole string again.
                    self.pending = data[pos:pos + 2] + ("\x1b" if end - pos > 2 and data[-1] == "\x1b" else "")
                    self.last_char = ""
                    return
                if end - pos <= MAX_PENDING:
                    self.pending = data[pos:]
                    return
            # Malformed: drop the introducer (and a CSI's parameters), go on with the rest.
            pos = _CSI_BAD.match(data, pos).end() if intro == "[" else pos + 1  # type: ignore[union-attr]

    def draw(self, text: str) -> None:
        """Write printable text at the cursor (no control characters reach here)."""
        # REP repeats the last character only if it is ASCII, as tmux does (before translation:
        # a line-drawing letter is repeated as that letter).
        self.last_char = text[-1] if text[-1] < "\x80" else ""
        if self.charsets[self.shift] == "0":
            text = text.translate(_DEC_GRAPHICS)
        if text.isascii() or (_all_narrow(text) and not self.after_joiner()):
            self.put_narrow(text) if self.insert else self.put_run(text)
            return
        run: list[str] = []
        for ch in text:
            w = char_width(ch)
            if w == 1 and (run or ch < "\x80" or not self.after_joiner()):
                run.append(ch)
                continue
            if run:
                self.put_narrow("".join(run)) if self.insert else self.put_run("".join(run))
                run = []
            if w == 0 or (w > 0 and ch >= "\x80" and self.after_joiner()):
                self.combine(ch)
            elif w > 0:
                self.put_char(ch, w)
        if run:
            self.put_narrow("".join(run)) if self.insert else self.put_run("".join(run))

    def put_narrow(self, text: str) -> None:
        """Insert-mode text, one cell wide each: up to the end of the line at once (one shift of
        the row, not one per character), the same screen as writing them one by one."""
        cols, i, end = self.cols, 0, len(text)
        while i < end:
            if self.x >= cols:  # a pending wrap: the first character goes to the next line unshifted
                self.put_char(text[i], 1)
                i += 1
                continue
            n = min(end - i, cols - self.x)
            self.insert_chars(n)
            self.put_run(text[i:i + n])
            i += n
            if i < end and not self.autowrap:  # the rest replaces the last column in turn
                self.put_char(text[-1], 1)
                return

    def _control(self, c: str) -> None:
        self.last_char = ""
        if c in "\n\x0b\x0c":
            self.linefeed()
        elif c == "\r":
            self.x = 0
        elif c == "\x08":
            self.backspace()
        elif c == "\t":
            self.tab()
        elif c == "\x0e":
            self.shift = 1
        elif c == "\x0f":
            self.shift = 0
        # BEL, NUL, DEL, C1 and the rest: nothing to show.

    def _esc(self, inter: str, final: str) -> None:
        self.last_char = ""
        if inter in ("(", ")"):
            g0, g1 = self.charsets
            self.charsets = (final, g1) if inter == "(" else (g0, final)
        elif inter == "#":
            if final == "8":
                self.alignment_test()
        elif inter:
            return
        elif final == "7":
            self.save_cursor()
        elif final == "8":
            self.restore_cursor()
        elif final == "D":
            self.linefeed()
        elif final == "E":
            self.x = 0
            self.linefeed()
        elif final == "M":
            self.reverse_index()
        elif final == "H":
            if self.x < self.cols:
                self.tabs = self.tabs | {self.x}
        elif final == "c":
            self.reset()

    def _compile_csi(self, m: re.Match[str]) -> Callable[[], object]:
        """Turn one CSI sequence into a call, memoised by its exact text (TUIs repeat them)."""
        op = self._csi_op(*m.groups())
        key = m.group()
        if len(key) <= 64:  # TUIs repeat short sequences; a long one would pin its text
            if len(self._csi_ops) > 16384:
                self._csi_ops.clear()
            self._csi_ops[key] = op
        return op

    def _csi_op(self, params: str, inter: str, final: str) -> Callable[[], object]:
        private = params[:1] if params[:1] in ("<", "=", ">", "?") else ""
        if inter or (private and not (private == "?" and final in "hl")):
            if inter == "!" and final == "p":
                return self._soft_reset
            return self._forget_last  # replies, cursor shape, key modes...: nothing to show
        if final == "m":
            return lambda: self._sgr(params)
        if private:
            modes = [csi_number(p) for p in params[1:].split(";")]
            return lambda: self._private_mode(modes, final == "h")
        args = [csi_number(p) for p in params.split(";")] if params else [0]
        if len(args) < 2:
            args.append(0)
        handler = self._csi_table.get(final)
        if handler is None or (final == "T" and len(args) > 2):
            return self._forget_last  # CSI Ps;...;Ps T is mouse highlight tracking, not scroll
        if final == "b":
            return lambda: handler(args)

        def op() -> None:
            self.last_char = ""
            handler(args)

        return op

    def _forget_last(self) -> None:
        self.last_char = ""

    def _sgr(self, params: str) -> None:
        self.last_char = ""
        key = (self.pen, params)
        pen = self._sgr_memo.get(key)
        if pen is None:
            if len(self._sgr_memo) > 4096:
                self._sgr_memo.clear()
            pen = self._sgr_memo[key] = apply_sgr(self.pen, params)
        self.pen = pen

    def _repeat(self, args: list[int]) -> None:
        """REP as tmux does it: the last character (ASCII only), at most up to the end of the line."""
        n = min(args[0] or 1, self.cols - self.x)
        if self.last_char and n > 0:
            self.work += n
            self.draw(self.last_char * n)

    def _next_line(self, n: int, *, down: bool) -> None:
        """CNL / CPL: n lines down or up, to the first column."""
        self.cursor_down(n) if down else self.cursor_up(n)
        self.move_to(0, None)

    def _clear_tabs(self, args: list[int]) -> None:
        if args[0] == 0:
            self.tabs = self.tabs - {self.x}
        elif args[0] == 3:
            self.tabs = frozenset()

    def _ansi_mode(self, args: list[int], on: bool) -> None:
        if 4 in args:
            self.insert = on

    def _private_mode(self, modes: list[int], on: bool) -> None:
        for mode in modes:
            if mode == 6:
                self.origin = on
                self.move_to(0, 0)
            elif mode == 7:
                self.autowrap = on
            elif mode == 25:
                self.cursor_visible = on
            elif mode in (47, 1047):
                self.alt_on(False) if on else self.alt_off(False)
            elif mode == 1049:
                self.alt_on(True) if on else self.alt_off(True)
            elif mode == 1048:
                self.save_cursor() if on else self.restore_cursor()
            elif mode == 3:  # DECCOLM: tmux clears and homes, keeping the width
                self.erase_display(2)
                self.x = self.y = 0

    def _soft_reset(self) -> None:
        """DECSTR: modes, pen, region and saved cursor to defaults; the screen is kept."""
        self.last_char = ""
        self.insert = self.origin = False
        self.autowrap = self.cursor_visible = True
        self.pen = intern_style(CellStyle())
        self.top, self.bottom = 0, self.rows - 1
        self.charsets, self.shift = ("B", "B"), 0
        self.saved = (0, 0, self.pen, False, ("B", "B"), 0)
