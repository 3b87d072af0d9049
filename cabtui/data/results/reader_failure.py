"""Where a reader of another harness was when it raised: the file, not the sweep folder.

A reader turns every bad input it knows of into a problem; what it raises is a case it did
not foresee (a bug, or input no one imagined), caught by the loader so that the other sweeps
still load. Saying only the sweep folder leaves the user to search thousands of trial files;
the file is found from the error itself (an `OSError` names it) or from the reader's frames,
innermost first: the first local that names a regular file inside the sweep is the one being
read. Only a case without any such file names the folder.
"""

from __future__ import annotations

import json
import os
import traceback
from pathlib import Path

from cabtui.data.problems import Problem
from cabtui.data.results.lines import failure

_LONGEST_PATH = 4096
"""Longer strings in a frame are data, not paths: never asked of the file system."""


def reader_failure(err: Exception, sweep: Path) -> Problem:
    """The problem of a reader that raised while indexing `sweep`: `FILE:LINE: what is wrong`
    at the file it was reading (line 0 where none is known), else at `sweep`."""
    line = err.lineno if isinstance(err, json.JSONDecodeError) else 0  # orjson's error is one too
    if isinstance(err, OSError) and err.filename:
        return Problem(str(err.filename), 0, failure(err))
    file = _file_in_frames(err, str(sweep))
    if file is None:
        return Problem(str(sweep), 0, failure(err) + " (while reading this sweep's files)")
    return Problem(file, line, failure(err))


def _file_in_frames(err: Exception, sweep: str) -> str | None:
    frames = [frame for frame, _ in traceback.walk_tb(err.__traceback__)]
    for frame in reversed(frames):  # the innermost first: the reader's own, not the loader's
        for value in list(frame.f_locals.values()):
            path = _inside(value, sweep)
            if path is not None:
                return path
    return None


def _inside(value: object, sweep: str) -> str | None:
    """`value` as a path when it names a regular file at or inside `sweep`."""
    if isinstance(value, Path):
        value = str(value)
    if not isinstance(value, str) or len(value) > _LONGEST_PATH or "\x00" in value:
        return None
    if value != sweep and not value.startswith(sweep.rstrip(os.sep) + os.sep):
        return None
    try:
        return value if os.path.isfile(value) else None
    except (OSError, ValueError):
        return None
