"""The App's widgets by layer: drawn lowest layer first, events offered to the top-most first."""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from visualizer.ui.base import Layer, Widget


@dataclass
class WidgetStack:
    """Widgets in layers; within a layer, in the order they were added."""

    layers: dict[Layer, list[Widget]] = field(default_factory=lambda: {layer: [] for layer in Layer})

    def add(self, widget: Widget, layer: Layer) -> None:
        if not isinstance(widget, Widget):
            raise TypeError(f"{type(widget).__name__} is not a ui.base.Widget")
        self.layers[Layer(layer)].append(widget)

    def in_draw_order(self) -> tuple[Widget, ...]:
        return tuple(w for layer in sorted(self.layers) for w in self.layers[layer])

    def handle_event(self, event: pygame.event.Event) -> bool:
        """Offer `event` top-most first; True once a widget consumed it."""
        return any(w.handle_event(event) for w in reversed(self.in_draw_order()))

    def update(self, dt: float) -> None:
        for widget in self.in_draw_order():
            widget.update(dt)

    def draw(self, surface: pygame.Surface) -> None:
        for widget in self.in_draw_order():
            widget.draw(surface)
