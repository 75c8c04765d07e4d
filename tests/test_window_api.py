"""The window's narrow API: widgets share one base class."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from visualizer.ui.base import Widget  # noqa: E402


def test_a_widget_needs_only_what_it_uses():
    quiet = Widget()
    assert quiet.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_a)) is False
    quiet.update(0.1)
    quiet.draw(pygame.Surface((4, 4)))


def test_every_widget_in_ui_is_a_widget():
    import visualizer.ui.cards, visualizer.ui.help, visualizer.ui.lesson_controls, visualizer.ui.menu  # noqa: E401
    import visualizer.ui.slider, visualizer.ui.toast  # noqa: E401
    for module in (visualizer.ui.cards, visualizer.ui.help, visualizer.ui.lesson_controls, visualizer.ui.menu,
                   visualizer.ui.slider, visualizer.ui.toast):
        for obj in vars(module).values():
            if isinstance(obj, type) and obj.__module__ == module.__name__ and hasattr(obj, "draw"):
                assert issubclass(obj, Widget), obj
