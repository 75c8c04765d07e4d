"""Keyboard focus on the nodes: Tab / Shift+Tab move it, Enter fails or recovers, A or Menu opens actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

import pygame

from visualizer.ui.base import Layer, UIContext, Widget
from visualizer.ui.keymap import Binding

ACT_KEYS = (pygame.K_RETURN, pygame.K_KP_ENTER)
MENU_KEYS = (pygame.K_a, pygame.K_MENU)
# Listed in the help overlay; the widget handles the keys itself, because Enter acts on a node only
# while one has focus (otherwise it stays the lesson's Next) and Tab needs Shift told apart.
HELP = (Binding("focus.move", shown="Tab / Shift+Tab", help="key.focus"),
        Binding("focus.act", shown="Enter", help="key.focus_act"),
        Binding("focus.menu", shown="A / Menu", help="key.focus_menu"),
        Binding("focus.menu_keys", shown="↑ / ↓ / Enter", help="key.menu_keys"))


def tab_order(ctx: UIContext) -> list[str]:
    """The nodes on screen as the eye reads them: tiers left to right, each top to bottom."""
    lay, snap = ctx.layout, ctx.snap
    if lay is None or snap is None:
        return []
    shown = [i for i, _ in lay.shown(snap.nodes)]
    shown.sort(key=lambda i: (round(float(lay.centers[i, 0])), float(lay.centers[i, 1])))
    return [lay.ids[i] for i in shown]


@dataclass
class KeyboardFocus(Widget):
    """Which node the keyboard acts on (None: no focus, so Enter and Esc keep their other meanings)."""

    ctx: UIContext
    act: Callable[[str], object]                                # Enter: what a left click does
    open_menu: Callable[[str, tuple[int, int]], None]           # A / Menu: the right-click actions
    node: str | None = None

    def move(self, step: int) -> None:
        order = tab_order(self.ctx)
        if not order:
            self.node = None
            return
        if self.node in order:
            self.node = order[(order.index(self.node) + step) % len(order)]
        else:
            self.node = order[0] if step > 0 else order[-1]

    def _card(self) -> pygame.Rect | None:
        lay = self.ctx.layout
        i = lay.index(self.node) if lay is not None and self.node is not None else None
        return None if i is None or lay.hidden(i) else lay.rect(i)

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type != pygame.KEYDOWN:
            return False
        if event.key == pygame.K_TAB:
            self.move(-1 if getattr(event, "mod", 0) & pygame.KMOD_SHIFT else 1)
            return True
        card = self._card()
        if card is None:
            self.node = None                 # a removed node loses its focus
            return False
        if event.key in ACT_KEYS:
            self.act(self.node)
            return True
        if event.key in MENU_KEYS and not getattr(event, "mod", 0) & pygame.KMOD_CTRL:
            self.open_menu(self.node, card.topright)
            return True
        if event.key == pygame.K_ESCAPE:
            self.node = None                 # and Esc goes on to close cards, as always
        return False

    def draw(self, surface: pygame.Surface) -> None:
        card = self._card()
        if card is None:
            return
        s, pal = self.ctx.scale, self.ctx.pal
        w = max(3, round(3 * s))
        ring = card.inflate(4 * w, 4 * w)
        radius = round(12 * s)
        pygame.draw.rect(surface, pal.background, ring.inflate(2 * w, 2 * w), w, border_radius=radius + w)
        pygame.draw.rect(surface, pal.text, ring, w, border_radius=radius)
        for corner in ("topleft", "topright", "bottomleft", "bottomright"):      # corner marks
            x, y = getattr(ring.inflate(2 * w, 2 * w), corner)
            pygame.draw.circle(surface, pal.highlight, (x, y), w + 1)


class Host(Protocol):
    """What install_focus needs of the App (a protocol: app.py imports this module, not the reverse)."""

    ctx: UIContext

    def toggle_node(self, node: str) -> bool: ...
    def open_actions(self, node: str, pos: tuple[int, int], keyboard: bool = False) -> None: ...
    def add_widget(self, widget: Widget, layer: Layer = Layer.PANELS) -> None: ...
    def bind(self, binding: Binding, handler: Callable[[], None]) -> None: ...


def install_focus(app: Host) -> KeyboardFocus:
    """Add keyboard focus to the window, through the App's public methods."""
    focus = KeyboardFocus(app.ctx, app.toggle_node, lambda node, pos: app.open_actions(node, pos, keyboard=True))
    app.add_widget(focus, Layer.PANELS)
    for binding in HELP:
        app.bind(binding, lambda: None)
    return focus
