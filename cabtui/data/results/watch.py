"""Waiting for a results folder to change: file-system events (watchfiles), or polling.

The growing index (growing.py) does the reading: a waiter only says when it is worth
looking again. watchfiles wakes on the kernel's change events (inotify, FSEvents,
ReadDirectoryChanges) and costs nothing while nothing changes; where there are none
(network and FUSE file systems, a container's bind mount, too many folders for the
watch limit) the `PollWaiter` wakes every `interval` and the index stats its files.
Either way a waiter also wakes every `interval`, so a held-back line is reported
on time. Nothing is written.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import watchfiles

POLL_S = 0.5
"""How often the polling waiter wakes: an appended line is seen within this (plus a read)."""


class Waiter(Protocol):
    """Blocks until something under the folder may have changed, or the interval passed."""

    kind: str
    """`events` or `polling`, as the screens say."""

    def wait(self) -> set[Path] | None:
        """The paths that changed (empty: a timeout), or None when the paths are unknown (polling)."""
        ...

    def close(self) -> None:
        """Stop waiting; a `wait` in progress returns soon."""
        ...


class PollWaiter:
    """Wakes every `interval`; the index then stats every file it follows (cheap: one stat a file)."""

    kind = "polling"

    def __init__(self, interval: float = POLL_S) -> None:
        self.interval = interval
        self._stop = threading.Event()

    def wait(self) -> set[Path] | None:
        """Sleep one interval (less if closed meanwhile); the paths are not known."""
        self._stop.wait(self.interval)
        return None

    def close(self) -> None:
        """End a wait in progress."""
        self._stop.set()


class EventWaiter:
    """Wakes on file-system events under `root` (watchfiles), and at least every `interval`.

    Raises:
        OSError: the folder cannot be watched (the caller then polls).
    """

    kind = "events"

    def __init__(self, root: Path, interval: float = POLL_S) -> None:
        import watchfiles

        self._stop = threading.Event()
        self._changes: Iterator[set[tuple[watchfiles.Change, str]]] = watchfiles.watch(
            root,
            stop_event=self._stop,
            yield_on_timeout=True,
            rust_timeout=max(int(interval * 1000), 1),
            debounce=200,  # writes within this are one wake: a sweep appends in bursts
            step=20,
            raise_interrupt=False,
            ignore_permission_denied=True,
        )

    def wait(self) -> set[Path] | None:
        """The paths that changed since the last wait (empty at a timeout)."""
        changes = next(self._changes, None)
        return {Path(path) for _, path in changes} if changes else set()

    def close(self) -> None:
        """End a wait in progress (at the next timeout at the latest)."""
        self._stop.set()


def make_waiter(root: Path, interval: float = POLL_S, *, polling: bool = False) -> Waiter:
    """An event waiter on `root`, or a polling one when asked or when events are not to be had."""
    if not polling:
        try:
            return EventWaiter(root, interval)
        except Exception:  # noqa: BLE001 - watchfiles missing or the folder unwatchable: poll instead
            pass
    return PollWaiter(interval)


def file_size(path: Path) -> int:
    """The file's size, -1 where it cannot be stat'ed (a stat, no open: cheap enough to poll)."""
    try:
        return path.stat().st_size
    except OSError:
        return -1
