"""Regenerate the demo sweep into a folder: reference runs, synthetic cells, recorded cells, cells.jsonl.

The output folder must be named: the committed sweep is only rewritten when
`--out recordings/demo-20261125` says so.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

from .cells import record_cell
from .record import find_asciinema
from .reference import reference_runs
from .scenarios import SCENARIOS
from .scoring import Record
from .sweep import SEED, SWEEP, SWEEP_ID
from .synthetic import CellKey, synthetic_cells


def number_reruns(cells: dict[CellKey, Record]) -> list[Record]:
    """Every cell, by start time; each run of a (tui, model, task) with several gets a `#runN` id."""
    runs: dict[tuple[str, str, str], int] = {}
    for tui, model, task, run in cells:
        runs[(tui, model, task)] = max(run, runs.get((tui, model, task), 0))
    for (tui, model, task, run), cell in cells.items():
        if runs[(tui, model, task)] > 1:
            cell["cell_id"] = f"{SWEEP_ID}/{tui}/{model}/{task}#run{run}"
    return sorted(cells.values(), key=lambda c: c["started_at"])


def cells_jsonl(cells: Iterable[Record]) -> str:
    return "".join(json.dumps(cell, ensure_ascii=False) + "\n" for cell in cells)


def sweep_json() -> str:
    return json.dumps(SWEEP, indent=2, ensure_ascii=False) + "\n"


def clear_output(out: Path) -> None:
    """Empty `out` for a fresh sweep, refusing any folder that is not a previous output."""
    if out.exists():
        sweep = out / "sweep.json"
        previous = sweep.is_file() and json.loads(sweep.read_text(encoding="utf-8")).get("sweep_id") == SWEEP_ID
        if not previous and any(out.iterdir()):
            raise SystemExit(f"{out}: not empty and not a previous {SWEEP_ID} output; not deleting it")
        shutil.rmtree(out)
    out.mkdir(parents=True)


def generate(out: Path) -> None:
    began = time.monotonic()
    clear_output(out)
    print("running each task's tests on the broken and the fixed sources ...", flush=True)
    cells = synthetic_cells(reference_runs())
    print(f"{len(cells)} synthetic cells; recording {len(SCENARIOS)} cells ...", flush=True)
    rng = random.Random(SEED + 1)
    for scn in SCENARIOS:
        s = time.monotonic()
        cell = cells[scn.key] = record_cell(scn, rng, out)
        print(
            f"  {scn.mode:6} {scn.tui:9} {scn.model:40} {scn.task:34} run {scn.run} -> {cell['status']:9} "
            f"pass {cell['scores']['pass_rate']['pass']}  {time.monotonic() - s:5.1f} s",
            flush=True,
        )
    ordered = number_reruns(cells)
    (out / "sweep.json").write_text(sweep_json())
    (out / "cells.jsonl").write_text(cells_jsonl(ordered), encoding="utf-8")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"wrote {len(ordered)} cells to {out} ({size / 1024:.0f} KiB) in {time.monotonic() - began:.0f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m recordings.demo_gen", description=__doc__)
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="folder to write the sweep into (deleted first if it holds a previous output); "
        "recordings/demo-20261125 to replace the committed demo",
    )
    args = parser.parse_args(argv)
    if find_asciinema() is None:
        raise SystemExit("asciinema not found (pip install asciinema==2.4.0)")
    generate(args.out.resolve())
