"""First-paint and interaction figures for the sweep screen.

Writes synthetic sweeps with benchmarks/synth.py into a temporary folder, then
prints:

1. first paint of a bare Textual app (Header, Static, Footer) and of cabtui on
   a 3,465-cell sweep (the real published size), loading included, each in a
   fresh subprocess: from spawning the process to the first frame of the
   target screen (the default Screen; the SweepScreen), and their ratio
   (target <= 2.0). Both run on a real driver in a pseudo-terminal, and again
   headless (`App.run(headless=True)`), which builds every frame but writes none.
2. on a 100,000-cell sweep loaded by the app itself, in-process with
   `App.run_test(size=(160, 45))`: the app's own first paint once the sweep is
   loaded (from `CabApp._first_data`, the first chunk in, to the first SweepScreen frame), pushing a fresh
   SweepScreen as the app does (its views from the loading worker),
   a filter (the real `/` key, typing, enter), `f`, `s`, `S`, `a`, tab switches
   and a page of the grid and table cursors (target <= 0.2 s each).

A frame is one call of `App._display` with a rendered update (the compositor
has drawn every dirty line; a real driver then writes it). In a fresh process
the columns are: modules imported, first frame of any screen, the sweep handed
to the UI thread (cabtui), PAINT (first frame of the target screen: the figure
the target is on), settled (the screen idle after it), and PAINT counted from
the child's first line instead of from spawn. Bare and cabtui starts alternate;
bytecode is cached in the temporary folder after a warm-up start of each.
In-process, animations are off (the tab underline slides for 0.3 s) and each
figure is timed from the key press to the first and to the LAST frame painted
before `pilot.press(...)` + `pilot.pause()` return (the target is on LAST
FRAME, the key's whole response, except for the sweep screen's first paint,
judged on its first frame and marked "(1st)": the later frames mount the
footer's keys), with the process CPU time of that window; the wall time of the pair is
printed too, and the same pair on a key bound to nothing shows the floor of
Pilot's own idle waits (three sleeps of 20 ms or more). Timings are medians.
Figures only, no assertions.

    python benchmarks/ui_paint.py [--cells 100000] [--small 3465] [--repeat 3] [--starts 5]
                                  [--part all|start|loaded]
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import gc
import importlib.util
import json
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
SIZE = (160, 45)
TARGET_S = 0.2

CHILD = r"""
import time
T0 = time.perf_counter()
import json, sys
mode, target, out, headless = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
from textual.app import App

marks = {"t0": T0}
want = "Screen" if mode == "bare" else "SweepScreen"
_display = App._display

def display(self, screen, renderable):
    _display(self, screen, renderable)
    if renderable is None or self._batch_count:
        return
    now = time.perf_counter()
    marks.setdefault("first_frame", now)
    if "paint" not in marks and type(screen).__name__ == want:
        marks["paint"] = now
        if mode != "bare":
            marks["filled"] = len(screen.query_one("#grid-view").grid.rows)
        screen.call_after_refresh(settled, self)

def settled(app):
    marks["settled"] = time.perf_counter()
    with open(out, "w") as f:
        json.dump(marks, f)
    app.exit()

App._display = display
if headless:
    _run = App.run
    def run(self, *args, **kwargs):
        kwargs["headless"] = True
        return _run(self, *args, **kwargs)
    App.run = run

if mode == "bare":
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        def compose(self):
            yield Header()
            yield Static("Hello from a bare Textual app.")
            yield Footer()

    marks["imported"] = time.perf_counter()
    Bare().run()
else:
    from cabtui.cli.main import main

    marks["imported"] = time.perf_counter()
    from cabtui.ui.app import CabApp

    _loaded = CabApp._first_data

    def loaded(self, *args):
        marks["loaded"] = time.perf_counter()
        _loaded(self, *args)

    CabApp._first_data = loaded
    main([target])
"""


def _synth() -> ModuleType:
    """benchmarks/synth.py, imported by path (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("cabtui_bench_synth", HERE / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ms(seconds: float | None) -> str:
    return "      -   " if seconds is None else f"{seconds * 1000:7.1f} ms"


def _child_env(tmp: Path) -> dict[str, str]:
    """A plain terminal; bytecode cached in `tmp` (an editable install under PYTHONDONTWRITEBYTECODE
    would otherwise compile cabtui from source at every start, and Textual not)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TEXTUAL") and k not in ("PYTHONDONTWRITEBYTECODE", "NO_COLOR")
    }
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        COLUMNS=str(SIZE[0]),
        LINES=str(SIZE[1]),
        PYTHONPYCACHEPREFIX=str(tmp / "pycache"),
    )
    return env


def _drain(fd: int) -> None:
    """Read and drop whatever the child writes to its terminal, until it closes."""
    while True:
        try:
            if not os.read(fd, 65536):
                return
        except OSError:
            return


def _start(mode: str, target: Path, *, headless: bool, tmp: Path) -> dict[str, float]:
    """Spawn a fresh process that paints `mode`'s first screen and exits; its marks, from spawn."""
    out = tmp / f"marks-{mode}-{os.getpid()}-{time.monotonic_ns()}.json"
    argv = [sys.executable, "-c", CHILD, mode, str(target), str(out), "1" if headless else "0"]
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    reader = threading.Thread(target=_drain, args=(master,), daemon=True)
    reader.start()
    spawned = time.perf_counter()  # CLOCK_MONOTONIC: the same clock in the child
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=_child_env(tmp), start_new_session=True, close_fds=True
    )
    os.close(slave)
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    os.close(master)
    reader.join(timeout=5)
    if not out.exists():
        raise RuntimeError(f"{mode} child wrote no marks (exit {proc.returncode})")
    marks = json.loads(out.read_text())
    out.unlink()
    rel = {k: v - spawned for k, v in marks.items() if k not in ("filled",)}
    rel["in_child"] = marks["paint"] - marks["t0"]
    rel["filled"] = marks.get("filled", -1)
    return rel


def _median_marks(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def first_paint(small_path: Path, starts: int, tmp: Path) -> None:
    """Section 1: bare Textual vs cabtui, process start to first frame of the target screen."""
    print(f"\n== 1. first paint in a fresh process, {SIZE[0]}x{SIZE[1]}, median of {starts}; times from spawn ==")
    print(f"{'':34} {'imported':>10} {'1st frame':>10} {'loaded':>10} {'PAINT':>10} {'settled':>10} {'in child':>10}")
    for headless in (False, True):
        how = "headless" if headless else "pty"
        figures = {}
        runs_of: dict[str, list[dict[str, float]]] = {"bare": [], "cabtui": []}
        for mode in runs_of:
            _start(mode, small_path, headless=headless, tmp=tmp)  # warm the OS file and bytecode caches
        for _ in range(starts):  # alternate, so the machine's load weighs on both alike
            for mode, runs in runs_of.items():
                runs.append(_start(mode, small_path, headless=headless, tmp=tmp))
        for mode, runs in runs_of.items():
            if mode == "cabtui" and any(run["filled"] <= 0 for run in runs):
                print("   (warning: the first SweepScreen frame came before its grid was filled)")
            m = figures[mode] = _median_marks(runs)
            label = "bare Textual app" if mode == "bare" else f"cabtui, {small_path.name}"
            print(
                f"{how:>8} {label:<25} {_ms(m['imported'])} {_ms(m['first_frame'])} {_ms(m.get('loaded'))} "
                f"{_ms(m['paint'])} {_ms(m['settled'])} {_ms(m['in_child'])}"
            )
        ratio = figures["cabtui"]["paint"] / figures["bare"]["paint"]
        ratio_child = figures["cabtui"]["in_child"] / figures["bare"]["in_child"]
        ratio_settled = figures["cabtui"]["settled"] / figures["bare"]["settled"]
        flag = "ok" if ratio <= 2.0 else "OVER"
        print(
            f"{how:>8} PAINT ratio cabtui / bare  {ratio:6.2f} x   target <= 2.0 {flag}   "
            f"(in child {ratio_child:.2f} x, settled {ratio_settled:.2f} x)"
        )


# ---- in-process, 100k cells -------------------------------------------------

FRAMES: list[float] = []
PAINTED: list[float] = []
"""When the app's loading worker handed the sweep to the UI thread, then its first SweepScreen frame."""


def _hook_frames() -> None:
    """Record the time of every frame the app renders (headless builds them and writes nothing)."""
    from textual.app import App

    original = App._display

    def display(self: Any, screen: Any, renderable: Any) -> None:
        original(self, screen, renderable)
        if renderable is not None and not self._batch_count:
            FRAMES.append(time.perf_counter())
            if len(PAINTED) == 1 and type(screen).__name__ == "SweepScreen":
                PAINTED.insert(0, FRAMES[-1])

    App._display = display  # type: ignore[method-assign]


@dataclass
class Run:
    """One timed action: wall of the action + `pilot.pause()`, first and last frame, CPU time."""

    wall: float
    first: float | None
    last: float | None
    cpu: float


@dataclass
class Row:
    name: str
    runs: list[Run] = field(default_factory=list)
    note: str = ""
    target: bool = True
    on_first: bool = False
    """The target is on the first frame (a first paint), not the LAST FRAME (a key's whole response)."""


async def _timed(pilot: Any, act: Callable[[], Awaitable[Any]]) -> Run:
    """Time `act` and the `pilot.pause()` after it, and the frames painted meanwhile."""
    gc.collect()
    mark = len(FRAMES)
    cpu = time.process_time()
    start = time.perf_counter()
    await act()
    await pilot.pause()
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    frames = FRAMES[mark:]
    return Run(wall, frames[0] - start if frames else None, frames[-1] - start if frames else None, cpu)


def _med(values: list[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return statistics.median(got) if got else None


def _print_rows(rows: list[Row]) -> None:
    print(f"{'':30} {'1st frame':>10} {'LAST FRAME':>10} {'worst':>10} {'cpu':>10} {'wall':>10}  target")
    for row in rows:
        last = _med([r.last for r in row.runs])
        worst = max((r.last for r in row.runs if r.last is not None), default=None)
        judged = _med([r.first for r in row.runs]) if row.on_first else last
        flag = ""
        if row.target:
            flag = f"<= {TARGET_S:.1f} s {'ok' if judged is not None and judged <= TARGET_S else 'OVER'}"
            flag += " (1st)" if row.on_first else ""
        print(
            f"{row.name:<30} {_ms(_med([r.first for r in row.runs]))} {_ms(last)} {_ms(worst)} "
            f"{_ms(_med([r.cpu for r in row.runs]))} {_ms(_med([r.wall for r in row.runs]))}  {flag:<13}"
            f"{'  ' + row.note if row.note else ''}"
        )


async def _keys(pilot: Any, rows: list[Row], name: str, keys: list[str], note: str = "", *, target: bool = True) -> Row:
    row = Row(name, note=note, target=target)
    for key in keys:
        row.runs.append(await _timed(pilot, lambda key=key: pilot.press(key)))
    rows.append(row)
    return row


async def _interact(path: Path, repeat: int) -> None:
    """Section 2: the app loads the large sweep, then every figure is taken on its SweepScreen."""
    from textual.widgets import Input

    from cabtui.data.results.query import sweep_views
    from cabtui.ui.app import CabApp, make_app
    from cabtui.ui.screens.sweep import SweepScreen
    from cabtui.ui.screens.sweep_panes import CellsPane
    from cabtui.ui.widgets.table import VirtualTable

    original = CabApp._first_data

    def loaded(self: CabApp, *args: Any) -> None:
        PAINTED[:] = [time.perf_counter()]
        original(self, *args)

    CabApp._first_data = loaded  # type: ignore[method-assign]
    app = make_app(path)
    rows: list[Row] = []
    async with app.run_test(size=SIZE) as pilot:
        app.animation_level = "none"  # the tab underline slides for 0.3 s: time, not work
        start = time.perf_counter()
        while not (
            isinstance(app.screen, SweepScreen)
            and not app.screen.incomplete
            and app.screen.built == len(app.screen.sweep.cells)
        ):  # the whole sweep read and its views built (the first data comes after one chunk)
            await pilot.pause(0.02)
            if time.perf_counter() - start > 300:
                raise RuntimeError("the sweep did not load in 300 s")
        await pilot.pause()
        loaded = FRAMES[-1] - start if FRAMES else time.perf_counter() - start
        assert app.results is not None
        sweep = app.results.sweeps[0]

        await _keys(pilot, rows, "no-op key (Pilot's own waits)", ["z"] * repeat, target=False)

        # A fresh SweepScreen as the app opens one: the loading worker has built its views
        # (query.sweep_views) off the UI thread; construct, mount, paint.
        first = app.screen
        assert isinstance(first, SweepScreen)
        row = Row("sweep screen first paint", on_first=True)
        builds = []
        for _ in range(repeat):

            async def push() -> None:
                t0 = time.perf_counter()
                screen = SweepScreen(sweep, views=first.views)
                builds.append(time.perf_counter() - t0)
                await app.push_screen(screen)

            row.runs.append(await _timed(pilot, push))
            await app.pop_screen()
            await pilot.pause()
        t0 = time.perf_counter()
        sweep_views(sweep.cells)
        views = time.perf_counter() - t0
        gc.collect()  # that copy is garbage: not left for a collection inside a timed key
        row.note = (
            f"(SweepScreen(...) alone: {statistics.median(builds) * 1000:.0f} ms; the pivot, its range, "
            f"the leaderboard, axes and pass count, built in the loading worker: {views * 1000:.0f} ms)"
        )
        rows.append(row)
        row = Row("  the app's own: results in, to paint", on_first=True)
        painted = PAINTED[0] - PAINTED[1] if len(PAINTED) == 2 else None
        row.runs.append(Run(0.0, painted, None, 0.0))
        row.note = "(from the first chunk in (CabApp._first_data) to the first SweepScreen frame; once)"
        rows.append(row)
        screen = app.screen
        assert isinstance(screen, SweepScreen)
        cells = screen.query_one(CellsPane)

        await _keys(pilot, rows, "grid: pagedown", ["pagedown"] * repeat)
        await _keys(
            pilot, rows, "grid: a (next axis)", ["a"] * len(screen.axes), f"(each of the {len(screen.axes)} axes once)"
        )
        await _keys(pilot, rows, "tab 3 (cells)", ["3"])
        await _keys(pilot, rows, "cells: pagedown", ["pagedown"] * repeat)

        # The filter: `/`, type, enter applies; then `/`, ctrl+u, enter clears it.
        query = "tui:aider status:fail"
        box = screen.query_one("#cells-filter", Input)
        box.cursor_blink = False  # a blinking cursor paints frames of its own
        opened, applied, cleared = (
            Row("cells: / (open the filter)"),
            Row("cells: filter (enter)"),
            Row("cells: filter cleared (enter)"),
        )
        typing = []
        shown = 0
        for _ in range(repeat):
            opened.runs.append(await _timed(pilot, lambda: pilot.press("slash")))
            t0 = time.perf_counter()
            await pilot.press(*query)
            await pilot.pause()
            typing.append(time.perf_counter() - t0)
            applied.runs.append(await _timed(pilot, lambda: pilot.press("enter")))
            shown = len(cells.shown)
            await pilot.press("slash", "ctrl+u")
            await pilot.pause()
            cleared.runs.append(await _timed(pilot, lambda: pilot.press("enter")))
        applied.note = (
            f"(real keys: '/', then {len(query)} keys typed ({statistics.median(typing):.1f} s wall "
            f"with Pilot's waits), then enter is timed; {query!r}: {shown:,} rows)"
        )
        cleared.note = f"({len(cells.shown):,} rows; query now {cells.query_text!r})"
        rows += [opened, applied, cleared]

        on, off = Row("cells: f (failed only on)"), Row("cells: f (failed only off)")
        failed = 0
        for _ in range(repeat):
            on.runs.append(await _timed(pilot, lambda: pilot.press("f")))
            failed = len(cells.shown)
            off.runs.append(await _timed(pilot, lambda: pilot.press("f")))
        on.note, off.note = f"({failed:,} rows)", f"({len(cells.shown):,} rows)"
        rows += [on, off]

        columns = len(screen.query_one("#cells-table", VirtualTable).columns)
        sort = Row("cells: s (sort, next column)")
        worst_key, worst = "", -1.0
        for _ in range(columns):
            run = await _timed(pilot, lambda: pilot.press("s"))
            sort.runs.append(run)
            if run.last is not None and run.last > worst and cells.cell_sort:
                worst, worst_key = run.last, cells.cell_sort[0]
        sort.note = f"(each of the {columns} columns once, {len(cells.shown):,} rows; worst: {worst_key})"
        rows.append(sort)
        await _keys(pilot, rows, "cells: S (reverse)", ["S"] * repeat)
        await _keys(pilot, rows, "cells: pagedown (sorted)", ["pagedown"] * repeat)
        await _keys(pilot, rows, "tab 1 (leaderboard)", ["1"])
        await _keys(pilot, rows, "tab 2 (grid)", ["2"])

        print(
            f"\n== 2. {len(sweep.cells):,}-cell sweep once loaded, in-process run_test {SIZE[0]}x{SIZE[1]}, "
            f"animations off, median of {repeat} unless noted =="
        )
        print(f"the app loaded it and painted its SweepScreen in {loaded:.2f} s (reference, no target)")
        print(
            "times from the key press: to the first and the LAST frame painted before Pilot's "
            "press + pause returned\n(target on LAST FRAME, on the 1st frame where marked (1st)); "
            "cpu = process time in that window; wall includes Pilot's idle waits (see the no-op key)"
        )
        _print_rows(rows)
        await pilot.press("q")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=100_000, help="cells of the large sweep")
    parser.add_argument("--small", type=int, default=3_465, help="cells of the first-paint sweep")
    parser.add_argument("--repeat", type=int, default=3, help="runs per in-process timing (median)")
    parser.add_argument("--starts", type=int, default=5, help="fresh processes per first paint (median)")
    parser.add_argument(
        "--part",
        choices=("all", "start", "loaded"),
        default="all",
        help="only the fresh-process first paint, or only the loaded large sweep",
    )
    args = parser.parse_args()

    from importlib.metadata import version

    synth = _synth()
    print(f"python {sys.version.split()[0]}, textual {version('textual')}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="cabtui-paint-") as tmp_name:
        tmp = Path(tmp_name)
        if args.part in ("all", "start"):
            small = synth.write_sweep(tmp / f"sweep-{args.small}", args.small).parent
            first_paint(small, args.starts, tmp)
        if args.part == "start":
            return
        started = time.perf_counter()
        large = synth.write_sweep(tmp / f"sweep-{args.cells}", args.cells)
        print(
            f"\n(wrote {args.cells:,} cells, {large.stat().st_size / 1e6:.0f} MB, in "
            f"{time.perf_counter() - started:.1f} s)"
        )
        _hook_frames()
        asyncio.run(_interact(large.parent, args.repeat))


if __name__ == "__main__":
    main()
