"""Facts of the results format that the fast index and the full models share.

The axes and where their headlines live, the statuses, and the documented
defaults of a record's identity. Plain Python: the sweep index imports this
without pydantic's models (importing those costs more than loading a
published-size sweep).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

AXES: Final = (
    "pass_rate",
    "tokens",
    "latency",
    "blast_radius",
    "refusal",
    "integrity",
    "composite",
)
"""The axes the format defines, in the order the cell page shows them."""

HEADLINE_KEY: Final = {
    "pass_rate": "pass",
    "tokens": "tokens_per_correct_task",
    "latency": "wall_clock_ms",
}
"""Where an axis's headline lives when the key is not named like the axis."""

LOWER_IS_BETTER: Final = frozenset({"tokens", "latency", "blast_radius", "cost"})
"""Axes where a smaller headline is the better result; `cost` is an extra axis the runner
writes (`scores.cost.cost`, in its `currency`), not one the format defines."""

STATUSES: Final = ("ok", "timed_out", "incompatible", "error")
"""The statuses the format names; others are kept as given."""

_OUTCOME_WORDS: Final = frozenset({"ok", "pass", "fail", "mixed"})


def outcome_of(status: str, passed: bool) -> str:
    """What a cell's run came to: pass or fail when it finished (`ok`), else its status.

    A status the format does not name is kept in lower case (the filter compares
    lower case), with a `?` where it would read as an outcome of its own (`PASS`
    shows as `pass?`, not as a pass the counts disagree with).
    """
    if status == "ok":
        return "pass" if passed else "fail"
    if status in STATUSES:
        return status
    shown = status.lower()
    return f"{shown}?" if shown in _OUTCOME_WORDS else shown


_RUN_SUFFIX = re.compile(r"#run(\d+)$")
MAX_RUN_DIGITS: Final = 9
"""A `#runN` suffix with more digits is refused (Python will not even convert 4,301 of them)."""


def run_from_id(cell_id: str) -> int | None:
    """The run a `#runN` id suffix names, None without one.

    One rule for the index and the models: N counts from 1, as `run` does.

    Raises:
        ValueError: the suffix is `#run0` or too long to be a run number.
    """
    match = _RUN_SUFFIX.search(cell_id)
    if match is None:
        return None
    digits = match.group(1)
    if len(digits) > MAX_RUN_DIGITS:
        raise ValueError(f"cell_id ends in #run and {len(digits):,} digits: not a run number")
    run = int(digits)
    if run < 1:
        raise ValueError(f"cell_id ends in #run{digits}: runs count from 1")
    return run


def derive_identity(
    default_sweep: str,
    sweep_id: str | None,
    cell_id: str | None,
    tui: str,
    model: str,
    task: str,
    run: int | None,
    status: str | None,
    exit_code: int | None,
) -> tuple[str, str, int, str]:
    """(sweep_id, cell_id, run, status) with the documented defaults filled in.

    sweep_id from the folder; cell_id `<sweep>/<tui>/<model>/<task>` (plus `#runN` when
    the record names its run); run from a `#runN` id suffix, else 1; status `timed_out`
    when the adapter exited -1, else `ok`.

    Raises:
        ValueError: the id's `#runN` suffix is no run number (see `run_from_id`).
    """
    sweep = sweep_id or default_sweep
    if not cell_id:
        cell_id = f"{sweep}/{tui}/{model}/{task}"
        if run is not None:
            # Reruns are told apart by their id, as the runner's own ids are.
            cell_id += f"#run{run}"
    if run is None:
        run = run_from_id(cell_id) or 1
    if status is None:
        status = "timed_out" if exit_code == -1 else "ok"
    return sweep, cell_id, run, status


def as_utc(value: datetime | None) -> datetime | None:
    """Naive times read as UTC (the runner writes UTC): naive and aware times cannot be compared."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


_APPLICABLE_ONLY: Final = frozenset({"refusal", "integrity"})


def headline_value(axis: str, part: Mapping[str, Any]) -> float | None:
    """The headline of an axis's breakdown, None where absent or not applicable.

    Tokens read "not recorded" when the scorer saw no tokens and no calls; refusal and
    integrity count only where `not_applicable` is not true (results-format.md).
    """
    if axis == "tokens":
        if not (part.get("total_tokens") or part.get("model_calls")):
            return None
    elif axis in _APPLICABLE_ONLY and part.get("not_applicable") is True:
        return None
    value = part.get(HEADLINE_KEY.get(axis, axis))
    if value.__class__ is float:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:  # an integer past a float's range: no headline to show
        return None
