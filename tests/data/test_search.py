"""The search index: screen lines with times, a cell's other text, the cache, bounds."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cabtui.data.results import load
from cabtui.data.search import MAX_LINES, Hit, Pattern, SearchIndex, order_hits, screen_lines, search_progressively
from cabtui.data.search import store as store_module
from cabtui.data.term import Event, Recording

ALT_ON, ALT_OFF = "\x1b[?1049h\x1b[2J", "\x1b[2J\x1b[?1049l"


def typed_in_alt_screen() -> list[Event]:
    """`Traceback` drawn one character per event in the alternate screen, with a cursor move
    (and a status cell elsewhere) between each: never contiguous in the bytes."""
    events = [Event(0.1, "o", ALT_ON), Event(0.5, "o", "\x1b[5;10HT")]
    for k, ch in enumerate("raceback"):
        events.append(Event(1.0 + k * 0.25, "o", f"\x1b[1;1H{k}\x1b[5;{11 + k}H{ch}"))
    events.append(Event(4.0, "o", ALT_OFF + "bye\r\n"))
    return events


def recording(events: list[Event], cols: int = 80, rows: int = 24) -> Recording:
    return Recording(2, cols, rows, None, events[-1].time if events else 0.0, events, (), (), 0)


def write_cast(path: Path, events: list[Event], cols: int = 80, rows: int = 24) -> Path:
    lines = [json.dumps({"version": 2, "width": cols, "height": rows})]
    lines += [json.dumps([e.time, e.code, e.data]) for e in events]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def record(task: str, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "tui": "opencode",
        "model": "m/x",
        "task": task,
        "started_at": "2026-06-17T06:24:19Z",
        "ended_at": "2026-06-17T06:24:29Z",
        "status_detail": "adapter timed out after 630s (outer guard)",
        "scores": {
            "pass_rate": {
                "pass": 0,
                "stdout_tail": "\x1b[31merror[E0106]\x1b[0m: missing lifetime specifier\nprogress 10%\rprogress 99%\n",
                "stderr_tail": "Traceback (most recent call last):\n",
            }
        },
    }
    base.update(extra)
    return base


def make_sweep(root: Path) -> Path:
    """A sweep of two cells: one with a recording, trace and model calls on disk."""
    folder = root / "sweep"
    cells = [
        record(
            "polyglot/rust",
            artifacts={"recording": "cells/rust/recording.cast", "trace": "cells/rust/trace.jsonl"},
            model_calls=[{"index": 0, "prompt": "please run rm -rf build", "completion": "done: cargo test passed"}],
        ),
        record("polyglot/c"),
    ]
    folder.mkdir(parents=True)
    (folder / "cells.jsonl").write_text("\n".join(json.dumps(c) for c in cells) + "\n")
    spans = [
        {"span_id": "root", "name": "opencode:task", "start_ms": 0, "duration_ms": 9000},
        {"span_id": "tool", "parent_id": "root", "name": "cargo test", "start_ms": 2500, "duration_ms": 100,
         "attrs": {"command": "cargo test --offline"}, "error": "exit 101: panicked at src/lib.rs"},
    ]  # fmt: skip
    trace = folder / "cells/rust/trace.jsonl"
    trace.parent.mkdir(parents=True)
    trace.write_text("\n".join(json.dumps(s) for s in spans) + "\n")
    write_cast(folder / "cells/rust/recording.cast", typed_in_alt_screen())
    return folder


def search(folder: Path, cache: Path, text: str, **kw: bool) -> list[Hit]:
    results = load(folder)
    index = SearchIndex.open(folder, folder=cache)
    try:
        scope = index.scope(results)
        hits: list[Hit] = []
        for found in search_progressively(index, scope, Pattern(text, **kw)):
            hits.extend(found.hits)
        return order_hits(scope, hits)
    finally:
        index.close()


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


# --- screen lines -------------------------------------------------------------------------


def test_a_word_drawn_char_by_char_in_the_alternate_screen_is_found_with_the_time_it_completed() -> None:
    text = screen_lines(recording(typed_in_alt_screen()))
    line = next(line for line in text.lines if "Traceback" in line.text)
    start = line.text.index("Traceback")
    assert line.time_of(start, start + len("Traceback")) == pytest.approx(1.0 + 7 * 0.25)
    assert line.time_of(start, start + 3) == pytest.approx(1.25)  # "Tra": complete at the 'a'
    assert line.time_of(start, start + 1) == pytest.approx(0.5)


def test_an_overwritten_line_keeps_each_text_it_showed() -> None:
    events = [Event(1.0, "o", "status: building"), Event(2.0, "o", "\rstatus: failed  "), Event(3.0, "o", "\r\n")]
    texts = {line.text: line.first_s for line in screen_lines(recording(events)).lines}
    assert "status: building" in texts
    assert "status: failed" in texts


def test_output_that_scrolls_off_within_one_event_is_still_seen() -> None:
    burst = "".join(f"line {i}\r\n" for i in range(200))
    texts = {line.text for line in screen_lines(recording([Event(1.0, "o", burst)], rows=10)).lines}
    assert {"line 0", "line 57", "line 199"} <= texts


def test_a_flood_of_distinct_lines_is_bounded_and_says_so() -> None:
    flood = [Event(i * 0.001, "o", f"{i}\r\n") for i in range(MAX_LINES + 500)]
    text = screen_lines(recording(flood))
    assert text.flooded
    assert len(text.lines) == MAX_LINES


def test_a_huge_screen_is_clamped() -> None:
    text = screen_lines(recording([Event(0.1, "o", "x" * 5000)], cols=100_000, rows=100_000))
    assert all(len(line.text) <= 1000 for line in text.lines)


# --- the index ----------------------------------------------------------------------------


def test_recording_tails_spans_calls_and_record_fields_are_found(tmp_path: Path) -> None:
    folder = make_sweep(tmp_path)
    cache = tmp_path / "cache"
    hits = search(folder, cache, "Traceback")
    wheres = {(h.row.task, h.where) for h in hits}
    assert ("polyglot/rust", "recording") in wheres
    assert ("polyglot/rust", "stderr_tail") in wheres and ("polyglot/c", "stderr_tail") in wheres
    screen = next(h for h in hits if h.where == "recording")
    assert screen.at_s == pytest.approx(2.75)
    assert screen.recording is not None and screen.recording.name == "recording.cast"
    tail = search(folder, cache, "error[E0106]")  # drawn in red: escapes are not in the text
    assert {h.where for h in tail} == {"stdout_tail"}
    assert tail[0].as_json() == {
        "cell_id": "sweep/opencode/m/x/polyglot/rust",
        "where": "stdout_tail",
        "at_s": None,
        "text": "error[E0106]: missing lifetime specifier",
    }
    assert [h.text for h in search(folder, cache, "progress")] == ["progress 99%"] * 2  # \r overwrote
    spans = search(folder, cache, "panicked")
    assert [(h.where, h.at_s, h.ref) for h in spans] == [("span", 2.5, "tool")]
    assert [h.where for h in search(folder, cache, "cargo test --offline")] == ["span"]
    assert {h.where for h in search(folder, cache, "rm -rf")} == {"model_call"}
    assert {h.where for h in search(folder, cache, "outer guard")} == {"record"}


def test_case_regex_and_short_patterns(tmp_path: Path) -> None:
    folder = make_sweep(tmp_path)
    cache = tmp_path / "cache"
    assert search(folder, cache, "traceback") == []
    assert search(folder, cache, "traceback", ignore_case=True)
    assert {h.where for h in search(folder, cache, r"E\d{4}", regex=True)} == {"stdout_tail"}
    assert search(folder, cache, "%")  # shorter than a trigram: scanned
    match = search(folder, cache, "lifetime")[0]
    assert match.text[match.match[0] : match.match[1]] == "lifetime"


def test_the_index_lives_in_a_private_cache_folder_and_nothing_is_written_in_the_results(tmp_path: Path) -> None:
    folder = make_sweep(tmp_path)
    before = listing(folder)
    cache = tmp_path / "xdg" / "cabtui"
    assert search(folder, cache, "Traceback")
    assert listing(folder) == before
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert (cache / "search-index.sqlite3").is_file()
    assert stat.S_IMODE((cache / "search-index.sqlite3").stat().st_mode) == 0o600


def test_the_default_cache_follows_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = make_sweep(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    index = SearchIndex.open(folder)
    assert index.store.path == tmp_path / "xdg" / "cabtui" / "search-index.sqlite3"
    assert index.note is None
    index.close()


def test_a_cache_folder_inside_the_results_is_refused(tmp_path: Path) -> None:
    folder = make_sweep(tmp_path)
    before = listing(folder)
    index = SearchIndex.open(folder, folder=folder / "cache")
    assert index.store.path is None and index.note is not None and "inside the results" in index.note
    index.close()
    assert search(folder, folder / "cache", "Traceback")
    assert listing(folder) == before


def test_a_shared_cache_folder_is_made_private_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o777)
    os.chmod(cache, 0o777)
    index = SearchIndex.open(make_sweep(tmp_path), folder=cache)
    index.close()
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700


def test_a_changed_file_is_read_again_and_nothing_else(tmp_path: Path) -> None:
    folder = make_sweep(tmp_path)
    cache = tmp_path / "cache"
    assert search(folder, cache, "Traceback")
    results = load(folder)
    index = SearchIndex.open(folder, folder=cache)
    scope = index.scope(results)
    assert scope.pending == []  # everything current: nothing to emulate again
    index.close()
    cast = folder / "cells/rust/recording.cast"
    write_cast(cast, [Event(0.5, "o", "all green now\r\n")])
    os.utime(cast, ns=(cast.stat().st_atime_ns, cast.stat().st_mtime_ns + 10**9))
    assert [h.where for h in search(folder, cache, "Traceback")] == ["stderr_tail", "stderr_tail"]
    assert [h.where for h in search(folder, cache, "all green")] == ["recording"]
    trace = folder / "cells/rust/trace.jsonl"
    trace.write_text(json.dumps({"span_id": "s", "name": "brand new span", "start_ms": 5}) + "\n")
    os.utime(trace, ns=(trace.stat().st_atime_ns, trace.stat().st_mtime_ns + 10**9))
    assert search(folder, cache, "panicked") == []
    assert [h.at_s for h in search(folder, cache, "brand new")] == [0.005]


def test_an_unreadable_recording_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    folder = make_sweep(tmp_path)
    (folder / "cells/rust/recording.cast").write_bytes(b"\x00\xffnot a cast")
    results = load(folder)
    index = SearchIndex.open(folder, folder=tmp_path / "cache")
    scope = index.scope(results)
    hits = [h for found in search_progressively(index, scope, Pattern("Traceback")) for h in found.hits]
    index.close()
    assert {h.where for h in hits} == {"stderr_tail"}
    assert any("recording.cast" in p.file for p in scope.problems)


def test_without_fts5_the_lines_are_scanned_with_the_same_hits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = make_sweep(tmp_path)
    with_fts = [h.as_json() for h in search(folder, tmp_path / "a", "Traceback")]
    monkeypatch.setattr(store_module, "fts5_available", lambda: False)
    assert [h.as_json() for h in search(folder, tmp_path / "b", "Traceback")] == with_fts


def test_a_clock_ticking_in_place_is_one_line_whose_words_keep_their_first_time() -> None:
    events = [Event(1.0 + i, "o", f"\r{'⠋⠙⠹'[i % 3]} Thinking… ({i}s){ESC_K}") for i in range(50)]
    lines = [line for line in screen_lines(recording(events)).lines if "Thinking" in line.text]
    assert len(lines) == 1
    line = lines[0]
    start = line.text.index("Thinking")
    assert line.time_of(start, start + len("Thinking")) == pytest.approx(1.0)
    assert line.text.endswith("(49s)")


ESC_K = "\x1b[K"


def test_a_catastrophic_regex_is_cut_short_with_a_bad_pattern_not_a_hang(tmp_path: Path) -> None:
    """`(a|a)+$` against a line of a's that ends otherwise backtracks 2^n ways: the search stops
    at its bound and says why instead of holding the CPU (and the app's GIL) for ever."""
    from cabtui.data.search import BadPattern

    folder = make_sweep(tmp_path)
    cells = folder / "cells.jsonl"
    cells.write_text(cells.read_text() + json.dumps(record("evil", status_detail="a" * 60 + "!")) + "\n")
    with pytest.raises(BadPattern, match="took too long"):
        search(folder, tmp_path / "cache", r"(a|a)+$", regex=True)


@pytest.mark.parametrize("garbage", [b"\x8f" * 5000, b"SQLite format 3\x00" + b"\x00" * 8000])
def test_a_damaged_index_file_is_built_again_not_a_crash(tmp_path: Path, garbage: bytes) -> None:
    """The index is only a cache: a file SQLite cannot read (a crash mid-write, a disk error)
    is replaced, and the search answers as from an empty cache."""
    folder = make_sweep(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    (cache / "search-index.sqlite3").write_bytes(garbage)
    assert {h.where for h in search(folder, cache, "outer guard")} == {"record"}
    assert {h.where for h in search(folder, cache, "outer guard")} == {"record"}  # and it is an index again


def _overwritten(line: str) -> str:
    """What a terminal shows of `line`: each `\\r` returns to column 0 and overwrites."""
    shown = ""
    for part in line.split("\r"):
        shown = part + shown[len(part) :]
    return shown


@given(st.lists(st.text(alphabet="ab \r", max_size=30), max_size=4).map("\n".join))
def test_carriage_returns_overwrite_as_a_terminal_does(text: str) -> None:
    from cabtui.data.search.sources import shown_lines

    want = [v for v in (_overwritten(raw).rstrip() for raw in text.split("\n")) if v.strip()]
    assert shown_lines(text) == want


def test_a_line_of_millions_of_overwrites_is_read_in_one_pass() -> None:
    """A progress bar redrawn 2 million times on one line of a 6 MB tail: the line shows its
    last state (each overwrite used to copy the whole line: hours for this one)."""
    from cabtui.data.search.sources import MAX_LINE_CHARS, shown_lines

    line = "A" * 2_000_000 + "\rB" * 2_000_000 + "\rdone"
    assert shown_lines(line) == [("done" + "A" * 1_999_996)[:MAX_LINE_CHARS]]


def test_lines_drawn_and_scrolled_out_of_a_region_within_one_event_are_found() -> None:
    """A log pane inside a scroll region (DECSTBM) that scrolls several lines in one event:
    the rows that left the region were shown, and are found with that event's time."""
    pane = "\x1b[2;4r\x1b[4;1H" + "".join(f"pane line {i}\r\n" for i in range(6)) + "\x1b[r"
    events = [Event(0.5, "o", ALT_ON), Event(1.5, "o", pane), Event(3.0, "o", ALT_OFF)]
    texts = {line.text: line.first_s for line in screen_lines(recording(events)).lines}
    assert {f"pane line {i}" for i in range(6)} <= set(texts)
    assert texts["pane line 0"] == pytest.approx(1.5)


def test_a_line_shown_in_many_cells_is_kept_once_and_found_in_each(tmp_path: Path) -> None:
    import sqlite3

    folder = make_sweep(tmp_path)
    cache = tmp_path / "cache"
    hits = search(folder, cache, "most recent call")
    assert sorted((h.row.task, h.where) for h in hits) == [
        ("polyglot/c", "stderr_tail"),
        ("polyglot/rust", "stderr_tail"),
    ]
    db = sqlite3.connect(cache / "search-index.sqlite3")
    try:
        count = db.execute("SELECT count(*) FROM texts WHERE text = 'Traceback (most recent call last):'").fetchone()
    finally:
        db.close()
    assert count == (1,)  # the two cells' tails hold one text


def test_a_batch_of_recordings_that_fails_is_indexed_again_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails part-way through a batch keeps none of the batch: the recordings are
    not taken as read, so the next search indexes them and finds what they show."""
    folder = make_sweep(tmp_path)
    cells = folder / "cells.jsonl"
    other = record("polyglot/go", artifacts={"recording": "cells/go/recording.cast"})
    cells.write_text(cells.read_text() + json.dumps(other) + "\n")
    write_cast(folder / "cells/go/recording.cast", [Event(0.2, "o", "go vet: Traceback here\r\n")])
    cache = tmp_path / "cache"
    real = store_module.Store._put_recording
    calls: list[str] = []

    def failing(self: store_module.Store, path: str, *args: Any) -> int:
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(self, path, *args)

    monkeypatch.setattr(store_module.Store, "_put_recording", failing)
    with pytest.raises(OSError, match="disk full"):
        search(folder, cache, "Traceback")
    monkeypatch.setattr(store_module.Store, "_put_recording", real)
    results = load(folder)
    index = SearchIndex.open(folder, folder=cache)
    assert len(index.scope(results).pending) == 2  # the first one went with the batch
    index.close()
    hits = search(folder, cache, "Traceback")
    assert {h.row.task for h in hits if h.where == "recording"} == {"polyglot/rust", "polyglot/go"}


@pytest.mark.parametrize("outside", [False, True])
def test_a_cells_artifact_paths_are_kept_compactly_and_read_back(tmp_path: Path, outside: bool) -> None:
    base = str(tmp_path / "sweep")
    where = str(tmp_path / "elsewhere") if outside else base + "/cells/rust"
    deps = ((where + "/trace.jsonl", (12, 34)), (where + "/recording.cast", (-1, -1)), (base + "/x.jsonl", (5, 6)))
    kept = store_module._dump_deps(deps, base)
    assert kept.count("cells/rust") <= 1 and kept.count("elsewhere") <= 1
    assert store_module._parse_deps(kept, base) == deps
