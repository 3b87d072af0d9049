"""Readers of other harnesses' results (Harbor, Terminal-Bench, ...), dispatched by format.

`READERS` lists them in the order discovery asks them; `reader_for(name)` finds the one
that made a row (its `Source.format`). cells.jsonl is not among them: the loader reads
it itself (format `CELLS_FORMAT`), as before there were readers.
"""

from __future__ import annotations

from pathlib import Path

from cabtui.data.results.readers.harbor import HARBOR
from cabtui.data.results.readers.inspect_reader import READER as INSPECT
from cabtui.data.results.readers.protocol import Reader
from cabtui.data.results.readers.terminal_bench import TERMINAL_BENCH

READERS: tuple[Reader, ...] = (
    HARBOR,
    TERMINAL_BENCH,
    INSPECT,
)
"""Every reader, in the order `detect` is asked (the first to claim a folder reads it)."""


def reader_for(name: str) -> Reader | None:
    """The reader whose format is `name`, None if there is none (a row of an unknown format)."""
    return next((r for r in READERS if r.name == name), None)


def claim(where: Path, names: frozenset[str] | None, root: Path) -> tuple[str, Path] | None:
    """(format, sweep) of the first reader that claims `where` (see `Reader.detect`), else None."""
    for reader in READERS:
        sweep = reader.detect(where, names, root)
        if sweep is not None:
            return reader.name, sweep
    return None


__all__ = ["READERS", "Reader", "claim", "reader_for"]
