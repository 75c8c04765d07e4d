"""Opening the real OS window: is there a display, how big, and the entry point that runs the App."""

from __future__ import annotations

import os
import sys
from typing import Callable

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")   # no banner on stdout

import pygame  # noqa: E402

from visualizer.app import App, window_caption  # noqa: E402
from visualizer.split_app import SplitApp  # noqa: E402
from visualizer.lesson import LessonPlayer  # noqa: E402
from visualizer.schema import Scenario  # noqa: E402

NO_DISPLAY = ("no display available (no $DISPLAY; over ssh?): run with --headless for a JSON report "
              "or --record OUT.mp4 for a video")
EXIT_NO_DISPLAY = 2


def display_problem() -> str | None:
    """None if a window can be opened, else the one line to print (then exit 2)."""
    driver = os.environ.get("SDL_VIDEODRIVER", "")
    if sys.platform.startswith("linux") and not driver and not os.environ.get("DISPLAY") \
            and not os.environ.get("WAYLAND_DISPLAY"):
        return NO_DISPLAY
    try:
        pygame.display.init()
    except pygame.error:
        return NO_DISPLAY
    return None


def default_size() -> tuple[int, int]:
    """A 16:9 window that fits the desktop (at most 1600x900)."""
    try:
        dw, dh = pygame.display.get_desktop_sizes()[0]
    except (pygame.error, IndexError):
        return 1280, 720
    w = min(1600, int(dw * 0.9), int(dh * 0.85 * 16 / 9))
    return max(640, w), max(360, w * 9 // 16)


def run_window(scenario: Scenario, seed: int | None = None, lang: str = "en", fullscreen: bool = False,
               size: tuple[int, int] | None = None, speed: float | None = None, rate: float | None = None,
               setup: Callable[[App], None] | None = None, reduce_motion: bool = False,
               compare_with: Scenario | None = None) -> int:
    """Open the window on `scenario` and run until the user quits. Returns the exit code (2: no display).

    The model is a LessonPlayer whatever the scenario (a sandbox is a lesson with no beats), built
    again from the same arguments on restart. `setup(app)` runs before the first frame: lessons
    and recording add their widgets and key bindings there. `reduce_motion` starts the window with
    no falling, pulsing or glowing animations (Ctrl+M toggles it).
    """
    problem = display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_NO_DISPLAY
    pygame.font.init()
    try:
        if fullscreen:
            screen = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        else:
            screen = pygame.display.set_mode(size or default_size(), pygame.RESIZABLE)
    except pygame.error:
        print(NO_DISPLAY, file=sys.stderr)
        return EXIT_NO_DISPLAY
    pygame.display.set_caption(window_caption(getattr(scenario.meta.title, lang)))
    pygame.key.set_repeat(400, 60)
    app = SplitApp(lambda: LessonPlayer(scenario, seed=seed, rate=rate, compare_with=compare_with), scenario, lang=lang, speed=speed, projector=fullscreen,
              reduce_motion=reduce_motion)
    if setup is not None:
        setup(app)
    try:
        return app.run(screen)
    finally:
        pygame.quit()
