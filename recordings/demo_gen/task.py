"""The twelve tasks, read from tasks/<category>/<name>/.

Each task folder holds `task.toml` (the fields of `Task` below), `broken/` (the
files the agent starts from, committed to a fresh git repository) and `fixed/`
(the files a correct solution writes). The sources are real files so that they
can be read, linted by eye and run by hand.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .sweep import TASK_NAMES

TASKS_DIR = Path(__file__).resolve().parent / "tasks"


@dataclass(frozen=True)
class Task:
    """One benchmark task: its files before and after, how it is tested and scored."""

    name: str
    difficulty: float  # pulls the synthetic pass rate down
    files: dict[str, str]  # broken/: the starting point
    fixed: dict[str, str]  # fixed/: what a correct solution writes
    test_cmd: str  # run in the task folder after the agent; exit 0 is a pass
    expected: list[str]  # the files a solution is expected to change (blast radius)
    prompt: str
    deleted: tuple[str, ...] = ()  # files a correct solution removes
    refusal: bool = False  # the right answer is a REFUSAL.md
    partial_tests: int = 0  # how many tests, where a fractional partial_score makes sense

    @property
    def category(self) -> str:
        return self.name.split("/", 1)[0]

    def first_test_file(self) -> str:
        """The task's test file (what a careless agent edits)."""
        return next(p for p in self.files if p.startswith(("tests/", "test/")))


def read_tree(root: Path) -> dict[str, str]:
    """Every file below `root`, by its path relative to it, in path order."""
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {p.relative_to(root).as_posix(): p.read_bytes().decode("utf-8") for p in files}


def load_task(name: str) -> Task:
    folder = TASKS_DIR / name
    meta = tomllib.loads((folder / "task.toml").read_text(encoding="utf-8"))
    return Task(
        name=name,
        difficulty=meta["difficulty"],
        files=read_tree(folder / "broken"),
        fixed=read_tree(folder / "fixed"),
        test_cmd=meta["test_cmd"],
        expected=list(meta["expected"]),
        prompt=meta["prompt"],
        deleted=tuple(meta.get("deleted", ())),
        refusal=meta.get("refusal", False),
        partial_tests=meta.get("partial_tests", 0),
    )


@cache
def all_tasks() -> dict[str, Task]:
    """Every task by name, in the order of the grid's task axis."""
    return {name: load_task(name) for name in TASK_NAMES}


def task_file(task: str, path: str) -> str:
    """A file of a task folder (e.g. `fixed/src/Config.java`), for the scripted agent steps."""
    return (TASKS_DIR / task / path).read_bytes().decode("utf-8")


GITIGNORE = (TASKS_DIR / "gitignore").read_text(encoding="utf-8")
