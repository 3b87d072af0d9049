"""Run `cabtui serve` as a subprocess on a free loopback port, and talk to it as the page does.

The page's protocol (textual-serve's textual.js and server.py): the browser opens `/ws?width=W&height=H`,
sends JSON text frames (`["resize", {"width": W, "height": H}]`, `["stdin", "keys"]`, `["ping", x]`)
and receives the app's terminal output as binary frames (and JSON text frames such as `open_url`).
"""

from __future__ import annotations

import asyncio
import codecs
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from cabtui.data.term import Frame, Terminal

WAIT = float(os.environ.get("CABTUI_SERVE_WAIT", "60"))
"""Seconds a step may take before the test fails (a guard against hanging, not a timing assert)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def children(pid: int) -> set[int]:
    """The live processes whose parent is PID (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(check: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.05)


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    def log(self) -> str:
        """What the server printed (stdout and stderr), its app processes' errors included."""
        return self.log_path.read_text(errors="replace")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send SIG and wait for the server to exit; returns its exit code."""
        self.process.send_signal(sig)
        return self.process.wait(timeout=WAIT)


@contextmanager
def serving(*args: str) -> Iterator[Served]:
    """`cabtui serve ARGS --port FREE` running until the block ends."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "serve.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "cabtui", "serve", *args, "--port", str(port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        served = Served(process, port, log_path)

        def listening() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"cabtui serve exited:\n{served.log()}")
            with socket.socket() as sock:
                return sock.connect_ex(("127.0.0.1", port)) == 0

        try:
            wait_for(listening, "the server to listen")
            yield served
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


class Session:
    """One browser tab's websocket: its app's output fed to cabtui's own terminal emulator."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, cols: int, rows: int) -> None:
        self.ws = ws
        self.terminal = Terminal(cols, rows)
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.output = bytearray()
        self.messages: list[Any] = []

    def frame(self) -> Frame:
        return self.terminal.frame(0.0)

    def text(self) -> str:
        return "\n".join(self.frame().text_lines())

    async def press(self, *keys: str) -> None:
        """Send keys as xterm.js does: the bytes a terminal sends for them, as `stdin`."""
        for key in keys:
            await self.ws.send_json(["stdin", key])

    async def closed_by_server(self) -> None:
        """Read (as a browser does, answering the close) until the server closes the websocket."""
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.output += message.data

    async def until(self, check: Callable[[str], bool], what: str) -> str:
        """Read output until CHECK holds for the screen's text; returns that text."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while not check(text := self.text()):
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"gave up waiting for {what}; the screen shows:\n{text}")
            try:  # not receive(timeout=): it restarts its timer on each of the server's pings
                async with asyncio.timeout(remaining):
                    message = await self.ws.receive()
            except TimeoutError:
                continue
            if message.type == aiohttp.WSMsgType.BINARY:
                self.output += message.data
                self.terminal.feed(self.decoder.decode(message.data))
            elif message.type == aiohttp.WSMsgType.TEXT:
                self.messages.append(message.json())
            else:
                raise AssertionError(f"the websocket closed ({message.type!r}); the screen shows:\n{text}")
        return text
