"""The replay of a cell still running: its trace, model calls and recording read on as they grow.

As the player does for a recording: every `GROWTH_CHECK_S` the files' sizes are looked at
(a stat each, on the UI thread); one that changed is read on from where it stopped, off the UI
thread (`LiveTrace`: only the lines appended are parsed), and the screen lays its timeline out
again. With the playhead at the end (`end`, or played to it) it follows the new end; anywhere
else it stays, so seeking back works as ever. `w` (the app's) pauses the watching.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cabtui.data.results import file_size
from cabtui.ui.feed import LIVE_S
from cabtui.ui.screens.playback import PlaybackScreen

if TYPE_CHECKING:
    from cabtui.data.results import LiveTrace, ModelCall, Span

GROWTH_CHECK_S = 1.0
"""How often the files' sizes are looked at (the player's pace)."""

LIVE_MARK = "● live"


class LiveReplay(PlaybackScreen):
    """A playback screen whose trace and recording may still be being written.

    The subclass draws; this base says when what it draws grew (`trace_grew`,
    `recording_grew`) and what the live mark reads (`live_note`).
    """

    def __init__(self, live: LiveTrace | None, recording: Path | None) -> None:
        super().__init__()
        self.live = live.fork() if live is not None and live.followed else None
        """This screen's own reader of the trace files (the cell page keeps the one it was read with)."""
        self._recording = recording
        self._recording_bytes = file_size(recording) if recording is not None else -1
        self._reading = False
        """A read of the trace files is under way: one at a time (a thread cannot be cancelled)."""
        self._writing = False
        """A file ends in a part of a line: a record still being written."""
        self.grew_at: float | None = None
        """When the trace or the recording last grew while on screen (the app's time)."""
        self._was_live = False

    def follow_growth(self) -> None:
        """Start looking at the files' sizes (call in on_mount)."""
        if self.live is not None or self._recording is not None:
            self.set_interval(GROWTH_CHECK_S, self._check_growth)

    @property
    def is_live(self) -> bool:
        """Whether something grew lately (`LIVE_S`, as a sweep is marked live) or is being written."""
        at = self.grew_at
        recent = at is not None and self.app.get_time() - at < LIVE_S  # type: ignore[attr-defined]
        return self._writing or recent

    def live_note(self) -> str:
        """The live mark of the status line: empty unless the cell is being written."""
        if not self.is_live:
            return ""
        if self.watching_paused():
            return f"{LIVE_MARK}: watching paused (w resumes)"
        return f"{LIVE_MARK}: following the end" if self.clock.at_end else LIVE_MARK

    def watching_changed(self, watching: str) -> None:
        """`w` was pressed: the live mark says so; resumed, look at once."""
        if watching != "paused":
            self._check_growth()
        self.live_changed()

    def _check_growth(self) -> None:
        if not self.watching_paused():
            if self._recording is not None:
                size = file_size(self._recording)
                if size > self._recording_bytes and self._recording_bytes >= 0:
                    self._recording_bytes = size
                    self.grew_at = self.app.get_time()  # type: ignore[attr-defined]
                    self.recording_grew()
            live = self.live
            if live is not None and not self._reading and live.grew():
                self._reading = True
                self.run_worker(lambda: self._read_live(live), thread=True, group="live-trace", exit_on_error=False)
        if self.is_live != self._was_live:
            self.live_changed()

    def _read_live(self, live: LiveTrace) -> None:
        """In a thread: read on in the files; the screen gets immutable spans and calls."""
        try:
            changed = live.read()
        except Exception:  # noqa: BLE001 - read() never raises; a bug here must not stop the following
            changed = False
        self.app.call_from_thread(self._live_read, changed, live.spans, live.calls, live.writing)

    def _live_read(
        self, changed: bool, spans: tuple[Span, ...] | None, calls: tuple[ModelCall, ...] | None, writing: bool
    ) -> None:
        self._reading = False
        self._writing = writing
        if changed:
            self.grew_at = self.app.get_time()  # type: ignore[attr-defined]
            self.trace_grew(spans, calls)
        self.live_changed()

    def live_changed(self) -> None:
        """Redraw what shows the live mark."""
        self._was_live = self.is_live
        if self.is_mounted:
            self.draw_state()

    def trace_grew(self, spans: tuple[Span, ...] | None, calls: tuple[ModelCall, ...] | None) -> None:
        """New spans or calls (None: those do not come from a file): lay the timeline out again."""
        raise NotImplementedError

    def recording_grew(self) -> None:
        """The recording grew: read it again."""
        raise NotImplementedError
