"""Each task's tests, really run on its broken and on its fixed sources.

The synthetic cells show these outputs as their test tails, so that even an
invented cell shows what the task's real test command prints.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .task import Task, all_tasks
from .text import strip_ansi
from .workspace import setup_repo, sh, write_tree

# task name -> "broken" | "fixed" -> the run
References = dict[str, dict[str, "TestRun"]]


@dataclass(frozen=True)
class TestRun:
    """The outcome of a task's test command (output without escape sequences)."""

    __test__ = False  # not a pytest test class

    exit_code: int
    stdout: str
    stderr: str
    ms: float

    @property
    def timed_out(self) -> bool:
        return self.exit_code == 124


def run_tests(task: Task, workdir: Path) -> TestRun:
    start = time.monotonic()
    try:
        p = sh(task.test_cmd, workdir, timeout=60)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = 124, str(e.stdout or ""), str(e.stderr or "")
    return TestRun(rc, strip_ansi(out), strip_ansi(err), (time.monotonic() - start) * 1000)


def prepare(task: Task, workdir: Path, fixed: bool) -> None:
    """The task folder at its starting point, or with the correct solution applied."""
    setup_repo(task, workdir)
    if fixed:
        write_tree(workdir, task.fixed)
        for rel in task.deleted:
            (workdir / rel).unlink()


def reference_runs() -> References:
    """Every task's tests on the broken and the fixed sources; stops if either gives the wrong verdict."""
    refs: References = {}
    root = Path(tempfile.mkdtemp(prefix="cab-reference-"))
    try:
        for task in all_tasks().values():
            refs[task.name] = {}
            for kind in ("broken", "fixed"):
                workdir = root / task.name.replace("/", "_") / kind / "workdir"
                prepare(task, workdir, fixed=kind == "fixed")
                refs[task.name][kind] = got = run_tests(task, workdir)
                if (got.exit_code == 0) != (kind == "fixed"):
                    raise SystemExit(
                        f"reference run of {task.name} ({kind}) gave exit {got.exit_code}:\n{got.stdout}\n{got.stderr}"
                    )
                print(f"  reference {task.name:40} {kind:6} exit {got.exit_code:3}  {got.ms:7.0f} ms", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return refs
