"""The app's part in search: `g` opens the Search screen from anywhere, `OpenHit` opens a hit's
moment, `n` / `N` step through the hits from the screen a hit opened.

A mixin of `CabApp`, kept apart so the app's own file stays about loading and sweeps. Where a
hit opens:

    recording    the replay at that moment when the cell has a trace, else the player;
                 the matching text marked on the terminal
    span         the replay on that span (selected, the playhead at its start)
    tails, record fields, model calls   the cell page, scrolled to that section

`n` / `N` are the cell page's "next failed" key too: while the page was opened from a hit,
it gives `n` to the hits (its `p` still steps failed cells); elsewhere `n` stays its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.worker import get_current_worker

from cabtui.data.results import Results, Sweep
from cabtui.data.text import visible
from cabtui.ui.messages import OpenHit, OpenSearch

if TYPE_CHECKING:
    from cabtui.data.search import Hit
    from cabtui.ui.screens.cell import OpenedCell
    from cabtui.ui.screens.search import SearchScreen, SearchSession

SEARCH_BINDINGS = [
    Binding("g", "search", "Search", id="app.search", tooltip="Search every cell, recordings' screens included"),
    Binding("n", "step_hit(1)", "Next hit", id="app.next_hit", tooltip="The next search hit"),
    Binding("N", "step_hit(-1)", "Prev hit", id="app.previous_hit", tooltip="The previous search hit"),
]
"""The app's search keys; `n` / `N` show only on a screen a hit opened."""

SECTION_OF = {"stdout_tail": "breakdown", "stderr_tail": "breakdown", "model_call": "calls"}
"""The cell page section a hit opens at (record fields: see `_section`)."""


def _section(hit: Hit) -> str:
    if hit.where in SECTION_OF:
        return SECTION_OF[hit.where]
    if hit.ref.startswith("scores."):
        return "breakdown"
    return "identity" if hit.ref not in ("status_detail", "status") else "top"


class SearchActions(App[None]):
    """What `CabApp` adds for search; it needs `results` (None while loading)."""

    results: Results | None
    search_session: SearchSession | None = None
    hit_screen: Screen[Any] | None = None
    """The screen the current hit opened: `n` / `N` work there."""

    def stepping_hits(self) -> bool:
        """Whether `n` / `N` step hits on the screen on show (it was opened from a hit)."""
        session = self.search_session
        if session is None or not session.hits or self.hit_screen is None:
            return False
        # Under `?` help (a modal) the screen it describes counts.
        shown = next((s for s in reversed(self.screen_stack) if not isinstance(s, ModalScreen)), None)
        return shown is self.hit_screen

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "step_hit":
            return self.stepping_hits()
        if action == "search":
            return self.results is not None
        return True

    def _sweep_of(self, hit: Hit) -> Sweep:
        found = self.results.sweep(hit.row.sweep_id) if self.results is not None else None
        return found if found is not None else Sweep(hit.row.sweep_id, cells=[hit.row])

    @on(OpenSearch)
    def _open_search(self) -> None:
        self.action_search()

    def action_search(self) -> None:
        """Show the Search screen: back down to it if it is open, else on top (same session)."""
        from cabtui.ui.screens.search import SearchScreen, SearchSession

        if self.results is None:
            return
        for screen in self.screen_stack:
            if isinstance(screen, SearchScreen):
                while self.screen is not screen:
                    self.pop_screen()
                return
        if self.search_session is None or self.search_session.results is not self.results:
            self.search_session = SearchSession(self.results)
        self.push_screen(SearchScreen(self.search_session))

    def _search_screen(self) -> SearchScreen | None:
        from cabtui.ui.screens.search import SearchScreen

        return next((s for s in self.screen_stack if isinstance(s, SearchScreen)), None)

    def action_step_hit(self, direction: int) -> None:
        """The next / previous hit: in place when it is on this recording or trace, else opened."""
        session = self.search_session
        if session is None:
            return
        hit = session.step(direction)
        if hit is None:
            self.notify(f"No {'next' if direction > 0 else 'previous'} hit.", severity="warning")
            return
        search = self._search_screen()
        if search is not None:
            search.highlight_current()
        if self._show_in_place(hit):
            return
        if search is not None:
            while self.screen is not search:
                self.pop_screen()
        self._open(hit)

    def _show_in_place(self, hit: Hit) -> bool:
        """Move the screen on show to the hit when it shows the same recording or trace."""
        from cabtui.ui.screens.player import PlayerScreen
        from cabtui.ui.screens.replay import ReplayScreen

        screen = self.screen
        if screen is not self.hit_screen:
            return False
        if isinstance(screen, PlayerScreen) and hit.where == "recording" and hit.recording == screen.path:
            screen.show_hit(hit.at_s or 0.0, hit.text[hit.match[0] : hit.match[1]])
            return True
        if (
            isinstance(screen, ReplayScreen)
            and screen.cell.cell_id == hit.cell_id
            and hit.where in ("recording", "span")
        ):
            screen.show_hit(hit)
            return True
        return False

    @on(OpenHit)
    def _open_hit(self, message: OpenHit) -> None:
        self._open(message.hit)

    def _open(self, hit: Hit) -> None:
        if hit.where in ("recording", "span"):
            self._read_for_hit(hit)  # the trace decides between the replay and the player
            return
        from cabtui.ui.screens.cell import CellScreen

        sweep = self._sweep_of(hit)
        self._push_hit_screen(CellScreen(sweep, hit.row, sweep.cells, section=_section(hit)))

    @work(thread=True, exclusive=True, group="open-hit", exit_on_error=False)
    def _read_for_hit(self, hit: Hit) -> None:
        from cabtui.ui.screens.cell import open_cell

        sweep = self._sweep_of(hit)
        opened, problems, _ = open_cell(sweep.cells, hit.row)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._hit_read, hit, opened, problems)

    def _hit_read(self, hit: Hit, opened: OpenedCell | None, problems: tuple[object, ...]) -> None:
        from cabtui.ui.screens.player import PlayerScreen
        from cabtui.ui.screens.replay import ReplayScreen

        mark = hit.text[hit.match[0] : hit.match[1]]
        if opened is not None and (opened.artifacts.spans or hit.where == "span"):
            if hit.where == "span":
                self._push_hit_screen(ReplayScreen(opened.cell, opened.artifacts, span_id=hit.ref))
            else:
                self._push_hit_screen(ReplayScreen(opened.cell, opened.artifacts, recording_s=hit.at_s, mark=mark))
        elif hit.recording is not None:
            self._push_hit_screen(PlayerScreen(hit.recording, at_s=hit.at_s, mark=mark))
        else:
            why = visible(str(problems[0])) if problems else "unknown"
            self.notify(f"This hit's cell cannot be opened: {why}", severity="error")

    def _push_hit_screen(self, screen: Screen[Any]) -> None:
        self.hit_screen = screen
        self.push_screen(screen)
