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

import itertools
import json
import math
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from cabtui.data.memory import gc_paused
from cabtui.data.problems import Problem
from cabtui.data.term.events import Event, Events

__all__ = [
    "MAX_CAST_BYTES",
    "CastError",
    "Event",
    "Events",
    "Recording",
    "load_cast",
    "parse_cast_lines",
    "parse_resize",
    "read_cast_bytes",
]

MB = 1024 * 1024
MAX_CAST_BYTES = 64 * MB
"""The most of a recording that is read, after decompression: about three times the longest real
agent session seen (20-25 MB for 10 minutes), while a 1 MB gzip bomb holds 1 GB. A longer file
plays up to the cap and gets a Problem. Emulating costs about 15 s per 256 MB of output here, so
a larger cap would let a 1 MB file hold the CLI (or a worker) for a minute."""
_CHUNK = MB

_RESIZE = re.compile(r"(\d{1,9})x(\d{1,9})\Z")


class CastError(Exception):
    """The file cannot be played at all; the message is one line starting with the file name."""


@dataclass(frozen=True, slots=True)
class Recording:
    """A parsed recording. `cols`/`rows` are the initial size; `r` events change it."""

    version: int
    cols: int
    rows: int
    title: str | None
    duration: float
    events: Sequence[Event]
    """`Events` (compact) when read from a file; any sequence of Event will do."""
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


class _Builder:
    """Events in file order as read (times absolute or intervals), then put on one time base."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.events = Events()
        self.codes: dict[str, int] = {}
        self.problems: list[Problem] = []
        self.bad_resizes: list[int] = []
        self.output_bytes = 0
        self.in_order = True

    def add(self, seconds: float, code: str, data: str, line: int) -> None:
        times = self.events.times
        if times and seconds < times[-1]:
            self.in_order = False
        if code == "r" and parse_resize(data) is None:
            # Kept until times are computed (its gap still counts), dropped after.
            self.problems.append(Problem(self.name, line, f"resize event {data!r} is not COLSxROWS"))
            self.bad_resizes.append(len(times))
        encoded = data.encode("utf-8", "surrogatepass")
        if code == "o":
            self.output_bytes += len(encoded)
        self.events.append(seconds, code, encoded, self.codes)

    def build(
        self,
        version: int,
        header: dict[str, Any],
        idle_time_limit: float | None,
        *,
        relative: bool,
        cols: int,
        rows: int,
    ) -> Recording:
        """The Recording on one absolute time base, idle gaps capped to the effective limit."""
        limit = _effective_limit(header.get("idle_time_limit"), idle_time_limit)
        events, bad = self.events, self.bad_resizes
        if not relative and not self.in_order:
            times = events.times
            order = sorted(range(len(events)), key=times.__getitem__)  # stable: ties keep file order
            events.reorder(order)
            where = {old: new for new, old in enumerate(order)}
            bad = sorted(where[i] for i in bad)
        times = events.times
        if relative or limit is not None:
            now = previous = 0.0
            for i, t in enumerate(times):
                gap = t if relative else t - previous
                previous = t
                now += gap if limit is None else min(gap, limit)
                times[i] = now
        if bad:
            dropped = set(bad)
            events.reorder([i for i in range(len(events)) if i not in dropped])
        markers = tuple((events.times[i], events.data(i)) for i in events.indices_of("m"))
        title = header.get("title")
        return Recording(
            version=version,
            cols=cols,
            rows=rows,
            title=title if isinstance(title, str) else None,
            duration=events.times[-1] if events else 0.0,
            events=events,
            markers=markers,
            problems=tuple(self.problems),
            output_bytes=self.output_bytes,
            idle_time_limit=limit,
        )


def _parse_v1(doc: dict[str, Any], name: str, idle_time_limit: float | None) -> Recording:
    cols, rows = _positive_int(doc.get("width")), _positive_int(doc.get("height"))
    if cols is None or rows is None:
        raise CastError(f"{name}: asciicast v1 header needs positive integer width and height")
    stdout = doc.get("stdout")
    if not isinstance(stdout, list):
        raise CastError(f"{name}: asciicast v1 recording has no stdout list")
    out = _Builder(name)
    for i, entry in enumerate(stdout):
        delay = _number(entry[0]) if isinstance(entry, list) and len(entry) == 2 else None
        if delay is None or not isinstance(entry[1], str):
            out.problems.append(Problem(name, 0, f"stdout[{i}] is not [delay, text]: skipped"))
            continue
        out.add(delay, "o", entry[1], 0)
    return out.build(1, doc, idle_time_limit, relative=True, cols=cols, rows=rows)


def parse_cast_lines(lines: Iterable[str], name: str, *, idle_time_limit: float | None = None) -> Recording:
    """Parse a recording given as lines (with or without their newlines); `name` goes in messages.

    A last line that does not end in a newline and does not parse is reported as truncated.
    Raises CastError when there is no usable header; every other fault is a Problem.
    """
    raw = [line.encode("utf-8", "surrogatepass") for line in lines]
    cut = bool(raw) and not raw[-1].endswith(b"\n")
    numbered = [(line.rstrip(b"\n"), cut and i == len(raw) - 1) for i, line in enumerate(raw)]
    return _parse(iter(numbered), name, idle_time_limit)


def _parse(
    lines: Iterator[tuple[bytes, bool]], name: str, idle_time_limit: float | None, cap: _Source | None = None
) -> Recording:
    """The reader proper, on (line without its newline, whether it is a last line cut short)."""
    number = 0
    for line, _ in lines:
        number += 1
        if line.strip() and not line.lstrip().startswith(b"#"):
            break
    else:
        raise CastError(f"{name}: empty file, not an asciicast recording")
    header_line = number
    try:
        header = _loads(line.lstrip(b"\xef\xbb\xbf"))
    except ValueError:
        # Not a one-line header: maybe a v1 recording spread over many lines.
        try:
            header = _loads(b"\n".join([line, *(rest for rest, _ in lines)]).lstrip(b"\xef\xbb\xbf"))
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

    out = _Builder(name)
    problems = out.problems
    for line, cut in lines:
        number += 1
        if not line.strip() or (version == 3 and line.lstrip().startswith(b"#")):
            continue
        try:
            value = _loads(line)
        except ValueError:
            message = "truncated last line dropped" if cut else "event line is not valid JSON: skipped"
            problems.append(Problem(name, number, message))
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
        out.add(seconds, code, data, number)
    if cap is not None and cap.capped:
        problems.append(
            Problem(
                name,
                number + 1,
                f"recording is larger than {cap.limit // MB} MB: the rest is not read (only what comes before plays)",
            )
        )
    return out.build(version, header, idle_time_limit, relative=version == 3, cols=cols, rows=rows)


class _Source:
    """A recording file's lines, gunzipped as a stream if it starts with the gzip magic bytes
    (whatever its name), and read up to `limit` bytes: a small gzip bomb must not expand to
    gigabytes in memory. `capped` tells, once read, whether there was more."""

    def __init__(self, path: Path, limit: int) -> None:
        self.path = path
        self.limit = limit
        self.capped = False

    def lines(self) -> Iterator[tuple[bytes, bool]]:
        """(line without its line end, whether it is a last line without a newline)."""
        pieces: list[bytes] = []
        for chunk in self._capped():
            parts = chunk.split(b"\n")
            if len(parts) > 1:
                first = b"".join([*pieces, parts[0]]) if pieces else parts[0]
                pieces = []
                yield first.rstrip(b"\r"), False
                for line in parts[1:-1]:
                    yield line.rstrip(b"\r"), False
            if parts[-1]:
                pieces.append(parts[-1])
        if pieces and not self.capped:  # a line cut by the cap is not "truncated": the cap says why
            yield b"".join(pieces).rstrip(b"\r"), True

    def _capped(self) -> Iterator[bytes]:
        total = 0
        for chunk in self._chunks():
            room = self.limit - total
            if len(chunk) > room:
                if room:
                    yield chunk[:room]
                self.capped = True
                return
            total += len(chunk)
            yield chunk

    def _chunks(self) -> Iterator[bytes]:
        with self.path.open("rb") as f:
            first = f.read(_CHUNK)
            raw = itertools.chain([first], iter(lambda: f.read(_CHUNK), b""))
            yield from (_gunzip(raw) if first[:2] == b"\x1f\x8b" else raw)


def _gunzip(raw: Iterator[bytes]) -> Iterator[bytes]:
    """Decompress gzip members one after another, at most `_CHUNK` bytes per piece."""
    member = zlib.decompressobj(31)
    started = False
    for chunk in raw:
        while chunk:
            if member.eof:  # another member follows; zero padding between members is allowed
                chunk = chunk.lstrip(b"\x00")
                member, started = zlib.decompressobj(31), False
                if not chunk:
                    break
            started = True
            out = member.decompress(chunk, _CHUNK)
            if out:
                yield out
            chunk = member.unused_data if member.eof else member.unconsumed_tail
    if started and not member.eof:
        raise EOFError("compressed file ended before the end-of-stream marker was reached")


def read_cast_bytes(path: Path, *, max_bytes: int = 0) -> bytes:
    """The file's bytes, gunzipped if they start with the gzip magic bytes (at most `max_bytes`,
    default MAX_CAST_BYTES). Raises CastError if unreadable."""
    source = _Source(path, max_bytes or MAX_CAST_BYTES)
    try:
        return b"".join(source._capped())
    except (OSError, EOFError, zlib.error) as exc:
        raise CastError(f"{path}: cannot read: {_reason(exc)}") from None


def _reason(exc: Exception) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__


def load_cast(path: Path, *, idle_time_limit: float | None = None, max_bytes: int = 0) -> Recording:
    """Read a `.cast` or `.cast.gz` file. `idle_time_limit`: None uses the header's, 0, negative or
    inf keep every gap as recorded, a positive number caps every gap to it. At most `max_bytes`
    (default MAX_CAST_BYTES) are read, decompressed; a longer file plays up to there with a Problem."""
    source = _Source(path, max_bytes or MAX_CAST_BYTES)
    try:
        # Bulk parsing: the collector would rescan the young objects again and again.
        with gc_paused():
            return _parse(source.lines(), str(path), idle_time_limit, source)
    except (OSError, EOFError, zlib.error) as exc:
        raise CastError(f"{path}: cannot read: {_reason(exc)}") from None
