"""Every Textual theme, light ones included, reads well: colours come from the theme."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.color import Color

from cabtui.ui.app import make_app
from cabtui.ui.screens.cell import CellScreen
from cabtui.ui.screens.replay import ReplayScreen
from cabtui.ui.screens.sweep import SweepScreen
from cabtui.ui.widgets.grid import HEADER_LINES, GridView

from .helpers import on_screen, text_on_its_background

TRACED = Path(__file__).resolve().parents[1] / "fixtures" / "traced"
MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini-sweep"


def _contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two `#rrggbb` colours."""

    def luminance(hex_colour: str) -> float:
        channels = [c / 255 for c in Color.parse(hex_colour).get_truecolor()]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def same_colour(colour: Color | None, theme_colour: str | None) -> bool:
    """`colour` is the theme's (Textual's blending may round a channel by one)."""
    if colour is None or theme_colour is None:
        return False
    got, want = colour.get_truecolor(), Color.parse(theme_colour).get_truecolor()
    return all(abs(a - b) <= 2 for a, b in zip(got, want, strict=True))


def unreadable(app: Any) -> list[tuple[str, str, str]]:
    """Runs of words whose colour is (nearly) their background's (rules and bars, such
    as the tabs' faint underline, are drawn faint on purpose)."""
    return [
        (text, fg, bg)
        for text, fg, bg in text_on_its_background(app)
        if bg and any(ch.isalnum() for ch in text) and _contrast(fg, bg) < 1.5
    ]


LIGHT = ["textual-light", "solarized-light"]


@pytest.mark.parametrize("theme", LIGHT)
async def test_the_grid_reads_in_a_light_theme_and_its_squares_take_the_themes_colours(theme: str) -> None:
    app = make_app(MINI)
    async with app.run_test(size=(120, 40)) as pilot:
        await on_screen(pilot, SweepScreen)
        app.theme = theme
        await pilot.press("2", "down")  # the cursor off the first row, whose squares are checked
        await pilot.pause()
        assert unreadable(app) == []
        grid = app.screen.query_one(GridView)
        colours = {"pass": app.current_theme.success, "fail": app.current_theme.error}
        row = list(grid.render_line(HEADER_LINES))
        squares = [seg for seg in row if seg.text.strip() in ("✓", "✗")]
        assert squares
        for seg in squares:
            outcome = "pass" if seg.text.strip() == "✓" else "fail"
            assert seg.style is not None and same_colour(seg.style.bgcolor, colours[outcome])


@pytest.mark.parametrize("theme", LIGHT)
async def test_the_cell_page_and_the_replay_read_in_a_light_theme(theme: str) -> None:
    app = make_app(TRACED, get_time=lambda: 0.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await on_screen(pilot, SweepScreen)
        app.theme = theme
        await pilot.press("enter")
        await on_screen(pilot, CellScreen, ready=lambda s: s.opened is not None)
        assert unreadable(app) == []

        await pilot.press("t")
        screen = await on_screen(pilot, ReplayScreen, ready=lambda s: s.player is not None)
        await pilot.press("right", "right", "right", "right")
        await pilot.pause()
        assert unreadable(app) == []
        assert same_colour(screen.get_component_rich_style("replay--error").color, app.theme_variables["text-error"])
