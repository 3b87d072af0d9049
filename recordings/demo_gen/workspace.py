"""Scratch task folders: a controlled environment for child programs, git set-up, patches, diffs.

Every program the demo runs gets the same environment (colour terminal, UTF-8,
no user git config, the venv first on PATH) so that a run here looks like a run
anywhere else.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .task import GITIGNORE, Task

VENV_BIN = Path(sys.executable).parent
_DROPPED = {"COLUMNS", "LINES", "NO_COLOR", "PYTEST_ADDOPTS"}


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every program the demo runs, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    env.update(
        {
            "PATH": f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
            "TERM": "xterm-256color",
            "SHELL": "/bin/bash",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            "GIT_PAGER": "cat",
            "PAGER": "cat",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "cab harness",
            "GIT_AUTHOR_EMAIL": "harness@example.invalid",
            "GIT_COMMITTER_NAME": "cab harness",
            "GIT_COMMITTER_EMAIL": "harness@example.invalid",
        }
    )
    env.update(extra or {})
    return env


def sh(
    cmd: str | list[str], cwd: Path, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `cmd` (a shell line if a string) in `cwd`, capturing its text output."""
    return subprocess.run(
        cmd,
        cwd=cwd,
        shell=isinstance(cmd, str),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or child_env(),
        errors="replace",
        check=False,
    )


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def setup_repo(task: Task, workdir: Path) -> None:
    """The task's starting point: its files, committed to a fresh git repository."""
    workdir.mkdir(parents=True)
    write_tree(workdir, {".gitignore": GITIGNORE, **task.files})
    sh("git init -q -b main && git add -A && git commit -q -m 'task: starting point'", workdir).check_returncode()


def make_patch(current: dict[str, str], overlay: dict[str, str], deleted: tuple[str, ...]) -> str:
    """A patch from `current` to `current` + `overlay` - `deleted`, written by git itself."""
    with tempfile.TemporaryDirectory(prefix="cab-patch-") as tmp:
        root = Path(tmp)
        write_tree(root, current)
        sh("git init -q -b main && git add -A && git commit -q -m base", root).check_returncode()
        write_tree(root, overlay)
        for rel in deleted:
            (root / rel).unlink()
        sh("git add -A", root).check_returncode()
        return sh("git diff --cached -M", root).stdout


def changed_files(workdir: Path) -> tuple[list[str], list[str], list[str]]:
    """Added, removed and modified files since the starting commit (git, ignoring .gitignore'd files)."""
    sh("git add -A", workdir).check_returncode()
    out = sh("git diff --cached --name-status --no-renames HEAD", workdir).stdout
    added: list[str] = []
    removed: list[str] = []
    modified: list[str] = []
    for line in out.splitlines():
        code, _, path = line.partition("\t")
        {"A": added, "D": removed}.get(code[:1], modified).append(path)
    return added, removed, modified
