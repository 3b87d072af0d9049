"""Where the bundled demo sweep lives, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path


def demo_path() -> Path:
    """The demo results root: packaged as cabtui/_demo, or recordings/ beside the package."""
    here = Path(__file__).resolve().parents[1]  # the cabtui package
    packaged = here / "_demo"
    return packaged if packaged.is_dir() else here.parent / "recordings"
