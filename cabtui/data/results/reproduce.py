"""The docker commands that rerun one cell: plain text, so the cell page draws it and `y` copies it."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pydantic is imported when a record is opened, not at start-up
    from cabtui.data.results.models import Cell


def reproduce_command(cell: Cell) -> str:
    """The docker commands that rerun this cell with the exact image used, when it is recorded.

    With no image recorded there is nothing to pull: the command says so and leaves
    `IMAGE` for the reader to fill in, rather than guess a name. Every value from the
    record is shell-quoted; control characters are left to the caller (the page shows
    them with `visible()`).

    A cell read from another harness carries its own command (`harness.reproduce`: `harbor run`,
    `tb run`), which is given instead.
    """
    harness = (cell.model_extra or {}).get("harness")
    if isinstance(harness, dict) and isinstance(harness.get("reproduce"), str):
        return str(harness["reproduce"])
    q = shlex.quote
    digest = cell.image_digest
    if cell.container_image:
        ref = q(f"{cell.container_image}@{digest}" if digest else cell.container_image)
        head = ["# pull the exact image used in this run", f"docker pull {ref}", ""]
    else:
        ref = "IMAGE"
        head = [
            "# No container image is recorded for this run: the exact image is unknown.",
            f"# Its digest is recorded: {digest}" if digest else "# No image digest is recorded either.",
            "# Put the image that ran it in place of IMAGE.",
            "",
        ]
    return "\n".join(
        [
            *head,
            "docker run --rm \\",
            '  -e CAB_ENDPOINT="$YOUR_ENDPOINT" \\',
            '  -e CAB_KEY="$YOUR_KEY" \\',
            f"  {ref} \\",
            "  run-cell \\",
            f"    --tui {q(cell.tui)} \\",
            f"    --model {q(cell.model)} \\",
            f"    --task {q(cell.task)}",
        ]
    )
