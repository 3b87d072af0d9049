"""`?`: every key of the screen below, from its live bindings."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

KEY_NAMES = {
    "question_mark": "?", "slash": "/", "comma": ",", "full_stop": ".", "left_square_bracket": "[",
    "right_square_bracket": "]", "space": "space", "escape": "esc",
}


def key_label(key: str) -> str:
    """How a binding's key reads to a person."""
    return ", ".join(KEY_NAMES.get(k, k) for k in key.split(","))


class HelpScreen(ModalScreen[None]):
    """The keys of one screen, grouped by the widget that owns them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, target: Screen[object]) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self._table(), id="help-keys")

    def _table(self) -> Table:
        table = Table(title=f"Keys: {self.target.__class__.__name__.removesuffix('Screen')}", expand=True,
                      caption="escape closes")
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("Does")
        keys: dict[str, list[str]] = {}
        does: dict[str, str] = {}
        # The focused widget first, then its ancestors, the screen and the app: the
        # first binding of an action is the one a key press reaches.
        for _node, bindings in self.target._binding_chain:
            for key, group in bindings.key_to_bindings.items():
                for binding in group:
                    if binding.system:
                        continue
                    action = binding.action
                    if key not in keys.setdefault(action, []):
                        keys[action].append(key)
                    does.setdefault(action, binding.tooltip or binding.description or action)
        for action, names in keys.items():
            table.add_row(key_label(",".join(names)), does[action])
        return table
