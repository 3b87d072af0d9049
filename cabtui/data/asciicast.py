"""Reading asciinema recordings (asciicast v1, v2, v3) onto one absolute time base.

cabtui's own reader: the asciinema package is GPL and reads v2 only. Bad event lines become
Problems and are skipped so the rest still plays; only an unreadable file or a missing
header raises CastError. Files are opened for reading only.

- v1: one JSON object, `stdout: [[delay, data], ...]` with delays since the previous frame.
- v2: a header line, then `[time, code, data]` with times since the start.
- v3: a header line (`term: {cols, rows}`), then `[interval, code, data]` with intervals
  since the previous event; lines starting with `#` are comments.
"""

from __future__ import annotations

import gc
import gzip
import json
import math
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from cabtui.data.problems import Problem

"""Output, input, marker, resize, exit. Other codes are kept (players skip them), not flagged."""

_RESIZE = re.compile(r"(\d{1,9})x(\d{1,9})\Z")


class CastError(Exception):
    """The file cannot be played at all; the message is one line starting with the file name."""


@dataclass(frozen=True, slots=True)
class Event:
    """One recorded event at `time` seconds from the start (after idle compression)."""

    time: float
    code: str
    data: str


@dataclass(frozen=True, slots=True)
class Recording:
    """A parsed recording. `cols`/`rows` are the initial size; `r` events change it."""

    version: int
    cols: int
    rows: int
    title: str | None
    duration: float
    events: tuple[Event, ...]
    markers: tuple[tuple[float, str], ...]
    problems: tuple[Problem, ...]
    output_bytes: int
    idle_time_limit: float | None = None
    """The limit that was applied (None: gaps kept as recorded)."""


def parse_resize(data: str) -> tuple[int, int] | None:
    """`"COLSxROWS"` as (cols, rows), or None if malformed or zero."""
    m = _RESIZE.match(data.strip())
    if m is None:
        return None
    cols, rows = int(m.group(1)), int(m.group(2))
    return (cols, rows) if cols > 0 and rows > 0 else None


def _loads(text: bytes) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        # Slower, but takes what orjson refuses: lone surrogates, invalid UTF-8 (replaced).
        try:
            decoded = text.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            decoded = text.decode("utf-8", "replace")
        try:
            return json.loads(decoded)
        except RecursionError as err:  # absurdly deep nesting: not a recording line
            raise ValueError("nested too deeply") from err


def _effective_limit(header_limit: Any, override: float | None) -> float | None:
    """None = keep gaps; the override wins over the header; 0, negative or inf switch it off."""
    limit = header_limit if override is None else override
    if isinstance(limit, bool) or not isinstance(limit, int | float):
        return None
    limit = _finite(limit)
    if limit is None or limit <= 0:
        return None
    return limit


def _finite(value: int | float) -> float | None:
    """`value` as a finite float, None for inf, NaN and integers too large for a float."""
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = _finite(value)
    return number if number is not None and number >= 0 else None


def _positive_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _build(name: str, version: int, header: dict[str, Any], raw: list[tuple[float, str, str, int]],
           problems: list[Problem], idle_time_limit: float | None, *, relative: bool,
           cols: int, rows: int) -> Recording:
    """Turn (time or interval, code, data, line) into the Recording on one absolute time base."""
    limit = _effective_limit(header.get("idle_time_limit"), idle_time_limit)
    if relative:
        gaps = [t for t, _, _, _ in raw]
    else:
        raw.sort(key=lambda e: e[0])  # stable: equal times keep file order
        previous = 0.0
        gaps = []
        for t, _, _, _ in raw:
            gaps.append(t - previous)
            previous = t
    events: list[Event] = []
    markers: list[tuple[float, str]] = []
    output_bytes = 0
    now = 0.0
    for gap, (_, code, data, line) in zip(gaps, raw, strict=True):
        now += gap if limit is None else min(gap, limit)
        if code == "r" and parse_resize(data) is None:
            problems.append(Problem(name, line, f"resize event {data!r} is not COLSxROWS"))
            continue
        events.append(Event(now, code, data))
        if code == "o":
            output_bytes += len(data) if data.isascii() else len(data.encode("utf-8", "surrogatepass"))
        elif code == "m":
            markers.append((now, data))
    title = header.get("title")
    return Recording(
        version=version, cols=cols, rows=rows, title=title if isinstance(title, str) else None,
        duration=events[-1].time if events else 0.0, events=tuple(events), markers=tuple(markers),
        problems=tuple(problems), output_bytes=output_bytes, idle_time_limit=limit)


def _parse_v1(doc: dict[str, Any], name: str, idle_time_limit: float | None) -> Recording:
    cols, rows = _positive_int(doc.get("width")), _positive_int(doc.get("height"))
    if cols is None or rows is None:
        raise CastError(f"{name}: asciicast v1 header needs positive integer width and height")
    stdout = doc.get("stdout")
    if not isinstance(stdout, list):
        raise CastError(f"{name}: asciicast v1 recording has no stdout list")
    problems: list[Problem] = []
    raw: list[tuple[float, str, str, int]] = []
    for i, entry in enumerate(stdout):
        delay = _number(entry[0]) if isinstance(entry, list) and len(entry) == 2 else None
        if delay is None or not isinstance(entry[1], str):
            problems.append(Problem(name, 0, f"stdout[{i}] is not [delay, text]: skipped"))
            continue
        raw.append((delay, "o", entry[1], 0))
    return _build(name, 1, doc, raw, problems, idle_time_limit, relative=True, cols=cols, rows=rows)


def parse_cast_lines(lines: Iterable[str], name: str, *, idle_time_limit: float | None = None) -> Recording:
    """Parse a recording given as lines (with or without their newlines); `name` goes in messages.

    A last line that does not end in a newline and does not parse is reported as truncated.
    Raises CastError when there is no usable header; every other fault is a Problem.
    """
    raw_lines = [line.encode("utf-8", "surrogatepass") for line in lines]
    terminated = bool(raw_lines) and raw_lines[-1].endswith(b"\n")
    return _parse([line.rstrip(b"\n") for line in raw_lines], terminated, name, idle_time_limit)


def _parse(lines: list[bytes], terminated: bool, name: str, idle_time_limit: float | None) -> Recording:
    """The reader proper, on lines without their newlines (orjson parses bytes directly)."""
    start = 0
    while start < len(lines) and (not lines[start].strip() or lines[start].lstrip().startswith(b"#")):
        start += 1
    if start == len(lines):
        raise CastError(f"{name}: empty file, not an asciicast recording")
    header_line = start + 1
    try:
        header = _loads(lines[start].lstrip(b"\xef\xbb\xbf"))
    except ValueError:
        # Not a one-line header: maybe a v1 recording spread over many lines.
        try:
            header = _loads(b"\n".join(lines[start:]).lstrip(b"\xef\xbb\xbf"))
        except ValueError:
            raise CastError(f"{name}:{header_line}: header is not valid JSON") from None
        if isinstance(header, dict) and header.get("version") == 1:
            return _parse_v1(header, name, idle_time_limit)
        raise CastError(f"{name}: not an asciicast recording (no v1 document, no header line)") from None
    if not isinstance(header, dict):
        raise CastError(f"{name}:{header_line}: header is not a JSON object")
    version = header.get("version")
    if version == 1:
        return _parse_v1(header, name, idle_time_limit)
    if version == 2:
        cols, rows = _positive_int(header.get("width")), _positive_int(header.get("height"))
    elif version == 3:
        term = header.get("term")
        term = term if isinstance(term, dict) else {}
        cols, rows = _positive_int(term.get("cols")), _positive_int(term.get("rows"))
    else:
        raise CastError(f"{name}:{header_line}: unsupported asciicast version {version!r}")
    if cols is None or rows is None:
        size = "width and height" if version == 2 else "term.cols and term.rows"
        raise CastError(f"{name}:{header_line}: asciicast v{version} header needs positive integer {size}")

    problems: list[Problem] = []
    raw: list[tuple[float, str, str, int]] = []
    last = len(lines) - 1
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if not line.strip() or (version == 3 and line.lstrip().startswith(b"#")):
            continue
        number = index + 1
        try:
            value = _loads(line)
        except ValueError:
            if index == last and not terminated:
                problems.append(Problem(name, number, "truncated last line dropped"))
            else:
                problems.append(Problem(name, number, "event line is not valid JSON: skipped"))
            continue
        if not (isinstance(value, list) and len(value) == 3):
            problems.append(Problem(name, number, "event is not [time, code, data]: skipped"))
            continue
        t, code, data = value
        seconds = _number(t)
        if seconds is None:
            what = "interval" if version == 3 else "time"
            problems.append(Problem(name, number, f"event {what} {t!r} is not a non-negative number: skipped"))
            continue
        if not isinstance(code, str) or not code or not isinstance(data, str):
            problems.append(Problem(name, number, "event code and data must be strings: skipped"))
            continue
        raw.append((seconds, code, data, number))
    return _build(name, version, header, raw, problems, idle_time_limit, relative=version == 3,
                  cols=cols, rows=rows)


def read_cast_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped if they start with the gzip magic bytes (whatever its name)."""
    try:
        blob = path.read_bytes()
        if blob[:2] == b"\x1f\x8b":
            blob = gzip.decompress(blob)
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
        raise CastError(f"{path}: cannot read: {reason}") from None
    return blob


def load_cast(path: Path, *, idle_time_limit: float | None = None) -> Recording:
    """Read a `.cast` or `.cast.gz` file. `idle_time_limit`: None uses the header's, 0, negative or
    inf keep every gap as recorded, a positive number caps every gap to it."""
    lines = read_cast_bytes(path).split(b"\n")
    terminated = lines[-1] == b""
    if terminated:
        lines.pop()
    collecting = gc.isenabled()
    gc.disable()  # one object per event: the collector would rescan them all, again and again
    try:
        return _parse([line.rstrip(b"\r") for line in lines], terminated, str(path), idle_time_limit)
    finally:
        if collecting:
            gc.enable()
