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
        await wait_for(pilot, lambda: len(sweeps.summaries) == 4, tries=2000)  # polling walks the tree every 5 s
        await wait_for(pilot, lambda: "later[@click=app.quit]" in screen_text(app))  # the name, as text
        await pilot.press("enter")
        await on_screen(pilot, SweepScreen)
        for tab in ("1", "2", "3", "4"):
            await pilot.press(tab)
            await shown(pilot)
    assert app.return_code in (None, 0) and not parsed
