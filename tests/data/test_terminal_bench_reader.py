"""The Terminal-Bench reader on runs made with terminal-bench's own models (make_terminal_bench.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cabtui.data.results import load, load_artifacts, open_record
from cabtui.data.results.discovery import find_sources
from cabtui.data.term.asciicast import load_cast

from .harness_helpers import HARBOR_JOBS, TB_RUNS, cells, copy_of, find, jobs, per_group

SONNET = ("terminus-2", "anthropic/claude-sonnet-4-5")
GPT = ("terminus-2", "openai/gpt-5")


def task_trials(run: Path, task: str) -> list[Path]:
    return sorted(p for p in (run / task).iterdir() if p.is_dir())


def test_the_runs_folder_is_one_sweep_one_row_per_run() -> None:
    results = load(TB_RUNS)
    assert [s.sweep_id for s in results.sweeps] == ["runs"]
    assert results.problems == []
    assert per_group(results) == {SONNET: 6, GPT: 3}
    assert {s.format for s in find_sources(TB_RUNS).sources} == {"terminal-bench"}


def test_resolved_unresolved_timeout_and_parse_error_map_to_outcomes() -> None:
    results = load(TB_RUNS)
    rows = {(r.model, r.task, r.run): r.outcome for r in cells(results)}
    assert rows == {
        ("anthropic/claude-sonnet-4-5", "hello-world", 1): "pass",
        ("anthropic/claude-sonnet-4-5", "hello-world", 2): "fail",
        ("anthropic/claude-sonnet-4-5", "fix-permissions", 1): "timed_out",  # failure_mode agent_timeout
        ("anthropic/claude-sonnet-4-5", "fix-permissions", 2): "pass",
        ("anthropic/claude-sonnet-4-5", "csv-to-parquet", 1): "error",  # parse_error: is_resolved null
        ("anthropic/claude-sonnet-4-5", "csv-to-parquet", 2): "pass",
        ("openai/gpt-5", "hello-world", 1): "pass",
        ("openai/gpt-5", "fix-permissions", 1): "pass",
        ("openai/gpt-5", "csv-to-parquet", 1): "fail",
    }
    timed = next(r for r in cells(results) if r.outcome == "timed_out")
    assert timed.headline("pass_rate") == 0.0 and timed.total_tokens == 9700


def test_an_opened_trial_has_the_tests_screen_parser_results_and_episodes_on_the_recording() -> None:
    results = load(TB_RUNS)
    row = next(r for r in cells(results) if r.outcome == "timed_out")
    cell = open_record(row).cell
    assert cell is not None and cell.status_detail == "failure_mode: agent_timeout"
    assert cell.scores.pass_rate is not None
    assert (cell.scores.pass_rate.model_extra or {})["parser_results"] == {"test_script_runs": "failed"}
    assert "test_script_runs FAILED" in (cell.scores.pass_rate.stdout_tail or "")
    harness = (cell.model_extra or {})["harness"]
    assert harness["tests_recording"] == "sessions/tests.cast"
    assert "['ls -l run.sh', 'Enter']" in harness["commands"]
    assert harness["reproduce"].endswith(
        "tb run -d terminal-bench-core==0.1.1 -t fix-permissions -a terminus-2 -m anthropic/claude-sonnet-4-5"
    )
    arts = load_artifacts(cell, row.source)
    assert arts.problems == ()
    assert arts.recording == row.source.folder / "sessions" / "agent.cast"
    by_kind = {s.span_id: s for s in arts.spans}
    assert by_kind["agent"].error is not None and by_kind["agent"].error.message == "agent_timeout"
    episodes = [s for s in arts.spans if s.kind == "episode"]
    assert [s.name for s in episodes] == ["Episode 0: 1 commands", "Episode 1: 1 commands"]
    markers = load_cast(arts.recording).markers
    assert len(markers) == 2
    offset = arts.recording_offset_ms or 0.0
    assert episodes[0].start_ms == pytest.approx(markers[0][0] * 1000 + offset)
    assert offset == pytest.approx(by_kind["agent"].start_ms)


def test_validate_passes_and_a_run_or_a_trial_opens_alone() -> None:
    assert load(TB_RUNS, full=True).problems == []
    run = jobs(TB_RUNS)[1]
    alone = load(run)
    assert [s.sweep_id for s in alone.sweeps] == [run.name] and per_group(alone) == {GPT: 3}
    trial = task_trials(run, "hello-world")[0]
    one = load(trial)
    assert [(r.tui, r.model, r.task) for r in cells(one)] == [("terminus-2", "openai/gpt-5", "hello-world")]


def test_harbor_and_terminal_bench_and_a_cells_sweep_in_one_root_are_told_apart(tmp_path: Path) -> None:
    copy_of(HARBOR_JOBS, tmp_path / "root")
    copy_of(TB_RUNS, tmp_path / "root")
    sources = find_sources(tmp_path / "root").sources
    assert sorted((s.format, s.folder_name) for s in sources) == [("harbor", "jobs"), ("terminal-bench", "runs")]
    assert len(cells(load(tmp_path / "root"))) == 11 + 9


def test_broken_files_are_problems_and_the_rest_opens(tmp_path: Path) -> None:
    copy = copy_of(TB_RUNS, tmp_path)
    run = jobs(copy)[0]
    (run / "run_metadata.json").write_text('{"agent_name": "terminus-2", ')
    bad = task_trials(run, "hello-world")[0]
    (bad / "results.json").write_text('{"trial_name": "x"')
    odd = task_trials(run, "csv-to-parquet")[0]
    data = json.loads((odd / "results.json").read_text())
    data["trial_started_at"] = 12
    data["is_resolved"] = "yes"
    (odd / "results.json").write_text(json.dumps(data))
    (task_trials(run, "fix-permissions")[0] / "sessions" / "agent.cast").write_text("not a recording\n")
    results = load(copy)
    said = [str(p) for p in results.problems]
    assert any(s.startswith(f"{run / 'run_metadata.json'}:1: not JSON") for s in said)
    assert any(s.startswith(f"{bad / 'results.json'}:1: not JSON") and "truncated?" in s for s in said)
    assert len(cells(results)) == 9 - 1
    unknown = [r for r in cells(results) if r.tui == "unknown"]
    assert len(unknown) == 5  # the run whose metadata is broken: its agent and model are not known
    odd_row = next(r for r in cells(results) if r.source.folder == odd)
    assert odd_row.outcome == "error" and odd_row.started_at is None
    for row in cells(results):  # every cell still opens
        cell = open_record(row).cell
        assert cell is not None
        load_artifacts(cell, row.source)
    full = [p.message for p in load(copy, full=True).problems]
    assert "trial_started_at: not a time" in full
    assert "is_resolved: not true, false or null" in full
    assert find(results, "unknown", "fix-permissions").outcome in {"timed_out", "pass"}


def test_a_fifo_named_results_json_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    import os

    copy = copy_of(TB_RUNS, tmp_path)
    trial = next(copy.glob("*/*/*/results.json")).parent
    (trial / "results.json").unlink()
    os.mkfifo(trial / "results.json")
    results = load(copy)
    assert f"{trial / 'results.json'}: cannot read: not a regular file" in [str(p) for p in results.problems]
    assert all(r.source.folder != trial for r in cells(results)) and cells(results)
