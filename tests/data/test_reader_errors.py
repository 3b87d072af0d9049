"""An error no reader foresaw, in one file of a sweep: that file's `FILE:LINE` problem, and every
other file still read (each reader reads each record file behind its own boundary, `common.per_file`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from cabtui.data.results import load, open_record
from cabtui.data.results.readers import harbor, otlp, terminal_bench

from .harness_helpers import HARBOR_JOBS, TB_RUNS, cells, find, trials

CLAUDE_JOB = "2026-12-02__00-01-16"
"""The Harbor fixture's job of three trials (claude-code: hello-world, fix-permissions, regex-log)."""
GPT_RUN = "2026-12-01__23-58-06"
"""The Terminal-Bench fixture's run of three trials (openai/gpt-5)."""
AGENT_TRACE = HARBOR_JOBS.parents[1] / "otlp" / "agent.otlp.jsonl"


def _one_job(fixture: Path, name: str, tmp_path: Path) -> Path:
    """A sweep of one copied job (or run) of the fixture."""
    shutil.copytree(fixture / name, tmp_path / fixture.name / name)
    return tmp_path / fixture.name


def _raising_for(real: Any, bad: str) -> Any:
    """`real`, raising for the record whose trial_name is `bad` (a mapping bug no one foresaw)."""

    def mapped(data: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        if data.get("trial_name") == bad:
            raise RuntimeError("a case no one foresaw")
        return real(data, *args, **kwargs)

    return mapped


@pytest.mark.parametrize("full", [False, True])
def test_a_harbor_trial_that_raises_is_its_result_json_and_the_other_trials_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, full: bool
) -> None:
    sweep = _one_job(HARBOR_JOBS, CLAUDE_JOB, tmp_path)
    bad = trials(sweep / CLAUDE_JOB, "fix-permissions")[0]
    monkeypatch.setattr(harbor, "facts", _raising_for(harbor.facts, bad.name))
    results = load(sweep, full=full)
    assert sorted(row.task for row in cells(results)) == ["hello-world", "regex-log"]
    assert [str(p) for p in results.problems] == [
        f"{bad / 'result.json'}: cannot read this record: RuntimeError: a case no one foresaw"
    ]


@pytest.mark.parametrize("full", [False, True])
def test_a_terminal_bench_trial_that_raises_is_its_results_json_and_the_other_trials_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, full: bool
) -> None:
    sweep = _one_job(TB_RUNS, GPT_RUN, tmp_path)
    bad = next((sweep / GPT_RUN / "fix-permissions").iterdir())
    monkeypatch.setattr(terminal_bench, "facts", _raising_for(terminal_bench.facts, bad.name))
    results = load(sweep, full=full)
    assert sorted(row.task for row in cells(results)) == ["csv-to-parquet", "hello-world"]
    assert [str(p) for p in results.problems] == [
        f"{bad / 'results.json'}: cannot read this record: RuntimeError: a case no one foresaw"
    ]


def test_a_full_check_that_raises_for_one_trial_is_its_problem_and_the_others_are_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sweep = _one_job(HARBOR_JOBS, CLAUDE_JOB, tmp_path)
    bad = trials(sweep / CLAUDE_JOB, "regex-log")[0]
    real = harbor.trial_head

    def trial_head(data: dict[str, Any], sweep_id: str, folder: Path) -> Any:
        if folder == bad:
            raise KeyError("spans")
        return real(data, sweep_id, folder)

    monkeypatch.setattr(harbor, "trial_head", trial_head)
    results = load(sweep, full=True)
    assert len(cells(results)) == 3  # the index does not open the record: all three are rows
    assert [str(p) for p in results.problems] == [f"{bad / 'result.json'}: cannot read this record: KeyError: 'spans'"]


def test_an_atif_trajectory_that_cannot_be_mapped_is_its_problem_and_the_cell_still_opens(tmp_path: Path) -> None:
    sweep = _one_job(HARBOR_JOBS, CLAUDE_JOB, tmp_path)
    trial = trials(sweep / CLAUDE_JOB, "hello-world")[0]
    trajectory = trial / "agent" / "trajectory.json"
    data = json.loads(trajectory.read_text())
    data["steps"][1]["tool_calls"] = 5  # a number where a list belongs: no check foresaw it
    trajectory.write_text(json.dumps(data))
    results = load(sweep)
    assert results.problems == []  # the index reads result.json only
    opened = open_record(find(results, "claude-code", "hello-world"))
    said = f"{trajectory}: cannot read this record: TypeError: 'int' object is not iterable"
    assert opened.cell is not None and [str(p) for p in opened.problems] == [said]
    assert opened.cell.spans and not [s for s in opened.cell.spans if s.kind == "model_call"]  # the phases stay
    assert [str(p) for p in load(sweep, full=True).problems] == [said]  # validate says it once


def test_an_otlp_line_that_raises_is_its_problem_and_the_other_lines_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    real = otlp._raw
    bad = "execute_tool run_tests"
    line = next(i for i, text in enumerate(AGENT_TRACE.read_text().splitlines(), 1) if f'"{bad}"' in text)

    def raw(span: Any, service: Any) -> Any:
        if isinstance(span, dict) and span.get("name") == bad:
            raise ValueError("a case no one foresaw")
        return real(span, service)

    monkeypatch.setattr(otlp, "_raw", raw)
    trace = otlp.read_otlp(AGENT_TRACE)
    assert [str(p) for p in trace.problems] == [
        f"{AGENT_TRACE}:{line}: cannot read this record: ValueError: a case no one foresaw"
    ]
    assert len(trace.spans) == 5 and bad not in [s["name"] for s in trace.spans]


def test_an_otlp_file_that_raises_past_its_lines_is_its_problem_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def place(*args: Any) -> None:
        raise OverflowError("a time no calendar holds")

    monkeypatch.setattr(otlp, "_place", place)
    trace = otlp.read_otlp(AGENT_TRACE)
    assert [str(p) for p in trace.problems] == [
        f"{AGENT_TRACE}: cannot read this record: OverflowError: a time no calendar holds"
    ]
