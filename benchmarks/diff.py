"""`cabtui diff` against `cabtui summary` on two large synthetic sweeps.

Writes two sweeps of real-shaped cells with benchmarks/synth.py (the same cells, with outcomes
and scores drawn from different seeds, so about half the cells change), then times, as fresh
processes (start-up included, output to /dev/null): `cabtui summary BEFORE` plus `cabtui summary
AFTER`, and `cabtui diff BEFORE AFTER` (text and --json), and prints the ratio of each diff to
the two summaries (target <= 1.5). Timings are the median of --repeat runs. Figures only, no
assertions.

    python benchmarks/diff.py [--cells 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # synth.py beside this script (benchmarks/ is not a package)

import synth  # noqa: E402


def _cabtui(*args: str) -> float:
    """Wall time of one `cabtui ARGS` process; fails loudly if it does not exit 0."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cabtui", *args], stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def _median(runs: list[float]) -> float:
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cabtui-diff-") as tmp:
        started = time.perf_counter()
        before = str(synth.write_sweep(Path(tmp) / "before", args.cells, "synthetic-before", seed=7).parent)
        after = str(synth.write_sweep(Path(tmp) / "after", args.cells, "synthetic-after", seed=8).parent)
        print(f"sweeps           2 x {args.cells:,} cells, written in {time.perf_counter() - started:.1f} s")
        print(f"python           {sys.version.split()[0]}, median of {args.repeat} runs, each a fresh process")

        done = subprocess.run(
            [sys.executable, "-m", "cabtui", "diff", before, after, "--json"], capture_output=True, check=True
        )
        got = json.loads(done.stdout)
        print(f"changes          {len(got['cells']):,} cells in {len(got['groups'])} groups")

        summaries = _median([_cabtui("summary", before) + _cabtui("summary", after) for _ in range(args.repeat)])
        diff_text = _median([_cabtui("diff", before, after) for _ in range(args.repeat)])
        diff_json = _median([_cabtui("diff", before, after, "--json") for _ in range(args.repeat)])
        print(f"summary x 2      {summaries * 1000:9.1f} ms  (cabtui summary BEFORE, then AFTER)")
        print(f"diff             {diff_text * 1000:9.1f} ms  ratio {diff_text / summaries:.2f} (target <= 1.5)")
        print(f"diff --json      {diff_json * 1000:9.1f} ms  ratio {diff_json / summaries:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
