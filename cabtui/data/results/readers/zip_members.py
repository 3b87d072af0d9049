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
CENTRAL_ENTRY: Final = struct.Struct("<4s6H3I5H2I")
CENTRAL_MAGIC: Final = b"PK\x01\x02"
END: Final = struct.Struct("<4s4H2IH")
END_MAGIC: Final = b"PK\x05\x06"
ZIP64_LOCATOR: Final = struct.Struct("<4sIQI")
ZIP64_END: Final = struct.Struct("<4sQ2H2I4Q")
DIRECTORY_LIMIT: Final = 1 << 30
"""Bytes of central directory read at most (200,000 members take about 20 MB)."""
_CHUNK: Final = 1 << 20
_MAX32: Final = 0xFFFFFFFF


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


class ZipDirectory:
    """An archive's central directory, kept as bytes: a member is found by searching its name.

    Listing 200,000 members with `zipfile` costs over half a second; finding two of them in
    the directory's bytes costs a few milliseconds. The directory is where the end record
    says (zip64 too); nothing else of the archive is read.
    """

    def __init__(self, path: Path) -> None:
        """Raises:
        MemberError: not a zip (no end record), or a directory that cannot be read."""
        self.path = path
        try:
            with path.open("rb") as handle:
                handle.seek(0, 2)
                size = handle.tell()
                tail_at = max(size - (END.size + 0xFFFF), 0)
                handle.seek(tail_at)
                tail = handle.read()
                at = tail.rfind(END_MAGIC)
                if at < 0 or len(tail) - at < END.size:
                    raise MemberError("not a readable zip: no end of central directory (truncated?)")
                _, _, _, _, count, length, offset, _ = END.unpack_from(tail, at)
                if (count == 0xFFFF or length == _MAX32 or offset == _MAX32) and at >= ZIP64_LOCATOR.size:
                    _, _, end64, _ = ZIP64_LOCATOR.unpack_from(tail, at - ZIP64_LOCATOR.size)
                    handle.seek(end64)
                    record = handle.read(ZIP64_END.size)
                    if len(record) < ZIP64_END.size or record[:4] != b"PK\x06\x06":
                        raise MemberError("not a readable zip: a broken zip64 end record")
                    length, offset = ZIP64_END.unpack(record)[-2:]
                if length > DIRECTORY_LIMIT:
                    raise MemberError(f"a central directory of {length:,} bytes; not read")
                handle.seek(offset)
                self.directory = handle.read(length)
        except OSError as err:
            raise MemberError(f"cannot read: {err.strerror or err}") from None
        if len(self.directory) < length:
            raise MemberError("not a readable zip: its central directory is cut short (truncated?)")

    def find(self, name: str) -> Member | None:
        """The member called `name`, None if the archive has none.

        Raises:
            MemberError: its directory entry is broken."""
        wanted = name.encode()
        directory = self.directory
        at = directory.find(wanted)
        while at >= 0:
            start = at - CENTRAL_ENTRY.size
            if start >= 0 and directory[start : start + 4] == CENTRAL_MAGIC:
                fields = CENTRAL_ENTRY.unpack_from(directory, start)
                if fields[10] == len(wanted):
                    return _member(name, fields, directory[at + len(wanted) : at + len(wanted) + fields[11]])
            at = directory.find(wanted, at + 1)
        return None

    def under(self, prefix: str) -> list[Member]:
        """Every member whose name starts with `prefix`, in the directory's order.

        Raises:
            MemberError: one of their directory entries is broken."""
        wanted = prefix.encode()
        directory = self.directory
        found: list[Member] = []
        at = directory.find(wanted)
        while at >= 0:
            start = at - CENTRAL_ENTRY.size
            if start >= 0 and directory[start : start + 4] == CENTRAL_MAGIC:
                fields = CENTRAL_ENTRY.unpack_from(directory, start)
                end = at + fields[10]
                if fields[10] >= len(wanted) and end <= len(directory):
                    name = directory[at:end].decode("utf-8", "replace")
                    found.append(_member(name, fields, directory[end : end + fields[11]]))
                    at = end
            at = directory.find(wanted, at + 1)
        return found

    def has_prefix(self, prefix: str) -> bool:
        """Whether some member's name starts with `prefix` (a cheap test; may say yes for a comment)."""
        return prefix.encode() in self.directory


def _member(name: str, fields: tuple[int, ...], extra: bytes) -> Member:
    """A central directory entry as a Member, its zip64 sizes and offset read where they overflow.

    Raises:
        MemberError: a zip64 extra field longer than the entry's extra bytes.
    """
    method, compressed, size, offset = fields[4], fields[8], fields[9], fields[16]
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        if kind == 1 and at + 4 + length > len(extra):
            raise MemberError(f"not a readable zip: {name}: a zip64 extra field cut short")
        if kind == 1:  # zip64: only the overflowing values, in this order
            values = list(struct.unpack_from(f"<{length // 8}Q", extra, at + 4))
            if size == _MAX32 and values:
                size = values.pop(0)
            if compressed == _MAX32 and values:
                compressed = values.pop(0)
            if offset == _MAX32 and values:
                offset = values.pop(0)
        at += 4 + length
    return Member(name, method, offset, compressed, size)


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


def read_member(path: Path, member: Member, limit: int) -> bytes | bytearray:
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
        return _unzstd(member.name, raw, limit, member.size)
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


def _unzstd(name: str, raw: bytes, limit: int, size: int) -> bytes | bytearray:
    """Decompressed into one buffer of the size the directory records (bounded by `limit`), then
    on in chunks if it said too little: no copy of the whole (summaries.json is 100 MB at 200,000 samples)."""
    import zstandard  # only logs that need it pay for the import

    out = bytearray(min(size, limit))
    try:
        with zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True) as reader:
            got = reader.readinto(out) if out else 0
            if got < len(out):
                del out[got:]
                return out
            while chunk := reader.read(_CHUNK):
                got += len(chunk)
                if got > limit:
                    raise _too_big(name, limit)
                out += chunk
    except zstandard.ZstdError as err:
        raise MemberError(f"{name}: corrupt zstd data ({err})") from None
    return out
