"""Hostile recordings: feed rate and the worst seek, per case (figures for docs/terminal-emulator.md).

Each case is built in memory as a Recording. Printed: its output and its size as a .cast file,
the rate of feeding it through one Terminal (per MB of output and per MB of file: tiny
events cost their dispatch whatever their size), the time to index it (FramePlayer), then
the worst of `frame_at` over seeks spread over the whole recording after indexing, and the
keyframes it left. Run: `python benchmarks/hostile_feed.py [--only NAME]`.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson  # noqa: E402

from cabtui.data.term.asciicast import Event, Recording  # noqa: E402
from cabtui.data.term.keyframes import FramePlayer  # noqa: E402
from cabtui.data.term.parser import Terminal  # noqa: E402

E = "\x1b"
MB = 1 << 20


def recording(events: list[tuple[str, str]], cols: int, rows: int) -> Recording:
    evs = tuple(Event(i * 0.01, code, data) for i, (code, data) in enumerate(events))
    out = sum(len(d.encode("utf-8", "surrogatepass")) for c, d in events if c == "o")
    return Recording(2, cols, rows, None, evs[-1].time if evs else 0.0, evs, (), (), out)


def rep_flood() -> Recording:
    return recording([("o", "x" + f"{E}[65535b" * 1000) for _ in range(60)], 1, 1)


def rep_flood_wide() -> Recording:
    return recording([("o", f"{E}[H" + f"x{E}[65535b\r\n" * 50) for _ in range(1000)], 1000, 50)


def huge_put_run() -> Recording:
    return recording([("o", "a" * (8 * MB))], 200, 50)


def osc_split(intro: str) -> Callable[[], Recording]:
    return lambda: recording([("o", f"{E}{intro}")] + [("o", "z")] * 65_000 + [("o", "\x07done")], 80, 24)


def csi_split() -> Recording:
    return recording([("o", f"{E}[")] + [("o", "1")] * 65_000 + [("o", "mdone")], 80, 24)


def resize_storm() -> Recording:
    return recording([("r", "1000x1000" if i % 2 else "1x1") for i in range(2000)], 80, 24)


def fuzz() -> Recording:
    rng = random.Random(7)
    alphabet = "\x1b[];?0123456789;:mHJKLMPX@bhlrSTgIZ\x07\x08\n\r\t ab編🚀\u0301\u200d()0B#8cPq\\"
    return recording([("o", "".join(rng.choice(alphabet) for _ in range(4096))) for _ in range(500)], 200, 50)


def truecolour_erase() -> Recording:
    rng = random.Random(3)
    return recording(
        [
            (
                "o",
                "".join(
                    f"{E}[48;2;{rng.randrange(256)};{rng.randrange(256)};{rng.randrange(256)}m{E}[K"
                    for _ in range(1000)
                ),
            )
            for _ in range(200)
        ],
        200,
        50,
    )


def erase_display_flood() -> Recording:
    """Not in the issue: every ED 2 at 1000x1000 replaces a million cells for four characters."""
    return recording([("o", f"{E}[2J" * 256) for _ in range(20)], 1000, 1000)


def linefeed_flood() -> Recording:
    return recording([("o", "\n" * 65536) for _ in range(16)], 1000, 1000)


def insert_mode_text() -> Recording:
    return recording([("o", f"{E}[4h{E}[H" + "y" * 65536) for _ in range(8)], 1000, 50)


CASES: dict[str, Callable[[], Recording]] = {
    "rep-flood-width1": rep_flood,
    "rep-flood-1000cols": rep_flood_wide,
    "put-run-8M": huge_put_run,
    "osc-1char-events": osc_split("]"),
    "dcs-1char-events": osc_split("P"),
    "csi-1char-events": csi_split,
    "resize-storm": resize_storm,
    "fuzz": fuzz,
    "truecolour-erase": truecolour_erase,
    "insert-mode-1000cols": insert_mode_text,
    "linefeed-1000x1000": linefeed_flood,
    "erase-display-1000x1000": erase_display_flood,
}


def file_size(rec: Recording) -> int:
    """Bytes of the recording as an asciicast v2 file (what a user's disk holds)."""
    return sum(len(orjson.dumps([round(e.time, 6), e.code, e.data])) + 1 for e in rec.events) + 40


def feed_time(rec: Recording) -> float:
    term = Terminal(rec.cols, rec.rows)
    start = time.perf_counter()
    for e in rec.events:
        if e.code == "o":
            term.feed(e.data)
        else:
            cols, rows = (int(v) for v in e.data.split("x"))
            term.resize(cols, rows)
    return time.perf_counter() - start


def worst_seek(rec: Recording, seeks: int = 40) -> tuple[float, float, int]:
    player = FramePlayer(rec)
    start = time.perf_counter()
    player.build_index()
    t_index = time.perf_counter() - start
    rng = random.Random(1)
    times = [rec.duration * i / seeks for i in range(seeks + 1)] + [rng.uniform(0, rec.duration) for _ in range(seeks)]
    worst = 0.0
    for t in times:
        player.frame_at(rec.duration + 1)  # move away, so every seek restores a keyframe
        start = time.perf_counter()
        player.frame_at(t)
        worst = max(worst, time.perf_counter() - start)
    return t_index, worst, player.keyframe_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run one case")
    args = parser.parse_args()
    gc.disable()
    print(
        f"{'case':26} {'output':>9} {'file':>9} {'out MB/s':>9} {'file MB/s':>9} {'index s':>8} "
        f"{'worst ms':>11} {'keyframes':>9}"
    )
    for name, build in CASES.items():
        if args.only and args.only != name:
            continue
        rec = build()
        seconds = feed_time(rec)
        t_index, worst, keyframes = worst_seek(rec)
        output = sum(len(e.data.encode("utf-8", "surrogatepass")) for e in rec.events)
        size = file_size(rec)
        print(
            f"{name:26} {output / MB:8.2f}M {size / MB:8.2f}M {output / MB / seconds:9.2f} "
            f"{size / MB / seconds:9.2f} {t_index:8.2f} {worst * 1e3:11.1f} {keyframes:9}",
            flush=True,
        )


if __name__ == "__main__":
    main()
