"""`cabtui diff BEFORE AFTER [--json]`: the documented JSON, the text, and exit 2 for what it cannot compare."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cabtui.cli.main import main
from cabtui.data.stats import mcnemar_exact, wilson_interval
from tests.ui.helpers import ESCAPES, PUBLIC_CELLS, cell, write_sweep

M = "meta/llama-3.3-70b-instruct"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def pair(tmp_path: Path) -> tuple[Path, Path]:
    before = [
        cell("aider", M, "polyglot/a", passed=True),
        cell("aider", M, "polyglot/b", passed=False),
        cell("aider", M, "polyglot/c", passed=False, exit_code=-1),  # timed_out
        cell("aider", M, "polyglot/d", passed=False),
        cell("aider", M, "polyglot/e", passed=True, run=2),
        cell("goose", M, "polyglot/a", passed=True),
        cell("pi", M, "polyglot/a", passed=True),
    ]
    after = [
        cell("aider", M, "polyglot/a", passed=False),  # broke
        cell("aider", M, "polyglot/b", passed=True),  # fixed
        cell("aider", M, "polyglot/c", passed=True),  # fixed
        cell("aider", M, "polyglot/d", passed=False, exit_code=-1),  # fail -> timed_out: not listed
        cell("aider", M, "polyglot/e", passed=True, run=2),
        cell("opencode", M, "polyglot/a", passed=False),  # added
        cell("pi", M, "polyglot/a", passed=True),  # unchanged group
    ]
    return (
        write_sweep(tmp_path / "before", before, sweep_id="sweep-old"),
        write_sweep(tmp_path / "after", after, sweep_id="sweep-new"),
    )


def side(cells: int, passed: int, composite: float | None) -> dict[str, Any]:
    return {
        "cells": cells,
        "passed": passed,
        "pass_rate": passed / cells if cells else None,
        "pass_rate_ci95": list(wilson_interval(passed, cells) or ()) or None,
        "mean_composite": composite,
    }


def test_json_is_exactly_the_documented_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before, after = pair(tmp_path)
    code, out, err = run(capsys, "diff", str(before), str(after / "cells.jsonl"), "--json")
    assert (code, err) == (0, "")
    got = json.loads(out)
    assert got["before"] == {"sweep_id": "sweep-old", "cells": 7}
    assert got["after"] == {"sweep_id": "sweep-new", "cells": 7}
    assert [(g["tui"], g["model"]) for g in got["groups"]] == [(t, M) for t in ("aider", "goose", "opencode", "pi")]
    aider, goose, opencode, pi = got["groups"]
    assert aider["before"] == side(5, 2, pytest.approx((0.9 * 2 + 0.3 * 3) / 5))
    assert aider["after"] == side(5, 3, pytest.approx((0.9 * 3 + 0.3 * 2) / 5))
    assert {k: aider[k] for k in ("paired", "fixed", "broke", "p_value")} == {
        "paired": 5,
        "fixed": 2,
        "broke": 1,
        "p_value": mcnemar_exact(2, 1),
    }
    assert goose == {
        "tui": "goose",
        "model": M,
        "before": side(1, 1, 0.9),
        "after": {"cells": 0, "passed": 0, "pass_rate": None, "pass_rate_ci95": None, "mean_composite": None},
        "paired": 0,
        "fixed": 0,
        "broke": 0,
        "p_value": 1.0,
    }
    assert opencode["before"]["cells"] == 0 and opencode["before"]["pass_rate"] is None
    assert pi["paired"] == 1 and pi["p_value"] == 1.0
    assert got["cells"] == [
        {
            "tui": "aider",
            "model": M,
            "task": "polyglot/a",
            "run": 1,
            "before": "pass",
            "after": "fail",
            "change": "broke",
        },
        {
            "tui": "aider",
            "model": M,
            "task": "polyglot/b",
            "run": 1,
            "before": "fail",
            "after": "pass",
            "change": "fixed",
        },
        {
            "tui": "aider",
            "model": M,
            "task": "polyglot/c",
            "run": 1,
            "before": "timed_out",
            "after": "pass",
            "change": "fixed",
        },
        {
            "tui": "goose",
            "model": M,
            "task": "polyglot/a",
            "run": 1,
            "before": "pass",
            "after": None,
            "change": "removed",
        },
        {
            "tui": "opencode",
            "model": M,
            "task": "polyglot/a",
            "run": 1,
            "before": None,
            "after": "fail",
            "change": "added",
        },
    ]
    assert set(got) == {"before", "after", "groups", "cells"}
    for group in got["groups"]:
        assert set(group) == {"tui", "model", "before", "after", "paired", "fixed", "broke", "p_value"}
        assert isinstance(group["p_value"], float)


def test_text_lists_changed_groups_then_cells_broken_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before, after = pair(tmp_path)
    code, out, err = run(capsys, "diff", str(before), str(after))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["before", "sweep-old:", "7", "cells"]
    assert lines[1].split() == ["after", "sweep-new:", "7", "cells"]
    assert lines[2] == "3 of 4 groups changed: 1 broke, 2 fixed, 1 removed, 1 added"
    assert "1 paired cell changed outcome but not whether it passed" in lines[3]
    header = lines.index(next(line for line in lines if line.startswith("tui ")))
    groups = lines[header + 1 : lines.index("", header)]
    assert [g.split()[0] for g in groups] == ["aider", "goose", "opencode"]  # pi did not change
    assert groups[0].split()[2:5] == ["2/5", "40%", "[12–77%]"]
    assert groups[0].split()[-5:] == ["2", "1", "0", "0", "1.000"]
    start = lines.index(next(line for line in lines if line.startswith("change ")))
    cells = [line.split() for line in lines[start + 1 :]]
    assert [(c[0], c[1], c[3], c[-3], c[-1]) for c in cells] == [
        ("broke", "aider", "polyglot/a", "pass", "fail"),
        ("fixed", "aider", "polyglot/b", "fail", "pass"),
        ("fixed", "aider", "polyglot/c", "timed_out", "pass"),
        ("removed", "goose", "polyglot/a", "pass", "—"),
        ("added", "opencode", "polyglot/a", "—", "fail"),
    ]


def test_no_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before, _ = pair(tmp_path)
    code, out, _ = run(capsys, "diff", str(before), str(before))
    assert code == 0
    assert out.splitlines()[2] == "0 of 3 groups changed: 0 broke, 0 fixed, 0 removed, 0 added"
    assert len(out.splitlines()) == 3
    code, out, _ = run(capsys, "diff", "--json", str(before), str(before))
    assert json.loads(out)["cells"] == []


def test_untrusted_names_are_made_visible(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    evil = "x" + ESCAPES + "\u202e\u0085"
    before = write_sweep(tmp_path / "b", [cell(evil, M, "t" + ESCAPES, passed=True)], sweep_id="s" + ESCAPES)
    after = write_sweep(tmp_path / "a", [cell(evil, M, "t" + ESCAPES, passed=False)], sweep_id="after")
    code, out, err = run(capsys, "diff", str(before), str(after))
    assert code == 0 and err == ""
    for bad in ("\x1b", "\x07", "\x9b", "\u202e", "\x85"):
        assert bad not in out
    assert "␛[31mRED" in out
    code, out, _ = run(capsys, "diff", str(before), str(after), "--json")
    for bad in ("\x1b", "\x07", "\x9b", "\u202e", "\x85"):
        assert bad not in out
    got = json.loads(out)
    assert got["cells"][0]["tui"] == evil
    assert got["before"]["sweep_id"] == "s" + ESCAPES


def test_unreadable_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before, _ = pair(tmp_path)
    code, out, err = run(capsys, "diff", str(before), str(tmp_path / "missing"))
    assert code == 2 and out == ""
    assert err.startswith("cabtui: ") and "missing" in err and len(err.splitlines()) == 1


def test_a_path_of_several_sweeps_exits_2_naming_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before, _ = pair(tmp_path)
    code, out, err = run(capsys, "diff", str(PUBLIC_CELLS), str(before), "--json")
    assert code == 2 and out == ""
    assert err.strip() == (
        f"cabtui diff: BEFORE {PUBLIC_CELLS} holds 3 sweeps "
        "(newmodels-20260620, free-20260527, expansion-20260616); name one sweep's folder or file"
    )


def test_bad_lines_are_said_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before, after = pair(tmp_path)
    with (after / "cells.jsonl").open("a") as f:
        f.write('not json\n{"tui": 5}\n')
    code, out, err = run(capsys, "diff", str(before), str(after), "--json")
    assert code == 0
    assert json.loads(out)["after"]["cells"] == 7
    assert err.strip() == f"AFTER {after}: 2 problems while loading (cabtui validate lists them)"


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "diff", "only-one")
    assert code == 2
    assert "the following arguments are required: AFTER" in err


def test_the_installed_command_never_tracebacks(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cabtui", "diff", str(tmp_path / "nope"), str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
