"""Search: every line a sweep holds that matches, recordings' screens included, grouped by cell.

Typing searches (after a short pause); the hits the index already holds show at once, and
each recording's as soon as a thread worker has emulated it, with a progress bar meanwhile.
`enter` on a hit asks the app to open its moment (`OpenHit`); `n` / `N` there step through
the hits. The session (pattern, hits, the one on show) lives on the app, so it outlasts
this screen: escape and `g` come back to the same search.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, OptionList, ProgressBar
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from cabtui.data.results import Results
from cabtui.data.search import BadPattern, Hit, Pattern, Scope, SearchIndex, order_hits, search_progressively
from cabtui.data.text import one_line
from cabtui.ui.messages import OpenHit
from cabtui.ui.widgets.footer import KeyFooter
from cabtui.ui.widgets.status import StatusLine

MAX_SHOWN = 2000
"""Hits listed at most; the status line says how many more there are."""

TYPING_PAUSE_S = 0.25
"""A search starts this long after the last key typed."""

HELP = (
    "Type a pattern: it is looked for in record fields, stdout/stderr tails, span names, attributes and errors, "
    "model calls, and every line each recording's screen showed. Case matters only when the pattern has capitals; "
    "re: starts a regular expression. enter searches now and moves to the hits."
)


def fmt_at(at_s: float | None) -> str:
    """A hit's time on the list."""
    return "" if at_s is None else f"{at_s:.2f} s"


def pattern_of(typed: str) -> Pattern:
    """What the box holds as a Pattern: `re:` a regex; smart case (capitals make it exact)."""
    regex = typed.startswith("re:")
    text = typed[3:] if regex else typed
    return Pattern(text, ignore_case=text == text.lower(), regex=regex)


@dataclass
class SearchSession:
    """One search, kept by the app across screens: what was asked and found, and which hit is on show."""

    results: Results
    typed: str = ""
    hits: list[Hit] = field(default_factory=list)
    current: int | None = None
    """The hit last opened (n / N step from it)."""
    index: SearchIndex | None = None
    scope: Scope | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    """One worker at a time uses the index (a cancelled one finishes its step first)."""

    def step(self, direction: int) -> Hit | None:
        """The hit after (or before) the current one, made current; None at either end."""
        if not self.hits:
            return None
        first = 0 if direction > 0 else len(self.hits) - 1
        target = first if self.current is None else self.current + direction
        if not 0 <= target < len(self.hits):
            return None
        self.current = target
        return self.hits[target]


def hit_prompt(hit: Hit) -> Text:
    """One hit's line on the list, the match marked (plain text: nothing read as markup)."""
    start, end = hit.match
    shown = hit.text[:300]
    line = Text.assemble(("  " + hit.where.ljust(12), "dim"), (fmt_at(hit.at_s).rjust(10) + "  ", "dim"))
    body = Text(shown)
    if start < len(shown):
        body.stylize("bold reverse", start, min(end, len(shown)))
    line.append_text(body)
    return line


class SearchScreen(Screen[None]):
    """A search box, a progress bar while recordings are indexed, and the hits by cell."""

    AUTO_FOCUS = "#search-input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="search.back"),
        Binding("down", "to_hits", "Hits", show=False, id="search.to_hits"),
        Binding("slash", "to_box", "Edit", id="search.edit", tooltip="Back to the search box"),
    ]

    class Found(Message):
        """A worker's step: hits of search `generation`, and how far the recordings are indexed."""

        def __init__(self, generation: int, hits: list[Hit], done: int, total: int, final: bool = False) -> None:
            super().__init__()
            self.generation = generation
            self.hits = hits
            self.done = done
            self.total = total
            self.final = final

    class Failed(Message):
        """Search `generation` could not run; `message` says why."""

        def __init__(self, generation: int, message: str) -> None:
            super().__init__()
            self.generation = generation
            self.message = message

    def __init__(self, session: SearchSession) -> None:
        super().__init__()
        self.session = session
        self.generation = 0
        self._typing: Timer | None = None
        self._searching = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            self.session.typed, placeholder="search every cell, recordings' screens included", id="search-input"
        )
        yield ProgressBar(id="search-progress", show_eta=False)
        yield StatusLine(id="search-status")
        yield OptionList(id="search-hits")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "cabtui · search"
        self.query_one(ProgressBar).display = False
        if self.session.hits:
            self._show_hits(self.session.current)
            self._status(f"{len(self.session.hits):,} hits for {one_line(self.session.typed, 80)}")
        else:
            self._status(HELP)

    def _status(self, text: str) -> None:
        self.query_one("#search-status", StatusLine).update(Text(text))

    # --- typing -----------------------------------------------------------------------

    @on(Input.Changed, "#search-input")
    def _typed(self, event: Input.Changed) -> None:
        if self._typing is not None:
            self._typing.stop()
        self._typing = self.set_timer(TYPING_PAUSE_S, self.start_search)

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        if self._typing is not None:
            self._typing.stop()
        if self.query_one(Input).value != self.session.typed or not self._searching and not self.session.hits:
            self.start_search()
        self.action_to_hits()

    def start_search(self) -> None:
        """Search for what the box holds (a new search drops whatever the last one finds later)."""
        typed = self.query_one(Input).value
        self.generation += 1
        self.session.typed = typed
        self.session.hits = []
        self.session.current = None
        self.query_one(OptionList).clear_options()
        if not typed:
            self.workers.cancel_group(self, "search")
            self._searching = False
            self._status(HELP)
            return
        pattern = pattern_of(typed)
        try:
            pattern.compiled()
        except BadPattern as err:
            self._status(f"{err}")
            return
        self._searching = True
        self._status(f"searching for {one_line(typed, 80)} …")
        self.run_search(pattern, self.generation)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, pattern: Pattern, generation: int) -> None:
        """Bring the index up to date and search it, posting hits as they are found."""
        worker = get_current_worker()
        session = self.session

        def stopped() -> bool:
            return worker.is_cancelled

        try:
            with session.lock:
                if worker.is_cancelled:
                    return
                if session.index is None:
                    session.index = SearchIndex.open(session.results.path)
                    if session.index.note:
                        self.app.call_from_thread(self.notify, session.index.note, severity="warning")
                if session.scope is None:
                    scope = session.index.scope(session.results, should_stop=stopped)
                    if worker.is_cancelled:
                        return
                    session.scope = scope
                scope = session.scope
                for found in search_progressively(session.index, scope, pattern, should_stop=stopped):
                    if worker.is_cancelled:
                        return
                    self.post_message(self.Found(generation, found.hits, found.done, found.total))
                self.post_message(self.Found(generation, [], 0, 0, final=True))
        except BadPattern as err:  # a regex that backtracked past its bound on some line
            self.post_message(self.Failed(generation, str(err)))
        except Exception as err:  # noqa: BLE001 - said on screen, never a dead worker
            self.post_message(self.Failed(generation, f"search failed: {type(err).__name__}: {err}"))

    @on(Found)
    def _found(self, message: Found) -> None:
        message.stop()
        if message.generation != self.generation:
            return
        session = self.session
        bar = self.query_one(ProgressBar)
        if message.hits:
            scope = session.scope
            merged = session.hits + message.hits
            session.hits = order_hits(scope, merged) if scope is not None else merged
            self._show_hits(None)
        count = f"{len(session.hits):,} hits for {one_line(session.typed, 80)}"
        if message.final:
            self._searching = False
            bar.display = False
            problems = len(session.scope.problems) if session.scope else 0
            self._status(count + (f"  ·  {problems} recordings or cells could not be read in full" if problems else ""))
            if not session.hits:
                self._status(f"no hits for {one_line(session.typed, 80)}")
            return
        if message.total:
            bar.display = message.done < message.total
            bar.update(total=message.total, progress=message.done)
            self._status(f"{count}  ·  indexing recordings: {message.done:,} of {message.total:,}")
        else:
            self._status(count)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        message.stop()
        if message.generation == self.generation:
            self._searching = False
            self.query_one(ProgressBar).display = False
            self._status(message.message)

    # --- the list ---------------------------------------------------------------------

    def _show_hits(self, highlight: int | None) -> None:
        """The hits by cell: a heading per cell, then its hits (at most MAX_SHOWN)."""
        hits = self.session.hits
        options: list[Option | None] = []
        last_cell: str | None = None
        for i, hit in enumerate(hits[:MAX_SHOWN]):
            if hit.cell_id != last_cell:
                last_cell = hit.cell_id
                options.append(Option(Text(one_line(hit.cell_id, 200), "bold"), disabled=True))
            options.append(Option(hit_prompt(hit), id=str(i)))
        if len(hits) > MAX_SHOWN:
            options.append(Option(Text(f"… and {len(hits) - MAX_SHOWN:,} more hits", "italic"), disabled=True))
        hit_list = self.query_one(OptionList)
        kept = hit_list.highlighted_option.id if hit_list.highlighted_option is not None else None
        hit_list.clear_options()
        hit_list.add_options(options)
        wanted = str(highlight) if highlight is not None else kept
        if wanted is not None:
            with_id = [i for i, option in enumerate(hit_list.options) if option.id == wanted]
            if with_id:
                hit_list.highlighted = with_id[0]

    def highlight_current(self) -> None:
        """Put the list's highlight on the session's current hit (after n / N elsewhere)."""
        if self.session.current is not None and self.is_mounted:
            self._show_hits(self.session.current)

    @on(OptionList.OptionSelected, "#search-hits")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is None:
            return
        index = int(event.option.id)
        self.session.current = index
        self.post_message(OpenHit(self.session.hits[index]))

    def action_to_hits(self) -> None:
        """Move to the list of hits (its first hit highlighted)."""
        hit_list = self.query_one(OptionList)
        if hit_list.option_count:
            hit_list.focus()
            if hit_list.highlighted is None:
                hit_list.action_first()

    def action_to_box(self) -> None:
        """Back to the search box."""
        self.query_one(Input).focus()

    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        """`/` and down are text keys inside the box... down moves to the hits from it."""
        if action == "to_box":
            return not isinstance(self.focused, Input)
        if action == "to_hits":
            return isinstance(self.focused, Input)
        return True

    def action_back(self) -> None:
        """Back to the screen the search was opened from."""
        self.dismiss()
