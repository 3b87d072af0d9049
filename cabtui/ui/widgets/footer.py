"""Textual's Footer, changed in place when the keys it shows change."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Protocol, TypeGuard, runtime_checkable

from textual.await_complete import AwaitComplete
from textual.compose import compose
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer


@runtime_checkable
class _Key(Protocol):
    """What a key of Textual's footer has (its class is not public: known by these attributes)."""

    key: str
    key_display: str
    description: str
    action: str


def is_footer_key(widget: object) -> TypeGuard[Widget]:
    """Whether `widget` is one key of the footer (not a binding group nor its label)."""
    return isinstance(widget, Widget) and isinstance(widget, _Key)


def _identity(key: Widget) -> Hashable:
    """What makes two footer keys look the same (the tooltip is updated in place)."""
    assert isinstance(key, _Key)
    return key.key, key.key_display, key.description, key.action, frozenset(key.classes - {"-compact"})


def footer_keys(widgets: Iterable[Widget]) -> list[Widget]:
    """The footer keys among `widgets`."""
    return [widget for widget in widgets if is_footer_key(widget)]


class KeyFooter(Footer):
    """The footer every cabtui screen shows.

    Textual's Footer removes and mounts all its keys on every bindings signal:
    three times per tab switch and thirteen as the sweep screen opens, though
    the keys shown change at most once; each rebuild cost 70 to 100 ms on a
    2-CPU machine. This footer does nothing when the keys are the same, and
    otherwise mounts only keys it has never shown and hides the ones not
    wanted now, so going back to a tab or leaving the filter box costs a
    layout, not a rebuild. It lays out the keys Footer.compose yields, so what
    it shows is what Textual's footer would show.
    """

    _shown: Hashable = None
    _ready = False
    """Whether the screen has announced its bindings (Footer.compose shows nothing before)."""

    def bindings_changed(self, screen: Screen[object]) -> None:
        """The screen's bindings changed: Textual's footer recomposes (after a refresh)."""
        self._ready = True
        super().bindings_changed(screen)

    def _keys(self) -> Hashable:
        """What the footer's compose reads (the keys it shows, the palette key), as one value."""
        if not self._ready or not self.is_attached:
            return None
        palette = self.app.COMMAND_PALETTE_BINDING
        return (
            self.show_command_palette,
            tuple(
                (key, binding.key_display, binding.description, binding.action, binding.group, enabled, tooltip)
                for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
                if binding.show or key == palette
            ),
        )

    async def recompose(self) -> None:
        """Show the screen's keys now, reusing the key widgets already mounted."""
        if not self.is_attached:
            return
        if not self.display:  # hidden, or being removed: Textual's own rebuild knows what to do
            self._shown = None
            await super().recompose()
            return
        keys = self._keys()
        if keys is not None and keys == self._shown:
            return
        self._shown = keys
        wanted = compose(self)  # what Textual's own rebuild would mount
        only_keys = all(is_footer_key(widget) for widget in [*wanted, *self.children])
        if not only_keys or not await self._show_keys(wanted):
            await super().recompose()  # binding groups, or a new order: Textual's own rebuild

    async def _show_keys(self, wanted: list[Widget]) -> bool:
        """Mount the wanted keys not mounted yet, then show exactly the wanted ones, in order."""
        mounted = {_identity(key): key for key in footer_keys(self.children)}
        mounting = []
        shown: list[Widget] = []
        for key in wanted:
            have = mounted.get(_identity(key))
            if have is None:  # right after the key before it, else first
                where = {"after": shown[-1]} if shown else {"before": 0} if self.children else {}
                mounting.append(self.mount(key, **where))
                have = mounted[_identity(key)] = key
            elif have.tooltip != key.tooltip:
                have.tooltip = key.tooltip
            shown.append(have)
        if mounting:
            await AwaitComplete(*mounting)
        order = {id(child): index for index, child in enumerate(self.children)}
        if any(id(key) not in order for key in shown):  # a mount that did not happen
            return False
        positions = [order[id(key)] for key in shown]
        if positions != sorted(positions):
            return False
        visible = {id(key) for key in shown}
        with self.app.batch_update():
            for child in footer_keys(self.children):
                child.display = id(child) in visible
        return True
