"""`cabtui serve` in a real browser: Debian's Chromium, headless, driven by Playwright.

The page's xterm.js draws on a canvas, so the text on screen is read from what the page itself
received on its websocket (Playwright reports each frame), fed to cabtui's own terminal emulator
at the size the page asked for; the screenshot (path printed) shows what the canvas painted.
Playwright never downloads a browser here: it is pointed at /usr/bin/chromium (`.ci/run` installs it).
"""

from __future__ import annotations

import codecs
import json
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, WebSocket, sync_playwright

from cabtui.data.problems import Problem
from cabtui.data.results import load, read_cell, reproduce_command
from cabtui.data.term import Terminal
from cabtui.data.text import visible
from tests.serve.server import WAIT, serving

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO = Path(__file__).resolve().parents[2] / "recordings"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no {CHROMIUM} (apt-get install chromium; .ci/run does)"),
]


class PageScreen:
    """The page's terminal as the page received it: every websocket frame, in order."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.terminal: Terminal | None = None
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.pending: list[bytes] = []
        page.on("websocket", self._watch)

    def _watch(self, ws: WebSocket) -> None:
        ws.on("framesent", self._sent)
        ws.on("framereceived", self._received)

    def _sent(self, payload: str | bytes) -> None:
        message = json.loads(payload)
        if message[0] == "resize":
            size = message[1]
            if self.terminal is None:
                self.terminal = Terminal(size["width"], size["height"])
                for data in self.pending:
                    self.terminal.feed(self.decoder.decode(data))
            else:
                self.terminal.resize(size["width"], size["height"])

    def _received(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            if self.terminal is None:
                self.pending.append(payload)
            else:
                self.terminal.feed(self.decoder.decode(payload))

    def text(self) -> str:
        return "" if self.terminal is None else "\n".join(self.terminal.frame(0.0).text_lines())

    def until(self, check: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + WAIT
        while not check(text := self.text()):
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting for {what}; the page shows:\n{text}")
            self.page.wait_for_timeout(50)  # Playwright delivers the frames while it waits
        return text


def status_line(text: str) -> str:
    """The grid's status line: `CLI × model · task · outcome · …` of the square under the cursor."""
    return next(line for line in reversed(text.splitlines()) if " · " in line and "×" in line)


def test_chromium_opens_the_page_keys_reach_the_app_and_y_copies_the_reproduce_command(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    with serving() as served, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "profile",
            executable_path=str(CHROMIUM),
            args=ARGS,
            headless=True,
            viewport={"width": 1400, "height": 820},
            permissions=["clipboard-read", "clipboard-write"],
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            screen = PageScreen(page)
            hosts: set[str] = set()
            page.on("request", lambda req: hosts.add(req.url.split("/")[2]))
            page.goto(served.url)

            screen.until(lambda t: "35 rows × 12 tasks" in t and "Quit" in t, "the demo sweep's grid and its keys")
            page.keyboard.press("2")
            page.keyboard.press("ArrowDown")
            page.keyboard.press("ArrowRight")
            text = screen.until(
                lambda t: (m := re.search(r"task 2 of 12 +(\S+)", t)) is not None and f" · {m[1]} · " in status_line(t),
                "the cursor on the second task (header and status line)",
            )
            pair, task = (part.strip() for part in status_line(text).split(" · ")[:2])
            assert pair == "aider × meta/llama-4-maverick-17b-128e-instruct"
            page.keyboard.press("Enter")
            text = screen.until(lambda t: "Run identity" in t and "Copy reproduce" in t, "the cell page")
            assert f"{pair} — {task}" in text

            page.keyboard.press("y")
            screen.until(lambda t: "copied to the clipboard" in t, "the copy's notice")
            (row,) = (
                r for s in load(DEMO).sweeps for r in s.cells if f"{r.tui} × {r.model}" == pair and r.task == task
            )
            cell = read_cell(row)
            assert not isinstance(cell, Problem)
            expected = visible(reproduce_command(cell), multiline=True)
            assert page.evaluate("navigator.clipboard.readText()") == expected

            assert hosts == {f"127.0.0.1:{served.port}"}, "the page loaded something from another host"
            shot = tmp_path / "cabtui-serve-cell-page.png"
            page.screenshot(path=str(shot))
            artifacts = Path(request.config.rootpath) / ".pytest-artifacts"  # gitignored; CI logs print the path
            artifacts.mkdir(exist_ok=True)
            kept = artifacts / shot.name
            shutil.copyfile(shot, kept)
            print(f"browser screenshot: {kept}")
        finally:
            context.close()


def test_a_url_on_screen_opens_in_a_new_tab_without_a_way_back_to_the_page(tmp_path: Path) -> None:
    cast = tmp_path / "link.cast"
    cast.write_text("")  # written below, once the port is known; read when the tab opens
    with serving(str(cast)) as served, sync_playwright() as playwright:
        url = f"{served.url}static/images/background.png"
        header = {"version": 2, "width": 60, "height": 4}
        cast.write_text("\n".join(json.dumps(line) for line in [header, [0.0, "o", f"docs: {url} ok"]]))
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "profile", executable_path=str(CHROMIUM), args=ARGS, headless=True
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            screen = PageScreen(page)
            page.goto(served.url)
            lines = screen.until(lambda t: url in t, "the recording's URL").splitlines()
            row = next(i for i, line in enumerate(lines) if url in line)
            col = lines[row].index(url) + 5
            box = page.locator("#terminal .xterm-screen").bounding_box()
            assert box is not None
            assert screen.terminal is not None
            frame = screen.terminal.frame(0.0)
            cols, rows = frame.cols, frame.rows
            x = box["x"] + (col + 0.5) * box["width"] / cols
            y = box["y"] + (row + 0.5) * box["height"] / rows
            page.mouse.move(x, y)
            with context.expect_page() as opened:
                page.mouse.click(x, y)
            tab = opened.value
            tab.wait_for_url(url)
            assert tab.evaluate("window.opener") is None
            assert page.url == served.url, "the app's own page navigated away"
        finally:
            context.close()
