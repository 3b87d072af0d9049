"""The Harbor reader on jobs made with Harbor's own models (tests/fixtures/harness/make_harbor.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cabtui.data.results import load, load_artifacts, open_record
from cabtui.data.results.discovery import find_sources
from cabtui.data.results.loader import check_fully

from .harness_helpers import HARBOR_JOBS, cells, copy_of, find, jobs, outcomes, per_group, trials

OPUS = ("claude-code", "anthropic/claude-opus-4-1")
SONNET = ("terminus-2", "anthropic/claude-sonnet-4-5")


def test_the_jobs_folder_is_one_sweep_with_each_agent_and_model() -> None:
    results = load(HARBOR_JOBS)
    assert [s.sweep_id for s in results.sweeps] == ["jobs"]
    assert results.problems == []
    assert per_group(results) == {SONNET: 8, OPUS: 3}
    assert {s.format for s in find_sources(HARBOR_JOBS).sources} == {"harbor"}


def test_pass_fail_timeout_error_and_partial_rewards_map_to_outcomes() -> None:
    results = load(HARBOR_JOBS)
    assert outcomes(results, "terminus-2") == {
        ("hello-world", 1): "pass",
        ("hello-world", 2): "fail",
        ("fix-permissions", 1): "pass",
        ("fix-permissions", 2): "fail",
        ("regex-log", 1): "fail",  # reward 0.5: shown as such, not a pass
        ("regex-log", 2): "fail",
        ("build-linux-kernel", 1): "timed_out",  # AgentTimeoutError: graded, reward 0
        ("build-linux-kernel", 2): "timed_out",
    }
    assert outcomes(results, "claude-code") == {
        ("hello-world", 1): "pass",
        ("fix-permissions", 1): "error",  # RewardFileNotFoundError: no verifier_result
        ("regex-log", 1): "pass",
    }
    assert find(results, "terminus-2", "regex-log").headline("pass_rate") == 0.5
    assert find(results, "claude-code", "fix-permissions").headline("pass_rate") is None
    assert find(results, "terminus-2", "hello-world").headline("cost") == pytest.approx(0.0218)


def test_attempts_are_runs_in_start_order_and_a_lone_attempt_has_no_run_suffix() -> None:
    results = load(HARBOR_JOBS)
    first, second = find(results, "terminus-2", "hello-world", 1), find(results, "terminus-2", "hello-world", 2)
    assert first.started_at is not None and second.started_at is not None
    assert first.started_at < second.started_at
    assert first.cell_id == "jobs/terminus-2/anthropic/claude-sonnet-4-5/hello-world#run1"
    assert (
        find(results, "claude-code", "hello-world").cell_id == "jobs/claude-code/anthropic/claude-opus-4-1/hello-world"
    )


def test_an_opened_trial_has_rewards_test_output_exception_and_cost() -> None:
    results = load(HARBOR_JOBS)
    partial = open_record(find(results, "terminus-2", "regex-log")).cell
    assert partial is not None and partial.scores.pass_rate is not None
    extra = partial.scores.pass_rate.model_extra or {}
    assert extra["rewards"] == {"reward": 0.5, "dates": 1.0, "ips": 0.0}
    assert partial.scores.pass_rate.partial_score == 0.5
    assert "1 passed, 1 failed" in (partial.scores.pass_rate.stdout_tail or "")
    assert (partial.scores.model_extra or {})["cost"]["currency"] == "USD"
    timed = open_record(find(results, "terminus-2", "build-linux-kernel")).cell
    assert timed is not None and timed.status == "timed_out"
    assert (timed.status_detail or "").startswith("AgentTimeoutError: Agent execution timed out")
    harness = (timed.model_extra or {})["harness"]
    assert harness["exception_type"] == "AgentTimeoutError"
    assert "Traceback (most recent call last)" in harness["exception_traceback"]
    assert harness["reproduce"].endswith(
        "harbor run -p tasks/build-linux-kernel -a terminus-2 -m anthropic/claude-sonnet-4-5"
    )
    assert timed.usage is not None and timed.usage.prompt_tokens == 40210


def test_phases_are_spans_the_exception_on_its_phase_and_the_recording_on_the_clock() -> None:
    results = load(HARBOR_JOBS)
    row = find(results, "terminus-2", "build-linux-kernel")
    opened = open_record(row).cell
    assert opened is not None
    arts = load_artifacts(opened, row.source)
    assert arts.problems == ()
    by_id = {s.span_id: s for s in arts.spans}
    assert set(by_id) == {"trial", "environment_setup", "agent_setup", "agent_execution", "verifier"}
    assert by_id["agent_execution"].error is not None
    assert by_id["agent_execution"].error.type == "AgentTimeoutError"
    assert all(s.parent_id == "trial" for s in arts.spans if s.span_id != "trial")
    assert arts.recording == row.source.folder / "agent" / "recording.cast"
    assert arts.recording_offset_ms == pytest.approx(by_id["agent_execution"].start_ms)
    error = open_record(find(results, "claude-code", "fix-permissions")).cell
    assert error is not None and error.spans is not None
    assert next(s for s in error.spans if s.span_id == "verifier").error is not None


def test_atif_steps_become_model_call_spans_with_tool_calls_and_model_calls() -> None:
    results = load(HARBOR_JOBS)
    row = find(results, "claude-code", "hello-world")
    opened = open_record(row).cell
    assert opened is not None
    arts = load_artifacts(opened, row.source)
    steps = [s for s in arts.spans if s.kind == "model_call"]
    tools = [s for s in arts.spans if s.kind == "tool_call"]
    assert len(steps) == 2 and len(tools) == 2
    assert all(s.parent_id == "agent_execution" for s in steps)
    assert tools[0].attrs["arguments"] == {"command": "echo 'Hello, world!' > hello.txt"}
    assert [c.prompt_tokens for c in arts.calls] == [3050, 3050]
    assert arts.calls[0].prompt == "Solve the task hello-world."
    assert steps[-1].end_ms == pytest.approx(next(s for s in arts.spans if s.span_id == "agent_execution").end_ms)
    assert arts.recording is None and arts.recording_note == "not recorded"


def test_validate_passes_on_the_fixture_and_the_full_check_agrees() -> None:
    full = load(HARBOR_JOBS, full=True)
    assert full.problems == []
    assert check_fully(full.sweeps[0]) == []


def test_a_job_folder_or_a_trial_folder_opens_alone() -> None:
    first = jobs(HARBOR_JOBS)[0]
    alone = load(first)
    assert [s.sweep_id for s in alone.sweeps] == [first.name]
    assert per_group(alone) == {SONNET: 8}
    trial = trials(first, "regex-log")[0]
    one = load(trial)
    assert [r.task for r in cells(one)] == ["regex-log"]
    assert open_record(cells(one)[0]).cell is not None


def test_a_job_still_running_without_its_result_json_is_read_from_its_trials(tmp_path: Path) -> None:
    copy = copy_of(HARBOR_JOBS, tmp_path)
    for job in jobs(copy):
        (job / "result.json").unlink()
    results = load(copy)
    assert per_group(results) == {SONNET: 8, OPUS: 3}


def test_malformed_and_missing_trial_files_are_problems_and_the_rest_opens(tmp_path: Path) -> None:
    copy = copy_of(HARBOR_JOBS, tmp_path)
    job = jobs(copy)[0]
    truncated, listed, missing = (
        trials(job, "hello-world")[0],
        trials(job, "regex-log")[0],
        trials(job, "fix-permissions")[0],
    )
    text = (truncated / "result.json").read_text()
    (truncated / "result.json").write_text(text[: len(text) // 2])
    (listed / "result.json").write_text("[1, 2]\n")
    (missing / "result.json").unlink()
    results = load(copy)
    said = sorted(str(p) for p in results.problems)
    assert len(said) == 3
    assert any(s.startswith(f"{truncated / 'result.json'}:") and "not JSON" in s and "truncated?" in s for s in said)
    assert f"{listed / 'result.json'}:1: not a JSON object: list" in said
    assert f"{missing}: no result.json: a trial still running, or one that was interrupted" in said
    assert len(cells(results)) == 11 - 3


def test_an_oversize_result_json_is_refused_unread_with_a_problem(tmp_path: Path) -> None:
    from cabtui.data.results.readers.common import RECORD_LIMIT

    copy = copy_of(HARBOR_JOBS, tmp_path)
    huge = trials(jobs(copy)[0], "hello-world")[0] / "result.json"
    with huge.open("r+b") as handle:  # sparse past the cap: nothing is written to the disk
        handle.truncate(RECORD_LIMIT + 1)
    results = load(copy)
    cap = f"{RECORD_LIMIT + 1:,} bytes, more than the {RECORD_LIMIT:,} a file of this kind may be; not read"
    assert [str(p) for p in results.problems] == [f"{huge}: cannot read: {cap}"]
    assert len(cells(results)) == 11 - 1


def test_wrong_types_and_huge_values_still_give_a_cell_and_validate_says_what_is_wrong(tmp_path: Path) -> None:
    copy = copy_of(HARBOR_JOBS, tmp_path)
    trial = trials(jobs(copy)[1], "regex-log")[0]
    data = json.loads((trial / "result.json").read_text())
    data["agent_info"] = "claude-code"
    data["started_at"] = "yesterday"
    data["agent_result"]["n_input_tokens"] = 10**40
    data["verifier_result"]["rewards"] = {"reward": 1e308, "style": "good"}
    (trial / "result.json").write_text(json.dumps(data))
    results = load(copy)
    row = next(r for r in cells(results) if r.source.folder == trial)
    assert (row.tui, row.outcome, row.started_at) == ("unknown", "pass", None)
    assert open_record(row).cell is not None
    said = [p.message for p in load(copy, full=True).problems]
    assert "agent_info: not an object (the agent is shown as unknown)" in said
    assert "started_at: not a time" in said
    assert "verifier_result.rewards.style: not a number" in said


def test_a_trial_of_the_fixture_changed_after_loading_says_reload(tmp_path: Path) -> None:
    copy = copy_of(HARBOR_JOBS, tmp_path)
    results = load(copy)
    row = find(results, "claude-code", "hello-world")
    data = json.loads(row.source.path.read_text())
    data["task_name"] = "another-task"
    row.source.path.write_text(json.dumps(data))
    opened = open_record(row)
    assert opened.cell is None and "reload" in str(opened.problems[0])
    row.source.path.unlink()
    assert "cannot read" in str(open_record(row).problems[0])


@pytest.mark.parametrize("fixture", ["harbor", "terminal-bench"])
def test_every_index_row_agrees_with_its_full_record(fixture: str) -> None:
    """The readers build index rows directly (fast); the full record must say the same."""
    from .harness_helpers import TB_RUNS

    results = load(HARBOR_JOBS if fixture == "harbor" else TB_RUNS)
    for row in cells(results):
        cell = open_record(row).cell
        assert cell is not None
        assert (cell.cell_id, cell.run, cell.status, cell.passed) == (row.cell_id, row.run, row.status, row.passed)
        assert cell.wall_ms == pytest.approx(row.wall_ms)
        for axis in ("pass_rate", "tokens", "latency", "cost"):
            assert cell.scores.headline(axis) == pytest.approx(row.headline(axis)), (row.cell_id, axis)


def test_a_huge_test_output_is_read_from_its_end_only(tmp_path: Path) -> None:
    """A 1 GB test-stdout.txt (sparse here: no disk used) is not read whole to keep its tail:
    opening the cell reads its last bytes, and the tail says how much came before."""
    import tracemalloc

    copy = copy_of(HARBOR_JOBS, tmp_path)
    trial = trials(jobs(copy)[1], "regex-log")[0]
    out = trial / "verifier" / "test-stdout.txt"
    with out.open("r+b") as handle:
        handle.truncate(1 << 30)
        handle.seek(0, 2)
        handle.write(b"\nlast line: 1 passed, 1 failed\n")
    row = next(r for r in cells(load(copy)) if r.source.folder == trial)
    tracemalloc.start()
    try:
        cell = open_record(row).cell
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert cell is not None and cell.scores.pass_rate is not None
    said = cell.scores.pass_rate.stdout_tail or ""
    assert said.startswith("[… ") and " bytes before]\n" in said
    assert said.endswith("last line: 1 passed, 1 failed\n")
    assert peak < 20 << 20


def test_a_fifo_named_result_json_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    """Opening a FIFO for reading waits for a writer that never comes: a trial whose
    result.json is not a regular file is a problem, and the rest opens."""
    import os

    copy = copy_of(HARBOR_JOBS, tmp_path)
    trial = trials(jobs(copy)[1], "regex-log")[0]
    (trial / "result.json").unlink()
    os.mkfifo(trial / "result.json")
    results = load(copy)
    assert f"{trial / 'result.json'}: cannot read: not a regular file" in [str(p) for p in results.problems]
    assert all(r.source.folder != trial for r in cells(results)) and cells(results)


def test_validating_a_trial_whose_result_json_became_a_fifo_says_so_and_returns(tmp_path: Path) -> None:
    """The full check (`validate`, the Problems tab) reads the record file again: as opening does,
    without waiting on a FIFO for a writer."""
    import os

    copy = copy_of(HARBOR_JOBS, tmp_path)
    trial = trials(jobs(copy)[1], "regex-log")[0]
    sweep = load(copy).sweeps[0]
    (trial / "result.json").unlink()
    os.mkfifo(trial / "result.json")
    problems = [str(p) for p in check_fully(sweep)]
    assert f"{trial / 'result.json'}: cannot read: not a regular file" in problems


def test_a_fifo_named_test_stdout_is_left_out_not_waited_for(tmp_path: Path) -> None:
    import os

    copy = copy_of(HARBOR_JOBS, tmp_path)
    trial = trials(jobs(copy)[1], "regex-log")[0]
    (trial / "verifier" / "test-stdout.txt").unlink()
    os.mkfifo(trial / "verifier" / "test-stdout.txt")
    row = next(r for r in cells(load(copy)) if r.source.folder == trial)
    cell = open_record(row).cell
    assert cell is not None and cell.scores.pass_rate is not None and cell.scores.pass_rate.stdout_tail is None
