"""Short messages that fade out after a few seconds (what a key did, why a command was refused)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from visualizer.render.fonts import text
from visualizer.ui.base import UIContext, Widget, panel

SHOW_S = 2.5


@dataclass
class Toasts(Widget):
    ctx: UIContext
    items: list[list] = field(default_factory=list)   # [message, age_s, bad]

    def show(self, message: str, bad: bool = False) -> None:
        self.items.append([message, 0.0, bad])
        del self.items[:-4]

    def update(self, dt: float) -> None:
        for item in self.items:
            item[1] += dt
        self.items = [i for i in self.items if i[1] < SHOW_S]

    def draw(self, surface: pygame.Surface) -> None:
        lay = self.ctx.layout
        if not self.items or lay is None:
            return
        s, pal = self.ctx.scale, self.ctx.pal
        y = (lay.caption.top if lay.caption else lay.toolbar.top) - round(12 * s)
        for message, _age, bad in reversed(self.items):
            surf = text(message, round(17 * s), pal.failed if bad else pal.text, True)
            box = surf.get_rect(midbottom=(lay.graph.centerx, y)).inflate(round(28 * s), round(14 * s))
            panel(surface, box, pal, s, pal.failed if bad else None)
            surface.blit(surf, surf.get_rect(center=box.center))
            y = box.top - round(8 * s)
