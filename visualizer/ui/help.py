"""The help overlay: every key binding (read from the keymap, so added keys appear) and mouse action."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import pygame

from visualizer.i18n import t
from visualizer.render.fonts import text
from visualizer.ui.base import UIContext, Widget, dim, panel

MOUSE_KEYS = ("mouse.left", "mouse.right", "mouse.hover", "mouse.dot", "mouse.slider", "mouse.scrub")


@dataclass
class HelpOverlay(Widget):
    """Shown with ? or H; `entries` yields (keys shown, i18n help key) for every binding listed now
    (keys "" for a mouse action: listed after the built-in mouse actions)."""

    ctx: UIContext
    entries: Callable[[], Iterable[tuple[str, str]]]
    visible: bool = False
    rows_drawn: int = 0      # how many rows the last draw fitted (tests check none is cut)

    def toggle(self) -> None:
        self.visible = not self.visible

    def handle_event(self, event: pygame.event.Event) -> bool:
        if self.visible and event.type == pygame.MOUSEBUTTONDOWN:
            self.visible = False
            return True
        return False

    def draw(self, surface: pygame.Surface) -> None:
        if not self.visible:
            return
        s, pal, lang = self.ctx.scale, self.ctx.pal, self.ctx.lang
        dim(surface, 170)
        entries = list(self.entries())
        rows = [(keys, t(key, lang)) for keys, key in entries if keys]
        rows += [("", t(key, lang)) for key in MOUSE_KEYS]
        rows += [("", t(key, lang)) for keys, key in entries if not keys]
        room = surface.get_height() - 20 - round(90 * s)       # below the title, inside the window
        px = max(9, min(round(18 * s), int(room / (1.55 * len(rows)))))   # every row fits, none cut
        line = round(px * 1.55)
        keys_w = max(text(k, px, pal.text, True).get_width() for k, _ in rows) + round(30 * s)
        text_w = max(text(d, px, pal.text).get_width() for _, d in rows)
        w = min(surface.get_width() - 20, keys_w + text_w + round(60 * s))
        h = min(surface.get_height() - 20, round(90 * s) + line * len(rows))
        box = pygame.Rect(0, 0, w, h)
        box.center = surface.get_rect().center
        panel(surface, box, pal, s, pal.highlight)
        title = text(t("help.title", lang), round(24 * s), pal.text, True)
        surface.blit(title, (box.left + round(28 * s), box.top + round(16 * s)))
        close = text(t("help.close", lang), round(14 * s), pal.text_dim)
        surface.blit(close, close.get_rect(topright=(box.right - round(24 * s), box.top + round(24 * s))))
        y = box.top + round(64 * s)
        self.rows_drawn = 0
        for keys, desc in rows:
            if y + line > box.bottom:
                break
            self.rows_drawn += 1
            surface.blit(text(keys, px, pal.highlight, True), (box.left + round(28 * s), y))
            surface.blit(text(desc, px, pal.text), (box.left + round(28 * s) + keys_w, y))
            y += line
