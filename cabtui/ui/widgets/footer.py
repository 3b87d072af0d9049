"""Textual's Footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from collections.abc import Hashable

from textual.widgets import Footer


class KeyFooter(Footer):
    """The footer every cabtui screen shows.

    Textual's Footer mounts all its keys again on every bindings signal: three
    times per tab switch and thirteen as the sweep screen opens, though the keys
    shown change at most once. That cost 150 to 300 ms of a tab switch on a
    2-CPU machine; this footer skips a rebuild that would show the same keys.
    """

    _shown: Hashable = None

    def _keys(self) -> Hashable:
        """What the footer's compose reads (the keys it shows, the palette key), as one value."""
        if not self._bindings_ready or not self.is_attached:
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
        """Rebuild the keys, unless they are the ones on show."""
        keys = self._keys()
        if keys is not None and keys == self._shown:
            return
        self._shown = keys
        await super().recompose()
