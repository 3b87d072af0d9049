"""Command line: `cabtui [PATH]` opens the browser; subcommands serve scripts.

Exit codes: 0 fine, 1 problems found, 2 bad usage or unreadable PATH, each
with a one-line message and never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import orjson

from cabtui import __version__
from cabtui.cli.demo import demo_path
from cabtui.data.results import (
    Results,
    SeveralSweeps,
    Sweep,
    UnreadablePath,
    compare_sweeps,
    leaderboard,
    load,
    single_sweep,
)
from cabtui.data.text import counted, utf8_safe, visible

COMMANDS = ("play", "frame", "summary", "diff", "validate", "schema", "grep", "serve")


class UsageError(Exception):
    """Bad usage: exit 2 with the message."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cabtui",
        description="Browse coding-agent benchmark sweeps: cabtui [PATH], or cabtui COMMAND ...",
        epilog=(
            "commands: play FILE.cast | frame FILE.cast --at S | summary PATH | diff BEFORE AFTER"
            " | validate PATH [--strict] | schema | grep PATTERN PATH | serve [PATH]"
        ),
    )
    parser.add_argument("--version", action="version", version=f"cabtui {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    play = sub.add_parser("play", help="play a terminal recording")
    play.add_argument("file", type=Path)
    frame = sub.add_parser("frame", help="print the screen of a recording at a moment")
    frame.add_argument("file", type=Path)
    frame.add_argument("--at", type=float, required=True, metavar="SECONDS")
    frame.add_argument("--ansi", action="store_true", help="keep colours as SGR escape sequences")
    summary = sub.add_parser("summary", help="print the leaderboard of each sweep")
    summary.add_argument("path", type=Path)
    summary.add_argument("--json", action="store_true", help="a JSON list of leaderboard rows")
    diff = sub.add_parser("diff", help="what changed between two sweeps, cell by cell")
    diff.add_argument("before", type=Path, metavar="BEFORE", help="a sweep folder or a cells .jsonl file")
    diff.add_argument("after", type=Path, metavar="AFTER", help="a sweep folder or a cells .jsonl file")
    diff.add_argument("--json", action="store_true", help="groups and changed cells as JSON (docs/compare.md)")
    validate = sub.add_parser("validate", help="list every problem; exit 1 if any")
    validate.add_argument("path", type=Path)
    validate.add_argument(
        "--strict",
        action="store_true",
        help="a last line without its newline is a problem too (without --strict it is a line still being written)",
    )
    sub.add_parser("schema", help="print the JSON Schema of a cell record")
    grep = sub.add_parser("grep", help="search every sweep under PATH, recordings' screens included")
    grep.add_argument("pattern", metavar="PATTERN")
    grep.add_argument("path", type=Path, metavar="PATH")
    grep.add_argument("--json", action="store_true", help="a JSON list of hits (docs/search.md)")
    grep.add_argument("-i", "--ignore-case", action="store_true", help="match regardless of case")
    grep.add_argument("--regex", action="store_true", help="PATTERN is a Python regular expression")
    # cabtui serve: the app in a browser (cli/serve.py)
    serve = sub.add_parser("serve", help="serve the app to a browser (each tab its own app)")
    serve.add_argument("path", type=Path, nargs="?", help="what to open (default: the demo sweep)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    return parser


def _open_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cabtui", description="Open the browser on PATH (default: the demo sweep).")
    parser.add_argument("--version", action="version", version=f"cabtui {__version__}")
    parser.add_argument("path", type=Path, nargs="?", help="a results root, a sweep, a .jsonl or a .cast")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if args_list and args_list[0] in COMMANDS or args_list[:1] in (["-h"], ["--help"]):
            args = _parser().parse_args(args_list)
            return _run_command(args)
        args = _open_parser().parse_args(args_list)
        return _open(args.path)
    except UsageError as err:
        _say(str(err))
        return 2
    except UnreadablePath as err:
        _say(f"cabtui: {err}")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (head, less) went away: not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _say(message: str) -> None:
    """One line on stderr, its untrusted parts (paths, record text) made visible."""
    print(visible(message), file=sys.stderr)


_UNSAFE_IN_JSON = re.compile("[\u0080-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def json_text(value: object) -> str:
    """JSON with C1, bidi and other invisible controls written as `\\uXXXX` escapes: the same
    data to a JSON reader, and nothing that acts on a terminal showing it (orjson escapes C0)."""
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _run_command(args: argparse.Namespace) -> int:
    if args.command == "schema":
        from cabtui.data.results import cell_schema

        print(json.dumps(cell_schema(), indent=2))
        return 0
    if args.command == "summary":
        return _summary(load(args.path), as_json=args.json)
    if args.command == "diff":
        return _diff(args.before, args.after, as_json=args.json)
    if args.command == "validate":
        return _validate(load(args.path, full=True, strict=args.strict))
    if args.command == "frame":
        return _frame(args.file, args.at, ansi=args.ansi)
    if args.command == "play":
        return _play(args.file)
    if args.command == "grep":
        from cabtui.cli.grep import main_grep

        return main_grep(args.pattern, args.path, as_json=args.json, ignore_case=args.ignore_case, regex=args.regex)
    if args.command == "serve":
        return _serve(args.path, args.host, args.port)
    raise UsageError("cabtui: no command given")


def _summary(results: Results, *, as_json: bool) -> int:
    rows = [
        {
            key: utf8_safe(value) if isinstance(value, str) else value
            for key, value in {"sweep_id": sweep.sweep_id, **row.as_dict()}.items()
        }
        for sweep in results.sweeps
        for row in leaderboard(sweep.cells)
    ]
    if as_json:
        sys.stdout.write(json_text(rows) + "\n")
        return 0
    from cabtui.cli.output import leaderboard_text

    for sweep in results.sweeps:
        print(leaderboard_text(sweep))
    if results.problems:
        _say(f"{counted(len(results.problems), 'problem')} while loading (cabtui validate lists them)")
    return 0


def _one_sweep(path: Path, side: str) -> Sweep:
    """The one sweep PATH holds for `diff`, what went wrong loading it said on stderr."""
    results = load(path)
    try:
        sweep = single_sweep(results)
    except SeveralSweeps as err:
        raise UsageError(f"cabtui diff: {side} {path} {err}") from None
    if results.problems:
        count = len(results.problems)
        word = "problem" if count == 1 else "problems"
        _say(f"{side} {path}: {count} {word} while loading (cabtui validate lists them)")
    return sweep


def _diff(before: Path, after: Path, *, as_json: bool) -> int:
    from cabtui.cli.diff import diff_json, diff_text

    comparison = compare_sweeps(_one_sweep(before, "BEFORE"), _one_sweep(after, "AFTER"))
    if as_json:
        sys.stdout.write(json_text(diff_json(comparison)) + "\n")
    else:
        sys.stdout.write(diff_text(comparison))
    return 0


def _validate(results: Results) -> int:
    for problem in results.problems:
        print(problem)
    cells = sum(len(s.cells) for s in results.sweeps)
    sweeps, problems = len(results.sweeps), len(results.problems)
    _say(
        f"{cells} cells in {sweeps} sweep{'' if sweeps == 1 else 's'}, {problems} problem{'' if problems == 1 else 's'}"
    )
    return 1 if results.problems else 0


def _frame(file: Path, at: float, *, ansi: bool) -> int:
    from cabtui.data.term import CastError, FramePlayer, frame_text, load_cast

    if not file.is_file():
        raise UnreadablePath(f"{file}: no such file")
    try:
        recording = load_cast(file)
    except CastError as err:
        _say(f"cabtui: {err}")
        return 1
    for problem in recording.problems:  # a truncated or too large recording still shows what it has
        _say(str(problem))
    text = frame_text(FramePlayer(recording).frame_at(at), ansi=ansi)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _play(file: Path) -> int:
    if not file.is_file():
        raise UnreadablePath(f"{file}: no such file")
    from cabtui.ui.app import make_app

    make_app(file).run()
    return 0


def _serve(path: Path | None, host: str, port: int) -> int:
    target = path if path is not None else demo_path()
    if not target.exists():
        raise UnreadablePath(f"{target}: no such file or folder")
    if not 0 < port < 65536:
        raise UsageError(f"cabtui serve: --port {port}: not a port (1-65535)")
    from cabtui.cli.serve import serve

    return serve(target, host, port)


def _open(path: Path | None) -> int:
    target = path if path is not None else demo_path()
    if not target.exists():
        raise UnreadablePath(f"{target}: no such file or folder")
    from cabtui.ui.app import make_app

    make_app(target).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
