"""Figures for progressive loading and live sweeps (issue 13). Figures only, no assertions.

1. A big sweep (`--cells`, default 1,000,000, written by synth.py unless `--sweep` names one):
   a bare Textual app's first paint, cabtui's first screen with data and its fully loaded
   moment (both in a fresh headless process, from its start), a raw orjson parse of the
   same file, and resident memory per cell once loaded in the app.
2. Live: a sweep of `--live-cells` cells open in the app; one cell appended 50 times;
   the median time from the write to the cell being counted on screen (target <= 1 s).
3. Idle: a sweep of 500 cells with a trace and a recording each, being watched; the
   app's CPU over `--idle-s` seconds with nothing changing (target < 10 % of one core).

    python benchmarks/live_load.py [--cells 1000000] [--sweep DIR] [--repeat 3] [--live-cells 3465]
        [--idle-s 10] [--skip-big | --big-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # synth.py beside this script (benchmarks/ is not a package)

import synth  # noqa: E402

BARE = """
import time, sys
from textual.app import App
class Bare(App):
    def on_mount(self):
        self.call_after_refresh(self.done)
    def done(self):
        print(time.time(), flush=True)
        self.exit()
Bare().run(headless=True, size=(160, 45))
"""

CABTUI = """
import gc, sys, time
from pathlib import Path

def rss_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])

before = rss_kb()
from cabtui.ui.app import make_app
from cabtui.ui.feed import Grew
from cabtui.ui.screens.sweep import SweepScreen

app = make_app(Path(sys.argv[1]))
seen = {}

def painted():
    seen.setdefault("first", time.time())

def check(message):
    if isinstance(message, Grew):
        if "first" not in seen:
            app.call_after_refresh(painted)
        if not message.progress.loading and "loaded" not in seen:
            seen["loaded"] = time.time()
            seen["loaded_cpu"] = time.process_time()
            seen["cells"] = sum(len(s.cells) for s in message.results.sweeps)
            app.set_interval(0.2, views_done)

def views_done():
    screen = app.screen
    if isinstance(screen, SweepScreen) and screen.built == seen["cells"]:
        seen["views"] = time.time()
        gc.collect()
        seen["rss_kb"] = rss_kb() - before
        app.exit()

async def main():
    async with app.run_test(size=(160, 45), message_hook=check) as pilot:
        while "views" not in seen:
            await pilot.pause(0.1)

import asyncio
asyncio.run(main())
print(seen["first"], seen["loaded"], seen["views"], seen["cells"], seen["rss_kb"], seen["loaded_cpu"], flush=True)
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(HERE.parent)}


def _timed(code: str, *args: str) -> tuple[float, list[str]]:
    """Start a fresh interpreter on `code`; (its start time, the fields it printed)."""
    start = time.time()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=_env(), check=True)
    return start, done.stdout.split()


def _raw_parse(path: Path) -> tuple[float, float]:
    """Seconds of wall time and of CPU time to parse every line."""
    import gc

    import orjson

    gc.disable()
    try:
        start, cpu = time.perf_counter(), time.process_time()
        with path.open("rb") as handle:
            for raw in handle:
                if raw.strip():
                    orjson.loads(raw)
        return time.perf_counter() - start, time.process_time() - cpu
    finally:
        gc.enable()


def big_sweep(path: Path, cells: int, repeat: int) -> None:
    size = path.stat().st_size
    print(f"big sweep        {cells:,} cells, {size / 1e6:,.1f} MB")
    bare = []
    for _ in range(3):
        start, out = _timed(BARE)
        bare.append(float(out[0]) - start)
    bare_s = statistics.median(bare)
    print(f"bare Textual     first paint {bare_s * 1000:,.0f} ms after its process started (median of 3)")
    runs = []
    for _ in range(repeat):  # a shared machine: the median of fresh processes
        start, out = _timed(CABTUI, str(path))
        first, loaded, views = (float(v) - start for v in out[:3])
        runs.append((first, loaded, views, int(out[3]), int(out[4]), float(out[5])))
    first, loaded, views = (statistics.median(r[i] for r in runs) for i in range(3))
    count = runs[0][3]
    rss_kb, loaded_cpu = statistics.median(r[4] for r in runs), statistics.median(r[5] for r in runs)
    print(
        f"cabtui           first data on screen {first * 1000:,.0f} ms "
        f"({first / bare_s:.1f}x bare, target <= 3x; median of {repeat} runs)"
    )
    raws = [_raw_parse(path) for _ in range(repeat)]
    raw_s, raw_cpu = statistics.median(r[0] for r in raws), statistics.median(r[1] for r in raws)
    print(f"orjson raw       {raw_s:,.1f} s for every line ({raw_cpu:,.1f} s of CPU; median of {repeat})")
    print(
        f"cabtui           fully loaded {loaded:,.1f} s ({loaded / raw_s:.2f}x orjson, target <= 2x);"
        f" views of all {count:,} cells built {views:,.1f} s ({views / raw_s:.2f}x)"
    )
    print(
        f"cabtui CPU      {loaded_cpu:,.1f} s of CPU (all threads) until fully loaded, "
        f"{loaded_cpu / raw_cpu:.2f}x orjson's CPU (steadier than wall time on a shared machine)"
    )
    print(f"resident memory  {rss_kb * 1024 / max(count, 1):,.0f} B/cell in the app once loaded (today ~800 B)")


async def live_latency(folder: Path, appends: int) -> None:
    from cabtui.ui.app import make_app
    from cabtui.ui.screens.sweep import SweepScreen
    from cabtui.ui.widgets.table import VirtualTable

    template = next(synth.records(1, "live-sweep"))
    app = make_app(folder)
    latencies = []
    async with app.run_test(size=(160, 45)) as pilot:
        while not isinstance(app.screen, SweepScreen) or app.screen.incomplete:
            await pilot.pause(0.05)
        await pilot.press("3")
        screen = app.screen
        table = screen.query_one("#cells-table", VirtualTable)
        for i in range(appends):
            record = dict(template, task=f"live/appended-{i:03d}", cell_id=f"live-sweep/appended-{i}")
            count = table.row_count
            with (folder / "cells.jsonl").open("a") as handle:
                handle.write(json.dumps(record) + "\n")
                handle.flush()
                written = time.perf_counter()
            while table.row_count <= count:
                await pilot.pause(0.005)
            latencies.append(time.perf_counter() - written)
            await pilot.pause(0.05)
        kind = app.feed.watching if app.feed else "?"
    print(
        f"live append      on screen after median {statistics.median(latencies) * 1000:,.0f} ms, "
        f"max {max(latencies) * 1000:,.0f} ms over {appends} appends ({kind}; target <= 1 s)"
    )


async def idle_cpu(folder: Path, seconds: float) -> None:
    from cabtui.ui.app import make_app
    from cabtui.ui.screens.sweep import SweepScreen

    app = make_app(folder)
    async with app.run_test(size=(160, 45)) as pilot:
        while not isinstance(app.screen, SweepScreen) or app.screen.incomplete:
            await pilot.pause(0.05)
        await pilot.pause(1.0)
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.sleep(seconds)
        used = (time.process_time() - cpu) / (time.perf_counter() - wall)
        kind = app.feed.watching if app.feed else "?"
    print(
        f"idle watching    {used * 100:.1f} % of one core over {seconds:.0f} s, 500 cells' files "
        f"({kind}; target < 10 %)"
    )


def _artifact_sweep(folder: Path, cells: int) -> None:
    synth.write_sweep(folder, cells, sweep_id="live-sweep")
    for i in range(cells):
        cell = folder / "cells" / f"cell-{i:03d}"
        cell.mkdir(parents=True)
        (cell / "trace.jsonl").write_text('{"span_id": "a", "kind": "container", "start_ms": 0, "duration_ms": 1}\n')
        (cell / "recording.cast").write_text('{"version": 2, "width": 80, "height": 24}\n[0.1, "o", "hi"]\n')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=1_000_000)
    parser.add_argument("--sweep", type=Path, help="a cells.jsonl already written (else one is written)")
    parser.add_argument("--live-cells", type=int, default=3465)
    parser.add_argument("--idle-s", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3, help="cabtui runs on the big sweep (the median is shown)")
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--big-only", action="store_true", help="only the big sweep (no live, no idle figures)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cabtui-live-") as tmp:
        if not args.skip_big:
            path = args.sweep or synth.write_sweep(Path(tmp) / "big", args.cells)
            big_sweep(path, sum(1 for _ in path.open("rb")), args.repeat)
        if args.big_only:
            return
        live = Path(tmp) / "live"
        synth.write_sweep(live, args.live_cells, sweep_id="live-sweep")
        asyncio.run(live_latency(live, 50))
        idle = Path(tmp) / "idle"
        _artifact_sweep(idle, 500)
        asyncio.run(idle_cpu(idle, args.idle_s))


if __name__ == "__main__":
    main()
