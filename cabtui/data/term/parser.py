"""The emulator's parser: terminal output (text) in, `Screen` operations out.

Runs of printable text are matched with one regex and written a slice at a time; escape
sequences are matched whole. A sequence cut at the end of a chunk waits in `pending` (part
of the snapshot), so any chunking of a stream gives the same screen. Control characters
are consumed here and never reach the grid. Sequences that ask the terminal to reply
(DSR, DA) are ignored: a recording has no one to answer.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

from cabtui.data.memory import BoundedCache
from cabtui.data.term.cells import char_width
from cabtui.data.term.frames import CellStyle, Frame
from cabtui.data.term.modes import ANSI_MODES, PRIVATE_MODES
from cabtui.data.term.screen import Screen
from cabtui.data.term.sgr import apply_sgr, csi_number
from cabtui.data.term.state import ScreenSnapshot

# Printable runs. Lone surrogates (only a broken writer's JSON escapes produce them) are not
# text: they could not even be encoded to reach a real terminal, so they are dropped.
_TEXT = re.compile("[^\x00-\x1f\x7f-\x9f\ud800-\udfff]+")
_CSI = re.compile(r"\x1b\[([\x30-\x3f]*)([\x20-\x2f]*)([\x40-\x7e])")
_CSI_BAD = re.compile(r"\x1b\[[\x30-\x3f]*[\x20-\x2f]*")
# OSC ends at BEL or ST; a bare ESC aborts it (the ESC then starts the next sequence).
_OSC = re.compile(r"\x1b\]([^\x07\x1b]*)(?:\x07|\x1b\\|(?=\x1b[^\\]))")
_STRING = re.compile(r"\x1b[P_^X][^\x1b]*(?:\x1b\\|(?=\x1b[^\\]))")  # DCS, APC, PM, SOS: skipped
_ESC = re.compile(r"\x1b([\x20-\x2f]*)([\x30-\x7e])")
_INCOMPLETE = re.compile(r"\x1b(?:\[[\x30-\x3f]*[\x20-\x2f]*|\][^\x07\x1b]*\x1b?|[P_^X][^\x1b]*\x1b?|[\x20-\x2f]*)\Z")
MAX_PENDING = 1024
"""An unterminated CSI or ESC sequence longer than this is malformed: abandoned rather than
rescanned with every new event. String sequences (OSC, DCS...) keep only their introducer."""

_DEC_GRAPHICS = str.maketrans(
    dict(zip("`abcdefghijklmnopqrstuvwxyz{|}~", "◆▒␉␌␍␊°±␤␋┘┐┌└┼⎺⎻─⎼⎽├┤┴┬│≤≥π≠£·", strict=True))
)
"""ESC ( 0: the DEC Special Graphics set line-drawing programs select (ncurses ACS)."""


_NARROW = BoundedCache[str, bool](8192)


def _all_narrow(text: str) -> bool:
    """Whether every character of `text` takes exactly one cell (memoised: TUIs repeat borders;
    texts over 512 characters are not, they would pin their text)."""
    narrow = _NARROW.entries.get(text)
    if narrow is None:
        narrow = all(char_width(ch) == 1 for ch in text)
        if len(text) <= 512:
            _NARROW.put(text, narrow)
    return narrow


_CONTROLS: dict[str, Callable[[Screen], None]] = {
    "\n": Screen.linefeed,
    "\x0b": Screen.linefeed,
    "\x0c": Screen.linefeed,
    "\r": Screen.carriage_return,
    "\x08": Screen.backspace,
    "\t": Screen.tab,
    "\x0e": lambda screen: screen.shift_to(1),
    "\x0f": lambda screen: screen.shift_to(0),
}
"""C0 controls that act (LF, VT, FF, CR, BS, HT, SO, SI); BEL, NUL, DEL, C1 and the rest show
nothing."""

_ESC_FINALS: dict[str, Callable[[Screen], None]] = {
    "7": Screen.save_cursor,  # DECSC
    "8": Screen.restore_cursor,  # DECRC
    "D": Screen.linefeed,  # IND
    "E": Screen.next_line,  # NEL
    "M": Screen.reverse_index,  # RI
    "H": Screen.set_tab_stop,  # HTS
}
"""`ESC F` without intermediates; RIS (`ESC c`) resets the parser too, so it is handled apart."""


@dataclass(slots=True)
class ParserState:
    """The parser's part of a snapshot (every field immutable: a shallow copy is whole)."""

    pending: str = ""
    """An escape sequence cut at the end of the last chunk, waiting for the rest."""
    last_char: str = ""
    """What REP repeats: the last character written if ASCII; controls and most sequences
    clear it (mode changes and REP itself do not, as in tmux)."""

    def copy(self) -> ParserState:
        return dataclasses.replace(self)


@dataclass(frozen=True, slots=True)
class TerminalSnapshot:
    """A keyframe: the screen's and the parser's state."""

    screen: ScreenSnapshot
    parser: ParserState


class Terminal:
    """A headless terminal: `feed(text)` output into it, read `frame(t)` back.

    It owns a `Screen` and turns the stream into calls on it. `snapshot()` / `restore()`
    cover parser and screen state, so emulation can resume from a keyframe exactly as if it
    had never stopped.
    """

    def __init__(self, cols: int, rows: int, *, styles: bool = True) -> None:
        self.screen = screen = Screen(cols, rows)
        screen.styled = self.styles = styles
        """False: SGR is read but not applied (every cell keeps the default style, which is
        then not stored again): for callers that want the text alone, such as the search
        index. Characters, cursor and REP are the same either way; the pen only colours."""
        self.state = ParserState()
        self._sgr_memo = BoundedCache[tuple[CellStyle, str], CellStyle](4096)
        self._csi_ops = BoundedCache[str, Callable[[], object]](16384)
        self._csi_table: dict[str, Callable[[list[int]], None]] = {
            "@": lambda a: screen.insert_chars(a[0] or 1),  # ICH
            "A": lambda a: screen.cursor_up(a[0] or 1),  # CUU
            "B": lambda a: screen.cursor_down(a[0] or 1),  # CUD
            "e": lambda a: screen.cursor_down(a[0] or 1),  # VPR
            "C": lambda a: screen.cursor_right(a[0] or 1),  # CUF
            "a": lambda a: screen.cursor_right(a[0] or 1),  # HPR
            "D": lambda a: screen.cursor_left(a[0] or 1),  # CUB
            "E": lambda a: screen.cursor_next_line(a[0] or 1, down=True),  # CNL
            "F": lambda a: screen.cursor_next_line(a[0] or 1, down=False),  # CPL
            "G": lambda a: screen.move_to((a[0] or 1) - 1, None),  # CHA
            "`": lambda a: screen.move_to((a[0] or 1) - 1, None),  # HPA
            "H": lambda a: screen.move_to((a[1] or 1) - 1, (a[0] or 1) - 1),  # CUP
            "f": lambda a: screen.move_to((a[1] or 1) - 1, (a[0] or 1) - 1),  # HVP
            "d": lambda a: screen.move_to(None, (a[0] or 1) - 1),  # VPA
            "I": lambda a: screen.tab(a[0] or 1),  # CHT
            "Z": lambda a: screen.back_tab(a[0] or 1),  # CBT
            "J": lambda a: screen.erase_display(a[0]),  # ED
            "K": lambda a: screen.erase_line(a[0]),  # EL
            "L": lambda a: screen.insert_lines(a[0] or 1),  # IL
            "M": lambda a: screen.delete_lines(a[0] or 1),  # DL
            "P": lambda a: screen.delete_chars(a[0] or 1),  # DCH
            "X": lambda a: screen.erase_chars(a[0] or 1),  # ECH
            "S": lambda a: screen.scroll_up(a[0] or 1),  # SU
            "T": lambda a: screen.scroll_down(a[0] or 1),  # SD
            "b": self._repeat,  # REP
            "g": lambda a: screen.clear_tab_stops(a[0]),  # TBC
            "r": lambda a: screen.set_region((a[0] or 1) - 1, (a[1] or screen.state.rows) - 1),  # DECSTBM
            "s": lambda a: screen.save_cursor(),  # SCOSC
            "u": lambda a: screen.restore_cursor(),  # SCORC
            "h": lambda a: self._set_ansi_modes(a, True),  # SM
            "l": lambda a: self._set_ansi_modes(a, False),  # RM
        }
        """CSI final byte (no private marker, no intermediates) to the operation, given the
        parameters (at least two, missing ones 0)."""

    # --- the screen's interface to callers ---------------------------------------------------

    @property
    def work(self) -> int:
        """Units of work done beyond reading the input (keyframes.py's cost model)."""
        return self.screen.work

    @property
    def pending(self) -> str:
        return self.state.pending

    def resize(self, cols: int, rows: int) -> None:
        self.screen.resize(cols, rows)

    def frame(self, time: float) -> Frame:
        return self.screen.frame(time)

    def put_run(self, text: str) -> None:
        """Write one-cell characters straight to the screen (no parsing)."""
        self.screen.put_run(text)

    def snapshot(self) -> TerminalSnapshot:
        return TerminalSnapshot(self.screen.snapshot(), self.state.copy())

    def restore(self, snapshot: TerminalSnapshot) -> None:
        self.screen.restore(snapshot.screen)
        self.state = snapshot.parser.copy()

    def reset(self) -> None:
        """RIS: the screen to its power-on state; nothing left for REP to repeat."""
        self.screen.reset()
        self.state.last_char = ""

    # --- input -------------------------------------------------------------------------------

    def feed(self, data: str) -> None:
        """Consume terminal output; an incomplete trailing escape sequence waits for more."""
        pending = self.state.pending
        if pending:
            self.screen.work += len(pending)  # scanned again: at most MAX_PENDING characters
            data = pending + data
            self.state.pending = ""
        pos, end = 0, len(data)
        text_match = _TEXT.match
        csi_ops = self._csi_ops.entries
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
            intro = data[pos + 1 : pos + 2]
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
                    self.state.last_char = ""
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
                    self.state.pending = data[pos : pos + 2] + ("\x1b" if end - pos > 2 and data[-1] == "\x1b" else "")
                    self.state.last_char = ""
                    return
                if end - pos <= MAX_PENDING:
                    self.state.pending = data[pos:]
                    return
            # Malformed: drop the introducer (and a CSI's parameters), go on with the rest.
            pos = _CSI_BAD.match(data, pos).end() if intro == "[" else pos + 1  # type: ignore[union-attr]

    def draw(self, text: str) -> None:
        """Write printable text at the cursor (no control characters reach here): runs of
        one-cell characters a slice at a time, wide and zero-width ones one by one."""
        screen = self.screen
        s = screen.state
        # REP repeats the last character only if it is ASCII, as tmux does (before translation:
        # a line-drawing letter is repeated as that letter).
        self.state.last_char = text[-1] if text[-1] < "\x80" else ""
        if s.charsets[s.shift] == "0":
            text = text.translate(_DEC_GRAPHICS)
        if text.isascii() or (_all_narrow(text) and not screen.after_joiner()):
            screen.put_narrow(text) if s.insert else screen.put_run(text)
            return
        run: list[str] = []
        for ch in text:
            w = char_width(ch)
            if w == 1 and (run or ch < "\x80" or not screen.after_joiner()):
                run.append(ch)
                continue
            if run:
                screen.put_narrow("".join(run)) if s.insert else screen.put_run("".join(run))
                run = []
            if w == 0 or (w > 0 and ch >= "\x80" and screen.after_joiner()):
                screen.combine(ch)
            elif w > 0:
                screen.put_char(ch, w)
        if run:
            screen.put_narrow("".join(run)) if s.insert else screen.put_run("".join(run))

    def _control(self, c: str) -> None:
        self.state.last_char = ""
        op = _CONTROLS.get(c)
        if op is not None:
            op(self.screen)

    def _esc(self, inter: str, final: str) -> None:
        self.state.last_char = ""
        if inter in ("(", ")"):
            self.screen.designate_charset(0 if inter == "(" else 1, final)
        elif inter == "#":
            if final == "8":
                self.screen.alignment_test()  # DECALN
        elif inter:
            return
        elif final == "c":
            self.reset()
        else:
            op = _ESC_FINALS.get(final)
            if op is not None:
                op(self.screen)

    # --- CSI sequences -------------------------------------------------------------------------

    def _compile_csi(self, m: re.Match[str]) -> Callable[[], object]:
        """Turn one CSI sequence into a call, memoised by its exact text (TUIs repeat them)."""
        op = self._csi_op(*m.groups())
        key = m.group()
        if len(key) <= 64:  # TUIs repeat short sequences; a long one would pin its text
            self._csi_ops.put(key, op)
        return op

    def _csi_op(self, params: str, inter: str, final: str) -> Callable[[], object]:
        private = params[:1] if params[:1] in ("<", "=", ">", "?") else ""
        if inter or (private and not (private == "?" and final in "hl")):
            if inter == "!" and final == "p":
                return self._soft_reset
            return self._forget_last  # replies, cursor shape, key modes...: nothing to show
        if final == "m":
            return (lambda: self._sgr(params)) if self.styles else self._forget_last
        if private:
            return self._private_modes_op([csi_number(p) for p in params[1:].split(";")], final == "h")
        args = [csi_number(p) for p in params.split(";")] if params else [0]
        if len(args) < 2:
            args.append(0)
        handler = self._csi_table.get(final)
        if handler is None or (final == "T" and len(args) > 2):
            return self._forget_last  # CSI Ps;...;Ps T is mouse highlight tracking, not scroll
        if final == "b":
            return lambda: handler(args)

        def op() -> None:
            self.state.last_char = ""
            handler(args)

        return op

    def _private_modes_op(self, modes: list[int], on: bool) -> Callable[[], object]:
        """DECSET / DECRST of `modes`, in order (REP's last character is kept, as in tmux)."""
        screen = self.screen
        setters = [setter for mode in modes if (setter := PRIVATE_MODES.get(mode)) is not None]

        def op() -> None:
            for setter in setters:
                setter(screen, on)

        return op

    def _set_ansi_modes(self, modes: list[int], on: bool) -> None:
        for mode in modes:
            setter = ANSI_MODES.get(mode)
            if setter is not None:
                setter(self.screen, on)

    def _forget_last(self) -> None:
        self.state.last_char = ""

    def _sgr(self, params: str) -> None:
        self.state.last_char = ""
        s = self.screen.state
        key = (s.pen, params)
        pen = self._sgr_memo.entries.get(key)
        if pen is None:
            pen = self._sgr_memo.put(key, apply_sgr(s.pen, params))
        s.pen = pen

    def _repeat(self, args: list[int]) -> None:
        """REP as tmux does it: the last character (ASCII only), at most up to the end of the line."""
        s = self.screen.state
        n = min(args[0] or 1, s.cols - s.x)
        if self.state.last_char and n > 0:
            self.screen.work += n
            self.draw(self.state.last_char * n)

    def _soft_reset(self) -> None:
        """DECSTR: modes, pen, region and saved cursor to defaults; the screen is kept."""
        self.state.last_char = ""
        self.screen.soft_reset()
