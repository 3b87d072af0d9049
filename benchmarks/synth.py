"""Write a synthetic sweep shaped like the real published records.

Every line is one of the real cells in shared/fixtures (or a built-in copy of
one) with its identity, timings and headline numbers varied, so lengths and
key sets match what the benchmark publishes.

    python benchmarks/synth.py OUT_DIR --cells 100000
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from pathlib import Path

TUIS = ["opencode", "aider", "copilot", "openhands", "goose", "codex", "pi", "qwen-code", "claude", "cline"]
MODELS = [f"vendor{i}/model-{i}-{size}b-instruct" for i, size in enumerate([8, 70, 120, 405, 32] * 5)]
CATEGORIES = ["polyglot", "integrity", "refactor", "debug", "security"]

TEMPLATE = {
    "container_image": "codingagentbench/opencode:v1.15.10",
    "image_digest": "sha256:e56bdb69fb83ea2f8c81c06257f190fd4b5e91077e83d5536f722ff1b9c70275",
    "exit_code": 0,
    "started_at": "2026-06-17T06:24:19.840770Z",
    "ended_at": "2026-06-17T06:24:23.835198Z",
    "scores": {
        "pass_rate": {
            "pass": 0,
            "exit_code": 1,
            "timed_out": False,
            "stdout_tail": "error[E0106]: missing lifetime specifier\n --> src/lib.rs:3:37\n  |\n"
            "3 | pub fn longest(a: &str, b: &str) -> &str {\n  |                   ----"
            "     ----     ^ expected named lifetime parameter\n",
            "stderr_tail": "",
            "partial_score": None,
        },
        "tokens": {
            "prompt_tokens": 1100,
            "completion_tokens": 304,
            "total_tokens": 1404,
            "model_calls": 3,
            "tokens_per_correct_task": 1404,
            "pass_used_for_division": 1,
        },
        "latency": {"wall_clock_ms": 3994.428, "container_active_ms": 3993.549, "model_call_ms": 812.4},
        "blast_radius": {
            "blast_radius": 0,
            "added": [],
            "removed": [],
            "modified": ["src/lib.rs"],
            "unexpected_changes": [],
            "expected_changes": ["src/lib.rs"],
            "total_changes": 1,
            "extra_git_dir": False,
        },
        "refusal": {
            "refusal": 0,
            "not_applicable": True,
            "expected_refusal": False,
            "refusal_produced": False,
            "refusal_correct": None,
            "marker_hits": [],
            "keyword_hits": [],
        },
        "integrity": {"integrity": 1, "not_applicable": True, "task_id": ""},
        "composite": {
            "composite": 0.58,
            "weights": {"pass_rate": 0.4, "integrity": 0.2, "cost": 0.15, "latency": 0.15, "blast_radius": 0.1},
            "components": {
                "pass_rate": 0,
                "integrity": 1,
                "cost_efficiency": 1,
                "latency_efficiency": 0.8726344989985978,
                "clean_blast": 1,
                "refusal_factor": 1,
            },
            "note": "single-cell composite; sweep-level normalisation lives in the runner",
        },
    },
    "usage": {"prompt_tokens": 1100, "completion_tokens": 304, "source": "TUI stdout"},
    "plugin_stack": [],
    "behavior_mode": "factory",
}


def records(count: int, sweep_id: str, seed: int = 7):
    """Yield `count` cell records: tuis x models x tasks x runs, in that order (as many runs as it takes)."""
    rng = random.Random(seed)
    tasks = [f"{CATEGORIES[i % len(CATEGORIES)]}/task-{i:03d}" for i in range(250)]
    n = 0
    for run in itertools.count(1):
        for task in tasks:
            for tui in TUIS:
                for model in MODELS:
                    if n >= count:
                        return
                    n += 1
                    rec = json.loads(json.dumps(TEMPLATE))
                    passed = rng.random() < 0.45
                    wall = rng.uniform(800, 600_000)
                    rec.update(
                        tui=tui,
                        model=model,
                        model_build_id=model,
                        task=task,
                        run=run,
                        sweep_id=sweep_id,
                        cell_id=f"{sweep_id}/{tui}/{model}/{task}#run{run}",
                    )
                    s = rec["scores"]
                    s["pass_rate"]["pass"] = int(passed)
                    s["latency"]["wall_clock_ms"] = wall
                    s["integrity"]["task_id"] = task
                    s["blast_radius"]["blast_radius"] = rng.choice([0, 0, 0, 0.5, 1])
                    s["composite"]["composite"] = rng.random()
                    if rng.random() < 0.03:
                        rec["exit_code"] = -1
                        rec["status"] = "timed_out"
                        rec["status_detail"] = "adapter timed out after 630s (outer guard)"
                    yield rec


def write_sweep(
    out: Path, count: int, sweep_id: str = "synthetic-sweep", *, seed: int = 7, started_at: str | None = None
) -> Path:
    """Write `out/cells.jsonl` (and sweep.json) with `count` cells; return the jsonl path.

    `started_at`, when given, is every cell's start (two sweeps ordered in time)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "sweep.json").write_text(
        json.dumps({"format_version": 1, "sweep_id": sweep_id, "title": "Synthetic sweep (invented numbers)"})
    )
    path = out / "cells.jsonl"
    with path.open("w") as f:
        for rec in records(count, sweep_id, seed=seed):
            if started_at is not None:
                rec["started_at"] = started_at
            f.write(json.dumps(rec, separators=(",", ":")) + "\n")
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--cells", type=int, default=100_000)
    args = parser.parse_args()
    p = write_sweep(args.out, args.cells)
    print(f"wrote {args.cells} cells to {p} ({p.stat().st_size / 1e6:.1f} MB)")
