"""Hostile recordings: bounded memory, bounded work, what tmux shows (issue items 4, 5, 20)."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from pathlib import Path

from cabtui.data.term import cells as vtcells
from cabtui.data.term.asciicast import MAX_CAST_BYTES, load_cast
from cabtui.data.term.keyframes import FramePlayer
from cabtui.data.term.parser import Terminal

E = "\x1b"


def cast_lines(events: int, data: str = "x") -> bytes:
    head = json.dumps({"version": 2, "width": 80, "height": 24})
    return (head + "\n" + "".join(f'[{i / 100}, "o", "{data}"]\n' for i in range(events))).encode()


# --- item 4: gzip bombs and compact events --------------------------------------------------


def test_a_gzip_bomb_plays_up_to_the_cap_and_says_it_is_too_large(tmp_path: Path) -> None:
    blob = cast_lines(20_000, "y" * 100)  # 2.2 MB once decompressed, a few KB compressed
    path = tmp_path / "bomb.cast.gz"
    path.write_bytes(gzip.compress(blob))
    rec = load_cast(path, max_bytes=1_000_000)
    assert 8_000 < len(rec.events) < 10_000  # the lines before the cap, none cut in half
    assert all(e.data == "y" * 100 for e in rec.events)
    [problem] = rec.problems
    assert problem.file == str(path) and problem.line == len(rec.events) + 2
    assert "larger than" in problem.message
    assert 50 * 2**20 <= MAX_CAST_BYTES <= 1024 * 2**20  # generous for real recordings


def test_a_plain_file_is_capped_too_and_small_ones_are_not(tmp_path: Path) -> None:
    path = tmp_path / "big.cast"
    path.write_bytes(cast_lines(1000, "z" * 50))
    assert load_cast(path).problems == ()
    assert "larger than" in load_cast(path, max_bytes=10_000).problems[0].message


def test_concatenated_gzip_members_are_read(tmp_path: Path) -> None:
    blob = cast_lines(10)
    path = tmp_path / "two.cast.gz"
    path.write_bytes(gzip.compress(blob[:100]) + gzip.compress(blob[100:]))
    assert len(load_cast(path).events) == 10


def test_a_million_tiny_events_cost_a_few_times_the_file(tmp_path: Path) -> None:
    path = tmp_path / "tiny.cast"
    path.write_bytes(cast_lines(100_000))
    size = path.stat().st_size
    tracemalloc.start()
    try:
        rec = load_cast(path)
        player = FramePlayer(rec)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(rec.events) == 100_000 and rec.events[-1].data == "x"
    assert player.frame_at(rec.duration).text_lines()[0].startswith("x" * 80)
    assert held <= 4 * size  # was 26x: one Event, float and str per event


# --- item 5: work the emulator does, and what the cost model charges -----------------------


def test_rep_repeats_only_up_to_the_end_of_the_line_as_tmux() -> None:
    term = Terminal(10, 3)
    before = term.work
    term.feed(f"ab{E}[65535b")
    assert term.frame(0).text_lines() == ["abbbbbbbbb", "", ""]
    assert term.work - before == 8
    term.feed(f"\r\n編{E}[9bQ")  # tmux repeats ASCII only
    assert term.frame(0).text_lines()[1] == "編Q"


def test_a_rep_flood_at_width_one_writes_one_cell_per_rep() -> None:
    term = Terminal(1, 1)
    term.feed("x" + f"{E}[65535b" * 1000)
    assert term.frame(0).text_lines() == ["x"]
    assert term.work <= 1000


class CountingStr(str):
    """A str that counts the characters sliced out of it (slices stay CountingStr)."""

    copied = 0

    def __getitem__(self, key):  # type: ignore[no-untyped-def,override]
        piece = str.__getitem__(self, key)
        CountingStr.copied += len(piece)
        return CountingStr(piece)


def test_put_run_copies_each_character_once_not_once_per_line() -> None:
    term = Terminal(10, 2)
    text = CountingStr("0123456789" * 2000)
    CountingStr.copied = 0
    term.put_run(text)
    assert term.frame(0).text_lines() == ["0123456789", "0123456789"]
    assert CountingStr.copied <= 2 * len(text)  # was 2000 lines x what remained: quadratic


def test_an_unterminated_osc_is_not_kept_and_rescanned_with_every_event() -> None:
    for intro in ("]0;", "P"):
        term = Terminal(20, 2)
        term.feed(f"{E}{intro}")
        for _ in range(20_000):
            term.feed("t")
            assert len(term.pending) <= 3
        term.feed(f"\x07{E}\\done")
        assert term.frame(0).text_lines()[0] == "done"
        assert term.work <= 3 * 20_002  # the introducer kept, not the 20,000 characters


def test_an_unterminated_csi_is_abandoned_and_its_rescans_are_charged() -> None:
    term = Terminal(20, 2)
    term.feed(f"{E}[")
    for _ in range(3000):
        term.feed("1")
        assert len(term.pending) <= 1026
    assert 1024 * 1024 // 2 <= term.work <= 1026 * 1026


def test_a_resize_is_charged_for_the_cells_it_allocates() -> None:
    events = [[i / 10, "r", "1000x1000" if i % 2 == 0 else "2x2"] for i in range(40)]
    path_lines = [json.dumps({"version": 2, "width": 2, "height": 2})] + [json.dumps(e) for e in events]
    from cabtui.data.term.asciicast import parse_cast_lines

    rec = parse_cast_lines(path_lines, "storm.cast")
    player = FramePlayer(rec)
    player.build_index()
    assert player.keyframe_count >= 10  # was 1: 40 resizes priced as 40 x 73 characters
    term = Terminal(2, 2)
    term.resize(1000, 1000)
    assert term.work >= 1000 * 1000 // vtcells.CELLS_PER_UNIT


def test_a_seek_past_the_index_indexes_first_so_replay_stays_bounded() -> None:
    from cabtui.data.term.asciicast import Event, Recording

    events = tuple(Event(i / 10, "o", f"{E}[2J" * 16) for i in range(20))
    player = FramePlayer(Recording(2, 1000, 300, None, 1.9, events, (), (), 0))
    player.frame_at(1.9)  # estimated at 20 x 128 characters: one interval, but 320 full erases
    assert player.keyframe_count >= 10


# --- item 20: bounded caches ----------------------------------------------------------------


def test_caches_stay_bounded_after_200k_distinct_truecolour_erases() -> None:
    term = Terminal(20, 2)
    chunk = []
    for i in range(200_000):
        chunk.append(f"{E}[48;2;{i % 256};{i // 256 % 256};{i // 65536}m{E}[K")
        if len(chunk) == 5000:
            term.feed("".join(chunk))
            chunk = []
    assert len(vtcells._BG_ONLY) <= vtcells.MAX_CACHE  # was 198,820
    assert len(term._sgr_memo) <= 4097 and len(term._csi_ops) <= 16385
