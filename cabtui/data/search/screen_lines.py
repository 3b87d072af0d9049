"""What a recording's screen showed, line by line, with the moment each character appeared.

grep cannot see a full-screen agent's words: they are drawn with cursor moves in the
alternate screen, a character or a cell at a time, so they are not contiguous in the bytes.
Here the recording is played once through cabtui's own emulator, text only (SGR read, not
applied: styles are not needed); after every output event each row the emulator reports
written (`Screen.written`) is compared with what it showed before, on screen or not (a row
drawn, then scrolled out of a scroll region in the same event, was shown):

- characters added where the row was blank extend the *same* line (a word typed or drawn
  char by char), each character keeping the time of the event that put it there;
- anything else (a character overwritten or erased, the row scrolled away, the end of the
  recording) ends the line's current text, which is kept (once per distinct text); except
  a clock, counter or spinner ticking in place (a few non-letters replaced by as many),
  which keeps only the line's last state, or every tick of `12s` would be a line.

So a match's time is the latest time among its characters: the event that completed it.
Rows are followed as objects, so a line that scrolls keeps its times. This runs after every
event of every recording, so it is written for speed: a row is compared as a list of cells,
and a changed one's first and last changed characters come from one XOR of two integers. Output that scrolls
more than half a screen in one event is checked every half screen of lines, so a burst
(`cat`, a test run) is seen, not only its last screen. Bounded: at most `max_lines`
distinct lines per recording (a flood says so and stops there).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import partial

from cabtui.data.term.asciicast import Recording, parse_resize
from cabtui.data.term.cells import Row
from cabtui.data.term.events import Events
from cabtui.data.term.parser import Terminal
from cabtui.data.text import visible

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
"""What `visible` replaces; the emulator never stores C0/C1, but format characters it may."""

MAX_LINES = 20_000
"""Distinct screen lines kept per recording; past this the recording is a flood."""

MAX_LINE_CHARS = 1000
"""A line is at most the widest screen the emulator draws."""

MAX_TICK_CHARS = 12
"""The most characters a clock or counter changes in place in one event (see `_ticks`)."""


@dataclass(frozen=True, slots=True)
class ScreenLine:
    """One text a screen row showed, and when each of its characters appeared there."""

    text: str
    runs: array[float]
    """(offset, time) pairs, flattened: characters from `offset` on appeared at `time`,
    up to the next pair's offset. Offsets count characters of `text`."""

    @property
    def first_s(self) -> float:
        """When the line's first character appeared."""
        return min(self.runs[1::2])

    def time_of(self, start: int, end: int) -> float:
        """When characters [start, end) of `text` were all on screen: the latest of their times."""
        return latest_time(self.runs[0::2], self.runs[1::2], len(self.text), start, end)


def latest_time(offsets: Sequence[float], times: Sequence[float], length: int, start: int, end: int) -> float:
    """When characters [start, end) of a line of `length` characters were all on screen: the
    latest time of the runs they fall in (run i starts at `offsets[i]`, which only grow, and
    appeared at `times[i]`); the first run's time where they fall in none."""
    n = len(offsets)
    latest: float | None = None
    for i in range(n):
        if offsets[i] >= end:
            break
        if (offsets[i + 1] if i + 1 < n else length) <= start:
            continue
        when = times[i]
        if latest is None or when > latest:
            latest = when
    if latest is not None:
        return latest
    return times[0] if n else 0.0


@dataclass(frozen=True, slots=True)
class ScreenText:
    """Every distinct line a recording's screen showed, in the order they were finished."""

    lines: tuple[ScreenLine, ...]
    flooded: bool
    """More than `max_lines` distinct lines: the rest of the recording was not read."""
    complete: bool = True
    """False when `should_stop` ended the pass early."""


class _Line:
    """A row's text as last seen, with one time per character."""

    __slots__ = ("cells", "code", "text", "times")

    def __init__(self, text: str, times: list[float], cells: list[str]) -> None:
        self.text = text
        self.times = times
        self.cells = cells
        """A copy of the row's cells as last seen (compared before any string is built)."""
        self.code: int | None = None
        """`text` as one integer (see `_code`), once made."""


def _code(text: str) -> int:
    """`text` as an integer, 32 bits a character from the lowest: the XOR of two of these,
    for texts of one length, has its lowest and highest set bits in the first and last
    characters that differ (two C-speed conversions instead of comparing slices)."""
    return int.from_bytes(text.encode("utf-32-le", "surrogatepass"), "little")


def _common_prefix(a: str, b: str, limit: int) -> int:
    """Length of the common prefix of `a` and `b`, at most `limit` (a bisection of slice
    comparisons: a few C-speed compares instead of a Python loop over every column)."""
    if not limit or a[0] != b[0]:
        return 0
    lo, hi = 1, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    if not limit or a[-1] != b[-1]:
        return 0
    la, lb = len(a), len(b)
    # Rows end in blanks: count them at C speed, then bisect only what precedes them.
    blank_a, blank_b = la - len(a.rstrip(" ")), lb - len(b.rstrip(" "))
    if blank_a != blank_b:
        return min(blank_a, blank_b, limit)
    lo, hi = max(1, min(blank_a, limit)), limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[la - mid : la - lo] == b[lb - mid : lb - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


_NOT_LETTERS = re.compile(r"[\W\d_]+")


_letters: Callable[[str], str] = partial(_NOT_LETTERS.sub, "")
"""`text`'s letters alone (a regex: C speed, this runs on every tick of a clock)."""


def _ticks(gone: str, came: str) -> bool:
    """A clock, counter or spinner moving in place: the row's letters are the same, in the same
    order, and its length changed by at most a few characters (`9s` -> `10s`). Such a line is
    kept once (its last state); its other characters keep the time they first appeared, so
    one line per tick does not fill the index. Given the part that changed (`gone` became
    `came`, between a common prefix and suffix): letters are a filter, so the rows' letters
    agree exactly when those of the changed parts do."""
    return abs(len(gone) - len(came)) <= MAX_TICK_CHARS and _letters(gone) == _letters(came)


def _carried(times: list[float], gone: str, came: str, t: float) -> list[float]:
    """Times for `came`, which replaced `gone`: a character that stayed keeps its time, the
    others get `t` (matched in place when the lengths agree, else by a diff of the two)."""
    if len(gone) == len(came):
        return [was if o == n else t for was, o, n in zip(times, gone, came, strict=True)]
    out = [t] * len(came)
    for i, j, size in SequenceMatcher(None, gone, came, autojunk=False).get_matching_blocks():
        out[j : j + size] = times[i : i + size]
    return out


class _Tracker:
    """The lines of one pass: each live row's current line, and the lines already finished."""

    def __init__(self, max_lines: int) -> None:
        self.max_lines = max_lines
        self.live: dict[Row, _Line] = {}
        self.seen: set[str] = set()
        self.done: list[ScreenLine] = []
        self.flooded = False

    def check(self, written: dict[Row, None], t: float) -> None:
        """Compare every row written since the last check with its line, and forget them."""
        live = self.live
        letters = _letters
        for row in written:
            cells = row.chars
            line = live.get(row)
            if line is None:
                text = "".join(cells)
                if text.strip(" "):
                    live[row] = _Line(text, [t] * len(text), cells[:])
                continue
            if cells == line.cells:  # redrawn as it was (a full-screen redraw): no string built
                continue
            line.cells = cells[:]
            text = "".join(cells)
            old = line.text
            if text == old:
                continue
            times = line.times
            if len(text) == len(old):  # the usual case: the row's width in characters is the same
                code = _code(text)
                diff = code ^ (line.code if line.code is not None else _code(old))
                line.code = code
                a = ((diff & -diff).bit_length() - 1) >> 5
                end = ((diff.bit_length() - 1) >> 5) + 1
                gone = old[a:end]
                came = text[a:end]
            else:
                line.code = None
                diff = 0
                limit = min(len(old), len(text))
                a = _common_prefix(old, text, limit)
                c = _common_suffix(old, text, limit - a)
                end = len(old) - c
                gone = old[a:end]
                came = text[a : len(text) - c]
            # `gone[0]` differs from `came[0]` (or `came` is empty): shown and not blank is overwritten
            if not gone or gone[0] != " ":
                overwritten = bool(gone)
            elif not gone.strip(" "):  # only blanks were drawn over (a word typed, a line drawn)
                overwritten = False
            else:
                overwritten = any(o != " " and (j >= len(came) or came[j] != o) for j, o in enumerate(gone))
            # A tick (see `_ticks`, inlined: this runs on every tick of every clock): unchanged
            # characters keep their times.
            if overwritten and abs(len(gone) - len(came)) <= MAX_TICK_CHARS and letters(gone) == letters(came):
                if diff:  # the characters that differ are the XOR's nonzero 32-bit words
                    diff >>= a << 5
                    j = a
                    while diff:
                        skip = ((diff & -diff).bit_length() - 1) >> 5
                        j += skip
                        times[j] = t
                        diff >>= (skip + 1) << 5
                        j += 1
                else:
                    times[a:end] = _carried(times[a:end], gone, came, t)
            else:
                if overwritten:
                    self.finish(line)  # something shown was overwritten or erased: that text ends here
                times[a:end] = [t] * len(came)
            line.text = text
        written.clear()

    def finish(self, line: _Line) -> None:
        """Keep a line's current text (once per distinct text)."""
        text = line.text.rstrip(" ")
        if not text.strip(" ") or text in self.seen or self.flooded:
            return
        if len(self.seen) >= self.max_lines:
            self.flooded = True
            return
        self.seen.add(text)
        times = line.times
        if _UNSAFE.search(text):  # bidi and zero-width controls: shown as <U+XXXX>, times kept in step
            shown = [visible(ch) for ch in text]
            times = [when for piece, when in zip(shown, times, strict=False) for _ in piece]
            text = "".join(shown)
        text, times = text[:MAX_LINE_CHARS], times[:MAX_LINE_CHARS]
        times = times[: len(text)]
        if times.count(times[0]) == len(times):  # the usual case: drawn in one event
            runs = array("d", (0.0, times[0]))
        else:
            runs = array("d")
            for i in [0, *(i for i in range(1, len(times)) if times[i] != times[i - 1])]:
                runs.append(i)
                runs.append(times[i])
        self.done.append(ScreenLine(text, runs))

    def forget(self, keep: list[Row]) -> None:
        """Finish the lines of rows no longer on either screen (scrolled off, cleared away)."""
        kept = set(keep)
        for row in [r for r in self.live if r not in kept]:
            self.finish(self.live.pop(row))

    def finish_all(self) -> None:
        for line in self.live.values():
            self.finish(line)
        self.live.clear()


def _pieces(data: str, lines: int) -> Iterator[str]:
    """`data` cut after every `lines` newlines (what one check can follow before rows scroll off)."""
    start, count, i = 0, 0, data.find("\n")
    while i >= 0:
        count += 1
        if count >= lines:
            yield data[start : i + 1]
            start, count = i + 1, 0
        i = data.find("\n", i + 1)
    if start < len(data):
        yield data[start:]


def screen_lines(
    recording: Recording,
    *,
    max_lines: int = MAX_LINES,
    should_stop: Callable[[], bool] | None = None,
) -> ScreenText:
    """Play `recording` once and return every distinct line its screen showed, with times."""
    store = Events.of(recording.events)
    term = Terminal(recording.cols, recording.rows, styles=False)  # the text alone is wanted
    screen = term.screen
    written: dict[Row, None] = {}
    screen.written = written
    tracker = _Tracker(max_lines)
    complete = True
    times, feed, check = store.times, term.feed, tracker.check
    half, crowd = max(1, screen.rows // 2), 4 * screen.rows + 16
    """Lines per check in a burst; live lines past which rows off the screen are forgotten."""
    for i in range(len(store)):
        code = store.code(i)
        if code == "o":
            data = store.data(i)
            if data.count("\n") > half:
                for piece in _pieces(data, half):
                    feed(piece)
                    check(written, times[i])
                    if len(tracker.live) > crowd:
                        tracker.forget(_on_screen(screen.lines, screen.main_lines))
                continue
            feed(data)
        elif code == "r":
            size = parse_resize(store.data(i))
            if size is None:
                continue
            term.resize(*size)
            half, crowd = max(1, screen.rows // 2), 4 * screen.rows + 16
        else:
            continue
        if written:  # an event that only moved the cursor (or drew nothing) has nothing to compare
            check(written, times[i])
            if len(tracker.live) > crowd:
                tracker.forget(_on_screen(screen.lines, screen.main_lines))
            if tracker.flooded:
                break
        if should_stop is not None and i % 512 == 0 and should_stop():
            complete = False
            break
    tracker.finish_all()
    return ScreenText(tuple(tracker.done), tracker.flooded, complete)


def _on_screen(lines: list[Row], main: list[Row] | None) -> list[Row]:
    return lines if main is None else [*lines, *main]
