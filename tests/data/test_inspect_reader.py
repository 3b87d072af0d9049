"""The Inspect AI reader on logs made by inspect_ai itself (tests/fixtures/harness/make_inspect.py)."""

from __future__ import annotations

import shutil
import zipfile
from collections import Counter
from pathlib import Path

import orjson
import pytest
import zstandard

from cabtui.data.results import load, load_artifacts, open_record
from cabtui.data.results.readers.inspect_cells import score_value
from cabtui.data.results.readers.inspect_log import LogError, read_head, read_sample
from cabtui.data.results.readers.zip_members import MemberError, list_members, read_member

LOGS = Path(__file__).resolve().parents[1] / "fixtures" / "harness" / "inspect-logs"


def _logs(task: str) -> list[Path]:
    return sorted(LOGS.glob(f"*_{task}_*.eval"))


def _sweeps() -> dict[str, list]:  # type: ignore[type-arg]
    results = load(LOGS)
    assert results.problems == []
    return {s.sweep_id: s.cells for s in results.sweeps}


def test_a_log_folder_is_a_sweep_and_its_subfolder_another() -> None:
    sweeps = _sweeps()
    assert set(sweeps) == {"inspect-logs", "inspect-logs/json"}
    assert len(sweeps["inspect-logs"]) == 40 and len(sweeps["inspect-logs/json"]) == 4


def test_counts_per_solver_and_model() -> None:
    cells = _sweeps()["inspect-logs"]
    counts = Counter((c.tui, c.model) for c in cells)
    assert counts == {
        ("generate", "mockllm/alpha"): 12,  # arith 4 samples + spell 2, two epochs each
        ("generate", "mockllm/beta"): 12,
        ("use_tools+generate", "mockllm/alpha"): 8,  # the plan's steps joined by +
        ("use_tools+generate", "mockllm/beta"): 8,
    }
    passed = Counter((c.tui, c.model) for c in cells if c.passed)
    assert passed == {
        ("generate", "mockllm/alpha"): 8,  # 100+1 wrong twice, boom errored twice
        ("generate", "mockllm/beta"): 6,  # 17+25 and "inspect" wrong, boom errored
        ("use_tools+generate", "mockllm/alpha"): 6,  # the tool adds right; boom errored
        ("use_tools+generate", "mockllm/beta"): 6,
    }


def test_task_is_task_and_sample_id_and_run_is_the_epoch() -> None:
    cells = _sweeps()["inspect-logs"]
    tasks = {c.task for c in cells}
    assert tasks == {"arith/sum-1", "arith/sum-2", "arith/3", "arith/boom", "spell/w1", "spell/w2"}
    assert {c.category for c in cells} == {"arith", "spell"}
    runs = Counter(c.run for c in cells)
    assert runs == {1: 20, 2: 20}
    one = next(c for c in cells if c.task == "arith/sum-1" and c.run == 2 and c.tui == "generate")
    assert one.cell_id == "inspect-logs/generate/mockllm/alpha/arith/sum-1#run2"


def test_letter_and_numeric_scores_map_to_pass() -> None:
    assert [score_value(v) for v in ("C", "I", "P", "N", 1, 0.5, True, "0.25", "x", None)] == [
        1.0,
        0.0,
        0.5,
        0.0,
        1.0,
        0.5,
        1.0,
        0.25,
        None,
        None,
    ]
    cells = _sweeps()["inspect-logs"]
    partial = next(c for c in cells if c.task == "spell/w2" and c.model == "mockllm/beta")
    assert partial.headline("pass_rate") == pytest.approx(0.857) and not partial.passed  # shown as such


def test_an_errored_sample_is_a_failed_cell_with_its_error() -> None:
    cells = _sweeps()["inspect-logs"]
    boom = [c for c in cells if c.task == "arith/boom"]
    assert len(boom) == 8 and all(c.outcome == "error" and not c.passed for c in boom)
    opened = open_record(boom[0])
    assert opened.cell is not None and opened.problems == ()
    cell = opened.cell
    assert cell.status == "error"
    assert cell.status_detail == "RuntimeError('mock provider: connection reset while generating')"
    harness = (cell.model_extra or {})["harness"]
    assert harness["harness"] == "inspect" and harness["error"] == cell.status_detail
    assert "RuntimeError: mock provider: connection reset" in harness["error_traceback"]
    assert harness["reproduce"].splitlines()[1] == (
        "inspect eval tests/fixtures/harness/make_inspect.py@arith --model mockllm/alpha --sample-id boom --epochs 1"
    )


def test_validate_finds_no_problem_in_errored_samples() -> None:
    assert load(LOGS, full=True).problems == []


def test_events_become_spans_and_model_calls() -> None:
    cells = _sweeps()["inspect-logs"]
    row = next(c for c in cells if c.tui == "use_tools+generate" and c.task == "arith/sum-1" and c.run == 1)
    cell = open_record(row).cell
    assert cell is not None
    arts = load_artifacts(cell, row.source)
    assert arts.problems == () and arts.recording is None
    kinds = Counter(s.kind for s in arts.spans)
    assert kinds == {
        "init": 1,
        "solvers": 1,
        "solver": 2,
        "model_call": 2,
        "tool_call": 1,
        "tool": 1,
        "sandbox": 2,
        "scorers": 1,
        "scorer": 1,
        "score": 1,
    }
    by_id = {s.span_id: s for s in arts.spans}
    tool = next(s for s in arts.spans if s.kind == "tool")
    assert by_id[tool.parent_id or ""].kind == "tool_call"  # the tool's own span under the event that ran it
    sandbox = next(s for s in arts.spans if s.kind == "sandbox" and s.parent_id == tool.span_id)
    assert sandbox.name == "exec sh -c 'echo $((2 + 2))'"
    score = next(s for s in arts.spans if s.kind == "score")
    assert score.name == "score match: C"
    assert all(s.start_ms >= 0 for s in arts.spans)
    first, second = arts.calls
    assert (first.prompt_tokens, first.completion_tokens, first.finish_reason) == (27, 25, "tool_calls")
    assert first.prompt == "user: What is 2+2?"
    assert second.prompt is not None and second.prompt.endswith("tool: 4") and second.completion == "4"
    assert 0 <= first.start_ms < second.start_ms  # type: ignore[operator]


def test_an_errored_model_call_is_a_span_error() -> None:
    cells = _sweeps()["inspect-logs"]
    row = next(c for c in cells if c.task == "arith/boom" and c.tui == "generate")
    cell = open_record(row).cell
    assert cell is not None
    arts = load_artifacts(cell, row.source)
    errors = [s for s in arts.spans if s.error is not None]
    assert {s.kind for s in errors} == {"model_call", "error"}
    assert all("connection reset" in (s.error.message if s.error else "") for s in errors)


def test_a_json_log_reads_as_the_eval_does() -> None:
    cells = _sweeps()["inspect-logs/json"]
    assert {(c.tui, c.model, c.task, c.run) for c in cells} == {
        ("generate", "mockllm/alpha", f"spell/w{i}", e) for i in (1, 2) for e in (1, 2)
    }
    cell = open_record(cells[0]).cell
    assert cell is not None
    arts = load_artifacts(cell, cells[0].source)
    assert [s.kind for s in arts.spans if s.kind == "model_call"] == ["model_call"]


def test_the_grid_reads_no_sample_body(monkeypatch: pytest.MonkeyPatch) -> None:
    from cabtui.data.results.readers import inspect_log

    read: list[str] = []
    real = inspect_log.read_member

    def counting(path: Path, member: object, limit: int) -> bytes:
        read.append(member.name)  # type: ignore[attr-defined]
        return real(path, member, limit)  # type: ignore[arg-type]

    monkeypatch.setattr(inspect_log, "read_member", counting)
    results = load(LOGS)
    assert sum(len(s.cells) for s in results.sweeps) == 44
    assert read and not any(name.startswith("samples/") for name in read)
    assert set(read) == {"header.json", "summaries.json"}


# -- bad input ------------------------------------------------------------------------------


def _rewrite(source: Path, target: Path, change: dict[str, bytes | None], method: int = zipfile.ZIP_STORED) -> Path:
    """A copy of a .eval with some members replaced (None: left out), written with `method`."""
    members = list_members(source)
    with zipfile.ZipFile(target, "w", compression=method) as out:
        for name, member in members.items():
            data = change.get(name, read_member(source, member, 1 << 30))
            if data is not None:
                out.writestr(name, data)
        for name, data in change.items():
            if name not in members and data is not None:
                out.writestr(name, data)
    return target


def test_an_older_deflated_log_reads_too(tmp_path: Path) -> None:
    copy = _rewrite(_logs("arith")[0], tmp_path / "old.eval", {}, zipfile.ZIP_DEFLATED)
    head = read_head(copy)
    assert len(head.summaries) == 8 and head.notes == []
    assert read_sample(copy, "sum-1", 1, head.directory)["id"] == "sum-1"


def test_a_zip_bomb_member_is_refused_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = zstandard.ZstdCompressor().compress(b"[" + b" " * (40 << 20) + b"]")
    assert len(bomb) < 10_000
    copy = tmp_path / "bomb.eval"
    with zipfile.ZipFile(copy, "w") as out:  # a zstd member in a zip, as inspect writes them
        info = zipfile.ZipInfo("summaries.json")
        out.writestr(info, bomb)
    members = list_members(copy)
    member = members["summaries.json"]
    object.__setattr__(member, "method", 93)
    with pytest.raises(MemberError, match="decompresses past 1,048,576 bytes"):
        read_member(copy, member, 1 << 20)


def test_truncated_and_broken_logs_are_problems(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    good = _logs("spell")[0]
    (folder / "truncated.eval").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    _rewrite(good, folder / "bad-summaries.eval", {"summaries.json": b'[{"id": "w1", "epoch": 1}, oops'})
    _rewrite(
        good, folder / "odd-summary.eval", {"summaries.json": orjson.dumps([{"epoch": 1}, {"id": "x", "epoch": 0}])}
    )
    shutil.copy(good, folder / "fine.eval")
    results = load(folder)
    said = sorted(str(p) for p in results.problems)
    assert said[0].startswith(f"{folder / 'bad-summaries.eval'}: summaries.json: not JSON: unexpected character")
    assert said[1:] == [
        f"{folder / 'odd-summary.eval'}: summaries.json: a sample summary without an id; skipped",
        f"{folder / 'odd-summary.eval'}: summaries.json: sample 'x': epoch 0 is no epoch (from 1); skipped",
        f"{folder / 'truncated.eval'}: not a readable zip: no end of central directory (truncated?)",
    ]
    assert sum(len(s.cells) for s in results.sweeps) == 4  # fine.eval still opens


def test_a_running_log_shows_what_its_journal_has(tmp_path: Path) -> None:
    source = _logs("arith")[0]
    members = list_members(source)
    dropped: dict[str, bytes | None] = {"header.json": None, "summaries.json": None, "reductions.json": None}
    dropped |= {n: None for n in members if n.startswith("samples/") and n.endswith("_epoch_2.json")}
    dropped |= {"_journal/summaries/3.json": None, "_journal/summaries/4.json": None}
    running = _rewrite(source, tmp_path / "running.eval", dropped)
    head = read_head(running)
    assert head.running and head.notes == []
    assert [(s.id, s.epoch) for s in head.summaries] == [("sum-1", 1), ("sum-2", 1), (3, 1), ("boom", 1)]
    results = load(running)
    assert results.problems == [] and len(results.sweeps[0].cells) == 4


def test_a_sample_gone_from_the_log_is_a_problem_on_the_page(tmp_path: Path) -> None:
    copy = tmp_path / "logs" / "a.eval"
    copy.parent.mkdir()
    shutil.copy(_logs("spell")[0], copy)
    row = load(copy.parent).sweeps[0].cells[0]
    _rewrite(_logs("spell")[0], tmp_path / "b.eval", {"samples/w1_epoch_1.json": None})
    shutil.copy(tmp_path / "b.eval", copy)
    opened = open_record(row)
    assert opened.cell is None
    assert str(opened.problems[0]).startswith(f"{copy}:1: samples/w1_epoch_1.json: not in the log")


def test_not_an_inspect_log(tmp_path: Path) -> None:
    (tmp_path / "x.eval").write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip
    with pytest.raises(LogError, match="no header.json and no _journal/start.json"):
        read_head(tmp_path / "x.eval")


def test_the_fast_rows_agree_with_the_records() -> None:
    """The grid's rows (RowMaker, from the summaries decoded to what the grid reads) say what
    the full records (from each sample's body, as opening the cell reads it) say, field by field."""
    from msgspec.structs import astuple

    from cabtui.data.results.head import CELL_HEAD
    from cabtui.data.results.index import CellRow, Source
    from cabtui.data.results.readers.inspect_cells import RowMaker, sample_record

    checked = 0
    for log in sorted(LOGS.rglob("*.eval")) + sorted(LOGS.rglob("*.json")):
        head = read_head(log)
        source = Source(path=log, folder=log.parent, sweep_id="s", format="inspect")
        make = RowMaker(head, "s", source)
        for line, summary in enumerate(head.summaries, 1):
            record = sample_record(head, read_sample(log, summary.id, summary.epoch), "s")
            extra = {k: v for k, v in record["scores"].items() if k.startswith("score.")} or None
            slow = CellRow.from_head(CELL_HEAD.validate_python(record), "s", source, line, 0, extra)
            assert astuple(make.row(line, summary)) == astuple(slow)
            checked += 1
    assert checked == 44


def test_a_broken_zip64_extra_field_is_a_problem_of_that_log(tmp_path: Path) -> None:
    """A central directory entry whose zip64 extra field says 16 bytes and holds 4: the log
    is a `FILE: member: message` problem, the other logs open."""
    folder = tmp_path / "logs"
    folder.mkdir()
    good = _logs("spell")[0]
    members = list_members(good)
    with zipfile.ZipFile(folder / "broken-extra.eval", "w") as out:
        for name, member in members.items():
            info = zipfile.ZipInfo(name)
            if name == "header.json":
                info.extra = b"\x01\x00\x10\x00\x00\x00\x00\x00"
            out.writestr(info, read_member(good, member, 1 << 30))
    shutil.copy(good, folder / "fine.eval")
    results = load(folder)
    assert [str(p) for p in results.problems] == [
        f"{folder / 'broken-extra.eval'}: not a readable zip: header.json: a zip64 extra field cut short"
    ]
    assert sum(len(s.cells) for s in results.sweeps) == 4


def test_a_journal_member_numbered_past_any_int_is_read_in_order_not_a_crash(tmp_path: Path) -> None:
    """`_journal/summaries/<5,000 digits>.json`: Python refuses to make an int of it; the
    member is ordered last by its number's length and read like the others."""
    source = _logs("arith")[0]
    members = list_members(source)
    dropped: dict[str, bytes | None] = {"header.json": None, "summaries.json": None, "reductions.json": None}
    dropped |= {n: None for n in members if n.startswith("samples/") and n.endswith("_epoch_2.json")}
    dropped |= {"_journal/summaries/3.json": None, "_journal/summaries/4.json": None}
    first = read_member(source, members["_journal/summaries/1.json"], 1 << 20)
    dropped[f"_journal/summaries/{'9' * 5000}.json"] = first
    running = _rewrite(source, tmp_path / "running.eval", dropped)
    head = read_head(running)
    assert [(s.id, s.epoch) for s in head.summaries] == [("sum-1", 1), ("sum-2", 1), (3, 1), ("boom", 1)]
    assert len(load(running).sweeps[0].cells) == 4
