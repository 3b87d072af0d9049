"""`cabtui serve` end to end without a browser: a real server process, a websocket as the page opens it."""

from __future__ import annotations

import asyncio
import json
import re
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from rich.color import Color

from cabtui.ui.app import make_app
from tests.serve.server import Served, Session, alive, children, serving, wait_for

COLS, ROWS = 120, 32


@asynccontextmanager
async def tab(served: Served) -> AsyncIterator[Session]:
    """What a browser tab does: open the websocket with its size, then send a resize."""
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(f"ws://127.0.0.1:{served.port}/ws?width={COLS}&height={ROWS}") as ws,
    ):
        await ws.send_json(["resize", {"width": COLS, "height": ROWS}])
        yield Session(ws, COLS, ROWS)


@pytest.mark.slow
async def test_a_tab_gets_its_own_app_showing_the_demo_sweep_and_sigterm_stops_both() -> None:
    with serving() as served:
        async with aiohttp.ClientSession() as http, http.get(served.url) as page:
            html = await page.text()
        addresses = re.findall(r'(?:src|href)="([^"]*)"|url\("([^"]*)"\)', html)
        assert {"static/js/textual.js", "static/css/xterm.css"} <= {a or b for a, b in addresses}
        assert not [a or b for a, b in addresses if "//" in (a or b)], "the page loads from another host"
        async with tab(served) as session:
            text = await session.until(lambda t: "35 rows × 12 tasks" in t, "the demo sweep's grid")
            assert "cabtui · demo-20261125" in text
            assert "1 Leaderboard  2 Grid  3 Cells" in text
            assert "aider × meta/llama-3.3-70b-instruct" in text
            apps = children(served.process.pid)
            assert len(apps) == 1, "one app process for the tab"
            await session.press("\r")  # enter, as xterm.js sends it
            text = await session.until(lambda t: "Run identity" in t, "the cell page")
            assert "integrity/destructive-migration-refusal" in text

            closed = asyncio.create_task(session.closed_by_server())
            assert await asyncio.to_thread(served.stop, signal.SIGTERM) == 0
            await closed
        (app,) = apps
        assert not alive(app), "the tab's app process outlived the server"
        assert "Traceback" not in served.log()


@pytest.mark.slow
async def test_each_tab_its_own_app_and_closing_a_tab_ends_its_app() -> None:
    with serving() as served:
        async with tab(served) as first:
            await first.until(lambda t: "35 rows × 12 tasks" in t, "the first tab's app")
            async with tab(served) as second:
                await second.until(lambda t: "35 rows × 12 tasks" in t, "the second tab's app")
                assert len(children(served.process.pid)) == 2
                await second.press("\r")
                await second.until(lambda t: "Run identity" in t, "the cell page in the second tab")
                await first.press("3")
                await first.until(lambda t: " cells  ·  " in t, "the cells table in the first tab")
                assert "Run identity" not in first.text(), "keys of one tab reached the other"
        wait_for(lambda: not children(served.process.pid), "the closed tabs' apps to end")
        assert served.stop(signal.SIGINT) == 0
        assert "Traceback" not in served.log()


PALETTE_SGR = {*range(30, 38), *range(40, 48), *range(90, 98), *range(100, 108)}


def palette_colours(output: bytes) -> list[str]:
    """The SGR colours in OUTPUT that a terminal takes from its own palette (so a browser's
    xterm.js would paint them in its colours, not the terminal's): 30-37, 90-97, 38;5;n, ..."""
    found = []
    for match in re.finditer(rb"\x1b\[([0-9;]*)m", output):
        params = [int(p or 0) for p in match[1].split(b";")]
        i = 0
        while i < len(params):
            p = params[i]
            if p in (38, 48, 58) and i + 1 < len(params):
                if params[i + 1] == 5:
                    found.append(match[0].decode())
                i += 5 if params[i + 1] == 2 else 3
                continue
            if p in PALETTE_SGR:
                found.append(match[0].decode())
            i += 1
    return found


@pytest.mark.slow
async def test_a_recordings_colours_reach_the_browser_as_the_rgb_the_terminal_shows(tmp_path: Path) -> None:
    cast = tmp_path / "colours.cast"
    output = "\x1b[31mRED\x1b[0m \x1b[38;5;208mORANGE\x1b[0m \x1b[38;2;1;2;3mRGB\x1b[0m \x1b[44mBLUE\x1b[0m"
    events = [[0.0, "o", output]]
    cast.write_text("\n".join(json.dumps(line) for line in [{"version": 2, "width": 40, "height": 4}, *events]))
    theme = make_app(cast).ansi_theme  # the app converts ANSI colours with it, in a terminal and here alike

    def rgb(name: str, foreground: bool = True) -> str:
        return Color.parse(name).get_truecolor(theme, foreground=foreground).hex

    with serving(str(cast)) as served:
        async with tab(served) as session:
            await session.until(lambda t: "RED ORANGE RGB BLUE" in t, "the recording's frame")
            styles = {seg.text.strip(): seg.style for line in session.frame().lines for seg in line}
            assert styles["RED"].fg == rgb("red")
            assert styles["ORANGE"].fg == rgb("color(208)")
            assert styles["RGB"].fg == "#010203"
            assert styles["BLUE"].bg == rgb("blue", foreground=False)
            assert palette_colours(bytes(session.output)) == []
