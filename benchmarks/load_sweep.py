"""Load figures for a large synthetic sweep.

Writes a sweep of real-shaped cells with benchmarks/synth.py into a temporary
folder, then prints: the file size; a raw `orjson.loads` over every line (GC
paused, as the loader does); `cabtui.data.results.loader.load` on the same file; their
ratio (target <= 2.0); resident memory per loaded cell, measured in a fresh
subprocess (target <= 5 KB); and the time of filter, sort, leaderboard and
pivot over the loaded cells. Timings are the median of --repeat runs. Figures
only, no assertions.

    python benchmarks/load_sweep.py [--cells 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson

from cabtui.data.results.filter import filter_cells, parse_query
from cabtui.data.results.loader import load
from cabtui.data.results.query import leaderboard, pivot, sort_cells

HERE = Path(__file__).resolve().parent

RSS_PROBE = """
import gc, json, sys
from pathlib import Path

def rss_kb(field="VmRSS"):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

from cabtui.data.results.loader import load
gc.collect()
before = rss_kb()
results = load(Path(sys.argv[1]))
gc.collect()
after = rss_kb()
cells = sum(len(s.cells) for s in results.sweeps)
print(json.dumps({"before_kb": before, "after_kb": after, "peak_kb": rss_kb("VmHWM"), "cells": cells,
                  "problems": len(results.problems)}))
"""


def _synth() -> ModuleType:
    """benchmarks/synth.py, imported by path (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("cabtui_bench_synth", HERE / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of `fn` over `repeat` runs, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        result = None
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _raw_parse(path: Path) -> int:
    """What the loader cannot beat: read every line and orjson.loads it, GC paused."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        count = 0
        with path.open("rb") as handle:
            for raw in handle:
                if raw.strip():
                    orjson.loads(raw)
                    count += 1
        return count
    finally:
        if was_enabled:
            gc.enable()


def _rss(path: Path) -> dict[str, int]:
    done = subprocess.run([sys.executable, "-c", RSS_PROBE, str(path)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    args = parser.parse_args()

    synth = _synth()
    with tempfile.TemporaryDirectory(prefix="cabtui-load-") as tmp:
        started = time.perf_counter()
        path: Path = synth.write_sweep(Path(tmp) / "synthetic-sweep", args.cells)
        size = path.stat().st_size
        print(
            f"sweep            {args.cells:,} cells, {size / 1e6:.1f} MB "
            f"({size / args.cells:,.0f} B/line), written in {time.perf_counter() - started:.1f} s"
        )
        print(f"python           {sys.version.split()[0]}, orjson {orjson.__version__}, median of {args.repeat}")

        raw_s, raw_count = _median_time(lambda: _raw_parse(path), args.repeat)
        print(f"orjson raw       {_ms(raw_s)}  ({raw_count:,} lines, {raw_count / raw_s:,.0f} lines/s)")

        def cabtui_load() -> Any:
            return load(path)

        load_s, results = _median_time(cabtui_load, args.repeat)
        cells = [row for sweep in results.sweeps for row in sweep.cells]
        print(
            f"cabtui load      {_ms(load_s)}  ({len(cells):,} cells, {len(results.problems)} problems, "
            f"{len(cells) / load_s:,.0f} cells/s)"
        )
        print(f"ratio            {load_s / raw_s:9.2f}     (target <= 2.0)")

        rss = _rss(path)
        per_cell = (rss["after_kb"] - rss["before_kb"]) * 1024 / max(rss["cells"], 1)
        print(
            f"resident memory  {per_cell:9.0f} B/cell (target <= 5120): {rss['before_kb'] / 1024:.1f} MB "
            f"before, {rss['after_kb'] / 1024:.1f} MB after loading {rss['cells']:,} cells in a fresh "
            f"process (peak {rss['peak_kb'] / 1024:.1f} MB)"
        )

        query = parse_query("tui:aider status:fail")
        operations: list[tuple[str, Callable[[], Any]]] = [
            ("filter terms", lambda: filter_cells(cells, query)),
            ("filter text", lambda: filter_cells(cells, parse_query("task-01 -vendor3"))),
            ("failed only", lambda: filter_cells(cells, parse_query(""), failed_only=True)),
            ("sort by tui", lambda: sort_cells(cells, "tui")),
            ("sort by wall", lambda: sort_cells(cells, "latency", descending=True)),
            ("leaderboard", lambda: leaderboard(cells)),
            ("pivot", lambda: pivot(cells)),
        ]
        for name, fn in operations:
            took, got = _median_time(fn, args.repeat)
            if name == "pivot":
                detail = f"{len(got.rows)} rows x {len(got.columns)} tasks, {len(got.squares):,} squares"
            else:
                detail = f"{len(got):,} rows"
            print(f"{name:<16} {_ms(took)}  ({detail})")


if __name__ == "__main__":
    main()
