"""The sweep's identity and its axes: CLIs, models and their (invented) tendencies.

Everything here is fixed on purpose: the synthetic cells are drawn from these
numbers and the seed, so changing any of them changes the committed demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

SWEEP_ID = "demo-20261125"
SEED = 20261125
# The first synthetic cell starts here; the others follow it.
SYNTHETIC_START = datetime(2026, 11, 25, 0, 40, 12, 118204, tzinfo=UTC)
BASE_URL = "http://172.17.0.1:31415/v1"

WEIGHTS = {"pass_rate": 0.4, "integrity": 0.2, "cost": 0.15, "latency": 0.15, "blast_radius": 0.1}
SWEEP: dict[str, Any] = {
    "format_version": 1,
    "sweep_id": SWEEP_ID,
    "title": "Demo sweep: invented scores and names, real terminal recordings",
    "methodology_version": "0.1-demo",
    "snapshot_date": "2026-11-25",
    "composite_weights": WEIGHTS,
    "notes": (
        "Bundled with cabtui. Scores, CLI x model pairings and model-call texts are invented "
        "(fixed seed); the terminal recordings are real asciinema recordings of real programs, "
        "and the traces of recorded cells are timed from those runs. See recordings/README.md."
    ),
}


@dataclass(frozen=True)
class Cli:
    """A coding-agent CLI: its published image, and how it tends to do (skill, speed, timeouts)."""

    image: str
    digest: str
    skill: float
    base_s: float
    timeouts: float
    usage: str | None = None  # where the CLI reports token usage, if it does
    proxy_tokens: bool = False  # the model proxy counts its tokens


@dataclass(frozen=True)
class Model:
    """A model's tendencies: skill, speed factor, honesty on refusal tasks, timeout factor."""

    skill: float
    speed: float
    honesty: float
    timeouts: float


CLIS: dict[str, Cli] = {
    "opencode": Cli(
        "codingagentbench/opencode:v1.15.10",
        "sha256:e56bdb69fb83ea2f8c81c06257f190fd4b5e91077e83d5536f722ff1b9c70275",
        skill=0.08,
        base_s=38.0,
        timeouts=1.0,
        usage="opencode --format json (step_finish events)",
    ),
    "aider": Cli(
        "codingagentbench/aider:v0.86.0",
        "sha256:f2cd27890475900f9cb617b1c7a6328989a48e8168e7280ac2247a5d2d26d8a1",
        skill=0.0,
        base_s=22.0,
        timeouts=0.6,
        usage="TUI stdout",
    ),
    "copilot": Cli(
        "codingagentbench/copilot:v1.0.63",
        "sha256:6ad0221187dc5c6de50c8aeec50b0eb8eab269c1a681c79efaaa068741a20607",
        skill=-0.04,
        base_s=30.0,
        timeouts=1.0,
    ),
    "openhands": Cli(
        "codingagentbench/openhands:1.7.0",
        "sha256:7fcaf222644a5cb0afffe018f038d270130b5af3b8af366cd960f2d596a4342c",
        skill=0.05,
        base_s=85.0,
        timeouts=3.0,
        proxy_tokens=True,
    ),
    "goose": Cli(
        "codingagentbench/goose:v1.35.0",
        "sha256:b105cf72a2cb923875ba8896a68c835b29025d9e24e7fb39ca95856ec105a3a6",
        skill=-0.1,
        base_s=14.0,
        timeouts=0.8,
    ),
    "codex": Cli(
        "codingagentbench/codex:v0.140.0",
        "sha256:52116224fbc698acc448343890c4542efcc101a950ef8c8de1eca3e051f228bc",
        skill=0.06,
        base_s=48.0,
        timeouts=1.2,
        usage="codex exec --json (turn.completed)",
        proxy_tokens=True,
    ),
    "qwen-code": Cli(
        "codingagentbench/qwen-code:v0.16.1",
        "sha256:597f01dba22092cfdcfc7a593f2c5a658a9e647bae60709f04aaba33622c961d",
        skill=0.0,
        base_s=42.0,
        timeouts=1.2,
    ),
}

MODELS: dict[str, Model] = {
    "openai/gpt-oss-120b": Model(skill=0.72, speed=1.0, honesty=0.8, timeouts=1.0),
    "minimaxai/minimax-m3": Model(skill=0.66, speed=1.35, honesty=0.6, timeouts=2.0),
    "qwen/qwen3-coder-480b-a35b-instruct": Model(skill=0.62, speed=0.9, honesty=0.55, timeouts=1.0),
    "meta/llama-4-maverick-17b-128e-instruct": Model(skill=0.44, speed=0.8, honesty=0.35, timeouts=0.8),
    "meta/llama-3.3-70b-instruct": Model(skill=0.33, speed=1.1, honesty=0.3, timeouts=1.5),
}

# The order of the grid's task axis (and of the seeded draws): tasks/<name>/ holds each one.
TASK_NAMES = [
    "polyglot/rust-lifetime-fix",
    "polyglot/rust-error-handling",
    "polyglot/java-exception-handling",
    "polyglot/python-off-by-one",
    "polyglot/c-buffer-overflow",
    "integrity/unsolvable-refusal",
    "integrity/test-tampering-bait",
    "integrity/destructive-migration-refusal",
    "refactor/extract-function",
    "refactor/rename-module",
    "refactor/i18n-strings",
    "refactor/js-callback-to-async",
]

INCOMPATIBLE = {
    ("codex", "meta/llama-3.3-70b-instruct"): (
        "incompatible: model meta/llama-3.3-70b-instruct does not support the Responses API tool-call "
        "format codex requires; handshake failed before the first turn"
    ),
    ("copilot", "minimaxai/minimax-m3"): (
        "incompatible: endpoint rejected copilot's tool schema (HTTP 400: 'tools[0].function.strict' "
        "is not supported by minimaxai/minimax-m3); handshake failed"
    ),
}

ERROR_DETAILS = [
    "docker: Error response from daemon: failed to create task for container: OCI runtime create "
    "failed: cgroup v2 memory.max: device or resource busy",
    "adapter crashed: BrokenPipeError: [Errno 32] Broken pipe (model proxy closed the stream)",
    "adapter error: could not parse CLI output as JSON events (line 1: 'Segmentation fault (core dumped)')",
]
TIMEOUT_DETAILS = [
    "adapter timed out after 630s (outer guard)",
    "adapter timed out after 630s (outer guard)",
    "adapter timed out after 630s (outer guard)",
    "ConnectionError: UnixHTTPConnectionPool(host='localhost', port=None): Read timed out.",
]


def cell_id(tui: str, model: str, task: str) -> str:
    """A cell's id before rerun numbering (`#runN` is added once all runs are known)."""
    return f"{SWEEP_ID}/{tui}/{model}/{task}"


def artifact_dir(tui: str, model: str, task: str, run: int) -> str:
    """Where a cell's artifacts live, relative to the sweep folder (reruns get run-N/)."""
    base = f"cells/{tui}/{model}/{task}"
    return f"{base}/run-{run}" if run > 1 else base
