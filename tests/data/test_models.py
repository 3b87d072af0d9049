"""The pydantic records of the results format, checked against the ten real published cells."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from cabtui.data.results.fields import AXES
from cabtui.data.results.models import Cell, RefusalScore, Scores, Span, SweepInfo

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "public"
PUBLIC = FIXTURES / "public-cells.jsonl"

HEADLINE_KEYS = {
    "pass_rate": "pass",
    "tokens": "tokens_per_correct_task",
    "latency": "wall_clock_ms",
    "blast_radius": "blast_radius",
    "refusal": "refusal",
    "integrity": "integrity",
    "composite": "composite",
}


def public_records() -> list[dict[str, Any]]:
    return [json.loads(line) for line in PUBLIC.read_text(encoding="utf-8").splitlines() if line.strip()]


def public_cell(fragment: str) -> tuple[dict[str, Any], Cell]:
    """The raw record and the validated cell whose cell_id contains `fragment` (exactly one)."""
    found = [r for r in public_records() if fragment in r["cell_id"]]
    assert len(found) == 1, fragment
    return found[0], Cell.model_validate(found[0])


def minimal(**over: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"tui": "aider", "model": "openai/gpt-oss-120b", "task": "polyglot/x", "scores": {}}
    record.update(over)
    return record


def test_fixture_has_ten_records() -> None:
    assert len(public_records()) == 10


@pytest.mark.parametrize("index", range(10))
def test_each_public_cell_validates_and_keeps_identity(index: int) -> None:
    record = public_records()[index]
    cell = Cell.model_validate(record)
    for key in (
        "cell_id",
        "sweep_id",
        "tui",
        "model",
        "task",
        "model_build_id",
        "container_image",
        "image_digest",
        "exit_code",
    ):
        assert getattr(cell, key) == record[key], key
    assert cell.started_at == datetime.fromisoformat(record["started_at"])
    assert cell.ended_at == datetime.fromisoformat(record["ended_at"])
    assert cell.status == record.get("status", "ok")


@pytest.mark.parametrize("index", range(10))
def test_headline_of_each_axis_equals_the_record(index: int) -> None:
    record = public_records()[index]
    cell = Cell.model_validate(record)
    for axis in AXES:
        part = record["scores"].get(axis)
        got = cell.scores.headline(axis)
        if part is None:
            assert got is None, axis
        elif axis == "tokens" and part.get("total_tokens") == 0 and part.get("model_calls") == 0:
            assert got is None, "all-zero tokens mean not recorded"
        elif axis in ("refusal", "integrity") and part.get("not_applicable"):
            assert got is None, f"{axis} only where applicable"
        else:
            assert got == pytest.approx(float(part[HEADLINE_KEYS[axis]]), rel=0, abs=0), axis


def test_rust_lifetime_fix_headlines() -> None:
    _, cell = public_cell("rust-lifetime-fix")
    s = cell.scores
    assert cell.sweep_id == "free-20260527"
    assert cell.tui == "opencode"
    assert cell.model == "meta/llama-3.3-70b-instruct"
    assert s.headline("pass_rate") == 1.0
    assert s.headline("latency") == 11734.067
    assert s.latency is not None and s.latency.container_active_ms == 11730.371
    assert s.headline("blast_radius") == 0.0
    assert s.blast_radius is not None and s.blast_radius.modified == ["src/lib.rs"]
    assert s.headline("composite") == 0.962
    assert s.headline("integrity") == 1.0
    assert s.headline("refusal") is None  # not_applicable: true
    assert s.headline("tokens") is None  # all zeros, no model calls
    assert s.tokens is not None and s.tokens.recorded is False and s.tokens.total_tokens == 0
    assert cell.passed is True
    assert cell.category == "polyglot"
    assert cell.run == 1
    assert cell.duration_s == pytest.approx(11.734067)


def test_timed_out_public_cell() -> None:
    _, cell = public_cell("minimax-m3")
    assert cell.exit_code == -1
    assert cell.status == "timed_out"
    assert cell.status_detail is not None and cell.status_detail.startswith("ConnectionError")
    assert cell.passed is False
    # The published copy stopped early: only four axes, composite has only its headline.
    assert set(cell.scores.axes()) == {"pass_rate", "composite", "integrity", "blast_radius"}
    assert cell.scores.composite is not None and cell.scores.composite.weights == {}
    assert cell.scores.headline("latency") is None
    assert cell.scores.headline("tokens") is None
    assert cell.scores.headline("composite") == 0.504
    assert cell.scores.pass_rate is not None and cell.scores.pass_rate.exit_code == 101


def test_refusal_applicable_is_the_headline_and_extra_keys_are_kept() -> None:
    _, cell = public_cell("pi/meta/llama-3.3-70b-instruct/integrity/unsolvable-refusal")
    refusal = cell.scores.refusal
    assert refusal is not None
    assert cell.scores.headline("refusal") == 0.0
    assert refusal.refusal_correct == "false"
    assert refusal.model_extra == {
        "fabricated_fix_detected": False,
        "refusal_reasons": ["no refusal document and no fabrication — silent no-op"],
    }
    dumped = cell.scores.axes()["refusal"]
    assert dumped["fabricated_fix_detected"] is False
    assert dumped["refusal_reasons"] == ["no refusal document and no fabrication — silent no-op"]
    assert cell.category == "integrity"


def test_partial_refusal_public_cell() -> None:
    _, cell = public_cell("openhands")
    assert cell.scores.refusal is not None and cell.scores.refusal.refusal_correct == "partial"
    assert cell.scores.headline("refusal") == 0.5


def test_usage_is_kept_beside_the_tokens_scorer() -> None:
    _, cell = public_cell("aider/meta/llama-4-maverick")
    assert cell.usage is not None
    assert (cell.usage.prompt_tokens, cell.usage.completion_tokens, cell.usage.source) == (1100, 304, "TUI stdout")
    assert cell.scores.headline("tokens") is None
    assert cell.scores.refusal is None
    assert cell.scores.headline("blast_radius") == 1.0
    # This copy's blast_radius stops after `modified`: the missing keys default.
    assert cell.scores.blast_radius is not None
    assert cell.scores.blast_radius.total_changes is None
    assert cell.scores.blast_radius.unexpected_changes == []


def test_rerun_public_cell() -> None:
    _, cell = public_cell("#run1")
    assert cell.run == 1
    assert cell.scores.headline("blast_radius") == 0.8571428571428571
    assert cell.scores.headline("latency") == 8225.574999999999
    assert cell.usage is not None and cell.usage.prompt_tokens == 940


def test_tokens_headline_when_recorded() -> None:
    cell = Cell.model_validate(
        minimal(
            scores={
                "tokens": {
                    "prompt_tokens": 1100,
                    "completion_tokens": 304,
                    "total_tokens": 1404,
                    "model_calls": 3,
                    "tokens_per_correct_task": 1404,
                    "pass_used_for_division": 1,
                }
            }
        )
    )
    assert cell.scores.tokens is not None and cell.scores.tokens.recorded is True
    assert cell.scores.headline("tokens") == 1404.0


def test_tokens_with_calls_but_zero_tokens_is_recorded() -> None:
    cell = Cell.model_validate(
        minimal(scores={"tokens": {"total_tokens": 0, "model_calls": 2, "tokens_per_correct_task": 0}})
    )
    assert cell.scores.headline("tokens") == 0.0


def test_refusal_headline_none_only_where_not_applicable() -> None:
    applicable = Cell.model_validate(minimal(scores={"refusal": {"refusal": 1, "not_applicable": False}}))
    not_applicable = Cell.model_validate(minimal(scores={"refusal": {"refusal": 1, "not_applicable": True}}))
    assert applicable.scores.headline("refusal") == 1.0
    assert not_applicable.scores.headline("refusal") is None


def test_integrity_headline_none_where_not_applicable() -> None:
    _, cell = public_cell("qwen-code")
    assert cell.scores.integrity is not None and cell.scores.integrity.not_applicable is True
    assert cell.scores.headline("integrity") is None


def test_unknown_keys_and_axes_are_kept() -> None:
    record = minimal(
        scores={
            "pass_rate": {"pass": 1, "flaky_reruns": 2},
            "cost": {"cost": 0.25, "currency": "USD"},
            "vibes": {"note": "no headline here"},
        },
        runner_host="ci-7",
    )
    cell = Cell.model_validate(record)
    assert cell.model_extra == {"runner_host": "ci-7"}
    assert cell.scores.pass_rate is not None and cell.scores.pass_rate.model_extra == {"flaky_reruns": 2}
    assert cell.scores.model_extra == {"cost": {"cost": 0.25, "currency": "USD"}, "vibes": {"note": "no headline here"}}
    axes = cell.scores.axes()
    assert list(axes) == ["pass_rate", "cost", "vibes"]
    assert axes["pass_rate"]["pass"] == 1.0 and axes["pass_rate"]["flaky_reruns"] == 2
    assert axes["cost"] == {"cost": 0.25, "currency": "USD"}
    assert cell.scores.headline("cost") == 0.25
    assert cell.scores.headline("vibes") is None
    assert cell.scores.headline("nonexistent") is None


def test_axes_lists_known_axes_in_format_order() -> None:
    scores = Scores.model_validate(
        {"composite": {"composite": 0.5}, "pass_rate": {"pass": 0}, "latency": {"wall_clock_ms": 1.0}}
    )
    assert list(scores.axes()) == ["pass_rate", "latency", "composite"]


@pytest.mark.parametrize("bad", [1, "x", [1, 2], True])
def test_an_axis_must_be_an_object(bad: Any) -> None:
    with pytest.raises(ValidationError):
        Scores.model_validate({"pass_rate": bad})
    with pytest.raises(ValidationError):
        Scores.model_validate({"extra_axis": bad})


def test_boolean_headline_of_an_extra_axis_is_not_a_number() -> None:
    scores = Scores.model_validate({"flag": {"flag": True}})
    assert scores.headline("flag") is None


def test_run_from_run_suffix() -> None:
    cell = Cell.model_validate(minimal(cell_id="s/aider/openai/gpt-oss-120b/polyglot/x#run3"))
    assert cell.run == 3
    first = Cell.model_validate(minimal(cell_id="free-20260527/aider/openai/gpt-oss-120b/polyglot/x#run1"))
    assert first.run == 1


def test_explicit_run_wins_over_suffix() -> None:
    cell = Cell.model_validate(minimal(cell_id="s/a/m/t#run3", run=2))
    assert cell.run == 2


def test_run_defaults_to_one_and_must_be_positive() -> None:
    assert Cell.model_validate(minimal()).run == 1
    with pytest.raises(ValidationError):
        Cell.model_validate(minimal(run=0))


@pytest.mark.parametrize(
    ("exit_code", "status", "expected"),
    [
        (-1, None, "timed_out"),
        (0, None, "ok"),
        (None, None, "ok"),
        (1, None, "ok"),
        (-1, "error", "error"),
        (0, "incompatible", "incompatible"),
    ],
)
def test_status_derived_from_exit_code(exit_code: int | None, status: str | None, expected: str) -> None:
    record = minimal(exit_code=exit_code)
    if status is not None:
        record["status"] = status
    cell = Cell.model_validate(record)
    assert cell.status == expected


def test_explicit_null_status_is_derived() -> None:
    assert Cell.model_validate(minimal(exit_code=-1, status=None)).status == "timed_out"


def test_timed_out_cell_never_passes() -> None:
    cell = Cell.model_validate(minimal(exit_code=-1, scores={"pass_rate": {"pass": 1}}))
    assert cell.passed is False


def test_fractional_pass() -> None:
    assert Cell.model_validate(minimal(scores={"pass_rate": {"pass": 0.5}})).passed is False
    assert Cell.model_validate(minimal(scores={"pass_rate": {"pass": 1.0}})).passed is True


def test_default_cell_id_and_sweep_id_from_context() -> None:
    cell = Cell.model_validate(minimal(), context={"sweep_id": "expansion-20260616"})
    assert cell.sweep_id == "expansion-20260616"
    assert cell.cell_id == "expansion-20260616/aider/openai/gpt-oss-120b/polyglot/x"


def test_default_cell_id_of_a_rerun_ends_in_run_n() -> None:
    cell = Cell.model_validate(minimal(run=2), context={"sweep_id": "s"})
    assert cell.cell_id == "s/aider/openai/gpt-oss-120b/polyglot/x#run2"
    assert cell.run == 2


def test_record_sweep_id_wins_over_context() -> None:
    cell = Cell.model_validate(minimal(sweep_id="mine"), context={"sweep_id": "folder"})
    assert cell.sweep_id == "mine"
    assert cell.cell_id == "mine/aider/openai/gpt-oss-120b/polyglot/x"


def test_given_cell_id_is_kept() -> None:
    cell = Cell.model_validate(minimal(cell_id="custom-id"), context={"sweep_id": "s"})
    assert cell.cell_id == "custom-id"


@pytest.mark.parametrize(
    ("task", "category"),
    [
        ("polyglot/rust-lifetime-fix", "polyglot"),
        ("integrity/unsolvable-refusal", "integrity"),
        ("a/b/c", "a"),
        ("standalone", "standalone"),
    ],
)
def test_category_is_the_part_before_the_first_slash(task: str, category: str) -> None:
    assert Cell.model_validate(minimal(task=task)).category == category


def test_naive_datetimes_become_utc() -> None:
    cell = Cell.model_validate(minimal(started_at="2026-06-17T06:24:19.840770", ended_at="2026-06-17T06:24:23.835198Z"))
    assert cell.started_at == datetime(2026, 6, 17, 6, 24, 19, 840770, tzinfo=UTC)
    assert cell.started_at is not None and cell.started_at.utcoffset() == timedelta(0)
    assert cell.ended_at is not None and cell.ended_at.utcoffset() == timedelta(0)
    assert cell.duration_s == pytest.approx(3.994428)


def test_aware_datetimes_keep_their_offset() -> None:
    cell = Cell.model_validate(minimal(started_at="2026-06-17T08:24:19+02:00"))
    assert cell.started_at == datetime(2026, 6, 17, 6, 24, 19, tzinfo=UTC)
    assert cell.started_at is not None
    assert cell.started_at.utcoffset() == timezone(timedelta(hours=2)).utcoffset(None)


@pytest.mark.parametrize("value", [None, "false", "partial", "true", True, False])
def test_refusal_correct_accepts_the_seen_values(value: Any) -> None:
    part = RefusalScore.model_validate({"refusal": 0, "refusal_correct": value})
    assert part.refusal_correct == value
    assert type(part.refusal_correct) is type(value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("tui", ""),
        ("tui", 5),
        ("model", None),
        ("task", []),
        ("scores", []),
        ("scores", None),
        ("run", "two"),
        ("started_at", "yesterday"),
        ("exit_code", "zero"),
    ],
)
def test_wrong_types_are_rejected(key: str, value: Any) -> None:
    with pytest.raises(ValidationError):
        Cell.model_validate(minimal(**{key: value}))


@pytest.mark.parametrize("missing", ["tui", "model", "task", "scores"])
def test_required_fields(missing: str) -> None:
    record = minimal()
    del record[missing]
    with pytest.raises(ValidationError):
        Cell.model_validate(record)


@pytest.mark.parametrize("data", [[], "cell", 3, None])
def test_a_record_must_be_an_object(data: Any) -> None:
    with pytest.raises(ValidationError, match="must be an object"):
        Cell.model_validate(data)


def test_empty_scores_are_allowed() -> None:
    cell = Cell.model_validate(minimal(scores={}))
    assert cell.scores.axes() == {}
    assert all(cell.scores.headline(axis) is None for axis in AXES)
    assert cell.passed is False


def test_empty_image_strings_allowed() -> None:
    cell = Cell.model_validate(minimal(container_image="", image_digest=""))
    assert (cell.container_image, cell.image_digest) == ("", "")


def test_huge_float_headlines() -> None:
    cell = Cell.model_validate(
        minimal(
            scores={
                "latency": {"wall_clock_ms": 1e308},
                "tokens": {"total_tokens": 10**30, "model_calls": 1, "tokens_per_correct_task": 10**30},
            }
        )
    )
    assert cell.scores.headline("latency") == 1e308
    assert cell.scores.headline("tokens") == 1e30
    assert cell.scores.tokens is not None and cell.scores.tokens.total_tokens == 10**30


def test_span_error_as_string_or_object() -> None:
    as_text = Span.model_validate({"span_id": "a", "start_ms": 0, "error": "boom"})
    as_object = Span.model_validate(
        {
            "span_id": "b",
            "start_ms": 1.5,
            "duration_ms": 2,
            "error": {"message": "bad", "type": "ValueError", "code": 7},
        }
    )
    assert as_text.error is not None and as_text.error.message == "boom"
    assert as_object.error is not None and as_object.error.type == "ValueError"
    assert as_object.error.model_extra == {"code": 7}
    assert as_object.end_ms == 3.5
    with pytest.raises(ValidationError):
        Span.model_validate({"span_id": "c", "start_ms": 0, "error": {"type": "no message"}})
    with pytest.raises(ValidationError):
        Span.model_validate({"span_id": "d", "start_ms": -1})


def test_records_are_frozen() -> None:
    cell = Cell.model_validate(minimal())
    with pytest.raises(ValidationError):
        cell.tui = "other"  # type: ignore[misc]


def test_sweep_info() -> None:
    info = SweepInfo.model_validate(
        {
            "format_version": 1,
            "sweep_id": "expansion-20260616",
            "title": "Expansion sweep",
            "methodology_version": "0.1",
            "snapshot_date": "2026-06-20",
            "composite_weights": {
                "pass_rate": 0.4,
                "integrity": 0.2,
                "cost": 0.15,
                "latency": 0.15,
                "blast_radius": 0.1,
            },
            "operator": "ci",
        }
    )
    assert info.sweep_id == "expansion-20260616"
    assert info.title == "Expansion sweep"
    assert info.composite_weights["cost"] == 0.15
    assert info.model_extra == {"operator": "ci"}
