"""What a PATH holds, found in one walk: each cells file with what its folder gives the loader.

A results root is searched at any depth; folders that cannot be listed are
collected, not fatal, and handed over with the sweep folder that holds them;
two sweep folders of one name get distinct ids.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cabtui.data.results.index import CELLS_FORMAT

CELLS_FILE = "cells.jsonl"
SWEEP_FILE = "sweep.json"
OTLP_SUFFIX = ".otlp.jsonl"
"""An OpenTelemetry trace file (readers/otlp.py reads it): named here, so that telling one
apart at start-up does not import the readers of other harnesses."""


@dataclass(frozen=True, slots=True)
class SweepSource:
    """One cells file and everything the loader needs to read it."""

    cells: Path
    folder_name: str
    """The sweep id of records that name none, when sweep.json names none either."""
    sweep_json: Path | None
    """The folder's sweep.json, if it has one."""
    size: int
    """Bytes in the cells file, for progress (0 if it cannot be stat'ed)."""
    unreadable: tuple[OSError, ...] = ()
    """Folders below this one that could not be listed."""
    format: str = CELLS_FORMAT
    """Who reads it: the loader (a cells file), or the reader of that name (`readers`), for
    which `cells` is the folder or file its `detect` returned (`folder_name` still its id)."""


@dataclass(slots=True)
class Found:
    """The sources of a PATH in discovery order, and unlistable folders that no sweep folder holds."""

    sources: list[SweepSource]
    unreadable: list[OSError] = field(default_factory=list)


def find_sources(path: Path) -> Found:
    """Every cells file PATH names (itself, if a .jsonl file), each with its folder's name,
    sweep.json and the unlistable folders below it.

    Raises:
        UnreadablePath: PATH does not exist, or holds no sweep.
    """
    errors: list[OSError] = []
    claimed: dict[Path, str] = {}
    files = _cells_files(path, errors, claimed)
    homes = {**{f: f.parent for f in files}, **{s: s if s.is_dir() else s.parent for s in claimed}}
    names = _folder_names(path, list(homes.values()))
    folders = sorted(set(homes.values()), key=lambda f: len(f.parts), reverse=True)
    below: dict[Path, list[OSError]] = {}
    orphans: list[OSError] = []
    for err in errors:
        where = Path(str(err.filename))
        holder = next((f for f in folders if where.is_relative_to(f)), None)  # the deepest first
        (below.setdefault(holder, []) if holder is not None else orphans).append(err)
    sources = [
        SweepSource(f, names[f.parent], _sweep_json(f.parent), _size(f), tuple(below.pop(f.parent, ()))) for f in files
    ]
    for sweep, kind in claimed.items():  # other harnesses' sweeps, after cabtui's own
        home = homes[sweep]
        sources.append(SweepSource(sweep, names[home], None, 0, tuple(below.pop(home, ())), kind))
    return Found(sources, orphans)


def _sweep_json(folder: Path) -> Path | None:
    path = folder / SWEEP_FILE
    return path if path.is_file() else None


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0


class UnreadablePath(Exception):
    """The PATH given cannot be read at all (missing, not a results folder)."""


def discover(path: Path, unreadable: list[OSError] | None = None) -> list[Path]:
    """The cells files PATH names: itself if a .jsonl file, else every cells.jsonl below it.

    Folders below PATH that cannot be listed are skipped and added to `unreadable`.

    Raises:
        UnreadablePath: PATH does not exist, or holds no sweep.
    """
    errors: list[OSError] = []
    files = _cells_files(path, errors)
    if unreadable is not None:
        unreadable.extend(errors)
    return files


def _cells_files(path: Path, errors: list[OSError], claimed: dict[Path, str] | None = None) -> list[Path]:
    """The cells files of PATH; folders that cannot be listed go to `errors`, and the sweeps
    of other harnesses (`readers`) to `claimed` (sweep -> format) when it is given."""
    try:
        exists, is_file = path.exists(), path.is_file()
    except OSError as err:
        raise UnreadablePath(f"{path}: {err.strerror or err}") from err
    if not exists:
        raise UnreadablePath(f"{path}: no such file or folder")
    if is_file:
        other = _claim(path, None, path) if claimed is not None and path.suffix != ".jsonl" else None
        if claimed is not None and other is not None:
            claimed[other[1]] = other[0]
            return []
        if path.suffix != ".jsonl":
            raise UnreadablePath(f"{path}: not a .jsonl cells file, a .cast recording or a folder")
        return [path]
    found = sorted(_walk_cells(path, errors.append, claimed))
    if not found and claimed:
        return found
    if not found:
        # A folder of exported cell files (public-cells.jsonl...) opens too.
        try:
            found = sorted(p for p in path.glob("*.jsonl") if p.is_file())
        except OSError as err:
            errors.append(err)
    if not found:
        if errors and Path(errors[0].filename or "") == path:
            raise UnreadablePath(f"{path}: {errors[0].strerror or errors[0]}")
        unlisted = ""
        if errors:
            first = errors[0]
            count = f"{len(errors)} folder{'s' if len(errors) > 1 else ''}"
            unlisted = f"; {count} could not be read, first {first.filename}: {first.strerror or first}"
        raise UnreadablePath(
            f"{path}: no sweep here (no {CELLS_FILE} at any depth, no .jsonl file,"
            f" no Harbor or Terminal-Bench folder{unlisted})"
        )
    return found


def _walk_cells(
    root: Path, onerror: Callable[[OSError], None], claimed: dict[Path, str] | None = None
) -> Iterator[Path]:
    """Every cells.jsonl below ROOT, folders in name order, without recursion (a tree may be
    deeper than Python's stack) and without following symlinked folders.

    Artifact trees (cells/<tui>/...) can be huge; a sweep folder's own cells/ subtree never
    holds another sweep, so it is not descended. With `claimed`, a folder without cells.jsonl
    that a reader of another harness claims goes there (sweep -> format), not descended either.
    """
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                dirs, has_cells, names = [], False, []
                for entry in entries:
                    names.append(entry.name)
                    if entry.name == CELLS_FILE and not entry.is_dir():
                        has_cells = True
                    elif not entry.name.startswith(".") and entry.is_dir(follow_symlinks=False):
                        dirs.append(entry.name)
        except OSError as err:
            onerror(err)
            continue
        other = _claim(Path(folder), frozenset(names), root) if claimed is not None and not has_cells else None
        if claimed is not None and other is not None:
            claimed.setdefault(other[1], other[0])
            continue
        if has_cells:
            yield Path(folder) / CELLS_FILE
            dirs = [d for d in dirs if d != "cells"]
        stack.extend(os.path.join(folder, d) for d in sorted(dirs, reverse=True))


def _claim(where: Path, names: frozenset[str] | None, root: Path) -> tuple[str, Path] | None:
    """(format, sweep) where a reader of another harness claims `where` (imported on first use)."""
    from cabtui.data.results.readers import claim

    return claim(where, names, root)


def folder_names(root: Path, files: list[Path]) -> dict[Path, str]:
    """The sweep id each file's folder gives records that name none (when sweep.json names none either).

    The folder's own name, unless two folders share it (`2026-06/run`, `2026-07/run`):
    then their paths below ROOT (ROOT itself keeps its name), so that two sweeps never
    merge into one by name; full paths if even those collide.
    """
    return _folder_names(root, [f.parent for f in files])


def _folder_names(root: Path, parents: list[Path]) -> dict[Path, str]:
    folders = list(dict.fromkeys(parents))
    names = {folder: folder.resolve().name for folder in folders}
    base = root.resolve()
    for folder in _shared(names):
        where = folder.resolve()
        if where != base and where.is_relative_to(base):
            names[folder] = where.relative_to(base).as_posix()
    for folder in _shared(names):
        names[folder] = folder.resolve().as_posix()
    return names


def _shared(names: dict[Path, str]) -> list[Path]:
    """The folders whose name another folder has too."""
    taken = Counter(names.values())
    return [folder for folder, name in names.items() if taken[name] > 1]
