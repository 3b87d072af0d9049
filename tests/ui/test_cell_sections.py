"""Unit tests of the cell page's pure pieces: number formats, tails, blast lists, reproduce, calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from cabtui.data.numbers import fmt_ms, fmt_timestamp, fmt_value
from cabtui.data.results import reproduce_command
from cabtui.data.results.models import Cell, ModelCall
from cabtui.ui.renderables import cell_tail
from cabtui.ui.renderables.cell_artifacts_view import call_text
from cabtui.ui.renderables.cell_breakdown import blast_files, breakdown
from cabtui.ui.renderables.cell_tail import raw_tail, rendered_tail

from .helpers import cell


def _cell(**extra: Any) -> Cell:
    return Cell.model_validate(cell("aider", "m/x", "polyglot/t", passed=False, **extra), context={"sweep_id": "s"})


def test_one_duration_format() -> None:
    assert [fmt_ms(v) for v in (850, 6420, 13504.996000000001, 630_000, 3 * 3600_000, None)] == [
        "850 ms",
        "6.42 s",
        "13.50 s",
        "10.5 min",
        "3.0 h",
        "—",
    ]


def test_values_are_rounded_and_whole_floats_are_ints() -> None:
    assert fmt_value(13504.996000000001) == "13504.996"
    assert fmt_value(0.0) == "0" and fmt_value(3) == "3" and fmt_value(None) == "—" and fmt_value(False) == "false"
    assert fmt_value({"w": 0.5808951748497896, "n": [1.0, 2.5]}) == '{"w": 0.581, "n": [1, 2.5]}'


def test_timestamps_read_as_recorded() -> None:
    assert fmt_timestamp(datetime(2026, 6, 17, 6, 24, 19, 840770, tzinfo=UTC)) == "2026-06-17T06:24:19.840770Z"
    plus_two = timezone(timedelta(hours=2))
    assert fmt_timestamp(datetime(2026, 6, 17, 6, 24, tzinfo=plus_two)) == "2026-06-17T06:24:00+02:00"
    assert fmt_timestamp(None) == "—"


def test_rendered_tail_applies_colours_and_carriage_returns() -> None:
    text = rendered_tail("\x1b[1;31merror\x1b[0m: x\nprogress 10%\rprogress 100%\n\x1b]0;pwned\x07ok\x07\n")
    assert text.plain == "error: x\nprogress 100%\nok"
    style = next(span.style for span in text.spans if text.plain[span.start : span.end] == "error")
    assert style.color is not None and style.color.name == "red" and style.bold  # type: ignore[union-attr]


def test_raw_tail_makes_control_characters_visible() -> None:
    assert raw_tail("\x1b[31mred\x1b[0m\rx\n").plain == "␛[31mred␛[0m␍x"


def test_a_huge_tail_is_bounded() -> None:
    text = rendered_tail(("y" * 1000 + "\x1b[31m!\x1b[0m\r\n") * 10_000 + "\x1b[" * 100_000)
    assert len(text.plain) < cell_tail.MAX_ROWS * (cell_tail.MAX_COLS + 1) + 200
    assert text.plain.startswith("… earlier output not shown")
    assert len(raw_tail("z" * 10_000_000).plain) < cell_tail.MAX_CHARS + 100


def test_blast_files_say_not_recorded_when_absent() -> None:
    assert blast_files({"blast_radius": 0.909}).plain == "files changed: not recorded\n"
    given = blast_files({"added": [], "modified": ["a.rs"], "unexpected_changes": ["a.rs"]}).plain
    assert "added (0): none" in given and "! a.rs  (unexpected)" in given and "removed" not in given


def test_many_extra_axes_are_not_broken_down_one_by_one() -> None:
    record = cell("aider", "m/x", "polyglot/t", passed=False)
    record["scores"].update({f"x{i}": {f"x{i}": i} for i in range(100)})
    parts = breakdown(Cell.model_validate(record, context={"sweep_id": "s"})).renderables
    assert str(parts[-1]) == "100 other axes: see the Other axes table above."
    assert not any(str(p).startswith("x5 (x5)") for p in parts)


def test_reproduce_does_not_invent_an_image() -> None:
    command = reproduce_command(_cell(container_image="", image_digest=""))
    assert "codingagentbench/" not in command and "docker pull" not in command
    assert "No container image is recorded for this run" in command and "  IMAGE \\" in command
    assert "docker pull codingagentbench/aider:v1@sha256:abc123" in reproduce_command(_cell())


def test_call_text_shows_prompt_and_completion_visible() -> None:
    text = call_text(ModelCall(index=2, prompt="a\x1b[2Jb\nline 2", completion="c" * 10), limit=8)
    assert text is not None
    assert text.plain == (
        "#2 prompt (13 chars)\na␛[2Jb\nl\n… 5 more characters\n#2 completion (10 chars)\ncccccccc\n… 2 more characters"
    )
    assert call_text(ModelCall(index=0)) is None
