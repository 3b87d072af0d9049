"""A recording's events stored compactly: a few bytes per event instead of three objects.

One `Event` object per event costs about 200 bytes (the dataclass, a float, a str), so a
recording of a million tiny events took 26 times its file size in memory. `Events` keeps
times in an array of doubles, codes as small integers, and every event's data in one UTF-8
buffer with offsets: 20 bytes per event plus its data. Reading an event builds it on demand.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload


@dataclass(frozen=True, slots=True)
class Event:
    """One recorded event at `time` seconds from the start (after idle compression)."""

    time: float
    code: str
    data: str


class Events(Sequence[Event]):
    """An immutable sequence of Events (indexing and iteration build them on demand)."""

    __slots__ = ("times", "_codes", "_names", "_offsets", "_buf")

    def __init__(self) -> None:
        self.times = array("d")
        """Each event's time; readers may bisect it directly."""
        self._codes = array("I")
        self._names: list[str] = []
        self._offsets = array("Q", [0])
        self._buf = bytearray()

    @classmethod
    def of(cls, events: Iterable[Event]) -> Events:
        if isinstance(events, Events):
            return events
        store = cls()
        codes: dict[str, int] = {}
        for e in events:
            store.append(e.time, e.code, e.data.encode("utf-8", "surrogatepass"), codes)
        return store

    def append(self, time: float, code: str, data: bytes, codes: dict[str, int]) -> None:
        """Add an event; `data` is UTF-8 (surrogatepass), `codes` the caller's code table."""
        index = codes.get(code)
        if index is None:
            index = codes[code] = len(self._names)
            self._names.append(code)
        self.times.append(time)
        self._codes.append(index)
        self._buf += data
        self._offsets.append(len(self._buf))

    def reorder(self, order: Sequence[int]) -> None:
        """Put the events in `order` (a permutation of their indices)."""
        view = memoryview(self._buf)
        offsets = self._offsets
        buf = bytearray()
        new_offsets = array("Q", [0])
        for i in order:
            buf += view[offsets[i] : offsets[i + 1]]
            new_offsets.append(len(buf))
        view.release()
        self.times = array("d", (self.times[i] for i in order))
        self._codes = array("I", (self._codes[i] for i in order))
        self._buf, self._offsets = buf, new_offsets

    def code(self, i: int) -> str:
        return self._names[self._codes[i]]

    def data(self, i: int) -> str:
        return self._buf[self._offsets[i] : self._offsets[i + 1]].decode("utf-8", "surrogatepass")

    def indices_of(self, code: str) -> list[int]:
        """Indices of the events with `code`, in order."""
        if code not in self._names:
            return []
        wanted = self._names.index(code)
        return [i for i, c in enumerate(self._codes) if c == wanted]

    def data_len(self, i: int) -> int:
        """Bytes of event `i`'s data in UTF-8 (no decoding)."""
        return self._offsets[i + 1] - self._offsets[i]

    def nbytes(self) -> int:
        """Memory held by the arrays and the buffer."""
        return sum(a.buffer_info()[1] * a.itemsize for a in (self.times, self._codes, self._offsets)) + len(self._buf)

    def __len__(self) -> int:
        return len(self.times)

    @overload
    def __getitem__(self, i: int) -> Event: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Event]: ...

    def __getitem__(self, i: int | slice) -> Event | Sequence[Event]:
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("event index out of range")
        return Event(self.times[i], self.code(i), self.data(i))

    def __iter__(self) -> Iterator[Event]:
        for i in range(len(self)):
            yield Event(self.times[i], self.code(i), self.data(i))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Events({len(self)} events, {len(self._buf)} bytes of data)"
