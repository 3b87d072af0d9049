"""Search index figures: build time against one emulation pass, size, query time, grep twice.

For the demo sweep and for a generated sweep (3,465 cells, 500 of them with a recording):

- index build: every cell's record and artifacts read, every recording played once into
  screen lines and stored (a fresh cache) and searched as `search_progressively` does,
  against one plain emulation pass of the same recordings (`FramePlayer.build_index`, what
  the player does) plus reading them. The two are timed recording by recording, one right
  after the other, so a neighbour's load on this shared machine weighs on both alike (timed
  as two passes a minute apart, the same code gave 1.39x and 1.56x on two runs);
- index size on disk against the recordings' size;
- query time on the built index (p50 / p95 over a mix of patterns);
- `cabtui grep --json` run twice in fresh processes: the second reuses the index.

    python benchmarks/search.py [--cells 3465] [--recordings 500] [--kb 100] [--skip-demo]

The generated recordings are benchmarks/recording_seek.py's (logs, spinners, full-screen TUI
phases of random words, seeded per cell): random words make nearly every screen line
distinct, so their index is larger than a real agent's, whose screens mostly repeat.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from recording_seek import WORDS, synth_events  # noqa: E402
from synth import write_sweep  # noqa: E402

from cabtui.data.results import load  # noqa: E402
from cabtui.data.search import Pattern, SearchIndex, screen_lines, search_progressively  # noqa: E402
from cabtui.data.term import FramePlayer, Terminal, load_cast  # noqa: E402

DEMO = ROOT / "recordings" / "demo-20261125"


ESC = "\x1b"
SAID = [
    "● I'll run the test suite first to see what fails.",
    "❯ cargo test --offline --color=always",
    "error[E0106]: missing lifetime specifier",
    " --> src/lib.rs:{n}:37",
    "● Reading src/lib.rs ({n} lines)",
    "❯ pytest -q tests/test_{w}.py",
    "Traceback (most recent call last):",
    '  File "src/{w}.py", line {n}, in {w}',
    "AssertionError: expected {n} got {m}",
    "● The {w} helper returns early; fixing the bounds check.",
    "❯ git --no-pager diff --stat",
    " src/{w}.rs | {n} ++++++++---",
    "test result: FAILED. {n} passed; {m} failed",
    "● All {n} tests pass now.",
]
SPIN = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def agent_events(total_bytes: int, cols: int, rows: int, seed: int) -> list[tuple[float, str]]:
    """A full-screen agent CLI as they draw: a transcript that grows a line at a time and is
    redrawn with cursor moves in the alternate screen, a spinner and a clock that change every
    frame, and a prompt typed one character per event."""
    rng = random.Random(seed)
    transcript: list[str] = []
    events: list[tuple[float, str]] = [(0.0, f"{ESC}[?1049h{ESC}[2J")]
    t, size, tick = 0.0, 0, 0
    while size < total_bytes:
        t += rng.uniform(0.05, 0.3)
        tick += 1
        if rng.random() < 0.15:
            line = rng.choice(SAID).format(n=rng.randrange(1, 400), m=rng.randrange(1, 9), w=rng.choice(WORDS))
            transcript.append(line[: cols - 2])
        if rng.random() < 0.02:  # the user types a prompt, one character per event
            for ch in f"> please {rng.choice(WORDS)} the {rng.choice(WORDS)} again":
                t += 0.08
                events.append((t, ch))
            events.append((t + 0.1, "\r\n"))
            continue
        clock = f"({t:.0f}s · {tick * 37 / 1000:.1f}k tokens)"
        status = f"{ESC}[{rows};1H{ESC}[36m{SPIN[tick % 10]}{ESC}[0m Thinking… {clock}{ESC}[K"
        if rng.random() < 0.3:  # a full redraw of the visible transcript
            shown = transcript[-(rows - 2) :]
            frame = f"{ESC}[?25l{ESC}[H" + "".join(
                f"{ESC}[{y + 1};1H{ESC}[38;5;{250 if not line.startswith('❯') else 75}m{line}{ESC}[0m{ESC}[K"
                for y, line in enumerate(shown)
            )
            events.append((t, frame + status + f"{ESC}[?25h"))
        else:
            events.append((t, status))
        size += len(events[-1][1].encode())
    events.append((t + 0.5, f"{ESC}[?1049l"))
    return events


def generate(out: Path, cells: int, recordings: int, kb: int, *, random_words: bool = False) -> Path:
    """A synthetic sweep of `cells` cells; the first `recordings` get a recording (conventional path)."""
    folder = out / "generated"
    path = write_sweep(folder, cells, sweep_id="generated")
    rows = [json.loads(line) for line in path.read_text().splitlines()[:recordings]]
    for i, rec in enumerate(rows):
        run = f"/run-{rec['run']}" if rec["run"] > 1 else ""
        cast = folder / f"cells/{rec['tui']}/{rec['model']}/{rec['task']}{run}/recording.cast"
        cast.parent.mkdir(parents=True, exist_ok=True)
        with cast.open("w", encoding="utf-8") as f:
            f.write(json.dumps({"version": 2, "width": 120, "height": 36}) + "\n")
            events = (
                synth_events(kb * 1000, 120.0, 120, 36, seed=i + 1)
                if random_words
                else agent_events(kb * 1000, 120, 36, seed=i + 1)
            )
            for t, data in events:
                f.write(json.dumps([round(t, 6), "o", data], ensure_ascii=False) + "\n")
    return folder


def casts_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.cast*") if p.is_file())


def emulation_pass(casts: list[Path]) -> tuple[float, float]:
    """Seconds to read every recording, and to play each once (the player's keyframe pass)."""
    read = emulate = 0.0
    for cast in casts:
        t0 = time.perf_counter()
        recording = load_cast(cast)
        t1 = time.perf_counter()
        FramePlayer(recording).build_index()
        emulate += time.perf_counter() - t1
        read += t1 - t0
    return read, emulate


def text_pass(casts: list[Path]) -> float:
    """Seconds to feed each recording once to a text-only terminal (what the index's pass
    emulates, SGR read but not applied), without following its lines."""
    total = 0.0
    for cast in casts:
        recording = load_cast(cast)
        t0 = time.perf_counter()
        term = Terminal(recording.cols, recording.rows, styles=False)
        for event in recording.events:
            if event.code == "o":
                term.feed(event.data)
        total += time.perf_counter() - t0
    return total


def lines_pass(casts: list[Path]) -> float:
    """Seconds to play each recording once into screen lines (the index's pass, not stored)."""
    total = 0.0
    for cast in casts:
        recording = load_cast(cast)
        t0 = time.perf_counter()
        screen_lines(recording)
        total += time.perf_counter() - t0
    return total


def build(folder: Path, cache: Path) -> tuple[float, float, float, int, SearchIndex, object]:
    """A fresh index of `folder`: seconds for the cells; then, recording by recording, for
    reading it and one emulation pass (the baseline) and for indexing it and searching it
    (what `search_progressively` does); and the bytes the cells' part takes (index and
    journal, before the recordings are added)."""
    results = load(folder)
    index = SearchIndex.open(folder, folder=cache)
    t0 = time.perf_counter()
    scope = index.scope(results)
    t1 = time.perf_counter()
    index.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cells_bytes = index.store.size_bytes()
    pattern = Pattern("zzzz-not-there")
    for _ in search_progressively(index, scope, pattern):  # the cells' part: nothing pending yet
        break
    baseline = indexing = 0.0
    for path in list(scope.pending):
        t2 = time.perf_counter()
        FramePlayer(load_cast(Path(path))).build_index()
        t3 = time.perf_counter()
        file_id = index.index_recording(scope, path)
        if file_id is not None:
            index.search(scope, pattern, recording=file_id)
        t4 = time.perf_counter()
        baseline += t3 - t2
        indexing += t4 - t3
    return t1 - t0, baseline, indexing, cells_bytes, index, scope


def queries(index: SearchIndex, scope: object, n: int = 60) -> tuple[list[float], list[float]]:
    """Each pattern's query time in ms: wall clock, and this process's CPU time (on a shared
    machine with more runnable processes than cores, the wall clock also counts the others)."""
    rng = random.Random(3)
    patterns = [Pattern("E0106"), Pattern("Traceback"), Pattern("rm -rf"), Pattern("tokens", ignore_case=True)]
    patterns += [Pattern(rng.choice(WORDS)) for _ in range(n // 2)]
    patterns += [Pattern(f"{rng.choice(WORDS)} {rng.choice(WORDS)}") for _ in range(n // 4)]
    patterns += [Pattern(r"ERROR\s+\w+::", regex=True)]
    times, cpu = [], []
    for pattern in patterns:
        t0, c0 = time.perf_counter(), time.process_time()
        index.search(scope, pattern)  # type: ignore[arg-type]
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return times, cpu


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def grep_twice(folder: Path, cache: Path, word: str) -> tuple[float, float, int]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(ROOT)}
    times = []
    hits = 0
    for _ in range(2):
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "cabtui", "grep", "--json", word, str(folder)],
            capture_output=True,
            env=env,
            check=False,
        )
        times.append(time.perf_counter() - t0)
        hits = len(json.loads(done.stdout or b"[]"))
    return times[0], times[1], hits


def report(name: str, folder: Path, work: Path, word: str) -> None:
    casts = casts_of(folder)
    size = sum(p.stat().st_size for p in casts)
    print(f"\n== {name}: {len(load(folder).sweeps[0].cells):,} cells, {len(casts)} recordings, {size / 1e6:.1f} MB")
    read, emulate = emulation_pass(casts)
    only_text = text_pass(casts)
    only_lines = lines_pass(casts)
    cells_s, baseline_s, recs_s, cells_bytes, index, scope = build(folder, work / f"cache-{name}")
    index.close()
    index_size = sum(p.stat().st_size for p in (work / f"cache-{name}").iterdir())
    recs_bytes = index_size - cells_bytes
    print(f"read recordings             {read:7.2f} s")
    print(f"one emulation pass          {emulate:7.2f} s   (FramePlayer.build_index)")
    print(f"text-only emulation pass    {only_text:7.2f} s   = {only_text / emulate:.2f}x (SGR read, not applied)")
    print(
        f"screen-lines pass           {only_lines:7.2f} s   = {only_lines / emulate:.2f}x the emulation pass,"
        f" {only_lines / only_text:.2f}x the text-only one"
    )
    print(f"index build: cells          {cells_s:7.2f} s   (records, tails, traces, calls)")
    print(
        f"index build: recordings     {recs_s:7.2f} s   = {recs_s / baseline_s:.2f}x reading + one emulation pass"
        f" ({baseline_s:.2f} s, timed beside it)"
    )
    print(
        f"index size                  {index_size / 1e6:7.2f} MB  = {100 * index_size / size:.1f} % of the recordings"
    )
    print(
        f"  recordings' lines          {recs_bytes / 1e6:6.2f} MB  = {100 * recs_bytes / size:.1f} % of the recordings"
        f"  (cells' records, tails, spans, calls: {cells_bytes / 1e6:.2f} MB)"
    )
    index = SearchIndex.open(folder, folder=work / f"cache-{name}")
    scope = index.scope(load(folder))
    times, cpu = queries(index, scope)
    index.close()
    p50, p95 = pct(times, 0.5), pct(times, 0.95)
    print(
        f"query on the built index    p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   ({len(times)} patterns;"
        f" CPU time p50 {pct(cpu, 0.5):.1f}, p95 {pct(cpu, 0.95):.1f} ms)"
    )
    first, second, hits = grep_twice(folder, work / f"grep-{name}", word)
    print(f"cabtui grep --json {word!r}: first {first:.2f} s, second {second:.2f} s ({hits} hits)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=3465)
    parser.add_argument("--recordings", type=int, default=500)
    parser.add_argument("--kb", type=int, default=100, help="output per generated recording")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument(
        "--random-words", type=int, default=40, help="also a worst case: this many recordings of random words"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if not args.skip_demo:
            report("demo", DEMO, work, "E0106")
        t0 = time.perf_counter()
        folder = generate(work, args.cells, args.recordings, args.kb)
        print(f"\n(generated in {time.perf_counter() - t0:.1f} s)")
        report("generated", folder, work, "Traceback")
        if args.random_words:
            worst = generate(work / "worst", args.random_words * 4, args.random_words, args.kb, random_words=True)
            report("random-words", worst, work, "Traceback")


if __name__ == "__main__":
    main()
