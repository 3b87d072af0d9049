"""Helpers the loader tests share: the public fixture, writing lines, reading results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson

from cabtui.data.results import Results
from cabtui.data.results.index import CellRow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "public"
PUBLIC = FIXTURES / "public-cells.jsonl"


def public_lines() -> list[bytes]:
    """The fixture's lines, each ending in a newline."""
    return [line + b"\n" for line in PUBLIC.read_bytes().splitlines() if line.strip()]


def public_records() -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in public_lines()]


def write_lines(path: Path, lines: list[bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(lines))
    return path


def dumps(record: Any) -> bytes:
    return json.dumps(record).encode() + b"\n"


def all_cells(results: Results) -> list[CellRow]:
    return [row for sweep in results.sweeps for row in sweep.cells]


def where(results: Results) -> list[tuple[str, int]]:
    return [(p.file, p.line) for p in results.problems]


def make_sweep(folder: Path, lines: list[bytes], info: dict[str, Any] | None = None) -> Path:
    path = write_lines(folder / "cells.jsonl", lines)
    if info is not None:
        (folder / "sweep.json").write_text(json.dumps(info))
    return path


def strip_identity(record: dict[str, Any]) -> dict[str, Any]:
    out = dict(record)
    out.pop("sweep_id", None)
    out.pop("cell_id", None)
    return out
