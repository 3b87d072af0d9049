"""Terminal-Bench run folders (`tb run`, terminal-bench 0.2) read as cabtui sweeps (docs/terminal-bench.md).

    runs/<run_id>/                      a run: run_metadata.json (agent_name, model_name,
        <task>/<task>.<k>-of-<n>.<run_id>/      n_attempts), results.json (all trials)
            results.json                a trial's TrialResults (is_resolved, failure_mode, ...)
            sessions/agent.cast         the agent's terminal, with terminus's "Episode N" markers
            sessions/tests.cast         the tests' terminal
            panes/post-test.txt         the screen after the tests ran
            commands.txt                every key sequence sent to the terminal

One run is one agent × one model; a sweep is the folder that holds the runs (runs/), so that
they compare on one grid; a run folder opened by itself is a sweep alone. The index reads
each trial's results.json (the harness's own source of truth; the run's results.json only
aggregates them); recordings and panes are read when the cell is opened. Run and trial
folders both hold a results.json: a run's has `results`, a trial's `trial_name`.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import orjson

from cabtui.data.problems import Problem
from cabtui.data.results.index import CellRow, Source
from cabtui.data.results.readers import common
from cabtui.data.results.readers.common import Facts, Unreadable
from cabtui.data.text import one_line

if TYPE_CHECKING:
    from cabtui.data.results.artifacts import CellArtifacts
    from cabtui.data.results.discovery import SweepSource
    from cabtui.data.results.loader import OpenedRecord
    from cabtui.data.results.models import Cell

NAME: Final = "terminal-bench"
METADATA: Final = "run_metadata.json"
RESULTS: Final = "results.json"
AGENT_CAST: Final = "sessions/agent.cast"
TESTS_CAST: Final = "sessions/tests.cast"
TIMED_OUT: Final = frozenset({"agent_timeout", "test_timeout"})
FINE: Final = frozenset({"none", "unset"})


def is_trial_results(data: dict[str, Any]) -> bool:
    """A trial's TrialResults, not a run's BenchmarkResults (which lists them in `results`)."""
    return "trial_name" in data and "task_id" in data


class TerminalBenchReader:
    """Terminal-Bench's runs/ folders; see the module's docstring."""

    name = NAME

    def detect(self, where: Path, names: frozenset[str] | None, root: Path) -> Path | None:
        """A run folder (run_metadata.json) is the sweep of its parent, or of itself when it is
        the folder opened; a trial folder opened by itself is a sweep of one."""
        if names is None:
            return None
        if METADATA in names:
            return where if where == root else where.parent
        if RESULTS in names and where == root and "sessions" in names:
            data = common.peek_keys(where / RESULTS)
            return where if data is not None and is_trial_results(data) else None
        return None

    def rows(self, found: SweepSource, full: bool) -> Iterator[CellRow | Problem]:
        """Every trial of every run in the sweep, attempts numbered by start time."""
        sweep_id = found.folder_name
        attempts: list[Facts] = []
        for run, metadata in self._runs(found.cells):
            if isinstance(metadata, Problem):
                yield metadata
                metadata = {}
            for trial in self._trials(run):
                got = common.per_file(trial / RESULTS, self._attempt, trial, metadata, sweep_id)
                if isinstance(got, Problem):
                    yield got
                else:
                    attempts.append(got)
        for row in common.number_attempts(attempts, sweep_id):
            yield row
            if full:
                yield from common.checked(row, self.check)

    def _runs(self, folder: Path) -> Iterator[tuple[Path, dict[str, Any] | Problem]]:
        if (folder / RESULTS).is_file() and not (folder / METADATA).exists():
            yield folder, _metadata_of(folder)  # one trial opened by itself
            return
        runs = [folder] if (folder / METADATA).exists() else common.subfolders(folder)
        for run in runs:
            if not (run / METADATA).exists():
                continue
            try:
                yield run, common.read_object(run / METADATA)
            except Unreadable as err:
                yield run, err.problem

    def _trials(self, run: Path) -> Iterator[Path]:
        if (run / RESULTS).is_file() and (run / "sessions").is_dir():
            yield run
            return
        for task in common.subfolders(run):
            yield from common.subfolders(task)

    def _attempt(self, trial: Path, metadata: dict[str, Any], sweep_id: str) -> Facts | Problem:
        path = trial / RESULTS
        try:
            raw = common.read_bytes(str(path))
        except FileNotFoundError:
            return Problem(str(trial), 0, "no results.json: a trial still running, or one that was interrupted")
        except OSError as err:
            return Problem(str(path), 0, f"cannot read: {err.strerror or err}")
        try:
            data = common.parse_object(raw, path)
        except Unreadable as err:
            return err.problem
        if not is_trial_results(data):
            return Problem(str(path), 1, "not a Terminal-Bench TrialResults (no trial_name and task_id)")
        found, _ = facts(data, metadata or _metadata_of(trial))
        found.source = Source(path, trial, None, sweep_id, NAME)
        found.name = common.str_or(data.get("trial_name"), trial.name)
        return found

    def open(self, row: CellRow) -> OpenedRecord:
        """The trial's whole record: results.json, the tests' screen, phases and episodes."""
        try:
            data = common.read_object(row.source.path)
        except Unreadable as err:
            return common.unread(row, err.problem)
        if not is_trial_results(data):
            return common.unread(row, Problem(str(row.source.path), 1, "no longer a TrialResults; reload"))
        found, detail = facts(data, _metadata_of(row.source.folder))
        head = found.head(row.sweep_id)
        head["status_detail"] = detail
        head["run"], head["cell_id"] = row.run, row.cell_id
        _fill_in(head, data, row.source.folder)
        return common.opened_cell(head, row)

    def artifacts(self, cell: Cell, source: Source) -> CellArtifacts:
        """The phases and episodes (inline in the record) and sessions/agent.cast."""
        from cabtui.data.results.artifacts import read_artifacts

        return read_artifacts(cell, source)

    def check(self, row: CellRow) -> list[Problem]:
        """What opening the cell would say, and the fields of results.json of a wrong type."""
        opened = self.open(row)
        arts = self.artifacts(opened.cell, row.source) if opened.cell is not None else None
        problems = common.check_record(opened, row, shape, arts)
        return problems


def shape(data: dict[str, Any]) -> common.Shape:
    """The fields of a TrialResults that cabtui reads, checked for their types."""
    check = common.Shape()
    for key in ("trial_name", "task_id"):
        check.text(data, key, required=True)
    check.text(data, "failure_mode")
    if data.get("is_resolved") not in (True, False, None):
        check.wrong.append(("is_resolved", "not true, false or null"))
    for key in ("total_input_tokens", "total_output_tokens"):
        check.num(data, key, whole=True)
    for key in ("trial", "agent", "test"):
        for end in ("started_at", "ended_at"):
            check.time(data, f"{key}_{end}")
    check.obj(data, "parser_results")
    return check


def _metadata_of(trial: Path) -> dict[str, Any]:
    """The run_metadata.json two folders up from a trial (its run's), or {}."""
    return common.peek_keys(trial.parent.parent / METADATA) or {}


def status_of(data: dict[str, Any]) -> tuple[str, float | None, str | None]:
    """(status, pass, detail): resolved passes; an agent or test timeout is timed out; another
    failure mode, or no verdict at all, is an error; unresolved is a failed run."""
    resolved = data.get("is_resolved")
    mode = common.str_or(data.get("failure_mode"), "unset")
    detail = None if mode in FINE else f"failure_mode: {one_line(mode, 80)}"
    if resolved is True:
        return "ok", 1.0, detail
    if mode in TIMED_OUT:
        return "timed_out", 0.0 if resolved is False else None, detail
    if mode not in FINE:
        return "error", 0.0 if resolved is False else None, detail
    if resolved is False:
        return "ok", 0.0, None
    return "error", None, "no verdict: is_resolved is null"


def facts(data: dict[str, Any], metadata: dict[str, Any]) -> tuple[common.Facts, str | None]:
    """What the index keeps of a TrialResults (and its run's metadata), and the status detail."""
    status, reward, detail = status_of(data)
    found = common.Facts(
        common.str_or(metadata.get("agent_name"), "unknown"),
        common.str_or(metadata.get("model_name"), "unknown"),
        common.str_or(data.get("task_id"), "unknown"),
        status,
        reward,
        common.as_time(data.get("trial_started_at")),
        common.as_time(data.get("trial_ended_at")),
        common.count(data.get("total_input_tokens")),
        common.count(data.get("total_output_tokens")),
    )
    return found, detail


def _fill_in(head: dict[str, Any], data: dict[str, Any], folder: Path) -> None:
    """What only the cell page needs: parser results, the tests' screen, phases, episodes."""
    pass_rate = head["scores"]["pass_rate"]
    pass_rate["failure_mode"] = data.get("failure_mode")
    if isinstance(data.get("parser_results"), dict):
        pass_rate["parser_results"] = data["parser_results"]
    screen = common.read_tail(folder / "panes" / "post-test.txt")
    if screen is not None:
        pass_rate["stdout_tail"] = screen
    phases = {
        "agent": (common.as_time(data.get("agent_started_at")), common.as_time(data.get("agent_ended_at"))),
        "tests": (common.as_time(data.get("test_started_at")), common.as_time(data.get("test_ended_at"))),
    }
    for name, (start, end) in phases.items():
        head["scores"]["latency"][f"{name}_ms"] = common.ms_between(start, end)
    head["usage"]["source"] = "Terminal-Bench total_input_tokens / total_output_tokens"
    commands = common.read_tail(folder / "commands.txt")
    head["harness"] = {
        "harness": "terminal-bench",
        "trial_name": data.get("trial_name"),
        "run": folder.parent.parent.name,
        "instruction": data.get("instruction"),
        "failure_mode": data.get("failure_mode"),
        "recording_path": data.get("recording_path"),
        "tests_recording": TESTS_CAST if (folder / TESTS_CAST).is_file() else None,
        "commands": commands or None,
        "reproduce": reproduce(_metadata_of(folder), head["tui"], head["model"], head["task"]),
    }
    origin = head.get("started_at") or phases["agent"][0]
    if origin is None:
        return
    cast = folder / AGENT_CAST
    began = common.recording_start(cast, phases["agent"][0]) if cast.is_file() else None
    spans = _spans(phases, origin, head.get("ended_at"), head["status"], data)
    if began is not None:
        spans.extend(_episodes(cast, common.ms_between(origin, began) or 0.0, phases["agent"], origin))
        head["artifacts"] = {"recording": AGENT_CAST, "recording_offset_ms": common.ms_between(origin, began)}
    head["spans"] = spans


def reproduce(metadata: dict[str, Any], agent: str, model: str, task: str) -> str:
    """The `tb run` that reruns this task with the run's dataset, agent and model."""
    q = shlex.quote
    name, version = metadata.get("dataset_name"), metadata.get("dataset_version")
    path = metadata.get("dataset_path")
    if isinstance(name, str) and name:
        dataset = f"-d {q(name + '==' + version if isinstance(version, str) and version else name)}"
    elif isinstance(path, str) and path:
        dataset = f"-p {q(path)}"
    else:
        dataset = "-d DATASET  # the dataset is not recorded"
    return f"# rerun this task with Terminal-Bench\ntb run {dataset} -t {q(task)} -a {q(agent)} -m {q(model)}"


def _spans(
    phases: dict[str, tuple[datetime | None, datetime | None]],
    origin: datetime,
    ended: datetime | None,
    status: str,
    data: dict[str, Any],
) -> list[dict[str, Any]]:
    last = ended or max((e for _, e in phases.values() if e is not None), default=origin)
    trial_name = common.str_or(data.get("trial_name"), "trial")
    root = common.phase_span("trial", trial_name, origin, last, origin, None, "trial")
    spans = [root] if root else []
    mode = common.str_or(data.get("failure_mode"), "unset")
    for name, (start, end) in phases.items():
        span = common.phase_span(name, name, start, end, origin, "trial" if root else None)
        if span is None:
            continue
        if mode in TIMED_OUT and mode.startswith(name[:4]):
            span["error"] = {"message": mode, "type": mode}
        spans.append(span)
    if status == "error" and mode not in FINE and spans:
        spans[0]["error"] = {"message": mode, "type": mode}
    return spans


def _episodes(
    cast: Path, offset_ms: float, agent: tuple[datetime | None, datetime | None], origin: datetime
) -> list[dict[str, Any]]:
    """terminus's markers ("Episode N: K commands") as spans under the agent phase, each until the next."""
    marks: list[tuple[float, str]] = []
    try:
        with cast.open("rb") as handle:
            handle.readline()
            for raw in handle:
                if b'"m"' not in raw:
                    continue
                try:
                    event = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    continue
                if isinstance(event, list) and len(event) >= 3 and event[1] == "m":
                    at = common.number(event[0])
                    if at is not None and at >= 0:
                        marks.append((at * 1000 + offset_ms, str(event[2])))
    except OSError:
        return []
    end = common.ms_between(origin, agent[1])
    spans = []
    for i, (at, label) in enumerate(marks):
        until = marks[i + 1][0] if i + 1 < len(marks) else (end if end is not None and end > at else at)
        spans.append(
            {
                "span_id": f"episode-{i}",
                "parent_id": "agent" if agent[0] is not None else None,
                "kind": "episode",
                "name": one_line(label, 80),
                "start_ms": at,
                "duration_ms": max(until - at, 0.0),
            }
        )
    return spans


TERMINAL_BENCH: Final = TerminalBenchReader()
