"""Read single members of a zip archive, bounded, including zstd members (method 93).

Inspect AI's `.eval` logs are zips whose members are zstd-compressed since 0.3.206;
Python's `zipfile` before 3.14 lists them but cannot read them. The central directory
is read with `zipfile` (it handles zip64); a member's bytes are read raw from its local
header and decompressed here with `zstandard` (or zlib for older, deflated logs).

Archives are untrusted: a member that would decompress past `limit` bytes (a zip bomb,
or a member too large to show) is refused with a message, never read whole.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

STORED: Final = 0
DEFLATED: Final = 8
ZSTD: Final = 93
LOCAL_HEADER: Final = struct.Struct("<4sHHHHHIIIHH")
LOCAL_MAGIC: Final = b"PK\x03\x04"
_CHUNK: Final = 1 << 20


class MemberError(Exception):
    """A member that cannot be read: its message says why, for a `FILE: message` problem."""


@dataclass(frozen=True, slots=True)
class Member:
    """Where one member lives in the archive, as its central directory says."""

    name: str
    method: int
    offset: int
    """Of its local file header."""
    compressed: int
    size: int
    """Decompressed size as recorded (not trusted: decompression is bounded on its own)."""


def list_members(path: Path) -> dict[str, Member]:
    """The archive's members by name (reads only the central directory).

    Raises:
        MemberError: not a zip, or truncated before its central directory.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            return {
                info.filename: Member(
                    info.filename, info.compress_type, info.header_offset, info.compress_size, info.file_size
                )
                for info in archive.infolist()
            }
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        raise MemberError(f"not a readable zip: {err}") from None


def read_member(path: Path, member: Member, limit: int) -> bytes:
    """The member's decompressed bytes, at most `limit` of them.

    Raises:
        MemberError: unreadable, an unknown compression, corrupt, or larger than `limit`.
    """
    if member.method == STORED and member.compressed > limit:
        raise MemberError(f"{member.name}: {member.compressed:,} bytes, more than the {limit:,} read")
    try:
        with path.open("rb") as handle:
            handle.seek(member.offset)
            head = handle.read(LOCAL_HEADER.size)
            if len(head) < LOCAL_HEADER.size or head[:4] != LOCAL_MAGIC:
                raise MemberError(f"{member.name}: no local header where the directory says (truncated?)")
            fields = LOCAL_HEADER.unpack(head)
            handle.seek(member.offset + LOCAL_HEADER.size + fields[9] + fields[10])
            raw = handle.read(member.compressed)
    except OSError as err:
        raise MemberError(f"{member.name}: cannot read: {err.strerror or err}") from None
    if len(raw) < member.compressed:
        raise MemberError(f"{member.name}: {len(raw):,} of {member.compressed:,} bytes (truncated)")
    if member.method == STORED:
        return raw
    if member.method == DEFLATED:
        return _inflate(member.name, raw, limit)
    if member.method == ZSTD:
        return _unzstd(member.name, raw, limit)
    raise MemberError(f"{member.name}: compression method {member.method} is not supported")


def _too_big(name: str, limit: int) -> MemberError:
    return MemberError(f"{name}: decompresses past {limit:,} bytes; not read (a zip bomb, or too large to show)")


def _inflate(name: str, raw: bytes, limit: int) -> bytes:
    decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(raw, limit + 1)
    except zlib.error as err:
        raise MemberError(f"{name}: corrupt deflate data ({err})") from None
    if len(out) > limit or decompressor.unconsumed_tail:
        raise _too_big(name, limit)
    return out


def _unzstd(name: str, raw: bytes, limit: int) -> bytes:
    import zstandard  # only logs that need it pay for the import

    parts: list[bytes] = []
    got = 0
    try:
        with zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True) as reader:
            while chunk := reader.read(_CHUNK):
                got += len(chunk)
                if got > limit:
                    raise _too_big(name, limit)
                parts.append(chunk)
    except zstandard.ZstdError as err:
        raise MemberError(f"{name}: corrupt zstd data ({err})") from None
    return b"".join(parts)
