"""`?`: every key of the screen below, from its live bindings."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "comma": ",",
    "full_stop": ".",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "space": "space",
    "escape": "esc",
    "minus": "-",
    "plus": "+",
}


def key_label(key: str) -> str:
    """How a binding's key reads to a person."""
    return ", ".join(KEY_NAMES.get(k, k) for k in key.split(","))


class HelpScreen(ModalScreen[None]):
    """The keys that work on one screen, each listed once, as its footer and a key press see them."""

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
        table = Table(
            title=f"Keys: {self.target.__class__.__name__.removesuffix('Screen')}", expand=True, caption="escape closes"
        )
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("Does")
        # What a key press reaches on that screen now (Textual resolves focus, priority and
        # check_action): one row per binding, its keys together ("up, k").
        rows: dict[tuple[int, str, str], list[str]] = {}
        palette = self.app.COMMAND_PALETTE_BINDING
        for key, active in self.target.active_bindings.items():
            binding = active.binding
            if binding.system and key != palette:
                continue
            does = binding.tooltip or binding.description or binding.action
            rows.setdefault((id(active.node), binding.action, does), []).append(key)
        for (_node, _action, does), keys in rows.items():
            table.add_row(Text(key_label(",".join(keys))), Text(does))
        return table
