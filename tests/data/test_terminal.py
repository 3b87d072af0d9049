"""The terminal emulator and its frames: colours, attributes, wide characters, alternate screen,
cursor, scroll regions, resize, and that no control character ever reaches a frame."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from cabtui.data.term import FramePlayer, Terminal, screen_text_at
from cabtui.data.term.asciicast import CastError, Event, Recording, parse_cast_lines
from cabtui.data.term.frames import DEFAULT_STYLE, CellStyle, Frame, Segment, safe_text

E = "\x1b"


def screen(data: str, cols: int = 20, rows: int = 5) -> Frame:
    term = Terminal(cols, rows)
    term.feed(data)
    return term.frame(0.0)


def cells(frame: Frame, y: int) -> list[tuple[str, CellStyle]]:
    """Row y as (text, style) per character (a wide character is one entry)."""
    return [(ch, seg.style) for seg in frame.lines[y] for ch in seg.text]


def style_of(frame: Frame, text: str) -> CellStyle:
    """The style of the segment holding `text` (which must sit in a single segment)."""
    for line in frame.lines:
        for seg in line:
            if text in seg.text:
                return seg.style
    raise AssertionError(f"{text!r} not on screen")


def rec(events: list[tuple[float, str, str]], cols: int = 20, rows: int = 5) -> Recording:
    lines = [json.dumps({"version": 2, "width": cols, "height": rows})]
    lines += [json.dumps(list(e)) for e in events]
    return parse_cast_lines(lines, "t.cast")


# --- colours and attributes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("sgr", "fg", "bg"),
    [
        ("31", "red", None),
        ("42", None, "green"),
        ("93;104", "bright_yellow", "bright_blue"),
        ("38;5;123", "color(123)", None),
        ("48;5;7", None, "color(7)"),
        ("38:5:200", "color(200)", None),
        ("38;2;1;2;255", "#0102ff", None),
        ("48;2;16;32;48", None, "#102030"),
        ("38:2::255:128:0", "#ff8000", None),
        ("38:2:255:128:0", "#ff8000", None),
        ("31;42;39", None, "green"),
        ("31;42;49", "red", None),
        ("31;42;0", None, None),
        ("38;5;300", None, None),  # out of range: ignored
        ("38;5", None, None),  # incomplete: ignored
    ],
)
def test_colours(sgr: str, fg: str | None, bg: str | None) -> None:
    style = style_of(screen(f"{E}[{sgr}mX"), "X")
    assert (style.fg, style.bg) == (fg, bg)


def test_colour_strings_are_what_rich_parses() -> None:
    style = style_of(screen(f"{E}[1;3;4;38;5;9;48;2;0;0;0mX"), "X")
    assert style.sgr() == "1;3;4;38;5;9;48;2;0;0;0"


@pytest.mark.parametrize(
    ("sgr", "attrs"),
    [
        ("1", {"bold"}),
        ("2", {"dim"}),
        ("3", {"italic"}),
        ("4", {"underline"}),
        ("4:3", {"underline"}),
        ("21", {"underline"}),
        ("5", {"blink"}),
        ("7", {"reverse"}),
        ("9", {"strike"}),
        ("1;2;22", set()),
        ("3;23", set()),
        ("4;24", set()),
        ("4:0", set()),
        ("5;25", set()),
        ("7;27", set()),
        ("9;29", set()),
        ("1;2;3;4;5;7;9;0", set()),
        ("1;2;3;4;5;7;9", {"bold", "dim", "italic", "underline", "blink", "reverse", "strike"}),
    ],
)
def test_attributes(sgr: str, attrs: set[str]) -> None:
    style = style_of(screen(f"{E}[{sgr}mX"), "X")
    names = ("bold", "dim", "italic", "underline", "reverse", "strike", "blink")
    assert {name for name in names if getattr(style, name)} == attrs


def test_attributes_persist_until_changed_and_segments_group_runs() -> None:
    frame = screen(f"ab{E}[1mcd{E}[0mef")
    texts = [(seg.text.rstrip(), seg.style.bold) for seg in frame.lines[0]]
    assert texts[:3] == [("ab", False), ("cd", True), ("ef", False)]
    assert sum(len(seg.text) for seg in frame.lines[0]) == 20  # segments cover the whole row


def test_private_sgr_like_sequences_do_not_change_the_pen() -> None:
    assert style_of(screen(f"{E}[>4;2m{E}[?1mX"), "X") == DEFAULT_STYLE


def test_to_ansi_round_trips_styles() -> None:
    frame = screen(f"{E}[1;38;5;200mhot{E}[0m {E}[48;2;1;2;3;4mbg{E}[0m plain {E}[93mbright")
    again = screen(frame.to_ansi().replace("\n", "\r\n"))
    assert again.lines == frame.lines
    assert frame.to_ansi().split("\n")[1] == ""  # blank rows are empty, no codes


# --- wide and combining characters ---------------------------------------------------------


def test_wide_characters_take_two_cells() -> None:
    term = Terminal(20, 3)
    term.feed("編集✅ok")
    frame = term.frame(0)
    assert frame.text_lines()[0] == "編集✅ok"
    assert frame.cursor == (8, 0)
    assert sum(len(seg.text) for seg in frame.lines[0]) == 20 - 3  # 3 wide chars, 3 text characters


def test_overwriting_half_a_wide_character_blanks_the_other_half() -> None:
    assert screen("編集\rx").text_lines()[0] == "x 集"
    assert screen(f"編集{E}[1;2Hy").text_lines()[0] == " y集"


def test_wide_character_at_the_right_edge_wraps() -> None:
    frame = screen("a" * 19 + "編z", cols=20)
    assert frame.text_lines()[:2] == ["a" * 19, "編z"]


def test_combining_and_joined_characters_stay_in_one_cell() -> None:
    frame = screen("cafe\u0301|👨\u200d👩\u200d👧|")
    assert frame.text_lines()[0] == "cafe\u0301|👨\u200d👩\u200d👧|"
    assert frame.cursor == (8, 0)


def test_flags_are_two_cells() -> None:
    assert screen("🇯🇵|").cursor == (3, 0)


def test_dec_line_drawing() -> None:
    frame = screen(f"{E}(0lqk{E}(B q")
    assert frame.text_lines()[0] == "┌─┐ q"


# --- alternate screen ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["1049", "1047", "47"])
def test_alternate_screen_enter_exit_restores_main(mode: str) -> None:
    term = Terminal(20, 5)
    term.feed("main one\r\nmain two")
    term.feed(f"{E}[?{mode}h")
    alt = term.frame(1.0)
    assert alt.alt_screen
    assert alt.text_lines() == [""] * 5  # a fresh, blank screen
    term.feed(f"{E}[H{E}[2Jfull screen app{E}[3;3Hbox")
    assert term.frame(1.0).text_lines()[0] == "full screen app"
    term.feed(f"{E}[?{mode}l")
    back = term.frame(2.0)
    assert not back.alt_screen
    assert back.text_lines()[:2] == ["main one", "main two"]


def test_1049_saves_and_restores_the_cursor_and_pen() -> None:
    term = Terminal(20, 5)
    term.feed(f"{E}[3;4H{E}[31m{E}[?1049h{E}[0m{E}[5;10Hx{E}[?1049lR")
    frame = term.frame(0)
    assert frame.text_lines()[2] == "   R"
    assert style_of(frame, "R").fg == "red"


def test_47_does_not_restore_the_cursor() -> None:
    frame = screen(f"{E}[3;4H{E}[?47h{E}[5;10H{E}[?47lR")
    assert frame.text_lines()[4] == " " * 9 + "R"


# --- cursor ---------------------------------------------------------------------------------


def test_cursor_visibility() -> None:
    assert screen("x").cursor_visible
    assert not screen(f"{E}[?25lx").cursor_visible
    assert screen(f"{E}[?25l{E}[?25hx").cursor_visible


def test_cursor_stays_on_screen_when_a_wrap_is_pending() -> None:
    frame = screen("a" * 20, cols=20)
    assert frame.cursor == (19, 0)
    assert screen("a" * 20 + "b", cols=20).text_lines()[:2] == ["a" * 20, "b"]


def test_cursor_movement_and_save_restore() -> None:
    frame = screen(f"{E}[2;3Hab{E}7{E}[5;1Hzz{E}8c{E}[A{E}[2Cd")
    assert frame.text_lines()[:2] == ["       d", "  abc"]


# --- scrolling ------------------------------------------------------------------------------


def test_scroll_region_scrolls_only_inside() -> None:
    lines = "\r\n".join(f"l{i}" for i in range(5))
    frame = screen(f"{lines}{E}[2;4r{E}[4;1H\r\nnew", rows=5)
    assert frame.text_lines() == ["l0", "l2", "l3", "new", "l4"]


def test_reverse_index_at_the_top_of_the_region_scrolls_down() -> None:
    lines = "\r\n".join(f"l{i}" for i in range(5))
    frame = screen(f"{lines}{E}[2;4r{E}[2;1H{E}Mtop", rows=5)
    assert frame.text_lines() == ["l0", "top", "l1", "l2", "l4"]


def test_scroll_up_and_down_sequences() -> None:
    lines = "\r\n".join(f"l{i}" for i in range(5))
    assert screen(f"{lines}{E}[2S").text_lines() == ["l2", "l3", "l4", "", ""]
    assert screen(f"{lines}{E}[T").text_lines() == ["", "l0", "l1", "l2", "l3"]


def test_erase_uses_the_background_colour() -> None:
    frame = screen(f"{E}[44m{E}[2J{E}[0m")
    assert {seg.style.bg for line in frame.lines for seg in line} == {"blue"}


# --- resize ---------------------------------------------------------------------------------


def test_resize_event_changes_the_frame_size() -> None:
    player = FramePlayer(
        rec([(0.1, "o", "hello world"), (1.0, "r", "8x3"), (2.0, "r", "30x6"), (2.5, "o", "\r\nmore")])
    )
    assert (player.frame_at(0.5).cols, player.frame_at(0.5).rows) == (20, 5)
    small = player.frame_at(1.0)
    assert (small.cols, small.rows) == (8, 3)
    assert small.text_lines()[0] == "hello wo"
    big = player.frame_at(3.0)
    assert (big.cols, big.rows) == (30, 6)
    assert big.text_lines()[:2] == ["hello wo", "more"]
    assert all(sum(len(s.text) for s in line) == 30 for line in big.lines)


def test_shrinking_keeps_the_cursor_line() -> None:
    term = Terminal(10, 6)
    term.feed("\r\n".join(f"l{i}" for i in range(6)))
    term.resize(10, 3)
    frame = term.frame(0)
    assert frame.text_lines() == ["l3", "l4", "l5"]
    assert frame.cursor == (2, 2)


# --- safety ---------------------------------------------------------------------------------


CONTROLS = set(map(chr, [*range(0x20), *range(0x7F, 0xA0)])) | set("\u200b\u200e\u200f\u202a\u202e\u2066\ufeff")


def test_control_characters_never_reach_a_frame() -> None:
    junk = "".join(chr(c) for c in range(0xA0)) + "\u202eevil\u200b" + f"{E}]0;title\x07{E}P+q{E}\\{E}[?1;2$p"
    for data in (junk, junk * 3, f"{E}[31m{junk}{E}(0{junk}"):
        frame = screen(data, cols=40, rows=8)
        for line in frame.lines:
            for seg in line:
                assert not set(seg.text) & CONTROLS, seg.text


def test_lone_surrogates_are_dropped() -> None:
    assert screen("a\ud83db\udc80c").text_lines()[0] == "abc"


def test_a_malformed_sequence_does_not_swallow_text() -> None:
    assert screen(f"a{E}[1;2\x07b").text_lines()[0] == "ab"


def test_safe_text_makes_anything_that_slipped_through_visible() -> None:
    assert safe_text("ok") == "ok"
    assert safe_text("a\x1b[31mb\u202e") == "a␛[31mb<U+202E>"


def test_frame_text_lines_strip_only_spaces() -> None:
    frame = Frame(3, 1, ((Segment("a\u3000 ", DEFAULT_STYLE),),), (0, 0), True, False, 0.0)
    assert frame.text_lines() == ["a\u3000"]


# --- chunking and state ---------------------------------------------------------------------


def test_an_escape_sequence_split_across_events_still_works() -> None:
    term = Terminal(20, 3)
    for part in (f"a{E}", "[3", "1m", "b", f"{E}]0;ti", "tle\x07c"):
        term.feed(part)
    frame = term.frame(0)
    assert frame.text_lines()[0] == "abc"
    assert style_of(frame, "bc").fg == "red"


def test_snapshot_restore_resumes_exactly() -> None:
    first = f"{E}[?1049h{E}[2;3r{E}[31mab{E}[1;2H"
    rest = f"x\r\n\r\n\r\nz{E}[?1049lq"
    whole = Terminal(10, 4)
    whole.feed(first + rest)
    part = Terminal(10, 4)
    part.feed(first + f"{E}[")
    state = part.snapshot()
    part.feed("99Xgarbage")  # diverge, then go back
    part.restore(state)
    part.feed("0m" + rest)
    reference = Terminal(10, 4)
    reference.feed(first + f"{E}[0m" + rest)
    assert part.frame(0) == reference.frame(0)


# --- the player and the frame command ------------------------------------------------------


def test_frame_at_shows_events_up_to_and_including_t() -> None:
    player = FramePlayer(rec([(1.0, "o", "a"), (2.0, "o", "b"), (2.0, "m", "mark"), (3.0, "o", "c")]))
    assert player.frame_at(0.0).text_lines()[0] == ""
    assert player.frame_at(1.0).text_lines()[0] == "a"
    assert player.frame_at(2.5).text_lines()[0] == "ab"
    assert player.frame_at(10).text_lines()[0] == "abc"
    assert player.frame_at(1.5).text_lines()[0] == "a"  # backwards
    assert player.frame_at(1.25).time == 1.25


def test_frame_at_is_consistent_while_an_indexer_thread_runs() -> None:
    events = [(i * 0.01, "o", f"{E}[{i % 5 + 1};1H{E}[3{i % 8}mline {i} " + "x" * (i % 50)) for i in range(3000)]
    recording = rec(events, cols=60, rows=6)
    expected = {}
    for t in (0.5, 7.0, 15.0, 29.99, 3.3):
        term = Terminal(60, 6)
        for e in recording.events:
            if e.time <= t:
                term.feed(e.data)
        expected[t] = term.frame(t)
    player = FramePlayer(recording, keyframe_chars=2000)
    worker = threading.Thread(target=player.build_index, kwargs={"step": 500})
    worker.start()
    try:
        for _ in range(5):
            for t, frame in expected.items():
                assert player.frame_at(t) == frame
    finally:
        worker.join()
    assert player.index_complete and player.keyframe_count > 10
    for t, frame in expected.items():
        assert player.frame_at(t) == frame


def test_build_index_can_be_cancelled_and_reports_progress() -> None:
    recording = rec([(i * 0.1, "o", "y" * 100) for i in range(200)])
    player = FramePlayer(recording, keyframe_chars=1000)
    seen: list[float] = []
    assert player.build_index(should_stop=lambda: len(seen) >= 3, progress=seen.append, step=500) is False
    assert not player.index_complete and 0 < player.indexed_fraction < 1
    assert player.build_index(progress=seen.append, step=5000) is True
    assert seen == sorted(seen) and seen[-1] == 1.0
    while not player.index_step(1):
        pass


def test_recording_without_output() -> None:
    player = FramePlayer(Recording(2, 10, 2, None, 0.0, (Event(0.0, "m", "x"),), (), (), 0))
    assert player.build_index() is True
    assert player.frame_at(5).text_lines() == ["", ""]


def test_screen_text_at(tmp_path: Path) -> None:
    path = tmp_path / "demo.cast"
    lines = [
        {"version": 2, "width": 30, "height": 6},
        [0.5, "o", f"{E}[32mgreen{E}[0m\r\n"],
        [1.0, "o", f"{E}[?1049hIN ALT"],
        [2.0, "o", f"{E}[?1049lback"],
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    assert screen_text_at(path, 0.0) == ""
    assert screen_text_at(path, 0.7) == "green"
    assert screen_text_at(path, 1.5) == "\nIN ALT"  # the cursor stays where it was
    assert screen_text_at(path, 9) == "green\nback"
    assert screen_text_at(path, 0.7, ansi=True) == f"{E}[0;32mgreen{E}[0m"
    bad = tmp_path / "bad.cast"
    bad.write_text("nonsense\n")
    with pytest.raises(CastError, match="bad.cast"):
        screen_text_at(bad, 1.0)


def test_ready_and_indexed_time_tell_a_ui_when_a_seek_is_cheap() -> None:
    recording = rec([(i * 0.1, "o", "z" * 100) for i in range(100)])
    player = FramePlayer(recording, keyframe_chars=1000)
    assert player.indexed_time == 0.0
    assert player.ready(0.05) and not player.ready(9.0)
    player.index_step(5000)
    assert 2.5 < player.indexed_time < 5.0
    assert player.ready(player.indexed_time) and not player.ready(9.0)
    player.build_index()
    assert player.indexed_time == recording.duration and player.ready(9.0)
