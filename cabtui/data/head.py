"""What the sweep index validates of each cells.jsonl line: identity and headlines, nothing else.

Validating whole records into models costs about four times a raw parse; plain
dicts of just these keys cost less than one (benchmarks/load_sweep.py). `Cell`
(models.py) validates the rest when a cell is opened, and `cabtui validate` every line.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final, NotRequired

from pydantic import ConfigDict, Field, TypeAdapter
from typing_extensions import TypedDict

AxisHead = TypedDict(  # functional form: `pass` is a keyword, and the key must stay `pass`
    "AxisHead",
    {
        "pass": float | None,
        "tokens_per_correct_task": float | None,
        "total_tokens": int | None,
        "model_calls": int | None,
        "wall_clock_ms": float | None,
        "blast_radius": float | None,
        "refusal": float | None,
        "integrity": float | None,
        "composite": float | None,
        "not_applicable": bool | None,
    },
    total=False,
)
"""The headline keys of any axis, and nothing else: the index never builds the rest."""
AxisHead.__pydantic_config__ = ConfigDict(extra="ignore", allow_inf_nan=False)  # type: ignore[attr-defined]


class CellHead(TypedDict):
    """What the sweep index needs of a cell record, validated straight from the JSON bytes.

    Axes the format does not define lose their keys here: the loader reads those
    records' scores again (they are rare).
    """

    __pydantic_config__ = ConfigDict(extra="ignore", allow_inf_nan=False)  # type: ignore[misc]

    tui: Annotated[str, Field(min_length=1)]
    model: Annotated[str, Field(min_length=1)]
    task: Annotated[str, Field(min_length=1)]
    scores: dict[str, AxisHead]
    cell_id: NotRequired[str | None]
    sweep_id: NotRequired[str | None]
    run: NotRequired[Annotated[int, Field(ge=1)] | None]
    status: NotRequired[str | None]
    exit_code: NotRequired[int | None]
    started_at: NotRequired[datetime | None]
    ended_at: NotRequired[datetime | None]


CELL_HEAD: Final = TypeAdapter(CellHead)
"""Validates one cells.jsonl line into a `CellHead`."""
