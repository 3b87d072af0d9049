"""Shared helpers for the Pilot tests: build sweeps on disk and read what the screen shows."""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from textual.app import App
from textual.pilot import Pilot

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "public"
PUBLIC_CELLS = FIXTURES / "public-cells.jsonl"
DEMO = Path(__file__).resolve().parents[2] / "recordings"

ESCAPES = "\x1b[31mRED\x1b[0m \x1b]0;pwned\x07 bell\x07 csi\x9b2J"


def cell(tui: str, model: str, task: str, *, passed: bool, run: int | None = None, **extra: Any) -> dict[str, Any]:
    """A cell record with every axis, shaped like the published ones."""
    record: dict[str, Any] = {
        "tui": tui,
        "model": model,
        "task": task,
        "container_image": f"codingagentbench/{tui}:v1",
        "image_digest": "sha256:abc123",
        "exit_code": 0,
        "started_at": "2026-06-17T06:24:19.840770Z",
        "ended_at": "2026-06-17T06:24:23.835198Z",
        "scores": {
            "pass_rate": {
                "pass": int(passed),
                "exit_code": 0 if passed else 1,
                "timed_out": False,
                "stdout_tail": "ok\n" if passed else "error[E0106]: missing lifetime specifier\n",
                "stderr_tail": "",
            },
            "tokens": {
                "prompt_tokens": 100,
                "completion_tokens": 50,
                "total_tokens": 150,
                "model_calls": 1,
                "tokens_per_correct_task": 150 if passed else 0,
                "pass_used_for_division": int(passed),
            },
            "latency": {"wall_clock_ms": 4000.0 if passed else 9000.0},
            "blast_radius": {
                "blast_radius": 0.0 if passed else 0.5,
                "added": [],
                "removed": [],
                "modified": ["src/lib.rs", "Cargo.toml"],
                "unexpected_changes": [] if passed else ["Cargo.toml"],
                "expected_changes": ["src/lib.rs"],
                "total_changes": 2,
            },
            "refusal": {"refusal": 0, "not_applicable": True},
            "integrity": {"integrity": 1},
            "composite": {"composite": 0.9 if passed else 0.3},
        },
    }
    if run is not None:
        record["run"] = run
    record.update(extra)
    return record


def write_sweep(
    folder: Path, records: list[dict[str, Any]], *, sweep_id: str = "mini-sweep", extra_lines: tuple[str, ...] = ()
) -> Path:
    """A sweep folder with sweep.json and cells.jsonl; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sweep.json").write_text(json.dumps({"sweep_id": sweep_id, "title": "Mini sweep (invented)"}))
    lines = [json.dumps(r) for r in records] + list(extra_lines)
    (folder / "cells.jsonl").write_text("\n".join(lines) + "\n")
    return folder


def mini_records() -> list[dict[str, Any]]:
    """2 CLIs x 2 models x 3 tasks in 2 categories, one rerun pair that disagrees, one timeout."""
    records = []
    for tui in ("aider", "opencode"):
        for model in ("meta/llama-3.3-70b-instruct", "openai/gpt-oss-120b"):
            for task in (
                "polyglot/rust-lifetime-fix",
                "polyglot/java-exception-handling",
                "integrity/unsolvable-refusal",
            ):
                passed = (tui == "aider") != (task.startswith("integrity"))
                records.append(cell(tui, model, task, passed=passed))
    records[0] = cell("aider", "meta/llama-3.3-70b-instruct", "polyglot/rust-lifetime-fix", passed=True, run=1)
    records.append(cell("aider", "meta/llama-3.3-70b-instruct", "polyglot/rust-lifetime-fix", passed=False, run=2))
    records[4] = cell(
        "aider",
        "openai/gpt-oss-120b",
        "polyglot/java-exception-handling",
        passed=False,
        exit_code=-1,
        status="timed_out",
        status_detail="adapter timed out after 630s (outer guard)",
    )
    return records


SVG_TEXT = re.compile(
    r'<text class="[^"]*" x="([0-9.e+-]+)" y="[^"]*" textLength="[^"]*"'
    r' clip-path="url\(#[^)]*-line-(\d+)\)">(.*?)</text>'
)
"""One run of text in Rich's SVG export: its x in pixels, its line, its escaped text."""

SVG_CHAR_WIDTH = 20 * 0.61
"""Rich's export_svg cell width in pixels (its default `font_aspect_ratio` at 20 px)."""


def screen_text(app: App[Any]) -> str:
    """The plain text of the whole screen as a person would read it, from the public
    `App.export_screenshot` (the SVG snapshot tests compare): each text run back at its cell
    (the SVG writes spaces as no-break spaces: they read as spaces again)."""
    width, height = app.size
    runs: dict[int, list[tuple[int, str]]] = {}
    for x, line, text in SVG_TEXT.findall(app.export_screenshot(simplify=True)):
        text = html.unescape(text).replace("\xa0", " ")
        runs.setdefault(int(line), []).append((round(float(x) / SVG_CHAR_WIDTH), text))
    lines = []
    for y in range(height):
        line = ""
        for column, text in sorted(runs.get(y, [])):
            line += " " * (column - cell_len(line)) + text
        lines.append(line + " " * (width - cell_len(line)))
    return "\n".join(lines) + "\n"


async def wait_for(pilot: Pilot[Any], predicate: Callable[[], bool], *, timeout: float = 30.0) -> None:
    """Let the app run until `predicate` holds (workers finish, screens mount); fail if it never does.

    The bound is wall time and generous: it is reached only by a failing test, and a shared CI
    machine can take seconds for what takes milliseconds on a quiet one.
    """
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition never became true in {timeout} s")
        await pilot.pause(0.01)


async def shown(pilot: Pilot[Any]) -> str:
    """The screen's text once pending messages are handled."""
    await pilot.pause()
    return screen_text(pilot.app)


async def on_screen(pilot: Pilot[Any], screen_type: type, *, ready: Callable[[Any], bool] = lambda s: True) -> Any:
    """Wait until a screen of `screen_type` is on top, painted, and `ready(screen)` holds; return it."""
    app = pilot.app
    await wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, screen_type)
            and app.screen.is_mounted
            and ready(app.screen)
            and bool(screen_text(app).strip())
        ),
    )
    await pilot.pause()
    return app.screen


SVG_RECT = re.compile(r'<rect fill="(#[0-9a-fA-F]{6})" x="([0-9.e+-]+)" y="([0-9.e+-]+)" width="([0-9.e+-]+)"')
SVG_STYLE = re.compile(r"\.(terminal-[\w-]+) \{ ([^}]*) \}")
SVG_LINE_HEIGHT = 20 * 1.22
"""Rich's export_svg line height in pixels."""


def text_on_its_background(app: App[Any]) -> list[tuple[str, str, str]]:
    """Every text run on screen as (text, foreground, background), read from the public
    `App.export_screenshot`: what a person sees, whatever widget or renderable drew it."""
    svg = app.export_screenshot(simplify=True)
    fills = {name: re.search(r"fill: (#[0-9a-fA-F]{6})", css) for name, css in SVG_STYLE.findall(svg)}
    background: dict[tuple[int, int], str] = {}
    for fill, x, y, width in SVG_RECT.findall(svg):
        row = round((float(y) - 1.5) / SVG_LINE_HEIGHT)
        start = round(float(x) / SVG_CHAR_WIDTH)
        for column in range(start, start + round(float(width) / SVG_CHAR_WIDTH)):
            background[row, column] = fill.lower()
    runs = []
    for match in re.finditer(r'<text class="([^"]*)" x="([0-9.e+-]+)" [^>]*-line-(\d+)\)">(.*?)</text>', svg):
        name, x, line, text = match.groups()
        fill = fills.get(name)
        if fill is None:
            continue
        back = background.get((int(line), round(float(x) / SVG_CHAR_WIDTH)), "")
        runs.append((html.unescape(text).replace("\xa0", " "), fill.group(1).lower(), back))
    return runs
