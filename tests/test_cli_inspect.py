"""The script commands on Inspect AI logs and OTLP traces: summary, validate, diff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cabtui.cli.main import main
from cabtui.data.results.readers.inspect_log import read_head

HARNESS = Path(__file__).resolve().parent / "fixtures" / "harness"
LOGS = HARNESS / "inspect-logs"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_json_has_a_row_per_solver_and_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "summary", str(LOGS), "--json")
    assert code == 0 and err == ""
    rows = {(r["sweep_id"], r["tui"], r["model"]): (r["cells"], r["passed"]) for r in json.loads(out)}
    assert rows == {
        ("inspect-logs", "generate", "mockllm/alpha"): (12, 8),
        ("inspect-logs", "generate", "mockllm/beta"): (12, 6),
        ("inspect-logs", "use_tools+generate", "mockllm/alpha"): (8, 6),
        ("inspect-logs", "use_tools+generate", "mockllm/beta"): (8, 6),
        ("inspect-logs/json", "generate", "mockllm/alpha"): (4, 4),
    }


def test_validate_passes_a_folder_with_errored_samples(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(LOGS))
    assert (code, out) == (0, "")
    assert err == "44 cells in 2 sweeps, 0 problems\n"


def test_validate_lists_a_broken_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "cut.eval").write_bytes(next(LOGS.glob("*.eval")).read_bytes()[:5000])
    code, out, err = run(capsys, "validate", str(folder))
    assert code == 1
    assert out == f"{folder / 'cut.eval'}: not a readable zip: no end of central directory (truncated?)\n"


def test_diff_of_an_eval_log_and_a_json_log_of_the_same_run(capsys: pytest.CaptureFixture[str]) -> None:
    before = next(p for p in LOGS.glob("*_spell_*.eval") if read_head(p).header["eval"]["model"] == "mockllm/alpha")
    after = next((LOGS / "json").glob("*.json"))
    code, out, _ = run(capsys, "diff", str(before), str(after), "--json")
    assert code == 0
    got = json.loads(out)
    assert [(g["tui"], g["model"]) for g in got["groups"]] == [("generate", "mockllm/alpha")]
    assert got["groups"][0]["before"]["cells"] == got["groups"][0]["after"]["cells"] == 4


def test_summary_of_one_eval_file(capsys: pytest.CaptureFixture[str]) -> None:
    log = sorted(LOGS.glob("*_arith_*.eval"))[0]
    code, out, _ = run(capsys, "summary", str(log), "--json")
    assert code == 0
    assert [(r["tui"], r["cells"]) for r in json.loads(out)] == [("generate", 8)]
