"""Memory helpers shared by the data layer: pausing the garbage collector, bounded caches.

Both are pure (standard library only) and thread-agnostic: the UI's workers call them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Generic, TypeVar

__all__ = ["BoundedCache", "gc_paused", "give_back_free_memory"]

K = TypeVar("K")
V = TypeVar("V")


@contextmanager
def gc_paused(*, freeze: bool = False) -> Iterator[None]:
    """Run a bulk build with the cyclic collector off, then put it back as it was.

    Building many objects that live on makes the collector rescan the young ones again and
    again (it made loading 4 to 8 times slower). With `freeze`, what exists when the block
    ends is moved out of the generations the collector scans (`gc.freeze()`): a long-lived
    index is then never walked by a full collection. Both happen even if the block raises.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        if freeze:
            gc.freeze()


def give_back_free_memory() -> bool:
    """Hand the C allocator's free memory back to the system (glibc's `malloc_trim`); False elsewhere.

    The loading thread frees its big tables once the first read is done, but glibc keeps
    them in that thread's own arena, which the thread building the views never reuses:
    without this, freeing them left the app's resident memory as it was.
    """
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library the interpreter runs on
    except (OSError, AttributeError, TypeError):  # not glibc (musl, macOS), or no such lookup (Windows)
        return False
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    trim(0)
    return True


class BoundedCache(Generic[K, V]):
    """A memo that holds at most `maxsize` entries: when full, it starts over.

    Starting over (not LRU) keeps a hit a bare `dict.get`, which the emulator's hot paths
    need; the keys these memos see either repeat a lot (TUIs redraw the same sequences) or
    are adversarial (16 M true colours), where no eviction policy would help. `pinned`
    entries are put back after every start-over.

    Read through `entries`, a plain dict (a dict subclass's lookups are about 30% slower, as
    CPython specialises them for dict only), and write through `put`:

        memo = BoundedCache[str, int](1024)
        value = memo.entries.get(key)
        if value is None:
            value = memo.put(key, compute(key))

    `entries` is emptied in place, so a reference to it (or to its `get`) stays valid.
    """

    __slots__ = ("entries", "maxsize", "_pinned")

    def __init__(self, maxsize: int, pinned: Mapping[K, V] | None = None) -> None:
        self._pinned: dict[K, V] = dict(pinned or {})
        self.entries: dict[K, V] = dict(self._pinned)
        self.maxsize = max(maxsize, len(self._pinned) + 1)

    def put(self, key: K, value: V) -> V:
        """Store `value` unless `key` is there already and return what is stored: a value a
        racing thread stored first wins (as with `dict.setdefault`), so interning stays sound."""
        entries = self.entries
        if len(entries) >= self.maxsize and key not in entries:
            self.clear()
        return entries.setdefault(key, value)

    def clear(self) -> None:
        """Empty the memo, keeping the pinned entries."""
        self.entries.clear()
        self.entries.update(self._pinned)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def __repr__(self) -> str:
        return f"BoundedCache({len(self.entries)} of {self.maxsize} entries)"
