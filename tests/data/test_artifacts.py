"""A cell's artifacts: inline, sidecar, conventional paths, missing and broken files, and paths kept inside."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cabtui.data.results.artifacts import conventional_folder, load_artifacts, resolve_inside
from cabtui.data.results.index import Source
from cabtui.data.results.loader import load, read_cell
from cabtui.data.results.models import Cell

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "public"
PUBLIC = FIXTURES / "public-cells.jsonl"

RUST = "polyglot/rust-lifetime-fix"
MODEL = "meta/llama-3.3-70b-instruct"
CONVENTIONAL = f"cells/opencode/{MODEL}/{RUST}"

SPAN_LINES = [
    {
        "span_id": "root",
        "parent_id": None,
        "kind": "adapter_run",
        "name": "run",
        "start_ms": 0.0,
        "duration_ms": 3994.0,
    },
    {
        "span_id": "c189",
        "parent_id": "root",
        "kind": "container",
        "name": "opencode-run:polyglot/rust-lifetime-fix",
        "start_ms": 0.4,
        "duration_ms": 3994.0,
        "attrs": {"image": "codingagentbench/opencode:v1.15.10", "exit_code": 0, "timed_out": False},
        "error": None,
    },
    {
        "span_id": "t1",
        "parent_id": "c189",
        "kind": "tool_call",
        "name": "edit",
        "start_ms": 10,
        "duration_ms": 5,
        "error": {"message": "permission denied", "type": "OSError"},
    },
]
CALL_LINES = [
    {
        "index": 1,
        "ts": "2026-06-17T06:24:21.0Z",
        "start_ms": 1500.0,
        "prompt_tokens": 200,
        "completion_tokens": 20,
        "latency_ms": 300.0,
        "finish_reason": "stop",
    },
    {
        "index": 0,
        "ts": "2026-06-17T06:24:20.102Z",
        "start_ms": 261.5,
        "request_hash": "sha256:9f2c",
        "prompt_tokens": 1100,
        "completion_tokens": 304,
        "latency_ms": 812.4,
        "finish_reason": "stop",
        "prompt": "fix the lifetimes",
        "completion": "done",
    },
]


def rust_record() -> dict[str, Any]:
    for line in PUBLIC.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["task"] == RUST and record["tui"] == "opencode":
            return record
    raise AssertionError("fixture changed")


def jsonl(path: Path, records: list[Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return path


def source_for(sweep: Path) -> Source:
    sweep.mkdir(parents=True, exist_ok=True)
    return Source(path=sweep / "cells.jsonl", folder=sweep)


def cell(**over: Any) -> Cell:
    record = rust_record()
    record.update(over)
    return Cell.model_validate(record)


# --- inline --------------------------------------------------------------------------------------


def test_inline_spans_and_calls(tmp_path: Path) -> None:
    got = load_artifacts(cell(spans=SPAN_LINES, model_calls=CALL_LINES), source_for(tmp_path / "s"))
    assert [s.span_id for s in got.spans] == ["root", "c189", "t1"]
    assert got.spans[1].attrs == {"image": "codingagentbench/opencode:v1.15.10", "exit_code": 0, "timed_out": False}
    assert got.spans[1].end_ms == pytest.approx(3994.4)
    assert got.spans[2].error is not None and got.spans[2].error.message == "permission denied"
    assert [c.index for c in got.calls] == [0, 1]  # sorted by index
    assert got.calls[0].prompt_tokens == 1100 and got.calls[0].prompt == "fix the lifetimes"
    assert (got.trace_note, got.calls_note) == (None, None)
    assert got.recording is None and got.recording_note == "not recorded"
    assert got.problems == ()


def test_inline_wins_over_sidecar_files(tmp_path: Path) -> None:
    sweep = tmp_path / "s"
    jsonl(sweep / CONVENTIONAL / "trace.jsonl", [{"span_id": "from-file", "start_ms": 0}])
    got = load_artifacts(cell(spans=SPAN_LINES[:1]), source_for(sweep))
    assert [s.span_id for s in got.spans] == ["root"]


def test_empty_inline_lists_say_empty(tmp_path: Path) -> None:
    got = load_artifacts(cell(spans=[], model_calls=[]), source_for(tmp_path / "s"))
    assert got.spans == () and got.calls == ()
    assert (got.trace_note, got.calls_note) == ("empty", "empty")


def test_odd_span_trees_are_problems_and_every_span_stays(tmp_path: Path) -> None:
    sweep = tmp_path / "s"
    odd = [
        *SPAN_LINES,
        {"span_id": "t1", "start_ms": 20},
        {"span_id": "lost", "parent_id": "gone", "start_ms": 30},
        {"span_id": "a", "parent_id": "b", "start_ms": 1},
        {"span_id": "b", "parent_id": "a", "start_ms": 2},
    ]
    trace = jsonl(sweep / CONVENTIONAL / "trace.jsonl", odd)
    got = load_artifacts(cell(), source_for(sweep))
    assert len(got.spans) == 7
    assert [(p.file, p.line, p.message) for p in got.problems] == [
        (str(trace), 0, "span 't1': duplicate id; kept the first"),
        (str(trace), 0, "span 'lost': parent 'gone' not in the trace; shown at the top level"),
        (str(trace), 0, "span 'a': in a parent cycle; shown at the top level"),
        (str(trace), 0, "span 'b': in a parent cycle; shown at the top level"),
    ]
    inline = load_artifacts(cell(spans=odd[3:5]), source_for(sweep))
    assert [str(p) for p in inline.problems] == [
        f"{sweep / 'cells.jsonl'}: {inline_id()}: the record's span 'lost': parent 'gone' not in the trace;"
        " shown at the top level"
    ]


def inline_id() -> str:
    return cell().cell_id


# --- sidecar files named in the record -----------------------------------------------------------


def test_sidecar_files_named_by_artifacts(tmp_path: Path) -> None:
    sweep = tmp_path / "s"
    jsonl(sweep / "elsewhere" / "t.jsonl", SPAN_LINES)
    jsonl(sweep / "elsewhere" / "calls.jsonl", CALL_LINES)
    (sweep / "elsewhere" / "rec.cast").write_text('{"version": 2, "width": 80, "height": 24}\n')
    c = cell(
        artifacts={
            "trace": "elsewhere/t.jsonl",
            "model_calls": "elsewhere/calls.jsonl",
            "recording": "elsewhere/rec.cast",
            "recording_offset_ms": 2,
        }
    )
    got = load_artifacts(c, source_for(sweep))
    assert [s.kind for s in got.spans] == ["adapter_run", "container", "tool_call"]
    assert [c.latency_ms for c in got.calls] == [812.4, 300.0]
    assert got.recording == (sweep / "elsewhere" / "rec.cast").resolve()
    assert got.recording_offset_ms == 2.0
    assert (got.trace_note, got.calls_note, got.recording_note) == (None, None, None)


def test_named_files_that_are_missing_say_so(tmp_path: Path) -> None:
    c = cell(
        artifacts={
            "trace": "cells/x/trace.jsonl",
            "model_calls": "cells/x/model_calls.jsonl",
            "recording": "cells/x/recording.cast",
        }
    )
    got = load_artifacts(c, source_for(tmp_path / "s"))
    assert got.trace_note == "cells/x/trace.jsonl: file not found"
    assert got.calls_note == "cells/x/model_calls.jsonl: file not found"
    assert got.recording_note == "cells/x/recording.cast: file not found"
    assert got.spans == () and got.calls == () and got.recording is None


def test_named_path_that_is_a_folder_is_not_found(tmp_path: Path) -> None:
    sweep = tmp_path / "s"
    (sweep / "cells" / "dir.jsonl").mkdir(parents=True)
    got = load_artifacts(cell(artifacts={"trace": "cells/dir.jsonl"}), source_for(sweep))
    assert got.trace_note == "cells/dir.jsonl: file not found"


def test_named_path_wins_over_conventional(tmp_path: Path) -> None:
    sweep = tmp_path / "s"
    jsonl(sweep / CONVENTIONAL / "trace.jsonl", [{"span_id": "conventional", "start_ms": 0}])
    got = load_artifacts(cell(artifacts={"trace": "nope.jsonl"}), source_for(sweep))
    assert got.spans == ()
    assert got.trace_note == "nope.jsonl: file not found"


# --- conventional paths --------------------------------------------------------------------------


def test_conventional_folder() -> None:
    assert conventional_folder(cell()) == CONVENTIONAL
    assert conventional_folder(cell(run=1)) == CONVENTIONAL
    assert conventional_folder(cell(run=2)) == f"{CONVENTIONAL}/run-2"
    assert conventional_folder(cell(cell_id="x#run4")) == f"{CONVENTIONAL}/run-4"


def test_conventional_paths_with_nested_model_and_task(tmp_path: Path) -> None:
    sweep = tmp_path / "s"
    jsonl(sweep / CONVENTIONAL / "trace.jsonl", SPAN_LINES)
    jsonl(sweep / CONVENTIONAL / "model_calls.jsonl", CALL_LINES)
    (sweep / CONVENTIONAL / "recording.cast").write_text('{"version": 2, "width": 80, "height": 24}\n')
    got = load_artifacts(cell(), source_for(sweep))
    assert len(got.spans) == 3 and len(got.calls) == 2
    assert got.recording == (sweep / CONVENTIONAL / "recording.cast").resolve()
    assert got.recording_offset_ms is None
    assert (got.trace_note, got.calls_note, got.recording_note) == (None, None, None)


def test_gzipped_recording_is_a_fallback(tmp_path: Path) -> None:
    sweep = tmp_path / "s"
    (sweep / CONVENTIONAL).mkdir(parents=True)
    (sweep / CONVENTIONAL / "recording.cast.gz").write_bytes(b"\x1f\x8b")
    got = load_artifacts(cell(), source_for(sweep))
    assert got.recording == (sweep / CONVENTIONAL / "recording.cast.gz").resolve()


def test_reruns_use_run_n_folders(tmp_path: Path) -> None:
    sweep = tmp_path / "s"
    jsonl(sweep / CONVENTIONAL / "trace.jsonl", [{"span_id": "run-1-span", "start_ms": 0}])
    jsonl(sweep / CONVENTIONAL / "run-2" / "trace.jsonl", [{"span_id": "run-2-span", "start_ms": 0}])
    jsonl(sweep / CONVENTIONAL / "run-2" / "model_calls.jsonl", [{"index": 7}])
    first = load_artifacts(cell(run=1), source_for(sweep))
    second = load_artifacts(cell(run=2), source_for(sweep))
    third = load_artifacts(cell(run=3), source_for(sweep))
    assert [s.span_id for s in first.spans] == ["run-1-span"]
    assert first.calls_note == "not recorded"
    assert [s.span_id for s in second.spans] == ["run-2-span"]
    assert [c.index for c in second.calls] == [7]
    assert third.spans == () and third.trace_note == "not recorded"


def test_nothing_on_disk_is_not_recorded(tmp_path: Path) -> None:
    got = load_artifacts(cell(), source_for(tmp_path / "s"))
    assert got.spans == () and got.calls == () and got.recording is None
    assert (got.trace_note, got.calls_note, got.recording_note) == ("not recorded",) * 3
    assert got.problems == ()


def test_empty_trace_file_says_empty(tmp_path: Path) -> None:
    sweep = tmp_path / "s"
    jsonl(sweep / CONVENTIONAL / "trace.jsonl", [])
    got = load_artifacts(cell(), source_for(sweep))
    assert got.spans == () and got.trace_note == "empty"


# --- bad lines -----------------------------------------------------------------------------------


def test_bad_trace_lines_are_problems_with_line_numbers(tmp_path: Path) -> None:
    sweep = tmp_path / "s"
    trace = jsonl(
        sweep / CONVENTIONAL / "trace.jsonl",
        [
            SPAN_LINES[0],  # 1 good
            '{"span_id": "cut", "start_ms": ',  # 2 truncated
            {"span_id": "neg", "start_ms": -5},  # 3 negative start
            {"start_ms": 1},  # 4 no span_id
            "",  # 5 blank: skipped
            SPAN_LINES[1],  # 6 good
            [1, 2],  # 7 not an object
            {"span_id": "e", "start_ms": 1, "error": {"code": 3}},  # 8 error without message
            '{"span_id": "nul\x00", "start_ms": 0}',  # 9 raw NUL
            SPAN_LINES[2],  # 10 good
        ],
    )
    calls = jsonl(sweep / CONVENTIONAL / "model_calls.jsonl", [CALL_LINES[0], {"index": "first"}, "nope"])
    got = load_artifacts(cell(), source_for(sweep))
    assert [s.span_id for s in got.spans] == ["root", "c189", "t1"]
    trace_name, calls_name = str(trace.resolve()), str(calls.resolve())
    assert [(p.file, p.line) for p in got.problems] == [
        (trace_name, 2),
        (trace_name, 3),
        (trace_name, 4),
        (trace_name, 7),
        (trace_name, 8),
        (trace_name, 9),
        (calls_name, 2),
        (calls_name, 3),
    ]
    assert got.problems[0].message.startswith("not JSON")
    assert "start_ms" in got.problems[1].message
    assert "span_id" in got.problems[2].message
    assert got.problems[1].message.startswith("not a span")
    assert got.problems[6].message.startswith("not a model call")
    assert [c.index for c in got.calls] == [1]
    assert got.trace_note is None and got.calls_note is None


def test_a_trace_of_only_bad_lines_is_empty_with_problems(tmp_path: Path) -> None:
    sweep = tmp_path / "s"
    jsonl(sweep / CONVENTIONAL / "trace.jsonl", ["garbage", "more garbage"])
    got = load_artifacts(cell(), source_for(sweep))
    assert got.spans == () and got.trace_note == "empty"
    assert [p.line for p in got.problems] == [1, 2]


# --- paths that leave the sweep ------------------------------------------------------------------


def outside_file(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.jsonl"
    jsonl(secret, [{"span_id": "leaked", "start_ms": 0}])
    return secret


@pytest.mark.parametrize(
    "relative",
    [
        "../outside/secret.jsonl",
        "../../etc/passwd",
        "cells/../../outside/secret.jsonl",
        "cells/../../../../../../../../etc/passwd",
    ],
)
def test_dotdot_paths_are_refused(tmp_path: Path, relative: str) -> None:
    outside_file(tmp_path)
    sweep = tmp_path / "s"
    got = load_artifacts(
        cell(artifacts={"trace": relative, "model_calls": relative, "recording": relative}), source_for(sweep)
    )
    assert got.spans == () and got.calls == () and got.recording is None
    for note in (got.trace_note, got.calls_note, got.recording_note):
        assert note == f"{relative}: leads outside the sweep folder; refused"


@pytest.mark.parametrize("absolute", ["/etc/passwd", "OUTSIDE"])
def test_absolute_paths_are_refused(tmp_path: Path, absolute: str) -> None:
    secret = outside_file(tmp_path)
    sweep = tmp_path / "s"
    target = str(secret) if absolute == "OUTSIDE" else absolute
    got = load_artifacts(cell(artifacts={"trace": target}), source_for(sweep))
    assert got.spans == ()
    assert got.trace_note is not None and "absolute path refused" in got.trace_note
    # Even an absolute path inside the sweep is refused: artifact paths are relative.
    inside = jsonl(sweep / "t.jsonl", SPAN_LINES)
    got = load_artifacts(cell(artifacts={"trace": str(inside)}), source_for(sweep))
    assert got.spans == () and got.trace_note is not None and "absolute" in got.trace_note


def test_symlinked_file_leading_out_is_refused(tmp_path: Path) -> None:
    secret = outside_file(tmp_path)
    sweep = tmp_path / "s"
    link = sweep / CONVENTIONAL / "trace.jsonl"
    link.parent.mkdir(parents=True)
    link.symlink_to(secret)
    named = load_artifacts(cell(artifacts={"trace": f"{CONVENTIONAL}/trace.jsonl"}), source_for(sweep))
    assert named.spans == ()
    assert named.trace_note == f"{CONVENTIONAL}/trace.jsonl: leads outside the sweep folder; refused"
    conventional = load_artifacts(cell(), source_for(sweep))
    assert conventional.spans == ()
    assert conventional.trace_note == "not recorded"


def test_symlinked_folder_leading_out_is_refused(tmp_path: Path) -> None:
    secret = outside_file(tmp_path)
    jsonl(secret.parent / MODEL / RUST / "trace.jsonl", [{"span_id": "leaked", "start_ms": 0}])
    sweep = tmp_path / "s"
    (sweep / "cells").mkdir(parents=True)
    (sweep / "cells" / "opencode").symlink_to(secret.parent, target_is_directory=True)
    got = load_artifacts(cell(), source_for(sweep))
    assert got.spans == () and got.trace_note == "not recorded"
    named = load_artifacts(cell(artifacts={"trace": "cells/opencode/secret.jsonl"}), source_for(sweep))
    assert named.spans == () and named.trace_note is not None and "outside" in named.trace_note


def test_symlink_inside_the_sweep_is_followed(tmp_path: Path) -> None:
    sweep = tmp_path / "s"
    real = jsonl(sweep / "common" / "trace.jsonl", SPAN_LINES)
    link = sweep / CONVENTIONAL / "trace.jsonl"
    link.parent.mkdir(parents=True)
    link.symlink_to(real)
    got = load_artifacts(cell(), source_for(sweep))
    assert len(got.spans) == 3


@pytest.mark.parametrize("bad", ["", "a\x00b"])
def test_empty_or_nul_paths(tmp_path: Path, bad: str) -> None:
    assert resolve_inside(tmp_path, bad) == "empty or invalid path"


def test_nul_in_identity_does_not_break_conventional_lookup(tmp_path: Path) -> None:
    got = load_artifacts(cell(tui="open\x00code"), source_for(tmp_path / "s"))
    assert got.trace_note == "not recorded"


def test_identity_that_climbs_out_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "trace.jsonl"
    jsonl(secret, [{"span_id": "leaked", "start_ms": 0}])
    # cells/../../outside/<nothing>: the conventional folder leaves the sweep.
    got = load_artifacts(cell(tui="..", model="..", task="outside"), source_for(tmp_path / "s"))
    assert got.spans == () and got.trace_note == "not recorded"


def test_resolve_inside(tmp_path: Path) -> None:
    assert resolve_inside(tmp_path, "a/b.jsonl") == (tmp_path / "a" / "b.jsonl").resolve()
    assert resolve_inside(tmp_path, "a/../b.jsonl") == (tmp_path / "b.jsonl").resolve()
    assert isinstance(resolve_inside(tmp_path, "a/../../b.jsonl"), str)
    assert isinstance(resolve_inside(tmp_path, "/etc/passwd"), str)


def test_symlink_loop_is_a_note_not_a_crash(tmp_path: Path) -> None:
    sweep = tmp_path / "s"
    (sweep / "cells").mkdir(parents=True)
    (sweep / "cells" / "a").symlink_to("b")
    (sweep / "cells" / "b").symlink_to("a")
    got = load_artifacts(cell(artifacts={"trace": "cells/a"}), source_for(sweep))
    assert got.spans == () and got.trace_note is not None


def test_overlong_artifact_name_is_a_note_not_a_crash(tmp_path: Path) -> None:
    got = load_artifacts(cell(artifacts={"trace": "x" * 300}), source_for(tmp_path / "s"))
    assert got.spans == () and got.trace_note is not None


# --- from disk, through the loader ---------------------------------------------------------------


def test_artifacts_of_a_loaded_cell(tmp_path: Path) -> None:
    sweep = tmp_path / "results" / "free-20260527"
    jsonl(sweep / CONVENTIONAL / "trace.jsonl", SPAN_LINES)
    jsonl(sweep / "cells.jsonl", [rust_record()])
    results = load(tmp_path / "results")
    row = results.sweeps[0].cells[0]
    full = read_cell(row)
    assert isinstance(full, Cell)
    got = load_artifacts(full, row.source)
    assert len(got.spans) == 3
    assert got.calls_note == "not recorded"
