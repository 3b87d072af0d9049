"""`cabtui grep PATTERN PATH`: every line of every sweep under PATH that matches, screens included.

Text: `cell · where · time · line`, the match in colour on a terminal (never elsewhere, nor
with NO_COLOR); every piece made visible. `--json`: a list of hits (docs/search.md).
Exit 0 with hits, 1 with none, 2 for a bad path or pattern.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from cabtui.data.results import load
from cabtui.data.search import BadPattern, Hit, Pattern, SearchIndex, order_hits, search_progressively
from cabtui.data.text import one_line, visible

MATCH_ON = "\x1b[1;31m"
MATCH_OFF = "\x1b[0m"


def fmt_at(at_s: float | None) -> str:
    """A hit's time as the text output shows it."""
    return "—" if at_s is None else f"{at_s:.3f} s"


def hit_line(hit: Hit, *, colour: bool) -> str:
    """One hit as a line of text; with `colour`, the match in bold red."""
    start, end = hit.match
    text = hit.text
    if colour:
        # `text` is visible already (no control character); the only escapes are ours.
        text = f"{text[:start]}{MATCH_ON}{text[start:end]}{MATCH_OFF}{text[end:]}"
    return f"{one_line(hit.cell_id, 300)} · {hit.where} · {fmt_at(hit.at_s)} · {text}"


def wants_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and not when NO_COLOR is set."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


def run(pattern: Pattern, path: Path, *, as_json: bool, out: TextIO, err: TextIO) -> int:
    """Search PATH; returns the exit code. Raises UnreadablePath for a bad PATH (exit 2)."""
    from cabtui.cli.main import UsageError, json_text

    try:
        pattern.compiled()
    except BadPattern as bad:
        raise UsageError(f"cabtui grep: {bad}") from None
    results = load(path)
    index = SearchIndex.open(path)
    try:
        if index.note:
            print(visible(f"cabtui grep: {index.note}"), file=err)
        scope = index.scope(results)
        hits: list[Hit] = []
        for found in search_progressively(index, scope, pattern):
            hits.extend(found.hits)
        hits = order_hits(scope, hits)
    except BadPattern as bad:  # a regex that backtracks without end, found on the way
        raise UsageError(f"cabtui grep: {bad}") from None
    finally:
        index.close()
    if as_json:
        out.write(json_text([hit.as_json() for hit in hits]) + "\n")
    else:
        colour = wants_colour(out)
        for hit in hits:
            out.write(hit_line(hit, colour=colour) + "\n")
    problems = [*results.problems, *scope.problems]
    if problems:
        word = "problem" if len(problems) == 1 else "problems"
        print(visible(f"cabtui grep: {len(problems)} {word} while searching; first: {problems[0]}"), file=err)
    return 0 if hits else 1


def main_grep(pattern: str, path: Path, *, as_json: bool, ignore_case: bool, regex: bool) -> int:
    """The `grep` command as main.py runs it."""
    return run(Pattern(pattern, ignore_case, regex), path, as_json=as_json, out=sys.stdout, err=sys.stderr)
