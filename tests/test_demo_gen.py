"""The demo generator's pure parts (recordings/demo_gen): no asciinema, cargo or javac needed.

The synthetic cells depend on the seed and on the test outputs of each task's
reference runs. Those outputs are taken back from the committed cells, so the
generator must rebuild the committed cells.jsonl byte for byte.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from recordings.demo_gen.main import cells_jsonl, clear_output, number_reruns, sweep_json
from recordings.demo_gen.record import to_v3
from recordings.demo_gen.reference import References, TestRun
from recordings.demo_gen.scenarios import SCENARIOS
from recordings.demo_gen.script import ApplyPatch, Mark, Run, Think, WriteFile, plan_script
from recordings.demo_gen.synthetic import TAMPERED_RUN, synthetic_cells
from recordings.demo_gen.task import all_tasks

SWEEP = Path(__file__).resolve().parents[1] / "recordings" / "demo-20261125"
RECORDED = {scn.key for scn in SCENARIOS}


@pytest.fixture(scope="module")
def committed() -> str:
    return (SWEEP / "cells.jsonl").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def records(committed: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in committed.splitlines()]


def key(cell: dict[str, Any]) -> tuple[str, str, str, int]:
    return (cell["tui"], cell["model"], cell["task"], cell["run"])


def references_from(records: list[dict[str, Any]]) -> References:
    """Each task's broken and fixed test outcome, as the committed synthetic cells show it."""
    refs: References = {}
    for cell in records:
        pr = cell["scores"].get("pass_rate")
        if key(cell) in RECORDED or pr is None or pr.get("stdout_tail") == TAMPERED_RUN.stdout:
            continue
        kinds = refs.setdefault(cell["task"], {})
        kind = "fixed" if pr["pass"] else "broken"
        if kind not in kinds or "stdout_tail" in pr:  # a tail, where some cell shows one
            kinds[kind] = TestRun(pr["exit_code"], pr.get("stdout_tail", ""), pr.get("stderr_tail", ""), 0.0)
    return refs


def test_synthetic_cells_rebuild_the_committed_sweep(committed: str, records: list[dict[str, Any]]) -> None:
    cells = synthetic_cells(references_from(records))
    recorded = [c for c in records if key(c) in RECORDED]
    assert len(recorded) == len(SCENARIOS)
    cells.update({key(c): c for c in recorded})  # recorded cells are real runs: taken as committed
    assert cells_jsonl(number_reruns(cells)) == committed
    assert sweep_json() == (SWEEP / "sweep.json").read_text(encoding="utf-8")


def test_synthetic_cells_are_deterministic(records: list[dict[str, Any]]) -> None:
    refs = references_from(records)
    assert cells_jsonl(synthetic_cells(refs).values()) == cells_jsonl(synthetic_cells(refs).values())


def test_tasks_are_complete() -> None:
    tasks = all_tasks()
    assert len(tasks) == 12 and {t.category for t in tasks.values()} == {"polyglot", "integrity", "refactor"}
    for task in tasks.values():
        assert task.files and task.fixed and task.test_cmd and task.prompt, task.name
        changed = set(task.fixed) | set(task.deleted)
        assert changed <= set(task.expected) | {"REFUSAL.md"}, task.name
        assert set(task.deleted) <= set(task.files), task.name


@pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None, reason="needs git and bash")
def test_every_scenario_becomes_a_valid_script(tmp_path: Path) -> None:
    for number, scn in enumerate(SCENARIOS):
        agentdir = tmp_path / str(number)
        agentdir.mkdir()
        plan = plan_script(scn.task, scn.steps, agentdir)
        subprocess.run(["bash", "-n"], input=plan.script, text=True, check=True)
        assert len(plan.tools) == sum(isinstance(s, Run | WriteFile | ApplyPatch) for s in scn.steps)
        assert len(plan.models) == sum(isinstance(s, Think) for s in scn.steps)
        assert list(plan.marks.values()) == [s.label for s in scn.steps if isinstance(s, Mark)]
        patches = sorted(agentdir.glob("patch-*.diff"))
        assert len(patches) == sum(isinstance(s, ApplyPatch) for s in scn.steps)
        assert all(p.read_text().startswith("diff --git ") for p in patches)


def test_to_v3_turns_times_into_intervals() -> None:
    header = {"version": 2, "width": 80, "height": 24, "timestamp": 1, "env": {"TERM": "xterm-256color"}}
    lines = to_v3(header, [[0.5, "o", "a"], [1.25, "m", "tests pass"]], exit_code=0).splitlines()
    assert json.loads(lines[0]) == {
        "version": 3,
        "term": {"cols": 80, "rows": 24, "type": "xterm-256color"},
        "timestamp": 1,
        "env": {},
    }
    assert [json.loads(x) for x in lines[1:]] == [[0.5, "o", "a"], [0.75, "m", "tests pass"], [0.0, "x", "0"]]


def test_the_output_folder_is_only_replaced_if_it_is_a_previous_sweep(tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    with pytest.raises(SystemExit):
        clear_output(other)
    assert (other / "keep.txt").is_file()
    previous = tmp_path / "previous"
    previous.mkdir()
    (previous / "sweep.json").write_text(sweep_json())
    (previous / "cells.jsonl").write_text("")
    clear_output(previous)
    assert previous.is_dir() and not any(previous.iterdir())
