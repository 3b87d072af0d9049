"""The Harbor and Terminal-Bench fixtures (made by tests/fixtures/harness/make_*.py), and copies to spoil."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

from cabtui.data.results import CellRow, Results

HARNESS = Path(__file__).resolve().parents[1] / "fixtures" / "harness"
HARBOR_JOBS = HARNESS / "harbor" / "jobs"
TB_RUNS = HARNESS / "terminal-bench" / "runs"


def copy_of(fixture: Path, tmp_path: Path) -> Path:
    """A copy to spoil (the committed fixture is never changed)."""
    target = tmp_path / fixture.name
    shutil.copytree(fixture, target)
    return target


def cells(results: Results) -> list[CellRow]:
    return [row for sweep in results.sweeps for row in sweep.cells]


def per_group(results: Results) -> Counter[tuple[str, str]]:
    """Cells per (agent, model)."""
    return Counter((row.tui, row.model) for row in cells(results))


def outcomes(results: Results, tui: str) -> dict[tuple[str, int], str]:
    """(task, run) -> outcome of one agent's cells."""
    return {(row.task, row.run): row.outcome for row in cells(results) if row.tui == tui}


def find(results: Results, tui: str, task: str, run: int = 1) -> CellRow:
    return next(r for r in cells(results) if (r.tui, r.task, r.run) == (tui, task, run))


def jobs(fixture: Path) -> list[Path]:
    return sorted(p for p in fixture.iterdir() if p.is_dir())


def trials(job: Path, task: str) -> list[Path]:
    """A job's (or a run's task folder's) trial folders for one task."""
    return sorted(p for p in job.iterdir() if p.is_dir() and p.name.startswith(f"{task}__"))
