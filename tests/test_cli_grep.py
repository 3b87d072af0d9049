"""`cabtui grep`: the JSON shape, the text lines, exit codes, the cache and the results folder."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cabtui.cli.grep import hit_line
from cabtui.cli.main import main
from cabtui.data.results import load
from cabtui.data.search import Pattern, SearchIndex
from tests.data.test_search import listing, make_sweep, record


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_is_a_list_of_hits_of_exactly_the_documented_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_sweep(tmp_path)
    code, out, _ = run(capsys, "grep", "--json", "Traceback", str(folder))
    assert code == 0
    hits = json.loads(out)
    assert isinstance(hits, list) and hits
    for hit in hits:
        assert set(hit) == {"cell_id", "where", "at_s", "text"}
        assert isinstance(hit["cell_id"], str) and isinstance(hit["text"], str)
        assert hit["where"] in {"recording", "stdout_tail", "stderr_tail", "span", "model_call", "record"}
        assert hit["at_s"] is None or isinstance(hit["at_s"], float)
    assert {
        "cell_id": "sweep/opencode/m/x/polyglot/rust",
        "where": "recording",
        "at_s": 2.75,
        "text": "         Traceback",
    } in hits
    assert {"cell_id": "sweep/opencode/m/x/polyglot/c", "where": "stderr_tail", "at_s": None,
            "text": "Traceback (most recent call last):"} in hits  # fmt: skip


def test_spans_carry_their_start_and_i_ignores_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_sweep(tmp_path)
    code, out, _ = run(capsys, "grep", "--json", "-i", "PANICKED", str(folder))
    assert code == 0
    assert [(h["where"], h["at_s"]) for h in json.loads(out)] == [("span", 2.5)]


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_sweep(tmp_path)
    assert run(capsys, "grep", "Traceback", str(folder))[0] == 0
    code, out, _ = run(capsys, "grep", "nowhere-to-be-found", str(folder))
    assert (code, out) == (1, "")
    assert run(capsys, "grep", "--json", "nowhere-to-be-found", str(folder))[:2] == (1, "[]\n")
    code, _, err = run(capsys, "grep", "x", str(tmp_path / "missing"))
    assert code == 2 and "missing" in err
    code, _, err = run(capsys, "grep", "--regex", "(", str(folder))
    assert code == 2 and "regular expression" in err and "Traceback" not in err


def test_text_lines_mark_the_match_only_in_colour_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_sweep(tmp_path)
    code, out, _ = run(capsys, "grep", "panicked", str(folder))
    assert code == 0
    assert out == "sweep/opencode/m/x/polyglot/rust · span · 2.500 s · exit 101: panicked at src/lib.rs\n"
    assert "\x1b" not in out  # not a terminal: no colour
    index = SearchIndex.open(folder)
    scope = index.scope(load(folder))
    hit = index.search(scope, Pattern("panicked"))[0]
    index.close()
    assert hit_line(hit, colour=True).endswith("exit 101: \x1b[1;31mpanicked\x1b[0m at src/lib.rs")


def test_untrusted_text_is_made_visible(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_sweep(tmp_path)
    lines = (folder / "cells.jsonl").read_text().splitlines()
    record = json.loads(lines[1])
    record["status_detail"] = "evil \x1b]0;pwned\x07 \u202egnp.exe \x9b2J"
    (folder / "cells.jsonl").write_text(lines[0] + "\n" + json.dumps(record) + "\n")
    code, out, _ = run(capsys, "grep", "evil", str(folder))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "\x9b" not in out
    assert "<U+202E>" in out


def test_nothing_is_written_in_the_results_and_the_second_run_reuses_the_index(
    tmp_path: Path, private_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_sweep(tmp_path)
    before = listing(folder)
    first = run(capsys, "grep", "--json", "Traceback", str(folder))
    index_file = private_cache / "cabtui" / "search-index.sqlite3"
    rows = kept(index_file)
    assert all(count > 0 for _, count in rows)  # the recording's lines too: committed before the exit
    second = run(capsys, "grep", "--json", "Traceback", str(folder))
    assert first == second
    assert listing(folder) == before
    # nothing changed, so nothing was read again: the same lines, under the same ids
    assert kept(index_file) == rows


def kept(index_file: Path) -> list[tuple[int, int]]:
    """(largest id, rows) of each table of lines, as another process sees them."""
    db = sqlite3.connect(index_file)
    try:
        return [
            db.execute(f"SELECT max(id), count(*) FROM {t}").fetchone() for t in ("texts", "cell_lines", "screen_lines")
        ]
    finally:
        db.close()


def test_the_installed_command_runs(tmp_path: Path, private_cache: Path) -> None:
    folder = make_sweep(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "cabtui", "grep", "--json", "rm -rf", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"XDG_CACHE_HOME": str(private_cache), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path.cwd())},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert [h["where"] for h in json.loads(done.stdout)] == ["model_call"]
    assert io.StringIO(done.stderr).read() == ""


def test_a_catastrophic_regex_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_sweep(tmp_path)
    cells = folder / "cells.jsonl"
    cells.write_text(cells.read_text() + json.dumps(record("evil", status_detail="a" * 60 + "!")) + "\n")
    code, out, err = run(capsys, "grep", "--regex", r"(a|a)+$", str(folder))
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "took too long" in err
