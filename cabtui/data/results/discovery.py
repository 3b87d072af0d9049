"""Which cells files a PATH names, and the sweep id each one's folder gives.

A results root is searched at any depth; folders that cannot be listed are
collected, not fatal; two sweep folders of one name get distinct ids.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

CELLS_FILE = "cells.jsonl"


class UnreadablePath(Exception):
    """The PATH given cannot be read at all (missing, not a results folder)."""


def discover(path: Path, unreadable: list[OSError] | None = None) -> list[Path]:
    """The cells files PATH names: itself if a .jsonl file, else every cells.jsonl below it.

    Folders below PATH that cannot be listed are skipped and added to `unreadable`.

    Raises:
        UnreadablePath: PATH does not exist, or holds no sweep.
    """
    try:
        exists, is_file = path.exists(), path.is_file()
    except OSError as err:
        raise UnreadablePath(f"{path}: {err.strerror or err}") from err
    if not exists:
        raise UnreadablePath(f"{path}: no such file or folder")
    if is_file:
        if path.suffix != ".jsonl":
            raise UnreadablePath(f"{path}: not a .jsonl cells file, a .cast recording or a folder")
        return [path]
    errors: list[OSError] = []
    found = sorted(_walk_cells(path, errors.append))
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
        raise UnreadablePath(f"{path}: no sweep here (no {CELLS_FILE} at any depth, no .jsonl file{unlisted})")
    if unreadable is not None:
        unreadable.extend(errors)
    return found


def _walk_cells(root: Path, onerror: Callable[[OSError], None]) -> Iterator[Path]:
    """Every cells.jsonl below ROOT, folders in name order, without recursion (a tree may be
    deeper than Python's stack) and without following symlinked folders.

    Artifact trees (cells/<tui>/...) can be huge; a sweep folder's own cells/ subtree never
    holds another sweep, so it is not descended.
    """
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                dirs, has_cells = [], False
                for entry in entries:
                    if entry.name == CELLS_FILE and not entry.is_dir():
                        has_cells = True
                    elif not entry.name.startswith(".") and entry.is_dir(follow_symlinks=False):
                        dirs.append(entry.name)
        except OSError as err:
            onerror(err)
            continue
        if has_cells:
            yield Path(folder) / CELLS_FILE
            dirs = [d for d in dirs if d != "cells"]
        stack.extend(os.path.join(folder, d) for d in sorted(dirs, reverse=True))


def folder_names(root: Path, files: list[Path]) -> dict[Path, str]:
    """The sweep id each file's folder gives records that name none (when sweep.json names none either).

    The folder's own name, unless two folders share it (`2026-06/run`, `2026-07/run`):
    then their paths below ROOT (ROOT itself keeps its name), so that two sweeps never
    merge into one by name; full paths if even those collide.
    """
    folders = list(dict.fromkeys(f.parent for f in files))
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
