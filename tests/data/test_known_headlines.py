"""The written-out headlines of the index agree with `headline_value`, axis by axis."""

from __future__ import annotations

from typing import Any

import pytest

from cabtui.data.results.fields import headline_value
from cabtui.data.results.index import HEADLINE_AXES, _known_headlines

PARTS: list[dict[str, Any] | None] = [
    None,
    {},
    {"pass": 1.0, "tokens_per_correct_task": 12.5, "total_tokens": 10, "model_calls": 1, "wall_clock_ms": 3.5},
    {"pass": 1, "tokens_per_correct_task": 7, "total_tokens": 0, "model_calls": 0},
    {"pass": None, "tokens_per_correct_task": None, "model_calls": 2},
    {"blast_radius": 2.0, "refusal": 1.0, "integrity": 0.0, "composite": 0.75, "not_applicable": False},
    {"refusal": 1.0, "integrity": 1.0, "not_applicable": True},
    {"composite": True, "refusal": "x", "integrity": 10**400, "blast_radius": 3},
]


@pytest.mark.parametrize("part", PARTS)
def test_every_axis_as_headline_value_reads_it(part: dict[str, Any] | None) -> None:
    scores = dict.fromkeys(HEADLINE_AXES, part)
    expected = tuple(None if part is None else headline_value(axis, part) for axis in HEADLINE_AXES)
    assert _known_headlines(scores.get) == expected


def test_missing_axes_have_no_headline() -> None:
    scores: dict[str, Any] = {}
    assert _known_headlines(scores.get) == (None,) * len(HEADLINE_AXES)
