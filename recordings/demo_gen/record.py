"""Running a scenario: recorded by asciinema in a terminal of its own, or directly without one.

Both ways leave the same event log (START/END of tools, MSTART/MEND of model
calls, MARK, BEGIN/DONE/EXIT), the one thing the trace is built from.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .scenarios import Scenario
from .script import Quietly, Run, Think, WriteFile
from .workspace import VENV_BIN, sh, write_tree

CastEvent = list[Any]  # [time, code, data]


def find_asciinema() -> str | None:
    return shutil.which("asciinema", path=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")


def record_terminal(scn: Scenario, agentdir: Path, workdir: Path, cast: Path, env: dict[str, str]) -> None:
    """`bash run.sh` under `asciinema rec`, its stdin a FIFO the script's `mark` writes ctrl-b into.

    asciinema 2.4 writes a marker when its stdin delivers the add_marker key; this is
    the only way to have asciinema itself time the markers.
    """
    asciinema = find_asciinema()
    if asciinema is None:
        raise SystemExit("asciinema not found (pip install asciinema==2.4.0)")
    fifo = agentdir / "markers.fifo"
    os.mkfifo(fifo)
    (agentdir / "asciinema").mkdir()
    (agentdir / "asciinema" / "config").write_text("[record]\nadd_marker_key = C-b\n")
    fifo_fd = os.open(fifo, os.O_RDWR)
    title = f"{scn.tui} × {scn.model} · {scn.task}"
    try:
        subprocess.run(
            [
                asciinema,
                "rec",
                "--overwrite",
                "-q",
                "--cols",
                str(scn.cols),
                "--rows",
                str(scn.rows),
                "-t",
                title,
                "-c",
                f"bash {agentdir}/run.sh",
                str(cast),
            ],
            stdin=fifo_fd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=workdir,
            env=env,
            start_new_session=True,
            timeout=180,
            check=True,
        )
    finally:
        os.close(fifo_fd)


def run_direct(scn: Scenario, workdir: Path, log_path: Path) -> None:
    """Do a scenario's steps without a terminal, logging the same events as the bash stand-in."""
    tool_i = model_i = 0
    with log_path.open("a") as log:
        log.write(f"BEGIN {time.time():.6f}\n")
        for step in scn.steps:
            if isinstance(step, Think):
                log.write(f"MSTART {model_i} {time.time():.6f}\n")
                time.sleep(step.seconds)  # stands in for the model's latency
                log.write(f"MEND {model_i} {time.time():.6f}\n")
                model_i += 1
            elif isinstance(step, Quietly):
                sh(step.command, workdir, timeout=60)
            elif isinstance(step, Run):
                log.write(f"START {tool_i} {time.time():.6f}\n")
                p = sh(step.command, workdir, timeout=60)
                log.write(f"END {tool_i} {time.time():.6f} {p.returncode}\n")
                tool_i += 1
            elif isinstance(step, WriteFile):
                log.write(f"START {tool_i} {time.time():.6f}\n")
                write_tree(workdir, {step.path: step.content})
                log.write(f"END {tool_i} {time.time():.6f} 0\n")
                tool_i += 1
            log.flush()
        log.write(f"DONE {time.time():.6f}\nEXIT 0\n")


@dataclass
class Event:
    """One thing the stand-in agent did, timed in epoch seconds."""

    kind: str  # tool | model | mark
    index: int
    start: float
    end: float | None = None  # None: still running when the guard stopped the agent
    rc: int | None = None


@dataclass
class EventLog:
    events: list[Event]  # by start time
    points: dict[str, float]  # BEGIN, DONE
    exit_code: int | None  # the agent's, None if it never got to write it

    def of(self, kind: str) -> list[Event]:
        return [ev for ev in self.events if ev.kind == kind]


def parse_log(path: Path) -> EventLog:
    pending: dict[tuple[str, int], Event] = {}
    marks: list[Event] = []
    points: dict[str, float] = {}
    exit_code = None
    for line in path.read_text().splitlines():
        tag, *rest = line.split()
        if tag == "START":
            pending[("tool", int(rest[0]))] = Event("tool", int(rest[0]), float(rest[1]))
        elif tag == "END":
            ev = pending[("tool", int(rest[0]))]
            ev.end, ev.rc = float(rest[1]), int(rest[2])
        elif tag == "MSTART":
            pending[("model", int(rest[0]))] = Event("model", int(rest[0]), float(rest[1]))
        elif tag == "MEND":
            pending[("model", int(rest[0]))].end = float(rest[1])
        elif tag == "MARK":
            marks.append(Event("mark", int(rest[0]), float(rest[1])))
        elif tag in {"BEGIN", "DONE"}:
            points[tag] = float(rest[0])
        elif tag == "EXIT":
            exit_code = int(rest[0])
    events = sorted([*pending.values(), *marks], key=lambda e: e.start)
    return EventLog(events, points, exit_code)


def read_cast(path: Path) -> tuple[dict[str, Any], list[CastEvent]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return json.loads(lines[0]), [json.loads(x) for x in lines[1:] if x.strip()]


def label_markers(cast_events: list[CastEvent], marks: list[Event], labels: dict[int, str], zero: float) -> None:
    """Give asciinema's (empty) markers their labels; insert at the logged time any it missed."""
    cast_marks = [ev for ev in cast_events if ev[1] == "m"]
    for ev, mark in zip(cast_marks, marks, strict=False):
        ev[2] = labels[mark.index]
    if len(marks) > len(cast_marks):
        print(f"    note: asciinema missed {len(marks) - len(cast_marks)} marker(s); inserting them", flush=True)
    for mark in marks[len(cast_marks) :]:
        cast_events.append([round(mark.start - zero, 6), "m", labels[mark.index]])
    cast_events.sort(key=lambda ev: ev[0])


def to_v2(header: dict[str, Any], events: list[CastEvent]) -> str:
    lines = [json.dumps(header, ensure_ascii=False)] + [json.dumps(ev, ensure_ascii=False) for ev in events]
    return "\n".join(lines) + "\n"


def to_v3(header: dict[str, Any], events: list[CastEvent], exit_code: int) -> str:
    """asciicast v3: `term` in the header, event times as intervals since the previous event."""
    env = header.get("env", {})
    h3: dict[str, Any] = {
        "version": 3,
        "term": {"cols": header["width"], "rows": header["height"], "type": env.get("TERM")},
    }
    for key in ("timestamp", "title"):
        if key in header:
            h3[key] = header[key]
    h3["env"] = {k: v for k, v in env.items() if k != "TERM"}
    out = [json.dumps(h3, ensure_ascii=False)]
    prev = 0.0
    for t, code, data in events:
        out.append(json.dumps([round(t - prev, 6), code, data], ensure_ascii=False))
        prev = t
    out.append(json.dumps([0.0, "x", str(exit_code)]))
    return "\n".join(out) + "\n"
