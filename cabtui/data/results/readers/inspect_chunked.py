"""A chunked Inspect sample read back as the one sample object its single member would hold.

Inspect's chunked form (inspect_ai `log/_recorders/chunked/format.py`; in 0.3.285 written by
the hidden `inspect log convert-chunked`, read back by its later `chunked/read.py`) keeps a
sample under a folder of the `.eval`:

    samples/<id>_epoch_<n>/sample.json            the sample without messages, events,
                                                  attachments, events_data and metadata
    samples/<id>_epoch_<n>/messages/<start>.json  the message pool, in chunks
    samples/<id>_epoch_<n>/events/<start>.json    the events, in chunks
    samples/<id>_epoch_<n>/calls/<start>.json     the model calls' request pool
    samples/<id>_epoch_<n>/attachments/<start>.json  attachment texts, in chunks
    (and metadata.json, skeleton.json, events/stats.json, events/uuids.json)

Each chunk is a JSON list named by the index of its first item; the chunks of a
sequence follow on from each other. Model events point into the message pool with
`input_refs` as a monolith's do, and text is referred to as `attachment://<index>` (its
place in the attachments sequence) where a monolith names its hash. The replay needs
the shell, the events, the message pool and the attachments; the call pool, the
metadata and the sidecars are not read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from cabtui.data.results.readers.zip_members import Member, MemberError, ZipDirectory, read_member

SHELL: Final = "sample.json"
SEQUENCES: Final = ("messages", "events", "attachments")
"""The sequences the replay reads (`calls` holds request payloads cabtui does not show)."""

Parse = Callable[[bytes | bytearray, str], Any]


class ChunkedError(Exception):
    """A chunked sample that cannot be read whole: its message says which member and why."""


def chunked_prefix(sample_id: str | int, epoch: int) -> str:
    """The folder of a chunked sample in the `.eval`."""
    return f"samples/{sample_id}_epoch_{epoch}/"


def read_chunked(path: Path, directory: ZipDirectory, shell: Member, limit: int, parse: Parse) -> dict[str, Any]:
    """The sample whose shell is `shell`, with its events, message pool and attachments put back
    where a monolith holds them; at most `limit` bytes decompressed in all.

    Raises:
        ChunkedError: a member unreadable or not of its shape, a chunk missing, or past `limit`.
    """
    prefix = shell.name.removesuffix(SHELL)
    budget = [limit]

    def load(member: Member) -> Any:
        try:
            data = read_member(path, member, budget[0])
        except MemberError as err:
            raise ChunkedError(f"{err} (a chunked sample reads {limit:,} bytes at most in all)") from None
        budget[0] -= len(data)
        return parse(data, member.name)

    sample = load(shell)
    if not isinstance(sample, dict):
        raise ChunkedError(f"{shell.name}: not a sample object")
    try:
        members = directory.under(prefix)
    except MemberError as err:
        raise ChunkedError(str(err)) from None
    items = {name: _sequence(prefix, name, members, load) for name in SEQUENCES}
    sample["events"] = items["events"]
    data = sample.get("events_data")
    sample["events_data"] = {**(data if isinstance(data, dict) else {}), "messages": items["messages"]}
    sample["attachments"] = {str(i): text for i, text in enumerate(items["attachments"])}
    return sample


def _sequence(prefix: str, sequence: str, members: list[Member], load: Callable[[Member], Any]) -> list[Any]:
    """A sequence's items, its chunks in the order of their first index (checked to follow on)."""
    folder = f"{prefix}{sequence}/"
    chunks: list[tuple[tuple[int, str], Member]] = []
    for member in members:
        stem = member.name[len(folder) :].removesuffix(".json") if member.name.startswith(folder) else ""
        if stem.isascii() and stem.isdigit() and member.name.endswith(".json"):
            digits = stem.lstrip("0") or "0"
            chunks.append(((len(digits), digits), member))
    chunks.sort(key=lambda chunk: chunk[0])
    items: list[Any] = []
    for (_, digits), member in chunks:
        if digits != str(len(items)):  # compared as text: Python makes no int of 5,000 digits
            raise ChunkedError(f"{member.name}: starts at item {digits}, after {len(items)} items (a chunk missing?)")
        got = load(member)
        if not isinstance(got, list):
            raise ChunkedError(f"{member.name}: not a list of {sequence}")
        items.extend(got)
    return items
