"""Harbor job folders (`harbor run`, 0.26) read as cabtui sweeps (docs/harbor.md).

    jobs/<YYYY-MM-DD__HH-MM-SS>/        a job: config.json (JobConfig), result.json (JobResult)
        <task>__<7 chars>/              a trial: config.json, result.json (TrialResult),
            agent/recording.cast        exception.txt; terminus-2's terminal; other agents
            agent/trajectory.json       may write an ATIF trajectory instead
            verifier/reward.txt|json, verifier/test-stdout.txt

A sweep is the folder that holds the jobs (jobs/), so that the jobs of several agents and
models compare on one grid; a job folder opened by itself is a sweep alone. The index reads
each trial's result.json; test output, the trajectory and the recording are read when the
cell is opened. Job and trial folders both hold a result.json: they are told apart by keys
(a JobResult has `n_total_trials`, a TrialResult `trial_name`).
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from cabtui.data.problems import Problem
from cabtui.data.results.index import CellRow, Source
from cabtui.data.results.readers import common
from cabtui.data.results.readers.atif import trajectory_parts
from cabtui.data.results.readers.common import Facts, Unreadable
from cabtui.data.text import one_line

if TYPE_CHECKING:
    from cabtui.data.results.artifacts import CellArtifacts
    from cabtui.data.results.discovery import SweepSource
    from cabtui.data.results.loader import OpenedRecord
    from cabtui.data.results.models import Cell

NAME: Final = "harbor"
RESULT: Final = "result.json"
CONFIG: Final = "config.json"
RECORDING: Final = "agent/recording.cast"
TRAJECTORY: Final = "agent/trajectory.json"
PHASES: Final = ("environment_setup", "agent_setup", "agent_execution", "verifier")
"""A TrialResult's timed phases, in the order a trial runs them."""
PHASE_OF_ERROR: Final = {
    "EnvironmentStartTimeoutError": "environment_setup",
    "AgentSetupTimeoutError": "agent_setup",
    "AgentTimeoutError": "agent_execution",
    "VerifierTimeoutError": "verifier",
    "RewardFileNotFoundError": "verifier",
    "RewardFileEmptyError": "verifier",
    "VerifierOutputParseError": "verifier",
}
"""Where Harbor's own exceptions happen; others are placed by `occurred_at`."""


def is_job_result(data: dict[str, Any]) -> bool:
    """A JobResult (a job's result.json), not a TrialResult."""
    return "n_total_trials" in data or ("stats" in data and "trial_name" not in data)


def is_trial_result(data: dict[str, Any]) -> bool:
    """A TrialResult (a trial's result.json)."""
    return "trial_name" in data and "task_name" in data


class HarborReader:
    """Harbor's jobs/ folders; see the module's docstring."""

    name = NAME

    def detect(self, where: Path, names: frozenset[str] | None, root: Path) -> Path | None:
        """A job folder (config.json and a JobResult) is the sweep of its parent, or of itself
        when it is the folder opened; a trial folder opened by itself is a sweep of one."""
        if names is None or RESULT not in names or CONFIG not in names:
            return None
        data = common.peek_keys(where / RESULT)
        if data is None:
            return None
        if is_job_result(data):
            return where if where == root else where.parent
        if is_trial_result(data):  # opened alone, or in a job that has no result.json yet
            if where == root:
                return where
            return where.parent if where.parent == root else where.parent.parent
        return None

    def rows(self, found: SweepSource, full: bool) -> Iterator[CellRow | Problem]:
        """Every trial of every job in the sweep, attempts numbered by start time."""
        sweep_id = found.folder_name
        attempts: list[Facts] = []
        for trial in self._trials(found.cells):
            name = os.path.join(trial, RESULT)
            got = common.per_file(name, self._attempt, trial, name, sweep_id)
            if isinstance(got, Problem):
                if got.line >= 0:  # -1: nothing to say (a job's artifacts/ folder)
                    yield got
            else:
                attempts.append(got)
        if full:
            for job in self._jobs(found.cells):
                yield from self._check_job(job)
        for row in common.number_attempts(attempts, sweep_id):
            yield row
            if full:
                yield from common.checked(row, self.check)

    def _jobs(self, folder: Path) -> list[Path]:
        if (folder / CONFIG).is_file() and not _is_trial(folder):
            return [folder]
        return [sub for sub in common.subfolders(folder) if (sub / CONFIG).is_file() and not _is_trial(sub)]

    def _trials(self, folder: Path) -> Iterator[str]:
        if _is_trial(folder):
            yield str(folder)
            return
        for job in self._jobs(folder):
            yield from common.subfolder_paths(job)

    def _check_job(self, job: Path) -> Iterator[Problem]:
        for name in (CONFIG, RESULT):
            try:
                common.read_object(job / name)
            except Unreadable as err:
                yield err.problem

    def _attempt(self, trial: str, name: str, sweep_id: str) -> Facts | Problem:
        """A trial's head from its result.json (`name`), or why it has none (a folder without one:
        a trial still running, or the job's artifacts/ when it has no result.json of its own)."""
        try:
            raw = common.read_bytes(name)
        except FileNotFoundError:
            if os.path.basename(trial) == "artifacts":
                return Problem(trial, -1, "")
            return Problem(trial, 0, "no result.json: a trial still running, or one that was interrupted")
        except OSError as err:
            return Problem(name, 0, f"cannot read: {err.strerror or err}")
        path = Path(name)
        try:
            data = common.parse_object(raw, path)
        except Unreadable as err:
            return err.problem
        if not is_trial_result(data):
            return Problem(name, 1, "not a Harbor TrialResult (no trial_name and task_name)")
        found, _ = facts(data)
        found.source = Source(path, path.parent, None, sweep_id, NAME)
        trial_name = data.get("trial_name")
        found.name = trial_name if isinstance(trial_name, str) else name
        return found

    def open(self, row: CellRow) -> OpenedRecord:
        """The trial's whole record: its result.json, test output, exception, phases and trajectory."""
        try:
            data = common.read_object(row.source.path)
        except Unreadable as err:
            return common.unread(row, err.problem)
        if not is_trial_result(data):
            return common.unread(row, Problem(str(row.source.path), 1, "no longer a Harbor TrialResult; reload"))
        head, said = trial_head(data, row.sweep_id, row.source.folder)
        head["run"], head["cell_id"] = row.run, row.cell_id
        opened = common.opened_cell(head, row)
        if opened.cell is None or not said:
            return opened
        return replace(opened, problems=(*opened.problems, *said))  # the trajectory's, as validate says

    def artifacts(self, cell: Cell, source: Source) -> CellArtifacts:
        """The phases and trajectory steps (inline in the record) and agent/recording.cast."""
        from cabtui.data.results.artifacts import read_artifacts

        return read_artifacts(cell, source)

    def check(self, row: CellRow) -> list[Problem]:
        """What opening the cell would say, and the fields of result.json of a wrong type: its
        record, trajectory and artifact paths."""
        opened = self.open(row)
        arts = self.artifacts(opened.cell, row.source) if opened.cell is not None else None
        problems = common.check_record(opened, row, shape, arts)
        trajectory = row.source.folder / TRAJECTORY
        if trajectory.is_file():
            problems.extend(p for p in trajectory_parts(trajectory, None, None)[2] if p not in problems)
        return problems


def shape(data: dict[str, Any]) -> common.Shape:
    """The fields of a TrialResult that cabtui reads, checked for their types."""
    check = common.Shape()
    check.text(data, "task_name", required=True)
    check.text(data, "trial_name", required=True)
    info = check.obj(data, "agent_info", note=" (the agent is shown as unknown)")
    check.text(info, "name", "agent_info.")
    model = check.obj(info, "model_info", "agent_info.")
    check.text(model, "name", "agent_info.model_info.")
    check.text(model, "provider", "agent_info.model_info.")
    for key in ("started_at", "finished_at"):
        check.time(data, key)
    for phase in PHASES:
        timing = check.obj(data, phase)
        for key in ("started_at", "finished_at"):
            check.time(timing, key, f"{phase}.")
    verifier = check.obj(data, "verifier_result")
    rewards = check.obj(verifier, "rewards", "verifier_result.")
    for key in rewards:
        check.num(rewards, key, "verifier_result.rewards.")
    usage = check.obj(data, "agent_result")
    for key in ("n_input_tokens", "n_cache_tokens", "n_output_tokens"):
        check.num(usage, key, "agent_result.", whole=True)
    check.num(usage, "cost_usd", "agent_result.")
    exception = check.obj(data, "exception_info")
    check.text(exception, "exception_type", "exception_info.")
    check.time(exception, "occurred_at", "exception_info.")
    return check


def _is_trial(folder: Path) -> bool:
    data = common.peek_keys(folder / RESULT) if (folder / RESULT).is_file() else None
    return data is not None and is_trial_result(data)


def model_of(data: dict[str, Any]) -> str:
    """`provider/name` as the job was told it (config.agent.model_name), else the agent_info's."""
    config = data.get("config")
    agent = config.get("agent") if isinstance(config, dict) else None
    named = agent.get("model_name") if isinstance(agent, dict) else None
    if isinstance(named, str) and named:
        return named
    info = data.get("agent_info")
    model = info.get("model_info") if isinstance(info, dict) else None
    if isinstance(model, dict) and isinstance(model.get("name"), str) and model["name"]:
        provider = model.get("provider")
        return f"{provider}/{model['name']}" if isinstance(provider, str) and provider else model["name"]
    return "unknown"


def headline_reward(rewards: dict[str, Any] | None) -> float | None:
    """The reward a trial is judged by: `reward`, else its only reward, else the mean of its rewards
    (Harbor's own aggregate takes a lone reward whatever its name)."""
    if not rewards:
        return None
    if "reward" in rewards:
        return common.number(rewards["reward"])
    values = [v for v in map(common.number, rewards.values()) if v is not None]
    if not values:
        return None
    return values[0] if len(values) == 1 else sum(values) / len(values)


def status_of(
    exception: dict[str, Any] | None, reward: float | None, *, detail_too: bool = True
) -> tuple[str, str | None]:
    """(status, detail): a recorded exception makes the cell timed out (a *TimeoutError) or an error,
    unless the reward still counts as a pass (Harbor grades a timed-out agent's work).
    The detail is left out (None) without `detail_too`: the index keeps none."""
    detail = None
    kind = ""
    if isinstance(exception, dict):
        kind = common.str_or(exception.get("exception_type"), "exception")
        message = common.str_or(exception.get("exception_message"), "")
        if detail_too:
            detail = one_line(f"{kind}: {message}" if message else kind, 300)
    if reward is not None and reward >= 1.0:
        return "ok", detail
    if kind:
        return ("timed_out" if kind.endswith("TimeoutError") else "error"), detail
    if reward is None:
        return "error", "the verifier recorded no reward"
    return "ok", None


def facts(data: dict[str, Any], *, detail_too: bool = False) -> tuple[common.Facts, str | None]:
    """What the index keeps of a TrialResult, and (`detail_too`) its status detail."""
    info = data.get("agent_info")
    info = info if info.__class__ is dict else {}
    verifier = data.get("verifier_result")
    rewards = verifier.get("rewards") if verifier.__class__ is dict else None
    reward = headline_reward(rewards if rewards.__class__ is dict else None)
    exception = data.get("exception_info")
    status, detail = status_of(exception if exception.__class__ is dict else None, reward, detail_too=detail_too)
    usage = data.get("agent_result")
    usage = usage if usage.__class__ is dict else {}
    found = common.Facts(
        common.str_or(info.get("name"), "unknown"),
        model_of(data),
        common.str_or(data.get("task_name"), "unknown"),
        status,
        reward,
        common.as_time(data.get("started_at")),
        common.as_time(data.get("finished_at")),
        common.count(usage.get("n_input_tokens")),
        common.count(usage.get("n_output_tokens")),
        common.number(usage.get("cost_usd")),
    )
    return found, detail


def trial_head(data: dict[str, Any], sweep_id: str, folder: Path) -> tuple[dict[str, Any], list[Problem]]:
    """A TrialResult as a whole cell record, the trial folder's files read in, and what its
    trajectory's file says (what is wrong with it)."""
    found, detail = facts(data, detail_too=True)
    head = found.head(sweep_id)
    info = common.obj(data.get("agent_info"))
    rewards = common.obj(common.obj(data.get("verifier_result")).get("rewards")) or None
    exception = data.get("exception_info") if isinstance(data.get("exception_info"), dict) else None
    said = _fill_in(head, data, folder, rewards, found.reward, exception, detail, found.started, info)
    return head, said


def _fill_in(
    head: dict[str, Any],
    data: dict[str, Any],
    folder: Path,
    rewards: dict[str, Any] | None,
    reward: float | None,
    exception: dict[str, Any] | None,
    detail: str | None,
    started: datetime | None,
    info: dict[str, Any],
) -> list[Problem]:
    """What only the cell page needs: rewards, test output, the exception, phases, the trajectory
    (and its file's problems)."""
    scores = head["scores"]
    pass_rate = scores["pass_rate"]
    if rewards is not None:
        pass_rate["rewards"] = rewards
    if reward is not None and 0 < reward < 1:
        pass_rate["partial_score"] = reward
    stdout = common.read_tail(folder / "verifier" / "test-stdout.txt")
    if stdout is not None:
        pass_rate["stdout_tail"] = stdout
    stderr = common.read_tail(folder / "verifier" / "test-stderr.txt")
    if stderr:
        pass_rate["stderr_tail"] = stderr
    usage = common.obj(data.get("agent_result"))
    scores["tokens"]["cache_tokens"] = common.count(usage.get("n_cache_tokens"))
    phases = {name: _phase(data.get(name)) for name in PHASES}
    for name, (start, end) in phases.items():
        scores["latency"][f"{name}_ms"] = common.ms_between(start, end)
    head["status_detail"] = detail
    model = common.obj(info.get("model_info"))
    head["model_build_id"] = common.str_or(model.get("name"), "") or None
    usage_head = head["usage"]
    usage_head["source"] = "Harbor agent_result"
    harness: dict[str, Any] = {
        "harness": "harbor",
        "trial_name": data.get("trial_name"),
        "job": folder.parent.name,
        "agent_version": info.get("version"),
        "source": data.get("source"),
    }
    if exception is not None:
        harness["exception_type"] = exception.get("exception_type")
        harness["exception_message"] = exception.get("exception_message")
        harness["occurred_at"] = exception.get("occurred_at")
        traceback = exception.get("exception_traceback")
        traceback = (
            common.tail(traceback)
            if isinstance(traceback, str) and traceback
            else common.read_tail(folder / "exception.txt")
        )
        if traceback:
            harness["exception_traceback"] = traceback
    harness["reproduce"] = reproduce(data, head["tui"], head["model"], head["task"])
    head["harness"] = harness
    origin = started or next((s for s, _ in phases.values() if s is not None), None)
    if origin is None:
        return []
    agent_start, agent_end = phases["agent_execution"]
    trial_name = common.str_or(data.get("trial_name"), folder.name)
    spans = _phase_spans(phases, origin, head.get("ended_at"), exception, trial_name)
    trajectory = folder / TRAJECTORY
    said: list[Problem] = []
    if trajectory.is_file():
        parent = "agent_execution" if agent_start else "trial"
        steps, calls, said = trajectory_parts(trajectory, origin, parent, agent_end)
        spans.extend(steps)
        head["model_calls"] = calls
        scores["tokens"]["model_calls"] = len(calls)
    head["spans"] = spans
    cast = folder / RECORDING
    if cast.is_file():
        began = common.recording_start(cast, agent_start or phases["agent_setup"][0])
        offset = common.ms_between(origin, began)
        head["artifacts"] = {"recording": RECORDING, "recording_offset_ms": offset}
    return said


def reproduce(data: dict[str, Any], agent: str, model: str, task: str) -> str:
    """The `harbor run` that reruns this trial: its local task path, else its dataset and task name."""
    q = shlex.quote
    path = common.obj(common.obj(data.get("config")).get("task")).get("path")
    source = data.get("source")
    if isinstance(path, str) and path:
        where = f"-p {q(path)}"
    elif isinstance(source, str) and source:
        where = f"-d {q(source)} -i {q(task)}"
    else:
        where = f"-i {q(task)}  # the dataset is not recorded: add -d DATASET"
    return f"# rerun this trial with Harbor\nharbor run {where} -a {q(agent)} -m {q(model)}"


def _phase(value: Any) -> tuple[datetime | None, datetime | None]:
    if not isinstance(value, dict):
        return None, None
    return common.as_time(value.get("started_at")), common.as_time(value.get("finished_at"))


def _phase_spans(
    phases: dict[str, tuple[datetime | None, datetime | None]],
    origin: datetime,
    ended: datetime | None,
    exception: dict[str, Any] | None,
    trial_name: str,
) -> list[dict[str, Any]]:
    """The trial as a root span and its four phases as children; the exception on the phase it
    happened in (by `occurred_at`), else on the trial."""
    last = ended or max((e for _, e in phases.values() if e is not None), default=origin)
    root = common.phase_span("trial", trial_name, origin, last, origin, None, "trial")
    spans = [root] if root else []
    occurred = common.as_time(exception.get("occurred_at")) if exception else None
    error = None
    if exception is not None:
        error = {
            "message": one_line(common.str_or(exception.get("exception_message"), "exception"), 500),
            "type": common.str_or(exception.get("exception_type"), "exception"),
        }
    placed = False
    home = PHASE_OF_ERROR.get(error["type"]) if error else None
    for name, (start, end) in phases.items():
        span = common.phase_span(name, name, start, end, origin, "trial" if root else None)
        if span is None:
            continue
        inside = occurred is not None and start is not None and end is not None and start <= occurred <= end
        if error and not placed and (name == home or (home is None and inside)):
            span["error"], placed = error, True
        spans.append(span)
    if error and not placed and spans:
        spans[0]["error"] = error
    return spans


HARBOR: Final = HarborReader()
