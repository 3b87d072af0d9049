"""Seek and playback figures for a large terminal recording.

Generates a 20 MB, 10-minute asciicast v2 recording at 200x50 of realistic
agent-CLI output (coloured scrolling logs, spinners, full-screen redraws of a
TUI in the alternate screen, wide characters), then prints the costs the
Player pays: parse, first frame, indexing, random seeks, sequential playback
at 30 fps and at 8x speed. Figures only, no assertions.

    python benchmarks/recording_seek.py [--mb 20] [--minutes 10] [--seeks 200]
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ESC = "\x1b"
WORDS = [
    "cargo",
    "build",
    "test",
    "running",
    "compiling",
    "crate",
    "serde",
    "tokio",
    "request",
    "response",
    "model",
    "tool",
    "call",
    "patch",
    "apply",
    "diff",
    "hunk",
    "file",
    "src",
    "lib",
    "main",
    "error",
    "warning",
    "note",
    "help",
    "expected",
    "found",
    "ok",
    "failed",
    "passed",
    "assertion",
    "token",
    "stream",
    "context",
    "window",
    "retry",
    "backoff",
    "latency",
    "sandbox",
    "container",
]
WIDE = ["編集", "テスト", "完了", "错误", "🚀", "✅", "❌", "📦", "한국어", "ｆｕｌｌ"]
LEVELS = [("INFO", "32"), ("WARN", "33"), ("ERROR", "1;31"), ("DEBUG", "2;37"), ("TRACE", "38;5;244")]


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _log_line(rng: random.Random, t: float, cols: int) -> str:
    """One scrolling log line: 16-colour level, 256-colour module, truecolor highlight, maybe wide."""
    level, sgr = rng.choice(LEVELS)
    module = f"{ESC}[38;5;{rng.randrange(17, 231)}m{rng.choice(WORDS)}::{rng.choice(WORDS)}{ESC}[0m"
    r, g, b = rng.randrange(256), rng.randrange(256), rng.randrange(256)
    hl = f"{ESC}[38;2;{r};{g};{b}m{rng.choice(WORDS)}{ESC}[39m"
    wide = f" {rng.choice(WIDE)}" if rng.random() < 0.2 else ""
    body = _words(rng, rng.randrange(4, 22))[: cols - 60]
    return f"{ESC}[2m{t:10.3f}{ESC}[0m {ESC}[{sgr}m{level:5}{ESC}[0m {module} {body} {hl}{wide}\r\n"


def _spinner(rng: random.Random, n: int) -> str:
    """A spinner redrawn in place with carriage return and erase-line, as agent CLIs do."""
    frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
    label = _words(rng, 3)
    return "".join(f"\r{ESC}[36m{frames[i % 10]}{ESC}[0m {label} {ESC}[2m({i}s){ESC}[0m{ESC}[K" for i in range(n))


def _tui_frame(rng: random.Random, cols: int, rows: int, full: bool) -> str:
    """A full-screen TUI redraw (or a partial update): boxes, status bar, coloured panes."""
    out: list[str] = [f"{ESC}[?25l"]
    if full:
        out.append(f"{ESC}[H{ESC}[2J")
        out.append(f"{ESC}[1;1H{ESC}[48;2;40;44;52m{ESC}[1;97m agent {ESC}[22m{' ' * (cols - 7)}{ESC}[0m")
        out.append(f"{ESC}[2;1H┌{'─' * (cols - 2)}┐")
        for y in range(3, rows - 1):
            out.append(f"{ESC}[{y};1H│{ESC}[{y};{cols}H│")
        out.append(f"{ESC}[{rows - 1};1H└{'─' * (cols - 2)}┘")
    lines = range(3, rows - 1) if full else rng.sample(range(3, rows - 1), rng.randrange(3, 12))
    for y in lines:
        fg = rng.randrange(16, 256)
        text = _words(rng, rng.randrange(3, 25)) + (f" {rng.choice(WIDE)}" if rng.random() < 0.15 else "")
        out.append(f"{ESC}[{y};3H{ESC}[38;5;{fg}m{text[: cols - 8]}{ESC}[0m{ESC}[K{ESC}[{y};{cols}H│")
    if rng.random() < 0.3:  # a log pane scrolling inside a scroll region (DECSTBM)
        bottom = rows - 3
        out.append(f"{ESC}[4;{bottom}r{ESC}[{bottom};3H")
        out.extend(f"{ESC}[32m+{ESC}[0m {_words(rng, 6)}\r\n" for _ in range(rng.randrange(1, 8)))
        out.append(f"{ESC}[r")
    bg = rng.choice(["44", "45", "48;5;236", "48;2;30;30;46"])
    status = f" {rng.choice(WORDS)} | tokens {rng.randrange(100000)} | {rng.choice(WIDE)} "
    out.append(f"{ESC}[{rows};1H{ESC}[{bg};97m{status}{ESC}[K{ESC}[0m")
    out.append(f"{ESC}[{rng.randrange(3, rows - 1)};{rng.randrange(3, cols - 3)}H{ESC}[?25h")
    return "".join(out)


def synth_events(total_bytes: int, seconds: float, cols: int, rows: int, seed: int = 1) -> Iterator[tuple[float, str]]:
    """Yield (absolute time, output) events alternating log phases and alternate-screen TUI phases."""
    rng = random.Random(seed)
    chunks: list[str] = []
    size = 0
    while size < total_bytes:
        phase = rng.random()
        if phase < 0.45:  # scrolling logs, in bursts
            new = ["".join(_log_line(rng, size / 1e4, cols) for _ in range(rng.randrange(1, 30)))]
        elif phase < 0.55:
            new = [_spinner(rng, rng.randrange(5, 40))]
        else:  # a TUI session in the alternate screen, one event per redraw
            new = (
                [f"{ESC}[?1049h"]
                + [
                    _tui_frame(rng, cols, rows, full=(i == 0 or rng.random() < 0.2))
                    for i in range(rng.randrange(5, 40))
                ]
                + [f"{ESC}[?1049l"]
            )
        chunks.extend(new)
        size += sum(len(c.encode()) for c in new)
    step = seconds / len(chunks)
    for i, chunk in enumerate(chunks):
        yield (i * step, chunk)


def write_cast(path: Path, mb: float, minutes: float, cols: int, rows: int) -> int:
    """Write the synthetic recording as asciicast v2; return its size in bytes."""
    with path.open("w", encoding="utf-8") as f:
        f.write(json.dumps({"version": 2, "width": cols, "height": rows}) + "\n")
        for t, data in synth_events(int(mb * 1e6), minutes * 60, cols, rows):
            f.write(json.dumps([round(t, 6), "o", data], ensure_ascii=False) + "\n")
    return path.stat().st_size


def _rss() -> int:
    """Resident memory in bytes (Linux), to show what the keyframes cost."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * 4096
    except (OSError, IndexError, ValueError):
        return 0


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def compare_emulators(cols: int, rows: int, mb: float = 2.0) -> None:
    """MB/s of each emulator on the same synthetic output (best of 3, GC paused)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from cabtui.data.term.parser import Terminal

    chunks = [data for _, data in synth_events(int(mb * 1e6), 60, cols, rows, seed=2)]
    size = sum(len(c.encode()) for c in chunks) / 1e6
    feeders: dict[str, Callable[[], Callable[[str], None]]] = {"cabtui": lambda: Terminal(cols, rows).feed}
    try:
        import pyte

        feeders["pyte"] = lambda: pyte.Stream(pyte.Screen(cols, rows)).feed
    except ImportError:
        print("pyte not installed")
    try:
        import bittty

        feeders["bittty"] = lambda: bittty.Board(width=cols, height=rows).parser.feed
    except ImportError:
        print("bittty not installed")
    for name, make in feeders.items():
        best = math.inf
        for _ in range(3):
            feed = make()
            gc.disable()
            t0 = time.perf_counter()
            for chunk in chunks:
                feed(chunk)
            best = min(best, time.perf_counter() - t0)
            gc.enable()
        print(f"{name:7} {size / best:5.2f} MB/s on {size:.1f} MB of synthetic output at {cols}x{rows}")


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from cabtui.data.term import FramePlayer
    from cabtui.data.term.asciicast import load_cast

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--cols", type=int, default=200)
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--seeks", type=int, default=200)
    parser.add_argument(
        "--compare-emulators",
        action="store_true",
        help="only compare the throughput of pyte, bittty (if installed) and cabtui's emulator",
    )
    args = parser.parse_args()
    if args.compare_emulators:
        compare_emulators(args.cols, args.rows)
        return

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.cast"
        t0 = time.perf_counter()
        size = write_cast(path, args.mb, args.minutes, args.cols, args.rows)
        print(f"generated {size / 1e6:.1f} MB at {args.cols}x{args.rows} in {time.perf_counter() - t0:.1f} s")

        loads = []
        for _ in range(3):
            t0 = time.perf_counter()
            rec = load_cast(path)
            loads.append(time.perf_counter() - t0)
        t_load = statistics.median(loads)
        print(
            f"load (parse): {t_load * 1e3:.0f} ms (median of 3), {len(rec.events)} events, "
            f"{rec.output_bytes / 1e6:.1f} MB output, {rec.duration:.0f} s"
        )

        t0 = time.perf_counter()
        player = FramePlayer(rec)
        player.frame_at(0.0)
        t_first = time.perf_counter() - t0
        print(f"first frame after load: {t_first * 1e3:.1f} ms; load + first frame: {(t_first + t_load) * 1e3:.0f} ms")

        cold = FramePlayer(rec)
        t0 = time.perf_counter()
        cold.frame_at(rec.duration / 2)
        print(
            f"seek to the middle before any indexing: {time.perf_counter() - t0:.2f} s "
            "(it indexes up to there; later seeks reuse those keyframes)"
        )
        del cold

        rss = _rss()
        t0 = time.perf_counter()
        player.build_index()
        t_index = time.perf_counter() - t0
        print(
            f"indexing: {t_index:.1f} s ({rec.output_bytes / 1e6 / t_index:.2f} MB/s), "
            f"{player.keyframe_count} keyframes, memory +{(_rss() - rss) / 1e6:.0f} MB"
        )

        rng = random.Random(7)
        seeks: list[float] = []
        gc.collect()
        for _ in range(args.seeks):
            t = rng.uniform(0, rec.duration)
            s = time.perf_counter()
            player.frame_at(t)
            seeks.append(time.perf_counter() - s)
        print(
            f"seek after indexing ({args.seeks}): p50 {_pct(seeks, 0.5) * 1e3:.1f} ms, "
            f"p95 {_pct(seeks, 0.95) * 1e3:.1f} ms, max {max(seeks) * 1e3:.1f} ms"
        )

        for speed, label in ((1.0, "1x"), (8.0, "8x")):
            player.frame_at(rec.duration * 0.3)
            t = rec.duration * 0.3
            times: list[float] = []
            n = 30 * 20  # 20 s of wall-clock playback at 30 fps
            start = time.perf_counter()
            for _ in range(n):
                t += speed / 30
                s = time.perf_counter()
                player.frame_at(t)
                times.append(time.perf_counter() - s)
            wall = time.perf_counter() - start
            print(
                f"playback {label} at 30 fps: frame median {statistics.median(times) * 1e3:.2f} ms, "
                f"p95 {_pct(times, 0.95) * 1e3:.2f} ms, max {max(times) * 1e3:.1f} ms; "
                f"{n / wall:.0f} frames/s produced vs 30 needed"
            )

        print("targets: first frame <= 300 ms; seek p95 <= 200 ms; playback frame median <= 8 ms")


if __name__ == "__main__":
    main()
