"""Load figures for a large Harbor jobs/ folder.

Writes --trials trial folders (each a copy of a real TrialResult from
tests/fixtures/harness/harbor, made by Harbor's own models, with its task, agent,
model, reward and times varied) into --jobs job folders in a temporary folder, then
prints: a raw read + `orjson.loads` of every trial's result.json (GC paused, as the
loader does); `cabtui.data.results.load` on the folder (discovery, listing, index rows);
their ratio (target <= 2.0); and opening one cell (its full record and artifacts).
Timings are the fastest of --repeat runs, the two interleaved (the machine is shared:
the fastest run is the one least disturbed), files in the page cache. Figures only, no
assertions.

    python benchmarks/harbor_load.py [--trials 10000] [--jobs 20] [--repeat 5]
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from cabtui.data.results import load, load_artifacts, open_record

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "harness" / "harbor" / "jobs"
AGENTS = ("terminus-2", "claude-code", "codex", "openhands", "aider")
MODELS = ("anthropic/claude-sonnet-4-5", "openai/gpt-5", "google/gemini-2.5-pro", "deepseek/deepseek-v3")


def templates() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A job's config.json and result.json, and a trial's result.json, from the fixture."""
    job = sorted(p for p in FIXTURE.iterdir() if p.is_dir())[0]
    trial = next(p for p in sorted(job.iterdir()) if (p / "result.json").is_file())
    read = lambda p: json.loads(p.read_text())  # noqa: E731
    return read(job / "config.json"), read(job / "result.json"), read(trial / "result.json")


def write_jobs(root: Path, trials: int, jobs: int) -> list[Path]:
    """`trials` trial folders spread over `jobs` jobs; returns every trial's result.json."""
    job_config, job_result, trial = templates()
    files = []
    per_job = -(-trials // jobs)
    for j in range(jobs):
        job = root / f"2026-12-{1 + j // 24:02d}__{j % 24:02d}-00-00"
        job.mkdir(parents=True)
        (job / "config.json").write_text(json.dumps(job_config, indent=4))
        (job / "result.json").write_text(json.dumps(job_result, indent=4))
        agent, model = AGENTS[j % len(AGENTS)], MODELS[(j // len(AGENTS)) % len(MODELS)]
        for i in range(min(per_job, trials - j * per_job)):
            data = copy.deepcopy(trial)
            task = f"task-{i % 250:03d}"
            name = f"{task}__{j:03d}{i:04d}"
            data["task_name"], data["trial_name"] = task, name
            data["agent_info"]["name"] = data["config"]["agent"]["name"] = agent
            data["config"]["agent"]["model_name"] = model
            data["verifier_result"] = {"rewards": {"reward": float((i * 7 + j) % 3 == 0)}}
            folder = job / name
            (folder / "agent").mkdir(parents=True)
            (folder / "verifier").mkdir()
            path = folder / "result.json"
            path.write_text(json.dumps(data, indent=4))
            files.append(path)
    return files


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def fastest(fns: list[Callable[[], object]], repeat: int) -> list[float]:
    """The fastest time of each of `fns`, run in turn `repeat` times."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            times[i].append(timed(fn))
    return [min(t) for t in times]


def raw_parse(files: list[Path]) -> None:
    gc.disable()
    try:
        for path in files:
            orjson.loads(path.read_bytes())
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "jobs"
        files = write_jobs(root, args.trials, args.jobs)
        size = sum(os.path.getsize(f) for f in files)
        print(f"{len(files):,} trials in {args.jobs} jobs, result.json {size / len(files) / 1024:.1f} KB each")
        raw_parse(files)  # warm the page cache
        results = load(root)
        cells = [row for sweep in results.sweeps for row in sweep.cells]
        assert len(cells) == len(files) and not results.problems, (len(cells), results.problems[:3])
        raw, loaded = fastest([lambda: raw_parse(files), lambda: load(root)], args.repeat)
        print(f"read + orjson.loads of every result.json: {raw * 1000:8.1f} ms")
        print(f"cabtui load (discovery + index):          {loaded * 1000:8.1f} ms")
        print(f"ratio load / raw parse:                   {loaded / raw:8.2f}  (target <= 2.0)")
        row = cells[len(cells) // 2]

        def open_one() -> None:
            opened = open_record(row).cell
            assert opened is not None
            load_artifacts(opened, row.source)

        print(f"open one cell (record + artifacts):       {fastest([open_one], args.repeat)[0] * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
