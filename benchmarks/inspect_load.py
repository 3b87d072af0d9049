"""Load figures for a large Inspect AI `.eval` log: the grid from summaries only, a cell on demand.

Writes `.eval` logs of N samples (ids × epochs) in Inspect's documented layout (a zip of
zstd members: header.json, summaries.json, samples/<id>_epoch_<n>.json, reductions.json;
written by zipfile with a zstd compressor plugged in, as inspect_ai does with
zipfile-zstd), then prints for each N: the log's size; `load` (what the app does before
the grid: the index) and `sweep_views` (grid pivot and leaderboard) times, in this process
and in fresh ones (as the app starts: the goal is a grid in 2 s at 200,000 samples); how
many zip members were read while loading and whether any was a sample body; opening one
cell (record + events); and resident memory per sample in a fresh process, kept and at the
peak (flat as N grows). Timings are medians of --repeat runs. Figures only, no assertions.

    python benchmarks/inspect_load.py [--samples 10000 50000 200000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import zstandard

from cabtui.data.results import load, load_artifacts, open_record, sweep_views
from cabtui.data.results.readers import inspect_log

ZSTD = 93
EPOCHS = 8

RSS_PROBE = """
import gc, sys, time
from pathlib import Path
def status(key):
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith(key))
from cabtui.data.results import load, sweep_views
import cabtui.data.results.readers.inspect_reader, zstandard, pydantic_core, msgspec  # imports outside the figure
gc.collect(); before, peak_before = status("VmRSS:"), status("VmHWM:")
start, cpu = time.perf_counter(), time.process_time()
results = load(Path(sys.argv[1]))
loaded = time.perf_counter()
sweep_views(results.sweeps[0].cells)
shown, cpu = time.perf_counter(), time.process_time() - cpu
gc.collect()
cells = sum(len(s.cells) for s in results.sweeps)
print(cells, (status("VmRSS:") - before) * 1024 / cells, (status("VmHWM:") - peak_before) * 1024 / cells,
      loaded - start, shown - start, cpu)
"""
"""Run in a fresh process, as the app loads: the load and the views (the grid's first screen), the
memory the index keeps (RSS after) and the most it took meanwhile (peak RSS), per sample, and the
CPU time of load + views (on a shared machine, the wall time also counts waiting for a core)."""


class _ZstdCompressor:
    """What zipfile asks of a compressor, over zstandard."""

    def __init__(self) -> None:
        self._c = zstandard.ZstdCompressor(level=3).compressobj()

    def compress(self, data: bytes) -> bytes:
        return self._c.compress(data)

    def flush(self) -> bytes:
        return self._c.flush()


@contextmanager
def zstd_members() -> Iterator[None]:
    """Let zipfile write method-93 members (Python < 3.14 cannot): a benchmark-only patch."""
    check, get = zipfile._check_compression, zipfile._get_compressor  # type: ignore[attr-defined]
    zipfile._check_compression = lambda c: None if c == ZSTD else check(c)  # type: ignore[attr-defined]
    zipfile._get_compressor = lambda t, level=None: _ZstdCompressor() if t == ZSTD else get(t, level)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        zipfile._check_compression, zipfile._get_compressor = check, get  # type: ignore[attr-defined]


def _summary(i: int, epoch: int) -> dict[str, Any]:
    correct = (i * 7 + epoch) % 3 != 0
    return {
        "id": f"sample-{i:06d}",
        "epoch": epoch,
        "input": f"Question {i}: what is {i} + {epoch}?",
        "target": str(i + epoch),
        "metadata": {},
        "scores": {
            "match": {"value": "C" if correct else "I", "answer": str(i + epoch), "explanation": "", "history": []}
        },
        "model_usage": {
            "openai/gpt-4.1-mini": {"input_tokens": 180 + i % 50, "output_tokens": 12, "total_tokens": 192 + i % 50}
        },
        "role_usage": {},
        "started_at": f"2026-05-28T20:{(i // 60) % 60:02d}:{i % 60:02d}.250000+00:00",
        "completed_at": f"2026-05-28T20:{(i // 60) % 60:02d}:{i % 60:02d}.950000+00:00",
        "total_time": 0.7,
        "working_time": 0.65,
        "uuid": f"u{i}e{epoch}",
        "retries": 0,
        "completed": True,
        "message_count": 2,
        "turn_count": 1,
    }


def _sample(summary: dict[str, Any]) -> dict[str, Any]:
    stamp = summary["started_at"]
    events = [
        {"event": "span_begin", "id": "s1", "type": "solvers", "name": "solvers", "timestamp": stamp},
        {
            "event": "model",
            "uuid": "m1",
            "span_id": "s1",
            "model": "openai/gpt-4.1-mini",
            "timestamp": stamp,
            "completed": summary["completed_at"],
            "input": [{"role": "user", "content": summary["input"]}],
            "output": {"completion": summary["target"], "usage": {"input_tokens": 180, "output_tokens": 12}},
        },
        {"event": "span_end", "id": "s1", "timestamp": summary["completed_at"]},
    ]
    return {**summary, "messages": [], "output": {}, "events": events, "attachments": {}}


def write_log(path: Path, samples: int) -> None:
    ids = samples // EPOCHS
    header = {
        "version": 2,
        "status": "success",
        "eval": {
            "eval_id": "bench",
            "run_id": "bench-run",
            "created": "2026-05-28T20:00:00+00:00",
            "task": "inspect_evals/bench_arith",
            "model": "openai/gpt-4.1-mini",
            "solver": "inspect_ai/generate",
            "dataset": {"samples": ids},
            "config": {"epochs": EPOCHS},
        },
        "plan": {"name": "plan", "steps": [{"solver": "generate", "params": {}}]},
        "results": {"total_samples": samples, "scores": [{"name": "match", "scorer": "match"}]},
        "stats": {"started_at": "2026-05-28T20:00:00+00:00", "completed_at": "2026-05-28T21:00:00+00:00"},
    }
    summaries = [_summary(i, e) for e in range(1, EPOCHS + 1) for i in range(ids)]
    with zstd_members(), zipfile.ZipFile(path, "w", compression=ZSTD) as out:
        for summary in summaries:
            body = _sample(dict(summary))
            out.writestr(f"samples/{summary['id']}_epoch_{summary['epoch']}.json", orjson.dumps(body))
        out.writestr("summaries.json", orjson.dumps(summaries))
        out.writestr("reductions.json", b"[]")
        out.writestr("header.json", orjson.dumps(header))


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, got = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        got = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), got


@contextmanager
def counted_reads() -> Iterator[list[str]]:
    """Names of the zip members read meanwhile (the reader's one way to a member)."""
    names: list[str] = []
    real = inspect_log.read_member

    def counting(path: Path, member: Any, limit: int) -> bytes:
        names.append(member.name)
        return real(path, member, limit)

    inspect_log.read_member = counting  # type: ignore[assignment]
    try:
        yield names
    finally:
        inspect_log.read_member = real


def bench(samples: int, repeat: int, folder: Path) -> None:
    logs = folder / f"logs-{samples}"
    logs.mkdir()
    log = logs / "2026-05-28T20-00-00+00-00_bench-arith_bench.eval"
    start = time.perf_counter()
    write_log(log, samples)
    written = time.perf_counter() - start
    with counted_reads() as names:
        load_s, results = median_time(lambda: load(logs), repeat)
    cells = results.sweeps[0].cells
    bodies = sum(1 for n in names if n.startswith("samples/"))
    views_s, _ = median_time(lambda: sweep_views(cells), repeat)

    def open_cell(i: int) -> None:
        row = cells[i]
        opened = open_record(row).cell
        assert opened is not None
        load_artifacts(opened, row.source)

    with counted_reads() as opened_names:  # the first: the log's header and directory read, cached after
        first_s, _ = median_time(lambda: open_cell(len(cells) // 2), 1)
    picks = iter(range(1, len(cells), max(len(cells) // (repeat + 1), 1)))
    open_s, _ = median_time(lambda: open_cell(next(picks)), repeat)
    fresh = [_fresh(logs) for _ in range(repeat)]
    fresh_load, fresh_grid, fresh_cpu = (statistics.median(f[i] for f in fresh) for i in (2, 3, 4))
    spread = f"{min(f[3] for f in fresh):.2f}-{max(f[3] for f in fresh):.2f}"
    print(
        f"{samples:>8,} samples  {log.stat().st_size / 1e6:7.1f} MB (written in {written:5.1f} s)\n"
        f"    in this process: load {load_s:5.2f} s + views {views_s:5.2f} s = grid {load_s + views_s:5.2f} s\n"
        f"    fresh process:   load {fresh_load:5.2f} s, grid {fresh_grid:5.2f} s (median of {repeat}, {spread}), "
        f"CPU {fresh_cpu:5.2f} s\n"
        f"    members read {len(names) // repeat} ({bodies} sample bodies); "
        f"open the first cell {first_s * 1000:6.1f} ms, others {open_s * 1000:5.1f} ms "
        f"(members read: {sorted(set(opened_names))})\n"
        f"    memory a sample: {statistics.median(f[0] for f in fresh) / 1024:5.2f} KB kept (RSS after), "
        f"{statistics.median(f[1] for f in fresh) / 1024:5.2f} KB at the peak"
    )


def _fresh(logs: Path) -> tuple[float, float, float, float, float]:
    """(RSS kept, peak RSS, per sample in bytes; load s; grid s; grid CPU s) of a load in a new interpreter."""
    probe = subprocess.run([sys.executable, "-c", RSS_PROBE, str(logs)], capture_output=True, text=True, check=True)
    _, kept, peak, load_s, grid_s, cpu_s = probe.stdout.split()
    return float(kept), float(peak), float(load_s), float(grid_s), float(cpu_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--samples", type=int, nargs="+", default=[10_000, 50_000, 200_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for samples in args.samples:
            bench(samples, args.repeat, Path(tmp))


if __name__ == "__main__":
    main()
