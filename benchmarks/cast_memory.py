"""Peak RSS of reading recordings: a million tiny events, and a gzip bomb (issue item 4).

Each measurement runs in a fresh subprocess (`resource.getrusage` peak RSS), minus the RSS of
the same process after imports only. Run: `python benchmarks/cast_memory.py [--events N]`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from cabtui.data.term.asciicast import load_cast
from cabtui.data.term.keyframes import FramePlayer
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
rec = load_cast(Path({path!r}))
player = FramePlayer(rec)
frame = player.frame_at(rec.duration)
took = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(base, peak, took, len(rec.events), len(rec.problems))
"""


def measure(path: Path) -> tuple[float, float, float, int, int]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), path=str(path))], capture_output=True, text=True, check=True
    ).stdout.split()
    base, peak, took, events, problems = float(out[0]), float(out[1]), float(out[2]), int(out[3]), int(out[4])
    return base / 1024, peak / 1024, took, events, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tiny = Path(tmp) / "tiny.cast"
        with tiny.open("w") as f:
            f.write(json.dumps({"version": 2, "width": 80, "height": 24}) + "\n")
            for i in range(args.events):
                f.write(f'[{i * 0.001:.6f}, "o", "x{i % 10}"]\n')
        bomb = Path(tmp) / "bomb.cast.gz"
        line = json.dumps([0.5, "o", "A" * 4000]) + "\n"
        start = time.perf_counter()
        with gzip.open(bomb, "wt", compresslevel=9) as f:
            f.write(json.dumps({"version": 2, "width": 80, "height": 24}) + "\n")
            for _ in range(1024 * 1024 * 1024 // len(line)):
                f.write(line)
        print(f"(bomb written in {time.perf_counter() - start:.0f} s)")
        for name, path in (("1M tiny events", tiny), ("1 GB gzip bomb", bomb)):
            size = path.stat().st_size / 2**20
            base, peak, took, events, problems = measure(path)
            print(
                f"{name}: file {size:.1f} MB, {events} events, {problems} problems, load + frame_at(end) "
                f"{took:.1f} s, peak RSS {peak:.0f} MB ({peak - base:.0f} MB over the {base:.0f} MB after imports)"
                f" = {peak / size:.1f}x the file ({(peak - base) / size:.1f}x net)"
            )


if __name__ == "__main__":
    main()
