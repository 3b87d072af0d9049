"""Styles read once per style change, for Line API widgets that keep their drawn lines."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


class LineStyles(Widget):
    """A widget's own rich style ("" key) and each of its components', read once per style change.

    Textual walks the ancestors on every read of `rich_style`, and tells a widget
    of a style update on every focus change; a widget that keeps drawn lines
    drops them only when a style it draws with has really changed.
    """

    _styles: dict[str, Style] | None = None
    _built_with: dict[str, Style] | None = None

    def notify_style_update(self) -> None:
        """The styles may have changed: read them again before the next line."""
        super().notify_style_update()
        self._styles = None

    def line_styles(self) -> dict[str, Style]:
        """The styles in force; `styles_changed` runs first when they differ from the last ones."""
        styles = self._styles
        if styles is None:
            styles = {"": self.rich_style}
            styles.update((name, self.get_component_rich_style(name)) for name in sorted(self.COMPONENT_CLASSES))
            if styles != self._built_with:
                self.styles_changed(styles)
                self._built_with = styles
            self._styles = styles
        return styles

    def styles_changed(self, styles: dict[str, Style]) -> None:
        """Drop what was drawn with the old styles."""
