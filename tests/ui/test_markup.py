"""No string from the data is ever parsed as Textual or Rich markup, on any screen.

A tripwire wraps every markup parser (Textual's `Content.from_markup`, Rich's
`render` and `Text.from_markup`) and records each string holding MARK; a sweep
whose every name and text field is markup is then walked screen by screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rich.console
import rich.markup
from textual.content import Content

from cabtui.ui import app as app_module
from cabtui.ui.app import make_app
from cabtui.ui.screens.cell import CellScreen
from cabtui.ui.screens.help import HelpScreen
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.screens.sweeps import SweepsScreen

from .helpers import cell, on_screen, screen_text, shown, wait_for, write_sweep

MARK = "PWN"
CLICK = f"[@click=app.quit]{MARK}-OPEN-ME[/]"
LINK = f'[link="https://evil.example/"]{MARK}-CLICK[/link]'
BROKEN = f"[/x]{MARK}big"
HOSTILE = (CLICK, LINK, BROKEN)


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every string holding MARK that reached a markup parser."""
    seen: list[str] = []
    from_markup = Content.from_markup.__func__  # type: ignore[attr-defined]

    def content_from_markup(cls: type[Content], markup: str | Content, **variables: Any) -> Content:
        if isinstance(markup, str) and MARK in markup:  # Content is returned as it is, unparsed
            seen.append(markup)
        return from_markup(cls, markup, **variables)

    def wrap(real: Any) -> Any:
        def parse(markup: str, *args: Any, **kwargs: Any) -> Any:
            if MARK in str(markup):
                seen.append(str(markup))
            return real(markup, *args, **kwargs)

        return parse

    monkeypatch.setattr(Content, "from_markup", classmethod(content_from_markup))
    monkeypatch.setattr(rich.markup, "render", wrap(rich.markup.render))
    monkeypatch.setattr(rich.console, "render_markup", wrap(rich.console.render_markup))
    yield seen


def hostile_sweep(folder: Path, name: str) -> Path:
    """A sweep whose id, names and text fields are all markup."""
    records = []
    for i, text in enumerate(HOSTILE):
        record = cell(
            f"tui{text}",
            f"model/{text}",
            f"cat{text}/task{i}",
            passed=i == 0,
            status_detail=text,
            status="error" if i else "ok",
        )
        record["scores"]["pass_rate"]["stdout_tail"] = text + "\n"
        record["scores"]["pass_rate"]["stderr_tail"] = text
        record["scores"]["blast_radius"]["modified"] = [text]
        record["scores"]["blast_radius"]["unexpected_changes"] = [text]
        records.append(record)
    return write_sweep(folder, records, sweep_id=name, extra_lines=(f'{{"tui": "{BROKEN}"}}',))


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    root = tmp_path / "results"
    for i, name in enumerate(HOSTILE):
        hostile_sweep(root / f"sweep{i}", name)
    return root


async def test_the_palette_shows_markup_names_as_text_and_runs_nothing(hostile: Path, parsed: list[str]) -> None:
    app = make_app(hostile)
    async with app.run_test(size=(160, 40)) as pilot:
        await on_screen(pilot, SweepsScreen)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: f"{MARK}-OPEN-ME" in screen_text(app))
        assert f"Open sweep: {CLICK}" in screen_text(app)
        await pilot.press(*"open sweep")  # a search: matches marked, names still literal
        await wait_for(pilot, lambda: f"{MARK}big" in screen_text(app))
        text = screen_text(app)
        assert CLICK in text and BROKEN in text and "No matches found" not in text
        await pilot.press("escape", "ctrl+p", *"tui pwn")  # cells whose id holds both words
        await wait_for(pilot, lambda: "Open cell:" in screen_text(app))
        assert f"tui{LINK}" in screen_text(app)
    assert app.return_code in (None, 0) and not parsed


async def test_opening_a_big_hostile_sweep_from_the_palette_says_its_name_plainly(
    hostile: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "BIG_SWEEP", 0)  # every sweep is big: the "Opening …" toast shows
    app = make_app(hostile)
    async with app.run_test(size=(160, 40)) as pilot:
        await on_screen(pilot, SweepsScreen)
        await pilot.press("ctrl+p", *"open sweep x]pwnbig")
        await wait_for(pilot, lambda: f"Open sweep: {BROKEN}" in screen_text(app))
        await pilot.press("enter")
        screen = await on_screen(pilot, SweepScreen)
        assert screen.sweep.sweep_id == BROKEN and f"cabtui · {BROKEN}" in await shown(pilot)
    assert not parsed  # "Opening [/x]PWNbig …" was a MarkupError that killed the app


async def test_every_screen_of_a_hostile_sweep_keeps_its_markup_as_text(hostile: Path, parsed: list[str]) -> None:
    app = make_app(hostile / "sweep0")
    async with app.run_test(size=(160, 45)) as pilot:
        await on_screen(pilot, SweepScreen)
        assert CLICK in screen_text(app)  # the title
        for tab in ("1", "2", "3", "4"):
            await pilot.press(tab)
            await shown(pilot)
        await pilot.press("3", "f", "slash", *"pwn", "enter")
        await shown(pilot)
        await pilot.press("2", "enter")
        await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        text = await shown(pilot)
        assert any(f"tui{name} × model/{name}" in text for name in HOSTILE)
        await pilot.press("end", "question_mark")
        await on_screen(pilot, HelpScreen)
        await pilot.press("escape", "n", "p", "y", "r", "t")
        await shown(pilot)
    assert not parsed


async def test_a_hostile_sweep_appended_to_while_open_keeps_its_markup_as_text(
    hostile: Path, parsed: list[str]
) -> None:
    import json

    app = make_app(hostile, poll_interval=0.02, polling=True)
    async with app.run_test(size=(160, 40)) as pilot:
        sweeps = await on_screen(pilot, SweepsScreen)
        record = cell(f"new{CLICK}", f"model/{LINK}", f"cat{BROKEN}/late", passed=False, status_detail=CLICK)
        with (hostile / "sweep0" / "cells.jsonl").open("a") as handle:
            handle.write(json.dumps(record) + "\n" + f'{{"tui": "{BROKEN}-appended"}}\n')
        write_sweep(hostile / "sweep9", [record], sweep_id=f"later{CLICK}")
        await wait_for(pilot, lambda: len(sweeps.summaries) == 4, timeout=60)  # polling walks the tree every 5 s
        await wait_for(pilot, lambda: "later[@click=app.quit]" in screen_text(app))  # the name, as text
        await pilot.press("enter")
        await on_screen(pilot, SweepScreen)
        for tab in ("1", "2", "3", "4"):
            await pilot.press(tab)
            await shown(pilot)


async def test_two_hostile_cells_side_by_side_keep_their_markup_as_text(hostile: Path, parsed: list[str]) -> None:
    from cabtui.ui.screens.pair import PairScreen

    app = make_app(hostile / "sweep0", get_time=lambda: 0.0)
    async with app.run_test(size=(160, 45)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("3", "m", "down", "c")  # the cells table: the first row beside the second
        await on_screen(pilot, PairScreen, ready=lambda s: all(h.loaded for h in s.halves.values()))
        text = await shown(pilot)
        assert f"tui{CLICK} × " in text and f"tui{LINK[:30]}" in text  # the heads, each cut to its half
        assert f"{MARK}-OPEN-ME" in text or f"{MARK}big" in text  # the breakdown's values, literally
        await pilot.press("right", "d", "enter", "question_mark")
        await on_screen(pilot, HelpScreen)
        await pilot.press("escape", "ctrl+p", *"compare")
        await shown(pilot)
    assert app.return_code in (None, 0) and not parsed


async def test_an_otlp_trace_of_markup_and_escapes_is_shown_as_text(tmp_path: Path, parsed: list[str]) -> None:
    import orjson

    from cabtui.ui.screens.replay import ReplayScreen

    from .helpers import ESCAPES

    def attr(key: str, value: str) -> dict[str, Any]:
        return {"key": key, "value": {"stringValue": value}}

    spans = [
        {
            "spanId": f"{i + 1:016x}",
            "name": f"{text}{ESCAPES}",
            "startTimeUnixNano": str(1_780_000_000_000_000_000 + i * 10**8),
            "endTimeUnixNano": str(1_780_000_000_000_000_000 + (i + 1) * 10**8),
            "attributes": [
                attr("gen_ai.operation.name", "chat"),
                attr("gen_ai.request.model", f"model{text}"),
                attr("gen_ai.input.messages", orjson.dumps([{"role": text, "content": ESCAPES + text}]).decode()),
                attr(f"key{text}", ESCAPES),
            ],
            "status": {"code": 2, "message": text + ESCAPES},
        }
        for i, text in enumerate(HOSTILE)
    ]
    service = {"attributes": [attr("service.name", f"svc{CLICK}")]}
    trace = tmp_path / "hostile.otlp.jsonl"
    trace.write_bytes(orjson.dumps({"resourceSpans": [{"resource": service, "scopeSpans": [{"spans": spans}]}]}))
    app = make_app(trace)
    async with app.run_test(size=(160, 45)) as pilot:
        await on_screen(pilot, ReplayScreen)
        assert f"svc{CLICK}" in await shown(pilot)
        for _ in HOSTILE:
            await pilot.press("right")
            text = await shown(pilot)
            assert "\x1b" not in text and "\x07" not in text
        assert BROKEN in text and app.is_running
    assert not parsed


async def test_a_harbor_trial_with_markup_everywhere_shows_it_as_text(tmp_path: Path, parsed: list[str]) -> None:
    """The harness section and the reader's spans take their text from the trial's files."""
    import json
    import shutil

    from tests.data.harness_helpers import HARBOR_JOBS

    jobs = tmp_path / "jobs"
    shutil.copytree(HARBOR_JOBS, jobs)
    for result in jobs.glob("*/*/result.json"):
        data = json.loads(result.read_text())
        data["task_name"] = f"task{CLICK}"
        data["agent_info"]["name"] = f"agent{LINK}"
        data["config"]["agent"]["model_name"] = f"model/{BROKEN}"
        data["exception_info"] = {
            "exception_type": f"Error{CLICK}",
            "exception_message": LINK,
            "exception_traceback": f"Traceback\n  {BROKEN}\n\x1b[31m{CLICK}\x1b[0m\n",
            "occurred_at": data["started_at"],
        }
        result.write_text(json.dumps(data))
    app = make_app(jobs)
    async with app.run_test(size=(160, 60)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("home", "enter")
        screen = await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        text = await shown(pilot)
        assert f"agent{LINK}" in text and f"Error{CLICK}: {LINK}" in text
        screen.query_one("#cell-page").scroll_to_widget(screen.query_one("#title-harness"), animate=False, top=True)
        text = await shown(pilot)
        assert f"exception_message  {LINK}" in text and f"  {BROKEN}" in text and CLICK in text
        await pilot.press("t")
        await wait_for(pilot, lambda: "replay" in screen_text(app))
    assert parsed == []


async def test_the_search_screen_shows_markup_hits_as_text(
    hostile: Path, parsed: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cabtui.ui.screens.search import SearchScreen

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    app = make_app(hostile / "sweep0")
    async with app.run_test(size=(160, 45)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("g")
        screen = await on_screen(pilot, SearchScreen)
        await pilot.press(*MARK)
        await wait_for(pilot, lambda: bool(screen.session.hits) and not screen._searching)
        text = await shown(pilot)
        assert CLICK in text and f"{MARK}-CLICK" in text and BROKEN in text
        await pilot.press("enter", "enter")  # the first hit: its cell page at its section
        await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        await pilot.press("n", "N")
        await shown(pilot)
    assert app.return_code in (None, 0) and not parsed


async def test_a_terminal_bench_trial_with_markup_everywhere_shows_it_as_text(
    tmp_path: Path, parsed: list[str]
) -> None:
    """Terminal-Bench's names, instruction, parser results, commands and the tests' screen."""
    import json
    import shutil

    from tests.data.harness_helpers import TB_RUNS

    runs = tmp_path / "runs"
    shutil.copytree(TB_RUNS, runs)
    for meta in runs.glob("*/run_metadata.json"):
        data = json.loads(meta.read_text())
        data["agent_name"] = f"agent{LINK}"
        data["model_name"] = f"model/{BROKEN}"
        meta.write_text(json.dumps(data))
    for result in runs.glob("*/*/*/results.json"):
        data = json.loads(result.read_text())
        data["task_id"] = f"task{CLICK}"
        data["instruction"] = f"Do {CLICK}"
        data["failure_mode"] = LINK
        data["parser_results"] = {f"test_{BROKEN}": "failed"}
        result.write_text(json.dumps(data))
        (result.parent / "commands.txt").write_text(f"echo {CLICK}\n\x1b]0;{LINK}\x07\n")
        (result.parent / "panes" / "post-test.txt").write_text(f"FAILED {BROKEN}\n\x1b[31m{CLICK}\x1b[0m\n")
    app = make_app(runs)
    async with app.run_test(size=(160, 60)) as pilot:
        await on_screen(pilot, SweepScreen)
        await pilot.press("home", "enter")
        screen = await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        text = await shown(pilot)
        assert f"agent{LINK}" in text
        screen.query_one("#cell-page").scroll_to_widget(screen.query_one("#title-harness"), animate=False, top=True)
        text = await shown(pilot)
        assert f"echo {CLICK}" in text
        await pilot.press("t")
        await wait_for(pilot, lambda: "replay" in screen_text(app))
    assert parsed == []


async def test_an_inspect_log_with_markup_everywhere_shows_it_as_text(tmp_path: Path, parsed: list[str]) -> None:
    """Inspect's solver, model, task, sample ids, errors and tracebacks come from the log."""
    import orjson

    from cabtui.data.results.readers.zip_members import list_members, read_member
    from tests.data.test_inspect_reader import _logs, _rewrite

    logs = tmp_path / "logs"
    logs.mkdir()
    source = _logs("arith")[0]
    members = list_members(source)
    change: dict[str, bytes | None] = {}
    for name, member in members.items():
        if not name.endswith(".json"):
            continue
        data = orjson.loads(read_member(source, member, 1 << 30))
        text = orjson.dumps(data).decode()
        text = text.replace('"mockllm/model"', orjson.dumps(f"mockllm/{BROKEN}").decode())
        change[name] = text.encode()
    header = orjson.loads(change["header.json"] or b"{}")
    header["eval"]["solver"] = f"solver{LINK}"
    header["eval"]["task"] = f"arith{CLICK}"
    change["header.json"] = orjson.dumps(header)
    summaries = orjson.loads(change["summaries.json"] or b"[]")
    for summary in summaries:
        summary["error"] = {"message": f"boom {CLICK}", "traceback": f"Traceback\n  {BROKEN}\n"}
    change["summaries.json"] = orjson.dumps(summaries)
    _rewrite(source, logs / source.name, change)
    app = make_app(logs)
    async with app.run_test(size=(160, 60)) as pilot:
        await on_screen(pilot, SweepScreen)
        text = await shown(pilot)
        assert f"solver{LINK}" in text
        await pilot.press("home", "enter")
        await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        await shown(pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: "replay" in screen_text(app))
    assert parsed == []
