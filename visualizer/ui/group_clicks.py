"""Clicks on group cards: a left click opens a folded group a page of cards at a time, its ▲ tab folds it again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pygame

from visualizer.render.groups import toggled
from visualizer.ui.base import Layer, Widget
from visualizer.ui.keymap import Binding


@dataclass
class GroupClicks(Widget):
    """Takes clicks on group cards and fold tabs before the App's own (which would fail a node)."""

    app: Any

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type != pygame.MOUSEBUTTONDOWN or event.button not in (1, 3):
            return False
        layout = self.app.layout
        hit = layout.group_at(event.pos) if layout is not None else None
        if hit is None:
            return False
        if event.button == 1:
            self.app.set_expanded(toggled(self.app.view.expanded, hit.key))
        return True                      # a right click on a group: no node's menu, no build menu


def install_groups(app: Any) -> GroupClicks:
    """Add the group cards' clicks to the window and say so in help."""
    clicks = GroupClicks(app)
    app.add_widget(clicks, Layer.PANELS)
    def crowded() -> bool:
        layout = app.layout
        return layout is not None and bool(layout.groups or layout.tabs)

    app.bind(Binding("group", help="key.group", listed=crowded), lambda: None)
    return clicks
