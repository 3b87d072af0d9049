"""`cabtui serve [PATH]`: the same app in a browser, through textual-serve.

Each browser tab opens a websocket, and textual-serve starts one `python -m cabtui PATH`
process for it under Textual's web driver, relaying its output to xterm.js in the page.
The page is textual-serve's own (serve_page/app_index.html) with one change: nothing comes
from other hosts (the font is textual-serve's bundled copy, not Google Fonts) and every
address is relative to the page, so it works offline and under any host name.
There is no authentication: it binds to loopback unless `--host` says otherwise, and warns then.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import shlex
import sys
from pathlib import Path

from aiohttp import web
from textual_serve.server import Server

from cabtui.data.text import visible

PAGE_TEMPLATES = Path(__file__).with_name("serve_page")


def is_loopback(host: str) -> bool:
    """True when only this machine can reach HOST (`localhost` or a loopback address)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def app_command(target: Path) -> str:
    """The shell command of one tab's app: this same Python and cabtui on TARGET.

    `exec` makes the app the process textual-serve started, so stopping it stops the app."""
    return "exec " + shlex.join([sys.executable, "-m", "cabtui", str(target.resolve())])


class CabServer(Server):
    """textual-serve's server with cabtui's page, a one-line start message, and a quick stop.

    aiohttp waits up to a minute for open websockets at shutdown; ending each tab's session
    first (its app is asked to quit and waited for) makes Ctrl-C and SIGTERM prompt."""

    def __init__(self, target: Path, host: str, port: int) -> None:
        super().__init__(
            app_command(target),
            host=host,
            port=port,
            title=f"cabtui · {visible(target.name)}",
            templates_path=PAGE_TEMPLATES,
        )
        self.target = target
        self.sessions: set[asyncio.Task[object]] = set()

    def initialize_logging(self) -> None:
        """textual-serve's logging (its app processes' errors), without a line per request."""
        super().initialize_logging()
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

    async def on_startup(self, app: web.Application) -> None:
        """Say where to point the browser (instead of textual-serve's logo)."""
        where = visible(str(self.target))
        print(f"cabtui serve: {where} on {self.public_url} (Ctrl-C stops)", file=sys.stderr, flush=True)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One tab's session (textual-serve's), remembered until it ends."""
        task = asyncio.current_task()
        assert task is not None
        self.sessions.add(task)
        try:
            return await super().handle_websocket(request)
        finally:
            self.sessions.discard(task)

    async def on_shutdown(self, app: web.Application) -> None:
        """End every session: textual-serve then stops its app process and waits for it."""
        sessions = list(self.sessions)
        for task in sessions:
            task.cancel()
        await asyncio.gather(*sessions, return_exceptions=True)


def serve(target: Path, host: str, port: int) -> int:
    """Serve the app on TARGET until Ctrl-C or SIGTERM; returns the exit code."""
    if not is_loopback(host):
        print(
            f"cabtui serve: warning: listening on {visible(host)}, beyond this machine; the page has no"
            " authentication: anyone who can reach this port can read the results",
            file=sys.stderr,
        )
    try:
        CabServer(target, host, port).serve()
    except OSError as err:  # the port is taken, the host is not ours
        print(f"cabtui serve: cannot listen on {visible(host)}:{port}: {visible(str(err))}", file=sys.stderr)
        return 2
    return 0
