"""Where the search index lives: the user's cache folder, never a results folder.

`$XDG_CACHE_HOME/cabtui` (default `~/.cache/cabtui`), created mode 0700 and refused when
another user owns it or others may write to it: the index holds what agents printed, and a
folder others can write to could hand us a crafted database. A cache folder that lies
inside the results being searched is refused too (nothing is ever written there); the index
then lives in memory for this run only.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

INDEX_FILE = "search-index.sqlite3"


class CacheRefused(Exception):
    """The cache folder cannot be used safely; the message says why."""


def cache_folder(environ: dict[str, str] | None = None) -> Path:
    """`$XDG_CACHE_HOME/cabtui`, or `~/.cache/cabtui` when it is unset or not absolute."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "cabtui"


def ensure_private(folder: Path) -> Path:
    """Create `folder` (mode 0700) if needed and check it is ours alone.

    Raises:
        CacheRefused: another user owns it, it is not a folder, or group/others may write.
    """
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
    except OSError as err:
        raise CacheRefused(f"{folder}: cannot be created ({err.strerror or err})") from None
    if not stat.S_ISDIR(info.st_mode):
        raise CacheRefused(f"{folder}: not a folder")
    if info.st_uid != os.getuid():
        raise CacheRefused(f"{folder}: owned by another user")
    if info.st_mode & 0o077:
        try:
            folder.chmod(0o700)
        except OSError as err:
            raise CacheRefused(f"{folder}: others may read or write it ({err.strerror or err})") from None
    return folder


def inside(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or lies under it (both resolved)."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False
