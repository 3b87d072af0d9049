"""The scripted stand-in for a coding agent: its steps, and the bash script they become.

A scenario is a list of steps. Each becomes a few lines of bash on top of
agent/prelude.sh, whose shell functions (`run`, `write_file`, `model`, `mark`)
log the start and end of every step, so the trace can be timed from the run.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

from .task import GITIGNORE, all_tasks
from .workspace import make_patch

AGENT_DIR = Path(__file__).resolve().parent / "agent"
HELPER_PROGRAMS = ("review_tui.py", "termcolors.py", "i18n_table.py")  # copied next to the script


@dataclass(frozen=True)
class Think:
    """A model call: a spinner for `seconds`, then the agent says `says`."""

    says: str
    seconds: float
    prompt: str | None = None  # the invented prompt; made up from the context when None


@dataclass(frozen=True)
class Run:
    """A shell command, shown, run and traced as a `bash` tool call."""

    command: str


@dataclass(frozen=True)
class WriteFile:
    """A `write_file` tool call: `content` written to `path`."""

    path: str
    content: str


@dataclass(frozen=True)
class ApplyPatch:
    """A patch (made with git from `overlay` and `deleted`) applied with `git apply -v`."""

    overlay: dict[str, str]
    deleted: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mark:
    """A marker in the recording (asciinema writes it; the label is added afterwards)."""

    label: str


@dataclass(frozen=True)
class Say:
    """The agent prints a line (no model call, no tool call)."""

    text: str


@dataclass(frozen=True)
class Quietly:
    """A shell command that is not shown and not traced (files a real CLI leaves behind)."""

    command: str


Step = Think | Run | WriteFile | ApplyPatch | Mark | Say | Quietly
ACTIONS = (Run, WriteFile, ApplyPatch, Say)  # what a model call can lead to


@dataclass(frozen=True)
class ModelCallPlan:
    says: str
    prompt: str | None
    action: str  # the tool call the completion ends with, "" if none


@dataclass
class Plan:
    """The bash script of a scenario, and what each index in its event log stands for."""

    script: str = ""
    tools: dict[int, tuple[str, str]] = field(default_factory=dict)  # -> (tool name, command or path)
    models: dict[int, ModelCallPlan] = field(default_factory=dict)
    marks: dict[int, str] = field(default_factory=dict)


def describe_action(step: Step | None, patch_number: int) -> str:
    """The tool call a model's completion ends with (invented, like the rest of the text)."""
    if isinstance(step, Run):
        return f'<tool_call name="bash">{step.command}</tool_call>'
    if isinstance(step, WriteFile):
        return f'<tool_call name="write_file" path="{step.path}">…</tool_call>'
    if isinstance(step, ApplyPatch):
        return f'<tool_call name="apply_patch">patch-{patch_number}.diff</tool_call>'
    return ""


def plan_script(task_name: str, steps: list[Step], agentdir: Path) -> Plan:
    """The bash script of `steps` on `task_name`; writes the patches of ApplyPatch steps into `agentdir`."""
    task = all_tasks()[task_name]
    files = {".gitignore": GITIGNORE, **task.files}  # the task folder as the steps change it
    plan = Plan()
    lines = [(AGENT_DIR / "prelude.sh").read_text(encoding="utf-8")]
    q = shlex.quote
    patches = 0

    def new_tool(name: str, what: str) -> int:
        plan.tools[len(plan.tools)] = (name, what)
        return len(plan.tools) - 1

    for pos, step in enumerate(steps):
        if isinstance(step, Think):
            after = next((s for s in steps[pos + 1 :] if isinstance(s, ACTIONS)), None)
            index = len(plan.models)
            plan.models[index] = ModelCallPlan(step.says, step.prompt, describe_action(after, patches + 1))
            lines.append(f"model {index} {round(step.seconds * 10)}")
            first, *rest = step.says.split("\n")
            lines.append(f"say {q(first)}")
            lines.extend(f"note {q(r)}" for r in rest)
        elif isinstance(step, Run):
            index = new_tool("bash", step.command)
            lines += [f"run {index} {q(step.command)}", "sleep 0.4"]
        elif isinstance(step, WriteFile):
            index = new_tool("write_file", step.path)
            lines += [f"write_file {index} {q(step.path)} <<'CAB_EOF'\n{step.content}CAB_EOF", "sleep 0.3"]
            files[step.path] = step.content
        elif isinstance(step, ApplyPatch):
            patches += 1
            name = f"patch-{patches}.diff"
            (agentdir / name).write_text(make_patch(files, step.overlay, step.deleted), encoding="utf-8")
            files.update(step.overlay)
            for rel in step.deleted:
                files.pop(rel, None)
            cmd = f"git apply -v ../agent/{name}"
            index = new_tool("bash", cmd)
            lines += [f"run {index} {q(cmd)}", "sleep 0.3"]
        elif isinstance(step, Mark):
            lines.append(f"mark {len(plan.marks)}")
            plan.marks[len(plan.marks)] = step.label
        elif isinstance(step, Say):
            lines.extend([f"say {q(step.text)}", "sleep 0.3"])
        else:
            lines.append(step.command)
    lines.append('log "DONE $EPOCHREALTIME"')
    plan.script = "\n".join(lines) + "\n"
    return plan
