"""The feed: one daemon thread that loads a PATH chunk by chunk, then follows its files as they grow.

It owns the growing index (`GrowingIndex`): it alone appends to the sweeps, and
it tells the app what grew with `Grew` messages, at most a few a second (the first
chunk at once), so that the screens show the first cells at once and redraw at a
pace they can keep. After the first full read it waits on the folder (watchfiles,
else polling) and reads what was appended; `paused` stops the reading (changes
wait in the files), `stop` ends the thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from textual.message import Message

from cabtui.data.memory import gc_paused, give_back_free_memory
from cabtui.data.results import (
    CHUNK,
    FIRST_CHUNK,
    POLL_S,
    Chunk,
    GrowingIndex,
    PollWaiter,
    Results,
    UnreadablePath,
    Waiter,
    make_waiter,
)

POST_EVERY_S = 0.5
"""At most this often a `Grew` while chunks come in: the screens redraw twice a second. Each
redraw lays the sweep screen out again on the UI thread (tens of ms, taken from the reading:
at four a second, profiled, the UI thread was busy for about half of a 1,000,000-cell load)."""

LIVE_S = 30.0
"""A sweep that grew less than this ago is marked live."""

FIRST_PAINT_WAIT_S = 1.0
"""After the first cells are posted, the reading waits at most this long for the first screen
to be painted: reading on meanwhile only takes the interpreter from the painting, and the
load as a whole takes no longer (the two never run at once)."""


@dataclass
class LoadProgress:
    """How far the first read has got, for the progress bar."""

    done: int = 0
    """Bytes read."""
    total: int = 0
    """Bytes in all the files."""
    cells: int = 0
    started: float = 0.0
    now: float = 0.0
    loading: bool = True

    @property
    def rate(self) -> float:
        """Cells a second so far."""
        took = self.now - self.started
        return self.cells / took if took > 0 else 0.0

    @property
    def left_s(self) -> float | None:
        """Seconds left at the rate so far, None before there is a rate."""
        took = self.now - self.started
        if self.done <= 0 or took <= 0:
            return None
        return max(self.total - self.done, 0) * took / self.done


class Grew(Message):
    """The index grew: these sweeps got cells or problems (`new`: sweeps that were not there before)."""

    def __init__(self, results: Results, sweeps: set[str], new: bool, progress: LoadProgress) -> None:
        super().__init__()
        self.results = results
        self.sweeps = sweeps
        self.new = new
        self.progress = progress


class LoadFailed(Message):
    """Nothing could be loaded: why, in one line."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


@dataclass
class Feed:
    """The loading and watching of one PATH, run by `run` in a thread worker."""

    path: Path
    post: Callable[[Message], object]
    """Where messages go (the app's `post_message`: safe from any thread)."""
    poll_interval: float = POLL_S
    polling: bool = False
    """Poll even where file-system events are to be had (tests; file systems that lie)."""
    get_time: Callable[[], float] = time.monotonic
    paused: threading.Event = field(default_factory=threading.Event)
    stopped: threading.Event = field(default_factory=threading.Event)
    waiter: Waiter | None = None
    grew_at: dict[str, float] = field(default_factory=dict)
    """When each sweep last grew after the first read: the screens mark it live."""
    index: GrowingIndex | None = None
    first_chunk: int = field(default_factory=lambda: FIRST_CHUNK)
    """Bytes of the first read (the first screen's cells)."""
    chunk: int = field(default_factory=lambda: CHUNK)
    """Bytes of every later read."""
    shown: threading.Event | None = None
    """Set by the app once the first screen with data is painted; the reading waits for it
    (`FIRST_PAINT_WAIT_S` at most). None: no wait."""

    @property
    def watching(self) -> str:
        """How the folder is watched: events, polling, paused, or not yet."""
        if self.paused.is_set():
            return "paused"
        return self.waiter.kind if self.waiter is not None else "not yet"

    def live(self, sweep_id: str) -> bool:
        """Whether the sweep grew less than `LIVE_S` ago."""
        at = self.grew_at.get(sweep_id)
        return at is not None and self.get_time() - at < LIVE_S

    def start(self) -> threading.Thread:
        """Run in a daemon thread: an interpreter that exits never waits for the watching."""
        thread = threading.Thread(target=self.run, name="cabtui-feed", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """End the thread (a load stops between chunks, a wait at its next wake)."""
        self.stopped.set()
        if self.shown is not None:
            self.shown.set()
        if self.waiter is not None:
            self.waiter.close()

    def run(self) -> None:
        """Load, then follow; never raises (a failure is posted as `LoadFailed`)."""
        try:
            self.index = index = GrowingIndex(self.path, check_at_end=True)
        except UnreadablePath as err:
            self.post(LoadFailed(str(err)))
            return
        try:
            self._load(index)
            if not self.stopped.is_set():
                self._follow(index)
        except Exception as err:  # noqa: BLE001 - never a dead thread behind a "Loading…" screen
            self.post(LoadFailed(f"{self.path}: could not be loaded ({type(err).__name__}: {err})"))

    def _load(self, index: GrowingIndex) -> None:
        progress = LoadProgress(total=index.total, started=self.get_time())
        batch = _Batch(index)
        last = -1.0
        with gc_paused(freeze=True):  # as `load`: the index outlives the load
            for chunk in index.chunks(first=self.first_chunk, size=self.chunk, stop=self.stopped.is_set):
                batch.add(chunk)
                progress.cells += len(chunk.rows)
                progress.done, progress.total = chunk.done, chunk.total
                now = progress.now = self.get_time()
                if batch and (last < 0 or now - last >= POST_EVERY_S):
                    first = last < 0
                    last = now
                    self._post(index, batch, progress)
                    batch = _Batch(index)
                    if first and self.shown is not None:
                        self.shown.wait(FIRST_PAINT_WAIT_S)
        if self.stopped.is_set():
            return
        batch.add(index.end_first_read())  # repeated cells left out, in bulk: checked row by row
        # as they came, they took a sixth of the load; until now the partial screens may show them
        give_back_free_memory()  # what the reading freed, to the system: the views are built in another thread
        progress.loading = False
        progress.now = self.get_time()
        self._post(index, batch, progress, always=True)

    def _post(self, index: GrowingIndex, batch: _Batch, progress: LoadProgress, *, always: bool = False) -> None:
        if batch or always:
            snapshot = LoadProgress(**progress.__dict__)
            self.post(Grew(index.results, batch.sweeps, batch.new, snapshot))

    def _follow(self, index: GrowingIndex) -> None:
        """Wait for changes and read them; a sweep folder that appears is read from its start."""
        waiter = self.waiter = make_waiter(self.path, self.poll_interval, polling=self.polling)
        if self.stopped.is_set():
            waiter.close()
        last_scan = self.get_time()
        while not self.stopped.is_set():
            try:
                changed = waiter.wait()
            except Exception:  # noqa: BLE001 - events failed (watch limit, folder gone): poll from now on
                waiter = self.waiter = PollWaiter(self.poll_interval)
                changed = None
            if self.stopped.is_set():
                break
            if self.paused.is_set():
                continue
            now = self.get_time()
            batch = _Batch(index)
            if changed is None and now - last_scan >= RESCAN_S or changed and _new_paths(changed, index):
                last_scan = now
                index.rescan()
            for chunk in index.poll(now):
                batch.add(chunk)
            if batch:
                for sweep_id in batch.sweeps:
                    self.grew_at[sweep_id] = now
                self.post(Grew(index.results, batch.sweeps, batch.new, LoadProgress(loading=False, now=now)))


RESCAN_S = 5.0
"""Polling, the tree is walked again for new sweep folders this often (with events, when one appears)."""


def _new_paths(changed: set[Path], index: GrowingIndex) -> bool:
    """Whether a change may be a new sweep: a cells file not followed yet, or a folder."""
    for path in changed:
        if path.name.endswith(".jsonl") and path not in index.tails:
            return True
        if path.suffix == "" and "cells" not in path.parts[-3:]:  # a new folder, outside artifact trees
            return True
    return False


class _Batch:
    """What several chunks added, until it is posted."""

    def __init__(self, index: GrowingIndex) -> None:
        self.index = index
        self.sweeps: set[str] = set()
        self._before = len(index.results.sweeps)

    def add(self, chunk: Chunk) -> None:
        self.sweeps |= chunk.sweeps

    @property
    def new(self) -> bool:
        """Whether a sweep appeared since the batch began."""
        return len(self.index.results.sweeps) > self._before

    def __bool__(self) -> bool:
        return bool(self.sweeps)
