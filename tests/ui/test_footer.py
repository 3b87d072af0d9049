"""KeyFooter beyond the sweep screen: binding groups come and go as in Textual's own Footer."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from cabtui.ui.widgets.footer import KeyFooter

MOVE = Binding.Group("Move")


class GroupsApp(App[None]):
    """Two grouped keys that `x` turns off and on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "go_left", "Left", group=MOVE),
        Binding("right", "go_right", "Right", group=MOVE),
        Binding("x", "toggle", "Toggle"),
    ]
    moving = True

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield KeyFooter()

    def action_toggle(self) -> None:
        self.moving = not self.moving
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.moving if action.startswith("go_") else True


async def test_binding_groups_leave_the_footer_with_their_keys() -> None:
    app = GroupsApp()
    async with app.run_test(size=(80, 5)) as pilot:
        await pilot.pause()

        def on_show() -> list[str]:
            return [type(w).__name__ for w in app.query_one(KeyFooter).children if w.display]

        assert on_show()[:2] == ["KeyGroup", "FooterLabel"]
        await pilot.press("x")
        await pilot.pause()
        assert "KeyGroup" not in on_show() and "FooterLabel" not in on_show()
        await pilot.press("x")
        await pilot.pause()
        assert on_show()[:2] == ["KeyGroup", "FooterLabel"]
