"""Inspect AI eval logs (`.eval` zips and `.json` files): their headers, sample summaries and samples.

The grid needs only `header.json` and `summaries.json` of a `.eval` (a few hundred bytes a
sample); a sample's body (`samples/<id>_epoch_<n>.json`, with its messages and events) is
read when its cell is opened. A log still running has no header yet: its `_journal/`
(`start.json` and `summaries/<n>.json`) gives what it has so far. A `.json` log is one
object holding its samples: it is parsed whole, and only the summaries are kept.

Everything is bounded: members and files larger than the limits below are refused with a
message, not read (see zip_members.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import orjson

from cabtui.data.results.readers.inspect_chunked import SHELL, ChunkedError, chunked_prefix, read_chunked
from cabtui.data.results.readers.inspect_summaries import Summary, decode_summaries, summary_of
from cabtui.data.results.readers.zip_members import Member, MemberError, ZipDirectory, list_members, read_member

EVAL_SUFFIX: Final = ".eval"
HEADER: Final = "header.json"
SUMMARIES: Final = "summaries.json"
JOURNAL_START: Final = "_journal/start.json"
JOURNAL_SUMMARY: Final = re.compile(r"_journal/summaries/(\d+)\.json")
HEADER_LIMIT: Final = 64 << 20
"""Bytes of header.json (and a `.json` log's whole text, `JSON_LOG_LIMIT`) read at most."""
SUMMARIES_LIMIT: Final = 1 << 30
"""summaries.json of 200,000 samples is about 150 MB."""
SAMPLE_LIMIT: Final = 256 << 20
"""One sample's JSON (a chunked sample's members together: the page holds it whole)."""
JSON_LOG_LIMIT: Final = 512 << 20
SNIFF_BYTES: Final = 4096


class LogError(Exception):
    """A log (or a part of one) that cannot be read: `FILE: message`."""


@dataclass(slots=True)
class LogHead:
    """What the grid needs of one log: its header and its samples' summaries."""

    path: Path
    header: dict[str, Any]
    """The log without samples: `eval`, `plan`, `status`, `results`, `stats`."""
    summaries: list[Summary]
    """Only what the grid reads of each (inspect_summaries.py)."""
    running: bool = False
    """No header.json yet: `header` is the journal's start.json, the summaries those so far."""
    directory: ZipDirectory | None = None
    """A `.eval`'s central directory (None for a `.json` log), to find a sample's body."""
    notes: list[str] = field(default_factory=list)
    """What could not be read, as messages about this file."""


def is_json_log(path: Path) -> bool:
    """Whether a `.json` file looks like an Inspect log (its head names `version` and `eval`)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return False
    return head.lstrip().startswith(b"{") and b'"version"' in head and b'"eval"' in head


def read_head(path: Path, *, summaries: bool = True) -> LogHead:
    """The header and summaries of a `.eval` or `.json` log (without `summaries`: the header
    and a `.eval`'s member list only, for opening one of its samples).

    Raises:
        LogError: nothing of the log can be read (not a zip, no header and no journal, not JSON).
    """
    if path.suffix == EVAL_SUFFIX:
        return _eval_head(path, summaries)
    return _json_head(path)


def _json(data: bytes | bytearray, what: str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as err:
        raise LogError(f"{what}: not JSON: {err}") from None


def _member_json(path: Path, member: Member, limit: int) -> Any:
    try:
        return _json(read_member(path, member, limit), member.name)
    except MemberError as err:
        raise LogError(str(err)) from None


def _member_summaries(path: Path, member: Member) -> Sequence[Summary | None]:
    """A summaries member: decoded to what the grid reads when it has the usual shape, else
    parsed whole and each summary taken from its dict (None for one that is no object).

    Raises:
        LogError: unreadable, not JSON, or not a list.
    """
    try:
        data = read_member(path, member, SUMMARIES_LIMIT)
    except MemberError as err:
        raise LogError(str(err)) from None
    fast = decode_summaries(data)
    if fast is not None:
        return fast
    got = _json(data, member.name)
    del data
    if not isinstance(got, list):
        raise LogError(f"{member.name}: not a list of sample summaries")
    return [summary_of(summary) for summary in got]


def _eval_head(path: Path, summaries: bool) -> LogHead:
    """Header and summaries found by name in the central directory (not a listing of every member)."""
    try:
        directory = ZipDirectory(path)
        found = directory.find(HEADER) or directory.find(JOURNAL_START)
    except MemberError as err:
        raise LogError(str(err)) from None
    if found is None:
        raise LogError("no header.json and no _journal/start.json: not an Inspect log, or one not yet started")
    running = found.name != HEADER
    header = _member_json(path, found, HEADER_LIMIT)
    if not isinstance(header, dict) or not isinstance(header.get("eval"), dict):
        raise LogError(f"{found.name}: no `eval` object: not an Inspect log header")
    head = LogHead(path, header, [], running=running, directory=directory)
    if not summaries:
        return head
    consolidated = directory.find(SUMMARIES)
    if consolidated is not None:
        parts = [consolidated]
    else:  # running, or written by a version that keeps only the journal: list the members
        try:
            members = list_members(path)
        except MemberError as err:
            raise LogError(str(err)) from None
        numbered = [(_number_order(m.group(1)), name) for name in members if (m := JOURNAL_SUMMARY.fullmatch(name))]
        parts = [members[name] for _, name in sorted(numbered)]
    kept: dict[tuple[str, int], Summary] = {}
    for part in parts:
        try:
            got = _member_summaries(path, part)
        except LogError as err:
            head.notes.append(str(err))
            continue
        _keep_summaries(head, got, part.name, kept)
    head.summaries = list(kept.values())
    return head


def _number_order(digits: str) -> tuple[int, str]:
    """Digits in numeric order without making an int (Python refuses one of 5,000 digits)."""
    digits = digits.lstrip("0")
    return len(digits), digits


def _keep_summaries(
    head: LogHead, got: Sequence[Summary | None], where: str, kept: dict[tuple[str, int], Summary]
) -> None:
    """Keep each summary by (id, epoch): a later one of the same replaces it in its place, as
    Inspect's reader does. One loop without a call per summary: a log has 200,000 of them."""
    for summary in got:
        if summary is not None:
            sample_id, epoch = summary.id, summary.epoch
            if epoch.__class__ is int and epoch >= 1:
                if sample_id.__class__ is str:
                    kept[sample_id, epoch] = summary
                    continue
                if sample_id.__class__ is int:
                    kept[str(sample_id), epoch] = summary
                    continue
        _skipped(head, summary, where)


def _skipped(head: LogHead, summary: Summary | None, where: str) -> None:
    """Why a summary is not kept: no id, or an epoch that is none."""
    sample_id = summary.id if summary is not None else None
    if summary is None or (sample_id.__class__ is not str and sample_id.__class__ is not int):
        head.notes.append(f"{where}: a sample summary without an id; skipped")
        return
    head.notes.append(f"{where}: sample {sample_id!r}: epoch {summary.epoch!r} is no epoch (from 1); skipped")


def _json_head(path: Path) -> LogHead:
    data = _whole_json_log(path)
    samples = data.pop("samples", None) or []
    head = LogHead(path, data, [])
    if not isinstance(samples, list):
        head.notes.append("samples: not a list; no sample read")
        return head
    kept: dict[tuple[str, int], Summary] = {}
    _keep_summaries(head, [summary_of(sample) for sample in samples], "samples", kept)
    head.summaries = list(kept.values())
    return head


def _whole_json_log(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > JSON_LOG_LIMIT:
            raise LogError(f"{size:,} bytes, more than the {JSON_LOG_LIMIT:,} a .json log is read to")
        data = _json(path.read_bytes(), "the log")
    except OSError as err:
        raise LogError(f"cannot read: {err.strerror or err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("eval"), dict):
        raise LogError("no `eval` object: not an Inspect log")
    return data


def sample_member(sample_id: str | int, epoch: int) -> str:
    """Where a sample's body lives in a `.eval` (the single-member form)."""
    return f"samples/{sample_id}_epoch_{epoch}.json"


def read_sample(path: Path, sample_id: str | int, epoch: int, directory: ZipDirectory | None = None) -> dict[str, Any]:
    """The whole sample (messages, events, attachments) of one (id, epoch): a `.eval`'s single
    member, or its chunked folder put back together (inspect_chunked.py).

    Raises:
        LogError: the sample is not in the log, or cannot be read.
    """
    if path.suffix != EVAL_SUFFIX:
        for sample in _whole_json_log(path).get("samples") or ():
            if isinstance(sample, dict) and str(sample.get("id")) == str(sample_id) and sample.get("epoch", 1) == epoch:
                return sample
        raise LogError(f"sample {sample_id!r} epoch {epoch} is not in the log (changed since it was loaded?)")
    name = sample_member(sample_id, epoch)
    try:
        directory = directory or ZipDirectory(path)
        member = directory.find(name)
        shell = None if member else directory.find(chunked_prefix(sample_id, epoch) + SHELL)
    except MemberError as err:
        raise LogError(str(err)) from None
    if shell is not None:
        try:
            return read_chunked(path, directory, shell, SAMPLE_LIMIT, _json)
        except ChunkedError as err:
            raise LogError(str(err)) from None
    if member is None:
        raise LogError(f"{name}: not in the log (still running, or the log changed since it was loaded)")
    got = _member_json(path, member, SAMPLE_LIMIT)
    if not isinstance(got, dict):
        raise LogError(f"{name}: not a sample object")
    return got
