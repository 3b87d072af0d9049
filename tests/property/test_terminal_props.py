"""Emulator and seeking invariants: keyframe seeks equal a replay from the start, chunking never
matters, and v2/v3 timing agree and stay monotone."""

from __future__ import annotations

import codecs
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from cabtui.data.term import FramePlayer, Terminal
from cabtui.data.term.asciicast import parse_cast_lines
from cabtui.data.term.frames import DEFAULT_STYLE

E = "\x1b"

FRAGMENTS = [
    "hello ",
    "world",
    "x" * 30,
    "編集",
    "✅",
    "e\u0301",
    "👨\u200d👩",
    "🇯🇵",
    "─│┌",
    "\r\n",
    "\n",
    "\r",
    "\b",
    "\t",
    f"{E}[31m",
    f"{E}[1;4m",
    f"{E}[38;5;200m",
    f"{E}[48;2;1;2;3m",
    f"{E}[0m",
    f"{E}[38:2::9:8:7m",
    f"{E}[H",
    f"{E}[5;7H",
    f"{E}[2J",
    f"{E}[K",
    f"{E}[1K",
    f"{E}[2A",
    f"{E}[3C",
    f"{E}[10G",
    f"{E}[?1049h",
    f"{E}[?1049l",
    f"{E}[?47h",
    f"{E}[?47l",
    f"{E}[?25l",
    f"{E}[?25h",
    f"{E}[?7l",
    f"{E}[?7h",
    f"{E}[2;5r",
    f"{E}[r",
    f"{E}M",
    f"{E}7",
    f"{E}8",
    f"{E}[2L",
    f"{E}[M",
    f"{E}[3@",
    f"{E}[2P",
    f"{E}[4X",
    f"{E}[S",
    f"{E}[2T",
    f"{E}[4h",
    f"{E}[4l",
    f"{E}(0lqk{E}(B",
    f"{E}]0;title\x07",
    f"{E}[3b",
    f"{E}c",
    "\x00\x07\x7f\x85",
]

fragments = st.lists(st.sampled_from(FRAGMENTS), max_size=40)


def feed_all(parts: list[str], cols: int = 12, rows: int = 6) -> Terminal:
    term = Terminal(cols, rows)
    for part in parts:
        term.feed(part)
    return term


@given(fragments, st.lists(st.integers(min_value=0, max_value=10_000), max_size=8))
def test_any_chunking_of_the_text_gives_the_same_frame(parts: list[str], cuts: list[int]) -> None:
    stream = "".join(parts)
    points = sorted({c % (len(stream) + 1) for c in cuts})
    chunks = [stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)]
    assert feed_all(chunks).frame(0) == feed_all([stream]).frame(0)


@given(fragments, st.lists(st.integers(min_value=0, max_value=10_000), max_size=8))
def test_any_chunking_of_the_bytes_gives_the_same_frame(parts: list[str], cuts: list[int]) -> None:
    """Bytes cut anywhere, even inside a UTF-8 character, decoded incrementally as a recorder does."""
    data = "".join(parts).encode()
    points = sorted({c % (len(data) + 1) for c in cuts})
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    chunks = [decoder.decode(data[a:b]) for a, b in zip([0, *points], [*points, len(data)], strict=True)]
    chunks.append(decoder.decode(b"", final=True))
    assert feed_all(chunks).frame(0) == feed_all(["".join(parts)]).frame(0)


events = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=2, allow_nan=False),
        st.one_of(
            st.tuples(st.just("o"), st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6).map("".join)),
            st.tuples(st.just("r"), st.sampled_from(["12x6", "8x4", "20x3", "5x9"])),
            st.tuples(st.just("m"), st.just("mark")),
        ),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(
    events,
    st.lists(st.floats(min_value=-1, max_value=90, allow_nan=False), min_size=1, max_size=10),
    st.integers(min_value=1, max_value=400),
    st.booleans(),
)
def test_seeking_through_keyframes_equals_replaying_from_zero(
    evs: list[tuple[float, tuple[str, str]]], seeks: list[float], spacing: int, index_first: bool
) -> None:
    lines = [json.dumps({"version": 3, "term": {"cols": 12, "rows": 6}})]
    lines += [json.dumps([gap, code, data]) for gap, (code, data) in evs]
    recording = parse_cast_lines(lines, "p.cast")
    player = FramePlayer(recording, keyframe_chars=spacing)
    if index_first:
        player.build_index(step=max(1, spacing // 2))
    for t in seeks:
        reference = Terminal(12, 6)
        for e in recording.events:
            if e.time > t:
                break
            if e.code == "o":
                reference.feed(e.data)
            elif e.code == "r":
                cols, rows = map(int, e.data.split("x"))
                reference.resize(cols, rows)
        assert player.frame_at(t) == reference.frame(t)


gaps = st.lists(st.floats(min_value=0, max_value=1e4, allow_nan=False), max_size=30)


@given(gaps, st.one_of(st.none(), st.floats(min_value=0.01, max_value=100)))
def test_v3_intervals_and_v2_times_agree_and_are_monotone(intervals: list[float], limit: float | None) -> None:
    absolute = []
    now = 0.0
    for gap in intervals:
        now += gap
        absolute.append(now)
    v2 = [json.dumps({"version": 2, "width": 10, "height": 5})] + [json.dumps([t, "o", "x"]) for t in absolute]
    v3 = [json.dumps({"version": 3, "term": {"cols": 10, "rows": 5}})] + [json.dumps([g, "o", "x"]) for g in intervals]
    rec2 = parse_cast_lines(v2, "a.cast", idle_time_limit=limit)
    rec3 = parse_cast_lines(v3, "b.cast", idle_time_limit=limit)
    t2 = [e.time for e in rec2.events]
    t3 = [e.time for e in rec3.events]
    assert len(t2) == len(t3) == len(intervals)
    assert t2 == sorted(t2) and t3 == sorted(t3)
    for a, b in zip(t2, t3, strict=True):
        assert abs(a - b) <= 1e-6 * max(1.0, abs(a))
    if limit is not None:
        previous = 0.0
        for t in t3:
            assert t - previous <= limit + 1e-9
            previous = t
    assert rec3.duration == (t3[-1] if t3 else 0.0)


@given(fragments)
def test_a_text_only_terminal_shows_the_same_text_and_cursor_in_the_default_style(parts: list[str]) -> None:
    """What the search index emulates: SGR read but not applied, styles never stored. After
    every fragment the characters, cursor and screen are those of the full emulator."""
    full, text_only = Terminal(12, 6), Terminal(12, 6, styles=False)
    for part in parts:
        full.feed(part)
        text_only.feed(part)
        want, got = full.frame(0), text_only.frame(0)
        assert got.text_lines() == want.text_lines()
        assert (got.cursor, got.cursor_visible, got.alt_screen) == (want.cursor, want.cursor_visible, want.alt_screen)
        assert all(seg.style == DEFAULT_STYLE for line in got.lines for seg in line)


@given(fragments, fragments)
def test_every_row_whose_cells_changed_is_reported_written(before: list[str], parts: list[str]) -> None:
    """`Screen.written` (what the search's line tracker compares) misses no change: a row not
    in it after a feed has the cells it had before."""
    term = feed_all(before)
    screen = term.screen
    screen.written = {}
    for part in parts:
        rows = [*screen.lines, *(screen.main_lines or [])]
        was = {id(row): list(row.chars) for row in rows}
        screen.written.clear()
        term.feed(part)
        for row in rows:
            if row not in screen.written:
                assert row.chars == was[id(row)]
