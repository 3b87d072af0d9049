"""`cabtui serve` on the demo sweep: what a browser tab waits for, and what each tab costs.

Starts the server as a subprocess (as the tests do: tests/serve/server.py) and opens
websockets as the page does, reading the screen with cabtui's own emulator. Prints: the
server's start until it listens; per tab (opened one after another) the time from opening
the websocket to the grid on screen and the bytes that took; `enter` to the cell page drawn;
then TABS tabs at once: until all show the grid, each app process's memory (VmRSS), and
SIGTERM to the server's exit with them all open. Medians of --repeat; figures only.

    python benchmarks/serve.py [--repeat 5] [--tabs 4]
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import statistics
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.serve.server import Served, Session, children, serving, wait_for  # noqa: E402

COLS, ROWS = 160, 45
GRID = "35 rows × 12 tasks"


async def _open(http: aiohttp.ClientSession, served: Served) -> Session:
    ws = await http.ws_connect(f"ws://127.0.0.1:{served.port}/ws?width={COLS}&height={ROWS}")
    await ws.send_json(["resize", {"width": COLS, "height": ROWS}])
    return Session(ws, COLS, ROWS)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _one_tab(served: Served) -> tuple[float, int, float]:
    async with aiohttp.ClientSession() as http:
        start = time.perf_counter()
        session = await _open(http, served)
        await session.until(lambda t: GRID in t, "the grid")
        first = time.perf_counter() - start
        size = len(session.output)
        start = time.perf_counter()
        await session.press("\r")
        await session.until(lambda t: "Run identity" in t, "the cell page")
        enter = time.perf_counter() - start
        await session.ws.close()
    wait_for(lambda: not children(served.process.pid), "the tab's app to end")
    return first, size, enter


async def _many_tabs(served: Served, tabs: int) -> tuple[float, list[float], float]:
    async with aiohttp.ClientSession() as http:
        start = time.perf_counter()
        sessions = await asyncio.gather(*(_open(http, served) for _ in range(tabs)))
        await asyncio.gather(*(s.until(lambda t: GRID in t, "the grid") for s in sessions))
        all_up = time.perf_counter() - start
        rss = [_rss_mb(pid) for pid in children(served.process.pid)]
        reading = [asyncio.create_task(s.closed_by_server()) for s in sessions]
        start = time.perf_counter()
        code = await asyncio.to_thread(served.stop, signal.SIGTERM)
        stopped = time.perf_counter() - start
        await asyncio.gather(*reading)
        assert code == 0
    return all_up, rss, stopped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tabs", type=int, default=4)
    args = parser.parse_args()

    listen, first, size, enter, all_up, rss, stopped = [], [], [], [], [], [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        with serving() as served:
            listen.append(time.perf_counter() - start)
            f, s, e = asyncio.run(_one_tab(served))
            first.append(f)
            size.append(s)
            enter.append(e)
            up, mb, stop = asyncio.run(_many_tabs(served, args.tabs))
            all_up.append(up)
            rss.extend(mb)
            stopped.append(stop)

    med = statistics.median
    print(f"cabtui serve, demo sweep, {COLS}x{ROWS} tabs, median of {args.repeat}:")
    print(f"  server start until listening      {med(listen) * 1000:7.0f} ms")
    print(f"  new tab until the grid is drawn   {med(first) * 1000:7.0f} ms  ({med(size) / 1024:.0f} KiB sent)")
    print(f"  enter until the cell page drawn   {med(enter) * 1000:7.0f} ms")
    print(f"  {args.tabs} tabs at once until all drawn   {med(all_up) * 1000:7.0f} ms")
    print(f"  memory of one tab's app (VmRSS)   {med(rss):7.0f} MB")
    print(f"  SIGTERM with {args.tabs} tabs until exit     {med(stopped) * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
