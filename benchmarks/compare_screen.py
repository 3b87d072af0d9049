"""Opening the Compare screen, and a pair of cells from it, on two 100,000-cell sweeps.

Writes two sweeps of real-shaped cells with benchmarks/synth.py (the same cells, outcomes and
scores drawn from different seeds, so about half the cells change), loads both once, then prints:

1. the data part, in-process: each sweep's keys (rows by (tui, model, task, run) and the
   per-group counts, `sweep_keys`: built once per sweep, by the sweeps screen in the background
   as soon as it shows), then `compare_sweeps` on keyed sweeps: what the screen's worker does;
2. the UI, in `App.run_test(size=(160, 45))` on the folder holding both sweeps, after the app
   has loaded and keyed them (its background warm-up), each from the key (`App.simulate_key`,
   so no Pilot wait is counted) to the first frame drawn once the screen got there: `c` on the
   sweeps screen to the Compare screen mounted (it says "comparing…") and to its tables filled
   (the worker's result handled); then `enter` on the first changed cell to the pair screen
   with both records read again (`open_record` + artifacts, each side).

The target of issue 11: the Compare screen opens on two 100k sweeps within 0.5 s of their load.
A frame is a call of `App._display` with an update, as benchmarks/ui_paint.py counts them.
Timings are medians of --repeat runs. Figures only, no assertions.

    python benchmarks/compare_screen.py [--cells 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # synth.py beside this script (benchmarks/ is not a package)

import synth  # noqa: E402

sys.path.insert(0, str(HERE.parent))

from textual.app import App  # noqa: E402

from cabtui.data.results import Sweep, compare_sweeps, load, sweep_keys  # noqa: E402
from cabtui.ui.app import make_app  # noqa: E402
from cabtui.ui.screens.compare import CompareScreen  # noqa: E402
from cabtui.ui.screens.sweeps import SweepsScreen  # noqa: E402

FRAMES: list[tuple[float, str]] = []
"""Each frame handed to the driver (as benchmarks/ui_paint.py counts them): when, and what it showed."""

_display = App._display


def _shows(app: App[Any]) -> str:
    """What the frame being drawn shows, in the terms the figures need."""
    from cabtui.ui.screens.pair import PairScreen

    screen = app.screen
    if isinstance(screen, CompareScreen):
        return "compare filled" if screen.comparison is not None else "compare mounted"
    if isinstance(screen, PairScreen):
        return "pair read" if all(h.loaded for h in screen.halves.values()) else "pair mounted"
    return type(screen).__name__


def _counting_display(self: App[Any], screen: Any, renderable: Any) -> None:
    if renderable is not None:
        FRAMES.append((time.perf_counter(), _shows(self)))
    _display(self, screen, renderable)


App._display = _counting_display  # type: ignore[method-assign]


async def _frame(after: float, shows: str, timeout: float = 60.0) -> float:
    """Seconds from `after` to the first frame showing `shows`. It waits in 20 ms sleeps: a
    tighter poll would take the GIL from the compare worker and slow down what is measured."""
    deadline = time.perf_counter() + timeout
    while True:
        found = [t for t, what in FRAMES if t > after and what == shows]
        if found:
            return found[0] - after
        if time.perf_counter() > deadline:
            raise TimeoutError(f"no frame showed {shows}")
        await asyncio.sleep(0.02)


async def _ui(root: Path, repeat: int) -> dict[str, list[float]]:
    app = make_app(root)
    figures: dict[str, list[float]] = {"mounted": [], "filled": [], "pair": []}
    async with app.run_test(size=(160, 45)) as pilot:
        await _frame(0.0, "SweepsScreen")
        await app.workers.wait_for_complete()  # the sweeps screen has keyed both sweeps
        sweeps = app.screen
        assert isinstance(sweeps, SweepsScreen)
        after = [s.sweep_id for s in sweeps.results.sweeps].index("synthetic-after")
        for _ in range(repeat):
            await pilot.press("home", *["down"] * after)
            await pilot.pause()
            started = time.perf_counter()
            app.simulate_key("c")
            figures["mounted"].append(await _frame(started, "compare mounted"))
            figures["filled"].append(await _frame(started, "compare filled"))
            await pilot.pause()
            await pilot.press("2")
            await pilot.pause()
            started = time.perf_counter()
            app.simulate_key("enter")
            figures["pair"].append(await _frame(started, "pair read"))
            await pilot.press("escape", "escape")
            await _frame(time.perf_counter() - 1.0, "SweepsScreen")
            await pilot.pause()
    return figures


def _ms(runs: list[float]) -> str:
    return f"{statistics.median(runs) * 1000:9.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cabtui-compare-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        synth.write_sweep(root / "before", args.cells, "synthetic-before", seed=7, started_at="2026-06-01T00:00:00Z")
        synth.write_sweep(root / "after", args.cells, "synthetic-after", seed=8, started_at="2026-06-10T00:00:00Z")
        print(f"sweeps             2 x {args.cells:,} cells, written in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        results = load(root)
        print(f"load (both)        {time.perf_counter() - started:9.2f} s  (not part of the target)")
        before, after = (results.sweep(name) for name in ("synthetic-before", "synthetic-after"))
        assert before is not None and after is not None
        keying, matching, changed = [], [], 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            for sweep in (before, after):  # a new Sweep of the same cells: built, not taken from the cache
                sweep_keys(Sweep(sweep.sweep_id, cells=sweep.cells))
            keying.append(time.perf_counter() - started)
            sweep_keys(before), sweep_keys(after)  # cached from here on, as after the warm-up
            started = time.perf_counter()
            comparison = compare_sweeps(before, after)
            matching.append(time.perf_counter() - started)
            changed = len(comparison.cells)
        print(f"changed cells      {changed:,}")
        print(f"keys (2 sweeps)    {_ms(keying)}  (sweep_keys: the sweeps screen builds them in the background)")
        print(f"data part          {_ms(matching)}  (compare_sweeps on keyed sweeps: the compare worker's work)")
        ui = asyncio.run(_ui(root, args.repeat))
        print(f"screen mounted     {_ms(ui['mounted'])}  (c pressed -> first frame of the screen, 'comparing…')")
        print(f"screen filled      {_ms(ui['filled'])}  (c pressed -> first frame with both tables, target <= 500)")
        print(f"pair opened        {_ms(ui['pair'])}  (enter on a changed cell -> first frame, both records read)")
        busy = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"load average       {busy} (a shared machine: others' work slows these down)")


if __name__ == "__main__":
    main()
