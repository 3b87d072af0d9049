"""The leaderboard as plain text, for `cabtui summary`."""

from __future__ import annotations

from cabtui.data.numbers import fmt_ms, fmt_number, fmt_rate
from cabtui.data.results import Sweep, leaderboard
from cabtui.data.text import one_line

HEADERS = ("tui", "model", "cells", "pass", "composite", "median wall", "tok/correct", "blast", "refusal", "integrity")


def leaderboard_text(sweep: Sweep) -> str:
    """A fixed-width table of the sweep's leaderboard, headed by its id."""
    body = [
        (
            one_line(r.tui, 30),
            one_line(r.model, 50),
            str(r.cells),
            fmt_rate(r.pass_rate),
            fmt_number(r.mean_composite),
            fmt_ms(r.median_wall_ms),
            fmt_number(r.tokens_per_correct, 0),
            fmt_number(r.mean_blast),
            fmt_number(r.refusal),
            fmt_number(r.integrity),
        )
        for r in leaderboard(sweep.cells)
    ]
    widths = [max(len(h), *(len(row[i]) for row in body)) if body else len(h) for i, h in enumerate(HEADERS)]
    lines = [f"{one_line(sweep.sweep_id)}: {len(sweep.cells)} cells"]
    for row in (HEADERS, *body):
        out = (c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        lines.append("  ".join(out))
    return "\n".join(lines) + "\n"
