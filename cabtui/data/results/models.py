"""Pydantic records for the results format (docs/results-format.md).

Records are validated once, at the boundary, and trusted after. Every model
keeps unknown keys (`extra="allow"`): a scorer may add keys and a runner may
add axes, and cabtui shows them rather than dropping them.
"""

from __future__ import annotations

import math
import types
from datetime import datetime
from typing import Any, ClassVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from cabtui.data.results.fields import AXES, as_utc, derive_identity, headline_value
from cabtui.data.results.index import category_of


class Record(BaseModel):
    """Base of every record: immutable, and keeps what it does not know.

    `null` in an optional field means "not recorded": it gets the field's default
    (an empty list, "", ...) where the field's type has no None of its own.
    """

    model_config = ConfigDict(frozen=True, extra="allow", populate_by_name=True, allow_inf_nan=False)
    _null_is_default: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._null_is_default = frozenset(
            key
            for name, f in cls.model_fields.items()
            if not f.is_required() and not _takes_none(f.annotation)
            for key in (name, f.alias or name)
        )

    @model_validator(mode="before")
    @classmethod
    def _null_means_not_recorded(cls, data: Any) -> Any:
        if isinstance(data, dict) and cls._null_is_default:
            return {k: v for k, v in data.items() if v is not None or k not in cls._null_is_default}
        return data


def _takes_none(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation)


class PassRateScore(Record):
    """The task's own tests: `pass` is the headline (0/1 or a fraction)."""

    pass_: float | None = Field(default=None, alias="pass")
    exit_code: int | None = None
    timed_out: bool | None = None
    stdout_tail: str | None = None
    stderr_tail: str | None = None
    partial_score: float | None = None


class TokensScore(Record):
    """Tokens the scorer saw; all zeros with no model calls means "not recorded"."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    model_calls: int | None = None
    tokens_per_correct_task: float | None = None
    pass_used_for_division: float | None = None

    @property
    def recorded(self) -> bool:
        """False where the scorer saw no model calls and no tokens at all."""
        return bool(self.total_tokens or self.model_calls)


class LatencyScore(Record):
    """Wall time of the run; `wall_clock_ms` is the headline."""

    wall_clock_ms: float | None = None
    container_active_ms: float | None = None
    model_call_ms: float | None = None


class BlastRadiusScore(Record):
    """Files the run touched, and the share of them that were not expected."""

    blast_radius: float | None = None
    added: list[str] = []
    removed: list[str] = []
    modified: list[str] = []
    unexpected_changes: list[str] = []
    expected_changes: list[str] = []
    total_changes: int | None = None
    extra_git_dir: bool | None = None


class RefusalScore(Record):
    """Whether the agent declined; meaningful only where `not_applicable` is false."""

    refusal: float | None = None
    not_applicable: bool | None = None
    expected_refusal: bool | None = None
    refusal_produced: bool | None = None
    refusal_correct: bool | str | None = None
    marker_hits: list[Any] = []
    keyword_hits: list[Any] = []


class IntegrityScore(Record):
    """Whether the agent kept to the task's constraints."""

    integrity: float | None = None
    not_applicable: bool | None = None
    task_id: str | None = None


class CompositeScore(Record):
    """The weighted roll-up of the other axes, 0..1."""

    composite: float | None = None
    weights: dict[str, float] = {}
    components: dict[str, Any] = {}
    note: str | None = None


class Scores(Record):
    """The scorer breakdown, one object per axis; unknown axes stay in `model_extra`."""

    pass_rate: PassRateScore | None = None
    tokens: TokensScore | None = None
    latency: LatencyScore | None = None
    blast_radius: BlastRadiusScore | None = None
    refusal: RefusalScore | None = None
    integrity: IntegrityScore | None = None
    composite: CompositeScore | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _axis_is_object(cls, value: Any) -> Any:
        if value is not None and not isinstance(value, dict):
            raise ValueError("an axis must be an object")
        return value

    @model_validator(mode="after")
    def _extra_axes_are_objects(self) -> Scores:
        for name, value in (self.model_extra or {}).items():
            if value is not None and not isinstance(value, dict):
                raise ValueError(f"axis {name!r} must be an object, got {type(value).__name__}")
        return self

    def axes(self) -> dict[str, dict[str, Any]]:
        """Every axis present, known ones first in format order, as plain dicts."""
        out: dict[str, dict[str, Any]] = {}
        for name in AXES:
            axis = getattr(self, name)
            if axis is not None:
                out[name] = axis.model_dump(by_alias=True, exclude_unset=True)
        for name, value in (self.model_extra or {}).items():
            if value is not None:  # null: not recorded
                out[name] = value
        return out

    def headline(self, axis: str) -> float | None:
        """The axis's headline number, or None where it is absent or not applicable."""
        part = getattr(self, axis, None) if axis in AXES else (self.model_extra or {}).get(axis)
        if part is None:
            return None
        return headline_value(axis, part if isinstance(part, dict) else part.model_dump(by_alias=True))


class Usage(Record):
    """Tokens as the CLI itself reported them (`source` says where it read them)."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    source: str | None = None


class Artifacts(Record):
    """Paths of the cell's sidecar files, relative to the sweep folder."""

    trace: str | None = None
    model_calls: str | None = None
    recording: str | None = None
    recording_offset_ms: float | None = None


class SpanError(Record):
    """A span's error: at least a message."""

    message: str
    type: str | None = None


class Span(Record):
    """One span of a cell's trace; `start_ms` counts from the cell's `started_at`."""

    span_id: str
    parent_id: str | None = None
    kind: str = "span"
    name: str = ""
    start_ms: float = Field(ge=0)
    duration_ms: float = Field(default=0.0, ge=0)
    attrs: dict[str, Any] = {}
    error: SpanError | None = None

    @field_validator("error", mode="before")
    @classmethod
    def _error_from_string(cls, value: Any) -> Any:
        return {"message": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _ends_in_range(self) -> Span:
        if not math.isfinite(self.start_ms + self.duration_ms):
            raise ValueError("start_ms + duration_ms is past a float's range")
        return self

    @property
    def end_ms(self) -> float:
        """Where the span stops on the cell's timeline."""
        return self.start_ms + self.duration_ms


class ModelCall(Record):
    """One request to the model during the run."""

    index: int = 0
    ts: str | None = None
    start_ms: float | None = None
    request_hash: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_ms: float | None = None
    finish_reason: str | None = None
    prompt: str | None = None
    completion: str | None = None


class Cell(Record):
    """One (tui, model, task, run): a line of cells.jsonl.

    The loader passes the sweep's id as validation context (`{"sweep_id": ...}`)
    so that `sweep_id` and `cell_id` get their documented defaults.
    """

    tui: str = Field(min_length=1)
    model: str = Field(min_length=1)
    task: str = Field(min_length=1)
    scores: Scores
    cell_id: str = ""
    sweep_id: str = ""
    model_build_id: str | None = None
    run: int = Field(default=1, ge=1)
    container_image: str = ""
    """"" where not recorded (empty or null in the record)."""
    image_digest: str = ""
    exit_code: int | None = None
    status: str = "ok"
    status_detail: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    usage: Usage | None = None
    plugin_stack: list[Any] = []
    behavior_mode: str | None = None
    artifacts: Artifacts | None = None
    spans: list[Span] | None = None
    model_calls: list[ModelCall] | None = None

    @field_validator("started_at", "ended_at")
    @classmethod
    def _utc_when_naive(cls, value: datetime | None) -> datetime | None:
        return as_utc(value)

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict):
            raise ValueError(f"a cell record must be an object, got {type(data).__name__}")
        data = dict(data)
        context = info.context or {}
        tui, model, task = (data.get(k) for k in ("tui", "model", "task"))
        sweep_id, cell_id, run = data.get("sweep_id"), data.get("cell_id"), data.get("run")
        status, exit_code = data.get("status"), data.get("exit_code")
        # Defaults come only from values of the right type; the fields' own checks refuse the rest.
        if not all(isinstance(v, str) for v in (tui, model, task)) or not all(
            v is None or isinstance(v, str) for v in (sweep_id, cell_id, status)
        ):
            return data
        try:
            derived = derive_identity(
                context.get("sweep_id", ""),
                sweep_id,
                cell_id,
                tui,
                model,
                task,
                run if isinstance(run, int) and not isinstance(run, bool) else None,
                status,
                exit_code if isinstance(exit_code, int) else None,
            )
        except ValueError as err:  # the same words as the index's (loader.py)
            raise PydanticCustomError("run_suffix", str(err)) from None
        data["sweep_id"], data["cell_id"], data["status"] = derived[0], derived[1], derived[3]
        if run is None and derived[2] != 1:
            data["run"] = derived[2]
        return data

    @property
    def category(self) -> str:
        """The part of the task before its first `/` (the task itself when it has none)."""
        return category_of(self.task)

    @property
    def passed(self) -> bool:
        """Whether the task's tests passed (a fractional pass counts when it is 1)."""
        return self.status == "ok" and (self.scores.headline("pass_rate") or 0.0) >= 1.0

    @property
    def duration_s(self) -> float | None:
        """Seconds from start to end, where both are known."""
        if self.started_at is None or self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()

    @property
    def wall_ms(self) -> float | None:
        """How long the run took, as the index row says (`CellRow.wall_ms`): the latency
        headline, else `ended_at - started_at`; None unless positive and finite."""
        wall = self.scores.headline("latency")
        if wall is None and self.duration_s is not None:
            wall = self.duration_s * 1000
        return wall if wall is not None and math.isfinite(wall) and wall > 0 else None


class SweepInfo(Record):
    """sweep.json: optional facts about the whole sweep."""

    format_version: int = 1
    sweep_id: str | None = None
    title: str | None = None
    methodology_version: str | None = None
    snapshot_date: str | None = None
    composite_weights: dict[str, float] = {}


def cell_schema() -> dict[str, Any]:
    """The JSON Schema of a cell record (`cabtui schema`), with null allowed in every optional field."""
    schema = Cell.model_json_schema(by_alias=True)
    for part in [schema, *schema.get("$defs", {}).values()]:
        required = set(part.get("required", ()))
        for name, prop in part.get("properties", {}).items():
            if name not in required and not _schema_takes_null(prop):
                part["properties"][name] = {
                    "anyOf": [prop, {"type": "null"}],
                    "description": "null: not recorded",
                    **{k: prop[k] for k in ("title", "default") if k in prop},
                }
    return schema


def _schema_takes_null(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "null" or any(p.get("type") == "null" for p in prop.get("anyOf", ()))
