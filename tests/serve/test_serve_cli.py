"""`cabtui serve`'s command line: where it listens, what it runs per tab, what it refuses."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from cabtui.cli import main
from cabtui.cli.serve import app_command, is_loopback
from tests.serve.server import free_port, serving


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.3.4.5", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("example.org", False),
    ],
)
def test_only_loopback_addresses_count_as_this_machine(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_each_tab_runs_this_python_on_the_absolute_path(tmp_path: Path) -> None:
    command = app_command(tmp_path / "a b")
    assert command.startswith(f"exec {sys.executable} -m cabtui ")
    assert command.endswith(f"'{tmp_path.resolve()}/a b'")


def test_a_missing_path_or_a_bad_port_is_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["serve", str(tmp_path), "--port", "0"]) == 2
    assert "not a port" in capsys.readouterr().err


def test_a_host_beyond_loopback_is_warned_about_and_one_it_cannot_use_is_an_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cabtui", "serve", "--host", "no-such-host.invalid", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "warning: listening on no-such-host.invalid" in done.stderr
    assert "no authentication" in done.stderr
    assert "cannot listen on no-such-host.invalid" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_the_page_title_shows_the_folder_name_escaped(tmp_path: Path) -> None:
    folder = tmp_path / '<img src=x onerror="alert(1)">\x1b[2J'
    folder.mkdir()
    with serving(str(folder)) as served, urllib.request.urlopen(served.url) as page:
        html = page.read().decode()
    assert "<img" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;␛[2J" in html
