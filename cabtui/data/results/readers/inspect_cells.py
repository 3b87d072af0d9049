"""Inspect AI samples as cabtui cell records (docs/inspect.md has the mapping).

One sample epoch is one cell: tui = the solver (or the plan's steps joined by `+`),
model = `eval.model` (with its provider), task = `<task>/<sample id>`, run = the epoch.
It passes when the headline scorer's value is `"C"` or a number ≥ 1; an errored sample
(no scores, `error` set) is a failed cell with status `error` and its message.
The records are the results format's own (results-format.md), so the index, the
models and every screen take them as they take a cells.jsonl line.
"""

from __future__ import annotations

import math
import shlex
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

from cabtui.data.results.fields import STATUSES, outcome_of
from cabtui.data.results.index import CellRow, Source
from cabtui.data.results.readers.inspect_log import LogHead
from cabtui.data.results.readers.inspect_summaries import SampleError, Summary, Usage

BUILTIN: Final = "inspect_ai/"
CHAIN: Final = "inspect_ai/chain"
LETTER_VALUES: Final = {"C": 1.0, "I": 0.0, "P": 0.5, "N": 0.0}
"""Inspect's letter scores: correct, incorrect, partial, no answer (its `value_to_float`)."""
TIME_LIMITS: Final = frozenset({"time", "working"})
TEXT_LIMIT: Final = 2000


def tui_of(header: dict[str, Any]) -> str:
    """The solver that ran: `eval.solver` (built-ins without `inspect_ai/`), else the plan's steps."""
    solver = header["eval"].get("solver")
    if isinstance(solver, str) and solver and solver != CHAIN:
        return solver.removeprefix(BUILTIN)
    plan = header.get("plan")
    steps = plan.get("steps") if isinstance(plan, dict) else None
    names = [s["solver"] for s in steps or () if isinstance(s, dict) and isinstance(s.get("solver"), str)]
    return "+".join(n.removeprefix(BUILTIN) for n in names) or "inspect"


def task_of(header: dict[str, Any]) -> str:
    """The task's name without its package (`inspect_evals/gpqa` → `gpqa`), so that it is the category."""
    task = header["eval"].get("task")
    return task.rsplit("/", 1)[-1] if isinstance(task, str) and task else "task"


def score_value(value: Any) -> float | None:
    """A score as a number: letters as Inspect reads them, numbers and booleans as they are."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        if value in LETTER_VALUES:
            return LETTER_VALUES[value]
        try:
            number = float(value)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def headline_scorer(header: dict[str, Any], scores: dict[str, Any]) -> str | None:
    """The scorer the log's results headline names, else the first of the sample's."""
    results = header.get("results")
    if isinstance(results, dict):
        headline = results.get("headline")
        name = headline.get("scorer") if isinstance(headline, dict) else None
        if isinstance(name, str) and name in scores:
            return name
        for entry in results.get("scores") or ():
            if isinstance(entry, dict) and entry.get("name") in scores:
                return str(entry["name"])
    return next(iter(scores), None)


def _short(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT] + " …"


def _usage(model_usage: Any) -> dict[str, int] | None:
    if not isinstance(model_usage, dict):
        return None
    total = {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0}
    seen = False
    for usage in model_usage.values():
        if isinstance(usage, dict):
            for key in total:
                value = usage.get(key)
                if isinstance(value, int) and not isinstance(value, bool):
                    total[key] += value
                    seen = True
    return total if seen else None


def _error_text(error: Any) -> str | None:
    if isinstance(error, dict):
        error = error.get("message")
    return _short(error) if error else None


def reproduce(spec: dict[str, Any], tui: str, sample_id: str | int, epoch: int) -> str:
    """The `inspect eval` that reruns this sample (its task file and task, else the registry name)."""
    q = shlex.quote
    task, task_file = spec.get("task"), spec.get("task_file")
    target = f"{task_file}@{task}" if isinstance(task_file, str) and task_file else str(task)
    model = spec.get("model")
    return (
        f"# rerun this sample with Inspect AI (solver {tui}; epoch {epoch} of the log)\n"
        f"inspect eval {q(target)} --model {q(str(model))} --sample-id {q(str(sample_id))} --epochs 1"
    )


def sample_record(head: LogHead, summary: dict[str, Any], sweep_id: str) -> dict[str, Any]:
    """The cell record of one sample summary (or a whole sample: the keys read are the same)."""
    header = head.header
    spec = header["eval"]
    task = task_of(header)
    got = summary.get("scores")
    scores: dict[str, Any] = got if isinstance(got, dict) else {}
    name = headline_scorer(header, scores)
    error = _error_text(summary.get("error"))
    limit = summary.get("limit")
    status, detail = "ok", None
    if error:
        status, detail = "error", error
    elif isinstance(limit, dict) and limit.get("type") in TIME_LIMITS:
        status, detail = "timed_out", _short(f"{limit.get('type')} limit of {limit.get('limit')} reached")
    axes: dict[str, Any] = {}
    if name is not None:
        score = scores[name] if isinstance(scores[name], dict) else {"value": scores[name]}
        value = score.get("value")
        axes["pass_rate"] = {
            "pass": score_value(value),
            "scorer": name,
            "value": value if isinstance(value, str | int | float | bool) else _short(value),
            "answer": _short(score.get("answer")),
            "explanation": _short(score.get("explanation")),
        }
    elif error:
        axes["pass_rate"] = {"pass": 0.0}
    for other, score in scores.items():
        if other != name:  # a score that is not an object is its value, as for the headline
            value = score.get("value") if isinstance(score, dict) else score
            axes[f"score.{other}"] = {f"score.{other}": score_value(value), "value": _short(value)}
    usage = _usage(summary.get("model_usage"))
    if usage is not None:
        axes["tokens"] = {
            "prompt_tokens": usage["input_tokens"],
            "completion_tokens": usage["output_tokens"],
            "total_tokens": usage["total_tokens"],
        }
    total_time = summary.get("total_time")
    if isinstance(total_time, int | float) and not isinstance(total_time, bool) and math.isfinite(total_time):
        working = summary.get("working_time")
        axes["latency"] = {"wall_clock_ms": total_time * 1000}
        if isinstance(working, int | float) and not isinstance(working, bool) and math.isfinite(working):
            axes["latency"]["working_ms"] = working * 1000
    sample_id, epoch = summary["id"], summary.get("epoch", 1)
    record: dict[str, Any] = {
        "sweep_id": sweep_id,
        "tui": tui_of(header),
        "model": spec.get("model") if isinstance(spec.get("model"), str) and spec.get("model") else "model",
        "task": f"{task}/{sample_id}",
        "run": epoch,
        "status": status,
        "status_detail": detail,
        "scores": axes,
        "started_at": summary.get("started_at") if isinstance(summary.get("started_at"), str) else None,
        "ended_at": summary.get("completed_at") if isinstance(summary.get("completed_at"), str) else None,
        "container_image": "",
        "harness": {
            "harness": "inspect",
            "log": head.path.name,
            "task": spec.get("task"),
            "sample_id": sample_id,
            "epoch": epoch,
            "run_id": spec.get("run_id"),
            "eval_id": spec.get("eval_id"),
            "log_status": header.get("status"),
            "sandbox": (spec.get("sandbox") or {}).get("type") if isinstance(spec.get("sandbox"), dict) else None,
            "limit": _short(limit) if limit else None,
            "retries": summary.get("retries"),
            "error": detail if status == "error" else None,
            "reproduce": reproduce(spec, tui_of(header), sample_id, epoch),
        },
    }
    if usage is not None:
        record["usage"] = {
            "prompt_tokens": usage["input_tokens"],
            "completion_tokens": usage["output_tokens"],
            "source": "Inspect model_usage",
        }
    return record


def _when(value: Any) -> datetime | None:
    if value.__class__ is not str:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _total_tokens(model_usage: dict[str, Usage] | None) -> int | None:
    """What `_usage` gives the index (`CellRow.total_tokens`): the total, else input + output."""
    if not model_usage:
        return None
    if len(model_usage) == 1:  # the usual: one model, its total
        for usage in model_usage.values():
            total = usage.total_tokens
            if total.__class__ is int and total:
                return total
    total, seen = 0, False
    for usage in model_usage.values():
        if usage.total_tokens.__class__ is int:
            total += usage.total_tokens
            seen = True
    if total:
        return total
    spent = 0
    for usage in model_usage.values():
        for value in (usage.input_tokens, usage.output_tokens):
            if value.__class__ is int:
                spent += value
                seen = True
    return spent if seen else None


def _summary_error(error: SampleError | str | None) -> str | None:
    """A summary's error message, as `_error_text` reads a sample's."""
    if error.__class__ is SampleError:
        error = error.message
    return _short(error) if error else None


class RowMaker:
    """The index rows of one log's summaries, built straight from them (the grid's hot path).

    What `sample_record` would give the index (`CellRow.from_head`), without building the
    record and validating it again: 200,000 summaries must index in well under 2 s
    (benchmarks/inspect_load.py). The usual summary (one scorer, a letter or number, one
    model's usage, no error) takes the short way through `row`; the tests check that both
    agree (tests/data/test_inspect_reader.py).
    """

    def __init__(self, head: LogHead, sweep_id: str, source: Source, intern: Callable[[str], str] = sys.intern) -> None:
        header = head.header
        spec = header["eval"]
        self.intern = intern
        self.sweep_id = intern(sweep_id)
        self.tui = intern(tui_of(header))
        model = spec.get("model")
        self.model = intern(model if isinstance(model, str) and model else "model")
        self.task = task_of(header)
        self.prefix = f"{self.sweep_id}/{self.tui}/{self.model}/{self.task}/"
        self.source = source
        self.header = header
        self.tasks: dict[str | int, str] = {}
        self.passes = {status: intern(outcome_of(status, True)) for status in STATUSES}
        self.fails = {status: intern(outcome_of(status, False)) for status in STATUSES}

    def row(self, line: int, summary: Summary) -> CellRow:
        """The row of one summary (its id and epoch already checked)."""
        scores = summary.scores or {}
        count = len(scores)
        if count == 1:
            name: str | None = next(iter(scores))
        else:
            name = headline_scorer(self.header, scores) if count else None
        error = summary.error
        status = "ok"
        if error and _summary_error(error):
            status = "error"
        else:
            limit = summary.limit
            if limit.__class__ is dict and limit.get("type") in TIME_LIMITS:
                status = "timed_out"
        passed_value: float | None = None
        if name is not None:
            value = scores[name].value
            passed_value = LETTER_VALUES.get(value) if value.__class__ is str else None  # the usual C / I
            if passed_value is None:
                passed_value = score_value(value)
        elif status == "error":
            passed_value = 0.0
        extra: tuple[tuple[str, float | None], ...] = ()
        if count > 1:
            extra = tuple((f"score.{other}", score_value(s.value)) for other, s in scores.items() if other != name)
        total_time = summary.total_time
        wall = total_time * 1000 if total_time.__class__ in (int, float) and math.isfinite(total_time) else None
        started, ended = _when(summary.started_at), _when(summary.completed_at)
        if wall is None and started is not None and ended is not None and ended >= started:
            wall = (ended - started).total_seconds() * 1000
        sample_id, epoch = summary.id, summary.epoch
        task = self.tasks.get(sample_id)
        if task is None:  # `<task>/<id>`, one string for all epochs of a sample
            task = self.tasks[sample_id] = f"{self.task}/{sample_id}"
        if status == "ok" and passed_value is not None and passed_value >= 1.0:
            passed, outcome = True, self.passes[status]
        else:
            passed, outcome = False, self.fails[status]
        return CellRow(
            f"{self.prefix}{sample_id}#run{epoch}",
            self.sweep_id,
            self.tui,
            self.model,
            task,
            epoch,
            status,
            None,
            started,
            ended,
            (passed_value, None, wall, None, None, None, None),
            extra,
            _total_tokens(summary.model_usage),
            self.source,
            line,
            0,
            passed,
            outcome,
        )
