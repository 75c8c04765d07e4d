"""What every widget shares: the Widget base class, the App's layers, and the context widgets read."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import pygame

from visualizer.render.layout import Layout
from visualizer.render.style import DARK, Palette
from visualizer.sim.snapshot import Snapshot


class Widget:
    """pygame_gui's split: events in (True = consumed, stop passing it on), time forward, then draw.

    Every method does nothing by default: a widget overrides only what it needs.
    """

    def handle_event(self, event: pygame.event.Event) -> bool:
        return False

    def update(self, dt: float) -> None:
        pass

    def draw(self, surface: pygame.Surface) -> None:
        pass


class Layer(IntEnum):
    """Where a widget sits in the App: drawn lowest first, offered events top-most first."""

    BASE = 0        # part of the picture: the time scrubber, a click on the caption
    PANELS = 1      # sliders and cards
    OVERLAY = 2     # the context menu, toasts
    MODAL = 3       # help, the lesson menu, the blank screen: over everything, take the input


@dataclass
class UIContext:
    """Read-only facts the app refreshes each frame before widgets update and draw."""

    lang: str = "en"
    scale: float = 1.0
    pal: Palette = DARK
    snap: Snapshot | None = None
    layout: Layout | None = None
    size: tuple[int, int] = (1280, 720)
    extra: dict[str, object] = field(default_factory=dict)


def panel(surface: pygame.Surface, rect: pygame.Rect, pal: Palette, scale: float, edge: tuple[int, int, int] | None = None) -> None:
    """A rounded panel with a border and a soft shadow, the look of every card and menu."""
    radius = round(10 * scale)
    shadow = rect.move(round(4 * scale), round(5 * scale))
    pygame.draw.rect(surface, (0, 0, 0), shadow, border_radius=radius)
    pygame.draw.rect(surface, pal.panel, rect, border_radius=radius)
    pygame.draw.rect(surface, edge or pal.panel_edge, rect, max(1, round(2 * scale)), border_radius=radius)


def dim(surface: pygame.Surface, alpha: int = 175) -> None:
    """Darken everything drawn so far, behind a modal overlay (help, lesson menu)."""
    shade = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    shade.fill((0, 0, 0, alpha))
    surface.blit(shade, (0, 0))


def clamp_rect(rect: pygame.Rect, size: tuple[int, int]) -> pygame.Rect:
    """Move `rect` so it stays inside a window of `size` (as far as it fits)."""
    r = rect.copy()
    r.right = min(r.right, size[0] - 4)
    r.bottom = min(r.bottom, size[1] - 4)
    r.left = max(r.left, 4)
    r.top = max(r.top, 4)
    return r
