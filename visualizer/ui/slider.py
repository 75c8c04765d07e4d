"""A horizontal slider (linear or log scale) with a label and the current value, dragged with the mouse."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import pygame

from visualizer.i18n import t
from visualizer.render.fonts import text
from visualizer.ui.base import UIContext, Widget


@dataclass
class Slider(Widget):
    """A value between lo and hi; `place` sets its rect each frame; on_change fires while dragging."""

    ctx: UIContext
    label: str                                  # i18n key
    lo: float
    hi: float
    value: float
    on_change: Callable[[float], None]
    log: bool = True
    fmt: Callable[[float], str] = field(default=lambda v: f"{v:g}")
    rect: pygame.Rect = field(default_factory=lambda: pygame.Rect(0, 0, 1, 1))
    dragging: bool = False

    def place(self, rect: pygame.Rect) -> None:
        self.rect = rect

    def _track(self) -> pygame.Rect:
        s = self.ctx.scale
        label_w = round(110 * s)
        value_w = round(70 * s)
        return pygame.Rect(self.rect.left + label_w, self.rect.centery - round(3 * s),
                           max(10, self.rect.width - label_w - value_w), max(4, round(6 * s)))

    def fraction(self) -> float:
        v = min(max(self.value, self.lo), self.hi)
        if self.log:
            return (math.log(v) - math.log(self.lo)) / (math.log(self.hi) - math.log(self.lo))
        return (v - self.lo) / (self.hi - self.lo)

    def value_at(self, x: float) -> float:
        tr = self._track()
        f = min(1.0, max(0.0, (x - tr.left) / max(1, tr.width)))
        if self.log:
            return math.exp(math.log(self.lo) + f * (math.log(self.hi) - math.log(self.lo)))
        return self.lo + f * (self.hi - self.lo)

    def set(self, value: float) -> None:
        """Move the knob without firing on_change (the app changed the value another way)."""
        self.value = min(max(value, self.lo), self.hi)

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if self._track().inflate(round(16 * self.ctx.scale), round(24 * self.ctx.scale)).collidepoint(event.pos):
                self.dragging = True
                self._drag(event.pos[0])
                return True
        elif event.type == pygame.MOUSEMOTION and self.dragging:
            self._drag(event.pos[0])
            return True
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self.dragging:
            self.dragging = False
            return True
        return False

    def _drag(self, x: float) -> None:
        self.value = self.value_at(x)
        self.on_change(self.value)

    def draw(self, surface: pygame.Surface) -> None:
        s, pal = self.ctx.scale, self.ctx.pal
        label = text(t(self.label, self.ctx.lang), round(15 * s), pal.text_dim)
        surface.blit(label, label.get_rect(midleft=(self.rect.left, self.rect.centery)))
        tr = self._track()
        pygame.draw.rect(surface, pal.bar_bg, tr, border_radius=tr.height // 2)
        filled = tr.copy()
        filled.width = round(tr.width * self.fraction())
        pygame.draw.rect(surface, pal.read, filled, border_radius=tr.height // 2)
        knob = (tr.left + filled.width, tr.centery)
        pygame.draw.circle(surface, pal.text, knob, round(9 * s))
        pygame.draw.circle(surface, pal.read, knob, round(9 * s), max(1, round(2 * s)))
        value = text(self.fmt(self.value), round(15 * s), pal.text, True)
        surface.blit(value, value.get_rect(midleft=(tr.right + round(14 * s), self.rect.centery)))
