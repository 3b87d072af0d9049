"""What a reader of another harness's results gives cabtui: the hook by which its folders become sweeps.

cabtui's own format (cells.jsonl) is read by the loader itself; every other harness
(Harbor, Terminal-Bench, Inspect AI, ...) is one `Reader`. Discovery asks each reader
whether a folder (or a file PATH) is one of its own; the loader asks it for the index
rows of what it found; opening a cell asks it for the full record and its artifacts.
The reader's name is kept on every row's `Source.format`, so those calls find it again.

A reader is pure (no UI), lazy (rows read only what the grid needs: results, not
trajectories or recordings) and never raises on bad input: what is wrong becomes a
`Problem` (`FILE:LINE: message`) and the rest still opens. It never writes anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cabtui.data.problems import Problem

if TYPE_CHECKING:
    from cabtui.data.results.artifacts import CellArtifacts
    from cabtui.data.results.discovery import SweepSource
    from cabtui.data.results.index import CellRow, Source
    from cabtui.data.results.loader import OpenedRecord
    from cabtui.data.results.models import Cell


class Reader(Protocol):
    """One harness's results read as cabtui sweeps."""

    @property
    def name(self) -> str:
        """The format's id, kept on each row's `Source.format` (e.g. "harbor")."""
        ...

    def detect(self, where: Path, names: frozenset[str] | None, root: Path) -> Path | None:
        """The sweep `where` belongs to, if it is this harness's, else None.

        `where` is a folder the walk reached (`names`: its entries' names) or the file PATH
        itself (`names` None); `root` is the PATH being opened. Cheap: names first, then at
        most a small file's keys. The walk does not descend into a folder once claimed.
        What is returned (a folder or a file) becomes one `SweepSource.cells`; several
        folders may return the same sweep (the runs of one runs/ folder).
        """
        ...

    def rows(self, found: SweepSource, full: bool) -> Iterator[CellRow | Problem]:
        """The index rows of one sweep found by `detect`, and the problems met on the way.

        Reads only what the grid needs. With `full` (`cabtui validate`), everything a cell's
        page would read is checked too, so that validate lists what opening it would say.
        """
        ...

    def open(self, row: CellRow) -> OpenedRecord:
        """The full record of one of its rows, read again from disk; never raises."""
        ...

    def artifacts(self, cell: Cell, source: Source) -> CellArtifacts:
        """The cell's spans, model calls and recording (found, not read); never raises."""
        ...

    def check(self, row: CellRow) -> list[Problem]:
        """What `cabtui validate` would say of this one row's files (the Problems tab's full check)."""
        ...
