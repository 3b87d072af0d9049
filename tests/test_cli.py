"""The script commands: summary, validate, schema, --version, and exit 2 for bad usage or PATH."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cabtui import __version__
from cabtui.cli.main import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "public"
PUBLIC = FIXTURES / "public-cells.jsonl"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def broken_copy(tmp_path: Path) -> Path:
    lines = PUBLIC.read_bytes().splitlines(keepends=True)
    folder = tmp_path / "broken-sweep"
    folder.mkdir()
    path = folder / "cells.jsonl"
    path.write_bytes(
        b"".join(
            [
                lines[0],  # 1
                lines[1][:50] + b"\n",  # 2 truncated
                lines[2],  # 3
                b'{"tui": 5}\n',  # 4 wrong types
                lines[3].replace(b'"tui": "copilot"', b'"tui": "co\x00pilot"'),  # 5 NUL byte
                lines[4],  # 6
                lines[2],  # 7 duplicate of 3
            ]
        )
    )
    return path


# --- summary -------------------------------------------------------------------------------------


def test_summary_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "summary", str(FIXTURES))
    assert code == 0
    assert err == ""
    assert "newmodels-20260620: 1 cells" in out
    assert "free-20260527: 3 cells" in out
    assert "expansion-20260616: 6 cells" in out
    rust = next(line for line in out.splitlines() if line.startswith("opencode   meta/llama-3.3-70b-instruct"))
    assert rust.split() == [
        "opencode",
        "meta/llama-3.3-70b-instruct",
        "1",
        "100%",
        "0.962",
        "11.73",
        "s",
        "—",
        "0.000",
        "—",
        "1.000",
    ]
    openhands = next(line for line in out.splitlines() if line.startswith("openhands"))
    assert openhands.split()[2:5] == ["1", "0%", "0.179"]
    assert openhands.split()[-2:] == ["0.500", "0.000"]
    assert sum(1 for line in out.splitlines() if line.startswith("tui ")) == 3


def test_summary_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "summary", str(PUBLIC), "--json")
    assert code == 0
    rows = json.loads(out)
    assert isinstance(rows, list) and len(rows) == 10
    for row in rows:
        assert {"sweep_id", "tui", "model", "cells", "passed", "pass_rate", "mean_composite"} <= set(row)
    by_key = {(r["sweep_id"], r["tui"], r["model"]): r for r in rows}
    rust = by_key[("free-20260527", "opencode", "meta/llama-3.3-70b-instruct")]
    assert (rust["cells"], rust["passed"], rust["pass_rate"], rust["mean_composite"]) == (1, 1, 1.0, 0.962)
    assert rust["median_wall_ms"] == 11734.067
    timed = by_key[("newmodels-20260620", "opencode", "minimaxai/minimax-m3")]
    assert (timed["cells"], timed["passed"], timed["pass_rate"], timed["mean_composite"]) == (1, 0, 0.0, 0.504)
    assert timed["median_wall_ms"] == pytest.approx(600_666.043)  # ended_at - started_at: no latency axis
    assert sum(r["cells"] for r in rows) == 10
    assert sum(r["passed"] for r in rows) == 3
    assert {r["sweep_id"] for r in rows} == {"newmodels-20260620", "free-20260527", "expansion-20260616"}


def test_summary_json_aggregates_a_pair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = [json.loads(line) for line in PUBLIC.read_text().splitlines()]
    expansion = [dict(r, sweep_id="one", cell_id="") for r in records if r["sweep_id"] == "expansion-20260616"]
    for r in expansion:
        r["tui"] = "same"
        r["model"] = "same/model"
        r["task"] = r["task"] + "-" + r["container_image"]  # keep the cell ids distinct
    (tmp_path / "cells.jsonl").write_text("".join(json.dumps(r) + "\n" for r in expansion))
    code, out, _ = run(capsys, "summary", "--json", str(tmp_path))
    assert code == 0
    [row] = json.loads(out)
    assert (row["sweep_id"], row["cells"], row["passed"]) == ("one", 6, 1)
    assert row["pass_rate"] == pytest.approx(1 / 6)
    assert row["mean_composite"] == pytest.approx((0.394 + 0.191 + 0.131 + 0.179 + 0.593 + 0.578) / 6)


def test_summary_of_a_broken_copy_says_problems_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "summary", str(broken_copy(tmp_path)))
    assert code == 0
    assert "4 problems" in err
    assert "expansion-20260616: 2 cells" in out


# --- validate ------------------------------------------------------------------------------------


def test_validate_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(FIXTURES))
    assert code == 0
    assert out == ""
    assert err.strip() == "10 cells in 3 sweeps, 0 problems"


def test_validate_broken_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = broken_copy(tmp_path)
    code, out, err = run(capsys, "validate", str(tmp_path))
    assert code == 1
    lines = out.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [f"{path}:{n}" for n in (2, 4, 5, 7)]
    for line in lines:
        assert re.fullmatch(rf"{re.escape(str(path))}:\d+: \S.*", line)
    assert "not JSON" in lines[0]
    assert "not a cell record" in lines[1]
    assert "duplicate" in lines[3]
    # Lines that name no sweep count under the folder's own id, so it shows as a third sweep.
    assert err.strip() == "3 cells in 3 sweeps, 4 problems"


def test_validate_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "cells.jsonl"
    empty.write_bytes(b"")
    code, out, _ = run(capsys, "validate", str(empty))
    assert code == 1
    assert out.strip() == f"{empty}: empty file: no cell records"


def test_validate_lines_stay_one_per_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = json.loads(PUBLIC.read_text().splitlines()[0])
    record["cell_id"] = "evil\n\x1b]0;pwned\x07/id"
    path = tmp_path / "cells.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps(record) + "\n")
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    assert out.splitlines()[0].startswith(f"{path}:2: duplicate")
    assert len(out.splitlines()) == 1
    assert "\x1b" not in out


# --- schema and version --------------------------------------------------------------------------


def test_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["properties"]["tui"]["type"] == "string"
    assert {"tui", "model", "task", "scores"} <= set(schema["required"])
    assert "Scores" in schema["$defs"]
    assert "pass" in schema["$defs"]["PassRateScore"]["properties"]


def test_version_in_a_real_subprocess() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cabtui", "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"cabtui {__version__}"
    assert done.stderr == ""


# --- exit 2 --------------------------------------------------------------------------------------


def assert_one_line_exit_2(code: int, out: str, err: str) -> None:
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize("command", ["summary", "validate"])
def test_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, err = run(capsys, command, str(tmp_path / "nowhere"))
    assert_one_line_exit_2(code, out, err)
    assert err.startswith("cabtui: ") and "no such file" in err


@pytest.mark.parametrize("command", ["summary", "validate"])
def test_folder_with_no_sweep(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    code, out, err = run(capsys, command, str(tmp_path))
    assert_one_line_exit_2(code, out, err)
    assert "no sweep" in err


def test_not_a_jsonl_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "cells.txt"
    other.write_text("{}")
    assert_one_line_exit_2(*run(capsys, "summary", str(other)))


def test_open_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert_one_line_exit_2(*run(capsys, str(tmp_path / "nowhere")))


@pytest.mark.parametrize(
    "argv",
    [
        ["summary"],
        ["validate"],
        ["summary", "--bogus", "x"],
        ["validate", "a", "b"],
        ["schema", "extra"],
        ["--bogus"],
        ["a", "b"],
        ["frame", "x.cast"],
    ],
)
def test_bad_usage(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert_one_line_exit_2(code, out, err)
    assert err.startswith("cabtui")


def test_overlong_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert_one_line_exit_2(*run(capsys, "validate", str(tmp_path / ("x" * 300))))


def test_frame_prints_the_screen_and_exits_2_for_a_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cast = tmp_path / "a.cast"
    cast.write_text('{"version": 2, "width": 20, "height": 3}\n[0.5, "o", "\\u001b[31mhello\\u001b[0m\\r\\n"]\n')
    assert main(["frame", str(cast), "--at", "1"]) == 0
    assert capsys.readouterr().out == "hello\n"
    assert main(["frame", str(cast), "--at", "0.1"]) == 0
    assert capsys.readouterr().out.strip() == ""
    assert main(["frame", str(cast), "--at", "1", "--ansi"]) == 0
    assert "\x1b[0;31mhello" in capsys.readouterr().out
    assert main(["frame", str(tmp_path / "missing.cast"), "--at", "1"]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.cast"
    bad.write_text("not a cast\n")
    assert main(["frame", str(bad), "--at", "1"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.cast" in err


# --- untrusted text in what the CLI prints (issue items 2, 3, 8, 12) -----------------------------


def test_an_unreadable_path_with_controls_prints_them_visible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "x\x1b]2;PWNED\x07"
    for args in (["validate", str(bad)], ["summary", str(bad)], [str(bad)]):
        code, out, err = run(capsys, *args)
        assert code == 2
        assert "\x1b" not in err and "\x07" not in err
        assert "x␛]2;PWNED␇: no such file or folder" in err


def test_summary_json_escapes_c1_and_bidi_controls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = json.loads(PUBLIC.read_text().splitlines()[1])
    record.update(tui="a\u009b2Jb", model="m\u202e\u2066x", cell_id="")
    (tmp_path / "cells.jsonl").write_text(json.dumps(record) + "\n")
    code, out, _ = run(capsys, "summary", "--json", str(tmp_path))
    assert code == 0
    assert not re.search("[\u0080-\u009f\u202a-\u202e\u2066-\u2069]", out)
    assert "a\\u009b2Jb" in out and "m\\u202e\\u2066x" in out
    [row] = json.loads(out)
    assert (row["tui"], row["model"]) == ("a\u009b2Jb", "m\u202e\u2066x")  # the same data to a JSON reader


def test_a_5000_digit_run_suffix_is_one_problem_for_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = PUBLIC.read_text().splitlines()
    bad = json.loads(lines[2])
    bad["cell_id"] += "#run" + "7" * 5000
    path = tmp_path / "cells.jsonl"
    path.write_text("\n".join([*lines[:2], json.dumps(bad), *lines[3:]]) + "\n")
    code, out, err = run(capsys, "summary", str(tmp_path))
    assert (code, "Traceback" in err) == (0, False)
    assert "1 problem while loading" in err
    code, out, err = run(capsys, "validate", str(tmp_path))
    assert code == 1
    assert out == f"{path}:3: not a cell record: cell_id ends in #run and 5,000 digits: not a run number\n"
    assert err.startswith("9 cells in ") and err.endswith(" sweeps, 1 problem\n")


def test_the_timed_out_cell_with_null_image_counts_alike(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = PUBLIC.read_text().splitlines()
    timed = json.loads(lines[0])
    timed.update(container_image=None, image_digest=None)
    (tmp_path / "cells.jsonl").write_text("\n".join([json.dumps(timed), *lines[1:]]) + "\n")
    assert run(capsys, "validate", str(tmp_path)) == (0, "", "10 cells in 3 sweeps, 0 problems\n")
    code, out, _ = run(capsys, "summary", "--json", str(tmp_path))
    assert sum(r["cells"] for r in json.loads(out)) == 10


def test_schema_allows_null_in_optional_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    image = schema["properties"]["container_image"]
    assert {"type": "null"} in image["anyOf"]
    assert "tui" in schema["required"] and "anyOf" not in schema["properties"]["tui"]


def test_frame_says_what_is_wrong_with_a_recording_and_still_prints_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cast = tmp_path / "cut.cast"
    cast.write_text('{"version": 2, "width": 10, "height": 2}\n[0.5, "o", "hello"]\n[1.0, "o", "wor')
    assert main(["frame", str(cast), "--at", "2"]) == 0
    out, err = capsys.readouterr()
    assert out == "hello\n" and f"{cast}:3:" in err


def test_with_no_argument_the_demo_sweep_is_found() -> None:
    from cabtui.cli.demo import demo_path

    assert (demo_path() / "demo-20261125" / "cells.jsonl").is_file()


def test_validate_strict_reports_an_unterminated_last_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = PUBLIC.read_bytes().splitlines(keepends=True)
    path = tmp_path / "s" / "cells.jsonl"
    path.parent.mkdir()
    path.write_bytes(b"".join(lines[:2]) + lines[2][:60])  # a line still being written
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 0 and out == ""  # a line being written is no problem yet
    code, out, _ = run(capsys, "validate", "--strict", str(path))
    assert code == 1 and f"{path}:3: not JSON" in out and "no newline" in out
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    assert "--strict" in capsys.readouterr().out
