"""The asciicast reader: v1/v2/v3 onto one absolute time base, problems instead of exceptions."""

from __future__ import annotations

import gzip
import io
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cabtui.data.problems import Problem
from cabtui.data.term.asciicast import CastError, Event, Recording, load_cast, parse_cast_lines


def v2(*events: Any, header: dict[str, Any] | None = None) -> str:
    head = {"version": 2, "width": 80, "height": 24, **(header or {})}
    return "\n".join([json.dumps(head), *(e if isinstance(e, str) else json.dumps(e) for e in events)]) + "\n"


def v3(*events: Any, header: dict[str, Any] | None = None) -> str:
    head = {"version": 3, "term": {"cols": 100, "rows": 30}, **(header or {})}
    return "\n".join([json.dumps(head), *(e if isinstance(e, str) else json.dumps(e) for e in events)]) + "\n"


def parse(text: str, **kwargs: Any) -> Recording:
    return parse_cast_lines(text.splitlines(keepends=True), "rec.cast", **kwargs)


def times(rec: Recording) -> list[float]:
    return [e.time for e in rec.events]


def write(tmp_path: Path, text: str, name: str = "rec.cast") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the three versions -------------------------------------------------------------------


def test_v2_absolute_times_and_header() -> None:
    rec = parse(v2([0.5, "o", "hello"], [1.25, "o", " world"], header={"title": "demo"}))
    assert (rec.version, rec.cols, rec.rows, rec.title) == (2, 80, 24, "demo")
    assert rec.events == (Event(0.5, "o", "hello"), Event(1.25, "o", " world"))
    assert rec.duration == 1.25
    assert rec.output_bytes == len(b"hello world")
    assert rec.problems == ()


def test_v3_intervals_become_absolute_and_comments_are_skipped() -> None:
    text = v3("# a comment", [0.5, "o", "a"], "  # indented comment", [0.25, "o", "b"], [1.0, "x", "0"])
    rec = parse(text)
    assert (rec.version, rec.cols, rec.rows) == (3, 100, 30)
    assert times(rec) == pytest.approx([0.5, 0.75, 1.75])
    assert [e.code for e in rec.events] == ["o", "o", "x"]
    assert rec.duration == pytest.approx(1.75)
    assert rec.problems == ()


def test_v1_delays_become_absolute() -> None:
    doc = {
        "version": 1,
        "width": 40,
        "height": 12,
        "duration": 9.0,
        "title": "old",
        "stdout": [[0.1, "a"], [0.2, "b"], [0.3, "c"]],
    }
    rec = parse(json.dumps(doc))
    assert (rec.version, rec.cols, rec.rows, rec.title) == (1, 40, 12, "old")
    assert times(rec) == pytest.approx([0.1, 0.3, 0.6])
    assert "".join(e.data for e in rec.events) == "abc"


def test_v1_pretty_printed_over_many_lines_and_bad_frame() -> None:
    doc = {"version": 1, "width": 40, "height": 12, "stdout": [[0.1, "a"], ["x", "b"], [0.2, "c"]]}
    rec = parse(json.dumps(doc, indent=4))
    assert [e.data for e in rec.events] == ["a", "c"]
    assert times(rec) == pytest.approx([0.1, 0.3])
    assert rec.problems == (Problem("rec.cast", 0, "stdout[1] is not [delay, text]: skipped"),)


def test_the_same_recording_in_v2_and_v3_gives_the_same_events() -> None:
    absolute = [0.0, 0.5, 0.5, 2.0, 7.5]
    events2 = [[t, "o", f"e{i}"] for i, t in enumerate(absolute)]
    events3 = [[t - (absolute[i - 1] if i else 0.0), "o", f"e{i}"] for i, t in enumerate(absolute)]
    rec2, rec3 = parse(v2(*events2)), parse(v3(*events3))
    assert times(rec2) == pytest.approx(times(rec3))
    assert [e.data for e in rec2.events] == [e.data for e in rec3.events]


def test_v2_events_out_of_order_are_sorted_stably() -> None:
    rec = parse(v2([2.0, "o", "c"], [1.0, "o", "a"], [1.0, "o", "b"]))
    assert [e.data for e in rec.events] == ["a", "b", "c"]
    assert times(rec) == [1.0, 1.0, 2.0]


# --- event codes --------------------------------------------------------------------------


def test_markers_resize_input_exit() -> None:
    rec = parse(
        v2(
            [0.5, "o", "x"],
            [1.0, "m", "build done"],
            [1.5, "r", "100x40"],
            [1.6, "i", "q"],
            [2.0, "m", ""],
            [2.5, "x", "1"],
        )
    )
    assert rec.markers == ((1.0, "build done"), (2.0, ""))
    assert [e.code for e in rec.events] == ["o", "m", "r", "i", "m", "x"]
    assert rec.duration == 2.5
    assert (rec.cols, rec.rows) == (80, 24)  # the initial size; the resize is an event
    assert rec.output_bytes == 1


def test_bad_resize_is_a_problem_and_skipped() -> None:
    rec = parse(v2([0.5, "r", "wide"], [1.0, "r", "0x10"], [1.5, "r", "90x30"]))
    assert [e.data for e in rec.events] == ["90x30"]
    assert [p.line for p in rec.problems] == [2, 3]
    assert all("COLSxROWS" in p.message for p in rec.problems)


def test_unknown_codes_are_kept_without_a_problem() -> None:
    rec = parse(v2([0.5, "z", "future"], [1.0, "o", "x"]))
    assert [e.code for e in rec.events] == ["z", "o"]
    assert rec.problems == ()


def test_output_bytes_counts_utf8() -> None:
    rec = parse(v2([0.1, "o", "編集✅"], [0.2, "i", "ignored"]))
    assert rec.output_bytes == len("編集✅".encode())


def test_raw_line_separators_inside_json_strings_do_not_split_lines(tmp_path: Path) -> None:
    text = json.dumps({"version": 2, "width": 80, "height": 24}) + "\n"
    text += '[0.1, "o", "a\u2028b\u0085c"]\n[0.2, "o", "e"]\n'
    rec = load_cast(write(tmp_path, text))
    assert [e.data for e in rec.events] == ["a\u2028b\u0085c", "e"]
    assert rec.problems == ()


# --- idle time limit ----------------------------------------------------------------------


def test_header_idle_time_limit_compresses_every_gap() -> None:
    rec = parse(v2([5.0, "o", "a"], [5.5, "o", "b"], [65.5, "o", "c"], header={"idle_time_limit": 2}))
    assert times(rec) == pytest.approx([2.0, 2.5, 4.5])
    assert rec.idle_time_limit == 2.0
    assert rec.duration == pytest.approx(4.5)


def test_v3_idle_time_limit() -> None:
    rec = parse(v3([5.0, "o", "a"], [0.5, "o", "b"], [60.0, "o", "c"], header={"idle_time_limit": 1.5}))
    assert times(rec) == pytest.approx([1.5, 2.0, 3.5])


def test_idle_time_limit_argument_overrides_the_header() -> None:
    text = v2([5.0, "o", "a"], [65.0, "o", "b"], header={"idle_time_limit": 2})
    assert times(parse(text, idle_time_limit=10)) == pytest.approx([5.0, 15.0])
    assert times(parse(text, idle_time_limit=0.5)) == pytest.approx([0.5, 1.0])


@pytest.mark.parametrize("off", [0, -1, math.inf])
def test_idle_time_limit_off(off: float) -> None:
    rec = parse(v2([5.0, "o", "a"], [65.0, "o", "b"], header={"idle_time_limit": 2}), idle_time_limit=off)
    assert times(rec) == [5.0, 65.0]
    assert rec.idle_time_limit is None


def test_no_limit_in_header_keeps_gaps() -> None:
    assert times(parse(v2([5.0, "o", "a"], [65.0, "o", "b"]))) == [5.0, 65.0]


# --- problems -----------------------------------------------------------------------------


def test_malformed_lines_become_problems_with_line_numbers_and_the_rest_plays() -> None:
    text = v2(
        [0.1, "o", "a"],  # line 2
        "not json",  # line 3
        {"t": 1},  # line 4
        [-1, "o", "neg"],  # line 5
        [0.2, 5, "x"],  # line 6
        [0.3, "o", 7],  # line 7
        [True, "o", "bool"],  # line 8
        "",  # line 9: blank, ignored
        [0.4, "o", "b"],  # line 10
    )
    rec = parse(text)
    assert [e.data for e in rec.events] == ["a", "b"]
    assert [p.line for p in rec.problems] == [3, 4, 5, 6, 7, 8]
    assert all(p.file == "rec.cast" for p in rec.problems)
    assert "not valid JSON" in rec.problems[0].message


def test_truncated_last_line_is_dropped_with_a_problem(tmp_path: Path) -> None:
    text = v2([0.1, "o", "a"], [0.2, "o", "b"]) + '[0.3, "o", "unfini'
    rec = load_cast(write(tmp_path, text))
    assert [e.data for e in rec.events] == ["a", "b"]
    assert rec.problems == (Problem(str(tmp_path / "rec.cast"), 4, "truncated last line dropped"),)


def test_last_line_without_newline_but_complete_is_kept(tmp_path: Path) -> None:
    text = v2([0.1, "o", "a"]) + '[0.2, "o", "b"]'
    rec = load_cast(write(tmp_path, text))
    assert [e.data for e in rec.events] == ["a", "b"]
    assert rec.problems == ()


def test_crlf_line_endings(tmp_path: Path) -> None:
    rec = load_cast(write(tmp_path, v2([0.1, "o", "a"], [0.2, "o", "b"]).replace("\n", "\r\n")))
    assert [e.data for e in rec.events] == ["a", "b"]
    assert rec.problems == ()


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "empty"),
        ("\n\n  \n", "empty"),
        ('{not json\n[0.1, "o", "a"]\n', "JSON"),
        ('[0.1, "o", "a"]\n', "not a JSON object"),
        ('{"version": 2, "width": 80}\n', "width and height"),
        ('{"version": 2, "width": 0, "height": 24}\n', "width and height"),
        ('{"version": 3, "term": {"cols": 80}}\n', "term.cols"),
        ('{"version": 7, "width": 80, "height": 24}\n', "version 7"),
        ('{"version": 1, "width": 80, "height": 24}\n', "stdout"),
    ],
)
def test_bad_header_raises_cast_error_naming_the_file(tmp_path: Path, text: str, needle: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CastError) as info:
        load_cast(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert needle in message
    assert "\n" not in message


def test_missing_and_unreadable_files_raise_cast_error(tmp_path: Path) -> None:
    with pytest.raises(CastError, match=r"^.*nope\.cast: cannot read"):
        load_cast(tmp_path / "nope.cast")
    with pytest.raises(CastError, match="cannot read"):
        load_cast(tmp_path)  # a directory
    broken = tmp_path / "broken.cast.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(CastError, match=r"broken\.cast\.gz: cannot read"):
        load_cast(broken)


# --- files --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["rec.cast.gz", "rec.cast"])
def test_gzip_detected_by_magic_bytes(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(gzip.compress(v2([0.1, "o", "zipped"]).encode()))
    rec = load_cast(path)
    assert [e.data for e in rec.events] == ["zipped"]


def test_never_opens_for_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, v2([0.1, "o", "a"]))
    gz = tmp_path / "rec.cast.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    modes: list[str] = []
    real_open = io.open

    def spy(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        modes.append(mode)
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(io, "open", spy)
    load_cast(path)
    load_cast(gz)
    assert modes and all(set(mode) <= set("rbt") for mode in modes)


def test_a_recording_written_by_real_asciinema(tmp_path: Path) -> None:
    exe = shutil.which("asciinema") or shutil.which("asciinema", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("asciinema is not installed")
    out = tmp_path / "real.cast"
    env = {**os.environ, "TERM": "xterm-256color", "ASCIINEMA_CONFIG_HOME": str(tmp_path / "cfg")}
    subprocess.run(
        [
            exe,
            "rec",
            "-q",
            "--overwrite",
            "--cols",
            "50",
            "--rows",
            "12",
            "-c",
            r"printf 'hello \033[1;31mred\033[0m 編集\r\nline two\r\n'",
            str(out),
        ],
        check=True,
        env=env,
        timeout=60,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )
    rec = load_cast(out)
    assert (rec.version, rec.cols, rec.rows) == (2, 50, 12)
    assert rec.problems == ()
    output = "".join(e.data for e in rec.events if e.code == "o")
    assert "hello \x1b[1;31mred\x1b[0m 編集" in output
    assert times(rec) == sorted(times(rec))
    assert rec.output_bytes == len(output.encode())
