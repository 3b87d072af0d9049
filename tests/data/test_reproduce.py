"""The reproduce command is plain text built from a record: quoted, and never an invented image."""

from __future__ import annotations

import shlex
from typing import Any

from cabtui.data.results import reproduce_command
from cabtui.data.results.models import Cell


def _cell(**extra: Any) -> Cell:
    record: dict[str, Any] = {
        "tui": "aider",
        "model": "m/x",
        "task": "polyglot/t",
        "scores": {},
        "container_image": "codingagentbench/aider:v1",
        "image_digest": "sha256:abc123",
    }
    return Cell.model_validate({**record, **extra})


def test_the_exact_image_is_pulled_then_run() -> None:
    lines = reproduce_command(_cell()).splitlines()
    assert lines[:2] == [
        "# pull the exact image used in this run",
        "docker pull codingagentbench/aider:v1@sha256:abc123",
    ]
    assert "  codingagentbench/aider:v1@sha256:abc123 \\" in lines
    assert lines[-3:] == ["    --tui aider \\", "    --model m/x \\", "    --task polyglot/t"]


def test_an_image_without_a_digest_is_pulled_by_name() -> None:
    assert "docker pull codingagentbench/aider:v1" in reproduce_command(_cell(image_digest="")).splitlines()


def test_no_image_says_so_and_keeps_the_digest_it_knows() -> None:
    command = reproduce_command(_cell(container_image="", image_digest="sha256:feed"))
    assert "docker pull" not in command and "  IMAGE \\" in command
    assert "# Its digest is recorded: sha256:feed" in command


def test_every_value_from_the_record_is_shell_quoted() -> None:
    hostile = "x; rm -rf ~ $(id)"
    command = reproduce_command(_cell(tui=hostile, container_image="img:1 && curl evil"))
    assert f"    --tui {shlex.quote(hostile)} \\" in command
    assert f"docker pull {shlex.quote('img:1 && curl evil@sha256:abc123')}" in command
    run = command[command.index("docker run") :].replace("\\\n", " ")
    assert shlex.split(run)[-6:] == ["--tui", hostile, "--model", "m/x", "--task", "polyglot/t"]
