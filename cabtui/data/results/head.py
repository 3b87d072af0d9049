"""What the sweep index validates of each line: identity and headlines, nothing else.

Validating whole records into models costs about four times a raw parse; plain
dicts of just these keys cost less than one (benchmarks/load_sweep.py). `Cell`
(models.py) validates the rest when a cell is opened, and `cabtui validate` every line.

The validators are pydantic-core schemas written out, not `TypeAdapter`s of the
TypedDicts: importing pydantic and building its schemas would cost more than
loading a published-size sweep, and this module is on the path to the first
screen. tests/data/test_head.py checks that they agree with pydantic's own, and
with `verdict.parse_cell` on which records are cells.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, NotRequired, TypedDict

from pydantic_core import SchemaValidator, core_schema

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
"""The headline keys of the known axes (`HEAD_KEYS`), and nothing else: the index never builds the rest.
An axis the format does not define is kept whole (its headline is its own name)."""


class UsageHead(TypedDict, total=False):
    """The tokens the CLI reported: the leaderboard's tokens where the scorer recorded none."""

    prompt_tokens: int | None
    completion_tokens: int | None


class CellHead(TypedDict):
    """What the sweep index needs of a cell record, validated straight from the JSON bytes.

    Every field but the identity and `scores` may be missing or null ("not recorded"),
    and so may each axis.
    """

    tui: str
    model: str
    task: str
    scores: dict[str, AxisHead | None]
    cell_id: NotRequired[str | None]
    sweep_id: NotRequired[str | None]
    run: NotRequired[int | None]
    status: NotRequired[str | None]
    exit_code: NotRequired[int | None]
    started_at: NotRequired[datetime | None]
    ended_at: NotRequired[datetime | None]
    usage: NotRequired[UsageHead | None]


class SweepHead(TypedDict, total=False):
    """What the index needs of sweep.json; `cabtui validate` checks the whole of it."""

    sweep_id: str | None
    title: str | None


def _fields(
    required: dict[str, core_schema.CoreSchema],
    optional: dict[str, core_schema.CoreSchema],
) -> dict[str, core_schema.TypedDictField]:
    """Typed-dict fields: `required` must be present; `optional` may be missing or null."""
    fields = {k: core_schema.typed_dict_field(v, required=True) for k, v in required.items()}
    for key, schema in optional.items():
        fields[key] = core_schema.typed_dict_field(core_schema.nullable_schema(schema), required=False)
    return fields


def _typed_dict(fields: dict[str, core_schema.TypedDictField]) -> core_schema.TypedDictSchema:
    return core_schema.typed_dict_schema(fields, extra_behavior="ignore")


# The scalar schemas, shared with the bulk read's fast path (fast_head.py): one meaning for both.
FLOAT = core_schema.float_schema(allow_inf_nan=False)
INT = core_schema.int_schema()
STR = core_schema.str_schema()
NAME = core_schema.str_schema(min_length=1)
TIME = core_schema.datetime_schema(microseconds_precision="truncate")

HEAD_KEYS: Final[dict[str, dict[str, core_schema.CoreSchema]]] = {
    "pass_rate": {"pass": FLOAT},
    "tokens": {"tokens_per_correct_task": FLOAT, "total_tokens": INT, "model_calls": INT},
    "latency": {"wall_clock_ms": FLOAT},
    "blast_radius": {"blast_radius": FLOAT},
    "refusal": {"refusal": FLOAT, "not_applicable": core_schema.bool_schema()},
    "integrity": {"integrity": FLOAT, "not_applicable": core_schema.bool_schema()},
    "composite": {"composite": FLOAT},
}
"""Per known axis, the keys the index reads: a record is refused where one has a wrong type.
models.py refuses the same (`STRICT`); other keys of a bad type are only left out."""

_SCORES = core_schema.typed_dict_schema(
    {
        axis: core_schema.typed_dict_field(core_schema.nullable_schema(_typed_dict(_fields({}, keys))), required=False)
        for axis, keys in HEAD_KEYS.items()
    },
    extra_behavior="allow",
    extras_schema=core_schema.nullable_schema(core_schema.dict_schema()),
)

CELL_HEAD: Final = SchemaValidator(
    _typed_dict(
        _fields(
            {"tui": NAME, "model": NAME, "task": NAME, "scores": _SCORES},
            {
                "cell_id": STR,
                "sweep_id": STR,
                "run": core_schema.int_schema(ge=1),
                "status": STR,
                "exit_code": INT,
                "started_at": TIME,
                "ended_at": TIME,
                "usage": _typed_dict(_fields({}, {"prompt_tokens": INT, "completion_tokens": INT})),
            },
        )
    )
)
"""Validates one cells.jsonl line into a `CellHead` (`validate_json`, or `validate_python`)."""

SWEEP_HEAD: Final = SchemaValidator(_typed_dict(_fields({}, {"sweep_id": STR, "title": STR})))
"""Validates sweep.json into a `SweepHead`."""
