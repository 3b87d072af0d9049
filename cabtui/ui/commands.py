"""Command palette: jump to any cell, sweep or tab, compare two sweeps, or run a screen's action."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from cabtui.data.results import CellRow, Sweep
from cabtui.data.text import one_line
from cabtui.ui.messages import TABS, OpenCell, OpenCompare, OpenSearch, OpenSweep, ShowTab
from cabtui.ui.screens.sweeps import SweepsScreen

SEARCH_TEXT = "Search: every cell, recordings' screens included"

MAX_CELL_HITS = 40
"""Cells offered per query: enough to choose from, few enough to stay instant at 250k."""


def highlight(matcher: Matcher, text: str) -> Content:
    """`text` as plain Content with the fuzzy match marked.

    `Matcher.highlight` parses its candidate as markup, and these candidates hold
    sweep ids and cell ids from the data, so the match is marked here instead.
    """
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if score:
        for offset in offsets:
            if not text[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class JumpProvider(Provider):
    """Cells (by id words), sweeps, comparisons of two sweeps and the sweep screen's tabs.

    A hit posts a message to the app, which opens the screen: a provider is not in
    the DOM, and it needs to know no screen.
    """

    def _sweeps(self) -> list[Sweep]:
        results = getattr(self.app, "results", None)
        return results.sweeps if results is not None else []

    def _pairs(self) -> list[tuple[str, Sweep, Sweep]]:
        """Bounded: each sweep against the one before it in time, and against the marked one."""
        lists = [s for s in self.app.screen_stack if isinstance(s, SweepsScreen)]
        if not lists:
            return []
        screen = lists[-1]
        sweeps = screen.results.sweeps
        marked = screen.marked_sweep
        pairs = []
        for i, after in enumerate(sweeps):
            before = screen.previous(i)
            if before is not None and before is not marked:
                pairs.append((before, after))
            if marked is not None and after is not marked:
                pairs.append((marked, after))
        return [
            (f"Compare: {one_line(before.sweep_id, 60)} → {one_line(after.sweep_id, 60)}", before, after)
            for before, after in pairs
        ]

    async def discover(self) -> Hits:
        """Offer the tabs and the sweeps before anything is typed."""
        for tab in TABS:
            yield DiscoveryHit(f"Go to tab: {tab}", partial(self._tab, tab), help="sweep screen")
        yield DiscoveryHit(SEARCH_TEXT, self._open_search, help="g, from any screen")
        for sweep in self._sweeps():
            # Content, not str: a str is read as markup, and sweep ids are untrusted.
            yield DiscoveryHit(
                Content(f"Open sweep: {one_line(sweep.sweep_id, 80)}"),
                partial(self._sweep, sweep),
                help=f"{len(sweep.cells):,} cells",
            )
        for text, before, after in self._pairs():
            yield DiscoveryHit(Content(text), partial(self._compare, before, after), help="BEFORE → AFTER")

    async def search(self, query: str) -> Hits:
        """Tabs and sweeps by fuzzy match; cells whose id holds every word typed."""
        matcher = self.matcher(query)
        if (score := matcher.match(SEARCH_TEXT)) > 0:
            yield Hit(score, highlight(matcher, SEARCH_TEXT), self._open_search, text=SEARCH_TEXT)
        for tab in TABS:
            text = f"Go to tab: {tab}"
            if (score := matcher.match(text)) > 0:
                yield Hit(score, highlight(matcher, text), partial(self._tab, tab), text=text)
        for sweep in self._sweeps():
            text = f"Open sweep: {one_line(sweep.sweep_id, 80)}"
            if (score := matcher.match(text)) > 0:
                yield Hit(score, highlight(matcher, text), partial(self._sweep, sweep), text=text)
        for text, before, after in self._pairs():
            if (score := matcher.match(text)) > 0:
                yield Hit(score, highlight(matcher, text), partial(self._compare, before, after), text=text)
        words = query.lower().split()
        if not words:
            return
        found = 0
        for sweep in self._sweeps():
            for row in sweep.cells:
                cell_id = row.cell_id.lower()
                if all(w in cell_id for w in words):
                    text = f"Open cell: {one_line(row.cell_id, 120)}"
                    # The outcome goes in the prompt: a Hit's help is always read as markup.
                    prompt = Content.assemble(text, ("  " + one_line(row.outcome, 40), "dim"))
                    yield Hit(0.5 + 0.5 / (1 + len(cell_id)), prompt, partial(self._cell, sweep, row), text=text)
                    found += 1
                    if found >= MAX_CELL_HITS:
                        return

    def _open_search(self) -> None:
        self.app.post_message(OpenSearch())

    def _tab(self, tab: str) -> None:
        self.app.post_message(ShowTab(tab))

    def _sweep(self, sweep: Sweep) -> None:
        self.app.post_message(OpenSweep(sweep))

    def _compare(self, before: Sweep, after: Sweep) -> None:
        self.app.post_message(OpenCompare(before, after))

    def _cell(self, sweep: Sweep, row: CellRow) -> None:
        self.app.post_message(OpenCell(sweep, row, sweep.cells))
