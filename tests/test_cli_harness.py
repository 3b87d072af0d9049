"""`summary`, `validate` and `diff` on Harbor and Terminal-Bench folders (tests/fixtures/harness)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cabtui.cli.main import main
from tests.data.harness_helpers import HARBOR_JOBS, TB_RUNS, copy_of, jobs, trials


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_json_of_harbor_jobs_counts_each_agent_and_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "summary", str(HARBOR_JOBS), "--json")
    assert code == 0
    rows = {(r["tui"], r["model"]): r for r in json.loads(out)}
    assert set(rows) == {("terminus-2", "anthropic/claude-sonnet-4-5"), ("claude-code", "anthropic/claude-opus-4-1")}
    sonnet = rows[("terminus-2", "anthropic/claude-sonnet-4-5")]
    assert (sonnet["sweep_id"], sonnet["cells"], sonnet["passed"], sonnet["pass_rate"]) == ("jobs", 8, 2, 0.25)
    opus = rows[("claude-code", "anthropic/claude-opus-4-1")]
    assert (opus["cells"], opus["passed"]) == (3, 2)
    assert opus["tokens_per_correct"] == (6100 + 380 + 11020 + 900 + 7020 + 420) / 2


def test_summary_json_of_terminal_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "summary", str(TB_RUNS), "--json")
    assert code == 0
    rows = {(r["tui"], r["model"]): (r["cells"], r["passed"]) for r in json.loads(out)}
    assert rows == {("terminus-2", "anthropic/claude-sonnet-4-5"): (6, 3), ("terminus-2", "openai/gpt-5"): (3, 2)}


@pytest.mark.parametrize(("fixture", "cells"), [(HARBOR_JOBS, 11), (TB_RUNS, 9)])
def test_validate_passes_on_the_fixtures(capsys: pytest.CaptureFixture[str], fixture: Path, cells: int) -> None:
    code, out, err = run(capsys, "validate", str(fixture))
    assert (code, out) == (0, "")
    assert err == f"{cells} cells in 1 sweep, 0 problems\n"


def test_validate_lists_a_broken_trial_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = copy_of(HARBOR_JOBS, tmp_path)
    trial = trials(jobs(copy)[0], "regex-log")[0]
    (trial / "result.json").write_text('{"trial_name": "regex-log__x", "task_name": 7,\n "agent_info": []}\n')
    code, out, _ = run(capsys, "validate", str(copy))
    assert code == 1
    assert f"{trial / 'result.json'}:1: task_name: not a string" in out
    assert f"{trial / 'result.json'}:2: agent_info: not an object (the agent is shown as unknown)" in out


def test_diff_of_two_harbor_folders_names_the_trial_that_broke(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = copy_of(HARBOR_JOBS, tmp_path)
    result = trials(jobs(copy)[1], "hello-world")[0] / "result.json"
    data = json.loads(result.read_text())
    data["verifier_result"]["rewards"] = {"reward": 0.0}
    result.write_text(json.dumps(data))
    code, out, _ = run(capsys, "diff", str(HARBOR_JOBS), str(copy), "--json")
    assert code == 0
    changed = json.loads(out)["cells"]
    assert changed == [
        {
            "tui": "claude-code",
            "model": "anthropic/claude-opus-4-1",
            "task": "hello-world",
            "run": 1,
            "before": "pass",
            "after": "fail",
            "change": "broke",
        }
    ]


def test_grep_finds_a_harbor_recording_screen_and_a_terminal_bench_episode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    code, out, _ = run(capsys, "grep", "No rule to make", str(HARBOR_JOBS), "--json")
    assert code == 0
    hits = json.loads(out)
    assert {(h["cell_id"], h["where"]) for h in hits} == {
        ("jobs/terminus-2/anthropic/claude-sonnet-4-5/build-linux-kernel#run1", "recording")
    }
    code, out, _ = run(capsys, "grep", "Episode 1", str(TB_RUNS), "--json")
    assert code == 0 and {h["where"] for h in json.loads(out)} == {"span"}
