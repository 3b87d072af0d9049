"""The tabs of the sweep screen, one pane widget each: leaderboard, grid, cells, problems.

Each pane is a `TabPane` that owns its widgets, the keys that act on them and how
it fills them; the sweep screen only composes them and switches between them.
"""

from __future__ import annotations

from cabtui.ui.screens.sweep_panes.cells import CellsPane
from cabtui.ui.screens.sweep_panes.grid import GridPane
from cabtui.ui.screens.sweep_panes.leaderboard import LeaderboardPane
from cabtui.ui.screens.sweep_panes.pane import SweepPane
from cabtui.ui.screens.sweep_panes.problems import ProblemsPane

__all__ = ["CellsPane", "GridPane", "LeaderboardPane", "ProblemsPane", "SweepPane"]
